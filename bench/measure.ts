import type { Frame, Page } from 'playwright-core';
import type { ProbeResult } from './probe';

/** What one render cost, from navigation start to the first rows, and in total once the page went quiet. */
export interface Measurement {
  /** Navigation start of the page → first animation frame with rows (or the card) in the DOM. */
  firstRowsMs: number;
  /** The same, from the navigation start of the rendering frame (the Custom UI iframe; MGT: its page). */
  inFrameMs: number;
  /**
   * Navigation start of the page → the first paint of the rows or card in any form: a SharePoint macro's tab
   * copy where one was shown (warm reloads), else the same as {@link firstRowsMs}. MGT's warm paint is its cache.
   */
  firstPaintMs: number;
  /** The same, from the rendering frame's navigation start. */
  firstPaintInFrameMs: number;
  /** The first paint was the tab's copy (then replaced by the fresh rows at {@link inFrameMs}). */
  fromCopy: boolean;
  state: ProbeResult['state'];
  /** Resolver calls (`/__host/invoke`) started before the first rows, from Resource Timing. */
  resolverBeforeRows: number;
  /** Graph HTTP requests started before the first rows, from Resource Timing in the rendering frame. */
  graphBeforeRows: number;
  /** Counted by the host and the emulator from navigation until quiet. */
  resolverTotal: number;
  graphTotal: number;
  batchParts: number;
  tokenRequests: number;
  /** Where the time went, in ms from the rendering frame's navigation start (undefined: did not happen before the rows). */
  phases: Phases;
}

export interface Phases {
  /** The frame's HTML received (navigation `responseEnd`). */
  htmlDone?: number;
  /** The frame's own JavaScript files received (the last `responseEnd` of a script from the frame's origin). */
  bundleDone?: number;
  /** The frame's HTML, scripts and styles loaded and run (DOMContentLoaded end). */
  scriptsReady?: number;
  /** The app's entry module ran (`m365:module`, static/shared/boot-mark.ts). */
  moduleRun?: number;
  /** `view.getContext()` answered (`m365:context`). */
  context?: number;
  /** The session token known: from the tab, or from the resolver (`m365:token`). */
  token?: number;
  /** The last resolver call that ended before the rows (the session token). */
  resolverDone?: number;
  /** The app called `fetch` for its first Graph request (`m365:graph`). */
  graphAsked?: number;
  /** The first Graph request started (Resource Timing). */
  graphStart?: number;
  /** The last Graph response that ended before the rows. */
  graphDone?: number;
}

export interface Counters {
  resolverInvocations: number;
  graphRequests: number;
  graphBatchParts: number;
  tokenRequests: number;
}

export interface Target {
  /** The rendering frame: the macro's iframe (by title) or the page itself. */
  frameTitle?: string;
}

