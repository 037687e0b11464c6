/**
 * `npm run bench` — cold and warm renders of the SharePoint List and Document macros against the
 * local host and emulator with injected Graph latency, side by side with Microsoft Graph Toolkit's
 * `mgt-file-list` / `mgt-file` on the same emulator and the same libraries; then the Jira issue panel with
 * 10 shared items from 3 sharers (bench/panel.ts, also `npm run bench:panel` alone) and the Confluence page of
 * five Microsoft 365 items (bench/confluence-page.ts, `npm run bench:page`) at the first latency.
 * Prints the tables and writes them to bench/RESULTS.md.
 *
 *   npm run bench                                  # 5 runs per cell, 50 ms Graph latency (~2–3 min on 2 idle cores)
 *   npm run bench -- --latency 50,0 --runs 3       # also without latency: shows the processing cost of big lists
 *   npm run bench -- --skip-build --no-peer --out /tmp/bench.md
 *   npm run bench -- --no-panel                   # the macros only
 *   npm run bench -- --no-panel --runs 1 --only "Tasks,Document ("   # quick look at a few scenarios
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { entryJsBytes, gzippedJsBytes } from '../scripts/build-ui';
import type { Result, SessionToken } from '../src/contract';
import { launchChromium } from '../test/support/browser';
import { ROOT, startTestHost, type TestHost } from '../test/support/host';
import { measureRender, readCounters, settle as settleCounters, type Measurement } from './measure';
import { bundleMgt, type MgtBundle } from './mgt/bundle';
import { routeGraphToEmulator, servePeer, type PeerServer } from './mgt/serve';
import { probeScript, type ProbeOptions } from './probe';
import { HEADER, MGT_RATIO_HEADER, PHASE_HEADER, cells, markdownTable, median, mgtRatios, phaseCells, roundTripsInARow, textTable, type Render, type Row } from './report';
import { resolveTargets, type Targets } from './targets';
import { runPanelBench } from './panel';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    latency: { type: 'string', default: '50' },
    'skip-build': { type: 'boolean', default: false },
    'no-peer': { type: 'boolean', default: false },
    'no-panel': { type: 'boolean', default: false },
    /** Only the scenarios whose name starts with one of these (comma-separated), e.g. `--only "Tasks,Document"`. */
    only: { type: 'string' },
    out: { type: 'string', default: join(ROOT, 'bench/RESULTS.md') },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const LATENCIES = String(args.latency).split(',').map((s) => Number(s.trim())).filter((n) => Number.isFinite(n) && n >= 0);
const PAGE_ID = '65601';
const USER = 'alice';
const RESOURCES = ['sp-list', 'sp-list-config', 'sp-document', 'sp-document-config'] as const;

