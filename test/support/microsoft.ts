import type { FrameLocator, Page } from 'playwright-core';

/**
 * What a person does to connect: click "Connect Microsoft 365" in `frame`, pick `email` on the
 * emulator's sign-in page in the new tab, then Accept (or Cancel) consent. Returns the tab, left open
 * so a test can read the result page.
 */
export async function signInInNewTab(page: Page, frame: FrameLocator, email: string, consent: 'Accept' | 'Cancel' = 'Accept'): Promise<Page> {
  const [tab] = await Promise.all([page.context().waitForEvent('page'), frame.getByRole('button', { name: 'Connect Microsoft 365' }).click()]);
  await tab.getByRole('button', { name: email }).click();
  await tab.getByRole('button', { name: consent }).click();
  await tab.waitForLoadState();
  return tab;
}

/** Connects as `email` and closes the sign-in tab, as a person does once it says "connected". */
export async function connectInNewTab(page: Page, frame: FrameLocator, email: string): Promise<void> {
  await (await signInInNewTab(page, frame, email)).close();
}
