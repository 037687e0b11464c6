import type { AppErrorBody } from '../../src/contract';
import type { Session } from './session';

export type GraphResult<T> = { ok: true; value: T } | { ok: false; error: AppErrorBody; status?: number };

interface GraphErrorBody {
  error?: { code?: string; message?: string };
}

/**
 * Calls Graph from the browser with the viewer's own token, so SharePoint and Exchange trim the
 * answer to what this viewer may see. A 401 gets exactly one silent token refresh.
 */
export function createGraph(session: Session, fetchImpl: typeof fetch = (...a) => fetch(...a)) {
  async function send(path: string, init: RequestInit, refresh: boolean): Promise<Response | { ok: false; error: AppErrorBody }> {
    const t = await session.token(refresh);
    if (!t.ok) return t;
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${t.value.accessToken}`);
    return fetchImpl(`${t.value.graphBaseUrl}${path}`, { ...init, headers });
  }

  async function request<T>(path: string, init: RequestInit = {}): Promise<GraphResult<T>> {
    let res = await send(path, init, false);
    if (res instanceof Response && res.status === 401) res = await send(path, init, true);
    if (!(res instanceof Response)) return res;
    if (res.ok) return { ok: true, value: (await res.json()) as T };
    const body = (await res.json().catch(() => ({}))) as GraphErrorBody;
    const message = body.error?.message ?? `Microsoft Graph answered ${res.status}`;
    if (res.status === 401) {
      session.clear();
      return { ok: false, status: 401, error: { code: 'MS_SIGN_IN_REQUIRED', message: 'Your Microsoft 365 session has ended. Connect again to continue.', reason: 'token_rejected' } };
    }
    if (res.status === 429 || res.status === 503) {
      const retry = Number(res.headers.get('Retry-After'));
      return { ok: false, status: res.status, error: { code: 'THROTTLED', message: 'Microsoft 365 is busy.', ...(Number.isFinite(retry) ? { retryAfterSeconds: retry } : {}) } };
    }
    if (res.status === 403) return { ok: false, status: 403, error: { code: 'FORBIDDEN', message, reason: body.error?.code ?? 'accessDenied' } };
    if (res.status === 404) return { ok: false, status: 404, error: { code: 'NOT_FOUND', message, reason: body.error?.code ?? 'itemNotFound' } };
    return { ok: false, status: res.status, error: { code: 'MS_UNAVAILABLE', message } };
  }

  return { request };
}

export type Graph = ReturnType<typeof createGraph>;
