import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createKvsStore } from '../../dev/host/kvs';
import { DEFAULT_INVOCATION_RATE_LIMITS, invocationLimiter } from '../../dev/host/invocation-limits';
import { ROOT, startTestHost, type TestHost } from '../support/host';

const PROBE = join(ROOT, 'test/fixtures/probe-app');

describe('local Forge host: invocation payload limits (limits-invocation)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ appDir: PROBE });
  });
  afterAll(() => host?.stop());

  it('refuses a front-end invocation payload over 500KB without running the function', async () => {
    const before = (await host.state()).stats.host.resolverInvocations;
    const big = await host.asUser('alice').invoke('probe-panel', 'payloadSize', { text: 'x'.repeat(500 * 1024) });
    expect(big).toMatchObject({ ok: false, error: { name: 'PAYLOAD_TOO_LARGE' } });
    expect((await host.state()).stats.host.resolverInvocations).toBe(before);
    const fits = await host.asUser('alice').invoke('probe-panel', 'payloadSize', { text: 'x'.repeat(400 * 1024) });
    expect(fits.value.chars).toBeGreaterThan(400 * 1024);
  });

  it('drops a resolver answer over 5MB', async () => {
    const r = await host.asUser('alice').invoke('probe-panel', 'bigAnswer', { bytes: 5 * 1024 * 1024 + 1 });
    expect(r).toMatchObject({ ok: false, error: { name: 'RESPONSE_TOO_LARGE' } });
    expect((await host.asUser('alice').invoke('probe-panel', 'bigAnswer', { bytes: 1024 })).ok).toBe(true);
  });

  it('refuses a web trigger request body over 5MB', async () => {
    const { value } = await host.asUser('alice').invoke('probe-panel', 'webTriggerUrl', { key: 'echo' });
    expect((await fetch(value.url, { method: 'POST', body: 'x'.repeat(5 * 1024 * 1024 + 1) })).status).toBe(413);
    expect((await fetch(value.url, { method: 'POST', body: 'small' })).status).toBe(201);
  });

  it('turns the per-installation KVS rate limit down on request, and the SDK meets RATE_LIMIT_EXCEEDED', async () => {
    const set = await host.control('faults', { kvs: { limits: { requestsPerSecond: 3 } } });
    expect(set.body.kvs.limits).toEqual({ requestsPerSecond: 3, readUnitsPerMinute: 4000, writeUnitsPerMinute: 4000 });
    const burst = (await host.asUser('alice').invoke('probe-panel', 'kvsBurst', { n: 10 })).value;
    expect(burst.limited).toBeGreaterThan(0);
    expect(burst.ok + burst.limited).toBe(10);
    await host.control('faults', { kvs: { limits: { requestsPerSecond: 1000 } } });
    expect((await host.state()).stats.kvs.rateLimited).toBeGreaterThan(0);
  });
});

