import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { connectInNewTab, continueToSite } from '../support/microsoft';

/** Clicks Connect in `frame` and picks `email` in the sign-in tab; Microsoft asks no consent again once given. */
async function pickAccount(page: Page, frame: FrameLocator, email: string): Promise<Page> {
  const tab = await continueToSite(page, () => frame.getByRole('button', { name: 'Connect Microsoft 365' }).click());
  await tab.getByRole('button', { name: email }).click();
  return tab;
}

// One Microsoft 365 connection for the whole Confluence page: three SharePoint macros and the byline item.
// Connecting or signing out in any of them updates the others within a second, without a reload (the
// bridge's events), each macro asks with one short Connect, and an open sign-in can be cancelled.
// The tests run in order: the first one places the macros the later ones use.

const PAGE = '/wiki/spaces/DEMO/pages/65601';
const ALICE_ID = '557058:a11ce000-0000-4000-8000-000000000001';
const TASKS_URL = 'https://contoso.sharepoint.com/sites/phoenix/Lists/Tasks/AllItems.aspx';
const DOCS_URL = 'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Forms/AllItems.aspx';
const FILE_URL = 'https://contoso.sharepoint.com/sites/phoenix/Shared Documents/Specs/Vendor contract.pdf';

describe('one Microsoft 365 connection for the page (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;

  const lists = (p: Page, n: number): FrameLocator => p.locator('iframe[title="SharePoint List"]').nth(n).contentFrame();
  const doc = (p: Page): FrameLocator => p.locator('iframe[title="SharePoint Document"]').first().contentFrame();
  const macros = (p: Page) => [lists(p, 0), lists(p, 1), doc(p)];
  const byline = (p: Page): FrameLocator => p.frameLocator('iframe[title="Microsoft 365"]');
  const connectButton = (f: FrameLocator) => f.getByRole('button', { name: 'Connect Microsoft 365' });
  /** Shown once connected: the list's table, the document's card. */
  const content = (f: FrameLocator, i: number) => (i < 2 ? f.getByRole('table') : f.getByRole('region', { name: 'SharePoint document' }));
  const secretKeys = async (): Promise<string[]> => (await host.state()).storage.secretKeys;

  /** Marks the page: the mark is gone after a reload. */
  const mark = (p: Page) => p.evaluate(() => ((window as unknown as { __notReloaded?: boolean }).__notReloaded = true));
  const stillMarked = (p: Page) => p.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true);

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('an editor places two SharePoint List macros and a Document macro on the page', async () => {
    await page.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
    const insertList = async (url: string, connect: boolean) => {
      await page.getByRole('button', { name: 'Insert SharePoint List' }).click();
      const f = page.frameLocator('iframe[title="SharePoint List settings"]');
      if (connect) await connectInNewTab(page, f, 'alice@contoso.com');
      await f.getByText('Signed in as Alice Adams').waitFor();
      await f.getByLabel('SharePoint address').fill(url);
      await f.getByRole('button', { name: 'Find' }).click();
      await f.getByRole('group', { name: 'Columns to show' }).waitFor();
      await Promise.all([page.waitForEvent('load'), f.getByRole('button', { name: 'Save' }).click()]);
    };
    await insertList(TASKS_URL, true);
    await insertList(DOCS_URL, false);
    await page.getByRole('button', { name: 'Insert SharePoint Document' }).click();
    const f = page.frameLocator('iframe[title="SharePoint Document settings"]');
    await f.getByText('Signed in as Alice Adams').waitFor();
    await f.getByLabel('SharePoint file address or sharing link').fill(FILE_URL);
    await f.getByRole('button', { name: 'Find document' }).click();
    await f.getByRole('heading', { name: 'Vendor contract.pdf' }).waitFor();
    await Promise.all([page.waitForEvent('load'), f.getByRole('button', { name: 'Save' }).click()]);

    await page.goto(`${host.origin}${PAGE}?as=alice`);
    for (const [i, m] of macros(page).entries()) await content(m, i).waitFor();
  });

  it('signing out in the byline turns every macro to one short Connect, within a second and without a reload', async () => {
    await mark(page);
    await page.getByRole('button', { name: 'Microsoft 365' }).click();
    await byline(page).getByText('Signed in as Alice Adams').waitFor();
    await byline(page).getByRole('button', { name: 'Sign out' }).click();
    await connectButton(byline(page)).waitFor();
    const signedOutAt = Date.now();
    for (const m of macros(page)) await connectButton(m).waitFor({ timeout: 1000 });
    expect(Date.now() - signedOutAt).toBeLessThan(1000);
    expect(await stillMarked(page)).toBe(true);
    expect(await secretKeys()).not.toContain(`ms-connection:${ALICE_ID}`);

    // One call to action per macro, naming what it unlocks, not the byline's general sentence.
    for (const m of macros(page)) {
      expect(await connectButton(m).count()).toBe(1);
      const text = (await m.locator('body').textContent()) ?? '';
      expect(text).toMatch(/^\s*Sign in to Microsoft 365 to see this (list|library|document)\.\s*Connect Microsoft 365\s*$/);
    }
  });

  it('connecting in one macro connects the others and the byline within a second, without a reload', async () => {
    const [first, second, third] = macros(page);
    const tab = await pickAccount(page, first!, 'alice@contoso.com');
    await tab.waitForURL(/oauth-callback/);
    expect(await tab.textContent('h1')).toBe('Microsoft 365 connected');
    await tab.close();
    // The macro that opened the sign-in learns it within its next status check (every 2 s).
    await content(first!, 0).waitFor({ timeout: 10_000 });
    const connectedAt = Date.now();
    await expect.poll(() => connectButton(second!).count(), { timeout: 1000, interval: 50 }).toBe(0);
    await expect.poll(() => connectButton(third!).count(), { timeout: 1000, interval: 50 }).toBe(0);
    await expect.poll(() => byline(page).getByText('Signed in as Alice Adams').count(), { timeout: 1000, interval: 50 }).toBe(1);
    expect(Date.now() - connectedAt).toBeLessThan(1000);
    await content(second!, 1).waitFor();
    await content(third!, 2).waitFor();
    expect(await stillMarked(page)).toBe(true);
    expect(await secretKeys()).toContain(`ms-connection:${ALICE_ID}`);
  });

  it('Cancel while the sign-in tab is open returns to Connect, and finishing it afterwards connects nothing', async () => {
    await byline(page).getByRole('button', { name: 'Sign out' }).click();
    const second = lists(page, 1);
    await connectButton(second).waitFor();

    const tab = await continueToSite(page, () => connectButton(second).click());
    await second.getByText('Finish signing in to Microsoft 365 in the new tab').waitFor();
    await second.getByRole('button', { name: 'Cancel' }).click();
    expect(await second.getByRole('alert').textContent()).toContain('You cancelled the sign-in');
    await connectButton(second).waitFor();

    await tab.getByRole('button', { name: 'alice@contoso.com' }).click();
    await tab.waitForURL(/oauth-callback/);
    expect(await tab.textContent('h1')).toBe('Microsoft 365 was not connected');
    expect(await tab.textContent('main')).toContain('not valid any more');
    expect(await secretKeys()).not.toContain(`ms-connection:${ALICE_ID}`);
    await tab.close();
    await page.waitForTimeout(2500); // a status check's worth: nothing changes
    for (const m of macros(page)) expect(await connectButton(m).count()).toBe(1);
  });

  it('a declined sign-in returns to Connect with the reason, and the tab says what to do next', async () => {
    const third = doc(page);
    // Someone who has not consented yet is asked, and declines.
    const tab = await pickAccount(page, third, 'bob@contoso.com');
    await tab.getByRole('button', { name: 'Cancel' }).click();
    await tab.waitForLoadState();
    expect(await tab.textContent('h1')).toBe('Microsoft 365 was not connected');
    expect(await tab.textContent('main')).toContain('What to do next: Close this tab. Back in Jira or Confluence, press “Connect Microsoft 365” to start again.');
    await tab.close();
    await expect.poll(() => third.getByRole('alert').textContent(), { timeout: 10_000 }).toContain('the permissions were declined');
    await connectButton(third).waitFor();
    expect(await secretKeys()).not.toContain(`ms-connection:${ALICE_ID}`);
  });
});
