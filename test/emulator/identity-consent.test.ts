import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authorizeUrl, buttonNames, clickButton, CONTOSO_TENANT, pkcePair, type Running, startEmulator, tokenRequest,
} from './support';

// The app as Contoso's admin registered it in the demo fixture: the local host's Forge variables.
const APP = '6f2b8c1e-4d3a-4b7f-9e21-0c5d7a9b3f10';
const APP_NAME = 'Microsoft 365 for Jira and Confluence';
const SECRET = 'local-demo-secret-not-for-production';
const TODAY = 'openid profile email offline_access User.Read Sites.Read.All Files.Read.All';
const FABRIKAM_TENANT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

let run: Running;
let callback: string;
beforeAll(async () => {
  run = await startEmulator({ adminConsent: false });
  callback = `${run.origin}/x1/ms-oauth-callback`;
});
afterAll(async () => { await run.close(); });
beforeEach(() => { run.emu.reset(); });

const claims = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** The app's authorize URL, opened; then the person picks their account. What comes back: a prompt, or a redirect. */
const signInAs = async (email: string, p: { scope: string; tenant?: string; challenge?: string; redirectUri?: string }) => {
  const picker = await fetch(authorizeUrl(run, {
    clientId: APP, redirectUri: p.redirectUri ?? callback, scope: p.scope, challenge: p.challenge ?? pkcePair().challenge,
    ...(p.tenant !== undefined ? { tenant: p.tenant } : {}),
  }));
  expect(picker.status).toBe(200);
  return clickButton(await picker.text(), email);
};

const location = (res: Response): URL => {
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
};

/** Sign-in → (prompt → Accept, if any) → code → tokens. */
const tokensFor = async (email: string, scope: string, tenant?: string) => {
  const { verifier, challenge } = pkcePair();
  let res = await signInAs(email, { scope, challenge, ...(tenant !== undefined ? { tenant } : {}) });
  if (res.status === 200) res = await clickButton(await res.text(), 'Accept');
  const code = location(res).searchParams.get('code') ?? '';
  const token = await tokenRequest(run, {
    grant_type: 'authorization_code', client_id: APP, client_secret: SECRET, code, redirect_uri: callback, code_verifier: verifier,
  }, tenant);
  expect(token.status).toBe(200);
  return token.json() as Promise<{ access_token: string; refresh_token: string; scope: string }>;
};

const adminConsentUrl = (p: { scope: string; tenant?: string; redirectUri?: string; clientId?: string }): string =>
  `${run.origin}/login/${p.tenant ?? 'contoso.com'}/v2.0/adminconsent?${new URLSearchParams({
    client_id: p.clientId ?? APP, scope: p.scope, redirect_uri: p.redirectUri ?? callback, state: 'admin-state',
  }).toString()}`;

/** The admin consent endpoint → pick the account → what the page offers next. */
const adminConsentAs = async (email: string, scope: string): Promise<Response> => {
  const picker = await fetch(adminConsentUrl({ scope }));
  expect(picker.status).toBe(200);
  return clickButton(await picker.text(), email);
};

