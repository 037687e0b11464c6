import { messageFor } from '../messages';
import type { AppErrorBody, ErrorCode } from '../result';

/**
 * What a macro shows instead of content: an error of the one vocabulary (`code`, `reason`), in words
 * that name what the macro was showing, with the one button that helps (`action`).
 */
export interface ViewerState extends AppErrorBody {
  action: 'signIn' | 'logIn' | 'retry' | 'editMacro' | 'none';
  /** THROTTLED: when a retry makes sense. */
  retryAfterMs?: number;
}

/** What the macro was showing, for messages ("the list “Tasks”"). Names come from the stored config. */
export interface FailureTarget {
  kind: 'list' | 'library' | 'folder' | 'document' | 'site';
  name?: string;
}

/** The facts of a failed Graph call as the browser saw them, before they are read. */
export type GraphFailure = { kind: 'network' } | { kind: 'http'; status: number; code?: string; retryAfter?: string | null };

export interface FailureContext {
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
  /** 0 ≤ x < 1, for the backoff's jitter (tests pass a fixed one). */
  random?: () => number;
}

/** What the sender does next: refresh the token once, wait and send again, or stop with an error. */
export type FailureDecision =
  | { action: 'refreshToken' }
  | { action: 'retry'; delayMs: number; error: AppErrorBody }
  | { action: 'fail'; error: AppErrorBody };

/** `reason`s the SharePoint views branch on (besides the message table's own). */
export const GRAPH_REASONS = {
  /** 403/404 on something the viewer was not just looking at: SharePoint trims what it hides, so 404 may mean either. */
  accessDenied: 'accessDenied',
  itemNotFound: 'itemNotFound',
  /** A sorted or filtered list query SharePoint refused (e.g. above the list view threshold): show the page without it. */
  queryRefused: 'query_refused',
  /** Graph refused a request the stored settings produced (400/422): the list or its columns changed. */
  settingsMismatch: 'settings_mismatch',
  /** The token lacks a permission; signing in again asks for it. */
  insufficientScope: 'insufficient_scope',
  throttleGaveUp: 'retries_exhausted',
  network: 'network',
} as const;

export const MAX_THROTTLE_RETRIES = 3;
const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 120_000;

const error = (code: ErrorCode, reason?: string, extra: { retryAfterSeconds?: number } = {}): AppErrorBody => ({
  code,
  message: messageFor(code, reason),
  ...(reason !== undefined ? { reason } : {}),
  ...extra,
});

/**
 * Reads a failed Graph call into the one vocabulary and says what to do about it.
 *
 * What can't be told apart: SharePoint answers 404 `itemNotFound` both for a deleted or moved list/file
 * and for one the viewer may not see (results are permission-trimmed, and a direct GET of a trimmed
 * object is a 404, not a 403). So a 404 is `FORBIDDEN` (`itemNotFound`) unless the viewer saw the object
 * moments ago; `NOT_FOUND` is used only for that and for 410.
 */
