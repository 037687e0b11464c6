/**
 * Times search/jql over the bulk generator's issues, in this process (no host):
 * `npx tsx dev/host/products/jira/search-bench.ts [count]`. Prints the generation time, then per
 * query the first (cold: scan and sort) page and the following pages (cached, binary search).
 * Numbers depend on the machine and its load; the tests assert counts, never times.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { accountStates } from '../accounts';
import { productRest } from '../rest';
import { siteDirectory } from '../site';
import type { AtlassianFixture } from '../tenant';

const count = Number(process.argv[2] ?? 50_000);
const fx = (JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/demo-tenant.json', import.meta.url)), 'utf8')) as { atlassian: AtlassianFixture }).atlassian;
const site = siteDirectory(fx, { now: Date.now });
const rest = productRest(site, accountStates(site, Date.now));
site.points.jira.configure({ appPerHour: Number.MAX_SAFE_INTEGER, sitePerHour: Number.MAX_SAFE_INTEGER });
const bob = { kind: 'user' as const, accountId: fx.users.find((u) => u.key === 'bob')?.accountId ?? '' };

console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const started = performance.now();
site.jira.bulk('LOAD', count, 7);
console.log(`bulk: ${count} issues in ${Math.round(performance.now() - started)} ms, heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);

async function pages(jql: string, fields: string[], maxResults: number) {
  const times: number[] = [];
  const cpu: number[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const t = performance.now();
    const c = process.cpuUsage();
    const res = rest.jira(bob, 'POST', new URL('http://product.invalid/rest/api/3/search/jql'), JSON.stringify({ jql, fields, maxResults, ...(token ? { nextPageToken: token } : {}) }));
    const body = (await res.json()) as { issues: Array<{ id: string }>; nextPageToken?: string; isLast: boolean };
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    if (res.status !== 200) throw new Error(JSON.stringify(body));
    for (const i of body.issues) seen.add(i.id);
    if (body.isLast) break;
    token = body.nextPageToken;
  }
  const next = times.slice(1).sort((a, b) => a - b);
  const pct = (p: number) => (next.length ? (next[Math.min(next.length - 1, Math.floor(next.length * p))] as number).toFixed(1) : '-');
  const nextCpu = cpu.slice(1).sort((a, b) => a - b);
  const cpuMedian = nextCpu.length ? (nextCpu[Math.floor(nextCpu.length / 2)] as number).toFixed(1) : '-';
  console.log(`${jql} [${fields.join(',')}] ×${maxResults}: ${times.length} pages, ${seen.size} issues; first page ${(times[0] as number).toFixed(0)} ms (CPU ${(cpu[0] as number).toFixed(0)} ms); next pages median ${pct(0.5)} ms (CPU ${cpuMedian} ms), p95 ${pct(0.95)} ms, max ${pct(1)} ms`);
}

await pages('project = LOAD ORDER BY duedate ASC', ['id'], 5000);
await pages('project = LOAD AND duedate >= -90d AND duedate <= 365d ORDER BY duedate ASC', ['summary', 'duedate', 'status', 'updated'], 100);
await pages('project = LOAD AND updated >= -30d', ['key'], 5000);
await pages('assignee = currentUser() AND statusCategory != Done ORDER BY priority DESC, updated DESC', ['summary', 'priority'], 100);
