/**
 * The host's one clock: Microsoft token lifetimes, KVS TTLs and scheduled triggers all read it, so
 * `POST /__emulator/clock` moves them together. It runs at real speed from an offset that only
 * ever grows, except on reset.
 */
export interface HostClock {
  /** Epoch milliseconds, offset included. */
  now: () => number;
  offsetSeconds(): number;
  /**
   * Moves the clock forward. Listeners run in order before the move completes and may step the
   * clock to intermediate instants (each scheduled run sees its own due time).
   */
  advance(seconds: number): Promise<void>;
  /** Back to real time (offset 0). */
  reset(): void;
  onAdvance(listener: AdvanceListener): () => void;
}

export type AdvanceListener = (step: { target: number; moveTo: (instant: number) => void }) => Promise<void> | void;

export function createClock(realNow: () => number = Date.now): HostClock {
  let offsetMs = 0;
  const listeners = new Set<AdvanceListener>();
  // Advances queue behind each other: two overlapping control calls must not interleave their steps.
  let queue: Promise<void> = Promise.resolve();
  const now = () => realNow() + offsetMs;
  const moveTo = (instant: number) => {
    if (instant > now()) offsetMs = instant - realNow();
  };

  return {
    now,
    offsetSeconds: () => offsetMs / 1000,
    advance(seconds) {
      if (!(seconds >= 0) || !Number.isFinite(seconds)) return Promise.reject(new RangeError('advance needs a finite number of seconds ≥ 0'));
      const run = queue.then(async () => {
        const finalOffset = offsetMs + seconds * 1000;
        const target = now() + seconds * 1000;
        for (const listener of listeners) await listener({ target, moveTo: (t) => moveTo(Math.min(t, target)) });
        // The offset grows by exactly `seconds`: time spent in listeners passes on top, as it would.
        offsetMs = Math.max(offsetMs, finalOffset);
      });
      queue = run.catch(() => undefined);
      return run;
    },
    reset() {
      offsetMs = 0;
    },
    onAdvance(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
