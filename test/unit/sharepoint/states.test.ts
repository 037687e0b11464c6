import { describe, expect, it } from 'vitest';
import { decideOnFailure, failureFromResponse, retryDelay, type FailureContext } from '../../../src/core/sharepoint/states';

const tasks: FailureContext = { target: { kind: 'list', name: 'Tasks' }, refreshed: false };
const http = (status: number, code?: string, retryAfter?: string) => ({ kind: 'http' as const, status, ...(code ? { code } : {}), ...(retryAfter ? { retryAfter } : {}) });
const shown = (d: ReturnType<typeof decideOnFailure>) => {
  if (d.action !== 'show') throw new Error(`expected a state to show, got ${d.action}`);
  return d.state;
};

describe('decideOnFailure', () => {
  it('asks a Confluence visitor who is not logged in to log in', () => {
    expect(shown(decideOnFailure({ kind: 'anonymous' }, tasks))).toEqual({
      code: 'ANONYMOUS',
      message: 'Log in to Confluence to see the list “Tasks” from SharePoint.',
      action: 'logIn',
    });
  });

  it('no Microsoft session: sign in', () => {
    expect(shown(decideOnFailure({ kind: 'noSession' }, tasks))).toMatchObject({ code: 'SIGN_IN_REQUIRED', action: 'signIn' });
  });

  it('401 refreshes the token once, then asks to sign in', () => {
    expect(decideOnFailure(http(401, 'InvalidAuthenticationToken'), tasks)).toEqual({ action: 'refreshToken' });
    expect(shown(decideOnFailure(http(401, 'InvalidAuthenticationToken'), { ...tasks, refreshed: true }))).toMatchObject({
      code: 'SIGN_IN_REQUIRED',
      message: expect.stringContaining('expired'),
    });
  });

  it('403 is no access, naming the list as stored in the macro', () => {
    expect(shown(decideOnFailure(http(403, 'accessDenied'), tasks))).toEqual({
      code: 'NO_ACCESS',
      message: 'You don’t have access to the list “Tasks” in SharePoint.',
      action: 'none',
    });
    expect(shown(decideOnFailure(http(403), { target: { kind: 'list' }, refreshed: false })).message).toBe('You don’t have access to this list in SharePoint.');
  });

  it('403 for a missing consent asks to sign in again', () => {
    expect(shown(decideOnFailure(http(403, 'Authorization_RequestDenied'), tasks)).code).toBe('SIGN_IN_REQUIRED');
  });

  it('404 on the configured list can’t be told from trimming: no access, wording admits deletion', () => {
    const state = shown(decideOnFailure(http(404, 'itemNotFound'), tasks));
    expect(state.code).toBe('NO_ACCESS');
    expect(state.message).toBe('You don’t have access to the list “Tasks” in SharePoint, or it has been deleted or moved.');
  });

  it('404 on something seen moments ago, or 410, is deleted or moved', () => {
    const folder: FailureContext = { target: { kind: 'folder', name: 'Reports' }, refreshed: false, seenMomentsAgo: true };
    expect(shown(decideOnFailure(http(404, 'itemNotFound'), folder))).toMatchObject({ code: 'NOT_FOUND', message: 'The folder “Reports” was deleted or moved in SharePoint.' });
    expect(shown(decideOnFailure(http(410), { target: { kind: 'document', name: 'Q3.docx' }, refreshed: false })).code).toBe('NOT_FOUND');
  });

  it('400 after a server sort or search degrades the query; otherwise the macro is misconfigured', () => {
    expect(decideOnFailure(http(400, 'invalidRequest'), { ...tasks, usedServerQuery: true })).toEqual({ action: 'degradeQuery' });
    expect(shown(decideOnFailure(http(400, 'invalidRequest'), tasks))).toMatchObject({ code: 'MISCONFIGURED', action: 'editMacro' });
    expect(shown(decideOnFailure({ kind: 'invalidConfig' }, tasks)).code).toBe('MISCONFIGURED');
  });

  it('list view threshold: 500 generalException after a server sort on a big list degrades the query (regression)', () => {
    expect(decideOnFailure(http(500, 'generalException'), { ...tasks, usedServerQuery: true })).toEqual({ action: 'degradeQuery' });
    expect(shown(decideOnFailure(http(500, 'generalException'), tasks)).code).toBe('UNAVAILABLE');
  });

  it('429/503/504 retry after Retry-After, then give up with a message', () => {
    const d = decideOnFailure(http(429, 'TooManyRequests', '7'), tasks);
    expect(d).toMatchObject({ action: 'retry', delayMs: 7000, state: { code: 'THROTTLED', retryAfterMs: 7000 } });
    expect(decideOnFailure(http(503), { ...tasks, attempt: 1 })).toMatchObject({ action: 'retry', delayMs: 2000 });
    expect(decideOnFailure(http(504), tasks)).toMatchObject({ action: 'retry' });
    expect(shown(decideOnFailure(http(429, undefined, '7'), { ...tasks, attempt: 3 }))).toMatchObject({ code: 'THROTTLED', action: 'retry' });
  });

  it('other failures are "unavailable"', () => {
    expect(shown(decideOnFailure(http(500), tasks)).code).toBe('UNAVAILABLE');
    expect(shown(decideOnFailure({ kind: 'network' }, tasks)).code).toBe('UNAVAILABLE');
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
    expect(retryDelay('soon', 2, now)).toBe(4000);
    expect(retryDelay(undefined, 50, now)).toBe(64_000);
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
