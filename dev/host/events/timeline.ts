import type { HostClock } from '../clock';

export interface TimedTask {
  dueAt: number;
  /** Tasks that share a key run one after another beyond `limit` (Forge's `concurrency: {key, limit}`). */
  concurrency?: { key: string; limit: number };
  /** Lets `cancel` find tasks, e.g. by job id. */
  tag?: string;
  run(): Promise<void>;
}

/**
 * Work that falls due on the host clock: run by a real-time timer as time passes, and by clock advances (each task
 * sees the clock at its own due time, as the scheduler does for scheduled triggers). At most `maxConcurrent` run at
 * once; `idle()` resolves when nothing due now is waiting or running.
 */
export function createTimeline(clock: HostClock, maxConcurrent: number) {
  let waiting: TimedTask[] = [];
  let running = 0;
  const runningByKey = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: Array<() => void> = [];
  let generation = 0;

  const dueNow = () => waiting.filter((t) => t.dueAt <= clock.now());
  const mayStart = (t: TimedTask) => !t.concurrency || (runningByKey.get(t.concurrency.key) ?? 0) < t.concurrency.limit;

  function notifyIdle() {
    if (running > 0 || waiting.some((t) => t.dueAt <= clock.now())) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const r of w) r();
  }

  function start(t: TimedTask) {
    waiting = waiting.filter((x) => x !== t);
    running++;
    if (t.concurrency) runningByKey.set(t.concurrency.key, (runningByKey.get(t.concurrency.key) ?? 0) + 1);
    const gen = generation;
    return Promise.resolve()
      .then(() => t.run())
      .catch(() => undefined)
      .finally(() => {
        if (gen !== generation) return;
        running--;
        if (t.concurrency) runningByKey.set(t.concurrency.key, (runningByKey.get(t.concurrency.key) ?? 1) - 1);
        pump();
      });
  }

  function pump() {
    const ready = dueNow().sort((a, b) => a.dueAt - b.dueAt);
    for (const t of ready) {
      if (running >= maxConcurrent) break;
      if (mayStart(t)) void start(t);
    }
    arm();
    notifyIdle();
  }

  function arm() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const next = waiting.filter((t) => t.dueAt > clock.now()).reduce<number | undefined>((m, t) => (m === undefined || t.dueAt < m ? t.dueAt : m), undefined);
    if (next === undefined) return;
    timer = setTimeout(pump, Math.min(Math.max(0, next - clock.now()), 2 ** 31 - 1));
    timer.unref();
  }

  // A clock jump runs what falls due inside it, earliest first, each at its own instant, before the jump completes.
  clock.onAdvance(async (step) => {
    const { target } = step;
    for (;;) {
      const next = waiting.filter((t) => t.dueAt <= target && t.dueAt > clock.now()).sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!next) break;
      step.moveTo(next.dueAt);
      pump();
      await idle();
    }
  });

  function idle(timeoutMs = 60_000): Promise<boolean> {
    pump();
    if (running === 0 && dueNow().length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        idleWaiters = idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(t);
        resolve(true);
      };
      idleWaiters.push(done);
    });
  }

  return {
    schedule(task: TimedTask) {
      waiting.push(task);
      // Starting from a microtask keeps schedule() synchronous for callers inside an event listener.
      queueMicrotask(pump);
    },
    /** Removes tasks not yet started that match. */
    cancel(match: (t: TimedTask) => boolean): number {
      const before = waiting.length;
      waiting = waiting.filter((t) => !match(t));
      arm();
      return before - waiting.length;
    },
    idle,
    pending: () => waiting.length,
    running: () => running,
    reset() {
      generation++;
      waiting = [];
      running = 0;
      runningByKey.clear();
      arm();
      notifyIdle();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

export type Timeline = ReturnType<typeof createTimeline>;
