import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { clickButton } from '../emulator/support';
import { projectSettingsUrl } from '../../dev/host/pages/products';
import { appUuid } from '../../dev/host/manifest';
import { LOCAL_ENVIRONMENT } from '../../dev/host/installation';

// Keeping shares under control, in Chromium: a project admin narrows Public away, a share ends on its
// date, a hand-over is accepted and another refused, and My shares removes everything. The tests run in
// order. Shares are made through the resolvers (the issue panel's own flow is tested in sharing.test.ts).

const DEMO_1 = '10001';
const DEMO_2 = '10002';
const DAY = 86_400;
type Json = any;

describe('My shares, expiry, hand-over and project rules (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const invoke = async (user: string, fn: string, payload: unknown = {}, module = 'm365-issue-panel'): Promise<Json> => (await host.asUser(user).invoke(module, fn, payload)).value;
  const mailbox = async (user: string): Promise<Json[]> => ((await (await fetch(`${host.origin}/__emulator/mail?user=${user}`)).json())).messages;
  const clockNow = async () => Date.parse(((await (await fetch(`${host.origin}/__emulator/clock`)).json())).now);

  async function connect(user: string, email: string, feature = 'share.mail', module = 'm365-issue-panel'): Promise<void> {
    const start = await invoke(user, 'account/connect', { feature }, module);
    const picked = await clickButton(await (await fetch(start.value.authorizeUrl as string)).text(), email);
    const done = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
    await (await fetch(done.headers.get('location') ?? '')).text();
  }

  async function open(user: string, path: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${host.origin}${path}?as=${user}`);
    return page;
  }
  const myShares = (user: string) => open(user, `/jira/settings/personal/apps/${appUuid(host.manifest)}/${LOCAL_ENVIRONMENT.id}`);
  const frame = (p: Page): FrameLocator => p.frameLocator('iframe[title="Microsoft 365 shares"]');
  const share = async (issueId: string, key: string, scope = 'atlassian') => {
    const m = (await mailbox('alice')).find((x) => x.key === key);
    const r = await invoke('alice', 'sharing/create', { issueId, kind: 'mail', messageId: m.immutableId, scope });
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r.value.shareId as string;
  };

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
    await invoke('alice', 'admin/settings/save', { sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] } }, 'm365-jira-admin');
    await connect('alice', 'alice@contoso.com');
    // Contoso needs an admin's approval for Mail.Read before Bob and Carol may grant it.
    const start = await invoke('alice', 'admin/consent/start', { feature: 'share.mail' }, 'm365-jira-admin');
    const picked = await clickButton(await (await fetch(start.value.url as string)).text(), 'alice@contoso.com');
    const approved = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
    await fetch(approved.headers.get('location') ?? '');
    await connect('bob', 'bob@contoso.com');
    await connect('carol', 'carol@contoso.com');
  }, 120_000);

  /** Alice approves a feature's permissions for the organisation (Contoso needs an admin for them). */
  async function approve(feature: string): Promise<void> {
    const start = await invoke('alice', 'admin/consent/start', { feature }, 'm365-jira-admin');
    const picked = await clickButton(await (await fetch(start.value.url as string)).text(), 'alice@contoso.com');
    const approved = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
    await fetch(approved.headers.get('location') ?? '');
  }
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await host?.stop();
  });

  it('a project admin narrows Public away for single mails in her project, and Public can no longer be chosen there', async () => {
    const kickoff = await share(DEMO_1, 'a1', 'public');
    const p = await open('alice', projectSettingsUrl(host.manifest, 'DEMO'));
    const f = p.frameLocator('iframe[title="Calendar feeds"]');
    await f.getByRole('tab', { name: 'Sharing' }).click();
    const mails = f.getByRole('group', { name: 'Single mails' });
    await mails.getByRole('checkbox', { name: 'Single mails: Public' }).uncheck();
    await f.getByRole('button', { name: 'Save' }).click();
    await f.getByText('Saved.').waitFor();
    // Bob is no project admin: the server refuses him, whatever he sends.
    expect(await invoke('bob', 'projectSharing/save', { projectId: '10000', kinds: {} }, 'my-shares')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const m = await myShares('alice');
    const row = frame(m).getByRole('row').filter({ hasText: 'DEMO-1' });
    await row.waitFor();
    // One heading for the page: Jira's, with the module's title; the app adds none of its own.
    expect(await m.getByRole('heading', { name: 'Microsoft 365 shares' }).count()).toBe(1);
    expect(await frame(m).getByRole('heading', { name: 'Microsoft 365 shares' }).count()).toBe(0);
    const audience = row.getByRole('combobox', { name: 'Who can see it' });
    await expect.poll(() => audience.inputValue()).toBe('atlassian');
    expect(await audience.locator('option').allTextContents()).toEqual(['Private (only you)', 'Atlassian users']);
    await row.getByText('the rules here allow less').waitFor();
    expect(await invoke('alice', 'sharing/create', { issueId: DEMO_1, kind: 'mail', messageId: (await mailbox('alice')).find((x) => x.key === 'a3').immutableId, scope: 'public' })).toMatchObject({ ok: false, error: { reason: 'scope_not_allowed' } });
    expect(kickoff).toBeTruthy();
  });

  it('a share ends on the date its sharer picked: shown as ended, then gone after the hourly run', async () => {
    await share(DEMO_2, 'a5');
    const m = await myShares('alice');
    const row = frame(m).getByRole('row').filter({ hasText: 'DEMO-2' });
    const d = new Date((await clockNow()) + 2 * DAY * 1000);
    const ymd = `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await row.getByLabel('Ends on').fill(ymd);
    await row.getByRole('button', { name: 'Set end' }).click();
    await frame(m).getByText(/It now ends on/).waitFor();

    await host.control('clock', { advanceSeconds: 4 * DAY });
    const bob = await open('bob', '/browse/DEMO-2');
    await bob.frameLocator('iframe[title="Microsoft 365"]').getByText('This shared item has ended.').waitFor();
    const again = await myShares('alice');
    await frame(again).getByRole('row').filter({ hasText: 'DEMO-2' }).getByText('Ended', { exact: true }).waitFor();

    await host.control('clock', { advanceSeconds: 3600 });
    const later = await myShares('alice');
    await frame(later).getByRole('row').filter({ hasText: 'DEMO-1' }).waitFor();
    expect(await frame(later).getByRole('row').filter({ hasText: 'DEMO-2' }).count()).toBe(0);
  });

  it('Alice hands two shares to Bob: he accepts the one in his own mailbox, the other is listed as not transferable', async () => {
    await share(DEMO_2, 'a5');
    const m = await myShares('alice');
    const f = frame(m);
    for (const key of ['DEMO-1', 'DEMO-2']) await f.getByRole('row').filter({ hasText: key }).getByRole('checkbox').check();
    await f.getByRole('searchbox', { name: 'Colleague' }).fill('Bob');
    await f.getByRole('button', { name: 'Bob Brown' }).click();
    await f.getByRole('button', { name: 'Offer to Bob Brown' }).click();
    await f.getByText('Offered 2 items to Bob Brown.', { exact: false }).waitFor();

    const b = await myShares('bob');
    const bf = frame(b);
    await bf.getByText('offers you 2 shared items').waitFor();
    await bf.getByRole('button', { name: 'Accept' }).click();
    await bf.getByText('You took over 1 of 2 items from Alice Adams.').waitFor();
    await bf.getByText(/Not in your mailbox/).waitFor();
    await bf.getByRole('row').filter({ hasText: 'DEMO-1' }).waitFor();
    // The kickoff mail now shows as Bob's share, read from his mailbox.
    const carol = await open('carol', '/browse/DEMO-1');
    await carol.frameLocator('iframe[title="Microsoft 365"]').getByText('Bob Brown').first().waitFor();
  });

  it('Carol refuses a hand-over, and nothing changes', async () => {
    const m = await myShares('alice');
    const f = frame(m);
    await f.getByRole('row').filter({ hasText: 'DEMO-2' }).getByRole('checkbox').check();
    await f.getByRole('searchbox', { name: 'Colleague' }).fill('Carol');
    await f.getByRole('button', { name: 'Carol Chen' }).click();
    await f.getByRole('button', { name: 'Offer to Carol Chen' }).click();
    await f.getByText('Offered 1 item to Carol Chen.', { exact: false }).waitFor();
    const c = await myShares('carol');
    await frame(c).getByRole('button', { name: 'Refuse' }).click();
    await frame(c).getByText('Refused Alice Adams’s offer.').waitFor();
    const list = await invoke('alice', 'myShares/list', {}, 'my-shares');
    expect(list.value.offersByMe).toEqual([]);
    expect(list.value.items.map((i: Json) => i.place.label)).toEqual(['DEMO-2']);
  });

  it('My shares removes all of Alice’s shares after she confirms', async () => {
    await share(DEMO_1, 'a4');
    const m = await myShares('alice');
    const f = frame(m);
    await f.getByRole('button', { name: 'Remove all' }).click();
    const dialog = f.getByRole('dialog', { name: 'Remove all your shares?' });
    await dialog.getByRole('button', { name: 'Remove all 2' }).click();
    await f.getByText('Removed all 2 of your shares.').waitFor();
    await f.getByText('You have not shared anything.').waitFor();
    const stored = (await host.state()).storage.entities as Array<{ entityName: string; value: Json }>;
    expect(stored.filter((e) => e.entityName === 'mail-share').map((e) => e.value.sharerAccountId)).toEqual(['557058:b0b00000-0000-4000-8000-000000000002']);
  });

  it('the site admin limits Public shares to 30 days on the settings page: a conversation shared Public then ends within 30 days', async () => {
    const p = await open('alice', `/jira/settings/apps/configure/${appUuid(host.manifest)}/${LOCAL_ENVIRONMENT.id}`);
    const section = p.frameLocator('iframe[title="Microsoft 365 settings"]').getByRole('region', { name: 'Sharing defaults' });
    await section.getByLabel('Public shares end after at most (days)').fill('30');
    await section.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await invoke('alice', 'admin/settings', {}, 'm365-jira-admin')).value.sharing.publicMaxDays, { timeout: 10_000 }).toBe(30);
    const before = await clockNow();
    // Single mails may not be Public in DEMO (the project's rule above); conversations may.
    const vendor = (await mailbox('alice')).find((x) => x.key === 'a6');
    const created = await invoke('alice', 'sharing/create', { issueId: DEMO_2, kind: 'conversation', messageId: vendor.immutableId, scope: 'public' });
    expect(created.ok).toBe(true);
    const id = created.value.shareId as string;
    const item = (await invoke('alice', 'myShares/list', {}, 'my-shares')).value.items.find((i: Json) => i.shareId === id);
    expect(Date.parse(item.expiresAt) - before).toBeGreaterThan(29 * DAY * 1000);
    expect(Date.parse(item.expiresAt) - before).toBeLessThanOrEqual(30 * DAY * 1000 + 60_000);
    const m = await myShares('alice');
    await frame(m).getByRole('row').filter({ hasText: 'DEMO-2' }).getByText('Public shares end within 30 days.').waitFor();
  });
  it('Alice hands a chat, a meeting and her calendar to Bob: the chat and his copy of the meeting move, and still show after Alice signs out', async () => {
    for (const feature of ['share.calendar', 'share.chat']) await approve(feature);
    for (const feature of ['share.calendar', 'share.chat']) await connect('alice', 'alice@contoso.com', feature);
    for (const feature of ['share.calendar', 'share.chat']) await connect('bob', 'bob@contoso.com', feature);
    const token = (await invoke('alice', 'account/token', {})).value.accessToken as string;
    const graph = async (path: string, prefer?: string): Promise<Json> => (await fetch(`${host.microsoftOrigins.graph}/graph/v1.0${path}`, { headers: { Authorization: `Bearer ${token}`, ...(prefer ? { Prefer: prefer } : {}) } })).json();
    const calendarId = (await graph('/me/calendars')).value.find((c: Json) => c.isDefaultCalendar === true).id as string;
    const now = await clockNow();
    const events = (await graph(`/me/calendarView?startDateTime=${new Date(now - 20 * DAY * 1000).toISOString()}&endDateTime=${new Date(now + 40 * DAY * 1000).toISOString()}&$top=200&$select=id,subject`, 'IdType="ImmutableId"')).value as Json[];
    for (const item of [
      { kind: 'chat', chatId: '19:7a1c3e5b9d2f4a6c8e0b1d3f5a7c9e2b@thread.v2' },
      { kind: 'event', eventId: events.find((e) => e.subject === 'Design review').id },
      { kind: 'calendar', calendarId, window: 'next-30d', freeBusyOnly: false },
    ]) expect((await invoke('alice', 'sharing/createItem', { issueId: DEMO_1, scope: 'atlassian', ...item })).ok).toBe(true);

    const m = await myShares('alice');
    const f = frame(m);
    for (const kind of ['Teams chat', 'Event', 'Calendar']) await f.getByRole('row').filter({ hasText: kind }).getByRole('checkbox').check();
    await f.getByRole('searchbox', { name: 'Colleague' }).fill('Bob');
    await f.getByRole('button', { name: 'Bob Brown' }).click();
    await f.getByRole('button', { name: 'Offer to Bob Brown' }).click();
    await f.getByText('Offered 3 items to Bob Brown.', { exact: false }).waitFor();

    const b = await myShares('bob');
    const bf = frame(b);
    await bf.getByText('offers you 3 shared items').waitFor();
    await bf.getByRole('button', { name: 'Accept' }).click();
    await bf.getByText('You took over 2 of 3 items from Alice Adams.').waitFor();
    await bf.getByText(/Calendar on DEMO-1: This calendar is not shared with you in Outlook/).waitFor();
    await bf.getByRole('row').filter({ hasText: 'Teams chat' }).waitFor();
    await bf.getByRole('row').filter({ hasText: 'Event' }).waitFor();

    // Alice signs out of Microsoft 365: what Bob took over is read with his account and still shows.
    expect((await invoke('alice', 'account/signOut', {})).ok).toBe(true);
    const carol = await open('carol', '/browse/DEMO-1');
    const panel = carol.frameLocator('iframe[title="Microsoft 365"]');
    const meeting = panel.getByRole('article').filter({ hasText: 'Design review' });
    await meeting.getByText('Bob Brown').first().waitFor();
    const chat = panel.getByRole('article').filter({ hasText: 'Teams chat' }).filter({ hasText: 'Bob Brown' });
    await chat.first().waitFor();
    await panel.getByText(/unavailable while they are signed out/i).first().waitFor();
  });

  it('Your shares in Confluence names each page by its title, read as the viewer', async () => {
    await connect('alice', 'alice@contoso.com', 'share.mail', 'm365-item');
    const kickoff = (await mailbox('alice')).find((x) => x.key === 'a1');
    expect((await invoke('alice', 'sharing/create', { pageId: '65601', kind: 'mail', messageId: kickoff.immutableId, scope: 'atlassian' }, 'm365-item')).ok).toBe(true);
    const p = await open('alice', '/wiki/spaces/DEMO/pages/65601');
    await p.getByRole('button', { name: 'Microsoft 365' }).click();
    const byline = p.frameLocator('iframe[title="Microsoft 365"]');
    await byline.getByRole('button', { name: 'Your shares' }).click();
    await byline.getByRole('row').filter({ hasText: 'Mail' }).getByRole('link', { name: 'Project Phoenix — team hub' }).waitFor();
    // In the narrow popup the table scrolls sideways in its own box: the popup itself (the account, its buttons) stays put.
    const widths = await byline.locator('html').evaluate((h) => ({ page: h.scrollWidth, view: h.clientWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    expect(await byline.locator('.table-scroll').evaluate((d) => getComputedStyle(d).overflowX)).toBe('auto');
    // The title is read at display time, never stored.
    const stored = JSON.stringify((await host.state()).storage);
    expect(stored).not.toContain('Project Phoenix — team hub');
  });
});
