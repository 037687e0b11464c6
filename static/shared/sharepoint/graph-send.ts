import type { AppErrorBody, Result, SessionToken } from '../../../src/contract';
import { batchBody, decideOnFailure, failureFromResponse, parseBatchResponse, type BatchResult, type GraphFailure, type GraphRequest } from '../../../src/core/sharepoint';

/** The part of `createSession` the sender needs: a token, refreshed on demand, and a way to forget it. */
export interface TokenSession {
  token(refresh?: boolean): Promise<Result<SessionToken>>;
  clear(): void;
}

export interface SenderDeps {
  session: TokenSession;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each throttling wait (a `THROTTLED` error with `retryAfterSeconds`), so the UI can say "Retrying…". */
  onRetry?: (error: AppErrorBody) => void;
}

export interface SendOptions {
  /** The object was on screen moments ago (a folder just clicked): a 404 then means deleted or moved. */
  seenMomentsAgo?: boolean;
}

export const usesServerQuery = (req: GraphRequest): boolean => /[?&]\$(orderby|filter)=/.test(req.path);

/**
 * Sends Graph requests with the viewer's own token (so SharePoint trims the answer): one silent token
 * refresh on 401, waits per `Retry-After` on 429/503/504. What a failure means and what to do about it
 * is decided by the core (`decideOnFailure`); this only carries it out. Failures come back in the one
 * error vocabulary.
 */
export function createGraphSender(deps: SenderDeps) {
  const doFetch = deps.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let graphBase: string | undefined;

  /** One Graph call: token, fetch, at most one refresh on 401, waits on throttling. */
  async function send<T = unknown>(req: GraphRequest, opts: SendOptions = {}): Promise<Result<T>> {
    let refreshed = false;
    let refreshNext = false;
    let attempt = 0;
    for (;;) {
      const t = await deps.session.token(refreshNext);
      refreshNext = false;
      if (!t.ok) return t;
      graphBase = t.value.graphBaseUrl;
      const headers: Record<string, string> = { ...req.headers, Authorization: `Bearer ${t.value.accessToken}` };
      if (req.body !== undefined) headers['Content-Type'] = 'application/json';
      let failure: GraphFailure;
      try {
        const res = await doFetch(`${t.value.graphBaseUrl}${req.path}`, {
          method: req.method,
          headers,
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        });
        const body: unknown = await res.json().catch(() => undefined);
        if (res.ok) return { ok: true, value: body as T };
        failure = failureFromResponse(res.status, body, res.headers);
      } catch {
        failure = { kind: 'network' };
      }
      const d = decideOnFailure(failure, { refreshed, attempt, usedServerQuery: usesServerQuery(req), seenMomentsAgo: opts.seenMomentsAgo ?? false });
      if (d.action === 'refreshToken') {
        refreshed = true;
        refreshNext = true;
        continue;
      }
      if (d.action === 'retry') {
        deps.onRetry?.(d.error);
        await sleep(d.delayMs);
        attempt++;
        continue;
      }
      // Graph refused even a fresh token: forget it, so the next view asks the resolver again.
      if (d.error.code === 'MS_SIGN_IN_REQUIRED') deps.session.clear();
      return { ok: false, error: d.error };
    }
  }

  /**
   * A `$batch` part's failure in the one vocabulary, or undefined when it succeeded. Parts carry no
   * token of their own, so a 401 part is not refreshed again.
   */
  function partError(part: BatchResult | undefined, opts: SendOptions & { usedServerQuery?: boolean } = {}): AppErrorBody | undefined {
    if (part !== undefined && part.status >= 200 && part.status < 300) return undefined;
    const failure: GraphFailure = part === undefined ? { kind: 'network' } : failureFromResponse(part.status, part.body, part.headers);
    const d = decideOnFailure(failure, { refreshed: true, attempt: Number.MAX_SAFE_INTEGER, usedServerQuery: opts.usedServerQuery ?? false, seenMomentsAgo: opts.seenMomentsAgo ?? false });
    return d.action === 'fail' ? d.error : undefined;
  }

  /**
   * A `$batch` of named requests in one round trip. Parts throttled on their own are sent again (in one
   * smaller batch) after the longest `Retry-After` among them; other part failures are returned as parts.
   */
  async function batch(parts: Readonly<Record<string, GraphRequest>>, opts: SendOptions = {}): Promise<Result<Record<string, BatchResult>>> {
    const out: Record<string, BatchResult> = {};
    let pending: Record<string, GraphRequest> = { ...parts };
    for (let attempt = 0; ; attempt++) {
      const res = await send<unknown>({ method: 'POST', path: '/$batch', body: batchBody(pending) }, opts);
      if (!res.ok) return res;
      const parsed = parseBatchResponse(res.value);
      if (!parsed.ok) return parsed;
      const again: Record<string, GraphRequest> = {};
      let wait = 0;
      let waitError: AppErrorBody | undefined;
      for (const [id, req] of Object.entries(pending)) {
        const part = parsed.value[id];
        if (part === undefined) {
          out[id] = { status: 502, headers: {}, body: undefined };
          continue;
        }
        const throttled = part.status === 429 || part.status === 503 || part.status === 504;
        const d = throttled ? decideOnFailure(failureFromResponse(part.status, part.body, part.headers), { refreshed: true, attempt }) : undefined;
        if (d?.action === 'retry') {
          again[id] = req;
          if (d.delayMs >= wait) {
            wait = d.delayMs;
            waitError = d.error;
          }
        } else out[id] = part;
      }
      if (Object.keys(again).length === 0) return { ok: true, value: out };
      if (waitError !== undefined) deps.onRetry?.(waitError);
      await sleep(wait);
      pending = again;
    }
  }

  return { send, batch, partError, graphBase: () => graphBase };
}

export type GraphSender = ReturnType<typeof createGraphSender>;
