import { AppError, type ErrorCode } from '../../core/result';

/** What went wrong on the way to Graph or back; `graphFailure` turns each into the app's vocabulary. */
export type GraphFailureInput =
  | {
      kind: 'response';
      status: number;
      /** The `Retry-After` header, as Graph sent it. */
      retryAfter?: string | null | undefined;
      /** The parsed body; Graph's errors are `{ error: { code, message } }`. */
      body: unknown;
      /** The request's path below the version, e.g. `/me/messages`; decides one ambiguous 403. */
      path: string;
    }
  | { kind: 'network'; error: unknown }
  /** The function's remaining time ran out before Graph answered. */
  | { kind: 'timeout' }
  /** Graph named a URL outside the configured base (a nextLink), or a caller built one. Never requested. */
  | { kind: 'foreign_url' }
  /** A 2xx whose body is not the JSON Graph promises. */
  | { kind: 'bad_body'; status: number };

export const THROTTLING_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

interface GraphErrorBody {
  code?: string;
  message?: string;
}

const errorOf = (body: unknown): GraphErrorBody => {
  const e = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof e !== 'object' || e === null) return {};
  const { code, message } = e as { code?: unknown; message?: unknown };
  return { ...(typeof code === 'string' ? { code } : {}), ...(typeof message === 'string' ? { message } : {}) };
};

/**
 * A 403 that means "this app's token lacks the permission", as opposed to "this person may not see
 * this item". Graph has no single code for it; what each workload answers (see README.md):
 * directory objects `Authorization_RequestDenied` "Insufficient privileges…"; SharePoint/OneDrive
 * `accessDenied` "Either scp or roles claim need to be present in the token."; Teams `Forbidden`
 * "Missing scope permissions on the request…"; Exchange `ErrorAccessDenied` "Access is denied. Check
 * credentials and try again." — which Exchange also answers for another person's mailbox, so it
 * counts only on the signed-in user's own `/me/…` resources.
 */
export function isConsentDenial(err: GraphErrorBody, path: string): boolean {
  const code = (err.code ?? '').toLowerCase();
  const message = err.message ?? '';
  if (code === 'authorization_requestdenied') return true;
  if (/\bscp or roles claim\b|Missing (scope|role) permissions/i.test(message)) return true;
  return code === 'erroraccessdenied' && /^\/me(\/|$|\?)/i.test(path);
}

/** `Retry-After` is delta-seconds or an HTTP-date (RFC 9110 §10.2.3); Graph sends seconds. */
export function retryAfterSeconds(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const t = header.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const appError = (code: ErrorCode, reason: string, extra: { retryAfterSeconds?: number } = {}, cause?: unknown): AppError =>
  AppError.of(code, reason, { ...extra, ...(cause === undefined ? {} : { cause }) });

/**
 * The one mapping from a Graph failure to the app's error vocabulary (table in README.md). Failures of
 * the token source never come here: they are already the app's errors and pass through unchanged.
 * The words come from the app's message table (src/core/messages.ts), never from Graph's text or the
 * request, so no token can reach an error; Graph's error code goes to `reason`, and status and code
 * stay in `cause` for server logs.
 */
export function graphFailure(input: GraphFailureInput, now: () => number = Date.now): AppError {
  switch (input.kind) {
    case 'network': {
      // @forge/api's egress check: the host is missing from the manifest — a deployment fault, not Microsoft's.
      const name = input.error instanceof Error ? input.error.name : '';
      if (name === 'ExternalEndpointNotAllowedError') return appError('MISCONFIGURED', 'egress_not_allowed', {}, input.error);
      if (name === 'TimeoutError' || name === 'AbortError') return appError('MS_UNAVAILABLE', 'timeout', {}, input.error);
      return appError('MS_UNAVAILABLE', 'network', {}, input.error);
    }
    case 'timeout':
      return appError('MS_UNAVAILABLE', 'timeout');
    case 'foreign_url':
      return appError('MS_UNAVAILABLE', 'foreign_url');
    case 'bad_body':
      return appError('MS_UNAVAILABLE', 'bad_response', {}, { status: input.status });
    case 'response':
      break;
  }
  const { status, path } = input;
  const err = errorOf(input.body);
  const cause = { status, code: err.code };
  if (status === 401) return appError('MS_SIGN_IN_REQUIRED', 'token_rejected', {}, cause);
  if (status === 403) {
    if (isConsentDenial(err, path)) return appError('MS_CONSENT_REQUIRED', 'consent', {}, cause);
    return appError('FORBIDDEN', err.code ?? 'accessDenied', {}, cause);
  }
  if (status === 404) return appError('NOT_FOUND', err.code ?? 'itemNotFound', {}, cause);
  if (THROTTLING_STATUSES.has(status)) {
    const wait = retryAfterSeconds(input.retryAfter, now());
    return appError('THROTTLED', err.code ?? `http_${String(status)}`, wait === undefined ? {} : { retryAfterSeconds: wait }, cause);
  }
  return appError('MS_UNAVAILABLE', err.code ?? `http_${String(status)}`, {}, cause);
}
