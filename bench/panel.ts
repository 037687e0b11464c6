/**
 * `npm run bench:panel` (and the end of `npm run bench`) — the Jira issue panel with 10 shared mails and
 * conversations from 3 sharers on DEMO-1 (issue 9, "Speed"), with Graph latency injected by the emulator.
 *
 * The shares are made through the app's own `sharing/create` resolver as each sharer, after each signed in
 * through the emulator's sign-in pages with Mail.Read, exactly as the panel does it. Then two measurements:
 *
 * 1. The server view path alone: `sharing/panel` invoked as Bob (what the panel's shared items cost):
 *    resolver calls, KVS operations by kind, identity (token endpoint) calls, Graph round trips and `$batch`
 *    parts per sharer, and the resolver's wall time. **cold** = every sharer's cached access token expired
 *    (the host clock moved 61 minutes on) and a fresh invocation; **warm** = the same call right after.
 * 2. The panel in Chromium as Bob: time to the first shared item on screen (from the issue page's
 *    navigation and from the panel iframe's), resolver calls by function, everything the host and the
 *    emulator counted. **cold** = a new browser context after the clock moved on (no session token in the tab,
 *    sharers' tokens expired); **new tab** = a new context with the server's tokens cached; **warm** = a
 *    reload of the same tab.
 *
 *   npm run bench:panel                        # 5 runs per cell, 50 ms Graph latency (~1 min on 2 busy cores)
 *   npm run bench:panel -- --runs 3 --skip-build --out /tmp/panel.md
 *
 * Writes its section of bench/RESULTS.md (after the macros' tables, which `npm run bench` writes first).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { gzippedJsBytes } from '../scripts/build-ui';
import { launchChromium } from '../test/support/browser';
import { ROOT, startTestHost, type TestHost } from '../test/support/host';
import { measureRender, type Measurement } from './measure';
import { probeScript } from './probe';
import { median } from './report';
import { KVS_KINDS, adminApproves as approve, connect as connectAs, costBetween, count, expireTokens, faults, jsFiles, kb, kvsCells, machineNote, millis, snapshot, renderSection, runSectionCli, type Cost } from './setup';

const MODULE = 'm365-issue-panel';
const ISSUE_ID = '10001';
const ISSUE_PATH = '/browse/DEMO-1';
const FRAME_TITLE = 'Microsoft 365';
const VIEWER = 'bob';
/** Who shares what (fixture mail keys, dev/fixtures/demo-tenant.json): 10 items, 3 sharers, mails and conversations. */
const SHARES: Array<{ user: 'alice' | 'bob' | 'carol'; mail: string; kind: 'mail' | 'conversation' }> = [
  { user: 'alice', mail: 'a1', kind: 'conversation' },
  { user: 'alice', mail: 'a5', kind: 'mail' },
  { user: 'alice', mail: 'a9', kind: 'mail' },
  { user: 'alice', mail: 'a10', kind: 'mail' },
  { user: 'bob', mail: 'b2', kind: 'mail' },
  { user: 'bob', mail: 'b3', kind: 'mail' },
  { user: 'bob', mail: 'b4', kind: 'conversation' },
  { user: 'carol', mail: 'c1', kind: 'mail' },
  { user: 'carol', mail: 'c2', kind: 'mail' },
  { user: 'carol', mail: 'c3', kind: 'mail' },
];
const SHARERS = ['alice', 'bob', 'carol'] as const;
/** The heading of this benchmark's section in bench/RESULTS.md. */
const SECTION = '## Issue panel: 10 shared items from 3 sharers';
/** Graph latency for the "in parallel?" check. */
const PROBE_LATENCY_MS = 250;

export interface PanelBenchOptions {
  runs: number;
  latencyMs: number;
  skipBuild: boolean;
  log: (line: string) => void;
}

