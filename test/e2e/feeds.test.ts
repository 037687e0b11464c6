import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { projectSettingsUrl, settingsPages } from '../../dev/host/pages/products';

// Calendar feeds as people meet them: Alice, an admin of DEMO, makes a feed on the project's
// settings page; Bob, in DEMO's Developers role, takes his own address from the Calendar feeds page
// in Jira's Apps menu and his calendar app fetches it. The tests run in order and share one host.

const titles = (ics: string) => new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('summary'))).sort();

describe('calendar feeds (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let bobAddress = '';

  const newPage = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };
  const frame = (p: Page): FrameLocator => p.frameLocator('iframe[title="Calendar feeds"]');
  const globalPage = () => `${host.origin}${settingsPages(host.manifest).find((p) => p.module.key === 'calendar-feeds')?.url ?? ''}`;
  const jira = async () => ((await host.state()) as { jira: { points: { totalRequests: number; totalWrites: number } } }).jira.points;

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await host?.stop();
  });

  it('Alice creates a feed for DEMO, open to its Developers role, on the project page', async () => {
    const p = await newPage();
    await p.goto(`${host.origin}${projectSettingsUrl(host.manifest, 'DEMO')}?as=alice`);
    const f = frame(p);
    await f.getByRole('button', { name: 'Create a feed' }).click();
    await f.getByLabel('Name', { exact: true }).fill('DEMO open work');
    await f.getByLabel('JQL (within DEMO)').fill('status != Done');
    await f.getByLabel(/People in project roles/).check();
    await f.getByRole('group', { name: 'Project roles' }).getByLabel('Developers').check();
    // An emptied "Months back" is not taken as 0: the server asks for the window, and nothing is lost.
    await f.getByLabel('Months back').fill('');
    await f.getByRole('button', { name: 'Create', exact: true }).click();
    await f.getByText('Choose how many months back and ahead the feed covers.').waitFor();
    expect(await f.getByLabel('JQL (within DEMO)').inputValue()).toBe('status != Done');
    await f.getByLabel('Months back').fill('3');
    await f.getByRole('button', { name: 'Create', exact: true }).click();
    const feed = f.getByRole('article', { name: 'DEMO open work' });
    await expect.poll(() => feed.textContent(), { timeout: 20_000 }).toMatch(/OK.*3 issues/);
  });

  it('Bob gets his own address from the Calendar feeds page; his calendar shows only what he may browse', async () => {
    const p = await newPage();
    await p.goto(`${globalPage()}?as=bob`);
    const f = frame(p);
    const feed = f.getByRole('article', { name: 'DEMO open work' });
    await feed.getByRole('button', { name: 'Get my calendar address' }).click();
    const box = feed.getByLabel('Your calendar address for DEMO open work');
    await box.waitFor();
    bobAddress = await box.inputValue();
    expect(bobAddress).toMatch(/^http:\/\/.+\/[A-Za-z0-9_-]{43}\.ics$/);
    await expect.poll(() => feed.getByRole('status').textContent()).toMatch(/shown only once/);
    const res = await fetch(bobAddress);
    expect(res.status).toBe(200);
    // DEMO-3 has the Management security level: Alice and Carol only.
    expect(titles(await res.text())).toEqual(['DEMO-1 Customer reports invoice PDF is blank', 'DEMO-2 Plan the Q3 release review']);
    await p.reload();
    await expect.poll(() => frame(p).getByRole('article', { name: 'DEMO open work' }).textContent()).toMatch(/last used/);
  });

  it('Bob’s calendar app gets 304 for an unchanged feed, and nothing once he leaves the role', async () => {
    const etag = (await fetch(bobAddress)).headers.get('etag') ?? '';
    const before = await jira();
    expect((await fetch(bobAddress, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await jira()).totalRequests - before.totalRequests).toBeLessThanOrEqual(2);
    await host.control('jira/roles', { projectKey: 'DEMO', role: 'Developers', remove: 'bob' });
    const emptied = await fetch(bobAddress);
    expect(emptied.status).toBe(200);
    expect(titles(await emptied.text())).toEqual([]);
    await host.control('jira/roles', { projectKey: 'DEMO', role: 'Developers', add: 'bob' });
  });

  it('rotating gives Bob a new address and the old one answers 404; revoking ends it', async () => {
    const p = await newPage();
    await p.goto(`${globalPage()}?as=bob`);
    const feed = frame(p).getByRole('article', { name: 'DEMO open work' });
    await feed.getByRole('button', { name: 'Rotate your address for DEMO open work' }).click();
    const rotate = feed.getByRole('dialog', { name: 'Rotate your address?' });
    // Atlassian's modal behaviour: focus on Cancel, Esc cancels and nothing changes.
    await expect.poll(() => rotate.getByRole('button', { name: 'Cancel' }).evaluate((b) => document.activeElement === b)).toBe(true);
    await p.keyboard.press('Escape');
    await expect.poll(() => rotate.count()).toBe(0);
    expect((await fetch(bobAddress)).status).toBe(200);
    await feed.getByRole('button', { name: 'Rotate your address for DEMO open work' }).click();
    await rotate.getByRole('button', { name: 'Rotate' }).click();
    const box = feed.getByLabel('Your calendar address for DEMO open work');
    await expect.poll(() => box.inputValue()).not.toBe(bobAddress);
    const rotated = await box.inputValue();
    expect((await fetch(bobAddress)).status).toBe(404);
    expect((await fetch(rotated)).status).toBe(200);
    await feed.getByRole('button', { name: 'Revoke your address for DEMO open work' }).click();
    await feed.getByRole('dialog', { name: 'Revoke your address?' }).getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => feed.getByRole('status').textContent()).toMatch(/Revoked/);
    expect((await fetch(rotated)).status).toBe(404);
  });

  it('Alice, a site admin, sees every active address with its owner and revokes Bob’s', async () => {
    const bob = await newPage();
    await bob.goto(`${globalPage()}?as=bob`);
    const bobFeed = frame(bob).getByRole('article', { name: 'DEMO open work' });
    await bobFeed.getByRole('button', { name: 'Get my calendar address' }).click();
    const address = await bobFeed.getByLabel('Your calendar address for DEMO open work').inputValue();
    const p = await newPage();
    await p.goto(`${globalPage()}?as=alice`);
    const table = frame(p).getByRole('region', { name: 'Every calendar address' });
    await table.getByRole('button', { name: 'Revoke the address of Bob Brown for DEMO open work' }).click();
    await expect.poll(() => table.getByRole('status').textContent()).toMatch(/Revoked/);
    expect((await fetch(address)).status).toBe(404);
    expect((await jira()).totalWrites).toBe(0);
  });

  it('on the Calendar feeds page, the project-roles choice says what to type and why no roles are offered', async () => {
    const p = await newPage();
    await p.goto(`${globalPage()}?as=alice`);
    const f = frame(p);
    await f.getByRole('button', { name: 'Create a feed' }).click();
    await f.getByLabel(/People in project roles/).check();
    const from = f.getByLabel('Roles of project');
    expect(await from.getAttribute('aria-describedby')).toBe('f-roles-from-hint');
    await f.getByText('A project key, such as DEMO: its roles are listed below to choose from.').waitFor();
    await from.fill('nope');
    await from.press('Tab');
    await f.getByText(/^No roles from NOPE: /).waitFor();
    expect(await f.getByText(/^No roles from NOPE: /).getAttribute('role')).toBe('status');
    expect(await f.getByRole('group', { name: 'Project roles' }).getByRole('checkbox').count()).toBe(0);
    await from.fill('DEMO');
    await from.press('Tab');
    await f.getByRole('group', { name: 'Project roles' }).getByLabel('Developers').waitFor();
    expect(await f.getByText(/^No roles from/).count()).toBe(0);
    await f.getByLabel(/People named in a user field/).check();
    await f.getByText('assignee, reporter, or a custom user field’s id, such as customfield_10020.').waitFor();
  });
});
