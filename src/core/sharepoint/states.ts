/** What the macro shows instead of content. A closed set; the UI picks a button from `action`. */
export type ViewerStateCode = 'SIGN_IN_REQUIRED' | 'NO_ACCESS' | 'NOT_FOUND' | 'THROTTLED' | 'ANONYMOUS' | 'MISCONFIGURED' | 'UNAVAILABLE';

export interface ViewerState {
  code: ViewerStateCode;
  message: string;
  action: 'signIn' | 'logIn' | 'retry' | 'editMacro' | 'none';
  /** THROTTLED: when a retry makes sense. */
  retryAfterMs?: number;
}

/** What the macro was showing, for messages ("the list “Tasks”"). Names come from the stored config. */
export interface FailureTarget {
  kind: 'list' | 'library' | 'folder' | 'document' | 'site';
  name?: string;
}

export type GraphFailure =
  | { kind: 'anonymous' }
  | { kind: 'noSession' }
  | { kind: 'invalidConfig' }
  | { kind: 'network' }
  | { kind: 'http'; status: number; code?: string; retryAfter?: string | null };

export interface FailureContext {
  target: FailureTarget;
  /** The session token was already refreshed once for this request. */
  refreshed: boolean;
  /** Throttling retries already made for this request. */
  attempt?: number;
  /** The request used `$orderby`/`$filter` on list fields (the view model's `sort`/`search` scope `all`). */
  usedServerQuery?: boolean;
  /**
   * The object was on screen moments ago (a folder or file from the page being browsed). Only then is a
   * 404 read as "deleted or moved": permissions rarely change between two clicks.
   */
  seenMomentsAgo?: boolean;
  /** Epoch ms, for HTTP-date `Retry-After` values. */
  now?: number;
}

export type FailureDecision =
  | { action: 'refreshToken' }
  | { action: 'retry'; delayMs: number; state: ViewerState }
  | { action: 'degradeQuery' }
  | { action: 'show'; state: ViewerState };

export const MAX_THROTTLE_RETRIES = 3;
const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 120_000;

