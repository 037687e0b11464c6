/**
 * Load at a Graph notification endpoint in the local host (issue 12, "Load and speed"): 200 notifications a second
 * for 30 seconds POSTed to a dynamic web trigger of the events test app (test/fixtures/events-app, `notify`: checks
 * clientState in constant time, writes one KVS key per notification, answers 202), then a replay storm of one
 * notification. Prints acknowledgement latency percentiles, lost (no 2xx), duplicates (invocations beyond requests).
 *
 *   npx tsx bench/notifications-load.ts [--rate 200] [--seconds 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHost } from '../dev/host/server';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RATE = arg('rate', 200);
const SECONDS = arg('seconds', 30);
const STATE = 's3cret-client-state';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'notifications-load-'));
  const host = await startHost({ port: 0, appDir: join(ROOT, 'test/fixtures/events-app'), dataDir, fixtureFile: join(ROOT, 'dev/fixtures/demo-tenant.json'), log: () => undefined });
  try {
    const probe = await host.runner.invoke({ handler: 'index.probe', event: { body: JSON.stringify({ action: 'url', key: 'notify' }) }, context: { principal: undefined }, identity: { moduleKey: 'events-probe' }, timeoutMs: 20_000 });
    if (!probe.ok) throw new Error(probe.error.message);
    const url = (JSON.parse((probe.value as { body: string }).body) as { url: string }).url;
    const notification = (id: string) => JSON.stringify({ value: [{ subscriptionId: 'sub-1', clientState: STATE, changeType: 'updated', resource: `Users/u/todo/lists/l/tasks/${id}`, resourceData: { id }, tenantId: 't' }] });
    const postOne = async (id: string): Promise<{ ms: number; status: number }> => {
      const t0 = performance.now();
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: notification(id) });
        await res.arrayBuffer();
        return { ms: performance.now() - t0, status: res.status };
      } catch {
        return { ms: performance.now() - t0, status: 0 };
      }
    };
    for (let i = 0; i < 20; i++) await postOne(`warm-${i}`);
    const before = (await (await fetch(`${host.origin}/__emulator/state`)).json()) as { stats: { host: { webTriggerInvocations: number } } };

    const total = RATE * SECONDS;
    const results: Array<Promise<{ ms: number; status: number }>> = [];
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      results.push(postOne(`n-${i}`));
    }
    const done = await Promise.all(results);
    const sendSeconds = (performance.now() - start) / 1000;

    // A replay storm: the same notification 200 times at once.
    const storm = await Promise.all(Array.from({ length: 200 }, () => postOne('replayed')));

    const state = (await (await fetch(`${host.origin}/__emulator/state`)).json()) as { stats: { host: { webTriggerInvocations: number } }; storage: { keys: string[] } };
    const invocations = state.stats.host.webTriggerInvocations - before.stats.host.webTriggerInvocations;
    const stored = state.storage.keys.filter((k) => k.startsWith('notified:n-')).length;
    const ms = done.map((r) => r.ms).sort((a, b) => a - b);
    const acked = done.filter((r) => r.status >= 200 && r.status < 300).length;
    const out = {
      rate: RATE, seconds: SECONDS, sent: total, sendSeconds: Number(sendSeconds.toFixed(1)),
      ackMs: { p50: Math.round(pct(ms, 50)), p95: Math.round(pct(ms, 95)), p99: Math.round(pct(ms, 99)), max: Math.round(ms.at(-1) ?? NaN) },
      statuses: done.reduce<Record<string, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {}),
      loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(1))),
      acked, lost: total - acked, invocations: invocations - storm.length, duplicates: Math.max(0, invocations - storm.length - total),
      storedOnce: stored,
      replayStorm: { sent: storm.length, acked: storm.filter((r) => r.status === 202).length, keys: state.storage.keys.filter((k) => k === 'notified:replayed').length },
    };
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
