import { describe, expect, it } from 'vitest';
import { microsoftAccounts } from '../../../src/core/account/service';
import { IdentityError } from '../../../src/core/account/ports';
import { nodeCrypto } from '../../../src/adapters/node/crypto';
import { fakeIdentity, memoryConnections, memoryPending } from './fakes';

const CLIENT_ID = 'client-1';
const ALICE = '557058:alice';
const MALLORY = '557058:mallory';

function setup(now = { t: 1_700_000_000_000 }, registrationKey = `${CLIENT_ID}@tenant`, shared?: { connections: ReturnType<typeof memoryConnections>; pending: ReturnType<typeof memoryPending>; idp: ReturnType<typeof fakeIdentity> }) {
  const connections = shared?.connections ?? memoryConnections();
  const pending = shared?.pending ?? memoryPending();
  const idp = shared?.idp ?? fakeIdentity(CLIENT_ID);
  const accounts = microsoftAccounts({
    config: { authorizeEndpoint: 'https://login.example/tenant/oauth2/v2.0/authorize', clientId: CLIENT_ID, scopes: ['openid', 'offline_access', 'User.Read'], graphBaseUrl: 'https://graph.example/v1.0', registrationKey, redirectUri: async () => 'https://app.example/x1/cb' },
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
  return r.value.authorizeUrl;
}

describe('Microsoft sign-in', () => {
  it('sends the user to Microsoft with PKCE S256, a one-time state and offline access', async () => {
    const s = setup();
    const url = new URL(await begin(s));
    const q = url.searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('redirect_uri')).toBe('https://app.example/x1/cb');
    expect(q.get('scope')).toContain('offline_access');
    // What is stored is keyed by a hash of the state, never the state itself.
    expect([...s.pending.all.keys()]).not.toContain(q.get('state'));
  });

  it('connects the Atlassian account that started the sign-in and keeps the refresh token', async () => {
    const s = setup();
    const { code, state } = s.idp.issueCode(await begin(s));
    const done = await s.accounts.completeSignIn({ code, state });
    expect(done).toMatchObject({ ok: true, value: { accountId: ALICE, user: { name: 'Alice Adams', username: 'alice@contoso.com' } } });
    expect(s.connections.all.get(ALICE)?.refreshToken).toMatch(/^rt-/);
  });

  it('refuses a reused state and stores nothing the second time', async () => {
    const s = setup();
    const { code, state } = s.idp.issueCode(await begin(s));
    await s.accounts.completeSignIn({ code, state });
    s.connections.all.clear();
    const again = await s.accounts.completeSignIn({ code, state });
    expect(again).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_FAILED', reason: 'state_unknown' } });
    expect(s.connections.all.size).toBe(0);
  });

  it.each([
    ['missing', undefined, 'state_invalid'],
    ['malformed', 'abc<script>', 'state_invalid'],
    ['forged (well-formed but never issued)', 'A'.repeat(43), 'state_unknown'],
  ])('refuses a %s state', async (_label, state, reason) => {
    const s = setup();
    await begin(s);
    const r = await s.accounts.completeSignIn({ code: 'code-x', ...(state === undefined ? {} : { state }) });
    expect(r).toMatchObject({ ok: false, error: { reason } });
    expect(s.connections.all.size).toBe(0);
  });

  it('refuses an expired state', async () => {
    const s = setup();
    const { code, state } = s.idp.issueCode(await begin(s));
    s.now.t += 11 * 60 * 1000;
    expect(await s.accounts.completeSignIn({ code, state })).toMatchObject({ ok: false, error: { reason: 'state_expired' } });
    expect(s.connections.all.size).toBe(0);
  });

  it('says so when the user declines consent, and consumes the state', async () => {
    const s = setup();
    const { state } = s.idp.issueCode(await begin(s));
    const r = await s.accounts.completeSignIn({ state, error: 'access_denied', error_description: 'AADSTS65004: User declined to consent' });
    expect(r).toMatchObject({ ok: false, error: { reason: 'consent_declined' } });
    expect(r.ok || r.error.message).toContain('declined');
    expect(s.pending.all.size).toBe(0);
  });

  it("refuses a code issued for another user's sign-in (PKCE binds the code to its state)", async () => {
    const s = setup();
    const aliceUrl = await begin(s, ALICE);
    const malloryUrl = await begin(s, MALLORY);
    const fromMallorysFlow = s.idp.issueCode(malloryUrl);
    const alicesState = new URL(aliceUrl).searchParams.get('state') ?? '';
    const r = await s.accounts.completeSignIn({ code: fromMallorysFlow.code, state: alicesState });
    expect(r).toMatchObject({ ok: false, error: { reason: 'code_rejected' } });
    expect(s.connections.all.size).toBe(0);
  });
});

describe('session tokens', () => {
  async function connected() {
    const s = setup();
    const { code, state } = s.idp.issueCode(await begin(s));
    await s.accounts.completeSignIn({ code, state });
    return s;
  }

  it('asks a user who never connected to connect', async () => {
    const s = setup();
    expect(await s.accounts.accessToken(ALICE)).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'not_connected' } });
  });

  it('hands out the cached token while it lives, and a rotated one after', async () => {
    const s = await connected();
    const first = await s.accounts.accessToken(ALICE);
    expect(first.ok && first.value.graphBaseUrl).toBe('https://graph.example/v1.0');
    expect(s.idp.client.calls.refresh).toBe(0);
    const before = s.connections.all.get(ALICE)?.refreshToken;
    s.now.t += 59 * 60 * 1000;
    const second = await s.accounts.accessToken(ALICE);
    expect(second.ok && first.ok && second.value.accessToken !== first.value.accessToken).toBe(true);
    expect(s.connections.all.get(ALICE)?.refreshToken).not.toBe(before);
  });

  it('refreshes on demand after Graph rejected a token', async () => {
    const s = await connected();
    await s.accounts.accessToken(ALICE, { forceRefresh: true });
    expect(s.idp.client.calls.refresh).toBe(1);
  });

  it('forgets a revoked connection and says why', async () => {
    const s = await connected();
    s.idp.revokeAll();
    const r = await s.accounts.accessToken(ALICE, { forceRefresh: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'revoked' } });
    expect(s.connections.all.has(ALICE)).toBe(false);
  });

  it('keeps the connection when Microsoft is only throttling', async () => {
    const s = await connected();
    s.idp.client.refresh = async () => {
      throw new IdentityError('throttled', 'slow down', 7);
    };
    const r = await s.accounts.accessToken(ALICE, { forceRefresh: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'THROTTLED', retryAfterSeconds: 7 } });
    expect(s.connections.all.has(ALICE)).toBe(true);
  });

  it('never hands one account the token of another', async () => {
    const s = await connected();
    expect(await s.accounts.accessToken(MALLORY)).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED' } });
  });

  it('signs out by deleting the stored connection', async () => {
    const s = await connected();
    await s.accounts.signOut(ALICE);
    expect(s.connections.all.size).toBe(0);
    expect(await s.accounts.accessToken(ALICE)).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED' } });
  });
});

