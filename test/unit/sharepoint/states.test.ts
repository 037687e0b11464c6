import { describe, expect, it } from 'vitest';
import { backoffDelay, decideOnFailure, failureFromResponse, retryDelay, viewerState, type FailureContext, type FailureTarget } from '../../../src/core/sharepoint/states';
import type { AppErrorBody } from '../../../src/core/result';

const first: FailureContext = { refreshed: false };
const tasks: FailureTarget = { kind: 'list', name: 'Tasks' };
const http = (status: number, code?: string, retryAfter?: string) => ({ kind: 'http' as const, status, ...(code ? { code } : {}), ...(retryAfter ? { retryAfter } : {}) });
const failed = (d: ReturnType<typeof decideOnFailure>): AppErrorBody => {
  if (d.action !== 'fail') throw new Error(`expected a failure, got ${d.action}`);
  return d.error;
};
/** What the viewer of the Tasks list reads after this Graph failure. */
const shown = (d: ReturnType<typeof decideOnFailure>, target: FailureTarget = tasks) => viewerState(failed(d), target);

describe('decideOnFailure: a failed Graph call in the one vocabulary', () => {
  it('401 refreshes the token once, then asks to sign in again', () => {
    expect(decideOnFailure(http(401, 'InvalidAuthenticationToken'), first)).toEqual({ action: 'refreshToken' });
    expect(failed(decideOnFailure(http(401, 'InvalidAuthenticationToken'), { refreshed: true }))).toMatchObject({ code: 'MS_SIGN_IN_REQUIRED', reason: 'token_rejected' });
    expect(shown(decideOnFailure(http(401), { refreshed: true }))).toMatchObject({ action: 'signIn', message: expect.stringContaining('expired') });
  });

  it('403 is FORBIDDEN (accessDenied) — the same code the rest of the app uses for a Graph 403', () => {
    expect(failed(decideOnFailure(http(403, 'accessDenied'), first))).toMatchObject({ code: 'FORBIDDEN', reason: 'accessDenied' });
  });

  it('403 for a missing permission asks to sign in again (which asks for consent)', () => {
    expect(failed(decideOnFailure(http(403, 'Authorization_RequestDenied'), first))).toMatchObject({ code: 'MS_SIGN_IN_REQUIRED', reason: 'insufficient_scope' });
  });

  it('404 on the configured object can’t be told from trimming: FORBIDDEN, itemNotFound', () => {
    expect(failed(decideOnFailure(http(404, 'itemNotFound'), first))).toMatchObject({ code: 'FORBIDDEN', reason: 'itemNotFound' });
  });

  it('404 on something seen moments ago, or 410, is NOT_FOUND', () => {
    expect(failed(decideOnFailure(http(404, 'itemNotFound'), { refreshed: false, seenMomentsAgo: true })).code).toBe('NOT_FOUND');
    expect(failed(decideOnFailure(http(410), first)).code).toBe('NOT_FOUND');
  });

  it('400 after a server sort or search is a refused query (the view falls back to the page); otherwise the settings no longer match', () => {
    expect(failed(decideOnFailure(http(400, 'invalidRequest'), { refreshed: false, usedServerQuery: true }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'query_refused' });
    expect(failed(decideOnFailure(http(400, 'invalidRequest'), first))).toMatchObject({ code: 'BAD_REQUEST', reason: 'settings_mismatch' });
  });

  it('list view threshold: 500 generalException after a server sort on a big list is a refused query (regression)', () => {
    expect(failed(decideOnFailure(http(500, 'generalException'), { refreshed: false, usedServerQuery: true })).reason).toBe('query_refused');
    expect(failed(decideOnFailure(http(500, 'generalException'), first)).code).toBe('MS_UNAVAILABLE');
  });

  it('429/503/504 are THROTTLED: wait per Retry-After, then give up with retries_exhausted', () => {
    expect(decideOnFailure(http(429, 'TooManyRequests', '7'), first)).toMatchObject({ action: 'retry', delayMs: 7000, error: { code: 'THROTTLED', retryAfterSeconds: 7 } });
    expect(decideOnFailure(http(503), { refreshed: false, attempt: 1, random: () => 0.999999 })).toMatchObject({ action: 'retry', delayMs: 2000 });
    expect(decideOnFailure(http(504), first)).toMatchObject({ action: 'retry' });
    expect(failed(decideOnFailure(http(429, undefined, '7'), { refreshed: false, attempt: 3 }))).toMatchObject({ code: 'THROTTLED', reason: 'retries_exhausted' });
  });

  it('a network failure and other statuses are MS_UNAVAILABLE', () => {
    expect(failed(decideOnFailure(http(500), first)).code).toBe('MS_UNAVAILABLE');
    expect(failed(decideOnFailure({ kind: 'network' }, first))).toMatchObject({ code: 'MS_UNAVAILABLE', reason: 'network' });
  });

  it('every error carries words from the message table, never Graph’s own text', () => {
    const d = decideOnFailure(failureFromResponse(403, { error: { code: 'accessDenied', message: '<script>alert(1)</script>' } }), first);
    expect(failed(d).message).toBe('You don’t have permission to do that.');
  });
});

describe('viewerState: what a macro says, mapped from the one vocabulary', () => {
  const err = (code: AppErrorBody['code'], reason?: string, extra: Partial<AppErrorBody> = {}): AppErrorBody => ({ code, message: 'words from elsewhere', ...(reason ? { reason } : {}), ...extra });

  it('asks a Confluence visitor who is not logged in to log in', () => {
    expect(viewerState(err('UNAUTHENTICATED'), tasks)).toEqual({ code: 'UNAUTHENTICATED', message: 'Log in to Confluence to see the list “Tasks” from SharePoint.', action: 'logIn' });
  });

  it('no Microsoft session: sign in; a revoked one says why, in the resolver’s words', () => {
    expect(viewerState(err('MS_SIGN_IN_REQUIRED', 'not_connected'), tasks)).toMatchObject({ message: 'Sign in to Microsoft 365 to see the list “Tasks”.', action: 'signIn' });
    expect(viewerState(err('MS_SIGN_IN_REQUIRED', 'revoked'), tasks)).toMatchObject({ message: 'words from elsewhere', action: 'signIn' });
    expect(viewerState(err('MS_SIGN_IN_REQUIRED', 'insufficient_scope'), tasks).message).toBe('The app needs your permission to read SharePoint. Sign in again to see the list “Tasks”.');
  });

  it('no access names the list as stored in the macro; the 404 wording admits deletion', () => {
    expect(viewerState(err('FORBIDDEN', 'accessDenied'), tasks)).toEqual({ code: 'FORBIDDEN', reason: 'accessDenied', message: 'You don’t have access to the list “Tasks” in SharePoint.', action: 'none' });
    expect(viewerState(err('FORBIDDEN'), { kind: 'list' }).message).toBe('You don’t have access to this list in SharePoint.');
    expect(viewerState(err('FORBIDDEN', 'itemNotFound'), tasks).message).toBe('You don’t have access to the list “Tasks” in SharePoint, or it has been deleted or moved.');
    expect(viewerState(err('NOT_FOUND', 'itemNotFound'), { kind: 'folder', name: 'Reports' }).message).toBe('The folder “Reports” was deleted or moved in SharePoint.');
  });

  it('a feature the admin turned off: one calm sentence and no button', () => {
    expect(viewerState(err('FEATURE_OFF', 'feature_off:sharepoint'), tasks)).toMatchObject({ code: 'FEATURE_OFF', message: 'SharePoint macros were turned off by your admin.', action: 'none' });
  });

  it('a tenant the admin no longer allows: the host rule’s own words, no button', () => {
    expect(viewerState(err('FORBIDDEN', 'tenant_not_allowed', { message: 'Your admin allows SharePoint sites of contoso only.' }), tasks)).toMatchObject({ message: 'Your admin allows SharePoint sites of contoso only.', action: 'none' });
  });

  it('settings Graph refuses, or a damaged stored config: edit the macro', () => {
    expect(viewerState(err('BAD_REQUEST', 'settings_mismatch'), tasks)).toMatchObject({ action: 'editMacro', message: 'The macro’s settings no longer match the list “Tasks”. Ask the page’s author to edit the macro.' });
    expect(viewerState(err('BAD_REQUEST', 'invalid_config', { message: 'The macro settings are not valid: x.' }), tasks)).toMatchObject({ action: 'editMacro', message: 'The macro settings are not valid: x.' });
  });

  it('throttling: trying again in N s, then try again later', () => {
    expect(viewerState(err('THROTTLED', undefined, { retryAfterSeconds: 7 }), tasks)).toMatchObject({ action: 'retry', retryAfterMs: 7000, message: 'SharePoint is busy; trying again in 7 s.' });
    expect(viewerState(err('THROTTLED', 'retries_exhausted'), tasks).message).toBe('SharePoint is busy right now. Try again in a minute.');
  });

  it('unavailable and unreachable offer a retry', () => {
    expect(viewerState(err('MS_UNAVAILABLE'), tasks)).toMatchObject({ action: 'retry', message: 'SharePoint couldn’t show this right now. Try again later.' });
    expect(viewerState(err('MS_UNAVAILABLE', 'network'), tasks).message).toContain('couldn’t be reached');
  });
});

describe('retryDelay', () => {
  const now = Date.UTC(2024, 2, 5, 12, 0, 0);
  it('reads seconds and HTTP dates, and clamps hostile values', () => {
    expect(retryDelay('3', 0, now)).toBe(3000);
    expect(retryDelay(new Date(now + 10_000).toUTCString(), 0, now)).toBe(10_000);
    expect(retryDelay('0', 0, now)).toBe(1000);
    expect(retryDelay('999999', 0, now)).toBe(120_000);
    expect(retryDelay(new Date(now - 60_000).toUTCString(), 0, now)).toBe(1000);
    expect(retryDelay('soon', 2, now, () => 0.999999)).toBe(4000);
    expect(retryDelay(undefined, 50, now, () => 0.999999)).toBe(64_000);
  });

  // A browser never reads Graph's Retry-After (not in Access-Control-Expose-Headers), so this is the browser's path.
  it('without Retry-After backs off exponentially with jitter, bounded to 1 s … 64 s', () => {
    const at = (attempt: number, r: number) => retryDelay(null, attempt, now, () => r);
    expect([0, 1, 2, 3].map((a) => at(a, 0))).toEqual([1000, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((a) => at(a, 0.999999))).toEqual([1000, 2000, 4000, 8000]);
    expect(at(2, 0.5)).toBe(3000);
    // Two macros throttled together come back at different times.
    expect(at(3, 0.1)).not.toBe(at(3, 0.9));
    for (let a = 0; a < 60; a++) for (const r of [0, 0.3, 0.999999, 7, -3]) {
      const ms = at(a, r);
      expect(ms).toBeGreaterThanOrEqual(1000);
      expect(ms).toBeLessThanOrEqual(64_000);
    }
    expect(backoffDelay(2, () => 0)).toBe(2000);
  });

  it('promises the viewer a time only when Microsoft named one', () => {
    const guessed = decideOnFailure(http(429), { refreshed: false, attempt: 0, random: () => 0.5 });
    expect(guessed).toMatchObject({ action: 'retry', delayMs: 1000 });
    if (guessed.action !== 'retry') throw new Error('expected a retry');
    expect(guessed.error.retryAfterSeconds).toBeUndefined();
    const words = viewerState(guessed.error, { kind: 'list' });
    expect(words.message).toBe('SharePoint is busy; trying again shortly.');
    expect(words.message).not.toMatch(/\d\s*s\b/);
    expect(words).not.toHaveProperty('retryAfterMs');
    const told = decideOnFailure(http(429, undefined, '0'), { refreshed: false, attempt: 0 });
    expect(told.action === 'retry' ? viewerState(told.error, { kind: 'list' }).message : '').toBe('SharePoint is busy; trying again in 1 s.');
  });
});

describe('failureFromResponse', () => {
  it('reads Graph’s error code and Retry-After from Headers or a plain record', () => {
    const headers = new Headers({ 'Retry-After': '5' });
    expect(failureFromResponse(429, { error: { code: 'TooManyRequests', message: 'slow down' } }, headers)).toEqual({
      kind: 'http',
      status: 429,
      code: 'TooManyRequests',
      retryAfter: '5',
    });
    expect(failureFromResponse(503, 'oops', { 'retry-after': '2' })).toEqual({ kind: 'http', status: 503, retryAfter: '2' });
    expect(failureFromResponse(404, null)).toEqual({ kind: 'http', status: 404 });
  });
});
