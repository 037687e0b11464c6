import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Locator, Page, Request } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { ROOT, startTestHost, type TestHost } from '../support/host';
import { continueToSite } from '../support/microsoft';

// Sharing Outlook mails and conversations into Jira issues, in Chromium, as people do it. The tests
// run in order: Alice shares first, the others look, and the last one reads back everything stored.

const ISSUE = '/browse/DEMO-1';
const PUBLIC_ISSUE = '/browse/PUB-1';
const DEMO_1 = '10001';
const PUB_1 = '10006';
const REPLY_TEXT = 'Revised draft attached next week, signed copy to follow.';
const HOSTILE_HOSTS = /evil\.example|tracker\.northwind\.example|tracker\.example\.net/;

type Json = any;  

describe('share Outlook mails and conversations into a Jira issue (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const requests: Request[] = [];
  const dialogs: string[] = [];
  let alice: Page;

  const panelOf = (p: Page): FrameLocator => p.frameLocator('iframe[title="Microsoft 365"]');
  const item = (panel: FrameLocator, subject: string) => panel.getByRole('article', { name: subject, exact: true });
  /** Opens a shared item's messages (the newest item is open already). */
  async function expand(panel: FrameLocator, subject: string) {
    const toggle = item(panel, subject).getByRole('button', { name: subject, exact: true });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await item(panel, subject).locator('iframe.mail-frame').first().waitFor();
  }
  const mailFrame = (panel: FrameLocator, subject: string) => panel.frameLocator(`iframe[title="Mail: ${subject}"]`);
  const mailbox = async (user: string): Promise<Json[]> => ((await (await fetch(`${host.origin}/__emulator/mail?user=${user}`)).json())).messages;
  const invoke = async (user: string, fn: string, payload: unknown, module = 'm365-issue-panel'): Promise<Json> => (await host.asUser(user).invoke(module, fn, payload)).value;

  async function open(user: string, path = ISSUE): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    context.on('request', (r) => requests.push(r));
    const page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${host.origin}${path}?as=${user}`);
    return page;
  }

  /** Clicks `button`, picks `email` in the sign-in tab, accepts if Microsoft asks (it asks only for what is not consented yet). */
  async function signIn(page: Page, within: Pick<Locator, 'getByRole'>, email: string, button = 'Connect Microsoft 365') {
    const tab = await continueToSite(page, () => within.getByRole('button', { name: button }).first().click());
    await tab.getByRole('button', { name: email }).click();
    await tab.locator('button:text-is("Accept"), h1:has-text("connected")').first().waitFor();
    if (await tab.getByRole('button', { name: 'Accept' }).count()) await tab.getByRole('button', { name: 'Accept' }).click();
    await tab.locator('h1:has-text("connected")').waitFor();
    await tab.close();
  }

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await host?.stop();
  });

  it('Alice connects, allows reading mail when she first shares, and shares a mail with Atlassian users', async () => {
    alice = await open('alice');
    const panel = panelOf(alice);
    await panel.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    await signIn(alice, panel, 'alice@contoso.com');
    await panel.getByText('Signed in as').waitFor();

    await panel.getByRole('button', { name: 'Share from Outlook' }).click();
    // Mail.Read was not asked at sign-in: now, on first use, in a new tab.
    const tab = await continueToSite(alice, () => panel.getByRole('button', { name: 'Allow reading mail' }).click());
    await tab.getByRole('button', { name: 'alice@contoso.com' }).click();
    await tab.getByRole('button', { name: 'Accept' }).click();
    await tab.waitForLoadState();
    await tab.close();

    await panel.getByRole('radio', { name: /^Phoenix kickoff agenda/ }).check();
    await panel.getByRole('radio', { name: 'This mail' }).check();
    await panel.getByRole('radio', { name: /^Atlassian users/ }).check();
    await panel.getByRole('button', { name: 'Share', exact: true }).click();
    await item(panel, 'Phoenix kickoff agenda').waitFor();
    await expect.poll(() => item(panel, 'Phoenix kickoff agenda').locator('.badge').textContent()).toBe('Atlassian users');
    // Said as done, not in a warning's colour, and gone when the next share starts.
    const said = panel.getByRole('status').filter({ hasText: 'Shared with: Everyone logged in who can view this issue.' });
    expect(await said.getAttribute('class')).toBe('success');
    await panel.getByRole('button', { name: 'Share from Outlook' }).click();
    expect(await said.count()).toBe(0);
    await panel.getByRole('button', { name: 'Cancel' }).click();
  });

  it('Alice finds a conversation by searching and shares it, with future replies, as Private', async () => {
    const panel = panelOf(alice);
    await panel.getByRole('button', { name: 'Share from Outlook' }).click();
    await panel.getByRole('searchbox', { name: 'Search your mail' }).fill('vendor contract');
    await panel.getByRole('button', { name: 'Search' }).click();
    await panel.getByRole('radio', { name: /^Phoenix vendor contract: two questions/ }).check();
    await panel.getByRole('radio', { name: 'The whole conversation, including future replies' }).check();
    await panel.getByRole('radio', { name: /^Private/ }).check();
    // An end date in 40 days, the day as the panel's browser counts days.
    const ends = await alice.evaluate(() => {
      const d = new Date(Date.now() + 40 * 86_400_000);
      return { ymd: `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`, words: d.toLocaleDateString(undefined, { dateStyle: 'medium' }) };
    });
    await panel.getByLabel('Ends on (optional)').fill(ends.ymd);
    await panel.getByRole('button', { name: 'Share', exact: true }).click();
    const conv = item(panel, 'Phoenix vendor contract: two questions');
    await conv.waitFor();
    expect(await conv.locator('.badge').textContent()).toBe('Private');
    await expect.poll(() => conv.locator('.meta').textContent()).toContain(`Ends on ${ends.words}`);
    // Dana's reply came from outside and Exchange gave it a new conversation: it is in the thread anyway.
    await expect.poll(() => conv.locator('.meta').textContent()).toContain('Conversation · 3 messages');
  });

  it('Bob sees the mail, read from Alice’s mailbox on her behalf — and not her private conversation', async () => {
    const bob = await open('bob');
    const panel = panelOf(bob);
    const shared = item(panel, 'Phoenix kickoff agenda');
    await shared.waitFor();
    expect(await shared.locator('.meta').textContent()).toContain('shared by Alice Adams');
    await expand(panel, 'Phoenix kickoff agenda');
    await expect.poll(() => mailFrame(panel, 'Phoenix kickoff agenda').locator('body').textContent()).toContain('Here is a first agenda for the kickoff');
    expect(await panel.getByRole('article').count()).toBe(1);
    expect(await panel.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    // Bob has no Microsoft 365 connection at all: viewing needs none.
    expect(await panel.getByRole('button', { name: 'Connect Microsoft 365' }).count()).toBe(1);
  });

  it('a reply delivered after sharing shows up in the shared conversation', async () => {
    const a8 = (await mailbox('alice')).find((m) => m.key === 'a8');
    const delivered = await host.control('mail', { from: 'dana.ruiz@northwind.example', to: ['alice'], subject: 'RE: Phoenix vendor contract: two questions', html: `<p>${REPLY_TEXT}</p>`, inReplyTo: a8.internetMessageId, conversation: 'new' });
    expect(delivered.status).toBe(201);
    await alice.reload();
    const panel = panelOf(alice);
    const conv = item(panel, 'Phoenix vendor contract: two questions');
    await expect.poll(() => conv.locator('.meta').textContent()).toContain('Conversation · 4 messages');
    await expand(panel, 'Phoenix vendor contract: two questions');
    await expect.poll(() => conv.locator('iframe.mail-frame').count()).toBe(4);
    expect(await conv.locator('iframe.mail-frame').nth(3).contentFrame().locator('body').textContent()).toContain(REPLY_TEXT);
  });

  it('Alice is warned before signing out; Bob then sees why the mail is unavailable; signing in again restores it', async () => {
    const panel = panelOf(alice);
    await panel.getByRole('button', { name: 'Sign out' }).click();
    const dialog = panel.getByRole('dialog', { name: 'Sign out of Microsoft 365?' });
    expect(await dialog.textContent()).toContain('The 2 items you shared on 1 issue will be unavailable to everyone while you are signed out.');
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await panel.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();

    const bob = await open('bob');
    await panelOf(bob).getByText('Shared by Alice Adams — unavailable while they are signed out of Microsoft 365.').waitFor();

    const mine = item(panel, 'Shared mail');
    await mine.getByText('You shared this.').waitFor();
    await signIn(alice, mine, 'alice@contoso.com', 'Sign in to Microsoft 365');
    await item(panel, 'Phoenix kickoff agenda').waitFor();

    await bob.reload();
    await item(panelOf(bob), 'Phoenix kickoff agenda').waitFor();
  });

  it('signing in again with a different Microsoft account does not restore the items, and says why', async () => {
    // Bob's Microsoft account may read mail only once an admin approved it for Contoso: Alice does, from the app's settings.
    const start = await invoke('alice', 'admin/consent/start', { feature: 'share.mail' }, 'm365-jira-admin');
    const approve = await alice.context().newPage();
    await approve.goto(start.value.url as string);
    await approve.getByRole('button', { name: 'alice@contoso.com' }).click();
    await approve.getByRole('button', { name: 'Accept' }).click();
    await approve.waitForLoadState();
    await approve.close();

    await invoke('alice', 'account/signOut', {});
    await alice.reload();
    const panel = panelOf(alice);
    await signIn(alice, panel, 'bob@contoso.com');
    await panel.getByText('Signed in as Bob Brown').waitFor();
    await panel.getByText('You shared this from another Microsoft 365 account').first().waitFor();
    const bob = await open('bob');
    await panelOf(bob).getByText(/Shared by Alice Adams — unavailable: Alice Adams is signed in to Microsoft 365 with another account/).first().waitFor();
    expect(await panelOf(bob).locator('iframe.mail-frame').count()).toBe(0);

    // Back to her own account with the ordinary Connect button: her items need Mail.Read, so the sign-in asks it.
    await invoke('alice', 'account/signOut', {});
    await alice.reload();
    await signIn(alice, panel, 'alice@contoso.com');
    await item(panel, 'Phoenix kickoff agenda').waitFor();
  });

  it('runs nothing and loads nothing from the hostile corpus, and says what it hid', async () => {
    const ids = Object.fromEntries((await mailbox('alice')).map((m) => [m.key, m.immutableId]));
    for (const key of ['a9', 'a10', 'a11', 'a12', 'a4']) {
      expect(await invoke('alice', 'sharing/create', { issueId: DEMO_1, kind: 'mail', messageId: ids[key], scope: 'atlassian' })).toMatchObject({ ok: true });
    }
    const before = requests.length;
    const carol = await open('carol');
    const panel = panelOf(carol);
    for (const subject of ['Invoice #4471 overdue - action required', 'Northwind quarterly', 'Site photos from Friday', 'Floor plan, full resolution', 'Your weekly digest']) {
      await item(panel, subject).waitFor();
      await expand(panel, subject);
    }
    // Every mail frame is sandboxed without scripts and carries a CSP that loads nothing.
    const frames = panel.locator('iframe.mail-frame');
    for (let i = 0; i < (await frames.count()); i++) {
      expect(await frames.nth(i).getAttribute('sandbox')).toBe('allow-same-origin allow-popups allow-popups-to-escape-sandbox');
      const doc = frames.nth(i).contentFrame();
      expect(await doc.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toContain("default-src 'none'");
      expect(await doc.locator('script, form, svg, math, iframe, object, embed, base, link, meta[http-equiv="refresh"], video, audio, picture').count()).toBe(0);
      expect(await doc.locator('body style').count()).toBe(0);
      // The text has room around it on the mail's own light paper, whatever the product's theme.
      expect(await doc.locator('body').evaluate((b) => [getComputedStyle(b).paddingLeft, getComputedStyle(b.parentElement!).backgroundColor])).toEqual(['12px', 'rgb(255, 255, 255)']);
      const attrs = await doc.locator('body *').evaluateAll((els) => els.flatMap((e) => [...e.attributes].map((a) => `${a.name}=${a.value}`)));
      expect(attrs.filter((a) => /^on/i.test(a) || /(javascript|vbscript|data:text)/i.test(a) || /url\(/i.test(a) || /^(srcset|background|poster)=/.test(a))).toEqual([]);
      expect(attrs.filter((a) => a.startsWith('src=') && !a.startsWith('src=data:image/'))).toEqual([]);
    }
    const invoice = mailFrame(panel, 'Invoice #4471 overdue - action required');
    expect(await invoice.locator('body').textContent()).toContain('invoice #4471 is overdue');
    // javascript:, vbscript: and data: links lost their href; plain web links stay (and open a new tab).
    expect(await invoice.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['https://evil.example/login', 'https://evil.example/click']);
    expect(await invoice.locator('[style*="position"]').count()).toBe(0);
    // The tracking pixels and remote pictures were not loaded, and the viewer is told.
    expect(await item(panel, 'Northwind quarterly').getByRole('note').first().textContent()).toMatch(/images from the internet were not loaded/);
    const photos = item(panel, 'Site photos from Friday');
    expect(await photos.getByRole('note').first().textContent()).toContain('1 image from the internet was not loaded');
    // Inline pictures come from the server as data; the full-resolution one is over the size cap.
    expect(await mailFrame(panel, 'Site photos from Friday').locator('img[alt="Entrance"]').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await item(panel, 'Floor plan, full resolution').getByRole('note').textContent()).toBe('1 picture in this mail is too large to show here.');
    expect(await photos.locator('.attachments').textContent()).toContain('Site survey.pdf');
    // Links that stay open in a new tab, never in the panel.
    const links = await mailFrame(panel, 'Northwind quarterly').locator('a[href]').evaluateAll((as) => as.map((a) => `${a.getAttribute('target') ?? ''} ${a.getAttribute('rel') ?? ''}`));
    expect(links).toEqual(['_blank noopener noreferrer nofollow']);

    await carol.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    expect(requests.slice(before).map((r) => r.url()).filter((u) => HOSTILE_HOSTS.test(u))).toEqual([]);
  });

  it('an anonymous visitor sees Public shares on the public project’s issue, and nothing else', async () => {
    await invoke('alice', 'admin/settings/save', { sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] } }, 'm365-jira-admin');
    const ids = Object.fromEntries((await mailbox('alice')).map((m) => [m.key, m.immutableId]));
    expect(await invoke('alice', 'sharing/create', { issueId: PUB_1, kind: 'mail', messageId: ids.a3, scope: 'public' })).toMatchObject({ ok: true });
    expect(await invoke('alice', 'sharing/create', { issueId: PUB_1, kind: 'mail', messageId: ids.a5, scope: 'atlassian' })).toMatchObject({ ok: true });
    const anonymous = await open('anonymous', PUBLIC_ISSUE);
    const panel = panelOf(anonymous);
    await panel.getByText('Log in to Atlassian to connect Microsoft 365.').waitFor();
    const shared = item(panel, 'RE: Phoenix kickoff agenda');
    await shared.waitFor();
    expect(await shared.locator('.badge').textContent()).toBe('Public');
    expect(await panel.getByRole('article').count()).toBe(1);
    expect(await panel.getByRole('button', { name: 'Share from Outlook' }).count()).toBe(0);
    // On the private project's issue, an anonymous visitor gets nothing of what was shared.
    expect(await invoke('anonymous', 'sharing/panel', { issueId: DEMO_1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('stores no content: no subject, body text, sender, recipient or attachment name appears anywhere in storage', async () => {
    const state = (await host.state());
    const stored = JSON.stringify({ keys: state.storage.keys, values: state.storage.values, secretKeys: state.storage.secretKeys, entities: state.storage.entities });
    // The app did store shares: this proof is not vacuous.
    expect(state.storage.entities.filter((e: Json) => e.entityName === 'mail-share').length).toBeGreaterThanOrEqual(8);

    const fixture = JSON.parse(readFileSync(join(ROOT, 'dev/fixtures/demo-tenant.json'), 'utf8'));
    const people = new Map<string, { displayName: string; mail: string }>(fixture.microsoft.users.map((u: Json) => [u.key, u]));
    const who = (k: string) => [k.includes('@') ? k : people.get(k)?.mail, people.get(k)?.displayName].filter((x): x is string => typeof x === 'string');
    const text = (html: string) => html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/gi, ' ');
    const needles = new Set<string>([REPLY_TEXT, 'dana.ruiz@northwind.example']);
    for (const m of fixture.microsoft.mail as Json[]) {
      needles.add(m.subject);
      for (const p of [m.from, ...(m.to ?? []), ...(m.cc ?? [])]) for (const w of who(p)) needles.add(w);
      for (const a of m.attachments ?? []) needles.add(a.name);
      // Body text in runs long enough to be content, not a coincidence in an id.
      for (const run of text(m.body).split(/\s{2,}|[.!?]\s/)) if (run.trim().length >= 12) needles.add(run.trim());
    }
    const found = [...needles].filter((n) => stored.toLowerCase().includes(n.toLowerCase()));
    expect(found).toEqual([]);
    expect(needles.size).toBeGreaterThan(60);
  });
});
