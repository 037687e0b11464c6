import { Hono } from 'hono';
import type { KvsStore } from './kvs/index';
import type { MicrosoftEmulator } from '../emulator/microsoft/index';
import type { AppManifest } from './manifest';
import type { Runner } from './runtime/runner';

/**
 * `/__emulator/*`: the control API for tests and demos. `state` lists storage keys and only the
 * names of secrets — never their values.
 */
export function controlApi(d: { kvs: KvsStore; microsoft: MicrosoftEmulator; manifest: AppManifest; runner: Runner; clock: { offsetMs: number }; pages: { reset(): void }; hostStats: { resolverInvocations: number; webTriggerInvocations: number } }) {
  const api = new Hono();
  const started = Date.now();
  api.get('/health', (c) => c.json({ ok: true, appId: d.manifest.appId, uptimeSeconds: Math.round((Date.now() - started) / 1000) }));
  api.get('/state', (c) => {
    const snap = d.kvs.snapshot();
    return c.json({
      storage: { keys: snap.keys.map((k) => k.key), values: Object.fromEntries(snap.keys.map((k) => [k.key, k.value])), secretKeys: snap.secretKeys },
      faults: { graph: d.microsoft.faults.get(), kvs: d.kvs.faults.get() },
      stats: { host: { ...d.hostStats }, microsoft: d.microsoft.stats(), kvs: d.kvs.stats() },
    });
  });
  api.post('/reset', async (c) => {
    await d.kvs.reset();
    d.microsoft.reset();
    d.clock.offsetMs = 0;
    d.pages.reset();
    d.hostStats.resolverInvocations = 0;
    d.hostStats.webTriggerInvocations = 0;
    return c.json({ ok: true });
  });
  api.post('/faults', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { graph?: Record<string, unknown>; kvs?: Record<string, unknown> };
    try {
      const graph = body.graph ? d.microsoft.faults.set(body.graph) : d.microsoft.faults.get();
      const kvs = body.kvs ? d.kvs.faults.set(body.kvs) : d.kvs.faults.get();
      return c.json({ graph, kvs });
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
  });
  /** Moves Microsoft's clock forward, e.g. past every access token's expiry. */
  api.post('/clock', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { advanceSeconds?: unknown };
    if (typeof body.advanceSeconds !== 'number' || !(body.advanceSeconds >= 0)) return c.json({ error: 'advanceSeconds (≥ 0) required' }, 400);
    d.clock.offsetMs += body.advanceSeconds * 1000;
    return c.json({ offsetSeconds: d.clock.offsetMs / 1000 });
  });
  api.post('/revoke', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { user?: unknown };
    if (typeof body.user !== 'string') return c.json({ error: 'user (UPN or mail) required' }, 400);
    d.microsoft.revokeRefreshTokens(body.user);
    return c.json({ ok: true });
  });
  return api;
}
