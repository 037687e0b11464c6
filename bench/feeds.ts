/**
 * `npm run bench:feeds` — calendar feeds of 1,000, 5,000 and 50,000 issues through the local host:
 * the first build, a calendar app's first fetch, an unchanged re-poll, a re-poll after 10 issues
 * changed (with titles, and with a `{key}` title that needs no Jira text), the per-subscriber
 * filtering cost for 100 subscribers, and CPU and memory of the core per issue. Each size runs in a
 * fresh host with the bulk generator's LOAD issues (80 % have a due date in the window, so a little
 * more than the size is generated).
 *
 *   npm run bench:feeds                       # all three sizes (~5 min on 2 busy cores)
 *   npm run bench:feeds -- --sizes 1000,5000
 */
import { parseArgs } from 'node:util';
import { chunkRows, readState, toEvent, visibleRows, writeCalendar, type FeedRow, type FeedState, type Subscriber } from '../src/core/feeds';
import type { FeedDefinition } from '../src/core/feeds';
import { startTestHost, type TestHost } from '../test/support/host';

const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '1000,5000,50000' } } });
const SIZES = String(args.sizes).split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
const PAGE = 'calendar-feeds-project';

interface Points {
  totalRequests: number;
  totalPoints: number;
  totalWrites: number;
}

async function invoke<T>(host: TestHost, user: string, fn: string, payload: unknown): Promise<T> {
  const r = (await host.asUser(user).invoke(PAGE, fn, payload)) as { value: { ok: boolean; value?: T; error?: { message: string } } };
  if (!r.value.ok || r.value.value === undefined) throw new Error(`${fn}: ${r.value.error?.message ?? 'failed'}`);
  return r.value.value;
}

const points = async (host: TestHost) => ((await host.state()) as { jira: { points: Points } }).jira.points;
const stateOf = async (host: TestHost, id: string): Promise<FeedState> => readState(((await host.state()) as { storage: { values: Record<string, unknown> } }).storage.values[`feed-state:${id}`]);
const diff = (a: Points, b: Points) => ({ requests: b.totalRequests - a.totalRequests, points: b.totalPoints - a.totalPoints });

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - t), value };
}

interface Row {
  size: number;
  issues: number;
  build: { ms: number; requests: number; points: number; workMs: number };
  first: { ms: number; status: number; bytes: number; events: string; requests: number; points: number };
  unchanged: { status: number; requests: number; points: number; ms: number };
  changed: { status: number; requests: number; points: number; refresh: { requests: number; points: number }; ms: number };
  changedKeyOnly: { status: number; requests: number; points: number; ms: number };
}

async function runSize(size: number): Promise<Row> {
  const host = await startTestHost();
  try {
    // Budgets far above the defaults: the benchmark measures cost; the 429 path is tested elsewhere.
    await host.control('jira/points', { appPerHour: 50_000_000, sitePerHour: 50_000_000 });
    const bulk = await host.control('jira/bulk', { projectKey: 'LOAD', count: Math.ceil(size / 0.8) });
    if (bulk.status !== 200) throw new Error(`bulk: ${JSON.stringify(bulk.body)}`);
    // The generated issues are old news by the time the feed is made (the newest were "updated" at generation).
    await host.control('clock', { advanceSeconds: 10 * 60 });

    const input = {
      name: `LOAD ${size.toLocaleString('en')}`,
      jql: '',
      window: { pastMonths: 3, futureMonths: 12 },
      dates: { kind: 'single', field: { id: 'duedate', type: 'date' } },
      timing: { allDay: true },
      timeZone: 'Europe/Berlin',
      summaryTemplate: '{key} {summary}',
      description: ['link'],
      access: { kind: 'browse' },
    };
    const p0 = await points(host);
    const build = await timed(async () => {
      const feed = await invoke<{ id: string }>(host, 'alice', 'feeds/create', { projectKey: 'LOAD', input });
      // The create resolver builds for 12 s; the five-minute job carries on until it is done.
      for (let i = 0; i < 50; i++) {
        const s = await stateOf(host, feed.id);
        if (s.current && !s.building) break;
        await host.runScheduled('calendar-feeds-build');
      }
      return feed;
    });
    const feedId = build.value.id;
    const built = await stateOf(host, feedId);
    const buildCost = diff(p0, await points(host));

    const url = (await invoke<{ url: string }>(host, 'bob', 'feeds/url/create', { feedId })).url;
    const p1 = await points(host);
    const first = await timed(() => fetch(url));
    const body = await first.value.text();
    const p2 = await points(host);
    const etag = first.value.headers.get('etag') ?? '';
    const served = await stateOf(host, feedId);

    const unchanged = await timed(() => fetch(url, { headers: { 'If-None-Match': etag } }));
    const p3 = await points(host);

    const touch = async (from: number) => {
      for (let k = from; k < from + 10; k++) await host.control(`jira/issues/LOAD-${k}`, { as: 'alice', fields: { summary: `Changed for the benchmark ${k}` } });
      // Issue events would mark the cache stale at once; a cache older than 15 minutes refreshes anyway.
      await host.control('clock', { advanceSeconds: 16 * 60 });
    };
    await touch(1);
    const p4 = await points(host);
    const changed = await timed(() => fetch(url, { headers: { 'If-None-Match': etag } }));
    await changed.value.text();
    const p5 = await points(host);
    const refresh = (await stateOf(host, feedId)).lastBuild ?? { requests: 0, points: 0 };

    await invoke<unknown>(host, 'alice', 'feeds/update', { id: feedId, input: { ...input, summaryTemplate: '{key}' } });
    const keyOnlyEtag = (await fetch(url)).headers.get('etag') ?? '';
    await touch(11);
    const p6 = await points(host);
    const keyOnly = await timed(() => fetch(url, { headers: { 'If-None-Match': keyOnlyEtag } }));
    await keyOnly.value.text();
    const p7 = await points(host);

    return {
      size,
      issues: built.current?.rows ?? 0,
      build: { ms: build.ms, ...buildCost, workMs: built.lastBuild?.tookMs ?? 0 },
      first: { ms: first.ms, status: first.value.status, bytes: Buffer.byteLength(body), events: `${served.lastServe?.events ?? 0}${served.lastServe?.capped ? ' (capped)' : ''}`, ...diff(p1, p2) },
      unchanged: { ms: unchanged.ms, status: unchanged.value.status, ...diff(p2, p3) },
      changed: { ms: changed.ms, status: changed.value.status, ...diff(p4, p5), refresh: { requests: refresh.requests, points: refresh.points } },
      changedKeyOnly: { ms: keyOnly.ms, status: keyOnly.value.status, ...diff(p6, p7) },
    };
  } finally {
    await host.stop();
  }
}

