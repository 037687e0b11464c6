import { randomUUID } from 'node:crypto';
import type { HostClock } from '../clock';
import type { AppManifest } from '../manifest';
import type { Outcome, PlatformRequest } from '../runtime/runner';
import type { ConsumerModule } from './modules';
import { MAX_RETRIES, retryRequest } from './retry';
import type { Timeline } from './timeline';

/** `@forge/events` 3.0.8 `queries.js`: the paths its Queue and JobProgress POST to (placeholders sent as they are). */
export const QUEUE_PATHS = {
  publish: '/webhook/queue/publish/',
  stats: '/webhook/queue/stats/',
  cancel: '/webhook/queue/cancel/',
} as const;

/** `validators.js`: MAXIMUM_EVENTS, MAXIMUM_PAYLOAD_SIZE_KB, the delay range and the queue-name pattern. */
const MAX_EVENTS = 50;
const MAX_PAYLOAD_KB = 200;
const MAX_DELAY_SECONDS = 900;
const QUEUE_NAME = /^[a-zA-Z0-9-_]+$/;
/** limits-async-events: 500 events per minute per installation. */
const EVENTS_PER_MINUTE = 500;
/** Async consumers: 55 s by default, `timeoutSeconds` up to 900 (limits-invocation). */
const DEFAULT_TIMEOUT_SECONDS = 55;
const MAX_TIMEOUT_SECONDS = 900;

interface QueuedEvent {
  eventId: string;
  jobId: string;
  queue: string;
  body: Record<string, unknown>;
  delayInSeconds?: number;
  concurrency?: { key: string; limit: number };
  retryCount: number;
  retryReason?: string;
  retryData?: unknown;
}

interface Job {
  queue: string;
  success: number;
  failed: number;
  inProgress: number;
}

export interface QueueCounters {
  pushed: number;
  delivered: number;
  retried: number;
  failed: number;
  pending: number;
  orphaned: number;
}

const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { 'content-type': 'application/json' } });

export interface QueueDeps {
  manifest: AppManifest;
  consumers: ConsumerModule[];
  timeline: Timeline;
  clock: HostClock;
  invoke: (req: { handler: string; event: unknown; context: unknown; identity: { moduleKey: string }; timeoutMs: number }) => Promise<Outcome>;
  installContext: string;
  log: (line: string) => void;
}

/**
 * Forge's async events queue behind `@forge/events`: the push, stats and cancel calls the SDK makes through
 * `__forge_fetch__`, and the consumers it invokes on the host clock, with Forge's limits and retries.
 */
