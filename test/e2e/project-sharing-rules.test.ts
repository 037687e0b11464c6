import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { consentInNewTab } from '../support/microsoft';
import { projectSettingsUrl } from '../../dev/host/pages/products';

// A project admin's own default audience and shorter Public maximum, in Chromium: Alice (admin of DEMO)
// picks Private first for single mails and limits Public ones to 7 days on the project settings page's
// Sharing tab; a number longer than the site's maximum is refused there and never sent; the rules are
// kept, and the issue panel's Share from Outlook form follows them. The tests run in order.

const DEMO_PROJECT = '10000';
const DEMO_1 = '10001';

type Json = any;

describe('a project’s own default audience and Public maximum (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Every `projectSharing/save` the pages sent, as the host received it. */
  const saves: Json[] = [];

  const invoke = async (user: string, module: string, fn: string, payload: unknown = {}): Promise<Json> => (await host.asUser(user).invoke(module, fn, payload)).value;
  const stored = async (): Promise<Json> => {
    const r = await invoke('alice', 'my-shares', 'projectSharing/get', { projectId: DEMO_PROJECT });
    expect(r.ok).toBe(true);
    return r.value;
  };

  async function open(user: string, path: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (r) => {
      if (!r.url().endsWith('/__host/invoke')) return;
      const body: Json = r.postDataJSON();
      if (body?.functionKey === 'projectSharing/save') saves.push(body.payload);
    });
    await page.goto(`${host.origin}${path}?as=${user}`);
    return page;
  }
  async function sharingTab(p: Page): Promise<FrameLocator> {
    const f = p.frameLocator('iframe[title="Calendar feeds"]');
    await f.getByRole('tab', { name: 'Sharing' }).click();
    await f.getByRole('heading', { name: 'Sharing from Microsoft 365' }).waitFor();
    return f;
  }
  /** The day `days` from now as the browser's date input writes it. */
  const dayIn = (p: Page, days: number) =>
    p.evaluate((n) => {
      const now = new Date();
      const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + n);
      return `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    }, days);

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
    // The site: every audience, Atlassian users first, Public shares at most 30 days.
    const saved = await invoke('alice', 'm365-jira-admin', 'admin/settings/save', { sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'], publicMaxDays: 30 } });
    expect(saved.ok).toBe(true);
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await host?.stop();
  });

  it('Alice picks Private first for single mails and a 7-day Public maximum; a longer one is refused and not sent; both are kept', async () => {
    const p = await open('alice', projectSettingsUrl(host.manifest, 'DEMO'));
    const f = await sharingTab(p);
    const mails = f.getByRole('group', { name: 'Single mails', exact: true });
    const first = mails.getByRole('combobox', { name: 'Single mails: picked first' });
    // What is in force now: the site's default, among the site's audiences.
    await expect.poll(() => first.inputValue()).toBe('atlassian');
    expect(await first.locator('option').allTextContents()).toEqual(['Private', 'Atlassian users', 'Public']);
    await first.selectOption('private');

    // Taking Private away takes it out of the choice, and the site's default is picked again.
    await mails.getByRole('checkbox', { name: 'Single mails: Private' }).uncheck();
    await expect.poll(() => first.locator('option').allTextContents()).toEqual(['Atlassian users', 'Public']);
    expect(await first.inputValue()).toBe('atlassian');
    await mails.getByRole('checkbox', { name: 'Single mails: Private' }).check();
    await expect.poll(() => first.inputValue()).toBe('atlassian');
    await first.selectOption('private');

    const days = mails.getByRole('textbox', { name: 'Single mails: Public shares end within (days)' });
    await mails.getByText('The site allows at most 30 days.').waitFor();
    // Longer than the site allows: refused in words, and Save sends nothing.
    await days.fill('40');
    await mails.getByText('The site allows at most 30 days: enter 30 or fewer, or leave it empty.').waitFor();
    expect(await days.getAttribute('aria-invalid')).toBe('true');
    await f.getByRole('button', { name: 'Save' }).click();
    await f.getByRole('status').filter({ hasText: 'Not saved: the number of days for Single mails cannot be used' }).waitFor();
    for (const bad of ['0', '2.5', '-3']) {
      await days.fill(bad);
      await mails.getByText('Enter a whole number of days, from 1 to 30, or leave it empty.').waitFor();
    }
    await f.getByRole('button', { name: 'Save' }).click();
    await f.getByRole('status').filter({ hasText: 'Not saved' }).waitFor();
    expect(saves).toEqual([]);
    expect((await stored()).project).toEqual({});

    // Without Public there is no Public maximum to set.
    await mails.getByRole('checkbox', { name: 'Single mails: Public' }).uncheck();
    await expect.poll(() => days.count()).toBe(0);
    await mails.getByRole('checkbox', { name: 'Single mails: Public' }).check();
    await days.fill('7');
    await expect.poll(() => days.getAttribute('aria-invalid')).toBe('false');
    await f.getByRole('button', { name: 'Save' }).click();
    await f.getByText('Saved.').waitFor();
    expect(saves).toHaveLength(1);
    expect(saves[0].kinds.mail).toMatchObject({ defaultScope: 'private', publicMaxDays: 7 });
    const view = await stored();
    expect(view.effective.mail).toMatchObject({ defaultScope: 'private', publicMaxDays: 7 });
    // Conversations were left alone: the site's rule.
    expect(view.effective.conversation).toMatchObject({ defaultScope: 'atlassian', publicMaxDays: 30 });

    await p.reload();
    const again = await sharingTab(p);
    const mailsAgain = again.getByRole('group', { name: 'Single mails', exact: true });
    await expect.poll(() => mailsAgain.getByRole('combobox', { name: 'Single mails: picked first' }).inputValue()).toBe('private');
    expect(await mailsAgain.getByRole('textbox', { name: 'Single mails: Public shares end within (days)' }).inputValue()).toBe('7');
    await mailsAgain.getByText('Chosen for this project.').waitFor();
    expect(await again.getByRole('group', { name: 'Whole conversations', exact: true }).getByRole('combobox', { name: 'Whole conversations: picked first' }).inputValue()).toBe('atlassian');
  }, 120_000);

  it('in a DEMO issue, Share from Outlook picks Private first and refuses a Public end date beyond 7 days', async () => {
    // What the panel tells its forms.
    const panelView = await invoke('bob', 'm365-issue-panel', 'sharing/panel', { issueId: DEMO_1 });
    expect(panelView.value.sharing.byKind.mail).toEqual({ allowedScopes: ['private', 'atlassian', 'public'], defaultScope: 'private', publicMaxDays: 7 });
    expect(panelView.value.sharing.byKind.conversation).toMatchObject({ defaultScope: 'atlassian', publicMaxDays: 30 });

    const alice = await open('alice', '/browse/DEMO-1');
    const panel = alice.frameLocator('iframe[title="Microsoft 365"]');
    await panel.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    await consentInNewTab(alice, panel, 'Connect Microsoft 365');
    await panel.getByText('Signed in as').waitFor();
    await panel.getByRole('button', { name: 'Share from Outlook' }).click();
    await consentInNewTab(alice, panel, 'Allow reading mail');
    await panel.getByRole('radio', { name: /^Phoenix kickoff agenda/ }).check();
    expect(await panel.getByRole('radio', { name: 'This mail' }).isChecked()).toBe(true);
    expect(await panel.getByRole('radio', { name: /^Private/ }).isChecked()).toBe(true);

    await panel.getByRole('radio', { name: /^Public/ }).check();
    await panel.getByText('Public shares end within 7 days (set by your admin).').waitFor();
    const ends = panel.getByLabel('Ends on', { exact: true });
    // The last whole day within 7 days is prefilled and is the latest the date field offers.
    const last = await dayIn(alice, 6);
    await expect.poll(() => ends.inputValue()).toBe(last);
    expect(await ends.getAttribute('max')).toBe(last);
    // Typed past it anyway: the server refuses and the form says why; nothing is shared.
    await ends.fill(await dayIn(alice, 10));
    await panel.getByRole('button', { name: 'Share', exact: true }).click();
    await panel.getByRole('alert').filter({ hasText: 'A Public share may last at most 7 days here.' }).waitFor();
    expect(await panel.getByRole('article', { name: 'Phoenix kickoff agenda', exact: true }).count()).toBe(0);
    const mine = await invoke('alice', 'my-shares', 'myShares/list');
    expect(mine.ok).toBe(true);
    expect(mine.value.items).toEqual([]);
  }, 180_000);
});
