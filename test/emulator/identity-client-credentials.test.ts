import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MicrosoftFixture } from '../../dev/emulator/microsoft/index';
import { authorizeUrl, clickButton, CONTOSO_TENANT, pkcePair, type Running, startEmulator } from './support';

// "Test connection" on the admin page: the demo registration, asked for an app-only Graph token.
const APP = '6f2b8c1e-4d3a-4b7f-9e21-0c5d7a9b3f10';
const SECRET = 'local-demo-secret-not-for-production';
const EXPIRED_SECRET = 'expired-demo-secret-not-for-production';
const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

let run: Running;
beforeAll(async () => { run = await startEmulator({ adminConsent: false }); });
afterAll(async () => { await run.close(); });
beforeEach(() => { run.emu.reset(); run.clock.offsetMs = 0; });

const claims = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const clientCredentials = (tenant: string, form: Record<string, string> = {}, target: Running = run): Promise<Response> =>
  fetch(`${target.origin}/login/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: APP, client_secret: SECRET, scope: GRAPH_DEFAULT, ...form }),
  });

interface EntraError { error: string; error_description: string; error_codes: number[]; timestamp: string; trace_id: string; correlation_id: string }

/** Status and Entra's error body, checked for the fields every refusal carries. */
const refusal = async (res: Response): Promise<{ status: number; body: EntraError }> => {
  const body = await res.json() as EntraError;
  const code = body.error_codes[0];
  expect(body.error_description.startsWith(`AADSTS${code}: `)).toBe(true);
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
  return { status: res.status, body };
};

describe('client credentials (Test connection)', () => {
  it('issues an app-only Graph token: no scp, no refresh token, the tenant and the app', async () => {
    const res = await clientCredentials('contoso.com');
    expect(res.status).toBe(200);
    const body = await res.json() as Record<string, unknown>;
    expect(body['token_type']).toBe('Bearer');
    expect(body['expires_in']).toBe(3600);
    expect(body['refresh_token']).toBeUndefined();
    expect(body['id_token']).toBeUndefined();
    const token = claims(String(body['access_token']));
    expect(token).toMatchObject({
      aud: 'https://graph.microsoft.com', tid: CONTOSO_TENANT, appid: APP, idtyp: 'app', app_displayname: 'Microsoft 365 for Jira and Confluence',
    });
    expect(token['scp']).toBeUndefined();
    // No application permission is granted, so Entra leaves `roles` out and still issues the token.
    expect(token['roles']).toBeUndefined();
  });

  it('accepts the secret by HTTP Basic too', async () => {
    const res = await fetch(`${run.origin}/login/${CONTOSO_TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${APP}:${SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: GRAPH_DEFAULT }),
    });
    expect(res.status).toBe(200);
  });

  it('refuses a wrong secret: 401 invalid_client, AADSTS7000215', async () => {
    const { status, body } = await refusal(await clientCredentials('contoso.com', { client_secret: 'guess' }));
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });

  it('refuses the expired secret: 401 invalid_client, AADSTS7000222', async () => {
    const { status, body } = await refusal(await clientCredentials('contoso.com', { client_secret: EXPIRED_SECRET }));
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000222] });
    expect(body.error_description).toContain(`The provided client secret keys for app '${APP}' are expired.`);
  });

  it('refuses the current secret too once the clock passes its end date', async () => {
    run.clock.offsetMs = 731 * 86_400_000;
    const { body } = await refusal(await clientCredentials('contoso.com'));
    expect(body.error_codes).toEqual([7000222]);
  });

  it('refuses an unknown client id: 400 unauthorized_client, AADSTS700016', async () => {
    const { status, body } = await refusal(await clientCredentials('contoso.com', { client_id: '11111111-2222-4333-8444-555555555555' }));
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    expect(body.error_description).toContain("was not found in the directory 'Contoso'");
  });

  it('refuses the app in a tenant where nobody consented to it, and accepts it once someone there has', async () => {
    const { status, body } = await refusal(await clientCredentials('fabrikam.com'));
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    expect(body.error_description).toContain("was not found in the directory 'Fabrikam'");

    // Gina consents for herself (Fabrikam allows it): that creates the app's service principal there.
    const picker = await fetch(authorizeUrl(run, {
      tenant: 'organizations', clientId: APP, redirectUri: `${run.origin}/x1/ms-oauth-callback`, scope: 'openid User.Read', challenge: pkcePair().challenge,
    }));
    const prompt = await clickButton(await picker.text(), 'gina@fabrikam.com');
    expect((await clickButton(await prompt.text(), 'Accept')).status).toBe(302);
    expect((await clientCredentials('fabrikam.com')).status).toBe(200);
  });

  it('refuses an unknown tenant: 400 invalid_request, AADSTS90002', async () => {
    const { status, body } = await refusal(await clientCredentials('nowhere.example'));
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    expect(body.error_description).toContain("Tenant 'nowhere.example' not found.");
  });

  it('needs a tenant: common is AADSTS9001023, organizations AADSTS50059', async () => {
    const common = await refusal(await clientCredentials('common'));
    expect(common.status).toBe(400);
    expect(common.body).toMatchObject({ error: 'invalid_request', error_codes: [9001023] });
    const organizations = await refusal(await clientCredentials('organizations'));
    expect(organizations.status).toBe(400);
    expect(organizations.body).toMatchObject({ error: 'invalid_request', error_codes: [50059] });
  });

  it('takes only {resource}/.default as scope (AADSTS1002012), and only Graph as resource (AADSTS70011)', async () => {
    const named = await refusal(await clientCredentials('contoso.com', { scope: 'https://graph.microsoft.com/Sites.Read.All' }));
    expect(named.body).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    const other = await refusal(await clientCredentials('contoso.com', { scope: 'https://foo.example/.default' }));
    expect(other.body).toMatchObject({ error: 'invalid_scope', error_codes: [70011] });
  });
});

