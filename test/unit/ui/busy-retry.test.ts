import { describe, expect, it } from 'vitest';
import { BUSY_RETRIES, busyRetryDelayMs, retryWhileBusy } from '../../../static/shared/sharing/busy-retry';

const busy = (retryAfterSeconds?: number) => ({ code: 'THROTTLED' as const, reason: 'throttled', message: 'Microsoft 365 is busy. Trying again shortly.', action: 'retry' as const, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
const gone = { code: 'NOT_FOUND' as const, reason: 'mail_gone', message: 'No longer available.', action: 'none' as const };

describe('a view that says "Trying again shortly" tries again', () => {
  it('waits as long as Graph asked for the slowest busy item, plus up to half a second of jitter', () => {
    expect(busyRetryDelayMs([busy(1), undefined, busy(4)], 0, 0)).toBe(4000);
    expect(busyRetryDelayMs([busy(1)], 0, 1)).toBe(1500);
  });

  it('waits 2 s when Graph gave no Retry-After, and never more than 30 s', () => {
    expect(busyRetryDelayMs([busy()], 0, 0)).toBe(2000);
    expect(busyRetryDelayMs([busy(600)], 0, 0)).toBe(30_000);
  });

  it('does not ask again for items that are fine or gone, nor after the last try', () => {
    expect(busyRetryDelayMs([undefined, gone], 0, 0)).toBeUndefined();
    expect(busyRetryDelayMs([], 0, 0)).toBeUndefined();
    expect(busyRetryDelayMs([busy(1)], BUSY_RETRIES - 1, 0)).toBe(1000);
    expect(busyRetryDelayMs([busy(1)], BUSY_RETRIES, 0)).toBeUndefined();
  });
});

describe('a call Microsoft 365 answers "busy" is asked again (Older messages, chat pictures)', () => {
  it('asks again after the wait until an answer comes, and gives up after the last try', async () => {
    const answers = [{ ok: false as const, error: busy(0) }, { ok: true as const, value: 'page 2' }];
    let calls = 0;
    const r = await retryWhileBusy(async () => answers[calls++] ?? { ok: false as const, error: busy(0) });
    expect(r).toEqual({ ok: true, value: 'page 2' });
    expect(calls).toBe(2);

    calls = 0;
    const stuck = await retryWhileBusy(async () => { calls++; return { ok: false as const, error: busy(0) }; });
    expect(stuck.ok).toBe(false);
    expect(calls).toBe(BUSY_RETRIES + 1);
  });

  it('does not ask again for any other failure', async () => {
    let calls = 0;
    const r = await retryWhileBusy(async () => { calls++; return { ok: false as const, error: gone }; });
    expect(r.ok).toBe(false);
    expect(calls).toBe(1);
  });
});
