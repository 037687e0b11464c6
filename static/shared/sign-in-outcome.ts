import type { AppErrorBody, Result } from '../../src/contract';
import { messageFor } from '../../src/core/messages';

/** The codes with which a sign-in has ended for good: declined, needs an admin's approval, or the app is misconfigured. */
const ENDED_BY: readonly string[] = ['MS_SIGN_IN_FAILED', 'MS_CONSENT_REQUIRED', 'MISCONFIGURED'];

/**
 * What `account/signIn/status` says of a sign-in a module started, for the module waiting on it: still open in
 * its tab (`pending`), finished (`connected`: the module checks what it waited for), ended with the reason to
 * show (`failed`), or no clear answer (`unknown`: check as before). One rule for the Connect button and for the
 * "Allow reading …" buttons, so a declined consent or "Need admin approval" ends both with its reason instead of
 * leaving "Finish signing in…" on screen.
 */
export type SignInOutcome = { kind: 'pending' } | { kind: 'connected' } | { kind: 'unknown' } | { kind: 'failed'; error: AppErrorBody };

export function readSignInStatus(status: Result<{ status: 'pending' | 'connected' | 'ended' }> | undefined): SignInOutcome {
  if (status === undefined) return { kind: 'unknown' };
  if (!status.ok) return ENDED_BY.includes(status.error.code) ? { kind: 'failed', error: status.error } : { kind: 'unknown' };
  if (status.value.status === 'ended') return { kind: 'failed', error: { code: 'MS_SIGN_IN_FAILED', reason: 'sign_in_abandoned', message: messageFor('MS_SIGN_IN_FAILED', 'sign_in_abandoned') } };
  return { kind: status.value.status };
}
