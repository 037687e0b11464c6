import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { projectSettingsUrl } from '../../dev/host/pages/products';
import { continueToSite } from '../support/microsoft';
import { connectThroughApp } from '../support/connect';

// Automations as people meet them. Alice, an admin of DEMO, makes a rule on the project's settings
// page, sends a test message and sees a Jira change arrive in the Phoenix team's General channel (the
// emulator's Teams). She adds DEMO-1 to her To Do, completes the task there, and the issue moves.
// Carol, who may not transition DEMO issues, links a task: nothing moves and her panel says why. A
// forged notification changes nothing; subscriptions are renewed on the clock; Alice signing out
// pauses the rule with the reason; the admin turning the feature off leaves no subscription and Jira
// delivers no more events. The tests run in order and share one host.

const PHOENIX = '7d2e4f10-5a6b-4c8d-9e0f-1a2b3c4d5e60';
const GENERAL = '19:7d2e4f105a6b4c8d9e0f1a2b3c4d5e60@thread.tacv2';
const TRIGGER = 'automations-jira-events';

type Json = any;

describe('automations (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };
  const settingsFrame = (p: Page): FrameLocator => p.frameLocator('iframe[title="Calendar feeds"]');
  const panelFrame = (p: Page): FrameLocator => p.frameLocator('iframe[title="Microsoft 365"]');
  const get = async (path: string): Promise<Json> => (await fetch(`${host.origin}/__emulator/${path}`)).json();
  const channel = async (): Promise<Json[]> => (await get(`teams/messages?team=${encodeURIComponent(PHOENIX)}&channel=${encodeURIComponent(GENERAL)}`)).messages;
  const subscriptions = async (): Promise<Json[]> => (await get('subscriptions')).subscriptions;
  const delivered = async (): Promise<number> => (await host.state()).events.triggers[TRIGGER].delivered;
  const drain = async () => {
    for (let i = 0; i < 3; i++) {
      await host.control('events/drain', { timeoutMs: 20_000 });
      await host.control('subscriptions/drain', { timeoutMs: 20_000 });
    }
  };
  /** Signs in on the emulator's pages in the tab `click` opens: pick the account, accept the permissions. */
  const signIn = async (p: Page, click: () => Promise<unknown>, email: string) => {
    const tab = await continueToSite(p, click);
    await tab.getByRole('button', { name: email }).click();
    // Consent is asked only for permissions not granted yet; either way the app's callback page ends it.
    const accept = tab.getByRole('button', { name: 'Accept' });
    const callback = tab.getByRole('heading', { name: /^Microsoft 365 (was not )?connected$/ });
    await accept.or(callback).first().waitFor({ timeout: 20_000 });
    if (await accept.isVisible()) await accept.click();
    await callback.first().waitFor({ timeout: 20_000 });
    await tab.close();
  };
  const openSettings = async (user: string) => {
    const p = await newPage();
    await p.goto(`${host.origin}${projectSettingsUrl(host.manifest, 'DEMO')}?as=${user}`);
    const f = settingsFrame(p);
    await f.getByRole('tab', { name: 'Teams and To Do automations' }).click();
    return { p, f };
  };
  const openIssue = async (user: string, key = 'DEMO-1') => {
    const p = await newPage();
    await p.goto(`${host.origin}/browse/${key}?as=${user}`);
    return { p, f: panelFrame(p) };
  };

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
    const on = await host.asUser('alice').invoke('m365-jira-admin', 'admin/settings/save', { features: { automations: true } });
    if (!on.value?.ok) throw new Error(JSON.stringify(on));
  }, 60_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await host?.stop();
  });

  it('Alice, connected without Teams permission, is told so at New rule, allows it, and makes a rule; her test message reaches the channel', async () => {
    // Connected for other things (as most people are when they first open this page), not for Teams.
    await connectThroughApp(host, 'm365-issue-panel', 'alice', 'alice@contoso.com');
    const { p, f } = await openSettings('alice');
    await f.getByRole('button', { name: 'New rule' }).click();
    const form = f.getByRole('form', { name: 'Rule' });
    await form.getByLabel('Name', { exact: true }).fill('DEMO moves');
    // Microsoft refuses to list her teams: the page says the permission is missing (not "you don't have permission").
    await f.getByText('To list your teams and chats, the app needs your permission to post to Teams').waitFor();
    await signIn(p, () => f.getByRole('button', { name: 'Allow posting to Teams' }).click(), 'alice@contoso.com');
    // The open form lists her teams now, and keeps what she typed.
    await expect.poll(() => form.getByLabel('Team', { exact: true }).locator('option').allTextContents(), { timeout: 10_000 }).toContain('Phoenix');
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('DEMO moves');
    await form.getByLabel('Team', { exact: true }).selectOption({ label: 'Phoenix' });
    await form.getByLabel('Channel', { exact: true }).selectOption({ label: 'General' });
    await form.getByRole('button', { name: 'Save rule' }).click();
    const rule = f.getByRole('listitem', { name: 'Rule DEMO moves' });
    await expect.poll(() => rule.textContent(), { timeout: 20_000 }).toMatch(/Active.*Phoenix › General/);
    await rule.getByRole('button', { name: 'Send test message' }).click();
    await expect.poll(async () => (await channel())[0]?.body.content ?? '', { timeout: 20_000 }).toContain('Test message');
    expect((await channel())[0].from.user.displayName).toBe('Alice Adams');
  });

  it('a Jira update reaches the channel as Alice, and the delivery log shows it with Resend', async () => {
    const before = (await channel()).length;
    await host.control('jira/issues/DEMO-1/transition', { as: 'bob', to: 'In Progress' });
    await drain();
    const messages = await channel();
    expect(messages.length).toBe(before + 1);
    expect(messages[0].body.content).toMatch(/Bob Brown.*updated.*DEMO-1/);
    const { f } = await openSettings('alice');
    const rule = f.getByRole('listitem', { name: 'Rule DEMO moves' });
    await rule.getByText(/Delivery log/).click();
    await expect.poll(() => rule.getByRole('table').textContent()).toMatch(/DEMO-1.*Sent/);
    await expect(rule.getByRole('button', { name: 'Resend' }).count()).resolves.toBe(1);
  });

  it('Add to my To Do, complete the task in To Do: the issue moves to the status the admin chose', async () => {
    const { f: settings } = await openSettings('alice');
    await settings.getByLabel('Status for completed tasks').selectOption({ label: 'Done' });
    await settings.getByRole('button', { name: 'Save status' }).click();
    await expect.poll(() => settings.getByRole('alert').textContent()).toBe('Saved.');
    const { p, f } = await openIssue('alice');
    const todo = f.getByRole('region', { name: 'Microsoft To Do' });
    await todo.getByRole('button', { name: 'Add to my To Do' }).click();
    await todo.getByLabel('List').selectOption({ label: 'Tasks' });
    await todo.getByRole('button', { name: 'Add task' }).click();
    await expect.poll(() => todo.textContent(), { timeout: 20_000 }).toMatch(/DEMO-1: .*Not started/);
    const tasks = (await get('todo?user=alice')).lists.find((l: Json) => l.displayName === 'Tasks').tasks as Json[];
    const task = tasks.find((t) => String(t.title).startsWith('DEMO-1: '));
    await host.control('todo/tasks', { user: 'alice', list: 'Tasks', task: task.id, complete: true });
    await drain();
    expect(host.jira.issue('DEMO-1')?.statusId).toBe(await doneId());
    await p.reload();
    await expect.poll(() => panelFrame(p).getByRole('region', { name: 'Microsoft To Do' }).textContent(), { timeout: 20_000 }).toMatch(/the issue moved to Done/);
  });

  async function doneId(): Promise<string> {
    const r = await host.asUser('alice').invoke('calendar-feeds-project', 'automations/project', { projectId: '10000' });
    return (r.value.value.statuses as Json[]).find((s) => s.name === 'Done').id;
  }

  it('Carol may not transition DEMO issues: her completed task moves nothing, and her panel says why', async () => {
    // Microsoft's default consent policy lets people consent to the basics only: Alice, an admin of
    // Contoso, approves the automations' permissions for the organisation from the app's settings.
    const start = await host.asUser('alice').invoke('m365-jira-admin', 'admin/consent/start', { feature: 'automations' });
    const approve = await newPage();
    await approve.goto(start.value.value.url as string);
    await approve.getByRole('button', { name: 'alice@contoso.com' }).click();
    await approve.getByRole('button', { name: 'Accept' }).click();
    await approve.waitForLoadState();
    const { p, f } = await openIssue('carol', 'DEMO-2');
    await signIn(p, () => f.getByRole('button', { name: 'Connect Microsoft 365' }).click(), 'carol@contoso.com');
    const todo = f.getByRole('region', { name: 'Microsoft To Do' });
    await expect.poll(() => todo.textContent(), { timeout: 20_000 }).toMatch(/You may not move this issue/);
    await todo.getByRole('button', { name: 'Link a task' }).click();
    // Her first sign-in asked only the basics: To Do needs its own permission, asked on first use.
    const allow = todo.getByRole('button', { name: 'Allow To Do' });
    await allow.waitFor({ timeout: 20_000 });
    await signIn(p, () => allow.click(), 'carol@contoso.com');
    await expect.poll(() => allow.count(), { timeout: 20_000 }).toBe(0);
    await todo.getByRole('button', { name: 'Link a task' }).click();
    const open = todo.getByRole('listitem').filter({ has: f.getByRole('button', { name: 'Link' }) }).first();
    const title = ((await open.textContent()) ?? '').replace(/Link$/, '').trim();
    await open.getByRole('button', { name: 'Link' }).click();
    await expect.poll(() => todo.getByRole('button', { name: 'Unlink' }).count(), { timeout: 20_000 }).toBe(1);
    const before = host.jira.issue('DEMO-2')?.statusId;
    await host.control('todo/tasks', { user: 'carol', list: 'Tasks', task: title, complete: true });
    await drain();
    expect(host.jira.issue('DEMO-2')?.statusId).toBe(before);
    await p.reload();
    await expect.poll(() => panelFrame(p).getByRole('region', { name: 'Microsoft To Do' }).textContent(), { timeout: 20_000 }).toMatch(/Not moved: you may not transition this issue/);
  });

  it('a forged notification (wrong clientState) changes nothing', async () => {
    const sub = (await subscriptions()).find((s: Json) => String(s.notificationUrl).includes('?s='));
    expect(sub).toBeDefined();
    await host.control('jira/issues/DEMO-1/transition', { as: 'alice', to: 'In Progress' });
    const before = host.jira.issue('DEMO-1')?.statusId;
    const tasks = (await get('todo?user=alice')).lists.find((l: Json) => l.displayName === 'Tasks').tasks as Json[];
    const task = tasks.find((t) => String(t.title).startsWith('DEMO-1: '));
    const res = await fetch(sub.notificationUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: [{ subscriptionId: sub.id, changeType: 'updated', clientState: 'not-the-secret', resource: `Users/x/todo/lists/l/tasks/${String(task.id)}`, resourceData: { id: task.id } }] }),
    });
    expect(res.status).toBe(202);
    await drain();
    expect(host.jira.issue('DEMO-1')?.statusId).toBe(before);
  });

  it('subscriptions are renewed by the hourly trigger before their 4,230 minutes run out', async () => {
    const first = await subscriptions();
    expect(first.length).toBeGreaterThan(0);
    const expiry = (s: Json) => Date.parse(s.expirationDateTime);
    for (const s of first) expect(expiry(s) - Date.now()).toBeLessThanOrEqual(4230 * 60_000 + 60_000);
    // A clock jump replays at most 7 runs of a trigger (dev/host/scheduler.ts): 44 hours first, then
    // 4 more, so the hourly renewal runs when each has less than a day left (at 46 of its 70 hours).
    await host.control('clock', { advanceSeconds: 44 * 3600 });
    await drain();
    expect((await subscriptions()).map((s) => s.expirationDateTime)).toEqual(first.map((s) => s.expirationDateTime));
    await host.control('clock', { advanceSeconds: 4 * 3600 });
    await drain();
    const later = await subscriptions();
    expect(later.map((s) => s.id).sort()).toEqual(first.map((s) => s.id).sort());
    for (const s of later) expect(expiry(s)).toBeGreaterThan(expiry(first.find((x) => x.id === s.id)) + 20 * 3600_000);
  });

  it('Alice signs out: the rule pauses with the reason, and Jira stops delivering DEMO’s events', async () => {
    expect((await host.asUser('alice').invoke('m365-issue-panel', 'account/signOut')).value.ok).toBe(true);
    await host.control('jira/issues/DEMO-1/transition', { as: 'bob', to: 'To Do' });
    await drain();
    const { f: admin } = await openSettings('alice');
    const rule = admin.getByRole('listitem', { name: 'Rule DEMO moves' });
    await expect.poll(() => rule.textContent(), { timeout: 20_000 }).toMatch(/Paused.*signed out of Microsoft 365/);
    // Alice owns it: she is offered Resume, not "Take over" of her own rule.
    expect(await rule.getByRole('button', { name: 'Take over' }).count()).toBe(0);
    const n = await delivered();
    await host.control('jira/issues/DEMO-1/transition', { as: 'bob', to: 'In Progress' });
    await drain();
    expect(await delivered()).toBe(n);
    // Resume while still signed out says what to do; once connected again it resumes and delivers.
    await rule.getByRole('button', { name: 'Resume' }).click();
    await admin.getByText('Connect your Microsoft 365 account first').waitFor();
    await connectThroughApp(host, 'm365-issue-panel', 'alice', 'alice@contoso.com', 'automations');
    await rule.getByRole('button', { name: 'Resume' }).click();
    await admin.getByText('Resumed: its messages go out as you again.').waitFor();
    expect(await rule.locator('.state').textContent()).toBe('Active');
    await host.control('jira/issues/DEMO-1/transition', { as: 'bob', to: 'To Do' });
    await drain();
    await expect.poll(() => delivered(), { timeout: 20_000 }).toBeGreaterThan(n);
  });

  it('the admin turns automations off: no subscriptions are left and no events are delivered', async () => {
    expect((await subscriptions()).length).toBeGreaterThan(0);
    const off = await host.asUser('alice').invoke('m365-jira-admin', 'admin/settings/save', { features: { automations: false } });
    expect(off.value.ok).toBe(true);
    await drain();
    expect(await subscriptions()).toEqual([]);
    expect((await host.state()).events.appProperties).not.toContain('m365-automations');
    const n = await delivered();
    await host.control('jira/issues/DEMO-2/transition', { as: 'bob', to: 'Done' });
    await drain();
    expect(await delivered()).toBe(n);
  });
});