describe("user consent under Contoso's Microsoft-managed policy", () => {
  it('names the app, not its client id, on the sign-in page', async () => {
    const picker = await (await fetch(authorizeUrl(run, { clientId: APP, redirectUri: callback, challenge: pkcePair().challenge, scope: TODAY }))).text();
    expect(picker).toContain(`to continue to ${APP_NAME}`);
    expect(picker).not.toContain(APP);
  });

  it('asks Bob only for the sign-in scopes, since the admin granted the SharePoint ones, and never again', async () => {
    const prompt = await signInAs('bob@contoso.com', { scope: TODAY });
    const html = await prompt.text();
    expect(html).toContain(APP_NAME);
    expect(html).toContain('Maintain access to data you have given it access to');
    expect(html).not.toContain('Sites.Read.All');
    expect(buttonNames(html)).toEqual(['Cancel', 'Accept']);
    expect(location(await clickButton(html, 'Accept')).searchParams.get('code')).toBeTruthy();

    const again = await signInAs('bob@contoso.com', { scope: TODAY });
    expect(location(again).searchParams.get('code')).toBeTruthy();
  });

  it('stops Bob at "Need admin approval" for Mail.Read: a page, and returning brings no code', async () => {
    const page = await signInAs('bob@contoso.com', { scope: `${TODAY} Mail.Read` });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Need admin approval');
    expect(html).toContain(`${APP_NAME} needs permission to access resources in your organization that only an admin can grant.`);
    expect(html).toContain('AADSTS90094');
    expect(buttonNames(html)).toEqual([
      'Have an admin account? Sign in with that account', 'Return to the application without granting consent',
    ]);
    const back = location(await clickButton(html, 'Return to the application without granting consent'));
    expect(back.origin + back.pathname).toBe(callback);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_subcode')).toBe('cancel');
    expect(back.searchParams.get('state')).toBe('state-123');
    expect(back.searchParams.get('code')).toBeNull();
    expect(run.emu.consents().filter((g) => g.consentType === 'Principal')).toEqual([]);
  });

  it('lets Bob through once Alice grants Mail.Read for Contoso, and his older refresh token then reaches it', async () => {
    const before = await tokensFor('bob@contoso.com', TODAY);
    expect(await (await signInAs('bob@contoso.com', { scope: `${TODAY} Mail.Read` })).text()).toContain('Need admin approval');
    const refused = await tokenRequest(run, {
      grant_type: 'refresh_token', client_id: APP, client_secret: SECRET, refresh_token: before.refresh_token, scope: 'Mail.Read',
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant', error_codes: [65001] });

    const consentPage = await adminConsentAs('alice@contoso.com', 'https://graph.microsoft.com/Mail.Read');
    const html = await consentPage.text();
    expect(html).toContain('Accept for your organization');
    expect(html).toContain('Read your mail');
    const back = location(await clickButton(html, 'Accept'));
    expect(back.origin + back.pathname).toBe(callback);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      admin_consent: 'True', tenant: CONTOSO_TENANT, scope: 'https://graph.microsoft.com/Mail.Read', state: 'admin-state',
    });

    const refreshed = await tokenRequest(run, {
      grant_type: 'refresh_token', client_id: APP, client_secret: SECRET, refresh_token: before.refresh_token, scope: 'Mail.Read',
    });
    expect(refreshed.status).toBe(200);
    expect(claims((await refreshed.json() as { access_token: string }).access_token)['scp']).toBe('Mail.Read');

    const after = await signInAs('bob@contoso.com', { scope: `${TODAY} Mail.Read` });
    expect(location(after).searchParams.get('code')).toBeTruthy();
  });

  it('offers an administrator the prompt instead, with "Consent on behalf of your organization"', async () => {
    const blocked = await signInAs('bob@contoso.com', { scope: `${TODAY} Calendars.Read` });
    const picker = await clickButton(await blocked.text(), 'Have an admin account? Sign in with that account');
    const prompt = await (await clickButton(await picker.text(), 'alice@contoso.com')).text();
    expect(prompt).toContain('Consent on behalf of your organization');
    expect(prompt).toContain('Read your calendars');
    expect(location(await clickButton(prompt, 'Accept')).searchParams.get('code')).toBeTruthy();
    // Unticked: Alice consented for herself only, so Bob is still stopped.
    expect((await signInAs('bob@contoso.com', { scope: `${TODAY} Calendars.Read` })).status).toBe(200);

    const again = await (await signInAs('alice@contoso.com', { scope: `${TODAY} Chat.Read` })).text();
    location(await clickButton(again, 'Accept', ['for_organization']));
    expect(run.emu.consents()).toContainEqual(expect.objectContaining({
      tenantId: CONTOSO_TENANT, clientId: APP, consentType: 'AllPrincipals', scopes: expect.arrayContaining(['Chat.Read']),
    }));
    const bob = await (await signInAs('bob@contoso.com', { scope: `${TODAY} Chat.Read` })).text();
    expect(bob).not.toContain('Need admin approval');
  });
});

