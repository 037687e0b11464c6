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

    await Promise.all([page.waitForEvent('load'), settings.getByRole('button', { name: 'Save' }).click()]);
    const stored = JSON.parse((await page.locator('.macro').first().getAttribute('data-config')) ?? '{}');
    // Ids only: neither the file's name nor its address (nor the sharing link) goes into the page.
    expect(Object.keys(stored).sort()).toEqual(['driveId', 'itemId', 'siteId', 'version']);
    expect(stored).toMatchObject({
      siteId: expect.stringMatching(/^contoso\.sharepoint\.com,8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a,/),
      driveId: expect.stringMatching(/^b!/),
    });
    expect(JSON.stringify(stored)).not.toMatch(/Vendor|Specs|https:/);
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
});
