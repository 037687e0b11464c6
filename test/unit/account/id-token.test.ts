import { describe, expect, it } from 'vitest';
import { readIdToken } from '../../../src/core/account/id-token';
import { idToken } from './fakes';

const want = { clientId: 'client-1', nonce: 'n-1' };
const claims = { aud: 'client-1', nonce: 'n-1', oid: 'oid-1', tid: 'tid-1' };

describe('reading the ID token', () => {
  it('reads names outside ASCII as the user wrote them', () => {
    const user = readIdToken(idToken({ ...claims, name: 'Zoë Ångström 李', preferred_username: 'zoe@contoso.com' }), want);
    expect(user).toEqual({ oid: 'oid-1', tid: 'tid-1', name: 'Zoë Ångström 李', username: 'zoe@contoso.com' });
  });

  it('calls a token whose claims are not base64url JSON malformed', () => {
    for (const bad of ['h.%%%.s', 'h.bnVsbA.s', `h.${'/'.repeat(8)}.s`, 'h.gA.s']) {
      expect(readIdToken(bad, want), bad).toEqual({ error: 'The ID token is malformed.' });
    }
  });

  it('refuses a token for another app or another sign-in', () => {
    expect(readIdToken(idToken({ ...claims, aud: 'other' }), want)).toEqual({ error: 'The ID token was issued to another application.' });
    expect(readIdToken(idToken({ ...claims, nonce: 'n-2' }), want)).toEqual({ error: 'The ID token belongs to another sign-in.' });
  });
});