export function createEventQueue(d: QueueDeps) {
  const jobs = new Map<string, Job>();
  const counters = new Map<string, QueueCounters>();
  let pushTimes: number[] = [];
  const consumerFor = (queue: string) => d.consumers.find((c) => c.queue === queue);
  const countersFor = (queue: string) => {
    let c = counters.get(queue);
    if (!c) counters.set(queue, (c = { pushed: 0, delivered: 0, retried: 0, failed: 0, pending: 0, orphaned: 0 }));
    return c;
  };

  function settle(e: QueuedEvent, outcome: 'success' | 'failed') {
    const job = jobs.get(e.jobId);
    if (job) {
      job.inProgress--;
      job[outcome]++;
    }
  }

  function enqueue(e: QueuedEvent, dueAt: number) {
    const consumer = consumerFor(e.queue);
    const c = countersFor(e.queue);
    c.pending++;
    if (!consumer) {
      // Accepted, as Forge accepts a push to any queue name; nothing will consume it.
      c.orphaned++;
      d.log(`[host] queue '${e.queue}' has no consumer module; its events wait`);
      return;
    }
    d.timeline.schedule({
      dueAt,
      ...(e.concurrency ? { concurrency: e.concurrency } : {}),
      tag: e.jobId,
      run: () => consume(consumer, e),
    });
  }

  async function consume(consumer: ConsumerModule, e: QueuedEvent) {
    const c = countersFor(e.queue);
    c.pending--;
    const fn = d.manifest.functions.get(consumer.function);
    if (!fn) return;
    const retryContext = e.retryCount > 0 ? { retryCount: e.retryCount, retryReason: e.retryReason, retryData: e.retryData } : undefined;
    // The resolver form goes through @forge/resolver's getDefinitions: {call:{functionKey, payload, jobId}, context}.
    const event = consumer.method
      ? { call: { functionKey: consumer.method, payload: e.body, jobId: e.jobId }, context: { ...(retryContext ? { retryContext } : {}) } }
      : { body: e.body, queueName: e.queue, jobId: e.jobId, eventId: e.eventId, ...(e.delayInSeconds !== undefined ? { delayInSeconds: e.delayInSeconds } : {}), ...(e.concurrency ? { concurrency: e.concurrency } : {}), ...(retryContext ? { retryContext } : {}) };
    const outcome = await d.invoke({
      handler: fn.handler,
      event,
      context: { installContext: d.installContext, principal: undefined },
      identity: { moduleKey: consumer.key },
      timeoutMs: Math.min(fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS) * 1000,
    });
    if (!outcome.ok) {
      c.failed++;
      settle(e, 'failed');
      d.log(`[host] consumer ${consumer.key} failed on an event of job ${e.jobId}, not retried: ${outcome.error.name}: ${outcome.error.message}`);
      return;
    }
    const retry = retryRequest(outcome.value);
    if (!retry) {
      c.delivered++;
      settle(e, 'success');
      return;
    }
    if ('invalid' in retry || e.retryCount >= MAX_RETRIES) {
      c.failed++;
      settle(e, 'failed');
      d.log(`[host] consumer ${consumer.key}: ${'invalid' in retry ? retry.invalid : `asked for a retry after ${MAX_RETRIES} retries; the event fails`}`);
      return;
    }
    c.retried++;
    enqueue({ ...e, retryCount: e.retryCount + 1, retryReason: retry.retryReason, retryData: retry.retryData }, d.clock.now() + retry.retryAfter * 1000);
  }

  function publish(body: Record<string, unknown>): Response {
    const queueName = body.queueName;
    const jobId = body.jobId;
    const payload = body.payload;
    if (typeof queueName !== 'string' || !QUEUE_NAME.test(queueName)) return json(400, { message: 'Queue names can only contain alphanumeric characters, dashes and underscores.' });
    if (typeof jobId !== 'string' || !jobId) return json(400, { message: 'jobId is required.' });
    if (!Array.isArray(payload) || payload.length === 0) return json(400, { message: 'No events pushed.' });
    if (payload.length > MAX_EVENTS) return json(400, { message: `This push contains more than the ${MAX_EVENTS} events allowed.` });
    if (Buffer.byteLength(JSON.stringify(payload)) / 1024 > MAX_PAYLOAD_KB) return json(413, { errorMessage: `The maximum payload size is ${MAX_PAYLOAD_KB}KB.` });
    for (const ev of payload as unknown[]) {
      const e = ev as { body?: unknown; delayInSeconds?: unknown; concurrency?: unknown } | null;
      if (!e || typeof e !== 'object' || !e.body || typeof e.body !== 'object' || Array.isArray(e.body)) return json(400, { message: 'Event body must be an object.' });
      if (e.delayInSeconds !== undefined && (typeof e.delayInSeconds !== 'number' || e.delayInSeconds < 0 || e.delayInSeconds > MAX_DELAY_SECONDS)) return json(400, { message: 'The delayInSeconds setting must be between 0 and 900.' });
      const cc = e.concurrency as { key?: unknown; limit?: unknown } | undefined;
      if (cc !== undefined && (typeof cc.key !== 'string' || typeof cc.limit !== 'number' || !Number.isInteger(cc.limit) || cc.limit < 1)) return json(400, { message: 'concurrency needs a key and a limit ≥ 1.' });
    }
    const now = d.clock.now();
    pushTimes = pushTimes.filter((t) => t > now - 60_000);
    if (pushTimes.length + payload.length > EVENTS_PER_MINUTE) return json(429, { message: 'Too many requests.' });
    for (let i = 0; i < payload.length; i++) pushTimes.push(now);
    jobs.set(jobId, { queue: queueName, success: 0, failed: 0, inProgress: payload.length });
    countersFor(queueName).pushed += payload.length;
    for (const ev of payload as Array<{ body: Record<string, unknown>; delayInSeconds?: number; concurrency?: { key: string; limit: number } }>) {
      enqueue(
        { eventId: randomUUID(), jobId, queue: queueName, body: ev.body, retryCount: 0, ...(ev.delayInSeconds !== undefined ? { delayInSeconds: ev.delayInSeconds } : {}), ...(ev.concurrency ? { concurrency: ev.concurrency } : {}) },
        now + (ev.delayInSeconds ?? 0) * 1000,
      );
    }
    return json(201, { jobId });
  }

  function handle(req: PlatformRequest): Response | undefined {
    const path = new URL(req.path, 'http://product.invalid').pathname;
    const kind = path.startsWith(QUEUE_PATHS.publish) ? 'publish' : path.startsWith(QUEUE_PATHS.stats) ? 'stats' : path.startsWith(QUEUE_PATHS.cancel) ? 'cancel' : undefined;
    if (!kind) return undefined;
    if (req.method !== 'POST') return json(405, { message: 'Method not allowed.' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body ?? '{}') as Record<string, unknown>;
    } catch {
      return json(400, { message: 'Invalid JSON.' });
    }
    if (kind === 'publish') return publish(body);
    const job = typeof body.jobId === 'string' ? jobs.get(body.jobId) : undefined;
    if (!job || job.queue !== body.queueName) return json(404, { message: 'Job not found.' });
    if (kind === 'stats') return json(200, { success: job.success, inProgress: job.inProgress, failed: job.failed });
    const dropped = d.timeline.cancel((t) => t.tag === body.jobId);
    job.inProgress -= dropped;
    countersFor(job.queue).pending -= dropped;
    return json(204);
  }

  return {
    handle,
    snapshot: () => ({
      queues: Object.fromEntries([...counters].map(([k, v]) => [k, { ...v }])),
      jobs: Object.fromEntries([...jobs].map(([k, v]) => [k, { ...v }])),
      eventsInLastMinute: pushTimes.filter((t) => t > d.clock.now() - 60_000).length,
    }),
    reset() {
      jobs.clear();
      counters.clear();
      pushTimes = [];
    },
  };
}

export type EventQueue = ReturnType<typeof createEventQueue>;