export async function readCounters(origin: string): Promise<Counters> {
  const s = (await (await fetch(`${origin}/__emulator/state`)).json()) as {
    stats: { host: { resolverInvocations: number }; microsoft: { graphRequests: number; graphBatchParts: number; tokenRequests: number } };
  };
  return { resolverInvocations: s.stats.host.resolverInvocations, ...s.stats.microsoft };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const same = (a: Counters, b: Counters) =>
  a.resolverInvocations === b.resolverInvocations && a.graphRequests === b.graphRequests && a.graphBatchParts === b.graphBatchParts && a.tokenRequests === b.tokenRequests;

/** Waits until neither the host nor the emulator has counted anything for `quietMs`. */
export async function settle(origin: string, quietMs: number, capMs = 5000): Promise<Counters> {
  const until = Date.now() + capMs;
  let last = await readCounters(origin);
  let since = Date.now();
  while (Date.now() < until) {
    await sleep(50);
    const now = await readCounters(origin);
    if (!same(now, last)) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return last;
}

async function renderingFrame(page: Page, t: Target, deadline: number): Promise<Frame> {
  if (!t.frameTitle) return page.mainFrame();
  const el = await page.locator(`iframe[title="${t.frameTitle}"]`).first().elementHandle({ timeout: Math.max(1, deadline - Date.now()) });
  for (;;) {
    const f = await el.contentFrame();
    if (f && f.url().startsWith('http')) return f;
    if (Date.now() > deadline) throw new Error(`the "${t.frameTitle}" iframe never loaded`);
    await sleep(10);
  }
}

/**
 * Measures one render. `navigate` starts the navigation (goto / reload); the clock starts at the new
 * document's navigation start (`performance.timeOrigin` of the top page), so it includes the product
 * page, the Custom UI iframe and its JavaScript, the resolver call and the Graph round trips.
 */
export async function measureRender(page: Page, origin: string, t: Target, navigate: () => Promise<unknown>, opts: { quietMs: number; timeoutMs: number }): Promise<Measurement> {
  const before = await readCounters(origin);
  await navigate();
  const deadline = Date.now() + opts.timeoutMs;
  const navStart = await page.evaluate(() => performance.timeOrigin);
  const frame = await renderingFrame(page, t, deadline);
  let probe: ProbeResult | undefined;
  while (!probe) {
    probe = await frame.evaluate(() => window.__bench).catch(() => undefined);
    if (probe) break;
    if (Date.now() > deadline) {
      const alert = await frame.evaluate(() => window.__benchAlert).catch(() => undefined);
      const text = await frame.evaluate(() => document.body?.innerText.slice(0, 300)).catch(() => '');
      throw new Error(`no rows within ${opts.timeoutMs} ms in ${frame.url()}${alert ? ` — alert: ${alert}` : ''} — page text: ${JSON.stringify(text)}`);
    }
    await sleep(20);
  }
  const rows = probe;
  const frameStart = await frame.evaluate(() => performance.timeOrigin);
  const after = await settle(origin, opts.quietMs);

  // Resource Timing, on the same epoch clock as the probe: which requests started before the rows.
  const entries = async (f: Frame) =>
    f.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + (e as PerformanceResourceTiming).responseEnd })),
    );
  const top = await entries(page.mainFrame());
  const inFrame = frame === page.mainFrame() ? top : await entries(frame);
  const isGraph = (u: string) => /\/graph\/v1\.0\/|^https:\/\/graph\.microsoft\.com\//.test(u);
  const isResolver = (u: string) => u.includes('/__host/invoke');
  type Entry = (typeof top)[number];
  const startedBefore = (list: Entry[], test: (u: string) => boolean) => list.filter((e) => test(e.name) && e.start <= rows.at).length;
  const rel = (t: number | undefined) => (t === undefined || !Number.isFinite(t) ? undefined : t - frameStart);
  const graph = inFrame.filter((e) => isGraph(e.name) && e.start <= rows.at);
  const ended = (list: Entry[]) => list.filter((e) => e.end > 0 && e.end <= rows.at).map((e) => e.end);
  // Navigation Timing, the frame's own scripts and the app's boot marks (relative to the frame's time origin already).
  // A string, not a function: tsx names inner arrow functions with a `__name` helper the page lacks.
  const boot = await frame.evaluate<{ html?: number; dcl?: number; bundle?: number; module?: number; context?: number; token?: number; graph?: number }>(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const scripts = performance.getEntriesByType('resource')
      .filter((e) => e.initiatorType === 'script' && new URL(e.name).origin === location.origin)
      .map((e) => e.responseEnd);
    const mark = (n) => { const m = performance.getEntriesByName(n, 'mark')[0]; return m ? m.startTime : undefined; };
    return { html: nav && nav.responseEnd, dcl: nav && nav.domContentLoadedEventEnd, bundle: scripts.length ? Math.max(...scripts) : undefined, module: mark('m365:module'), context: mark('m365:context'), token: mark('m365:token'), graph: mark('m365:graph') };
  })()`);
  const beforeRows = (t: number | undefined) => (t !== undefined && t > 0 && frameStart + t <= rows.at ? t : undefined);
  const phases: Phases = {
    htmlDone: beforeRows(boot.html),
    bundleDone: beforeRows(boot.bundle),
    scriptsReady: boot.dcl ? boot.dcl : undefined,
    moduleRun: beforeRows(boot.module),
    context: beforeRows(boot.context),
    token: beforeRows(boot.token),
    graphAsked: beforeRows(boot.graph),
    resolverDone: rel(Math.max(...ended(top.filter((e) => isResolver(e.name))))),
    graphStart: rel(Math.min(...graph.map((e) => e.start))),
    graphDone: rel(Math.max(...ended(graph))),
  };

  return {
    firstRowsMs: rows.at - navStart,
    inFrameMs: rows.at - frameStart,
    firstPaintMs: rows.firstAt - navStart,
    firstPaintInFrameMs: rows.firstAt - frameStart,
    fromCopy: rows.fromCopy,
    state: rows.state,
    resolverBeforeRows: startedBefore(top, (u) => u.includes('/__host/invoke')),
    graphBeforeRows: startedBefore(inFrame, isGraph),
    resolverTotal: after.resolverInvocations - before.resolverInvocations,
    graphTotal: after.graphRequests - before.graphRequests,
    batchParts: after.graphBatchParts - before.graphBatchParts,
    tokenRequests: after.tokenRequests - before.tokenRequests,
    phases,
  };
}
