import type { AppErrorBody, Result, SessionToken } from '../../src/contract';
import type { GraphRequest } from '../../src/core/sharepoint/odata';
import { bootMark } from './boot-mark';
import { graphFetchArgs } from './graph-request';
import { decideOnFailure, failureFromResponse, type GraphFailure } from '../../src/core/sharepoint/states';

/** The part of `createSession` the sender needs: a token, refreshed on demand, and a way to forget it. */
export interface TokenSession {
  token(refresh?: boolean): Promise<Result<SessionToken>>;
  clear(): void;
}

export interface SenderDeps {
  session: TokenSession;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each throttling wait (a `THROTTLED` error; `retryAfterSeconds` only when Microsoft named the wait), so the UI can say "Retrying…". */
  onRetry?: (error: AppErrorBody) => void;
}

export interface SendOptions {
  /** The object was on screen moments ago (a folder just clicked): a 404 then means deleted or moved. */
  seenMomentsAgo?: boolean;
}

export const usesServerQuery = (req: GraphRequest): boolean => /[?&]\$(orderby|filter)=/.test(req.path);

/**
 * The browser's one Graph sender (the account panel's `/me`, both SharePoint macros and their editors).
 * Requests go out with the viewer's own token, so Microsoft trims each answer to what this viewer may
 * see: one silent token refresh on 401, waits on 429/503/504 — by exponential backoff with jitter, since
 * Graph does not expose `Retry-After` to scripts (only `$batch` parts carry it readable, in the body). What a failure means and
 * what to do about it is decided by the core (`decideOnFailure`); this only carries it out. Failures
 * come back in the one error vocabulary.
 */
export const defaultSleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));

export function createGraphSender(deps: SenderDeps) {
  const doFetch = deps.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const sleep = deps.sleep ?? defaultSleep;
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
      let failure: GraphFailure;
      try {
        bootMark('graph');
        const res = await doFetch(...graphFetchArgs(req, t.value));
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

  return { send, graphBase: () => graphBase };
}

export type GraphSender = ReturnType<typeof createGraphSender>;
