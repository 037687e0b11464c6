import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';

/**
 * Production has no default user: a browser without an Atlassian session is an anonymous visitor
 * (access-to-forge-apps-for-unlicensed-users). The host does the same — no `forge_local_as` cookie,
 * nobody logged in — and says so on every product page, with the demo accounts to log in as.
 */
describe('local Forge host: nobody is logged in without a session', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app') });
  }, 120_000);
  afterAll(() => host?.stop());

  const get = async (path: string, cookie?: string) => {
    const res = await fetch(`${host.origin}${path}`, cookie ? { headers: { cookie } } : {});
    return { status: res.status, html: await res.text() };
  };
  const invoke = async (moduleKey: string, functionKey: string, cookie?: string): Promise<any> =>
    (await fetch(`${host.origin}/__host/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ moduleKey, functionKey, payload: {}, extension: {} }),
    })).json();

  it('shows the start page to a visitor without a cookie as to an anonymous one: the banner with each demo account, nothing private', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<option value="anonymous" selected>Anonymous visitor</option>');
    expect(page.html).toMatch(/<aside class="login-banner" aria-label="Not logged in"><strong>You are not logged in<\/strong> — log in as <a href="\?as=alice">Alice Adams \(site admin\)<\/a>, <a href="\?as=bob">Bob Brown<\/a>, <a href="\?as=carol">Carol Chen<\/a> or <a href="\?as=gina">Gina Guest<\/a>\.<\/aside>/);
    expect(page.html).not.toContain('/browse/DEMO-1');
    expect(page.html).not.toContain('/pages/65601');
    expect(page.html).not.toContain('Apps settings');
    expect(page.html).toContain('/wiki/spaces/PUBSPACE/pages/65602');
  });

  it('drops the banner once a demo account is chosen, and keeps that user on later requests', async () => {
    const res = await fetch(`${host.origin}/browse/PUB-1?as=bob`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toBe('forge_local_as=bob');
    expect(await res.text()).not.toContain('login-banner');
    const later = await get('/', cookie);
    expect(later.html).not.toContain('login-banner');
    expect(later.html).toContain('/browse/DEMO-1');
  });

  it('refuses an invoke without a cookie as it refuses an anonymous visitor, and runs a module open to anonymous users as anonymous', async () => {
    const before = (await host.state()).stats.host.resolverInvocations;
    expect(await invoke('probe-panel', 'whoami')).toEqual({ ok: false, error: { name: 'FORBIDDEN', message: 'This app is not available to anonymous users here.' } });
    expect((await host.state()).stats.host.resolverInvocations).toBe(before);
    expect((await invoke('probe-public-macro', 'whoami')).value).toEqual({ accountId: 'unidentified', accountType: 'anonymous' });
    expect((await invoke('probe-panel', 'whoami', 'forge_local_as=alice')).value).toEqual({ accountId: '557058:a11ce000-0000-4000-8000-000000000001', accountType: 'licensed' });
  });

  it('treats a cookie naming nobody as no session', async () => {
    expect((await invoke('probe-public-macro', 'whoami', 'forge_local_as=mallory')).value).toEqual({ accountId: 'unidentified', accountType: 'anonymous' });
    expect((await get('/', 'forge_local_as=mallory')).html).toContain('You are not logged in');
  });

  it('lists only accounts that can still log in: a closed one is left out of the banner', async () => {
    expect((await host.control('accounts/close', { user: 'carol' })).status).toBe(200);
    const page = await get('/browse/PUB-1');
    expect(page.html).toContain('You are not logged in');
    expect(page.html).not.toContain('<a href="?as=carol">');
    expect(page.html).toContain('<a href="?as=bob">Bob Brown</a> or <a href="?as=gina">Gina Guest</a>.');
  });
});