describe("user consent under Fabrikam's allow-user-consent setting", () => {
  it('lets Gina consent to Mail.Read herself through organizations, which puts the app in Fabrikam', async () => {
    const tokens = await tokensFor('gina@fabrikam.com', 'openid offline_access Mail.Read', 'organizations');
    expect(claims(tokens.access_token)).toMatchObject({ tid: FABRIKAM_TENANT, scp: 'Mail.Read' });
    expect(run.emu.consents()).toContainEqual(expect.objectContaining({
      tenantId: FABRIKAM_TENANT, clientId: APP, consentType: 'Principal', principalId: '91a00000-4444-4ddd-8ddd-000000000004',
    }));
  });

  it('still stops her at a permission only an admin can grant (User.Read.All)', async () => {
    const page = await (await signInAs('gina@fabrikam.com', { scope: 'openid User.Read.All', tenant: 'organizations' })).text();
    expect(page).toContain('Need admin approval');
  });
});

describe('the admin consent endpoint', () => {
  it('stops Bob, who is no administrator, and grants nothing', async () => {
    const page = await adminConsentAs('bob@contoso.com', 'https://graph.microsoft.com/Mail.Read');
    const html = await page.text();
    expect(html).toContain('Need admin approval');
    const back = location(await clickButton(html, 'Return to the application without granting consent'));
    expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'access_denied', error_subcode: 'cancel', state: 'admin-state' });
    expect(run.emu.consents().some((g) => g.scopes.includes('Mail.Read'))).toBe(false);
  });

  it("answers the admin's Cancel as the v2 endpoint documents it", async () => {
    const page = await adminConsentAs('alice@contoso.com', 'https://graph.microsoft.com/Mail.Read');
    const back = location(await clickButton(await page.text(), 'Cancel'));
    expect(back.searchParams.get('error')).toBe('consent_required');
    expect(back.searchParams.get('error_description')).toMatch(/^AADSTS65004: /);
    expect(back.searchParams.get('admin_consent')).toBe('True');
    expect(back.searchParams.get('state')).toBe('admin-state');
    expect(back.searchParams.get('tenant')).toBeNull();
  });

  it('refuses an unregistered redirect URI and an unknown client with a page, never redirecting', async () => {
    const stray = await fetch(adminConsentUrl({ scope: 'User.Read', redirectUri: 'https://evil.example/consent' }), { redirect: 'manual' });
    expect(stray.status).toBe(400);
    expect(stray.headers.get('location')).toBeNull();
    expect(await stray.text()).toContain('AADSTS50011');
    const unknown = await fetch(adminConsentUrl({ scope: 'User.Read', clientId: '00000000-0000-4000-8000-000000000000' }), { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('AADSTS700016');
  });

  it('reset() forgets consents given since start, keeping the fixture’s', async () => {
    location(await clickButton(await (await adminConsentAs('alice@contoso.com', 'Mail.Read')).text(), 'Accept'));
    run.emu.reset();
    expect(run.emu.consents()).toEqual([{
      tenantId: CONTOSO_TENANT, clientId: APP, consentType: 'AllPrincipals', scopes: ['User.Read', 'Sites.Read.All', 'Files.Read.All'], appRoles: [],
    }]);
  });
});

describe('redirect URIs are a registered list', () => {
  it('refuses a second installation’s callback until an admin registers it (AADSTS50011, no redirect)', async () => {
    const other = `${run.origin}/x1/another-installation/ms-oauth-callback`;
    const url = authorizeUrl(run, { clientId: APP, redirectUri: other, scope: TODAY, challenge: pkcePair().challenge });
    const refused = await fetch(url, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.text()).toContain(`AADSTS50011: The redirect URI &#39;${other}&#39; specified in the request does not match`);

    expect(run.emu.registerRedirectUri(APP, other)).toBe(true);
    expect((await fetch(url)).status).toBe(200);
    run.emu.reset();
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(400);
  });
});
