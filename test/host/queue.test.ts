import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';

 
type Json = any;

/**
 * The async events queue as the app meets it through the real @forge/events 3.0.8: pushes, consumers (resolver and
 * plain forms), delays and InvocationError retries on the host clock, job stats, cancel, and the SDK errors for
 * Forge's limits. The consumer records each invocation in KVS (test/fixtures/events-app).
 */
describe('local Forge host: async events queue', () => {
  let host: TestHost;
  const values = async (): Promise<Record<string, Json>> => (await host.state()).storage.values;
  const drain = async () => expect((await host.control('events/drain')).status).toBe(200);
  const advance = (advanceSeconds: number) => host.control('clock', { advanceSeconds });
  const probe = async (input: Record<string, unknown>) => {
    const out = await host.runner.invoke({ handler: 'index.probe', event: { body: JSON.stringify(input) }, context: { principal: undefined }, identity: { moduleKey: 'events-probe' }, timeoutMs: 20_000 });
    if (!out.ok) throw new Error(out.error.message);
    return JSON.parse((out.value as { body: string }).body);
  };
  const push = (queue: string, events: unknown) => probe({ action: 'push', queue, events });
  const stats = (queue: string, jobId: string) => probe({ action: 'stats', queue, jobId });

  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/events-app') });
  });
  afterAll(() => host?.stop());
  beforeEach(async () => {
    await host.control('reset');
    host.logs.length = 0;
  });

  it('runs the resolver consumer with the pushed body and the job id; the job counts a success', async () => {
    const { jobId } = await push('work', [{ body: { id: 'a' } }, { body: { id: 'b' } }]);
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    await drain();
    const v = await values();
    expect(v['work:a']).toEqual([expect.objectContaining({ retryCount: 0, jobId })]);
    expect(v['work:b']).toHaveLength(1);
    expect(await stats('work', jobId)).toEqual({ success: 2, inProgress: 0, failed: 0 });
  });

  it('the plain consumer form gets the AsyncEvent itself', async () => {
    const { jobId } = await push('plain', { body: { id: 'p' } });
    await drain();
    expect((await values())['plain:p']).toEqual({ queueName: 'plain', jobId, eventId: expect.any(String) });
  });

  it('holds an event for delayInSeconds on the host clock', async () => {
    const { jobId } = await push('work', [{ body: { id: 'late' }, delayInSeconds: 600 }]);
    await drain();
    expect((await values())['work:late']).toBeUndefined();
    expect(await stats('work', jobId)).toEqual({ success: 0, inProgress: 1, failed: 0 });
    await advance(599);
    await drain();
    expect((await values())['work:late']).toBeUndefined();
    await advance(2);
    await drain();
    expect((await values())['work:late']).toHaveLength(1);
  });

  it('retries on InvocationError after retryAfter, with retryCount and retryData, until the consumer succeeds', async () => {
    const { jobId } = await push('work', [{ body: { id: 'flaky', failTimes: 2, retryAfter: 10 } }]);
    await drain();
    await advance(10);
    await drain();
    await advance(10);
    await drain();
    const runs = (await values())['work:flaky'] as Array<{ retryCount: number; retryData: unknown; at: number }>;
    expect(runs.map((r) => [r.retryCount, r.retryData])).toEqual([[0, null], [1, { attempt: 1 }], [2, { attempt: 2 }]]);
    expect((runs[1]?.at ?? 0) - (runs[0]?.at ?? 0)).toBeGreaterThanOrEqual(10_000);
    expect(await stats('work', jobId)).toEqual({ success: 1, inProgress: 0, failed: 0 });
  });

  it('gives up after four retries; a throw or a timeout fails at once', async () => {
    const { jobId } = await push('work', [{ body: { id: 'never', failTimes: 99, retryAfter: 1 } }, { body: { id: 'boom', throws: true } }, { body: { id: 'slow', sleepMs: 3000 } }]);
    for (let i = 0; i < 6; i++) {
      await drain();
      await advance(1);
    }
    await drain();
    const v = await values();
    expect(v['work:never']).toHaveLength(5);
    expect(v['work:boom']).toHaveLength(1);
    expect(await stats('work', jobId)).toEqual({ success: 0, inProgress: 0, failed: 3 });
    expect(host.logs.some((l) => l.includes('did not finish within 2 seconds'))).toBe(true);
  });

  it('cancel drops the events of a job that have not started', async () => {
    const { jobId } = await push('work', [{ body: { id: 'c1' }, delayInSeconds: 60 }]);
    expect(await probe({ action: 'cancel', queue: 'work', jobId })).toEqual({ cancelled: true });
    await advance(120);
    await drain();
    expect((await values())['work:c1']).toBeUndefined();
    expect(await stats('work', jobId)).toEqual({ success: 0, inProgress: 0, failed: 0 });
    expect(await stats('work', '00000000-0000-4000-8000-000000000000')).toMatchObject({ error: 'JobDoesNotExistError' });
  });

  it('refuses what Forge refuses: 51 events, 200 KB, a delay over 900 s, more than 500 events a minute', async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ body: { id: `m${i}` } }));
    expect(await push('work', many)).toMatchObject({ error: 'TooManyEventsError' });
    expect(await push('work', [{ body: { id: 'big', pad: 'x'.repeat(205 * 1024) } }])).toMatchObject({ error: 'PayloadTooBigError' });
    expect(await push('work', [{ body: { id: 'd' }, delayInSeconds: 901 }])).toMatchObject({ error: 'InvalidPushSettingsError' });
    const fifty = (n: number) => Array.from({ length: 50 }, (_, i) => ({ body: { id: `r${n}-${i}` }, delayInSeconds: 900 }));
    for (let n = 0; n < 10; n++) expect(await push('work', fifty(n))).toHaveProperty('jobId');
    expect(await push('work', fifty(10))).toMatchObject({ error: 'RateLimitError' });
    await advance(61);
    expect(await push('work', fifty(11))).toHaveProperty('jobId');
    expect((await host.state()).events.queues.work.pushed).toBe(550);
  });
});
