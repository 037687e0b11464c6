import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';
import { createClock } from '../../dev/host/clock';

describe('the host clock', () => {
  it('steps listeners through intermediate instants and never goes past the target', async () => {
    let real = 1_000_000;
    const clock = createClock(() => real);
    const seen: number[] = [];
    clock.onAdvance(({ target, moveTo }) => {
      moveTo(real + 10_000);
      seen.push(clock.now());
      moveTo(target + 99_999);
      seen.push(clock.now());
    });
    await clock.advance(60);
    expect(seen).toEqual([1_010_000, 1_060_000]);
    expect(clock.now()).toBe(1_060_000);
    expect(clock.offsetSeconds()).toBe(60);
    real += 5;
    expect(clock.now()).toBe(1_060_005);
    clock.reset();
    expect(clock.now()).toBe(1_000_005);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
  });
});

/** One clock for the whole host: KVS TTLs, the function's own `Date`, and (see e2e/connect) Microsoft tokens. */
describe('local Forge host: /__emulator/clock', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app') });
  });
  afterAll(() => host?.stop());
  beforeEach(async () => {
    await host.control('reset');
  });

  it('makes a KVS key with a TTL vanish once the clock passes its expiry', async () => {
    const alice = host.asUser('alice');
    expect((await alice.invoke('probe-panel', 'kvsTtl', { key: 'lease', value: 'mine', seconds: 60 })).value).toEqual({ value: 'mine' });
    await host.control('clock', { advanceSeconds: 59 });
    expect((await alice.invoke('probe-panel', 'kvsGet', { key: 'lease' })).value).toEqual({ value: 'mine' });
    await host.control('clock', { advanceSeconds: 2 });
    expect((await alice.invoke('probe-panel', 'kvsGet', { key: 'lease' })).value).toEqual({ value: null });
    expect((await host.state()).storage.keys).not.toContain('lease');
  });

  it("moves the function's own Date with it, and reset brings back real time", async () => {
    const alice = host.asUser('alice');
    const before = (await alice.invoke('probe-panel', 'now')).value.now as number;
    const moved = await host.control('clock', { advanceSeconds: 86_400 });
    expect(moved.status).toBe(200);
    expect(moved.body.offsetSeconds).toBe(86_400);
    const after = (await alice.invoke('probe-panel', 'now')).value.now as number;
    expect(after - before).toBeGreaterThanOrEqual(86_400_000);
    expect(after - before).toBeLessThan(86_400_000 + 30_000);
    expect(Math.abs(Date.parse(((await (await fetch(`${host.origin}/__emulator/clock`)).json()) as { now: string }).now) - after)).toBeLessThan(30_000);

    await host.control('reset');
    expect((await host.state()).clock.offsetSeconds).toBe(0);
    expect(Math.abs((await alice.invoke('probe-panel', 'now')).value.now - Date.now())).toBeLessThan(30_000);
  });

  it('refuses to move backwards', async () => {
    expect(await host.control('clock', { advanceSeconds: -5 })).toEqual({ status: 400, body: { error: 'advanceSeconds (≥ 0) required' } });
    expect((await host.state()).clock.offsetSeconds).toBe(0);
  });
});
