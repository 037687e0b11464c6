import { accessDenied, badRequest, GraphError, toGraphError } from './errors';
import { matchRoute, normalizeSegments } from './router';
import type { Caller, GraphEnv, GraphRequest, GraphResult, Route } from './types';

export type Outcome = { ok: true; result: GraphResult } | { ok: false; error: GraphError };

export const buildRequest = (
  method: string, pathWithQuery: string, headers: Headers, body: unknown,
): GraphRequest => {
  const q = pathWithQuery.indexOf('?');
  const path = q < 0 ? pathWithQuery : pathWithQuery.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : pathWithQuery.slice(q + 1));
  return { method: method.toUpperCase(), path, segments: normalizeSegments(path), query, headers, body };
};

/** Routes one Graph call for an authenticated caller; used for HTTP requests and `$batch` parts alike. */
export const dispatch = (routes: readonly Route[], env: GraphEnv, caller: Caller, req: GraphRequest): Outcome => {
  try {
    const m = matchRoute(routes, req.method, req.segments);
    if (m.kind === 'none') {
      const seg = req.segments.at(-1) ?? '';
      // Exchange's request broker words it with its own code, e.g. for a message id whose '/' was not encoded.
      if (req.segments.some((s) => /^(messages|mailFolders)$/i.test(s))) {
        throw new GraphError(400, 'RequestBroker--ParseUri', `Resource not found for the segment '${seg}'.`);
      }
      throw badRequest(`Resource not found for the segment '${seg}'.`);
    }
    if (m.kind === 'method') {
      throw new GraphError(405, 'Request_UnsupportedQuery', `The method ${req.method} is not supported for this resource.`,
        { Allow: m.allowed.join(', ') });
    }
    const { route, params } = m.match;
    if (!route.scopes.some((s) => caller.scopes.has(s.toLowerCase()))) {
      if (route.denied) throw route.denied(caller);
      throw accessDenied(`Either scp or roles claim need to be present in the token with one of: ${route.scopes.join(', ')}.`);
    }
    return { ok: true, result: route.handle({ env, caller, req, params }) };
  } catch (e) {
    return { ok: false, error: toGraphError(e) };
  }
};
