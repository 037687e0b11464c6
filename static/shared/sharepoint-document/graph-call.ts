import type { GraphAnswer } from '../../../src/core/sharepoint/document-resolve';
import type { GraphRequest } from '../../../src/core/sharepoint/odata';
import { decideOnFailure, type FailureTarget, type GraphFailure, type ViewerState } from '../../../src/core/sharepoint/states';
import type { Graph, GraphResult } from '../graph';

export type Sent = { ok: true; body: unknown } | { ok: false; failure: GraphFailure; state: ViewerState };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toFailure(r: Extract<GraphResult<unknown>, { ok: false }>): GraphFailure {
  // No status: the token resolver answered (not connected, revoked), no Graph call was made.
  if (r.status === undefined) return r.error.code === 'MS_SIGN_IN_REQUIRED' ? { kind: 'noSession' } : { kind: 'network' };
  const f: GraphFailure = { kind: 'http', status: r.status };
  if (r.error.reason !== undefined) f.code = r.error.reason;
  if (r.error.retryAfterSeconds !== undefined) f.retryAfter = String(r.error.retryAfterSeconds);
  return f;
}

/**
 * Sends a core `GraphRequest` with the viewer's token. Throttling (429/503/504) is retried as
 * `decideOnFailure` says, per `Retry-After`, telling `onRetry` so the UI can show it; a 401 has already
 * had its one silent refresh inside `graph.request`. Anything else comes back with what to show.
 */
export async function send(graph: Graph, req: GraphRequest, target: FailureTarget, onRetry?: (state: ViewerState) => void): Promise<Sent> {
  for (let attempt = 0; ; attempt++) {
    let failure: GraphFailure;
    try {
      const headers: Record<string, string> = { ...req.headers };
      const init: RequestInit = { method: req.method, headers };
      if (req.body !== undefined) {
        init.body = JSON.stringify(req.body);
        headers['Content-Type'] = 'application/json';
      }
      const r = await graph.request<unknown>(req.path, init);
      if (r.ok) return { ok: true, body: r.value };
      failure = toFailure(r);
    } catch {
      failure = { kind: 'network' };
    }
    const d = decideOnFailure(failure, { target, refreshed: true, attempt });
    if (d.action === 'retry') {
      onRetry?.(d.state);
      await sleep(d.delayMs);
      continue;
    }
    // `refreshToken` can't come back (refreshed: true) nor `degradeQuery` (no server-side query here).
    const state: ViewerState = d.action === 'show' ? d.state : { code: 'UNAVAILABLE', message: 'SharePoint couldn’t show this right now. Try again later.', action: 'retry' };
    return { ok: false, failure, state };
  }
}

/** The core's `GraphCall` port over {@link send}: status 0 when no HTTP answer came. */
export const graphCall =
  (graph: Graph, onRetry?: (state: ViewerState) => void) =>
  async (req: GraphRequest): Promise<GraphAnswer> => {
    const r = await send(graph, req, { kind: 'document' }, onRetry);
    if (r.ok) return r;
    return { ok: false, status: r.failure.kind === 'http' ? r.failure.status : 0 };
  };
