import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { consentInNewTab } from '../support/microsoft';
import { settingsPages } from '../../dev/host/pages/products';

// The admin's per-kind rules and the Public maximum, as people meet them in Chromium: Alice (a site admin)
// switches Teams chats off on the settings page and the issue panel stops offering them; she shares a
// calendar with an end date; with Public shares limited to 7 days the date is prefilled and capped.

const ISSUE = '/browse/DEMO-1';

describe('sharing rules per kind and end dates in every picker (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;

  const panelOf = (p: Page): FrameLocator => p.frameLocator('iframe[title="Microsoft 365"]');
  const adminFrame = (p: Page): FrameLocator => p.frameLocator('iframe[title="Microsoft 365 settings"]');
  const adminUrl = () => {
    const page = settingsPages(host.manifest).find((p) => p.module.key === 'm365-jira-admin');
    if (!page) throw new Error('The host gives the Jira admin page no URL');
    return `${host.origin}${page.url}?as=alice`;
  };
  /** The day `days` from now as the browser's date input and the panel write it. */
  const dayIn = (p: Page, days: number) =>
    p.evaluate((n) => {
      const now = new Date();
      const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + n);
      return { ymd: `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`, words: d.toLocaleDateString(undefined, { dateStyle: 'medium' }) };
    }, days);

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
    const context = await browser.newContext();
    contexts.push(context);
    alice = await context.newPage();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await host?.stop();
  });

  it('Alice shares a calendar with an end date, and the shared item says when it ends', async () => {
    await alice.goto(`${host.origin}${ISSUE}?as=alice`);
    const panel = panelOf(alice);
    await panel.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    await consentInNewTab(alice, panel, 'Connect Microsoft 365');
    await panel.getByText('Signed in as').waitFor();
    await panel.getByRole('button', { name: 'Share calendar, event or chat' }).click();
    await consentInNewTab(alice, panel, 'Allow reading calendars');
    await panel.getByRole('radio', { name: /^Calendar \(default\)/ }).check();
    await panel.getByRole('radio', { name: 'Next 7 days' }).check();
    await panel.getByRole('radio', { name: /^Atlassian users/ }).check();
    const ends = await dayIn(alice, 20);
    await panel.getByLabel('Ends on (optional)').fill(ends.ymd);
    await panel.getByRole('button', { name: 'Share', exact: true }).click();
    const cal = panel.getByRole('article', { name: 'Calendar, next 7 days', exact: true });
    await cal.waitFor();
    await expect.poll(() => cal.locator('.meta').textContent()).toContain(`Ends on ${ends.words}`);
  }, 120_000);

  it('with Public shares limited to 7 days, choosing Public prefills the last allowed day and no later one can be picked', async () => {
    const admin = await alice.context().newPage();
    await admin.goto(adminUrl());
    const defaults = adminFrame(admin).getByRole('region', { name: 'Sharing defaults' });
    await defaults.getByRole('checkbox', { name: /^Public/ }).check();
    // Styled like the other fields, and wide enough for its placeholder (it read "No limi").
    expect(await defaults.getByLabel('Public shares end after at most (days)').evaluate((i) => i.getBoundingClientRect().width)).toBeGreaterThanOrEqual(120);
    await defaults.getByLabel('Public shares end after at most (days)').fill('7');
    await defaults.getByRole('button', { name: 'Save' }).click();
    await defaults.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await admin.close();

    await alice.reload();
    const panel = panelOf(alice);
    await panel.getByRole('button', { name: 'Share calendar, event or chat' }).click();
    await panel.getByRole('radio', { name: /^Calendar \(default\)/ }).check();
    await panel.getByRole('radio', { name: 'This week' }).check();
    const date = panel.getByLabel('Ends on (optional)');
    await expect.poll(() => date.inputValue()).toBe('');
    await panel.getByRole('radio', { name: /^Public/ }).check();
    // The last whole day that ends within 7 days: the server refuses anything later (it ends at that day's midnight).
    const last = await dayIn(alice, 6);
    const limited = panel.getByLabel('Ends on', { exact: true });
    await expect.poll(() => limited.inputValue()).toBe(last.ymd);
    expect(await limited.getAttribute('max')).toBe(last.ymd);
    await panel.getByText('Public shares end within 7 days (set by your admin).').waitFor();
    // Back to Atlassian users: the date the form put in goes again.
    await panel.getByRole('radio', { name: /^Atlassian users/ }).check();
    await expect.poll(() => panel.getByLabel('Ends on (optional)').inputValue()).toBe('');
    await panel.getByRole('radio', { name: /^Public/ }).check();
    await panel.getByRole('button', { name: 'Share', exact: true }).click();
    const shared = panel.getByRole('article', { name: 'Calendar, this week', exact: true });
    await shared.waitFor();
    await expect.poll(() => shared.locator('.meta').textContent()).toContain(`Ends on ${last.words}`);
  }, 120_000);

  it('Alice turns Teams chats off on the settings page, and the panel no longer offers chats', async () => {
    const panel = panelOf(alice);
    await panel.getByRole('button', { name: 'Share calendar, event or chat' }).click();
    await panel.getByRole('radio', { name: 'A Teams chat' }).waitFor();

    const admin = await alice.context().newPage();
    await admin.goto(adminUrl());
    const kinds = adminFrame(admin).getByRole('region', { name: 'Sharing per kind' });
    const chats = kinds.getByRole('switch', { name: 'Share Teams chats' });
    expect(await chats.isChecked()).toBe(true);
    // A rule the server refuses shows its words and changes nothing.
    await kinds.getByRole('checkbox', { name: 'Single events: Private' }).uncheck();
    await kinds.getByRole('checkbox', { name: 'Single events: Atlassian users' }).uncheck();
    await kinds.getByRole('checkbox', { name: 'Single events: Public' }).uncheck();
    await kinds.getByText('Single events: no audience left').waitFor();
    await kinds.getByRole('button', { name: 'Save' }).click();
    await kinds.getByRole('status').filter({ hasText: 'Single events: allow at least one audience.' }).waitFor();
    await kinds.getByRole('checkbox', { name: 'Single events: Private' }).check();
    await chats.uncheck();
    await kinds.getByRole('button', { name: 'Save' }).click();
    await kinds.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    // The Features section shows the same switch off: one setting.
    expect(await adminFrame(admin).getByRole('region', { name: 'Features' }).getByRole('switch', { name: 'Share Teams chats' }).isChecked()).toBe(false);
    await admin.close();

    await alice.reload();
    await panel.getByRole('button', { name: 'Share calendar, event or chat' }).click();
    await panel.getByRole('radio', { name: 'One event or meeting' }).waitFor();
    expect(await panel.getByRole('radio', { name: 'A Teams chat' }).count()).toBe(0);
    // Events now follow their own rule: Private only, picked first.
    await panel.getByRole('radio', { name: 'One event or meeting' }).check();
    await expect.poll(() => panel.getByRole('group', { name: 'Share a calendar, event or chat' }).getByRole('radio', { name: /^Public/ }).count()).toBe(0);
  }, 120_000);
});
