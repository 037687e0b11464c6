import { Hono } from 'hono';
import type { HostClock } from './clock';
import type { KvsStore } from './kvs/index';
import type { AppManifest } from './manifest';
import type { AccountStates } from './products/accounts';
import { jiraControl } from './products/jira/control';
import type { SiteDirectory } from './products/site';
import type { Scheduler } from './scheduler';
import type { LocalService } from './services/service';

export interface HostStats {
  resolverInvocations: number;
  webTriggerInvocations: number;
  scheduledRuns: number;
  privacyReports: number;
}

export interface ControlDeps {
  manifest: AppManifest;
  kvs: KvsStore;
  services: LocalService[];
  clock: HostClock;
  scheduler: Scheduler;
  accounts: AccountStates;
  pages: { reset(): void };
  hostStats: HostStats;
  site: SiteDirectory;
  /** Product events and the async events queue (dev/host/events): counters in the state, cleared by reset. */
  events?: { snapshot(): unknown; reset(): void };
}

const readJson = async (c: { req: { json(): Promise<unknown> } }) => ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;

/**
 * `/__emulator/*`: the control API for tests and demos. `state` lists storage keys and only the
 * names of secrets — never their values.
 */
export function controlApi(d: ControlDeps) {
  const api = new Hono();
  const started = Date.now();
  const faultSources = () => [{ key: 'kvs', get: () => d.kvs.faults.get(), set: (p: Record<string, unknown>) => d.kvs.faults.set(p) }, ...d.services.flatMap((s) => (s.faults ? [s.faults] : []))];

  api.get('/health', (c) => c.json({ ok: true, appId: d.manifest.appId, uptimeSeconds: Math.round((Date.now() - started) / 1000) }));
  api.get('/state', (c) => {
    const snap = d.kvs.snapshot();
    return c.json({
      storage: { keys: snap.keys.map((k) => k.key), values: Object.fromEntries(snap.keys.map((k) => [k.key, k.value])), secretKeys: snap.secretKeys, entities: snap.entities },
      faults: Object.fromEntries(faultSources().map((f) => [f.key, f.get()])),
      stats: { host: { ...d.hostStats }, ...Object.fromEntries(d.services.flatMap((s) => (s.stats ? [[s.name, s.stats()]] : []))), kvs: d.kvs.stats() },
      // No "now" here: two reads of an unchanged host stay equal. GET /clock has it.
      clock: { offsetSeconds: d.clock.offsetSeconds() },
      scheduled: d.scheduler.snapshot(),
      accounts: d.accounts.snapshot(),
      jira: { issues: d.site.jira.issueCount(), lastEvent: d.site.jira.events().at(-1)?.seq ?? 0, points: d.site.points.jira.snapshot(), settings: { ...d.site.jira.settings } },
      confluence: { points: d.site.points.confluence.snapshot() },
      ...(d.events ? { events: d.events.snapshot() } : {}),
    });
  });
  api.post('/reset', async (c) => {
    await d.kvs.reset();
    for (const s of d.services) await s.reset();
    d.clock.reset();
    d.scheduler.reset();
    d.accounts.reset();
    d.pages.reset();
    d.site.reset();
    d.events?.reset();
    for (const k of Object.keys(d.hostStats) as Array<keyof HostStats>) d.hostStats[k] = 0;
    return c.json({ ok: true });
  });
  api.post('/faults', async (c) => {
    const body = await readJson(c);
    try {
      const out: Record<string, unknown> = {};
      for (const f of faultSources()) {
        const patch = body[f.key];
        out[f.key] = patch && typeof patch === 'object' ? f.set(patch as Record<string, unknown>) : f.get();
      }
      return c.json(out);
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
  });
  api.get('/clock', (c) => c.json({ offsetSeconds: d.clock.offsetSeconds(), now: new Date(d.clock.now()).toISOString() }));
  /** Moves the host clock forward: token expiry, KVS TTLs and scheduled triggers that fall due (they run before this answers). */
  api.post('/clock', async (c) => {
    const body = await readJson(c);
    if (typeof body.advanceSeconds !== 'number' || !(body.advanceSeconds >= 0) || !Number.isFinite(body.advanceSeconds)) return c.json({ error: 'advanceSeconds (≥ 0) required' }, 400);
    const before = new Map(d.scheduler.snapshot().map((t) => [t.key, t.runs]));
    await d.clock.advance(body.advanceSeconds);
    const scheduledRuns = d.scheduler.snapshot().map((t) => ({ key: t.key, runs: t.runs - (before.get(t.key) ?? 0), lastRun: t.lastRun })).filter((t) => t.runs > 0);
    return c.json({ offsetSeconds: d.clock.offsetSeconds(), now: new Date(d.clock.now()).toISOString(), scheduledRuns });
  });
  api.post('/scheduled/run', async (c) => {
    const body = await readJson(c);
    if (typeof body.key !== 'string') return c.json({ error: 'key (a scheduledTrigger module key) required' }, 400);
    const run = d.scheduler.runNow(body.key);
    if (!run) return c.json({ error: `No scheduledTrigger module '${body.key}'` }, 404);
    return c.json(await run);
  });
  /** Closes an Atlassian account: reported `closed`, logged out, shown as a former user. */
  api.post('/accounts/close', async (c) => {
    const body = await readJson(c);
    const user = typeof body.user === 'string' ? d.accounts.find(body.user) : undefined;
    if (!user) return c.json({ error: 'user (fixture key or accountId) required' }, typeof body.user === 'string' ? 404 : 400);
    d.accounts.close(user);
    return c.json({ accountId: user.accountId, closed: true });
  });
  /** Records an Atlassian profile change now, so the next report says `updated` for stores older than this. */
  api.post('/accounts/update', async (c) => {
    const body = await readJson(c);
    const user = typeof body.user === 'string' ? d.accounts.find(body.user) : undefined;
    if (!user) return c.json({ error: 'user (fixture key or accountId) required' }, typeof body.user === 'string' ? 404 : 400);
    return c.json({ accountId: user.accountId, profileUpdatedAt: new Date(d.accounts.touch(user)).toISOString() });
  });
  api.route('/jira', jiraControl({ jira: d.site.jira, accounts: d.accounts, points: d.site.points }));
  for (const s of d.services) if (s.control) api.route('/', s.control);
  return api;
}
