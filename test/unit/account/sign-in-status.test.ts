import { describe, expect, it } from 'vitest';
import { microsoftAccounts } from '../../../src/core/account/service';
import { nodeCrypto } from '../../../src/adapters/node/crypto';
import { fakeIdentity, memoryConnections, memoryPending } from './fakes';

// The module that opened a sign-in tab asks where it stands: it shows Connect again with the reason
// when the sign-in failed or was abandoned, and its Cancel really ends the sign-in.

const CLIENT_ID = 'client-1';
const ALICE = '557058:alice';
const MALLORY = '557058:mallory';

function setup() {
  const now = { t: 1_700_000_000_000 };
  const connections = memoryConnections();
  const pending = memoryPending();
  const idp = fakeIdentity(CLIENT_ID);
  const accounts = microsoftAccounts({
    config: { authorizeEndpoint: 'https://login.example/tenant/oauth2/v2.0/authorize', clientId: CLIENT_ID, scopes: ['openid', 'offline_access', 'User.Read'], graphBaseUrl: 'https://graph.example/v1.0', registrationKey: `${CLIENT_ID}@tenant`, redirectUri: async () => 'https://app.example/x1/cb' },
    connections,
    pending,
    identity: idp.client,
    crypto: nodeCrypto,
    now: () => now.t,
  });
  return { accounts, connections, pending, idp, now };
}

async function begin(s: ReturnType<typeof setup>, accountId = ALICE) {
  const r = await s.accounts.beginSignIn(accountId);
  if (!r.ok) throw new Error('begin failed');
  return r.value;
}

describe('where a sign-in stands', () => {
  it('is open until Microsoft redirects back, then connected', async () => {
    const s = setup();
    const { authorizeUrl, signInId } = await begin(s);
    expect(await s.accounts.signInStatus(ALICE, signInId)).toEqual({ ok: true, value: { status: 'pending' } });
    const { code, state } = s.idp.issueCode(authorizeUrl);
    await s.accounts.completeSignIn({ code, state });
    expect(await s.accounts.signInStatus(ALICE, signInId)).toEqual({ ok: true, value: { status: 'connected' } });
  });

  it('is the decline, with the words the sign-in tab showed, when the user declined consent', async () => {
    const s = setup();
    const { authorizeUrl, signInId } = await begin(s);
    const state = new URL(authorizeUrl).searchParams.get('state') ?? '';
    const page = await s.accounts.completeSignIn({ state, error: 'access_denied', error_description: 'AADSTS65004: User declined to consent' });
    const status = await s.accounts.signInStatus(ALICE, signInId);
    expect(status).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_FAILED', reason: 'consent_declined' } });
    expect(!status.ok && !page.ok && status.error.message).toBe(!page.ok && page.error.message);
    expect(s.connections.all.size).toBe(0);
  });

  it('is still open while the code is being redeemed (the state is used up, the answer not there yet)', async () => {
    const s = setup();
    const { authorizeUrl, signInId } = await begin(s);
    const { code, state } = s.idp.issueCode(authorizeUrl);
    const started = await s.accounts.takePending(state);
    expect(started.ok).toBe(true);
    expect(await s.accounts.signInStatus(ALICE, signInId)).toEqual({ ok: true, value: { status: 'pending' } });
    if (started.ok) await s.accounts.finishSignIn(started.value, { code, state });
    expect(await s.accounts.signInStatus(ALICE, signInId)).toEqual({ ok: true, value: { status: 'connected' } });
  });

  it('has ended, without saying why, once the sign-in window passed unanswered', async () => {
    const s = setup();
    const { signInId } = await begin(s);
    s.now.t += 11 * 60 * 1000;
    expect(await s.accounts.signInStatus(ALICE, signInId)).toEqual({ ok: true, value: { status: 'ended' } });
  });

  it('tells another account nothing about someone else’s sign-in', async () => {
    const s = setup();
    const { authorizeUrl, signInId } = await begin(s);
    expect(await s.accounts.signInStatus(MALLORY, signInId)).toEqual({ ok: true, value: { status: 'ended' } });
    const state = new URL(authorizeUrl).searchParams.get('state') ?? '';
    await s.accounts.completeSignIn({ state, error: 'access_denied' });
    expect(await s.accounts.signInStatus(MALLORY, signInId)).toEqual({ ok: true, value: { status: 'ended' } });
  });

  it('refuses an id that is not one', async () => {
    const s = setup();
    for (const bad of [undefined, 42, '', 'x'.repeat(44), '../../ms-connection:557058:alice', { id: 1 }]) {
      expect(await s.accounts.signInStatus(ALICE, bad)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expect(await s.accounts.cancelSignIn(ALICE, bad)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });
});

describe('cancelling a sign-in', () => {
  it('ends it: finishing it in the other tab then connects nothing', async () => {
    const s = setup();
    const { authorizeUrl, signInId } = await begin(s);
    expect(await s.accounts.cancelSignIn(ALICE, signInId)).toEqual({ ok: true, value: { cancelled: true } });
    expect(await s.accounts.signInStatus(ALICE, signInId)).toEqual({ ok: true, value: { status: 'ended' } });
    const { code, state } = s.idp.issueCode(authorizeUrl);
    expect(await s.accounts.completeSignIn({ code, state })).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_FAILED', reason: 'state_unknown' } });
    expect(s.connections.all.size).toBe(0);
  });

  it('cannot end another account’s sign-in', async () => {
    const s = setup();
    const { authorizeUrl, signInId } = await begin(s);
    expect(await s.accounts.cancelSignIn(MALLORY, signInId)).toEqual({ ok: true, value: { cancelled: false } });
    const { code, state } = s.idp.issueCode(authorizeUrl);
    expect(await s.accounts.completeSignIn({ code, state })).toMatchObject({ ok: true, value: { accountId: ALICE } });
  });
});
