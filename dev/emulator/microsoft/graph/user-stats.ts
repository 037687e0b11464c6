import type { Caller } from './types';

/** Graph traffic of one signed-in user, for the benchmarks' "Graph round trips per sharer". */
export interface UserCounters {
  /** Authenticated HTTP round trips (a `$batch` counts once however many parts it has). */
  requests: number;
  /** `$batch` parts. */
  batchParts: number;
  /** Answers and `$batch` parts that were 429, whatever throttled them (Outlook, Teams or injected faults). */
  throttled: number;
}

export interface UserStats {
  request(caller: Caller, batchParts: number): void;
  throttled(caller: Caller, n: number): void;
  /** By user principal name, since the last reset. */
  stats(): Record<string, UserCounters>;
  reset(): void;
}

export const createUserStats = (): UserStats => {
  const counters = new Map<string, UserCounters>();
  const of = (caller: Caller): UserCounters => {
    const key = caller.principal.userPrincipalName;
    let c = counters.get(key);
    if (!c) {
      c = { requests: 0, batchParts: 0, throttled: 0 };
      counters.set(key, c);
    }
    return c;
  };
  return {
    request: (caller, batchParts) => {
      const c = of(caller);
      c.requests++;
      c.batchParts += batchParts;
    },
    throttled: (caller, n) => {
      if (n > 0) of(caller).throttled += n;
    },
    stats: () => Object.fromEntries([...counters].map(([k, v]) => [k, { ...v }])),
    reset: () => counters.clear(),
  };
};
