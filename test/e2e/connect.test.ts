import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { signInInNewTab } from '../support/microsoft';

const ALICE_ID = '557058:a11ce000-0000-4000-8000-000000000001';


describe('connect a Microsoft 365 account (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const control = (path: string, body: unknown) => fetch(`${host.origin}/__emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const state = async () => (await fetch(`${host.origin}/__emulator/state`)).json();
  const panelOf = (p: Page) => p.frameLocator('iframe[title="Microsoft 365"]');

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });
  beforeEach(async () => {
    await context?.close();
    await fetch(`${host.origin}/__emulator/reset`, { method: 'POST' });
    context = await browser.newContext();
    page = await context.newPage();
  });

  it('connects from a Jira issue, shows who is signed in, and signs out', async () => {
    await page.goto(`${host.origin}/browse/DEMO-1?as=alice`);
    const panel = panelOf(page);
    await panel.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();

    const tab = await signInInNewTab(page, panel, 'alice@contoso.com');
    expect(await tab.textContent('h1')).toBe('Microsoft 365 connected');

    // Back in the issue, without a reload: the browser read /me from Graph with a session token.
    await panel.getByText('Signed in as').waitFor();
    expect(await panel.getByRole('status').textContent()).toBe('Signed in as Alice Adams (alice@contoso.com)');

    const s = await state();
    expect(s.storage.secretKeys).toContain(`ms-connection:${ALICE_ID}`);
    expect(JSON.stringify(s)).not.toMatch(/refresh|eyJ/i); // names only, never token values

    await panel.getByRole('button', { name: 'Sign out' }).click();
    await panel.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    expect((await state()).storage.secretKeys).not.toContain(`ms-connection:${ALICE_ID}`);
  });

  it('keeps the access token in sessionStorage where the browser allows it — never localStorage, never the refresh token', async () => {
    const permissive = await launchChromium({ thirdPartyStorage: true });
    try {
      const p = await (await permissive.newContext()).newPage();
      await p.goto(`${host.origin}/browse/DEMO-1?as=alice`);
      await signInInNewTab(p, panelOf(p), 'alice@contoso.com');
      await panelOf(p).getByText('Signed in as').waitFor();
      const frame = p.frames().find((f) => f.url().includes('/__cdn/issue-panel/'))!;
      const storage = await frame.evaluate(() => ({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) }));
      expect(storage.session).toContain('accessToken');
      expect(storage.session).not.toMatch(/refresh/i);
      expect(storage.local).toBe('{}');
      await panelOf(p).getByRole('button', { name: 'Sign out' }).click();
      await panelOf(p).getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
      expect(await frame.evaluate(() => sessionStorage.length)).toBe(0);
    } finally {
      await permissive.close();
    }
  });

  it('connects from the Confluence page byline, as the guest from another tenant', async () => {
    await page.goto(`${host.origin}/wiki/spaces/DEMO/pages/65601?as=gina`);
    await page.getByRole('button', { name: 'Microsoft 365' }).click();
    const panel = panelOf(page);
    await signInInNewTab(page, panel, 'gina@fabrikam.com');
    await panel.getByText('Signed in as').waitFor();
    expect(await panel.getByRole('status').textContent()).toContain('Gina Guest');
  });

  it('shows the Connect button again, with the reason, when Microsoft revoked the sign-in', async () => {
    await page.goto(`${host.origin}/browse/DEMO-1?as=alice`);
    await signInInNewTab(page, panelOf(page), 'alice@contoso.com');
    await panelOf(page).getByText('Signed in as').waitFor();

    await control('revoke', { user: 'alice@contoso.com' });
    // Access tokens outlive a revocation (as at Microsoft) until they expire: move past that.
    await control('clock', { advanceSeconds: 2 * 3600 });
    const fresh = await context.newPage();
    await fresh.goto(`${host.origin}/browse/DEMO-1`);
    const panel = panelOf(fresh);
    await panel.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    expect(await panel.getByRole('alert').textContent()).toContain('expired or was revoked');
  });

  it('replaces an expired access token once, silently', async () => {
    await page.goto(`${host.origin}/browse/DEMO-1?as=alice`);
    await signInInNewTab(page, panelOf(page), 'alice@contoso.com');
    await panelOf(page).getByText('Signed in as').waitFor();
    await control('clock', { advanceSeconds: 2 * 3600 });
    const before = (await state()).stats.microsoft.tokenRequests;
    await page.reload();
    await panelOf(page).getByText('Signed in as Alice Adams').waitFor();
    expect((await state()).stats.microsoft.tokenRequests - before).toBe(1);
  });

  it('stores nothing when the user declines consent', async () => {
    await page.goto(`${host.origin}/browse/DEMO-1?as=bob`);
    const tab = await signInInNewTab(page, panelOf(page), 'bob@contoso.com', 'Cancel');
    expect(await tab.textContent('h1')).toBe('Microsoft 365 was not connected');
    expect(await tab.textContent('main')).toContain('declined');
    expect((await state()).storage.secretKeys.filter((k: string) => k.startsWith('ms-connection:'))).toEqual([]);
  });

  it('refuses a forged or reused sign-in link with a clear page', async () => {
    const forged = await page.goto(`${host.origin}/x1/ms-oauth-callback?code=abc&state=${'A'.repeat(43)}`);
    expect(forged?.status()).toBe(400);
    expect(await page.textContent('main')).toContain('not valid any more');
    const missing = await page.goto(`${host.origin}/x1/ms-oauth-callback?code=abc`);
    expect(missing?.status()).toBe(400);
    expect((await state()).storage.secretKeys.filter((k: string) => k.startsWith('ms-connection:'))).toEqual([]);
  });

  it('shows an anonymous visitor of a public issue the panel (for Public shares), asking them to log in and asking Microsoft nothing', async () => {
    const graph: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/graph/')) graph.push(r.url());
    });
    await page.goto(`${host.origin}/browse/PUB-1?as=anonymous`);
    await panelOf(page).getByText('Log in to Atlassian to connect Microsoft 365.').waitFor();
    expect(await panelOf(page).getByRole('button', { name: 'Connect Microsoft 365' }).count()).toBe(0);
    expect(graph).toEqual([]);
  });

  it('keeps each Atlassian user’s Microsoft session apart in the same browser', async () => {
    await page.goto(`${host.origin}/browse/DEMO-1?as=alice`);
    await signInInNewTab(page, panelOf(page), 'alice@contoso.com');
    await panelOf(page).getByText('Signed in as').waitFor();
    await page.goto(`${host.origin}/browse/DEMO-1?as=bob`);
    await panelOf(page).getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
  });

  it('blocks, by CSP, a browser fetch to a host the manifest does not list, and allows Graph', async () => {
    await page.goto(`${host.origin}/browse/DEMO-1?as=alice`);
    await panelOf(page).getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    const frame = page.frames().find((f) => f.url().includes('/__cdn/issue-panel/'))!;
    const probe = (url: string) =>
      frame.evaluate(
        (u) =>
          new Promise<string>((resolve) => {
            document.addEventListener('securitypolicyviolation', (e) => resolve(`blocked ${e.violatedDirective}`), { once: true });
            fetch(u).then((r) => resolve(`status ${r.status}`), () => setTimeout(() => resolve('failed'), 200));
          }),
        url,
      );
    expect(await probe('https://example.com/exfiltrate')).toBe('blocked connect-src');
    expect(await probe(`${host.microsoftOrigins.graph}/graph/v1.0/me`)).toBe('status 401');
    // SharePoint REST is another host, which the manifest's client fetch list does not name: blocked here as deployed.
    expect(await probe(`${host.microsoftOrigins.sharePoint['contoso.sharepoint.com'] ?? ''}/_api/web`)).toBe('blocked connect-src');
  });
});