export function decideOnFailure(f: GraphFailure, ctx: FailureContext): FailureDecision {
  const stop = (e: AppErrorBody): FailureDecision => ({ action: 'fail', error: e });
  if (f.kind === 'network') return stop(error('MS_UNAVAILABLE', GRAPH_REASONS.network));
  const { status } = f;
  if (status === 401) return ctx.refreshed ? stop(error('MS_SIGN_IN_REQUIRED', 'token_rejected')) : { action: 'refreshToken' };
  if (status === 403) {
    // Graph's codes for a token without the needed scope; signing in again asks for consent.
    if (f.code === 'Authorization_RequestDenied' || f.code === 'insufficientScope') return stop(error('MS_SIGN_IN_REQUIRED', GRAPH_REASONS.insufficientScope));
    return stop(error('FORBIDDEN', GRAPH_REASONS.accessDenied));
  }
  if (status === 410 || (status === 404 && ctx.seenMomentsAgo === true)) return stop(error('NOT_FOUND', GRAPH_REASONS.itemNotFound));
  if (status === 404) return stop(error('FORBIDDEN', GRAPH_REASONS.itemNotFound));
  if (status === 400 && ctx.usedServerQuery === true) return stop(error('BAD_REQUEST', GRAPH_REASONS.queryRefused));
  // Above the 5,000-item list view threshold SharePoint refuses a sort or filter on a non-indexed column
  // with 500 `generalException` ("exceeds the list view threshold"), not 400: the page can still be shown.
  if (status === 500 && ctx.usedServerQuery === true && (f.code === undefined || f.code === 'generalException')) {
    return stop(error('BAD_REQUEST', GRAPH_REASONS.queryRefused));
  }
  if (status === 400 || status === 422) return stop(error('BAD_REQUEST', GRAPH_REASONS.settingsMismatch));
  if (status === 429 || status === 503 || status === 504) {
    const attempt = ctx.attempt ?? 0;
    const now = ctx.now ?? Date.now();
    const told = toldDelay(f.retryAfter, now);
    const delayMs = retryDelay(f.retryAfter, attempt, now, ctx.random);
    // Only a wait Microsoft named is promised to the viewer: a browser never sees Graph's `Retry-After`
    // (it is not in Graph's Access-Control-Expose-Headers), and a guessed backoff is not a promise.
    const extra = told === undefined ? {} : { retryAfterSeconds: Math.ceil(delayMs / 1000) };
    if (attempt < MAX_THROTTLE_RETRIES) return { action: 'retry', delayMs, error: error('THROTTLED', undefined, extra) };
    return stop(error('THROTTLED', GRAPH_REASONS.throttleGaveUp, extra));
  }
  return stop(error('MS_UNAVAILABLE'));
}