interface Scenario {
  name: string;
  /** After the renders: search the whole list for this item's title (Microsoft Search above the threshold). */
  search?: string;
  who: 'app' | 'MGT';
  jsGzBytes?: number;
  /** Put the page into the state this scenario renders (e.g. place the macro). */
  prepare(): Promise<void>;
  url: string;
  frameTitle?: string;
  peer: boolean;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

/** Hosts other than the local host and the emulator that each scenario's pages asked for (`app` / `MGT`). */
const otherHosts: Record<Scenario['who'], Set<string>> = { app: new Set(), MGT: new Set() };

let macrosMarkdown = '';

async function main() {
  const started = Date.now();
  const loadAtStart = loadavg()[0] ?? 0;
  if (!args['skip-build']) {
    log('building the macros’ Custom UI …');
    const b = spawnSync('npx', ['tsx', 'scripts/build-ui.ts', ...RESOURCES], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (b.status !== 0) throw new Error('the Custom UI build failed (see above); fix it or run with --skip-build');
  }
  const sizes = Object.fromEntries(RESOURCES.map((r) => [r, gzippedJsBytes(join(ROOT, 'static', r, 'dist'))])) as Record<(typeof RESOURCES)[number], number>;
  // What each frame loads before it runs (the macros' views follow as a chunk while Graph answers).
  const entrySizes = Object.fromEntries(RESOURCES.map((r) => [r, entryJsBytes(join(ROOT, 'static', r, 'dist'))])) as Record<(typeof RESOURCES)[number], number>;

  const [host, mgt] = await Promise.all([startTestHost({ log: () => {} }), args['no-peer'] ? Promise.resolve(undefined) : bundleMgt().catch((e: Error) => e)]);
  let browser: Browser | undefined;
  let peer: PeerServer | undefined;
  try {
    // With third-party storage allowed the Custom UI iframe gets sessionStorage, so a session token
    // survives a reload of the page: that is what makes a *warm* render (token present) measurable.
    browser = await launchChromium({ thirdPartyStorage: true });
    await signIn(browser, host);
    const targets = await resolveTargets(graphAs(host));
    if (mgt && !(mgt instanceof Error)) peer = await servePeer(mgt.dir, host.origin, USER);
    const mgtProblem = mgt instanceof Error ? `MGT could not be bundled: ${mgt.message}` : undefined;

    const only = args.only?.split(',').map((x) => x.trim()).filter(Boolean);
    const scenarios = defineScenarios(host, targets, sizes, mgt instanceof Error ? undefined : mgt, peer).filter((s) => !only?.length || only.some((o) => s.name.startsWith(o)));
    const probeOpts: ProbeOptions = { documentCardTexts: targets.document.cardTexts, mgtFileTexts: [targets.document.name] };
    const rows: Row[] = [];
    const searches: SearchRun[] = [];
    for (const latencyMs of LATENCIES) {
      await faults(host, { latencyMs });
      // Round by round over every scenario (app and MGT alike), not all runs of one scenario in a row: a
      // slow spell of this shared machine then lands on both sides of each app ÷ MGT ratio instead of on one.
      const runs = new Map(scenarios.map((s) => [s, { cold: [] as Measurement[], warm: [] as Measurement[] }]));
      const errors = new Map<Scenario, string>(scenarios.filter((s) => s.who === 'MGT' && !peer).map((s) => [s, mgtProblem ?? 'peer disabled']));
      // One unrecorded round first (in the first latency block only), so no scenario pays for the
      // functions' worker starting, JIT and disk caches warming up.
      const warmUp = latencyMs === LATENCIES[0] ? 1 : 0;
      for (let i = 0; i < RUNS + warmUp; i++) {
        for (const s of scenarios) {
          if (errors.has(s)) continue;
          try {
            await s.prepare();
            const pair = await coldThenWarm(browser, host, s, probeOpts);
            if (i >= warmUp) {
              runs.get(s)?.cold.push(pair.cold);
              runs.get(s)?.warm.push(pair.warm);
            }
          } catch (e) {
            const error = (e as Error).message.split('\n')[0]?.slice(0, 160) ?? 'failed';
            errors.set(s, error);
            log(`  ${s.name} (${s.who}) at ${latencyMs} ms: ${error}`);
          }
        }
      }
      for (const s of scenarios) {
        const error = errors.get(s);
        const r = runs.get(s) ?? { cold: [], warm: [] };
        if (!error && s.search) {
          try {
            await s.prepare();
            for (let i = 0; i < RUNS; i++) searches.push({ latencyMs, scenario: s.name, text: s.search, ...(await searchOnce(browser, host, s, probeOpts, s.search)) });
          } catch (e) {
            log(`  ${s.name} search at ${latencyMs} ms: ${(e as Error).message.split('\n')[0]?.slice(0, 160)}`);
          }
        }
        for (const render of ['cold', 'warm'] as const) {
          rows.push({ latencyMs, scenario: s.name, who: s.who, render, runs: r[render], ...(s.jsGzBytes !== undefined ? { jsGzBytes: s.jsGzBytes } : {}), ...(error ? { error } : {}) });
        }
        log(`  ${latencyMs} ms · ${s.name} · ${s.who}: cold ${fmtMedian(r.cold)}, warm ${fmtMedian(r.warm)}`);
      }
    }
    await faults(host, { latencyMs: 0 });

    const out = report(rows, searches, sizes, entrySizes, mgt instanceof Error ? undefined : mgt, mgtProblem, (Date.now() - started) / 1000, [loadAtStart, loadavg()[0] ?? 0]);
    process.stdout.write(`${out.text}\n`);
    writeFileSync(String(args.out), out.markdown);
    macrosMarkdown = out.markdown;
    log(`\nwrote ${String(args.out)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await browser?.close();
    await peer?.close();
    await host.stop();
    if (mgt && !(mgt instanceof Error)) rmSync(mgt.dir, { recursive: true, force: true });
  }
}

const fmtMedian = (ms: Measurement[]) => (ms.length ? `${median(ms.map((m) => m.firstRowsMs)).toFixed(0)} ms` : '—');

function defineScenarios(host: TestHost, t: Targets, sizes: Record<string, number>, mgt: MgtBundle | undefined, peer: PeerServer | undefined): Scenario[] {
  const pageUrl = `${host.origin}/wiki/spaces/DEMO/pages/${PAGE_ID}`;
  const place = (moduleKey: string, config: unknown) => async () => {
    await editPage(host, 'DELETE', 'bench-macro');
    await editPage(host, 'POST', 'bench-macro', { moduleKey, localId: 'bench-macro', config });
  };
  const list = (name: string, config: unknown): Scenario => ({ name, who: 'app', jsGzBytes: sizes['sp-list'], prepare: place('sharepoint-list', config), url: pageUrl, frameTitle: 'SharePoint List', peer: false });
  const peerPage = (name: string, page: 'file-list' | 'file', query: Record<string, string>): Scenario => ({
    name,
    who: 'MGT',
    ...(mgt ? { jsGzBytes: mgt.gzippedJsBytes[page] } : {}),
    prepare: async () => {},
    url: `${peer?.origin ?? ''}/__bench/mgt/${page}.html?${new URLSearchParams(query)}`,
    peer: true,
  });
  const pageSize = String(t.documents.config.pageSize);
  return [
    list('Tasks list (50 items)', t.tasks),
    { ...list('Big list (10,000 items)', t.bigList), search: 'Record 05000' },
    list('Documents library', t.documents.config),
    peerPage('Documents library', 'file-list', { driveId: t.documents.driveId, itemId: 'root', pageSize }),
    list('Archive library (2,000 files)', t.archive.config),
    peerPage('Archive library (2,000 files)', 'file-list', { driveId: t.archive.driveId, itemId: 'root', pageSize }),
    { name: `Document (${t.document.name})`, who: 'app', jsGzBytes: sizes['sp-document'], prepare: place('sharepoint-document', t.document.config), url: pageUrl, frameTitle: 'SharePoint Document', peer: false },
    peerPage(`Document (${t.document.name})`, 'file', { driveId: t.document.config.driveId, itemId: t.document.config.itemId }),
  ];
}

/**
 * Cold: a new browser context (no sessionStorage, no IndexedDB, no HTTP cache), so the view holds no
 * session token. Warm: a reload of the same tab, where the token from the cold render is still in
 * sessionStorage (and MGT's IndexedDB cache is filled).
 */
async function coldThenWarm(browser: Browser, host: TestHost, s: Scenario, probe: ProbeOptions): Promise<Record<Render, Measurement>> {
  const ctx = await newContext(browser, host, s, probe);
  try {
    const page = await ctx.newPage();
    const quietMs = 300;
    const opts = { quietMs, timeoutMs: 15_000 };
    const target = s.frameTitle ? { frameTitle: s.frameTitle } : {};
    const cold = await measureRender(page, host.origin, target, () => page.goto(s.url, { waitUntil: 'commit' }), opts);
    const warm = await measureRender(page, host.origin, target, () => page.reload({ waitUntil: 'commit' }), opts);
    return { cold, warm };
  } finally {
    await ctx.close();
  }
}

interface SearchRun {
  latencyMs: number;
  scenario: string;
  text: string;
  /** Submit → the first animation frame with the found row on screen. */
  ms: number;
  /** Graph requests the emulator counted for the search (until quiet). */
  graphRequests: number;
  batchParts: number;
  /** Of those seen by the frame, how many ran one after another (see `roundTripsInARow`). */
  roundTrips: number;
}

/**
 * The whole-list search: the macro rendered (session token in the tab), the search typed and submitted
 * as a user does (Enter), timed in the frame from the submit to the first animation frame that shows a
 * row with exactly that title; the emulator counts the Graph requests it took.
 */
async function searchOnce(browser: Browser, host: TestHost, s: Scenario, probe: ProbeOptions, text: string): Promise<Omit<SearchRun, 'latencyMs' | 'scenario' | 'text'>> {
  const ctx = await newContext(browser, host, s, probe);
  try {
    const page = await ctx.newPage();
    const target = s.frameTitle ? { frameTitle: s.frameTitle } : {};
    await measureRender(page, host.origin, target, () => page.goto(s.url, { waitUntil: 'commit' }), { quietMs: 300, timeoutMs: 15_000 });
    const frame = page.frameLocator(`iframe[title="${s.frameTitle ?? ''}"]`);
    const box = frame.getByRole('searchbox');
    await box.waitFor();
    const el = await box.elementHandle();
    const f = await el?.ownerFrame();
    if (!el || !f) throw new Error('no search box in the macro');
    const before = await readCounters(host.origin);
    // No named inner functions in the page function: tsx would wrap them in a `__name` helper the page lacks.
    const timed = await f.evaluate(
      async ([input, text]) => {
        const box = input as HTMLInputElement;
        const form = box.form;
        if (!form) throw new Error('the search box is in no form');
        box.value = text;
        box.dispatchEvent(new Event('input', { bubbles: true }));
        // Let Preact render the typed text before the submit reads it.
        await new Promise((r) => requestAnimationFrame(r));
        const t0 = performance.now();
        form.requestSubmit();
        for (;;) {
          await new Promise((r) => requestAnimationFrame(r));
          if (Array.from(document.querySelectorAll('tbody td')).some((td) => (td.textContent ?? '').trim() === text)) break;
          if (performance.now() > t0 + 15_000) throw new Error(`"${text}" never appeared`);
        }
        const t1 = performance.now();
        const graph = performance
          .getEntriesByType('resource')
          .filter((e) => e.startTime >= t0 && e.startTime <= t1 && /\/graph\/v1\.0\/|^https:\/\/graph\.microsoft\.com\//.test(e.name))
          .map((e) => ({ start: e.startTime, end: (e as PerformanceResourceTiming).responseEnd }));
        return { ms: t1 - t0, graph };
      },
      [el, text] as const,
    );
    const after = await settleCounters(host.origin, 300);
    return { ms: timed.ms, graphRequests: after.graphRequests - before.graphRequests, batchParts: after.graphBatchParts - before.graphBatchParts, roundTrips: roundTripsInARow(timed.graph) };
  } finally {
    await ctx.close();
  }
}

async function newContext(browser: Browser, host: TestHost, s: Scenario, probe: ProbeOptions): Promise<BrowserContext> {
  const ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
  await ctx.addCookies([{ name: 'forge_local_as', value: USER, url: host.origin }]);
  await ctx.addInitScript(probeScript(probe));
  ctx.on('request', (r) => {
    const { hostname, protocol } = new URL(r.url());
    if (protocol.startsWith('http') && hostname !== 'localhost' && hostname !== '127.0.0.1') otherHosts[s.who].add(hostname);
  });
  if (s.peer) await routeGraphToEmulator(ctx, host.microsoftOrigins.graph);
  return ctx;
}

/** What the host's invoke endpoint answers: the platform's envelope around the resolver's result. */
type Invoked<T> = { ok: boolean; value?: Result<T> } | undefined;

/** Alice connects Microsoft 365 once, on the emulator's own sign-in pages; every later context reuses it server-side. */
async function signIn(browser: Browser, host: TestHost) {
  const started = (await host.asUser(USER).invoke('sharepoint-list', 'account/connect')) as Invoked<{ authorizeUrl: string }>;
  const url = started?.value?.ok ? started.value.value.authorizeUrl : undefined;
  if (!url) throw new Error(`account/connect failed: ${JSON.stringify(started)}`);
  const ctx = await browser.newContext();
  try {
    const page: Page = await ctx.newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'alice@contoso.com' }).click();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForLoadState();
    const h1 = await page.textContent('h1');
    if (h1 !== 'Microsoft 365 connected') throw new Error(`sign-in failed: ${h1}`);
  } finally {
    await ctx.close();
  }
}

/** Graph as alice, with a token from the app's own resolver (used to build the macro configurations). */
function graphAs(host: TestHost) {
  let token: Promise<{ accessToken: string; graphBaseUrl: string }> | undefined;
  return async <T>(path: string): Promise<T> => {
    token ??= host
      .asUser(USER)
      .invoke('sharepoint-list', 'account/token', {})
      .then((r: Invoked<SessionToken>) => {
        if (!r?.value?.ok) throw new Error(`account/token failed: ${JSON.stringify(r)}`);
        return r.value.value;
      });
    const t = await token;
    const res = await fetch(`${t.graphBaseUrl}${path}`, { headers: { authorization: `Bearer ${t.accessToken}` } });
    if (!res.ok) throw new Error(`Graph ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

async function editPage(host: TestHost, method: 'POST' | 'DELETE', localId: string, body?: unknown) {
  const url = `${host.origin}/__host/pages/${PAGE_ID}/macros${method === 'DELETE' ? `/${localId}` : ''}`;
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', cookie: `forge_local_as=${USER}` }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
}

async function faults(host: TestHost, graph: { latencyMs: number }) {
  const res = await fetch(`${host.origin}/__emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ graph }) });
  if (!res.ok) throw new Error(`faults: ${res.status}`);
}

function report(rows: Row[], searches: SearchRun[], sizes: Record<string, number>, entrySizes: Record<string, number>, mgt: MgtBundle | undefined, mgtProblem: string | undefined, seconds: number, load: [number, number]) {
  const table = rows.map(cells);
  const firstRows = (latencyMs: number, scenario: string, who: string, render: Render, metric: 'firstRowsMs' | 'inFrameMs') => {
    const r = rows.find((x) => x.latencyMs === latencyMs && x.scenario.startsWith(scenario) && x.who === who && x.render === render);
    return r && r.runs.length ? median(r.runs.map((m) => m[metric])) : NaN;
  };
  const ratioRows: string[][] = [];
  for (const latencyMs of LATENCIES) {
    for (const [big, small, who] of [['Big list', 'Tasks list', 'app'], ['Archive library', 'Documents library', 'app'], ['Archive library', 'Documents library', 'MGT']] as const) {
      const vals = (['firstRowsMs', 'inFrameMs'] as const).flatMap((metric) =>
        (['cold', 'warm'] as const).map((render) => {
          const q = firstRows(latencyMs, big, who, render, metric) / firstRows(latencyMs, small, who, render, metric);
          return Number.isFinite(q) ? `${q.toFixed(2)}×` : '—';
        }),
      );
      ratioRows.push([`${latencyMs} ms`, `${big} / ${small}`, who, ...vals]);
    }
  }
  const vsMgt = mgtRatios(rows, LATENCIES);
  const searchRows = LATENCIES.flatMap((latencyMs) => {
    const runs = searches.filter((x) => x.latencyMs === latencyMs);
    if (!runs.length) return [];
    const span = (xs: number[]) => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`);
    const ms = runs.map((x) => x.ms);
    return [[`${latencyMs} ms`, runs[0]?.scenario ?? '', `“${runs[0]?.text ?? ''}”`, `${median(ms).toFixed(0)} ms (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})`, span(runs.map((x) => x.graphRequests)), span(runs.map((x) => x.roundTrips)), span(runs.map((x) => x.batchParts))]];
  });
  const searchHeader = ['latency', 'whole-list search', 'for', 'submit → row on screen', 'Graph requests (emulator)', 'round trips in a row', '$batch parts'];
  const searchWithin = (n: number) => {
    if (!searches.length) return 'not measured';
    const over = searches.filter((x) => x.graphRequests > n || x.roundTrips > n);
    return over.length === 0 ? `yes (${[...new Set(searches.map((x) => x.graphRequests))].join(', ')} Graph requests)` : `no — ${over.length} of ${searches.length} runs took more (${over.map((x) => x.graphRequests).join(', ')} requests)`;
  };
  const ratioHeader = ['latency', 'first rows ratio', 'by', 'cold (from navigation)', 'warm (from navigation)', 'cold (from frame start)', 'warm (from frame start)'];
  const sizeRows: string[][] = [
    ...Object.entries(sizes).map(([k, v]) => [`app: ${k}`, `${(v / 1024).toFixed(1)} KB`, `${((entrySizes[k] ?? v) / 1024).toFixed(1)} KB`]),
    ...(mgt ? Object.entries(mgt.gzippedJsBytes).map(([k, v]) => [`MGT 4.6: a page with only mgt-${k} (Vite build)`, `${(v / 1024).toFixed(1)} KB`, '—']) : []),
  ];
  const sizeHeader = ['Custom UI resource', 'JS gzipped', 'of it loaded before the frame runs'];
  const phaseRows = rows.filter((r) => r.latencyMs === LATENCIES[0]).map(phaseCells).filter((c): c is string[] => c !== undefined);
  const phaseTitle = `Where the time goes at ${LATENCIES[0]} ms (medians, ms from the navigation start of the macro’s iframe; MGT: of its page):`;
  const notes = [
    `Median of ${RUNS} runs per cell, taken round by round over all scenarios (app and MGT alternate) after one unrecorded round; Chromium ${'headless'} with third-party storage allowed (\`launchChromium({ thirdPartyStorage: true })\`), so the Custom UI iframe keeps its session token in sessionStorage across a reload.`,
    'cold = a new browser context (no session token, no caches); warm = reload of the same tab (session token present; the macros also have their tab copy of what they last showed, MGT its IndexedDB cache).',
    'first rows = from the navigation start of the Confluence page (MGT: of its own page), and of the macro’s iframe, to the first animation frame with a table row with text (Document: the card with Graph’s size) in the view, fresh from Graph; first paint = the same for the tab’s copy (static/shared/sharepoint/tab-copy.ts), which the fresh rows then replace.',
    '“before rows” counts from Resource Timing what started before that frame; “total” is what the host and the emulator counted until 300 ms of quiet (under heavy load MGT’s folder reads after the rows can straggle past that, hence their ranges).',
    'Latency is injected into every Graph HTTP request by the emulator; page, Custom UI files, resolver and token endpoint get none. The emulator answers CORS preflights at once (real Graph costs a round trip per preflight).',
    'MGT 4.6 runs unmodified, on a page of its own (not inside a Forge iframe — compare the “from frame start” column), with a SimpleProvider whose token comes from the app’s own `account/token` resolver (concurrent asks share one call; kept in sessionStorage like the macros’ token); its `https://graph.microsoft.com` requests are fetched from the emulator by Playwright’s `route` and fulfilled unchanged. It first reads `/me` on every load (the key of its IndexedDB cache), then the library; after the first rows `mgt-file-list` reads the first 5 children of every folder shown (10 in Archive). A warm MGT render shows its IndexedDB copy (kept up to an hour by default), not a fresh Graph answer.',
  ];
  // The issue's speed targets, read off the measurements (reported, never asserted).
  const appLists = rows.filter((r) => r.who === 'app' && r.runs.length && !r.scenario.startsWith('Document ('));
  const roundTrips = (render: Render, resolver: number) => {
    const off = appLists.filter((r) => r.render === render && r.runs.some((m) => m.resolverBeforeRows !== resolver || m.graphBeforeRows !== 1));
    return off.length === 0 ? 'yes' : `no — ${off.map((r) => `${r.scenario} at ${r.latencyMs} ms`).join('; ')}`;
  };
  const ratios = ratioRows.filter((r) => r[2] === 'app' && r.slice(3, 5).some((v) => v !== '—'));
  const slow = ratios.filter((r) => r.slice(3, 5).some((v) => parseFloat(v) > 1.2));
  const big = Object.entries(sizes).filter(([, v]) => v > 45 * 1024);
  const bigEntry = Object.entries(entrySizes).filter(([, v]) => v > 45 * 1024);
  const kbOf = (xs: Array<[string, number]>) => xs.map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} KB`).join(', ');
  const checks = [
    ...vsMgt.verdicts.map((v) => `against MGT from frame start (goal cold ≤ 1.0×, warm ≤ 1.25×), ${v}`),
    `whole-list search on the 10,000-item list within 2 Graph round trips — ${searchWithin(2)}`,
    // The admin's switch (`settings/public`, static/shared/sharepoint/macro-policy.ts) is asked alongside, never waited for.
    `warm list renders: first rows after 1 Graph request and no token call (1 resolver call: settings/public, alongside) — ${appLists.length ? roundTrips('warm', 1) : 'not measured'}`,
    `cold list renders: 1 Graph request and 2 resolver calls side by side (account/token, settings/public) — ${appLists.length ? roundTrips('cold', 2) : 'not measured'}`,
    `Big list / Tasks and Archive / Documents first rows within 1.2× (from navigation) — ${ratios.length === 0 ? 'not measured' : slow.length === 0 ? 'yes' : `no — ${slow.map((r) => `${r[1]} at ${r[0]}: ${r[3]} cold, ${r[4]} warm`).join('; ')}`}`,
    `each Custom UI resource ≤ 45 KB gzipped: what a frame loads before it runs — ${bigEntry.length === 0 ? 'yes' : `no — ${kbOf(bigEntry)}`}; all of it, the view chunk loaded while Graph answers included — ${big.length === 0 ? 'yes' : `no — ${kbOf(big)}`}`,
  ];
  const hosts = (who: Scenario['who']) => (otherHosts[who].size ? [...otherHosts[who]].sort().join(', ') : 'none');
  notes.push(`Requests to hosts other than the local host and emulator — app: ${hosts('app')}; MGT: ${hosts('MGT')} (graph.microsoft.com is routed to the emulator; MGT’s file-type icons come from Microsoft’s CDN spoprod-a.akamaihd.net — a host this app’s manifest does not list — and are answered with an empty icon here).`);
  if (mgtProblem) notes.push(mgtProblem);
  const busy = Math.max(...load) > cpus().length;
  notes.push(`Machine: ${cpus().length} cores, 1-minute load average ${load[0].toFixed(1)} at the start and ${load[1].toFixed(1)} at the end${busy ? ' — a busy machine: times are inflated and noisy, counts and sizes are not' : ''}; the run took ${seconds.toFixed(0)} s.`);
  const text = [
    textTable(HEADER, table),
    '',
    textTable(ratioHeader, ratioRows),
    '',
    'App ÷ MGT (warm: the app’s first paint is its tab copy, then its fresh rows; MGT’s warm figure is its cached copy):',
    textTable(MGT_RATIO_HEADER, vsMgt.rows),
    '',
    ...(searchRows.length ? [textTable(searchHeader, searchRows), ''] : []),
    textTable(sizeHeader, sizeRows),
    '',
    phaseTitle,
    textTable(PHASE_HEADER, phaseRows),
    '',
    'Against the issue’s speed targets (measured, not asserted):',
    ...checks.map((c) => `  ${c}`),
    '',
    ...notes.map((n) => `· ${n}`),
  ].join('\n');
  const markdown = [
    '# Benchmark: SharePoint macros vs. Microsoft Graph Toolkit',
    '',
    `Produced by \`npm run bench\` (${new Date().toISOString().slice(0, 10)}, ${RUNS} runs, Graph latency ${LATENCIES.join(' / ')} ms).`,
    '',
    markdownTable(HEADER, table),
    '',
    markdownTable(ratioHeader, ratioRows),
    '',
    'App ÷ MGT (warm: the app’s first paint is its tab copy, then its fresh rows; MGT’s warm figure is its cached copy):',
    '',
    markdownTable(MGT_RATIO_HEADER, vsMgt.rows),
    '',
    ...(searchRows.length ? [markdownTable(searchHeader, searchRows), ''] : []),
    markdownTable(sizeHeader, sizeRows),
    '',
    phaseTitle,
    '',
    markdownTable(PHASE_HEADER, phaseRows),
    '',
    'Against the issue’s speed targets (measured, not asserted):',
    '',
    ...checks.map((c) => `- ${c}`),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  return { text, markdown };
}

await main();
if (!args['no-panel']) {
  // After the macros' host has stopped: the panel runs in a host of its own.
  const panel = await runPanelBench({ runs: RUNS, latencyMs: LATENCIES[0] ?? 50, skipBuild: args['skip-build'], log });
  process.stdout.write(`\n${panel.text}\n`);
  writeFileSync(String(args.out), `${macrosMarkdown}\n${panel.markdown}`);
  log(`wrote the issue panel to ${String(args.out)}`);
}

if (!args['no-panel']) {
  // The Confluence page of five Microsoft 365 item macros (bench/confluence-page.ts), in a host of its own.
  const { runPageBench, SECTION } = await import('./confluence-page');
  const { writeSection } = await import('./setup');
  const page = await runPageBench({ runs: RUNS, latencyMs: LATENCIES[0] ?? 50, skipBuild: args['skip-build'], log });
  process.stdout.write(`\n${page.text}\n`);
  writeSection(String(args.out), SECTION, page.markdown);
  log(`wrote the Confluence page to ${String(args.out)}`);
}