/** The difference of two snapshots for this page's sharers; `browserGraph` = the viewer's own Graph traffic from the browser, not the server's. */
const cost = (a: Awaited<ReturnType<typeof snapshot>>, b: Awaited<ReturnType<typeof snapshot>>, browserGraph = { requests: 0, batchParts: 0 }): Cost => costBetween(a, b, SHARERS, VIEWER, browserGraph);

/** Signs `user` in to Microsoft 365 through the app with Mail.Read, as the panel's "Allow reading mail" does. */
const connect = (host: TestHost, user: string): Promise<void> => connectAs(host, MODULE, user, 'share.mail');

/** Bob's and Carol's accounts may read mail once an admin approved it for Contoso: Alice does, from the app's settings. */
const adminApproves = (host: TestHost): Promise<void> => approve(host, 'share.mail');

async function seed(host: TestHost): Promise<void> {
  await adminApproves(host);
  for (const u of SHARERS) await connect(host, u);
  for (const s of SHARES) {
    const box = ((await (await fetch(`${host.origin}/__emulator/mail?user=${s.user}`)).json()) as { messages: Array<{ key: string; immutableId: string }> }).messages;
    const m = box.find((x) => x.key === s.mail);
    if (!m) throw new Error(`no mail ${s.mail} in ${s.user}'s mailbox`);
    const r = (await host.asUser(s.user).invoke(MODULE, 'sharing/create', { issueId: ISSUE_ID, kind: s.kind, messageId: m.immutableId, scope: 'atlassian' })) as { value?: { ok?: boolean } };
    if (!r.value?.ok) throw new Error(`sharing/create ${s.mail} as ${s.user}: ${JSON.stringify(r)}`);
  }
}

/** The panel's view as Bob must show all 10 items, each read from its sharer's mailbox. */
async function checkView(host: TestHost): Promise<void> {
  const r = (await host.asUser(VIEWER).invoke(MODULE, 'sharing/panel', { issueId: ISSUE_ID })) as { value?: { ok?: boolean; value?: { items: Array<{ messages?: unknown[]; problem?: unknown }> } } };
  const items = r.value?.value?.items ?? [];
  const shown = items.filter((i) => (i.messages?.length ?? 0) > 0);
  if (items.length !== SHARES.length || shown.length !== SHARES.length) throw new Error(`the panel shows ${shown.length} of ${SHARES.length} items: ${JSON.stringify(items.map((i) => i.problem ?? 'ok'))}`);
}

interface ServerRun {
  ms: number;
  cost: Cost;
}

async function serverRun(host: TestHost): Promise<ServerRun> {
  const a = await snapshot(host);
  const t = performance.now();
  const r = (await host.asUser(VIEWER).invoke(MODULE, 'sharing/panel', { issueId: ISSUE_ID })) as { value?: { ok?: boolean; value?: { items: unknown[] } } };
  const ms = performance.now() - t;
  if (!r.value?.ok || r.value.value?.items.length !== SHARES.length) throw new Error(`sharing/panel: ${JSON.stringify(r).slice(0, 300)}`);
  return { ms, cost: cost(a, await snapshot(host)) };
}

type BrowserRender = 'cold' | 'new tab' | 'warm';
interface BrowserRun {
  m: Measurement;
  cost: Cost;
  /** Resolver calls the panel made, by function key. */
  calls: Record<string, number>;
  /** The viewer's own Graph requests from the browser (their `/me`, To Do). */
  browserGraph: { requests: number; batchParts: number };
  /** How long `sharing/panel` took, as the browser saw it. */
  panelCallMs?: number;
}