const what = (t: FailureTarget): string => (t.name !== undefined && t.name.trim() !== '' ? `the ${t.kind} “${t.name}”` : `this ${t.kind}`);
const What = (t: FailureTarget): string => {
  const s = what(t);
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/**
 * A macro's title in every state, so that several macros on one page saying the same thing ("SharePoint
 * is busy") can be told apart: the name once Graph showed it to this viewer, else the kind of thing
 * ("SharePoint list", "SharePoint document"). Never a name from the stored settings (ids only are stored).
 */
export const macroTitle = (t: FailureTarget): string => (t.name !== undefined && t.name.trim() !== '' ? t.name.trim() : `SharePoint ${t.kind}`);

export const FEATURE_OFF_MESSAGE = 'SharePoint macros were turned off by your admin.';

/**
 * The viewer-state table: an error of the one vocabulary (from Graph through `decideOnFailure`, or from
 * a resolver) → what the macro says about `target` and which button it offers. Pure; the only place
 * the macros' words for failures are chosen.
 */
export function viewerState(e: AppErrorBody, target: FailureTarget): ViewerState {
  const t = target;
  const state = (message: string, action: ViewerState['action'], extra: Partial<ViewerState> = {}): ViewerState => ({
    code: e.code,
    message,
    action,
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
    ...extra,
  });
  switch (e.code) {
    case 'UNAUTHENTICATED':
      return state(`Log in to Confluence to see ${what(t)} from SharePoint.`, 'logIn');
    case 'MS_SIGN_IN_REQUIRED':
      if (e.reason === 'token_rejected') return state(`Your Microsoft 365 sign-in has expired. Sign in again to see ${what(t)}.`, 'signIn');
      if (e.reason === GRAPH_REASONS.insufficientScope) return state(`The app needs your permission to read SharePoint. Sign in again to see ${what(t)}.`, 'signIn');
      // A revoked connection or a changed app registration says why (the message table's words).
      if (e.reason !== undefined && e.reason !== 'not_connected') return state(e.message, 'signIn');
      return state(`Sign in to Microsoft 365 to see ${what(t)}.`, 'signIn');
    case 'MS_SIGN_IN_FAILED':
      return state(e.message, 'signIn');
    case 'FEATURE_OFF':
      return state(FEATURE_OFF_MESSAGE, 'none');
    case 'FORBIDDEN':
      if (e.reason === 'tenant_not_allowed') return state(e.message, 'none');
      if (e.reason === GRAPH_REASONS.itemNotFound) return state(`You don’t have access to ${what(t)} in SharePoint, or it has been deleted or moved.`, 'none');
      return state(`You don’t have access to ${what(t)} in SharePoint.`, 'none');
    case 'NOT_FOUND':
      return state(`${What(t)} was deleted or moved in SharePoint.`, 'none');
    case 'BAD_REQUEST':
      // A stored configuration the parser refused explains itself; Graph refusing what it produced doesn't.
      if (e.reason === 'invalid_config' || e.reason === 'unsupported_version') return state(e.message, 'editMacro');
      return state(`The macro’s settings no longer match ${what(t)}. Ask the page’s author to edit the macro.`, 'editMacro');
    case 'THROTTLED': {
      // A time is named only when Microsoft named it (`retryAfterSeconds`); a backoff guess is "shortly".
      const known = e.retryAfterSeconds !== undefined && e.retryAfterSeconds > 0 ? { retryAfterMs: e.retryAfterSeconds * 1000 } : {};
      if (e.reason === GRAPH_REASONS.throttleGaveUp) return state('SharePoint is busy right now. Try again in a minute.', 'retry', known);
      if (known.retryAfterMs === undefined) return state('SharePoint is busy; trying again shortly.', 'retry');
      return state(`SharePoint is busy; trying again in ${String(Math.ceil(known.retryAfterMs / 1000))} s.`, 'retry', known);
    }
    case 'MS_UNAVAILABLE':
      if (e.reason === GRAPH_REASONS.network) return state('SharePoint couldn’t be reached. Check your connection and try again.', 'retry');
      if (e.reason === 'invalid_response' || e.reason === 'invalid_next_link') return state(e.message, 'retry');
      return state('SharePoint couldn’t show this right now. Try again later.', 'retry');
    case 'MS_CONSENT_REQUIRED':
    case 'MISCONFIGURED':
      return state(e.message, 'none');
    case 'STORAGE_UNAVAILABLE':
    case 'INTERNAL':
      return state(e.message, 'retry');
  }
}

/**
 * How a state looks, as Atlassian's section messages are toned: `information` for what the viewer can do
 * (sign in, wait while SharePoint is busy), `warning` for what stops this view but is not broken (no
 * access, deleted, settings out of date, Microsoft unavailable), `danger` for what went wrong in the app,
 * `neutral` for the admin's decision. The UI's one table (static/shared/sharepoint/state-message.tsx)
 * maps a tone to its colour and icon; nothing else picks a state's colour.
 */
export type StateTone = 'information' | 'warning' | 'danger' | 'neutral';

const TONES: Readonly<Record<ErrorCode, StateTone>> = {
  UNAUTHENTICATED: 'information',
  MS_SIGN_IN_REQUIRED: 'information',
  THROTTLED: 'information',
  FEATURE_OFF: 'neutral',
  FORBIDDEN: 'warning',
  NOT_FOUND: 'warning',
  BAD_REQUEST: 'warning',
  MS_SIGN_IN_FAILED: 'warning',
  MS_UNAVAILABLE: 'warning',
  MS_CONSENT_REQUIRED: 'warning',
  MISCONFIGURED: 'warning',
  STORAGE_UNAVAILABLE: 'danger',
  INTERNAL: 'danger',
};

/** The tone of a state (or of any error of the one vocabulary): the same in every macro and dialog. */
export const stateTone = (e: Pick<AppErrorBody, 'code'>): StateTone => TONES[e.code];

/** The wait a `Retry-After` value names (seconds or an HTTP date), unclamped; undefined when absent or unreadable. */
function toldDelay(retryAfter: string | null | undefined, now: number): number | undefined {
  const v = retryAfter?.trim();
  if (v === undefined || v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : at - now;
}

/**
 * Backoff when Microsoft names no wait (always so in a browser: Graph does not expose `Retry-After`
 * to scripts): exponential by attempt (1 s, 2 s, 4 s … capped at 64 s) with "equal jitter" — half the
 * step fixed, half random — so many macros on one page throttled together do not come back together.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const step = 2 ** Math.max(0, Math.min(Math.floor(attempt), 6)) * 1000;
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * r);
}

/**
 * Milliseconds to wait: `Retry-After` as seconds or an HTTP date, else exponential backoff with jitter
 * by attempt, clamped to 1 s … 2 min so a hostile or broken header can't stall or spin the page.
 */
export function retryDelay(retryAfter: string | null | undefined, attempt: number, now: number, random?: () => number): number {
  const ms = toldDelay(retryAfter, now) ?? backoffDelay(attempt, random);
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
