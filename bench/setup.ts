/**
 * What the shared-items benchmarks (bench/panel.ts: the Jira issue panel; bench/confluence-page.ts: a
 * Confluence page of "Microsoft 365 item" macros) have in common: people signing in through the app,
 * an admin approving a permission for the tenant, Graph latency and a host clock moved past the access
 * tokens' hour, the host's and the emulator's counters (resolver invocations, KVS operations by endpoint,
 * token endpoint and Graph requests per user), the JavaScript sizes, and the cells of the tables.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { clickButton } from '../test/emulator/support';
import { connectThroughApp } from '../test/support/connect';
import type { TestHost } from '../test/support/host';
import { markdownTable, median, textTable } from './report';

export const UPN = (user: string): string => `${user}@contoso.com`;

/** What the host and the emulator count, as far as these benchmarks read it. */
export interface Snapshot {
  resolver: number;
  kvs: Record<string, number>;
  tokenRequests: number;
  graphRequests: number;
  graphBatchParts: number;
  users: Record<string, { requests: number; batchParts: number }>;
}

/** KVS operations by kind (SDK endpoints of @forge/kvs, as the host serves them: dev/host/kvs/handlers.ts). */
export const KVS_KINDS: Record<string, string[]> = {
  queries: ['/api/v1/query', '/api/v1/entity/query'],
  gets: ['/api/v1/get', '/api/v1/entity/get', '/api/v1/batch/get'],
  'secret reads': ['/api/v1/secret/get'],
  writes: ['/api/v1/set', '/api/v1/delete', '/api/v1/secret/set', '/api/v1/secret/delete', '/api/v1/entity/set', '/api/v1/entity/delete', '/api/v1/batch/set', '/api/v1/batch/delete', '/api/v1/transaction'],
};

/** The difference of two snapshots, per kind of KVS operation and per sharer. */
export interface Cost {
  resolver: number;
  kvs: Record<keyof typeof KVS_KINDS, number>;
  identity: number;
  /** Graph HTTP round trips and `$batch` parts per sharer (server side: the viewer's own browser requests taken out). */
  perSharer: Record<string, { requests: number; batchParts: number }>;
  graphTotal: number;
}

export async function snapshot(host: TestHost): Promise<Snapshot> {
  const s = (await host.state()) as {
    stats: { host: { resolverInvocations: number }; kvs: { byEndpoint?: Record<string, number> }; microsoft: { graphRequests: number; graphBatchParts: number; tokenRequests: number; users: Snapshot['users'] } };
  };
  const m = s.stats.microsoft;
  return { resolver: s.stats.host.resolverInvocations, kvs: { ...(s.stats.kvs.byEndpoint ?? {}) }, tokenRequests: m.tokenRequests, graphRequests: m.graphRequests, graphBatchParts: m.graphBatchParts, users: structuredClone(m.users) };
}

/**
 * What happened between two snapshots. `viewer` and `browserGraph`: the viewer's own Graph traffic from
 * the browser, taken out of their count so that what is left is what the server asked as them.
 */
export function costBetween(a: Snapshot, b: Snapshot, sharers: readonly string[], viewer?: string, browserGraph = { requests: 0, batchParts: 0 }): Cost {
  const kvs = Object.fromEntries(Object.entries(KVS_KINDS).map(([kind, paths]) => [kind, paths.reduce((n, p) => n + (b.kvs[p] ?? 0) - (a.kvs[p] ?? 0), 0)])) as Cost['kvs'];
  const perSharer = Object.fromEntries(
    sharers.map((u) => {
      const before = a.users[UPN(u)] ?? { requests: 0, batchParts: 0 };
      const after = b.users[UPN(u)] ?? { requests: 0, batchParts: 0 };
      const own = u === viewer ? browserGraph : { requests: 0, batchParts: 0 };
      return [u, { requests: after.requests - before.requests - own.requests, batchParts: after.batchParts - before.batchParts - own.batchParts }];
    }),
  );
  return { resolver: b.resolver - a.resolver, kvs, identity: b.tokenRequests - a.tokenRequests, perSharer, graphTotal: b.graphRequests - a.graphRequests };
}

/** Signs `user` in to Microsoft 365 through the app (`moduleKey`'s `account/connect`) with a feature's permissions. */
export const connect = (host: TestHost, moduleKey: string, user: string, feature: string): Promise<void> => connectThroughApp(host, moduleKey, user, UPN(user), feature);

/** Alice, Contoso's admin, approves a feature's permissions for everybody in the tenant, from the app's settings. */
export async function adminApproves(host: TestHost, feature: string): Promise<void> {
  const start = (await host.asUser('alice').invoke('m365-jira-admin', 'admin/consent/start', { feature })) as { value?: { value?: { url?: string } } };
  const url = start.value?.value?.url;
  if (!url) throw new Error(`admin/consent/start: ${JSON.stringify(start)}`);
  const picked = await clickButton(await (await fetch(url)).text(), UPN('alice'));
  const done = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
  const back = done.headers.get('location');
  if (!back) throw new Error(`admin consent: ${String(done.status)}`);
  const page = await fetch(back);
  if (!page.ok) throw new Error(`admin consent callback: ${String(page.status)}`);
}