describe('application permissions and single-tenant registrations', () => {
  const variant = (change: (app: NonNullable<MicrosoftFixture['registrations']>[number]) => void) => (fx: MicrosoftFixture): MicrosoftFixture => {
    const app = fx.registrations?.find((r) => r.clientId === APP);
    if (!app) throw new Error('The demo registration is missing from the fixture');
    change(app);
    return fx;
  };

  it("puts the application permissions Alice granted through /.default into the token's roles", async () => {
    const other = await startEmulator({ adminConsent: false, fixture: variant((app) => { app.applicationPermissions = ['Sites.Read.All']; }) });
    try {
      const q = new URLSearchParams({ client_id: APP, scope: GRAPH_DEFAULT, redirect_uri: `${other.origin}/x1/ms-oauth-callback`, state: 's' });
      const picker = await fetch(`${other.origin}/login/${CONTOSO_TENANT}/v2.0/adminconsent?${q.toString()}`);
      const prompt = await (await clickButton(await picker.text(), 'alice@contoso.com')).text();
      expect(prompt).toContain('Sites.Read.All (application permission)');
      expect((await clickButton(prompt, 'Accept')).status).toBe(302);

      const token = await (await clientCredentials(CONTOSO_TENANT, {}, other)).json() as { access_token: string };
      expect(claims(token.access_token)['roles']).toEqual(['Sites.Read.All']);
      expect(claims(token.access_token)['scp']).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('keeps a single-tenant app out of other tenants (AADSTS700016) and off common (AADSTS50194)', async () => {
    const other = await startEmulator({ adminConsent: false, fixture: variant((app) => { app.signInAudience = 'AzureADMyOrg'; }) });
    try {
      expect((await refusal(await clientCredentials('fabrikam.com', {}, other))).body.error_codes).toEqual([700016]);
      expect((await clientCredentials('contoso.com', {}, other)).status).toBe(200);
      const viaCommon = await fetch(authorizeUrl(other, {
        tenant: 'common', clientId: APP, redirectUri: `${other.origin}/x1/ms-oauth-callback`, challenge: pkcePair().challenge,
      }), { redirect: 'manual' });
      expect(viaCommon.status).toBe(400);
      expect(await viaCommon.text()).toContain('AADSTS50194');
    } finally {
      await other.close();
    }
  });
});

describe('OpenID discovery', () => {
  it("answers a tenant's configuration, and an unknown tenant with 400 AADSTS90002", async () => {
    const ok = await fetch(`${run.origin}/login/contoso.com/v2.0/.well-known/openid-configuration`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      issuer: `${run.origin}/login/${CONTOSO_TENANT}/v2.0`, token_endpoint: `${run.origin}/login/contoso.com/oauth2/v2.0/token`,
    });
    const unknown = await refusal(await fetch(`${run.origin}/login/nowhere.example/v2.0/.well-known/openid-configuration`));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
  });
});
