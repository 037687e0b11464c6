import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { connectInNewTab, continueToSite, leavingDialog } from '../support/microsoft';
import { settingsPages } from '../../dev/host/pages/products';

// router.open / router.navigate to another site: "the user is prompted before opening the link in a new tab. If
// the user declines to proceed, the returned Promise is rejected. If you're using relative URLs (starts with /),
// the user won't be prompted." (developer.atlassian.com/platform/forge/custom-ui-bridge/router/). The product
// page asks in a modal of its own (dev/host/assets/host-bridge.js); the app must cope with a "no".

const ALICE_ID = '557058:a11ce000-0000-4000-8000-000000000001';
type Win = { __bridge: { callBridge(type: string, payload?: unknown): Promise<unknown> } };

describe('leaving the site through the bridge router (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const panelOf = (p: Page) => p.frameLocator('iframe[title="Microsoft 365"]');
  const connectButton = () => panelOf(page).getByRole('button', { name: 'Connect Microsoft 365' });
  const secretKeys = async (): Promise<string[]> => ((await (await fetch(`${host.origin}/__emulator/state`)).json()) as { storage: { secretKeys: string[] } }).storage.secretKeys;
  /** The issue panel's own window, to call the bridge as @forge/bridge's router does. */
  const panelFrame = async (): Promise<Frame> => {
    const f = await (await page.locator('iframe[title="Microsoft 365"]').elementHandle())?.contentFrame();
    if (!f) throw new Error('no panel frame');
    await f.waitForFunction(() => !!(window as unknown as Win).__bridge);
    return f;
  };
  /** Starts a bridge call in the frame and leaves it pending; `settled()` says how it ended, if it has. */
  const startCall = async (f: Frame, type: string, payload: unknown) => {
    await f.evaluate(([type, payload]) => {
      const w = window as unknown as Win & { __outcome?: string };
      w.__outcome = undefined;
      void w.__bridge.callBridge(type, payload).then(() => { w.__outcome = 'resolved'; }, (e: Error) => { w.__outcome = `rejected ${e.name}`; });
    }, [type, payload] as const);
    return { settled: () => f.evaluate(() => (window as unknown as { __outcome?: string }).__outcome) };
  };

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });
  beforeEach(async () => {
    await context?.close();
    await fetch(`${host.origin}/__emulator/reset`, { method: 'POST' });
    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(`${host.origin}/browse/DEMO-1?as=alice`);
    await connectButton().waitFor();
  });

  it('Connect asks first, naming Microsoft’s sign-in host, with focus on Continue — and no tab opens until then', async () => {
    await connectButton().click();
    const dialog = leavingDialog(page);
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(new URL(host.microsoftOrigins.login).host);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Continue');
    // What the host did before: window.open at once. Now nothing opens while the question is open.
    await page.waitForTimeout(1000);
    expect(context.pages()).toHaveLength(1);

    const [tab] = await Promise.all([context.waitForEvent('page'), dialog.getByRole('button', { name: 'Continue' }).click()]);
    expect(new URL(tab.url()).origin).toBe(host.microsoftOrigins.login);
    await tab.getByRole('button', { name: 'alice@contoso.com' }).click();
    await tab.getByRole('button', { name: 'Accept' }).click();
    await tab.waitForLoadState();
    expect(await tab.textContent('h1')).toBe('Microsoft 365 connected');
    await panelOf(page).getByText('Signed in as Alice Adams').waitFor();
  });

  for (const how of ['Cancel', 'Esc'] as const) {
    it(`${how} declines: no tab, the module is back at Connect with a quiet note, and that sign-in is ended`, async () => {
      // The authorize URL the app was about to open, read off the page's invoke answer.
      const started = page.waitForResponse(async (r) => r.url().endsWith('/__host/invoke') && (await r.text()).includes('authorizeUrl'));
      await connectButton().click();
      const authorizeUrl = ((await (await started).json()) as { value: { value: { authorizeUrl: string } } }).value.value.authorizeUrl;
      const dialog = leavingDialog(page);
      await dialog.waitFor();
      if (how === 'Cancel') await dialog.getByRole('button', { name: 'Cancel' }).click();
      else await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      await connectButton().waitFor();
      // A note, not an alert: nothing went wrong, the person chose to stay.
      expect(await panelOf(page).getByRole('status').filter({ hasText: 'Sign-in was not opened, so nothing changed.' }).count()).toBe(1);
      expect(await panelOf(page).getByRole('alert').count()).toBe(0);
      expect(await panelOf(page).getByText('Finish signing in').count()).toBe(0);
      expect(context.pages()).toHaveLength(1);

      // The app ended the sign-in it did not use: finishing it by hand connects nothing.
      const tab = await context.newPage();
      await tab.goto(authorizeUrl);
      await tab.getByRole('button', { name: 'alice@contoso.com' }).click();
      await tab.getByRole('button', { name: 'Accept' }).click();
      await tab.waitForURL(/oauth-callback/);
      expect(await tab.textContent('h1')).toBe('Microsoft 365 was not connected');
      expect(await secretKeys()).not.toContain(`ms-connection:${ALICE_ID}`);
      await tab.close();

      // And Connect works again, through the same question.
      const again = await continueToSite(page, () => connectButton().click());
      expect(new URL(again.url()).origin).toBe(host.microsoftOrigins.login);
    });
  }

  it('declining the extra permission’s sign-in (Allow reading mail) leaves the panel as it was, with a note', async () => {
    await connectInNewTab(page, panelOf(page), 'alice@contoso.com');
    const panel = panelOf(page);
    await panel.getByText('Signed in as Alice Adams').waitFor();
    await panel.getByRole('button', { name: 'Share from Outlook' }).click();
    await panel.getByRole('button', { name: 'Allow reading mail' }).click();
    await leavingDialog(page).waitFor();
    await page.keyboard.press('Escape');
    await panel.getByText('Sign-in was not opened, so nothing changed.').waitFor();
    expect(await panel.getByText('Finish signing in').count()).toBe(0);
    expect(context.pages()).toHaveLength(1);
    // Still signed in, and the permission can be asked again.
    expect(await panel.getByText('Signed in as Alice Adams').count()).toBe(1);
    const tab = await continueToSite(page, () => panel.getByRole('button', { name: 'Allow reading mail' }).click());
    expect(new URL(tab.url()).origin).toBe(host.microsoftOrigins.login);
    // Declined at Microsoft's consent page this time: the panel stops waiting and says why, as Connect does.
    await tab.getByRole('button', { name: 'alice@contoso.com' }).click();
    await tab.getByRole('button', { name: 'Cancel' }).click();
    await tab.waitForLoadState();
    await tab.close();
    await expect.poll(() => panel.getByRole('status').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining('the permissions were declined'));
    expect(await panel.getByText('Finish signing in').count()).toBe(0);
  });

  it('an admin who declines Microsoft’s approval page is told so quietly and can approve again', async () => {
    const admin = settingsPages(host.manifest).find((p) => p.module.key === 'm365-jira-admin');
    if (!admin) throw new Error('no Jira admin page');
    await page.goto(`${host.origin}${admin.url}?as=alice`);
    const f = page.frameLocator('iframe[title="Microsoft 365 settings"]');
    const approve = f.getByRole('button', { name: 'Approve for the organisation' }).first();
    await approve.click();
    const dialog = leavingDialog(page);
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const note = f.getByRole('status').filter({ hasText: 'Microsoft’s approval page was not opened.' });
    await note.waitFor();
    expect(await note.getAttribute('class')).not.toContain('error');
    expect(await f.getByRole('alert').count()).toBe(0);
    expect(context.pages()).toHaveLength(1);

    const tab = await continueToSite(page, () => approve.click());
    expect(new URL(tab.url()).origin).toBe(host.microsoftOrigins.login);
    await f.getByText('Approve the permissions in the new tab').waitFor();
  });

  it('the bridge: a relative URL opens without asking; any absolute one asks, and a "no" rejects the call', async () => {
    const f = await panelFrame();

    // Relative: no question, a new tab on this site.
    const [same] = await Promise.all([context.waitForEvent('page'), f.evaluate(() => (window as unknown as Win).__bridge.callBridge('navigate', { url: '/browse/DEMO-2', type: 'new-tab' }))]);
    expect(new URL(same.url()).pathname).toBe('/browse/DEMO-2');
    expect(await leavingDialog(page).isVisible()).toBe(false);
    await same.close();

    // External, declined: the promise rejects and nothing opens.
    const declined = await startCall(f, 'navigate', { url: 'https://example.com/a', type: 'new-tab' });
    await leavingDialog(page).waitFor();
    expect(await leavingDialog(page).textContent()).toContain('example.com');
    expect(await declined.settled()).toBeUndefined(); // still waiting for the person
    await leavingDialog(page).getByRole('button', { name: 'Cancel' }).click();
    await f.waitForFunction(() => (window as unknown as { __outcome?: string }).__outcome !== undefined);
    expect(await declined.settled()).toBe('rejected BridgeAPIError');
    expect(context.pages()).toHaveLength(1);

    // Stricter than the docs promise: an absolute URL asks even for this site, and `//host` is absolute.
    for (const url of [`${host.origin}/browse/DEMO-2`, '//example.org/x']) {
      const call = await startCall(f, 'navigate', { url, type: 'new-tab' });
      await leavingDialog(page).waitFor();
      await page.keyboard.press('Escape');
      await f.waitForFunction(() => (window as unknown as { __outcome?: string }).__outcome !== undefined);
      expect(await call.settled()).toBe('rejected BridgeAPIError');
    }

    // A same-tab navigate to another site also asks, then opens a new tab and leaves the product page alone
    // ("prompted before opening the link in a new tab").
    const here = page.url();
    const onward = await startCall(f, 'navigate', { url: 'https://contoso.sharepoint.com/sites/phoenix', type: 'same-tab' });
    const [tab] = await Promise.all([context.waitForEvent('page'), leavingDialog(page).getByRole('button', { name: 'Continue' }).click()]);
    await f.waitForFunction(() => (window as unknown as { __outcome?: string }).__outcome !== undefined);
    expect(await onward.settled()).toBe('resolved');
    // Microsoft's production origin reaches its local stand-in (reachable(url)), as before.
    expect(new URL(tab.url()).origin).toBe(host.microsoftOrigins.sharePoint['contoso.sharepoint.com']);
    expect(page.url()).toBe(here);
  });

  it('is drawn in the product’s design tokens, light and dark', async () => {
    const f = await panelFrame();
    const colours = async () => {
      await startCall(f, 'navigate', { url: 'https://example.com/', type: 'new-tab' });
      const dialog = leavingDialog(page);
      await dialog.waitFor();
      const c = await dialog.evaluate((d) => {
        const token = getComputedStyle(document.documentElement).getPropertyValue('--ds-surface-overlay').trim();
        const probe = document.createElement('div');
        probe.style.color = token;
        document.body.append(probe);
        const expected = getComputedStyle(probe).color;
        probe.remove();
        return { background: getComputedStyle(d).backgroundColor, expected, token };
      });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      return c;
    };
    const light = await colours();
    expect(light.token).not.toBe('');
    expect(light.background).toBe(light.expected);
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await page.waitForFunction((light) => getComputedStyle(document.documentElement).getPropertyValue('--ds-surface-overlay').trim() !== light, light.token);
    const dark = await colours();
    expect(dark.background).toBe(dark.expected);
    expect(dark.background).not.toBe(light.background);
  });
});