/** Moves the host clock past the access tokens' hour: every sharer's cached token is stale. */
export async function expireTokens(host: TestHost): Promise<void> {
  const r = await host.control('clock', { advanceSeconds: 61 * 60 });
  if (r.status !== 200) throw new Error(`clock: ${r.status}`);
}

/** Latency the emulator adds to every Graph HTTP request (a `$batch` is one request). */
export async function faults(host: TestHost, latencyMs: number): Promise<void> {
  const res = await fetch(`${host.origin}/__emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ graph: { latencyMs } }) });
  if (!res.ok) throw new Error(`faults: ${res.status}`);
}

/** Each JavaScript file of a Custom UI build, gzipped (level 9, as scripts/build-ui.ts counts); `entry`: loaded by index.html. */
export function jsFiles(dir: string): Array<{ file: string; bytes: number; entry: boolean }> {
  const html = existsSync(join(dir, 'index.html')) ? readFileSync(join(dir, 'index.html'), 'utf8') : '';
  const out: Array<{ file: string; bytes: number; entry: boolean }> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.js')) {
        const file = p.slice(dir.length + 1);
        out.push({ file, bytes: gzipSync(readFileSync(p), { level: 9 }).length, entry: html.includes(`"./${file}"`) });
      }
    }
  };
  walk(dir);
  return out.sort((x, y) => y.bytes - x.bytes);
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
/** A count that varied between runs shows as `median (min–max)`. */
export const count = (xs: number[]): string => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${median(xs)} (${lo}–${hi})`;
};
export const millis = (xs: number[]): string => (xs.length ? `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})` : '—');
export const kvsCells = (costs: Cost[]): string[] => Object.keys(KVS_KINDS).map((k) => count(costs.map((c) => c.kvs[k] ?? 0)));

/**
 * Replaces one benchmark's section of bench/RESULTS.md (from its `## ` heading to the next one), keeping
 * the others; a section not there yet is added at the end.
 */
export function writeSection(out: string, heading: string, markdown: string): void {
  const before = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const at = before.indexOf(heading);
  const next = at >= 0 ? before.indexOf('\n## ', at + heading.length) : -1;
  const head = (at >= 0 ? before.slice(0, at) : before).trimEnd();
  const tail = next >= 0 ? before.slice(next + 1).trimEnd() : '';
  writeFileSync(out, [head, markdown.trimEnd(), tail].filter((x) => x !== '').join('\n\n') + '\n');
}

/** One shared-items benchmark's tables: its server table, its browser table, its JS sizes, checks and notes. */
export interface SectionTables {
  heading: string;
  script: string;
  date: string;
  runs: number;
  latencyMs: number;
  server: { title: string; header: string[]; rows: string[][] };
  browser: { title: string; header: string[]; rows: string[][] };
  sizes: { label: string; rows: string[][] };
  checks: string[];
  notes: string[];
}

/** The notes' line about the machine a section was measured on (load average at the start and the end). */
export function machineNote(load: readonly [number, number], seconds: number): string {
  return `Machine: ${String(cpus().length)} cores, shared with other work; 1-minute load average ${load[0].toFixed(1)} at the start and ${load[1].toFixed(1)} at the end — times are inflated and noisy, counts and sizes are not; the run took ${seconds.toFixed(0)} s.`;
}

/** The section as bench/RESULTS.md holds it (markdown) and as the console prints it (text). */
export function renderSection(t: SectionTables): { markdown: string; text: string } {
  const markdown = [
    t.heading,
    '',
    `Produced by \`${t.script}\` (${t.date}, ${String(t.runs)} runs, Graph latency ${String(t.latencyMs)} ms).`,
    '',
    markdownTable(t.server.header, t.server.rows),
    '',
    markdownTable(t.browser.header, t.browser.rows),
    '',
    markdownTable([t.sizes.label, 'gzipped'], t.sizes.rows),
    '',
    'Against the issue’s goals (measured, not asserted):',
    '',
    ...t.checks.map((c) => `- ${c}`),
    '',
    ...t.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  const text = [t.server.title, textTable(t.server.header, t.server.rows), '', t.browser.title, textTable(t.browser.header, t.browser.rows), '', ...t.checks.map((c) => `- ${c}`)].join('\n');
  return { markdown, text };
}

export interface BenchOptions {
  runs: number;
  latencyMs: number;
  skipBuild: boolean;
  log: (s: string) => void;
}

/**
 * The command line both benchmarks share (`--runs`, `--latency`, `--skip-build`, `--out`): runs one, prints
 * its text and replaces its section of the results file, keeping the others.
 */
export async function runSectionCli(root: string, heading: string, what: string, run: (o: BenchOptions) => Promise<{ text: string; markdown: string }>): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      latency: { type: 'string', default: '50' },
      'skip-build': { type: 'boolean', default: false },
      out: { type: 'string', default: join(root, 'bench/RESULTS.md') },
    },
  });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const r = await run({ runs: Math.max(1, Number(args.runs)), latencyMs: Math.max(0, Number(args.latency)), skipBuild: args['skip-build'], log });
  process.stdout.write(`${r.text}\n`);
  const out = String(args.out);
  writeSection(out, heading, r.markdown);
  log(`\nwrote the ${what} section of ${out}`);
}
