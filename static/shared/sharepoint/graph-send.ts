import type { AppErrorBody, SessionToken } from '../../../src/contract';
import {
  batchBody,
  decideOnFailure,
  failureFromResponse,
  parseBatchResponse,
  type BatchResult,
  type FailureTarget,
  type GraphFailure,
  type GraphRequest,
  type ViewerState,
} from '../../../src/core/sharepoint';

/** The part of `createSession` the gateway needs: a token, refreshed on demand, and a way to forget it. */
export interface TokenSession {
  token(refresh?: boolean): Promise<{ ok: true; value: SessionToken } | { ok: false; error: AppErrorBody }>;
  clear(): void;
}

export interface SenderDeps {
  session: TokenSession;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each throttling wait, so the UI can show "Retrying…". */
  onRetry?: (state: ViewerState) => void;
}

/** Why a call ended without data: what to show, or (for sorted/filtered queries) to fall back to the page. */
export type GraphStop = { action: 'show'; state: ViewerState; status?: number } | { action: 'degradeQuery'; status: number };

export type GraphAnswer<T = unknown> = { ok: true; value: T } | { ok: false; stop: GraphStop };

export interface SendOptions {
  target: FailureTarget;
  /** The object was on screen moments ago (a folder just clicked): a 404 then means deleted or moved. */
  seenMomentsAgo?: boolean;
}

export const usesServerQuery = (req: GraphRequest): boolean => /[?&]\$(orderby|filter)=/.test(req.path);

/**
 * Sends Graph requests for the SharePoint macros with the viewer's own token (so SharePoint trims the
 * answer): one silent token refresh on 401, waits per `Retry-After` on 429/503/504. What to do about a
 * failure is decided by the core (`decideOnFailure`); this only carries it out.
 */
export function createGraphSender(deps: SenderDeps) {
  const doFetch = deps.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let graphBase: string | undefined;

  const stopFor = (failure: GraphFailure, opts: SendOptions & { refreshed?: boolean; attempt?: number; usedServerQuery?: boolean }): GraphStop | 'refresh' | { retryMs: number; state: ViewerState } => {
    const d = decideOnFailure(failure, {
      target: opts.target,
      refreshed: opts.refreshed ?? true,
      attempt: opts.attempt ?? 0,
      usedServerQuery: opts.usedServerQuery ?? false,
      seenMomentsAgo: opts.seenMomentsAgo ?? false,
    });
    if (d.action === 'refreshToken') return 'refresh';
    if (d.action === 'retry') return { retryMs: d.delayMs, state: d.state };
    if (d.action === 'degradeQuery') return { action: 'degradeQuery', status: failure.kind === 'http' ? failure.status : 0 };
    return failure.kind === 'http' ? { action: 'show', state: d.state, status: failure.status } : { action: 'show', state: d.state };
  };

  const sessionStop = (error: AppErrorBody, target: FailureTarget): GraphStop => {
    if (error.code === 'UNAUTHENTICATED') return stopFor({ kind: 'anonymous' }, { target }) as GraphStop;
    const base = stopFor({ kind: 'noSession' }, { target }) as GraphStop & { action: 'show' };
    // A revoked or expired connection says so; a first visit just offers to connect.
    if (error.code === 'MS_SIGN_IN_REQUIRED') {
      return error.reason && error.reason !== 'not_connected' ? { action: 'show', state: { ...base.state, message: error.message } } : base;
    }
    return { action: 'show', state: { code: 'UNAVAILABLE', message: error.message, action: 'retry' } };
  };

  /** One Graph call: token, fetch, at most one refresh on 401, waits on throttling. */
  async function send<T = unknown>(req: GraphRequest, opts: SendOptions): Promise<GraphAnswer<T>> {
    let refreshed = false;
    let refreshNext = false;
    let attempt = 0;
    for (;;) {
      const t = await deps.session.token(refreshNext);
      if (!t.ok) return { ok: false, stop: sessionStop(t.error, opts.target) };
      graphBase = t.value.graphBaseUrl;
      const headers: Record<string, string> = { ...req.headers, Authorization: `Bearer ${t.value.accessToken}` };
      if (req.body !== undefined) headers['Content-Type'] = 'application/json';
      let res: Response;
      try {
        res = await doFetch(`${t.value.graphBaseUrl}${req.path}`, {
          method: req.method,
          headers,
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        });
      } catch {
        return { ok: false, stop: stopFor({ kind: 'network' }, opts) as GraphStop };
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (res.ok) return { ok: true, value: body as T };
      const next = stopFor(failureFromResponse(res.status, body, res.headers), { ...opts, refreshed, attempt, usedServerQuery: usesServerQuery(req) });
      if (next === 'refresh') {
        refreshed = true;
        refreshNext = true;
        continue;
      }
      refreshNext = false;
      if ('retryMs' in next) {
        deps.onRetry?.(next.state);
        await sleep(next.retryMs);
        attempt++;
        continue;
      }
      if (next.action === 'show' && next.state.code === 'SIGN_IN_REQUIRED') deps.session.clear();
      return { ok: false, stop: next };
    }
  }

  /**
   * A `$batch` of named requests in one round trip. Parts throttled on their own are sent again (in one
   * smaller batch) after the longest `Retry-After` among them; other part failures are returned as parts.
   */
  async function batch(parts: Readonly<Record<string, GraphRequest>>, opts: SendOptions): Promise<GraphAnswer<Record<string, BatchResult>>> {
    const out: Record<string, BatchResult> = {};
    let pending: Record<string, GraphRequest> = { ...parts };
    for (let attempt = 0; ; attempt++) {
      const res = await send<unknown>({ method: 'POST', path: '/$batch', body: batchBody(pending) }, opts);
      if (!res.ok) return res;
      const parsed = parseBatchResponse(res.value);
      if (!parsed.ok) return { ok: false, stop: { action: 'show', state: { code: 'UNAVAILABLE', message: parsed.error.message, action: 'retry' } } };
      const again: Record<string, GraphRequest> = {};
      let wait = 0;
      let waitState: ViewerState | undefined;
      for (const [id, req] of Object.entries(pending)) {
        const part = parsed.value[id];
        if (part === undefined) {
          out[id] = { status: 502, headers: {}, body: undefined };
          continue;
        }
        const throttled = part.status === 429 || part.status === 503 || part.status === 504;
        const d = throttled ? stopFor(failureFromResponse(part.status, part.body, part.headers), { ...opts, attempt }) : undefined;
        if (d !== undefined && typeof d === 'object' && 'retryMs' in d) {
          again[id] = req;
          if (d.retryMs >= wait) {
            wait = d.retryMs;
            waitState = d.state;
          }
        } else out[id] = part;
      }
      if (Object.keys(again).length === 0) return { ok: true, value: out };
      if (waitState !== undefined) deps.onRetry?.(waitState);
      await sleep(wait);
      pending = again;
    }
  }

  return { send, batch, stopFor, graphBase: () => graphBase };
}

export type GraphSender = ReturnType<typeof createGraphSender>;
