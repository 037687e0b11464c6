import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host';

/** The app's own resolvers, invoked through the local host exactly as the Custom UI invokes them. */
describe('account resolvers', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host?.stop());

  it('refuses an anonymous visitor before doing anything', async () => {
    // The issue panel lets anonymous visitors in (for Public shares); they arrive as 'unidentified', which is nobody.
    const r = await host.asUser('anonymous').invoke('m365-issue-panel', 'account/connect');
    expect(r).toEqual({ ok: true, value: { ok: false, error: { code: 'UNAUTHENTICATED', message: 'Log in to Atlassian to use Microsoft 365 here.' } } });
    expect(((await (await fetch(`${host.origin}/__emulator/state`)).json()) as { storage: { secretKeys: string[] } }).storage.secretKeys).toEqual([]);
  });

  it('starts a sign-in for the calling user only, whatever the payload claims', async () => {
    const r = await host.asUser('bob').invoke('m365-issue-panel', 'account/connect', { accountId: '557058:a11ce000-0000-4000-8000-000000000001' });
    const url = new URL(r.value.value.authorizeUrl);
    expect(url.origin + url.pathname).toBe(`${host.microsoftOrigins.login}/login/6e1b4f3c-2d7a-4c5e-9b8f-0a1c2d3e4f50/oauth2/v2.0/authorize`);
    expect(url.searchParams.get('redirect_uri')).toBe(`${host.origin}/x1/ms-oauth-callback`);
    const token = await host.asUser('bob').invoke('m365-issue-panel', 'account/token', { accountId: '557058:a11ce000-0000-4000-8000-000000000001' });
    expect(token.value).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'not_connected' } });
  });

  it('reports storage trouble as a clear error and loses nothing', async () => {
    await fetch(`${host.origin}/__emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kvs: { failNext: [{ status: 500, code: 'INTERNAL_SERVER_ERROR' }] } }) });
    const r = await host.asUser('alice').invoke('m365-issue-panel', 'account/token');
    expect(r.value).toMatchObject({ ok: false, error: { code: 'STORAGE_UNAVAILABLE' } });
    const again = await host.asUser('alice').invoke('m365-issue-panel', 'account/token');
    expect(again.value).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED' } });
  });
});
