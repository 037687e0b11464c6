import { useCallback, useRef } from 'preact/hooks';
import type { AppErrorBody } from '../../../src/contract';
import type { ShareItemView } from '../../../src/contracts/sharing';

/** How many times a view asks again by itself while Microsoft 365 answers "busy" for an item it shows. */
export const BUSY_RETRIES = 3;

/**
 * When to ask again after a view whose items (or a call's answer) carry `problems`, or `undefined` for not
 * at all: only when something was throttled ("Microsoft 365 is busy. Trying again shortly." — src/core/messages.ts), after
 * the longest wait Graph asked for (its Retry-After, 2 s when it gave none, at most 30 s) plus up to
 * half a second of jitter, so several frames of one page do not come back together; at most
 * `BUSY_RETRIES` times in a row.
 */
export function busyRetryDelayMs(problems: ReadonlyArray<Pick<AppErrorBody, 'code' | 'retryAfterSeconds'> | undefined>, attempt: number, jitter = Math.random()): number | undefined {
  if (attempt >= BUSY_RETRIES) return undefined;
  const waits = problems.flatMap((p) => (p?.code === 'THROTTLED' ? [p.retryAfterSeconds ?? 2] : []));
  if (waits.length === 0) return undefined;
  return Math.min(30, Math.max(...waits)) * 1000 + jitter * 500;
}

/**
 * The views' side of "Trying again shortly": after each load, pass what it showed and how to load
 * again; a throttled item makes the view `reload` after Graph's wait (a few times at most), an answer without one starts the
 * count again.
 */
export function useBusyRetry(): (items: readonly ShareItemView[], reload: () => unknown) => void {
  const attempts = useRef(0);
  return useCallback(
    (items: readonly ShareItemView[], reload: () => unknown) => {
      const delay = busyRetryDelayMs(items.map((i) => i.problem), attempts.current);
      if (delay !== undefined) {
        attempts.current++;
        setTimeout(() => void reload(), delay);
      } else if (!items.some((i) => i.problem?.code === 'THROTTLED')) attempts.current = 0;
    },
    [],
  );
}

/** A call that Microsoft 365 may answer "busy": asked again after Graph's wait, a few times at most. */
export async function retryWhileBusy<T extends { ok: boolean; error?: AppErrorBody }>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const r = await call();
    const delay = r.ok ? undefined : busyRetryDelayMs([r.error], attempt);
    if (delay === undefined) return r;
    await new Promise((done) => setTimeout(done, delay));
  }
}
