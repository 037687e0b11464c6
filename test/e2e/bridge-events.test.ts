import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';

// The bridge's events API as the product page relays it between frames. The frames speak the wire form
// @forge/bridge's events.js uses (callBridge('on', {event, callback}) and callBridge('emit', {event, payload})).
// Besides the app's own issue panel, the test places frames that claim another app, another installation of
// this app, and none: what a product page shows when several apps' modules sit side by side.

type Win = { __bridge: { callBridge(type: string, payload?: unknown): Promise<any> }; __got?: unknown[]; __sub?: { unsubscribe(): Promise<unknown> } };

describe('bridge events between frames', () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const frames: Record<string, Frame> = {};

  const subscribe = (f: Frame, event: string, kind: 'on' | 'onPublic' = 'on') =>
    f.evaluate(async ([event, kind]) => {
      const w = window as unknown as Win;
      await w.__sub?.unsubscribe();
      w.__got = [];
      w.__sub = await w.__bridge.callBridge(kind, { event, callback: (p: unknown) => w.__got?.push(p) });
    }, [event, kind] as const);
  const emit = (f: Frame, event: string, payload: unknown, kind: 'emit' | 'emitPublic' = 'emit') =>
    f.evaluate(([event, payload, kind]) => (window as unknown as Win).__bridge.callBridge(kind, { event, payload }).then(() => 'ok', (e: Error) => `${e.name}: ${e.message}`), [event, payload, kind] as const);
  const got = (f: Frame) => f.evaluate(() => (window as unknown as Win).__got ?? []);
  const settle = () => page.waitForTimeout(300);

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    await page.goto(`${host.origin}/browse/DEMO-1?as=alice`);
    const panel = page.locator('iframe[title="Microsoft 365"]');
    const own = JSON.parse((await panel.getAttribute('data-forge-extension')) ?? '{}') as { app: { id: string; installationId: string } };
    expect(own.app.installationId).toMatch(/^local-jira-/);
    // Neighbours: the same resource (it carries the bridge), placed with other owners.
    await page.evaluate((own) => {
      const original = document.querySelector<HTMLIFrameElement>('iframe[title="Microsoft 365"]');
      if (!original) throw new Error('no panel');
      const place = (title: string, app: unknown) => {
        const f = original.cloneNode() as HTMLIFrameElement;
        const d = JSON.parse(original.dataset.forgeExtension ?? '{}') as Record<string, unknown>;
        f.title = title;
        f.dataset.forgeExtension = JSON.stringify({ ...d, localId: title, app });
        original.after(f);
      };
      place('same app', own.app);
      place('another app', { ...own.app, id: '00000000-0000-4000-8000-0000000000ff' });
      place('another installation', { ...own.app, installationId: own.app.installationId.replace('jira', 'confluence') });
      const d = JSON.parse(original.dataset.forgeExtension ?? '{}') as Record<string, unknown>;
      delete d.app;
      const none = original.cloneNode() as HTMLIFrameElement;
      none.title = 'no app';
      none.dataset.forgeExtension = JSON.stringify({ ...d, localId: 'none' });
      original.after(none);
    }, own);
    for (const title of ['Microsoft 365', 'same app', 'another app', 'another installation', 'no app']) {
      const handle = await page.locator(`iframe[title="${title}"]`).elementHandle();
      const f = await handle?.contentFrame();
      if (!f) throw new Error(`no frame ${title}`);
      await f.waitForFunction(() => !!(window as unknown as Win).__bridge);
      frames[title] = f;
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it("reaches every frame of the same app and installation, the sender's too, and no other app's", async () => {
    for (const f of Object.values(frames)) await subscribe(f, 'account.changed');
    expect(await emit(frames['Microsoft 365']!, 'account.changed', { change: 'connected' })).toBe('ok');
    await settle();
    expect(await got(frames['same app']!)).toEqual([{ change: 'connected' }]);
    expect(await got(frames['Microsoft 365']!)).toEqual([{ change: 'connected' }]);
    expect(await got(frames['another app']!)).toEqual([]);
    expect(await got(frames['another installation']!)).toEqual([]);
    expect(await got(frames['no app']!)).toEqual([]);
  });

  it('delivers only the event subscribed to, and nothing after unsubscribe', async () => {
    await subscribe(frames['same app']!, 'account.changed');
    await emit(frames['Microsoft 365']!, 'something.else', { n: 1 });
    await settle();
    expect(await got(frames['same app']!)).toEqual([]);
    await frames['same app']!.evaluate(() => (window as unknown as Win).__sub?.unsubscribe());
    await emit(frames['Microsoft 365']!, 'account.changed', { n: 2 });
    await settle();
    expect(await got(frames['same app']!)).toEqual([]);
  });

  it('a frame of another app cannot reach this app’s frames with emit, only with public events', async () => {
    await subscribe(frames['Microsoft 365']!, 'account.changed');
    await emit(frames['another app']!, 'account.changed', { change: 'signedOut' });
    await settle();
    expect(await got(frames['Microsoft 365']!)).toEqual([]);
    await subscribe(frames['Microsoft 365']!, 'hello', 'onPublic');
    await emit(frames['another app']!, 'hello', { from: 'elsewhere' }, 'emitPublic');
    await settle();
    expect(await got(frames['Microsoft 365']!)).toEqual([{ from: 'elsewhere' }]);
  });

  it('getContext gives every frame the user’s locale and time zone (the browser’s, here), the same on each ask', async () => {
    const ctx = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    try {
      const p = await ctx.newPage();
      await p.goto(`${host.origin}/browse/DEMO-1?as=alice`);
      const f = await (await p.locator('iframe[title="Microsoft 365"]').elementHandle())?.contentFrame();
      if (!f) throw new Error('no panel frame');
      await f.waitForFunction(() => !!(window as unknown as Win).__bridge);
      const ask = () => f.evaluate(() => (window as unknown as Win).__bridge.callBridge('getContext') as Promise<{ locale?: string; timezone?: string; accountId?: string }>);
      const first = await ask();
      expect(first).toMatchObject({ locale: 'de-DE', timezone: 'Europe/Berlin' });
      expect(first.accountId).toBeTruthy();
      expect(await ask()).toMatchObject({ locale: 'de-DE', timezone: 'Europe/Berlin' });
    } finally {
      await ctx.close();
    }
  });

  it('a frame loads only once the page answers it: with the page’s bridge script 2 s late, the panel still shows', async () => {
    const ctx = await browser.newContext();
    try {
      await ctx.route('**/__host/assets/host-bridge.js', async (route) => {
        const answer = await route.fetch();
        await new Promise((r) => setTimeout(r, 2000));
        await route.fulfill({ response: answer });
      });
      const p = await ctx.newPage();
      await p.goto(`${host.origin}/browse/DEMO-1?as=alice`, { waitUntil: 'commit' });
      // A frame written into the page with its address started before the page listened: its getContext went
      // unanswered and it stayed empty. Now it has no address until the bridge gives it one.
      const f = await (await p.locator('iframe[title="Microsoft 365"]').elementHandle())?.contentFrame();
      if (!f) throw new Error('no panel frame');
      await expect.poll(() => f.evaluate(() => document.body.innerText).catch(() => ''), { timeout: 20_000 }).toContain('Connect Microsoft 365');
    } finally {
      await ctx.close();
    }
  });

  it('refuses what the platform refuses: a payload that is not JSON, an event without a name, an unknown unsubscribe', async () => {
    await subscribe(frames['same app']!, 'account.changed');
    expect(await frames['Microsoft 365']!.evaluate(() => (window as unknown as Win).__bridge.callBridge('emit', { event: 'account.changed', payload: { n: 10n } }).then(() => 'ok', (e: Error) => `${e.name}: ${e.message}`))).toBe('BridgeAPIError: An event payload must be JSON-serializable.');
    expect(await emit(frames['Microsoft 365']!, '', {})).toBe('BridgeAPIError: An event name must be a non-empty string.');
    await settle();
    expect(await got(frames['same app']!)).toEqual([]);
    // The page's functions (a Subscription's unsubscribe) are called by id only by the frame given them.
    expect(await frames['another app']!.evaluate(() => (window as unknown as Win).__bridge.callBridge('__forgeLocalHostFn', { id: 'guess', args: [] }).then(() => 'ok', (e: Error) => e.message))).toBe('Unknown bridge function.');
  });
});