/** The core alone, in this process: per-subscriber filtering for 100 subscribers, and CPU and heap per issue. */
function coreCosts(size: number) {
  const rows: FeedRow[] = [];
  const day = (n: number) => new Date(Date.UTC(2025, 5, 1) + (n % 400) * 86_400_000).toISOString().slice(0, 10);
  for (let n = 0; n < size; n++) rows.push({ id: String(100_000 + n), key: `LOAD-${n + 1}`, projectId: String(10_000 + (n % 3)), start: day(n), updated: Date.UTC(2025, 4, 1) + n, ...(n % 50 === 0 ? { security: '10100' } : {}) });
  const subs: Subscriber[] = Array.from({ length: 100 }, (_, i) => ({ accountId: `acc-${i}`, admitted: true, projects: new Set(['10000', '10001', '10002'].slice(0, 1 + (i % 3))), secured: new Set(i % 2 ? rows.filter((r) => r.security).map((r) => r.id) : []) }));
  const t0 = process.cpuUsage();
  let kept = 0;
  for (const s of subs) kept += visibleRows(rows, { kind: 'browse' }, s).length;
  const filterCpu = process.cpuUsage(t0);
  const def: Pick<FeedDefinition, 'dates' | 'timing' | 'timeZone' | 'summaryTemplate' | 'description'> = { dates: { kind: 'single', field: { id: 'duedate', type: 'date' } }, timing: { allDay: true }, timeZone: 'Europe/Berlin', summaryTemplate: '{key} {summary}', description: ['link'] };
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t1 = process.cpuUsage();
  const chunks = chunkRows(rows);
  const events = rows.map((r) => toEvent({ def, siteUrl: 'https://contoso.atlassian.net', siteHost: 'contoso.atlassian.net' }, r, { summary: `Synthetic issue ${r.key} for load tests` })).filter((e) => e !== undefined);
  const text = writeCalendar({ name: 'bench', stamp: new Date(), events });
  const renderCpu = process.cpuUsage(t1);
  const heap = process.memoryUsage().heapUsed - heap0;
  return { filterMs: (filterCpu.user + filterCpu.system) / 1000, kept, chunks: chunks.length, renderMs: (renderCpu.user + renderCpu.system) / 1000, bytes: text.length, heapMB: heap / 1e6 };
}

async function main() {
  const rows: Row[] = [];
  for (const size of SIZES) {
    process.stderr.write(`feeds bench: ${size} issues…\n`);
    rows.push(await runSize(size));
  }
  const f = (n: number) => n.toLocaleString('en');
  console.log('\n| issues in feed | first build (wall) | build requests / points | first fetch: status, bytes, events | first fetch requests / points | unchanged re-poll | re-poll after 10 changed (`{key} {summary}`) | of which refresh | re-poll after 10 changed (`{key}`) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${f(r.issues)} | ${(r.build.ms / 1000).toFixed(1)} s | ${f(r.build.requests)} / ${f(r.build.points)} | ${r.first.status}, ${(r.first.bytes / 1e6).toFixed(2)} MB, ${r.first.events} | ${f(r.first.requests)} / ${f(r.first.points)} | ${r.unchanged.status}, ${r.unchanged.requests} req / ${r.unchanged.points} pts, ${r.unchanged.ms} ms | ${r.changed.status}, ${f(r.changed.requests)} req / ${f(r.changed.points)} pts, ${r.changed.ms} ms | ${r.changed.refresh.requests} req / ${r.changed.refresh.points} pts | ${r.changedKeyOnly.status}, ${r.changedKeyOnly.requests} req / ${r.changedKeyOnly.points} pts, ${r.changedKeyOnly.ms} ms |`,
    );
  }
  console.log('\nThe core in one process (per-subscriber filtering for 100 subscribers; cache chunks and a full calendar for every issue):\n');
  console.log('| issues | filter, 100 subscribers (CPU) | per subscriber | chunks of ≤ 200 KiB | render all events (CPU) | calendar bytes | heap for it | CPU per 1,000 issues (render) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const size of SIZES) {
    const c = coreCosts(size);
    console.log(`| ${f(size)} | ${c.filterMs.toFixed(0)} ms | ${(c.filterMs / 100).toFixed(2)} ms | ${c.chunks} | ${c.renderMs.toFixed(0)} ms | ${(c.bytes / 1e6).toFixed(1)} MB | ${c.heapMB.toFixed(0)} MB | ${((c.renderMs / size) * 1000).toFixed(0)} ms |`);
  }
  console.log('\nEach subscriber\'s fetch also re-checks them with Jira: 1 request (POST /permissions/check) for an "everyone who may browse" or user-field feed, 1 more per project role or for groups.');
}

await main();