describe('a change of app registration', () => {
  async function connected() {
    const s = setup();
    const { code, state } = s.idp.issueCode(await begin(s));
    const done = await s.accounts.completeSignIn({ code, state });
    expect(done.ok).toBe(true);
    return s;
  }

  it('ends a connection made with another client or tenant, and says why', async () => {
    const s = await connected();
    const after = setup(s.now, 'other-client@tenant', s);
    const r = await after.accounts.accessToken(ALICE);
    expect(r).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'registration_changed' } });
    expect(r.ok ? '' : r.error.message).toContain('changed the app’s Microsoft 365 registration');
    // The refresh token of the old client is gone, not kept for a registration that cannot use it.
    expect(s.connections.all.has(ALICE)).toBe(false);
  });

  it('tells users whose connections the admin ended why they must connect again', async () => {
    const s = await connected();
    expect(await s.connections.endAll('registration_changed')).toBe(1);
    const r = await s.accounts.accessToken(ALICE);
    expect(r).toMatchObject({ ok: false, error: { reason: 'registration_changed' } });
  });

  it('keeps a connection when only the secret changes (same client and tenant)', async () => {
    const s = await connected();
    const same = setup(s.now, `${CLIENT_ID}@tenant`, s);
    expect((await same.accounts.accessToken(ALICE)).ok).toBe(true);
  });
});

describe('admin approval redirects', () => {
  it('a sign-in redirect cannot complete an admin approval, nor the other way round', async () => {
    const s = setup();
    const started = await s.accounts.beginAdminConsent(ALICE, { adminConsentEndpoint: 'https://login.example/tenant/v2.0/adminconsent', scopes: ['openid', 'https://graph.microsoft.com/Mail.Read'], feature: 'share.mail' });
    if (!started.ok) throw new Error('start failed');
    const url = new URL(started.value.url);
    expect(url.searchParams.get('scope')).toBe('openid https://graph.microsoft.com/Mail.Read');
    expect(url.searchParams.get('redirect_uri')).toBe('https://app.example/x1/cb');
    const r = await s.accounts.completeSignIn({ code: 'x', state: url.searchParams.get('state') ?? '' });
    expect(r).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_FAILED', reason: 'state_unknown' } });
    expect(s.connections.all.size).toBe(0);
  });

  it('explains a tenant that needs an administrator to approve', async () => {
    const s = setup();
    const { state } = s.idp.issueCode(await begin(s));
    const r = await s.accounts.completeSignIn({ state, error: 'access_denied', error_description: 'AADSTS90094: The grant requires admin permission.' });
    expect(r).toMatchObject({ ok: false, error: { code: 'MS_CONSENT_REQUIRED' } });
  });
});
