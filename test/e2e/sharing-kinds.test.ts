import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { ROOT, startTestHost, type TestHost } from '../support/host';
import { consentInNewTab } from '../support/microsoft';

type Json = any;

// Calendars and Teams chats shared into DEMO-1 in Chromium, as people do it: Alice allows the app to read
// her calendars and chats when she first shares one, and Bob sees them without any Microsoft account.

const ISSUE = '/browse/DEMO-1';

describe('share calendars and Teams chats into a Jira issue (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;

  const panelOf = (p: Page): FrameLocator => p.frameLocator('iframe[title="Microsoft 365"]');
  const item = (panel: FrameLocator, title: string) => panel.getByRole('article', { name: title, exact: true });

  async function open(user: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${host.origin}${ISSUE}?as=${user}`);
    return page;
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

  it('Alice allows reading calendars when she first shares one, and shares the next 30 days with Atlassian users', async () => {
    alice = await open('alice');
    const panel = panelOf(alice);
    await panel.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    await consentInNewTab(alice, panel, 'Connect Microsoft 365');
    await panel.getByText('Signed in as').waitFor();
    await panel.getByRole('button', { name: 'Share calendar, event or chat' }).click();
    await consentInNewTab(alice, panel, 'Allow reading calendars');
    await panel.getByRole('radio', { name: /^Calendar \(default\)/ }).check();
    await panel.getByRole('radio', { name: 'Next 30 days' }).check();
    await panel.getByRole('radio', { name: /^Atlassian users/ }).check();
    await panel.getByRole('button', { name: 'Share', exact: true }).click();
    await item(panel, 'Calendar, next 30 days').waitFor();
  }, 90_000);

  it('Bob sees the calendar as an agenda, and Alice’s private appointment only as a busy block', async () => {
    const bob = await open('bob');
    const cal = item(panelOf(bob), 'Calendar, next 30 days');
    await cal.getByText('Design review').first().waitFor();
    expect(await cal.textContent()).not.toContain('Doctor');
    expect(await cal.getByText('Private event').count()).toBeGreaterThan(0);

    // The week grid: seven day columns; blocks named by time and title, reachable with Tab; the private one busy.
    await cal.getByRole('button', { name: 'Week', exact: true }).click();
    await expect.poll(() => cal.getByRole('button', { name: 'Week', exact: true }).getAttribute('aria-pressed')).toBe('true');
    const grid = cal.locator('.week-grid');
    expect(await grid.locator('.week-day').count()).toBe(7);
    const seen = { review: false, busy: false };
    for (let w = 0; w < 6 && !(seen.review && seen.busy); w++) {
      if (!seen.review) seen.review = (await grid.locator('.week-block[aria-label*="Design review"]').count()) > 0;
      if (!seen.busy) seen.busy = (await grid.locator('.week-block.busy-block[aria-label$="Private event"]').count()) > 0;
      const next = cal.getByRole('button', { name: 'Next week' });
      if (await next.isDisabled()) break;
      await next.click();
    }
    expect(seen).toEqual({ review: true, busy: true });
    expect(await grid.textContent()).not.toContain('Doctor');
    const blocks = grid.locator('.week-block');
    if ((await blocks.count()) > 1) {
      await blocks.first().focus();
      await bob.keyboard.press('Tab');
      expect(await blocks.nth(1).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    }
    // Alice herself sees her own private event by its title.
    await alice.reload();
    await item(panelOf(alice), 'Calendar, next 30 days').getByText(/Doctor/).first().waitFor();
  }, 60_000);

  it('Alice shares a Teams chat after allowing reading chats; Bob reads it newest first and asks for older messages', async () => {
    const panel = panelOf(alice);
    await panel.getByRole('button', { name: 'Share calendar, event or chat' }).click();
    await panel.getByRole('radio', { name: 'A Teams chat' }).check();
    await consentInNewTab(alice, panel, 'Allow reading chats');
    await panel.getByRole('radio', { name: 'Release war room' }).check();
    await panel.getByRole('button', { name: 'Share', exact: true }).click();
    await item(panel, 'Teams chat').waitFor();

    const bob = await open('bob');
    const chat = item(panelOf(bob), 'Teams chat');
    await chat.waitFor();
    const messages = chat.locator('.chat-message');
    // Teams reads a chat once a second: Bob may come within Alice's second and see "busy" first, which asks
    // again after Graph's Retry-After (static/shared/sharing/busy-retry.ts), so wait past one such retry.
    const pastBusy = { timeout: 10_000 };
    await expect.poll(() => messages.count(), pastBusy).toBe(20);
    await chat.getByRole('button', { name: 'Older messages' }).click();
    await expect.poll(() => messages.count(), pastBusy).toBe(40);
  }, 90_000);

  it('stores no content: no event title, place, attendee or body, no chat message text, anywhere in storage', async () => {
    const state = await host.state();
    const stored = JSON.stringify({ keys: state.storage.keys, values: state.storage.values, secretKeys: state.storage.secretKeys, entities: state.storage.entities });
    // Shares of both kinds were stored: the proof is not vacuous.
    expect(state.storage.entities.filter((e: Json) => e.value?.kind === 'calendar' || e.value?.kind === 'chat').length).toBeGreaterThanOrEqual(2);
    const fixture = JSON.parse(readFileSync(join(ROOT, 'dev/fixtures/demo-tenant.json'), 'utf8')).microsoft;
    const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\{\{[^}]*\}\}/g, ' ').replace(/&[a-z#0-9]+;/gi, ' ');
    const needles = new Set<string>();
    for (const c of fixture.calendars as Json[]) {
      for (const e of (c.events ?? []) as Json[]) {
        if (typeof e.subject === 'string') needles.add(e.subject);
        if (typeof e.location === 'string') needles.add(e.location);
        for (const run of text(typeof e.body === 'string' ? e.body : '').split(/\s{2,}|[.!?]\s/)) if (run.trim().length >= 12) needles.add(run.trim());
      }
    }
    for (const c of fixture.chats as Json[]) {
      if (typeof c.topic === 'string') needles.add(c.topic);
      for (const m of c.messages as Json[]) for (const run of text(typeof m.body === 'string' ? m.body : '').split(/\s{2,}|[.!?]\s/)) if (run.trim().length >= 12) needles.add(run.trim());
    }
    const found = [...needles].filter((n) => stored.toLowerCase().includes(n.toLowerCase()));
    expect(found).toEqual([]);
    expect(needles.size).toBeGreaterThan(30);
  });
});
