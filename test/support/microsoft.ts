import type { FrameLocator, Locator, Page } from 'playwright-core';

/**
 * The product page's "you're leaving" confirmation that `router.open`/`navigate` to an external site
 * shows before any tab opens (dev/host/assets/host-bridge.js; Forge docs, custom-ui-bridge/router).
 */
export function leavingDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'You’re leaving this site' });
}

/**
 * What a person does when the app opens another site: `open()` (a click in the app), then Continue on
 * the page's leaving confirmation. Fails if a tab opened before the confirmation was answered, as no
 * tab opens in production until the person continues. Returns the new tab.
 */
export async function continueToSite(page: Page, open: () => Promise<unknown>): Promise<Page> {
  const context = page.context();
  let early: Page | undefined;
  const onPage = (p: Page) => { early ??= p; };
  context.on('page', onPage);
  try {
    await open();
    const dialog = leavingDialog(page);
    await dialog.waitFor();
    if (early) throw new Error(`a tab (${early.url()}) opened before the leaving confirmation was answered`);
    const [tab] = await Promise.all([context.waitForEvent('page'), dialog.getByRole('button', { name: 'Continue' }).click()]);
    await dialog.waitFor({ state: 'hidden' });
    return tab;
  } finally {
    context.off('page', onPage);
  }
}

/**
 * What a person does to connect: click "Connect Microsoft 365" in `frame`, Continue to Microsoft's
 * site, pick `email` on the emulator's sign-in page in the new tab, then Accept (or Cancel) consent.
 * Returns the tab, left open so a test can read the result page.
 */
export async function signInInNewTab(page: Page, frame: FrameLocator, email: string, consent: 'Accept' | 'Cancel' = 'Accept'): Promise<Page> {
  const tab = await continueToSite(page, () => frame.getByRole('button', { name: 'Connect Microsoft 365' }).click());
  await tab.getByRole('button', { name: email }).click();
  await tab.getByRole('button', { name: consent }).click();
  await tab.waitForLoadState();
  return tab;
}

/** Connects as `email` and closes the sign-in tab, as a person does once it says "connected". */
export async function connectInNewTab(page: Page, frame: FrameLocator, email: string): Promise<void> {
  await (await signInInNewTab(page, frame, email)).close();
}

/**
 * What a connected person does when a panel asks for one more permission: click `button` in `frame`,
 * Continue, pick `email` and Accept what Microsoft asks — Microsoft asks only for what is not consented
 * yet, and with nothing to ask it goes straight back — until the tab says "connected".
 */
export async function consentInNewTab(page: Page, frame: FrameLocator, button: string, email = 'alice@contoso.com'): Promise<void> {
  const tab = await continueToSite(page, () => frame.getByRole('button', { name: button }).click());
  await tab.getByRole('button', { name: email }).click();
  await tab.getByRole('button', { name: 'Accept' }).click({ timeout: 8_000 }).catch(() => undefined);
  await tab.locator('h1:has-text("connected")').waitFor();
}