const what = (t: FailureTarget): string => (t.name !== undefined && t.name.trim() !== '' ? `the ${t.kind} “${t.name}”` : `this ${t.kind}`);
const What = (t: FailureTarget): string => {
  const s = what(t);
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/**
 * Decides what to do about a failed Graph call.
 *
 * What can't be told apart: SharePoint answers 404 `itemNotFound` both for a deleted or moved list/file
 * and for one the viewer may not see (results are permission-trimmed, and a direct GET of a trimmed
 * object is a 404, not a 403). So a 404 on the configured list or document is NO_ACCESS with wording that
 * admits both; NOT_FOUND is used only for 410 and for objects the viewer saw moments ago. 403 is always
 * NO_ACCESS (or a missing consent, which signing in again fixes).
 */
export function decideOnFailure(f: GraphFailure, ctx: FailureContext): FailureDecision {
  const t = ctx.target;
  const show = (code: ViewerStateCode, message: string, action: ViewerState['action']): FailureDecision => ({
    action: 'show',
    state: { code, message, action },
  });
  switch (f.kind) {
    case 'anonymous':
      return show('ANONYMOUS', `Log in to Confluence to see ${what(t)} from SharePoint.`, 'logIn');
    case 'noSession':
      return show('SIGN_IN_REQUIRED', `Sign in to Microsoft 365 to see ${what(t)}.`, 'signIn');
    case 'invalidConfig':
      return show('MISCONFIGURED', 'This macro isn’t set up correctly. Ask the page’s author to edit it and choose the list or document again.', 'editMacro');
    case 'network':
      return show('UNAVAILABLE', 'SharePoint couldn’t be reached. Check your connection and try again.', 'retry');
    case 'http':
      return decideHttp(f, ctx, show);
  }
}

function decideHttp(
  f: { status: number; code?: string; retryAfter?: string | null },
  ctx: FailureContext,
  show: (code: ViewerStateCode, message: string, action: ViewerState['action']) => FailureDecision,
): FailureDecision {
  const t = ctx.target;
  const { status } = f;
  if (status === 401) {
    if (!ctx.refreshed) return { action: 'refreshToken' };
    return show('SIGN_IN_REQUIRED', `Your Microsoft 365 sign-in has expired. Sign in again to see ${what(t)}.`, 'signIn');
  }
  if (status === 403) {
    // Graph's code for a token without the needed scope; signing in again asks for consent.
    if (f.code === 'Authorization_RequestDenied' || f.code === 'insufficientScope') {
      return show('SIGN_IN_REQUIRED', `The app needs your permission to read SharePoint. Sign in again to see ${what(t)}.`, 'signIn');
    }
    return show('NO_ACCESS', `You don’t have access to ${what(t)} in SharePoint.`, 'none');
  }
  if (status === 410 || (status === 404 && ctx.seenMomentsAgo === true)) {
    return show('NOT_FOUND', `${What(t)} was deleted or moved in SharePoint.`, 'none');
  }
  if (status === 404) {
    return show('NO_ACCESS', `You don’t have access to ${what(t)} in SharePoint, or it has been deleted or moved.`, 'none');
  }
  if (status === 400 && ctx.usedServerQuery === true) return { action: 'degradeQuery' };
  // Above the 5,000-item list view threshold SharePoint refuses a sort or filter on a non-indexed column
  // with 500 `generalException` ("exceeds the list view threshold"), not 400: the page can still be shown.
  if (status === 500 && ctx.usedServerQuery === true && (f.code === undefined || f.code === 'generalException')) return { action: 'degradeQuery' };
  if (status === 400 || status === 422) {
    return show('MISCONFIGURED', `The macro’s settings no longer match ${what(t)}. Ask the page’s author to edit the macro.`, 'editMacro');
  }
  if (status === 429 || status === 503 || status === 504) {
    const attempt = ctx.attempt ?? 0;
    const delayMs = retryDelay(f.retryAfter, attempt, ctx.now ?? Date.now());
    const state: ViewerState = { code: 'THROTTLED', message: 'SharePoint is busy right now.', action: 'retry', retryAfterMs: delayMs };
    if (attempt < MAX_THROTTLE_RETRIES) {
      return { action: 'retry', delayMs, state: { ...state, message: `SharePoint is busy; trying again in ${Math.ceil(delayMs / 1000)} s.` } };
    }
    return { action: 'show', state: { ...state, message: 'SharePoint is busy right now. Try again in a minute.' } };
  }
  return show('UNAVAILABLE', 'SharePoint couldn’t show this right now. Try again later.', 'retry');
}

/**
 * Milliseconds to wait: `Retry-After` as seconds or an HTTP date, else exponential backoff by attempt,
 * clamped to 1 s … 2 min so a hostile or broken header can't stall or spin the page.
 */
export function retryDelay(retryAfter: string | null | undefined, attempt: number, now: number): number {
  let ms: number | undefined;
  const v = retryAfter?.trim();
  if (v !== undefined && v !== '') {
    if (/^\d+$/.test(v)) ms = Number(v) * 1000;
    else {
      const at = Date.parse(v);
      if (!Number.isNaN(at)) ms = at - now;
    }
  }
  if (ms === undefined) ms = 2 ** Math.max(0, Math.min(attempt, 6)) * 1000;
  return Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, ms));
}

/** Reads a Graph error answer (`{error:{code,message}}`) and its `Retry-After` header into a failure. */
export function failureFromResponse(
  status: number,
  body: unknown,
  headers?: { get(name: string): string | null } | Readonly<Record<string, string>>,
): GraphFailure {
  const err = typeof body === 'object' && body !== null ? (body as { error?: { code?: unknown } }).error : undefined;
  const failure: { kind: 'http'; status: number; code?: string; retryAfter?: string | null } = { kind: 'http', status };
  if (typeof err?.code === 'string') failure.code = err.code;
  const retryAfter = readHeader(headers, 'retry-after');
  if (retryAfter !== undefined) failure.retryAfter = retryAfter;
  return failure;
}

function readHeader(headers: { get(name: string): string | null } | Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const rec = headers as Readonly<Record<string, string>>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : rec[key];
}
