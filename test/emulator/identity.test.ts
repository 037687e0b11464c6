import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeUrl, buttonNames, clickButton, CLIENT_ID, CLIENT_SECRET, consentAndGetRedirect, CONTOSO_TENANT,
  graphClient, graphFetch, pkcePair, type Running, signIn, startEmulator, tokenRequest,
} from './support';

let run: Running;
beforeAll(async () => { run = await startEmulator(); });
afterAll(async () => { await run.close(); });

const claims = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const redeem = async (code: string, verifier: string, extra: Record<string, string> = {}) =>
  tokenRequest(run, {
    grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET,
    code, redirect_uri: run.redirectUri, code_verifier: verifier, ...extra,
  });

describe('authorize page', () => {
  it('lists the Contoso members and the guest as buttons named by e-mail address', async () => {
    const { challenge } = pkcePair();
    const page = await fetch(authorizeUrl(run, { challenge }));
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(buttonNames(await page.text())).toEqual(['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'gina@fabrikam.com']);
  });

  it('asks only for what is not granted yet: sign-in, not the admin-consented Sites.Read.All; Accept and Cancel', async () => {
    const { challenge } = pkcePair();
    const page = await fetch(authorizeUrl(run, { challenge, scope: 'openid Sites.Read.All' }));
    const consent = await (await clickButton(await page.text(), 'bob@contoso.com')).text();
    expect(consent).toContain('Sign you in');
    expect(consent).not.toContain('Sites.Read.All');
    expect(buttonNames(consent)).toEqual(['Cancel', 'Accept']);
  });

  it('refuses an unknown client with an error page and never redirects', async () => {
    const { challenge } = pkcePair();
    const res = await fetch(authorizeUrl(run, { challenge, clientId: 'not-registered' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('AADSTS700016');
  });

  it('refuses an unregistered redirect URI with an error page, without redirecting to it', async () => {
    const { challenge } = pkcePair();
    const res = await fetch(authorizeUrl(run, { challenge, redirectUri: 'https://evil.example/steal' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('AADSTS50011');
  });

  it('escapes what it echoes', async () => {
    const { challenge } = pkcePair();
    const res = await fetch(authorizeUrl(run, { challenge, redirectUri: '"><script>alert(1)</script>' }));
    expect(await res.text()).not.toContain('<script>alert(1)</script>');
  });

  it('requires PKCE, reported to the registered redirect URI', async () => {
    const res = await fetch(authorizeUrl(run, {}), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('state')).toBe('state-123');
  });

  it('Cancel on the consent page redirects with access_denied and the state', async () => {
    const back = await consentAndGetRedirect(run, 'alice@contoso.com', { challenge: pkcePair().challenge, decision: 'Cancel', state: 'keep me' });
    expect(back.origin + back.pathname).toBe(run.redirectUri);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBe('AADSTS65004: User declined to consent to access the app.');
    expect(back.searchParams.get('state')).toBe('keep me');
    expect(back.searchParams.get('code')).toBeNull();
  });
});

describe('sign-out', () => {
  it('returns to a registered address only', async () => {
    const ok = await fetch(`${run.origin}/login/common/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(run.redirectUri)}`, { redirect: 'manual' });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(run.redirectUri);
    const other = await fetch(`${run.origin}/login/common/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
    expect(other.status).toBe(200);
    expect(other.headers.get('location')).toBeNull();
  });
});

describe('authorization code grant', () => {
  it('exchanges the code (with PKCE) for tokens that open Graph', async () => {
    const { verifier, challenge } = pkcePair();
    const back = await consentAndGetRedirect(run, 'alice@contoso.com', { challenge, nonce: 'n-42' });
    expect(back.searchParams.get('state')).toBe('state-123');
    const res = await redeem(back.searchParams.get('code') ?? '', verifier);
    expect(res.status).toBe(200);
    const body = await res.json() as Record<string, string>;
    expect(body['token_type']).toBe('Bearer');
    expect(body['refresh_token']).toBeTruthy();
    const id = claims(body['id_token'] ?? '');
    expect(id).toMatchObject({ aud: CLIENT_ID, tid: CONTOSO_TENANT, preferred_username: 'alice@contoso.com', email: 'alice@contoso.com', nonce: 'n-42', name: 'Alice Adams' });
    const access = claims(body['access_token'] ?? '');
    expect(access).toMatchObject({ aud: 'https://graph.microsoft.com', tid: CONTOSO_TENANT, upn: 'alice@contoso.com' });
    const me = await graphClient(run, () => body['access_token'] ?? '').api('/me').get() as { displayName: string };
    expect(me.displayName).toBe('Alice Adams');
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const { verifier, challenge } = pkcePair();
    const back = await consentAndGetRedirect(run, 'alice@contoso.com', { challenge });
    const res = await redeem(back.searchParams.get('code') ?? '', verifier, { client_secret: 'guess' });
    expect(res.status).toBe(401);
    const body = await res.json() as { error: string; error_codes: number[]; trace_id: string; correlation_id: string };
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([7000215]);
    expect(body.trace_id).toBeTruthy();
  });

  it('refuses a redeemed code the second time', async () => {
    const { verifier, challenge } = pkcePair();
    const code = (await consentAndGetRedirect(run, 'bob@contoso.com', { challenge })).searchParams.get('code') ?? '';
    expect((await redeem(code, verifier)).status).toBe(200);
    const again = await redeem(code, verifier);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('refuses a redirect URI other than the one authorized', async () => {
    const { verifier, challenge } = pkcePair();
    const code = (await consentAndGetRedirect(run, 'bob@contoso.com', { challenge })).searchParams.get('code') ?? '';
    const res = await redeem(code, verifier, { redirect_uri: `${run.origin}/other` });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code_verifier that does not match the challenge', async () => {
    const { challenge } = pkcePair();
    const code = (await consentAndGetRedirect(run, 'bob@contoso.com', { challenge })).searchParams.get('code') ?? '';
    const res = await redeem(code, pkcePair().verifier);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
  });

  it('refuses a code older than ten minutes', async () => {
    const { verifier, challenge } = pkcePair();
    const code = (await consentAndGetRedirect(run, 'carol@contoso.com', { challenge })).searchParams.get('code') ?? '';
    run.clock.offsetMs = 11 * 60_000;
    try {
      const res = await redeem(code, verifier);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    } finally {
      run.clock.offsetMs = 0;
    }
  });
});

describe('refresh tokens', () => {
  const refresh = (token: string, secret = CLIENT_SECRET) =>
    tokenRequest(run, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: secret, refresh_token: token });

  it('rotates: each refresh returns a new refresh token, and the old one still works', async () => {
    const first = await signIn(run, 'carol@contoso.com');
    const r1 = await refresh(first.refresh_token ?? '');
    expect(r1.status).toBe(200);
    const second = await r1.json() as { refresh_token: string; access_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await refresh(first.refresh_token ?? '')).status).toBe(200);
    expect((await graphFetch(run, second.access_token, '/me')).status).toBe(200);
  });

  it('refuses a wrong secret on refresh with invalid_client', async () => {
    const t = await signIn(run, 'carol@contoso.com');
    const res = await refresh(t.refresh_token ?? '', 'nope');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('fails every refresh token of a revoked user with invalid_grant, until they sign in again', async () => {
    const a = await signIn(run, 'bob@contoso.com');
    const b = await signIn(run, 'bob@contoso.com');
    run.emu.revokeRefreshTokens('bob@contoso.com');
    for (const t of [a, b]) {
      const res = await refresh(t.refresh_token ?? '');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
    }
    const fresh = await signIn(run, 'bob@contoso.com');
    expect((await refresh(fresh.refresh_token ?? '')).status).toBe(200);
  });

  it('refuses an unknown refresh token with invalid_grant', async () => {
    const res = await refresh('0.Anot-a-real-token');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('issues no refresh token without offline_access, as Entra does', async () => {
    const t = await signIn(run, 'alice@contoso.com', { scope: 'openid User.Read' });
    expect(t.refresh_token).toBeUndefined();
    expect(t.scope.split(' ')).toEqual(expect.arrayContaining(['User.Read', 'openid']));
  });
});

describe('guest from Fabrikam', () => {
  it('signing in through the Contoso tenant path yields a Contoso guest token that opens the partner library', async () => {
    const t = await signIn(run, 'gina@fabrikam.com', { tenant: CONTOSO_TENANT });
    expect(claims(t.access_token)).toMatchObject({ tid: CONTOSO_TENANT });
    const client = graphClient(run, () => t.access_token);
    const me = await client.api('/me').select('userType,userPrincipalName').get() as { userType: string; userPrincipalName: string };
    expect(me).toMatchObject({ userType: 'Guest', userPrincipalName: 'gina_fabrikam.com#EXT#@contoso.onmicrosoft.com' });
    const site = await client.api('/sites/contoso.sharepoint.com:/sites/partners').get() as { id: string };
    const drives = await client.api(`/sites/${site.id}/drives`).get() as { value: Array<{ name: string }> };
    expect(drives.value.map((d) => d.name)).toEqual(['Shared with partners']);
    const phoenix = await graphFetch(run, t.access_token, '/sites/contoso.sharepoint.com:/sites/phoenix');
    expect(phoenix.status).toBe(403);
  });

  it("signing in through 'common' yields a Fabrikam token that Contoso's SharePoint refuses with 401", async () => {
    const page = await fetch(authorizeUrl(run, { tenant: 'common', challenge: pkcePair().challenge }));
    expect(buttonNames(await page.text())).toContain('gina@fabrikam.com');
    const t = await signIn(run, 'gina@fabrikam.com', { tenant: 'common' });
    expect(claims(t.access_token)['tid']).not.toBe(CONTOSO_TENANT);
    const res = await graphFetch(run, t.access_token, '/sites/contoso.sharepoint.com:/sites/partners');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });
});

describe('access token lifetime', () => {
  it('an expired access token gets 401 InvalidAuthenticationToken', async () => {
    const t = await signIn(run, 'alice@contoso.com');
    run.clock.offsetMs = 3601_000;
    try {
      const res = await graphFetch(run, t.access_token, '/me');
      expect(res.status).toBe(401);
      const body = await res.json() as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' });
    } finally {
      run.clock.offsetMs = 0;
    }
  });

  it('with a 1 s lifetime the token dies on the real clock too', async () => {
    const short = await startEmulator({ accessTokenLifetimeSeconds: 1 });
    try {
      const t = await signIn(short, 'alice@contoso.com');
      expect(t.expires_in).toBe(1);
      expect((await graphFetch(short, t.access_token, '/me')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2100));
      expect((await graphFetch(short, t.access_token, '/me')).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('reset() forgets issued tokens', async () => {
    const other = await startEmulator();
    try {
      const t = await signIn(other, 'alice@contoso.com');
      other.emu.reset();
      expect((await graphFetch(other, t.access_token, '/me')).status).toBe(401);
      expect((await tokenRequest(other, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: t.refresh_token ?? '' })).status).toBe(400);
    } finally {
      await other.close();
    }
  });
});
