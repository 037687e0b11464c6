import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';
import { MAX_CATCH_UP_RUNS } from '../../dev/host/scheduler';

const DAY = 86_400;
const CLOUD_ID = '8f1c7c52-0b1d-4a0e-9c43-5d1f0a6b2e11';

/**
 * scheduledTrigger modules of the probe app (daily `tick`, hourly `boom` that throws, weekly
 * `slow` with timeoutSeconds 1), run on the host clock and on demand, with the real @forge/kvs.
 */
describe('local Forge host: scheduled triggers', () => {
  let host: TestHost;
  const kvsGet = async (key: string) => (await host.asUser('alice').invoke('probe-panel', 'kvsGet', { key })).value.value;
  /** The same key in the Confluence installation's storage, read by one of its modules. */
  const confluenceKvsGet = async (key: string) => (await host.asUser('alice').invoke('probe-global-settings', 'kvsGet', { key })).value.value;
  const clockNow = async () => Date.parse(((await (await fetch(`${host.origin}/__emulator/clock`)).json()) as { now: string }).now);
  const trigger = async (key: string) => ((await host.state()).scheduled as Array<{ key: string; runs: number; nextRunAt: string; lastRun: any }>).find((t) => t.key === key);

  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app') });
  });
  afterAll(() => host?.stop());
  beforeEach(async () => {
    await host.control('reset');
    host.logs.length = 0;
  });

  it('lists every trigger, first due about five minutes after start, and runs none on its own', async () => {
    const { scheduled } = await host.state();
    expect(scheduled.map((t: { key: string; interval: string }) => [t.key, t.interval])).toEqual([
      ['probe-daily', 'day'],
      ['probe-hourly-failing', 'hour'],
      ['probe-weekly-slow', 'week'],
    ]);
    const firstDue = Date.parse(scheduled[0].nextRunAt) - (await clockNow());
    expect(firstDue).toBeGreaterThan(4 * 60_000);
    expect(firstDue).toBeLessThanOrEqual(5 * 60_000);
    expect(scheduled.every((t: { runs: number; lastRun: unknown }) => t.runs === 0 && t.lastRun === null)).toBe(true);
    expect(await kvsGet('probe:tick:runs')).toBeNull();
  });

  it('runs a daily trigger once per elapsed day when the clock jumps three days, without a user, at its due time', async () => {
    const firstDue = Date.parse((await trigger('probe-daily'))!.nextRunAt);
    const moved = await host.control('clock', { advanceSeconds: 3 * DAY });
    expect(moved.body.scheduledRuns.find((r: { key: string }) => r.key === 'probe-daily')).toMatchObject({ runs: 3, lastRun: { outcome: 'ok', trigger: 'schedule' } });
    // Each installation (Jira, Confluence) runs the trigger with its own context and storage.
    expect(await kvsGet('probe:tick:runs')).toBe(3);
    expect(await confluenceKvsGet('probe:tick:runs')).toBe(3);
    expect((await confluenceKvsGet('probe:tick:last')).installContext).toBe(`ari:cloud:confluence::site/${CLOUD_ID}`);

    const last = await kvsGet('probe:tick:last');
    expect(last.event).toEqual({ context: { cloudId: CLOUD_ID, moduleKey: 'probe-daily' }, contextToken: expect.any(String) });
    expect(last.principal).toBeNull();
    expect(last.installContext).toBe(`ari:cloud:jira::site/${CLOUD_ID}`);
    // The third run happened at its own due time (two days after the first), not at the end of the jump.
    const ranAt = Date.parse(last.at) - firstDue;
    expect(ranAt).toBeGreaterThanOrEqual(2 * DAY * 1000);
    expect(ranAt).toBeLessThan(2 * DAY * 1000 + 60_000);
    expect(Date.parse((await trigger('probe-daily'))!.nextRunAt) - firstDue).toBe(3 * DAY * 1000);
  });

  it('logs a thrown error, does not retry it, and replays at most a few missed runs of a frequent trigger', async () => {
    await host.control('clock', { advanceSeconds: DAY });
    const hourly = await trigger('probe-hourly-failing');
    expect(hourly!.runs).toBe(MAX_CATCH_UP_RUNS);
    expect(hourly!.lastRun).toMatchObject({ outcome: 'error', error: { name: 'Error', message: 'the hourly job broke' } });
    expect(host.logs.filter((l) => l.includes('scheduled trigger probe-hourly-failing failed (not retried)'))).toHaveLength(MAX_CATCH_UP_RUNS);
    expect(host.logs.some((l) => /probe-hourly-failing: skipped \d+ due run/.test(l))).toBe(true);
    // The next run is the next interval after the jump, not a retry.
    const next = Date.parse(hourly!.nextRunAt) - (await clockNow());
    expect(next).toBeGreaterThan(0);
    expect(next).toBeLessThanOrEqual(3600_000);
  });

  it("stops a trigger at its function's timeoutSeconds", async () => {
    const run = await host.control('scheduled/run', { key: 'probe-weekly-slow' });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ key: 'probe-weekly-slow', trigger: 'manual', outcome: 'error', error: { name: 'TIMEOUT' } });
    expect(run.body.durationMs).toBeLessThan(2900);
  });

  it('runs a trigger on demand, answers its outcome, and leaves its schedule alone', async () => {
    const before = await trigger('probe-daily');
    const run = await host.control('scheduled/run', { key: 'probe-daily' });
    expect(run).toEqual({ status: 200, body: { key: 'probe-daily', at: expect.any(String), trigger: 'manual', outcome: 'ok', durationMs: expect.any(Number) } });
    expect(await kvsGet('probe:tick:runs')).toBe(1);
    const after = await trigger('probe-daily');
    expect(after).toMatchObject({ runs: 1, nextRunAt: before!.nextRunAt, lastRun: run.body });

    expect((await host.runScheduled('probe-hourly-failing')).outcome).toBe('error');
    expect(await host.control('scheduled/run', { key: 'nope' })).toEqual({ status: 404, body: { error: "No scheduledTrigger module 'nope'" } });
    expect((await host.control('scheduled/run', {})).status).toBe(400);
  });
});
