import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { encodeSharingUrl } from '../../src/core/sharepoint/url';
import { launchChromium, openRecorded } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { connectInNewTab as signInInNewTab } from '../support/microsoft';

const PAGE = '/wiki/spaces/DEMO/pages/65601';
// The "organization" sharing link of dev/fixtures/demo-tenant.json ("sharingLinks"): Specs/Vendor contract.pdf in Phoenix.
const ORG_LINK = 'https://contoso.sharepoint.com/:b:/s/phoenix/EVc0ntrAct0rgL1nkPhx9QBm2dK7wYzN4eR1tUoJ5sGhAw';
const FILE_NAME = 'Vendor contract.pdf';

describe('SharePoint Document macro with a sharing link (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** A fresh browser profile whose every request is recorded (see openRecorded). */
  async function visit(user: string, path = PAGE) {
    const opened = await openRecorded(browser, `${host.origin}${path}${path.includes('?') ? '&' : '?'}as=${user}`);
    contexts.push(opened.context);
    return { ...opened, macro: opened.page.frameLocator('iframe[title="SharePoint Document"]') };
  }
  const graphPaths = (requests: Request[]) =>
    requests.map((r) => new URL(r.url()).pathname).filter((p) => p.startsWith('/graph/'));

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await host?.stop();
  });

  it('an editor pastes an organization sharing link, sees the card, and saves it', async () => {
    const { page, requests } = await visit('alice', `${PAGE}?mode=edit`);
    await page.getByRole('button', { name: 'Insert SharePoint Document' }).click();
    const settings = page.frameLocator('iframe[title="SharePoint Document settings"]');
    const connect = settings.getByRole('button', { name: 'Connect Microsoft 365' });
    const signedIn = settings.getByText('Signed in as Alice Adams');
    await Promise.race([connect.waitFor(), signedIn.waitFor()]);
    if (await connect.isVisible()) await signInInNewTab(page, settings, 'alice@contoso.com');
    await signedIn.waitFor();

    await settings.getByLabel('SharePoint file address or sharing link').fill(ORG_LINK);
    await settings.getByRole('button', { name: 'Find document' }).click();
    await settings.getByRole('heading', { name: FILE_NAME }).waitFor();
    expect(await settings.getByRole('article').textContent()).toContain('by Alice Adams');
    // The core's note for sharing links is shown with the card.
    expect(await settings.locator('section').textContent()).toContain('This is a sharing link to a PDF in the site /sites/phoenix');
    expect(await settings.getByRole('alert').count()).toBe(0);
    // Resolved through Graph's /shares with the documented encoding, not through a path.
    expect(graphPaths(requests)).toContain(`/graph/v1.0/shares/${encodeSharingUrl(ORG_LINK)}/driveItem`);
    // The editor only looks: nothing is granted to her by the look-up.
    const lookUp = requests.find((r) => new URL(r.url()).pathname.startsWith('/graph/v1.0/shares/'));
    expect(lookUp?.headers()['prefer']).toBe('redeemSharingLinkIfNecessary');
    expect(await settings.locator('section').textContent()).toContain('The macro keeps this sharing link');

    await Promise.all([page.waitForEvent('load'), settings.getByRole('button', { name: 'Save' }).click()]);
    const stored = JSON.parse((await page.locator('.macro').first().getAttribute('data-config')) ?? '{}');
    // Ids only: neither the file's name nor its folder goes into the page. The sharing link is kept as Graph's
    // opaque share id (host, site path and the link's token), so that people who can open the file only
    // through the link can view it (src/core/sharepoint/document-access.ts).
    expect(Object.keys(stored).sort()).toEqual(['driveId', 'itemId', 'shareId', 'siteId', 'version']);
    expect(stored).toMatchObject({
      siteId: expect.stringMatching(/^contoso\.sharepoint\.com,8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a,/),
      driveId: expect.stringMatching(/^b!/),
      shareId: encodeSharingUrl(ORG_LINK),
    });
    expect(JSON.stringify(stored)).not.toMatch(/Vendor|Specs|https:/);
    expect(Buffer.from(String(stored.shareId).slice(2), 'base64url').toString()).not.toMatch(/Vendor|Specs/);
  });

  it('the page shows the card of the shared file', async () => {
    const { macro } = await visit('alice');
    await macro.getByRole('heading', { name: FILE_NAME }).waitFor();
    const card = await macro.getByRole('article').textContent();
    expect(card).toContain('by Alice Adams');
    expect(await macro.getByRole('link', { name: 'Open in SharePoint' }).getAttribute('href')).toBe(
      'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Specs/Vendor%20contract.pdf',
    );
  });

  const SHARES_PATH = `/graph/v1.0/shares/${encodeSharingUrl(ORG_LINK)}/driveItem`;

  it('Bob, who can open the file only through the link, views it: the macro redeems the link once, and the preview shows', async () => {
    const { page, macro, requests } = await visit('bob');
    await macro.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    await signInInNewTab(page, macro, 'bob@contoso.com');
    await macro.getByRole('heading', { name: FILE_NAME }).waitFor({ timeout: 20_000 });
    const preview = macro.frameLocator(`iframe[title="Preview of ${FILE_NAME}"]`);
    await expect.poll(() => preview.locator('h1').textContent(), { timeout: 15_000 }).toBe(FILE_NAME);
    // Refused by id first (SharePoint trims the file for him), then one redemption, then the preview by id.
    const redemptions = requests.filter((r) => new URL(r.url()).pathname === SHARES_PATH);
    expect(redemptions).toHaveLength(1);
    expect(redemptions[0]?.headers()['prefer']).toBe('redeemSharingLink');
    expect(graphPaths(requests).filter((p) => /^\/graph\/v1\.0\/drives\/[^/]+\/items\/[^/]+\/preview$/.test(p)).length).toBeGreaterThanOrEqual(2);

    // Durable: the next view reads the file by id like any reader, and asks nothing of the link.
    const again = await visit('bob');
    await again.macro.getByRole('heading', { name: FILE_NAME }).waitFor({ timeout: 20_000 });
    await expect.poll(() => again.macro.frameLocator(`iframe[title="Preview of ${FILE_NAME}"]`).locator('h1').textContent(), { timeout: 15_000 }).toBe(FILE_NAME);
    expect(graphPaths(again.requests)).not.toContain(SHARES_PATH);
  });

  it('a guest the link does not admit sees the no-access state, without the file’s name', async () => {
    const { page, macro, requests } = await visit('gina');
    await signInInNewTab(page, macro, 'gina@fabrikam.com');
    await expect.poll(() => macro.getByRole('alert').textContent(), { timeout: 20_000 }).toBe('You don’t have access to this document in SharePoint.');
    expect(await macro.locator('body').textContent()).not.toContain('Vendor');
    expect(await macro.locator('iframe').count()).toBe(0);
    // The link was tried (and refused by SharePoint), so nothing was granted.
    expect(graphPaths(requests)).toContain(SHARES_PATH);
  });
});