/** Records what the panel's frames ask the host and Graph for. */
function recorder(ctx: BrowserContext) {
  let list: Request[] = [];
  ctx.on('request', (r) => list.push(r));
  return {
    reset: () => {
      list = [];
    },
    read: async () => {
      const calls: Record<string, number> = {};
      let panelCallMs: number | undefined;
      const graph = { requests: 0, batchParts: 0 };
      for (const r of list) {
        const url = r.url();
        if (url.includes('/__host/invoke')) {
          const key = (r.postDataJSON() as { functionKey?: unknown } | null)?.functionKey;
          const fn = typeof key === 'string' ? key : '?';
          calls[fn] = (calls[fn] ?? 0) + 1;
          if (fn === 'sharing/panel') {
            await r.response().catch(() => null);
            const t = r.timing();
            if (t.responseEnd > 0) panelCallMs = t.responseEnd;
          }
        } else if (/\/graph\/v1\.0\//.test(url) && r.method() !== 'OPTIONS') {
          graph.requests++;
          if (/\/\$batch(\?|$)/.test(url)) graph.batchParts += ((r.postDataJSON() as { requests?: unknown[] } | null)?.requests ?? []).length;
        }
      }
      return { calls, graph, ...(panelCallMs !== undefined ? { panelCallMs } : {}) };
    },
  };
}

async function newContext(browser: Browser, host: TestHost) {
  const ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
  await ctx.addCookies([{ name: 'forge_local_as', value: VIEWER, url: host.origin }]);
  await ctx.addInitScript(probeScript({ documentCardTexts: [], mgtFileTexts: [] }));
  return { ctx, rec: recorder(ctx) };
}

async function browserRender(host: TestHost, page: Page, rec: ReturnType<typeof recorder>, navigate: () => Promise<unknown>): Promise<BrowserRun> {
  rec.reset();
  const a = await snapshot(host);
  const m = await measureRender(page, host.origin, { frameTitle: FRAME_TITLE }, navigate, { quietMs: 400, timeoutMs: 20_000 });
  const b = await snapshot(host);
  const seen = await rec.read();
  return { m, cost: cost(a, b, seen.graph), calls: seen.calls, browserGraph: seen.graph, ...(seen.panelCallMs !== undefined ? { panelCallMs: seen.panelCallMs } : {}) };
}

/** One round: cold and warm in one tab, then a new tab with the server's tokens cached. */
async function browserRound(browser: Browser, host: TestHost): Promise<Record<BrowserRender, BrowserRun>> {
  const url = `${host.origin}${ISSUE_PATH}`;
  await expireTokens(host);
  const first = await newContext(browser, host);
  let cold: BrowserRun;
  let warm: BrowserRun;
  try {
    const page = await first.ctx.newPage();
    cold = await browserRender(host, page, first.rec, () => page.goto(url, { waitUntil: 'commit' }));
    warm = await browserRender(host, page, first.rec, () => page.reload({ waitUntil: 'commit' }));
  } finally {
    await first.ctx.close();
  }
  const second = await newContext(browser, host);
  try {
    const page = await second.ctx.newPage();
    const tab = await browserRender(host, page, second.rec, () => page.goto(url, { waitUntil: 'commit' }));
    return { cold, warm, 'new tab': tab };
  } finally {
    await second.ctx.close();
  }
}

const sharerCells = (costs: Cost[]) => SHARERS.map((u) => `${count(costs.map((c) => c.perSharer[u]?.requests ?? 0))} / ${count(costs.map((c) => c.perSharer[u]?.batchParts ?? 0))}`);

export interface PanelBenchResult {
  markdown: string;
  text: string;
}