describe('local Forge host: invocation rate limits (limits-invocation, fixed one-minute window)', () => {
  it('has Forge’s numbers by default and refuses, per user, per installation and per app, without counting the refused', () => {
    let clock = Date.UTC(2026, 0, 1, 12, 0, 10);
    const limiter = invocationLimiter(() => clock);
    expect(limiter.faults?.get()).toEqual({ limits: { perUserPerInstallation: 1200, perInstallation: 5000, perApp: 30_000 } });
    const burst = (user: string, inst: string, n: number) => Array.from({ length: n }, () => limiter.admit(user, inst).ok);
    // 1,200 by one user pass in a minute; the 1,201st does not — but another user of the same site still may.
    expect(burst('alice', 'jira', 1200).every(Boolean)).toBe(true);
    expect(limiter.admit('alice', 'jira')).toEqual({ ok: false, limit: 'perUserPerInstallation', max: 1200, retryAfterSeconds: 50 });
    expect(limiter.admit('bob', 'jira').ok).toBe(true);
    // The same user in another installation (Confluence) has a count of their own.
    expect(limiter.admit('alice', 'confluence').ok).toBe(true);
    limiter.faults?.set({ limits: { perInstallation: 1202, perApp: 1204 } });
    expect(limiter.admit('carol', 'jira').ok).toBe(true);
    expect(limiter.admit('dave', 'jira')).toMatchObject({ ok: false, limit: 'perInstallation' });
    expect(limiter.admit('erin', 'confluence').ok).toBe(true);
    expect(limiter.admit('frank', 'confluence')).toMatchObject({ ok: false, limit: 'perApp' });
    expect(limiter.stats?.()).toEqual({ admitted: 1204, limited: 3 });
    // A fixed window: the next minute starts from nothing, not 60 s after each call.
    clock = Date.UTC(2026, 0, 1, 12, 1, 0);
    expect(limiter.admit('alice', 'jira').ok).toBe(true);
  });

  it('refuses bad limits and changes nothing', () => {
    const limiter = invocationLimiter(() => 0);
    for (const bad of [{ perUser: 3 }, { perApp: 0 }, { perInstallation: 2.5 }, { perApp: '9' }]) expect(() => limiter.faults?.set({ limits: bad })).toThrow(/invocations/);
    expect(() => limiter.faults?.set({ limits: [1] })).toThrow(/object/);
    expect(limiter.faults?.get()).toEqual({ limits: DEFAULT_INVOCATION_RATE_LIMITS });
  });

  it('the host answers an invoke over the limit 429 RATE_LIMIT_EXCEEDED and runs nothing; the next minute runs again', async () => {
    const host = await startTestHost({ appDir: PROBE });
    try {
      const set = await host.control('faults', { invocations: { limits: { perUserPerInstallation: 2, perInstallation: 3 } } });
      expect(set.body.invocations.limits).toMatchObject({ perUserPerInstallation: 2, perInstallation: 3 });
      const as = (u: string) => host.asUser(u).invoke('probe-panel', 'counter');
      expect((await as('alice')).ok).toBe(true);
      expect((await as('alice')).ok).toBe(true);
      const before = (await host.state()).stats.host.resolverInvocations;
      const res = await fetch(`${host.origin}/__host/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: 'forge_local_as=alice' },
        body: JSON.stringify({ moduleKey: 'probe-panel', functionKey: 'counter', payload: {}, extension: {} }),
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({ ok: false, error: { name: 'RATE_LIMIT_EXCEEDED' } });
      expect((await as('bob')).ok).toBe(true);
      expect(await as('bob')).toMatchObject({ ok: false, error: { name: 'RATE_LIMIT_EXCEEDED', message: expect.stringContaining('perInstallation') } });
      const state = await host.state();
      expect(state.stats.host.resolverInvocations).toBe(before + 1);
      expect(state.stats.invocations).toEqual({ admitted: 3, limited: 2 });
      expect((await host.control('faults', { invocations: { limits: { perApp: -1 } } })).status).toBe(400);
      await host.control('clock', { advanceSeconds: 60 });
      expect((await as('alice')).ok).toBe(true);
    } finally {
      await host.stop();
    }
  });
});

describe('local Forge host: function instances are sometimes fresh', () => {
  const counts = async (opts: { freshEvery?: number; seed?: number }, n: number) => {
    const host = await startTestHost({ appDir: PROBE, ...opts });
    try {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await host.asUser('alice').invoke('probe-panel', 'counter')).value.count);
      return { out, fresh: host.runner.stats().freshProcesses };
    } finally {
      await host.stop();
    }
  };

  it('shows module state leaking between invocations when a process is reused, and losing it when one is fresh, by seed', async () => {
    const seeded = await counts({ freshEvery: 2, seed: 7 }, 6);
    // Some invocations found the count of earlier ones (warm), some started over (fresh): code that keeps
    // per-tenant data in module state is caught either way.
    expect(seeded.out.slice(1).some((c) => c === 1)).toBe(true);
    expect(seeded.out.some((c) => c > 1)).toBe(true);
    expect(seeded.fresh).toBe(seeded.out.slice(1).filter((c) => c === 1).length);
    expect((await counts({ freshEvery: 2, seed: 7 }, 6)).out).toEqual(seeded.out);
  });
});

describe('KVS rate limits (limits-kvs-ce, per installation)', () => {
  it('answer 429 RATE_LIMIT_EXCEEDED past the requests per second and the write units per minute', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const store = await createKvsStore({ now: () => clock });
    store.faults.set({ limits: { requestsPerSecond: 3, writeUnitsPerMinute: 5 } });
    const codes = async (n: number) => Promise.all(Array.from({ length: n }, async (_, i) => (await store.handle('/api/v1/set', { key: `k${i}`, value: i })).status));
    expect(await codes(4)).toEqual([204, 204, 204, 429]);
    clock += 1000;
    const refused = await store.handle('/api/v1/get', { key: 'k0' });
    expect(refused.status).toBe(200);
    // 25 KB is three 10 KB units: one such write fits in what is left of five, the next does not.
    const big = { key: 'big', value: 'x'.repeat(25 * 1024) };
    expect((await store.handle('/api/v1/set', big)).status).toBe(429);
    clock += 60_000;
    expect((await store.handle('/api/v1/set', big)).status).toBe(204);
    expect(await (await store.handle('/api/v1/set', big)).json()).toEqual({ code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded' });
    expect(store.stats().rateLimited).toBe(3);
  });
});
