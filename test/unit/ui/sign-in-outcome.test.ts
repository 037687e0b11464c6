import { describe, expect, it } from 'vitest';
import { readSignInStatus } from '../../../static/shared/sign-in-outcome';

/**
 * How a module reads the end of a sign-in it started (the Connect button and every "Allow reading …" button):
 * a reviewer declined a consent Microsoft said needed an admin, and the panel kept "Finish signing in…".
 */
describe('reading how a sign-in ended', () => {
  it('waits while the tab is open, checks once connected', () => {
    expect(readSignInStatus({ ok: true, value: { status: 'pending' } })).toEqual({ kind: 'pending' });
    expect(readSignInStatus({ ok: true, value: { status: 'connected' } })).toEqual({ kind: 'connected' });
  });

  it('ends with the reason when Microsoft declined or an admin must approve', () => {
    const declined = { code: 'MS_SIGN_IN_FAILED' as const, reason: 'consent_declined', message: 'Microsoft 365 was not connected: the permissions were declined…' };
    expect(readSignInStatus({ ok: false, error: declined })).toEqual({ kind: 'failed', error: declined });
    const admin = { code: 'MS_CONSENT_REQUIRED' as const, reason: 'admin_approval', message: 'Ask an admin.' };
    expect(readSignInStatus({ ok: false, error: admin })).toEqual({ kind: 'failed', error: admin });
  });

  it('an abandoned sign-in ends with its own words; a busy or missing answer only means "check again"', () => {
    expect(readSignInStatus({ ok: true, value: { status: 'ended' } })).toMatchObject({ kind: 'failed', error: { reason: 'sign_in_abandoned', message: expect.stringContaining('not finished') } });
    expect(readSignInStatus({ ok: false, error: { code: 'THROTTLED', message: 'busy' } })).toEqual({ kind: 'unknown' });
    expect(readSignInStatus(undefined)).toEqual({ kind: 'unknown' });
  });
});
