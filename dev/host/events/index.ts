import { Hono } from 'hono';
import type { HostClock } from '../clock';
import type { AppManifest } from '../manifest';
import type { AccountStates } from '../products/accounts';
import type { JiraSite } from '../products/jira/store';
import type { Outcome, PlatformRequest } from '../runtime/runner';
import { APP_PROPERTIES_PATH, createAppProperties } from './app-properties';
import { loadEventModules } from './modules';
import { createProductEvents } from './product-events';
import { createEventQueue } from './queue';
import { createTimeline } from './timeline';

/** Consumers and triggers running at once; Forge runs more, but the local runtime is one process on a small machine. */
const MAX_CONCURRENT = 10;

export interface EventsDeps {
  manifest: AppManifest;
  jira: JiraSite;
  accounts: AccountStates;
  clock: HostClock;
  invoke: (req: { handler: string; event: unknown; context: unknown; identity: { moduleKey: string }; timeoutMs: number }) => Promise<Outcome>;
  cloudId: string;
  siteUrl: string;
  log: (line: string) => void;
}

const readJson = async (c: { req: { json(): Promise<unknown> } }) => ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;

/**
 * Product-event triggers, the async events queue and Forge app properties for the local host
 * (dev/host/events/README.md). `platform` wraps the host's `__forge_fetch__` handler: queue calls and app
 * property calls are answered here, everything else goes on to `next`.
 */
export function createEvents(d: EventsDeps) {
  const { triggers, consumers } = loadEventModules(d.manifest);
  const timeline = createTimeline(d.clock, MAX_CONCURRENT);
  const appProperties = createAppProperties();
  const installContext = `ari:cloud:jira::site/${d.cloudId}`;
  const productEvents = createProductEvents({ manifest: d.manifest, triggers, jira: d.jira, appProperties, timeline, clock: d.clock, invoke: d.invoke, cloudId: d.cloudId, installContext, siteUrl: d.siteUrl, log: d.log });
  const queue = createEventQueue({ manifest: d.manifest, consumers, timeline, clock: d.clock, invoke: d.invoke, installContext, log: d.log });

  const snapshot = () => ({
    triggers: productEvents.snapshot(),
    ...queue.snapshot(),
    pending: timeline.pending(),
    running: timeline.running(),
    settings: { ...productEvents.settings },
    appProperties: appProperties.keys(),
  });

  const control = new Hono();
  control.get('/', (c) => c.json(snapshot()));
  control.post('/settings', async (c) => {
    const body = await readJson(c);
    const n = (v: unknown, max: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : undefined);
    if (body.deliveryDelaySeconds !== undefined) {
      const v = n(body.deliveryDelaySeconds, 86_400);
      if (v === undefined) return c.json({ error: 'deliveryDelaySeconds is a whole number of seconds, 0–86400' }, 400);
      productEvents.settings.deliveryDelaySeconds = v;
    }
    if (body.duplicateEvery !== undefined) {
      const v = n(body.duplicateEvery, 1_000_000);
      if (v === undefined) return c.json({ error: 'duplicateEvery is a whole number ≥ 0 (0 = off)' }, 400);
      productEvents.settings.duplicateEvery = v;
    }
    return c.json({ ...productEvents.settings });
  });
  control.post('/drain', async (c) => {
    const body = await readJson(c);
    const idle = await timeline.idle(typeof body.timeoutMs === 'number' ? body.timeoutMs : 30_000);
    return c.json({ idle, ...snapshot() }, idle ? 200 : 504);
  });
  control.post('/jira/comment', async (c) => {
    const body = await readJson(c);
    const user = typeof body.as === 'string' ? d.accounts.find(body.as) : undefined;
    if (!user) return c.json({ error: 'as (a user key or account id) is required' }, 400);
    if (typeof body.issue !== 'string' || typeof body.body !== 'string' || !body.body.trim()) return c.json({ error: 'issue (key) and body (text) are required' }, 400);
    const result = productEvents.comment(body.issue, user.accountId, body.body);
    if ('error' in result) return c.json(result, 404);
    return c.json({ comment: result }, 201);
  });

  return {
    platform(next: (req: PlatformRequest) => Promise<Response>) {
      return async (req: PlatformRequest): Promise<Response> => {
        if (req.meta.remote === 'stargate') {
          const answered = queue.handle(req);
          if (answered) return answered;
        }
        if (req.meta.remote === 'jira' && new URL(req.path, 'http://product.invalid').pathname.startsWith(APP_PROPERTIES_PATH)) {
          return appProperties.handle(req, d.siteUrl);
        }
        return next(req);
      };
    },
    control,
    snapshot,
    idle: (timeoutMs?: number) => timeline.idle(timeoutMs),
    reset() {
      timeline.reset();
      productEvents.reset();
      queue.reset();
      appProperties.reset();
    },
    stop() {
      timeline.stop();
      productEvents.stop();
    },
  };
}

export type HostEvents = ReturnType<typeof createEvents>;