export async function runPanelBench(o: PanelBenchOptions): Promise<PanelBenchResult> {
  const started = Date.now();
  const load0 = loadavg()[0] ?? 0;
  if (!o.skipBuild) {
    o.log('building the issue panel’s Custom UI …');
    const b = spawnSync('npx', ['tsx', 'scripts/build-ui.ts', 'issue-panel'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (b.status !== 0) throw new Error('the Custom UI build failed (see above); fix it or run with --skip-build');
  }
  const dist = join(ROOT, 'static/issue-panel/dist');
  const jsGz = gzippedJsBytes(dist);
  const files = jsFiles(dist);

  const host = await startTestHost({ log: () => {} });
  let browser: Browser | undefined;
  try {
    o.log('panel bench: three sharers sign in and share 10 items on DEMO-1 …');
    await seed(host);
    await checkView(host);
    await faults(host, o.latencyMs);

    // 1. The server view path alone. One unrecorded pass first (worker start, JIT).
    const server: Record<'cold' | 'warm', ServerRun[]> = { cold: [], warm: [] };
    for (let i = 0; i <= o.runs; i++) {
      await expireTokens(host);
      const cold = await serverRun(host);
      const warm = await serverRun(host);
      if (i > 0) {
        server.cold.push(cold);
        server.warm.push(warm);
      }
    }
    // In parallel or in a row? The same warm call without latency and with a long one: the difference,
    // in units of that latency, is how many Graph round trips the call waits for one after another
    // (long, so that a busy machine's noise does not hide it).
    const parallel: Record<'none' | 'long', ServerRun[]> = { none: [], long: [] };
    for (const [k, ms] of [['none', 0], ['long', PROBE_LATENCY_MS]] as const) {
      await faults(host, ms);
      for (let i = 0; i < o.runs; i++) parallel[k].push(await serverRun(host));
    }
    await faults(host, o.latencyMs);
    o.log(`  server: cold ${median(server.cold.map((r) => r.ms)).toFixed(0)} ms, warm ${median(server.warm.map((r) => r.ms)).toFixed(0)} ms; warm without latency ${median(parallel.none.map((r) => r.ms)).toFixed(0)} ms, with ${PROBE_LATENCY_MS} ms ${median(parallel.long.map((r) => r.ms)).toFixed(0)} ms`);

    // 2. The panel in Chromium (third-party storage allowed, so the panel's tab keeps its session token across a reload).
    browser = await launchChromium({ thirdPartyStorage: true });
    const renders: Record<BrowserRender, BrowserRun[]> = { cold: [], 'new tab': [], warm: [] };
    for (let i = 0; i <= o.runs; i++) {
      const round = await browserRound(browser, host);
      if (i === 0) continue;
      for (const k of Object.keys(renders) as BrowserRender[]) renders[k].push(round[k]);
    }
    o.log(`  browser: first item cold ${millis(renders.cold.map((r) => r.m.firstRowsMs))}, new tab ${millis(renders['new tab'].map((r) => r.m.firstRowsMs))}, warm ${millis(renders.warm.map((r) => r.m.firstRowsMs))}`);
    await faults(host, 0);

    return report(o, { server, parallel, renders, jsGz, files, seconds: (Date.now() - started) / 1000, load: [load0, loadavg()[0] ?? 0] });
  } finally {
    await browser?.close();
    await host.stop();
  }
}

function report(
  o: PanelBenchOptions,
  r: { server: Record<'cold' | 'warm', ServerRun[]>; parallel: Record<'none' | 'long', ServerRun[]>; renders: Record<BrowserRender, BrowserRun[]>; jsGz: number; files: Array<{ file: string; bytes: number; entry: boolean }>; seconds: number; load: [number, number] },
): PanelBenchResult {
  const serverHeader = ['sharing/panel', 'resolver calls', ...Object.keys(KVS_KINDS).map((k) => `KVS ${k}`), 'identity calls', ...SHARERS.map((u) => `Graph round trips / $batch parts: ${u}`), 'resolver wall time'];
  const serverRows = (['cold', 'warm'] as const).map((k) => {
    const runs = r.server[k];
    const costs = runs.map((x) => x.cost);
    return [k, count(costs.map((c) => c.resolver)), ...kvsCells(costs), count(costs.map((c) => c.identity)), ...sharerCells(costs), millis(runs.map((x) => x.ms))];
  });

  const browserHeader = ['panel in Chromium', 'first item: from page navigation', 'from panel iframe start', 'iframe scripts ready', 'last resolver answer before it', 'sharing/panel call (browser)', 'resolver calls (by function)', ...Object.keys(KVS_KINDS).map((k) => `KVS ${k}`), 'identity calls', ...SHARERS.map((u) => `server Graph: ${u}`), 'viewer’s Graph from the browser', 'JS gzipped'];
  const browserRows = (['cold', 'new tab', 'warm'] as const).map((k) => {
    const runs = r.renders[k];
    const costs = runs.map((x) => x.cost);
    const fns = [...new Set(runs.flatMap((x) => Object.keys(x.calls)))].sort();
    const calls = `${count(costs.map((c) => c.resolver))}: ${fns.map((f) => `${f} ×${count(runs.map((x) => x.calls[f] ?? 0))}`).join(', ')}`;
    return [
      k,
      millis(runs.map((x) => x.m.firstRowsMs)),
      millis(runs.map((x) => x.m.inFrameMs)),
      millis(runs.flatMap((x) => (x.m.phases.scriptsReady !== undefined ? [x.m.phases.scriptsReady] : []))),
      millis(runs.flatMap((x) => (x.m.phases.resolverDone !== undefined ? [x.m.phases.resolverDone] : []))),
      millis(runs.flatMap((x) => (x.panelCallMs !== undefined ? [x.panelCallMs] : []))),
      calls,
      ...kvsCells(costs),
      count(costs.map((c) => c.identity)),
      ...sharerCells(costs),
      `${count(runs.map((x) => x.browserGraph.requests))} / ${count(runs.map((x) => x.browserGraph.batchParts))}`,
      kb(r.jsGz),
    ];
  });

  const warmServer = r.server.warm.map((x) => x.cost);
  const coldServer = r.server.cold.map((x) => x.cost);
  const all = [...warmServer, ...coldServer];
  const maxOf = (f: (c: Cost) => number, cs = all) => Math.max(...cs.map(f));
  const yes = (b: boolean) => (b ? 'yes' : '**no**');
  const entryGz = r.files.filter((f) => f.entry).reduce((n, f) => n + f.bytes, 0);
  const sumTrips = SHARERS.reduce((n, u) => n + median(warmServer.map((c) => c.perSharer[u]?.requests ?? 0)), 0);
  const inARow = (median(r.parallel.long.map((x) => x.ms)) - median(r.parallel.none.map((x) => x.ms))) / PROBE_LATENCY_MS;
  const checks = [
    `1 resolver call for the shared items (\`sharing/panel\`): ${yes(maxOf((c) => c.resolver) === 1)} (${count(all.map((c) => c.resolver))})`,
    `1 KVS query: ${yes(maxOf((c) => c.kvs.queries ?? 0) <= 1)} (${count(all.map((c) => c.kvs.queries ?? 0))}); gets ${count(all.map((c) => c.kvs.gets ?? 0))}`,
    `1 secret read per sharer (${SHARERS.length}): warm ${yes(maxOf((c) => c.kvs['secret reads'] ?? 0, warmServer) <= SHARERS.length)} (${count(warmServer.map((c) => c.kvs['secret reads'] ?? 0))}); cold ${yes(maxOf((c) => c.kvs['secret reads'] ?? 0, coldServer) <= SHARERS.length)} (${count(coldServer.map((c) => c.kvs['secret reads'] ?? 0))})`,
    `at most 1 Graph round trip per sharer: ${yes(SHARERS.every((u) => maxOf((c) => c.perSharer[u]?.requests ?? 0) <= 1))} (${SHARERS.map((u) => `${u} ${count(all.map((c) => c.perSharer[u]?.requests ?? 0))}`).join(', ')})`,
    `in parallel: the warm call takes ${median(r.parallel.none.map((x) => x.ms)).toFixed(0)} ms without Graph latency and ${median(r.parallel.long.map((x) => x.ms)).toFixed(0)} ms with ${PROBE_LATENCY_MS} ms per Graph request, so it waits for ${inARow.toFixed(1)} round trips in a row for the sharers' ${sumTrips} — ${yes(inARow < sumTrips - 0.5)} (in series: ${sumTrips})`,
    `access tokens cached on the server: warm ${count(warmServer.map((c) => c.identity))} identity calls; cold (every token stale) ${count(coldServer.map((c) => c.identity))} identity calls, one per sharer, each refreshed token stored (the accounts service re-reads the connection secret before refreshing and writes the account index entry with it: ${count(coldServer.map((c) => c.kvs['secret reads'] ?? 0))} secret reads and ${count(coldServer.map((c) => c.kvs.writes ?? 0))} writes in all, against ${count(warmServer.map((c) => c.kvs['secret reads'] ?? 0))} and ${count(warmServer.map((c) => c.kvs.writes ?? 0))} warm)`,
    `panel ≤ 45 KB gzipped with the sanitiser: what it loads for its first item ${yes(entryGz <= 45 * 1024)} (${kb(entryGz)}, the entry chunk, DOMPurify in it); every chunk ${yes(r.jsGz <= 45 * 1024)} (${kb(r.jsGz)}, with ${r.files.filter((f) => !f.entry).map((f) => `${f.file.replace(/^assets\//, '').replace(/-[\w-]{8}\.js$/, '')} ${kb(f.bytes)}`).join(', ')} imported later)`,
  ];
  const sizeRows = r.files.map((f) => [`${f.file}${f.entry ? ' (entry)' : ' (loaded later)'}`, kb(f.bytes)]);
  const notes = [
    `${SHARES.length} items shared on DEMO-1 through \`sharing/create\` with scope "Atlassian users" — Alice: the kickoff conversation (3 messages) and 3 mails (one with an attachment); Bob: 2 mails and the kickoff conversation; Carol: 3 mails (one with an attachment). All viewed as Bob (a sharer himself, not a project admin).`,
    `Median (min–max) of ${o.runs} runs after one unrecorded pass; Graph latency ${o.latencyMs} ms added by the emulator to every Graph HTTP request (a \`$batch\` is one request); resolver, KVS, token endpoint and page get none.`,
    'Server view path: `sharing/panel` invoked through the host as the panel invokes it. cold = the host clock moved 61 minutes on first, so every sharer’s cached access token (kept in their connection secret) is stale and refreshed; warm = the same call right after.',
    'In Chromium: cold = new browser context after the clock moved on (the tab has no session token; the sharers’ tokens are stale); new tab = a new context a moment later (server tokens cached); warm = reload of the same tab (session token in sessionStorage; Chromium with third-party storage allowed). First item = the first animation frame with a shared item showing its subject, read from Graph; "iframe scripts ready" and "last resolver answer before it" are ms from the panel iframe’s navigation start.',
    'KVS gets and writes of a view besides the goal’s query and secret reads: the app settings and the project’s sharing rules (2 gets), and who opened which item (1 batch write; src/core/sharing/opens.ts) — both from the sharing rules and who-opened features.',
    'The browser rows count the whole panel: the viewer’s own Microsoft 365 connection (`account/token` while the tab has no session token, then `/me` from the browser) and the To Do section (`todo/panel`) besides `sharing/panel`, so their KVS operations and identity calls are the panel’s together; per-sharer Graph is what the server asked (the viewer’s browser requests are shown apart).',
    machineNote(r.load, r.seconds),
  ];
  return renderSection({
    heading: SECTION,
    script: 'npm run bench:panel',
    date: new Date().toISOString().slice(0, 10),
    runs: o.runs,
    latencyMs: o.latencyMs,
    server: { title: 'Issue panel — server view path', header: serverHeader, rows: serverRows },
    browser: { title: 'Issue panel in Chromium', header: browserHeader, rows: browserRows },
    sizes: { label: 'issue-panel JavaScript file', rows: sizeRows },
    checks,
    notes,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // The macros' part of the file (npm run bench) and the other sections stay; this section replaces its own.
  await runSectionCli(ROOT, SECTION, 'issue panel', runPanelBench);
}
