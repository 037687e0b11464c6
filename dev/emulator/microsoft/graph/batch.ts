import type { Faults } from '../faults';
import { buildRequest, dispatch } from './dispatch';
import { badRequest, GraphError } from './errors';
import { answer, faultOutcome } from './respond';
import type { Caller, GraphEnv, GraphResult, Route } from './types';

export const BATCH_LIMIT = 20;

export interface Part {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

export const parseParts = (body: unknown): Part[] => {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) throw badRequest('Invalid batch payload format: a "requests" array is required.');
  if (requests.length > BATCH_LIMIT) {
    throw badRequest(`Number of batch request steps exceeds the maximum of ${BATCH_LIMIT}.`);
  }
  const parts = requests.map((r: unknown): Part => {
    const o = (r ?? {}) as Record<string, unknown>;
    if (typeof o['id'] !== 'string' || o['id'] === '') throw badRequest('Each batch request needs a non-empty string "id".');
    if (typeof o['method'] !== 'string' || typeof o['url'] !== 'string') {
      throw badRequest(`Batch request '${o['id']}' needs "method" and "url".`);
    }
    const deps = o['dependsOn'];
    if (deps !== undefined && !(Array.isArray(deps) && deps.every((d) => typeof d === 'string'))) {
      throw badRequest(`Batch request '${o['id']}' has an invalid "dependsOn".`);
    }
    const headers = (o['headers'] ?? {}) as Record<string, unknown>;
    return {
      id: o['id'], method: o['method'].toUpperCase(), url: o['url'],
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
      ...(o['body'] !== undefined ? { body: o['body'] } : {}),
      dependsOn: deps ?? [],
    };
  });
  const ids = new Set<string>();
  for (const p of parts) {
    if (ids.has(p.id)) throw badRequest(`Batch request id '${p.id}' is used more than once.`);
    ids.add(p.id);
  }
  for (const p of parts) {
    const unknown = p.dependsOn.find((d) => !ids.has(d));
    if (unknown !== undefined) throw badRequest(`Batch request '${p.id}' depends on unknown request '${unknown}'.`);
  }
  return parts;
};

/**
 * Part URLs are relative to the version root. The SDK's BatchRequestContent strips only scheme and
 * host, so `/v1.0/me` (and, on the emulator's mount point, `/graph/v1.0/me`) mean `/me` too.
 */
export const partPath = (url: string): string => {
  const rooted = url.startsWith('/') ? url : `/${url}`;
  return rooted.replace(/^\/graph\/v1\.0(?=\/|\?|$)/i, '').replace(/^\/v1\.0(?=\/|\?|$)/i, '') || '/';
};

/** Dependencies first; a cycle can never be satisfied, so Graph refuses the batch. */
const executionOrder = (parts: Part[]): Part[] => {
  const done = new Set<string>();
  const order: Part[] = [];
  while (order.length < parts.length) {
    const ready = parts.filter((p) => !done.has(p.id) && p.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) throw badRequest('The dependsOn of the batch requests form a cycle.');
    for (const p of ready) {
      done.add(p.id);
      order.push(p);
    }
  }
  return order;
};

export const runBatch = (deps: {
  routes: readonly Route[];
  env: GraphEnv;
  caller: Caller;
  faults: Faults;
  countPart: () => void;
  /** A part Outlook refuses for its mailbox's concurrency (graph/outlook/throttle.ts). */
  refusedPart?: (id: string) => GraphError | undefined;
}, body: unknown): GraphResult => {
  const parts = parseParts(body);
  const failed = new Set<string>();
  const responses: unknown[] = [];
  for (const part of executionOrder(parts)) {
    deps.countPart();
    const now = deps.env.now();
    const clientRequestId = part.headers['client-request-id'];
    let outcome;
    if (part.dependsOn.some((d) => failed.has(d))) {
      outcome = { ok: false as const, error: new GraphError(424, 'FailedDependency', 'Failed dependency: a request this one depends on failed.') };
    } else if (/\$batch/i.test(part.url)) {
      outcome = { ok: false as const, error: badRequest('A $batch request cannot contain another $batch request.') };
    } else {
      // Graph throttles each part on its own: the batch is 200 while parts can be 429.
      const fault = deps.faults.drawRandom();
      const refused = deps.refusedPart?.(part.id);
      if (fault) {
        outcome = faultOutcome(fault);
      } else if (refused) {
        outcome = { ok: false as const, error: refused };
      } else {
        const url = partPath(part.url);
        const req = buildRequest(part.method, url, new Headers(part.headers), part.body);
        outcome = dispatch(deps.routes, deps.env, deps.caller, req);
      }
    }
    const a = answer(outcome, clientRequestId, now);
    if (a.status >= 400) failed.add(part.id);
    // Inside a batch, a body that is not JSON comes base64-encoded (Microsoft Q&A 1352007).
    const body = a.body instanceof Uint8Array ? Buffer.from(a.body).toString('base64') : a.body;
    responses.push({ id: part.id, status: a.status, headers: a.headers, ...(body !== undefined ? { body } : {}) });
  }
  // Graph answers in whatever order parts finish; reversing keeps clients honest about matching ids.
  responses.reverse();
  return { status: 200, body: { responses } };
};
