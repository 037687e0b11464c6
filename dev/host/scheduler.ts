import { randomUUID } from 'node:crypto';
import type { HostClock } from './clock';
import { SCHEDULED_INTERVAL_SECONDS, type AppManifest, type ScheduledTrigger } from './manifest';
import type { Outcome } from './runtime/runner';

/** "Each trigger is scheduled to start … about 5 minutes after app deployment" (scheduled-trigger module doc). */
const FIRST_RUN_DELAY_MS = 5 * 60_000;
/** Async consumers and scheduled triggers: 55 s by default, `timeoutSeconds` up to 900 (limits-invocation). */
const DEFAULT_TIMEOUT_SECONDS = 55;
const MAX_TIMEOUT_SECONDS = 900;
/**
 * A clock jump runs each trigger at most this many times (a week of a daily trigger); later due
 * times inside the jump are skipped and logged, as a platform outage would lose them.
 */
export const MAX_CATCH_UP_RUNS = 7;

export interface ScheduledRun {
  key: string;
  /** Host-clock time the run started (ISO-8601). */
  at: string;
  trigger: 'schedule' | 'manual';
  outcome: 'ok' | 'error';
  error?: { name: string; message: string };
  durationMs: number;
}

interface TriggerState {
  trigger: ScheduledTrigger;
  nextDueAt: number;
  runs: number;
  lastRun?: ScheduledRun;
}

export interface SchedulerDeps {
  manifest: AppManifest;
  clock: HostClock;
  invoke: (req: { handler: string; event: unknown; context: unknown; identity: { moduleKey: string }; timeoutMs: number }) => Promise<Outcome>;
  cloudId: string;
  installContext: string;
  log: (line: string) => void;
}

/**
 * Forge's scheduler for the `scheduledTrigger` modules: each trigger runs when the host clock
 * passes its due time, without a user, and a failure is logged and not retried — the next run is
 * simply the next interval. Runs happen one after another, so tests see a deterministic order.
 */
export function createScheduler(d: SchedulerDeps) {
  const states = new Map<string, TriggerState>();
  let queue: Promise<unknown> = Promise.resolve();
  let realTimeTimer: NodeJS.Timeout | undefined;

  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };

  function schedule() {
    const first = d.clock.now() + FIRST_RUN_DELAY_MS;
    states.clear();
    for (const trigger of d.manifest.scheduledTriggers.values()) states.set(trigger.key, { trigger, nextDueAt: first, runs: 0 });
  }
  schedule();

  async function run(state: TriggerState, kind: ScheduledRun['trigger']): Promise<ScheduledRun> {
    const { trigger } = state;
    const fn = d.manifest.functions.get(trigger.function);
    const startedAt = d.clock.now();
    const t0 = Date.now();
    let outcome: Outcome;
    if (!fn) {
      outcome = { ok: false, kind: 'function', error: { name: 'FUNCTION_ERR', message: `No function '${trigger.function}'.` } };
    } else {
      const timeoutSeconds = Math.min(fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS);
      const context = { cloudId: d.cloudId, moduleKey: trigger.key };
      outcome = await d.invoke({
        handler: fn.handler,
        event: { context, contextToken: Buffer.from(JSON.stringify({ context, jti: randomUUID() })).toString('base64url') },
        context: { installContext: d.installContext, principal: undefined },
        identity: { moduleKey: trigger.key },
        timeoutMs: timeoutSeconds * 1000,
      });
    }
    const result: ScheduledRun = {
      key: trigger.key,
      at: new Date(startedAt).toISOString(),
      trigger: kind,
      outcome: outcome.ok ? 'ok' : 'error',
      ...(outcome.ok ? {} : { error: { name: outcome.error.name, message: outcome.error.message } }),
      durationMs: Date.now() - t0,
    };
    if (!outcome.ok) d.log(`[host] scheduled trigger ${trigger.key} failed (not retried): ${outcome.error.name}: ${outcome.error.message}`);
    state.runs++;
    state.lastRun = result;
    return result;
  }

  /** Runs every due time up to `until`, earliest first, stepping the clock to each. */
  async function runDue(until: number, moveTo?: (instant: number) => void): Promise<ScheduledRun[]> {
    const ran: ScheduledRun[] = [];
    const counts = new Map<string, number>();
    for (;;) {
      const next = [...states.values()].filter((s) => s.nextDueAt <= until).sort((a, b) => a.nextDueAt - b.nextDueAt)[0];
      if (!next) return ran;
      const intervalMs = SCHEDULED_INTERVAL_SECONDS[next.trigger.interval] * 1000;
      const count = counts.get(next.trigger.key) ?? 0;
      if (count >= MAX_CATCH_UP_RUNS) {
        const skipped = Math.floor((until - next.nextDueAt) / intervalMs) + 1;
        next.nextDueAt += skipped * intervalMs;
        d.log(`[host] scheduled trigger ${next.trigger.key}: skipped ${skipped} due run(s) beyond the ${MAX_CATCH_UP_RUNS} a clock jump may replay`);
        continue;
      }
      counts.set(next.trigger.key, count + 1);
      moveTo?.(next.nextDueAt);
      next.nextDueAt += intervalMs;
      ran.push(await run(next, 'schedule'));
    }
  }

  d.clock.onAdvance(({ target, moveTo }) => enqueue(() => runDue(target, moveTo)).then(() => undefined));

  return {
    /** Runs one trigger now, outside its schedule (the control API's "run now"). */
    runNow(key: string): Promise<ScheduledRun> | undefined {
      const state = states.get(key);
      return state ? enqueue(() => run(state, 'manual')) : undefined;
    },
    /** Also fire on real time (`npm start`); tests leave this off so only the clock moves triggers. */
    startRealTime(pollMs = 15_000) {
      realTimeTimer ??= setInterval(() => void enqueue(() => runDue(d.clock.now())), pollMs);
      realTimeTimer.unref();
    },
    stop() {
      if (realTimeTimer) clearInterval(realTimeTimer);
      realTimeTimer = undefined;
    },
    /** Forgets past runs and schedules every trigger anew from the clock's now. */
    reset: schedule,
    snapshot: () =>
      [...states.values()].map((s) => ({
        key: s.trigger.key,
        function: s.trigger.function,
        interval: s.trigger.interval,
        nextRunAt: new Date(s.nextDueAt).toISOString(),
        runs: s.runs,
        lastRun: s.lastRun ?? null,
      })),
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
