import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { TodoChange } from '../data/automation';
import type { TenantModel } from '../data/model';
import type { TokenService } from '../identity/tokens';
import { authenticate } from './auth';
import { GraphError, toGraphError } from './errors';
import { answer } from './respond';
import type { Caller, GraphEnv } from './types';

/** change-notifications-subscription-lifetime: todoTask 4,230 minutes; shorter than 45 minutes is raised to 45. */
export const MAX_LIFETIME_MINUTES = 4230;
const MIN_LIFETIME_MINUTES = 45;
const MAX_CLIENT_STATE = 128;
/** subscription-post-subscriptions.md: the endpoint must echo the validation token within 10 seconds. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** change-notifications-delivery-webhooks.md: a 2xx within 3 s is delivered; otherwise retried for up to 4 hours. */
const DELIVERY_TIMEOUT_MS = 3000;
const RETRY_WINDOW_MS = 4 * 3600_000;
/** Answers slower than 2,900 ms count as slow; over the last 100, ≥ 10 % slow delays, ≥ 15 % drops, for 10 minutes. */
const SLOW_MS = 2900;
const WINDOW = 100;
const DELAYED_SHARE = 0.1;
const DROPPED_SHARE = 0.15;
const PENALTY_MS = 10 * 60_000;
const MAX_IN_FLIGHT = 512;

type ChangeType = 'created' | 'updated' | 'deleted';
export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export interface Subscription {
  id: string;
  resource: string;
  listId: string;
  /** Person key of the subscriber (and list owner). */
  person: string;
  tenantId: string;
  creatorId: string;
  applicationId: string;
  changeTypes: Set<ChangeType>;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expiresAt: number;
}

interface Delivery {
  dueAt: number;
  firstTriedAt?: number;
  attempt: number;
  url: string;
  body: unknown;
  subscriptionId: string;
  kind: 'change' | 'lifecycle';
}

interface Endpoint {
  recent: boolean[];
  state: 'normal' | 'delayed' | 'dropped';
  until: number;
}

const zeroCounters = () => ({ notificationsSent: 0, delivered: 0, redelivered: 0, failedAttempts: 0, slow: 0, lost: 0, dropped: 0, lifecycleSent: 0, handshakes: 0 });

const badRequest = (code: string, message: string) => new GraphError(400, code, message);

/** Graph demands https; the local host serves web triggers over http on loopback, so those alone pass too. */
function checkUrl(raw: unknown, name: string): string {
  if (typeof raw !== 'string' || raw === '') throw badRequest('InvalidRequest', `${name} is required.`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw badRequest('InvalidRequest', `${name} is not a valid URL.`);
  }
  const loopback = u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
  if (u.protocol !== 'https:' && !loopback) throw badRequest('InvalidRequest', `${name} must use https.`);
  return raw;
}

const endpointKey = (url: string) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.0000000Z');

/**
 * Graph change notifications for To Do tasks: `/subscriptions` with the validation handshake, notifications when a
 * task changes, redelivery with backoff, the slow-endpoint rules, lifecycle notifications and expiry, all on the
 * emulator's clock (`now`). `runDue` lets the host's clock jumps deliver what falls due inside the jump.
 */
export function createSubscriptions(d: { env: GraphEnv; model: TenantModel; tokens: TokenService; fetch?: typeof fetch }) {
  const send = d.fetch ?? fetch;
  const now = () => d.env.now();
  let subs = new Map<string, Subscription>();
  let queue: Delivery[] = [];
  let inFlight = 0;
  let endpoints = new Map<string, Endpoint>();
  let counters = zeroCounters();
  const settings = { deliveryDelaySeconds: 0 };
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: Array<() => void> = [];
  let generation = 0;

  const expire = () => {
    for (const [id, s] of subs) if (s.expiresAt <= now()) subs.delete(id);
  };

  function endpoint(url: string): Endpoint {
    const key = endpointKey(url);
    let e = endpoints.get(key);
    if (!e) endpoints.set(key, (e = { recent: [], state: 'normal', until: 0 }));
    if (e.state !== 'normal' && e.until <= now()) {
      // The penalty ends; the endpoint is judged afresh on what it answers next.
      e.state = 'normal';
      e.recent = [];
    }
    return e;
  }

  function record(url: string, slow: boolean) {
    const e = endpoint(url);
    e.recent.push(slow);
    if (e.recent.length > WINDOW) e.recent.shift();
    if (slow) counters.slow++;
    if (e.recent.length < WINDOW || e.state !== 'normal') return;
    const share = e.recent.filter(Boolean).length / e.recent.length;
    if (share >= DROPPED_SHARE) Object.assign(e, { state: 'dropped', until: now() + PENALTY_MS });
    else if (share >= DELAYED_SHARE) Object.assign(e, { state: 'delayed', until: now() + PENALTY_MS });
  }

  function lifecycle(s: Subscription, event: LifecycleEvent): boolean {
    if (!s.lifecycleNotificationUrl) return false;
    queue.push({
      dueAt: now(), attempt: 0, url: s.lifecycleNotificationUrl, subscriptionId: s.id, kind: 'lifecycle',
      body: { value: [{ subscriptionId: s.id, subscriptionExpirationDateTime: iso(s.expiresAt), tenantId: s.tenantId, clientState: s.clientState ?? null, lifecycleEvent: event }] },
    });
    pump();
    return true;
  }

  function notify(s: Subscription, change: TodoChange) {
    const e = endpoint(s.notificationUrl);
    if (e.state === 'dropped') {
      counters.dropped++;
      lifecycle(s, 'missed');
      return;
    }
    const oid = d.model.directory.home(change.owner)?.oid ?? change.owner;
    const resource = `Users/${oid}/todo/lists/${change.listId}/tasks/${change.taskId}`;
    const delay = settings.deliveryDelaySeconds * 1000 + (e.state === 'delayed' ? PENALTY_MS : 0);
    queue.push({
      dueAt: now() + delay, attempt: 0, url: s.notificationUrl, subscriptionId: s.id, kind: 'change',
      body: {
        value: [{
          subscriptionId: s.id, subscriptionExpirationDateTime: iso(s.expiresAt), changeType: change.changeType, resource,
          resourceData: { '@odata.type': '#Microsoft.Graph.todoTask', '@odata.id': resource, '@odata.etag': change.etag, id: change.taskId },
          clientState: s.clientState ?? null, tenantId: s.tenantId,
        }],
      },
    });
    pump();
  }

  async function attempt(job: Delivery, gen: number) {
    job.firstTriedAt ??= now();
    counters.notificationsSent++;
    if (job.attempt > 0) counters.redelivered++;
    if (job.kind === 'lifecycle') counters.lifecycleSent++;
    const started = performance.now();
    let ok = false;
    try {
      const res = await send(job.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job.body), signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => undefined);
      ok = res.status >= 200 && res.status < 300;
    } catch {
      ok = false;
    }
    if (gen !== generation) return;
    const elapsed = performance.now() - started;
    if (job.kind === 'change') record(job.url, elapsed > SLOW_MS);
    if (ok) {
      counters.delivered++;
      return;
    }
    counters.failedAttempts++;
    const backoff = Math.min(60_000 * 2 ** job.attempt, 3600_000);
    if (now() + backoff - job.firstTriedAt > RETRY_WINDOW_MS) {
      counters.lost++;
      const s = subs.get(job.subscriptionId);
      if (s && job.kind === 'change') lifecycle(s, 'missed');
      return;
    }
    queue.push({ ...job, attempt: job.attempt + 1, dueAt: now() + backoff });
  }

  function pump() {
    const t = now();
    const due = queue.filter((j) => j.dueAt <= t).sort((a, b) => a.dueAt - b.dueAt);
    for (const job of due) {
      if (inFlight >= MAX_IN_FLIGHT) break;
      queue = queue.filter((j) => j !== job);
      inFlight++;
      const gen = generation;
      void attempt(job, gen).finally(() => {
        if (gen !== generation) return;
        inFlight--;
        pump();
      });
    }
    arm();
    if (inFlight === 0 && !queue.some((j) => j.dueAt <= now())) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const r of w) r();
    }
  }

  function arm() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const next = queue.reduce<number | undefined>((m, j) => (m === undefined || j.dueAt < m ? j.dueAt : m), undefined);
    if (next === undefined) return;
    timer = setTimeout(pump, Math.min(Math.max(0, next - now()), 2 ** 31 - 1));
    timer.unref();
  }

  function idle(timeoutMs = 30_000): Promise<boolean> {
    pump();
    if (inFlight === 0 && !queue.some((j) => j.dueAt <= now())) return Promise.resolve(true);
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

  d.env.automation.onTodoChange((change) => {
    expire();
    for (const s of subs.values()) {
      if (s.person === change.owner && s.listId === change.listId && s.changeTypes.has(change.changeType)) notify(s, change);
    }
  });

  /** POST `{url}?validationToken=…`: 200 with the decoded token as text, within 10 s. */
  async function handshake(url: string): Promise<boolean> {
    counters.handshakes++;
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
    try {
      const res = await send(target, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '', signal: AbortSignal.timeout(HANDSHAKE_TIMEOUT_MS) });
      const text = await res.text();
      return res.status === 200 && text === token;
    } catch {
      return false;
    }
  }

  const TODO_RESOURCE = /^\/?(?:me|users\/([^/]+))\/todo\/lists\/([^/]+)\/tasks$/i;

  function lifetime(raw: unknown): number {
    if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) throw badRequest('InvalidRequest', 'expirationDateTime is required and must be a date and time.');
    const at = Date.parse(raw);
    if (at <= now()) throw badRequest('InvalidRequest', 'Subscription expiration can only be in the future.');
    if (at > now() + MAX_LIFETIME_MINUTES * 60_000) throw badRequest('InvalidRequest', `Subscription expiration can only be ${MAX_LIFETIME_MINUTES} minutes in the future.`);
    return Math.max(at, now() + MIN_LIFETIME_MINUTES * 60_000);
  }

  const view = (s: Subscription) => ({
    '@odata.context': `${d.env.origin}/graph/v1.0/$metadata#subscriptions/$entity`,
    id: s.id, resource: s.resource, applicationId: s.applicationId, changeType: [...s.changeTypes].join(','), clientState: s.clientState ?? null,
    notificationUrl: s.notificationUrl, notificationQueryOptions: null, lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
    expirationDateTime: iso(s.expiresAt), creatorId: s.creatorId, includeResourceData: false, latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null, encryptionCertificateId: null, notificationUrlAppId: null,
  });

  async function create(caller: Caller, body: Record<string, unknown>) {
    if (!['tasks.read', 'tasks.readwrite'].some((p) => caller.scopes.has(p))) {
      throw new GraphError(403, 'ExtensionError', 'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied. Check credentials and try again.]');
    }
    const resource = typeof body.resource === 'string' ? body.resource : '';
    const m = TODO_RESOURCE.exec(resource);
    if (!m) throw badRequest('InvalidRequest', `Resource '${resource}' is not supported by the emulator's change notifications: use /me/todo/lists/{id}/tasks.`);
    const user = m[1] ? decodeURIComponent(m[1]).toLowerCase() : undefined;
    if (user && user !== caller.principal.oid.toLowerCase() && user !== caller.principal.userPrincipalName.toLowerCase()) {
      throw new GraphError(403, 'ExtensionError', "Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied: delegated subscriptions may only name the signed-in user's own lists.]");
    }
    const listId = decodeURIComponent(m[2] ?? '');
    const list = (d.model.workloads.todo.get(caller.principal.person) ?? []).find((l) => l.id === listId);
    if (!list) throw new GraphError(404, 'ExtensionError', 'Operation: Create; Exception: [Status Code: NotFound; Reason: The specified object was not found in the store.]');
    const types = typeof body.changeType === 'string' ? body.changeType.split(',').map((t) => t.trim()) : [];
    if (types.length === 0 || types.some((t) => !['created', 'updated', 'deleted'].includes(t))) throw badRequest('InvalidRequest', "changeType must list one or more of 'created', 'updated', 'deleted'.");
    if (body.clientState !== undefined && body.clientState !== null && (typeof body.clientState !== 'string' || body.clientState.length > MAX_CLIENT_STATE)) {
      throw badRequest('InvalidRequest', `clientState cannot be longer than ${MAX_CLIENT_STATE} characters.`);
    }
    const notificationUrl = checkUrl(body.notificationUrl, 'notificationUrl');
    const lifecycleNotificationUrl = body.lifecycleNotificationUrl === undefined || body.lifecycleNotificationUrl === null ? undefined : checkUrl(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
    const expiresAt = lifetime(body.expirationDateTime);
    if (!(await handshake(notificationUrl))) throw badRequest('ValidationError', 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.');
    if (lifecycleNotificationUrl && lifecycleNotificationUrl !== notificationUrl && !(await handshake(lifecycleNotificationUrl))) {
      throw badRequest('ValidationError', 'Subscription validation request failed. Lifecycle notification endpoint must respond with 200 OK to validation request.');
    }
    const s: Subscription = {
      id: randomUUID(), resource, listId, person: caller.principal.person, tenantId: caller.tenant.id, creatorId: caller.principal.oid,
      applicationId: caller.appId, changeTypes: new Set(types as ChangeType[]), notificationUrl,
      ...(lifecycleNotificationUrl ? { lifecycleNotificationUrl } : {}),
      ...(typeof body.clientState === 'string' ? { clientState: body.clientState } : {}),
      expiresAt,
    };
    subs.set(s.id, s);
    return s;
  }

  const mine = (caller: Caller, id: string | undefined) => {
    expire();
    const s = id ? subs.get(id) : undefined;
    if (!s || s.applicationId !== caller.appId || s.creatorId !== caller.principal.oid) throw new GraphError(404, 'ResourceNotFound', `The object was not found.`);
    return s;
  };

  /** App-only tokens: Graph refuses a channel or chat post outside migration mode (channel-post-messages.md). */
  const appOnly = (authorization: string | undefined): boolean => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token || !d.tokens.checkAccessToken(token).ok) return false;
    try {
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { idtyp?: string };
      return claims.idtyp === 'app';
    } catch {
      return false;
    }
  };

  const app = new Hono();
  const reply = (c: { req: { header(n: string): string | undefined } }, result: { status: number; body?: unknown } | GraphError) => {
    const a = answer(result instanceof GraphError ? { ok: false, error: result } : { ok: true, result }, c.req.header('client-request-id'), now());
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status, headers: a.headers });
  };
  const run = async (c: { req: { header(n: string): string | undefined; json(): Promise<unknown> } }, fn: (caller: Caller) => Promise<{ status: number; body?: unknown }> | { status: number; body?: unknown }) => {
    try {
      const caller = authenticate(c.req.header('authorization'), d.tokens, d.model);
      return reply(c, await fn(caller));
    } catch (e) {
      return reply(c, toGraphError(e));
    }
  };
  const bodyOf = async (c: { req: { json(): Promise<unknown> } }) => {
    const b = await c.req.json().catch(() => undefined);
    if (!b || typeof b !== 'object') throw badRequest('BadRequest', 'Unable to read JSON request payload.');
    return b as Record<string, unknown>;
  };

  app.post('/graph/v1.0/teams/:team/channels/:channel/messages', async (c, next) => {
    if (!appOnly(c.req.header('authorization'))) return next();
    return reply(c, new GraphError(403, 'Forbidden', 'Message POST is allowed in application-only context only for import purposes (migration mode), which the emulator does not offer.'));
  });
  app.post('/graph/v1.0/chats/:chat/messages', async (c, next) => {
    if (!appOnly(c.req.header('authorization'))) return next();
    return reply(c, new GraphError(403, 'Forbidden', 'Message POST is allowed in application-only context only for import purposes (migration mode), which the emulator does not offer.'));
  });
  app.post('/graph/v1.0/subscriptions', (c) => run(c, async (caller) => ({ status: 201, body: view(await create(caller, await bodyOf(c))) })));
  app.get('/graph/v1.0/subscriptions', (c) => run(c, (caller) => {
    expire();
    return { status: 200, body: { '@odata.context': `${d.env.origin}/graph/v1.0/$metadata#subscriptions`, value: [...subs.values()].filter((s) => s.applicationId === caller.appId && s.creatorId === caller.principal.oid).map(view) } };
  }));
  app.get('/graph/v1.0/subscriptions/:id', (c) => run(c, (caller) => ({ status: 200, body: view(mine(caller, c.req.param('id'))) })));
  app.patch('/graph/v1.0/subscriptions/:id', (c) => run(c, async (caller) => {
    const s = mine(caller, c.req.param('id'));
    const body = await bodyOf(c);
    const extra = Object.keys(body).find((k) => k !== 'expirationDateTime' && !k.startsWith('@odata.'));
    if (extra) throw badRequest('InvalidRequest', `Only expirationDateTime can be updated by the emulator (got '${extra}').`);
    s.expiresAt = lifetime(body.expirationDateTime);
    return { status: 200, body: view(s) };
  }));
  app.delete('/graph/v1.0/subscriptions/:id', (c) => run(c, (caller) => {
    subs.delete(mine(caller, c.req.param('id')).id);
    return { status: 204 };
  }));
  app.post('/graph/v1.0/subscriptions/:id/reauthorize', (c) => run(c, (caller) => {
    mine(caller, c.req.param('id'));
    return { status: 204 };
  }));

  return {
    app,
    settings,
    /** Runs deliveries that fall due up to `target`, each at its own instant (the host's clock jumps). */
    async runDue(target: number, moveTo: (instant: number) => void) {
      for (;;) {
        const next = queue.filter((j) => j.dueAt <= target).sort((a, b) => a.dueAt - b.dueAt)[0];
        if (!next) break;
        if (next.dueAt > now()) moveTo(next.dueAt);
        if (!(await idle())) break;
      }
      expire();
    },
    idle,
    /** The subscriber's refresh tokens were revoked: Graph asks for reauthorization. */
    revoked(persons: readonly string[]) {
      for (const s of subs.values()) if (persons.includes(s.person)) lifecycle(s, 'reauthorizationRequired');
    },
    sendLifecycle(id: string, event: LifecycleEvent): { sent: boolean } | undefined {
      expire();
      const s = subs.get(id);
      if (!s) return undefined;
      const sent = lifecycle(s, event);
      if (event === 'subscriptionRemoved') subs.delete(id);
      return { sent };
    },
    snapshot() {
      expire();
      return {
        subscriptions: [...subs.values()].map((s) => ({ ...view(s), person: s.person })),
        endpoints: Object.fromEntries([...endpoints].map(([k, e]) => [k, { state: e.state, until: e.state === 'normal' ? null : new Date(e.until).toISOString(), recent: e.recent.length, slow: e.recent.filter(Boolean).length }])),
        counters: { ...counters },
        pending: queue.length,
        inFlight,
        settings: { ...settings },
      };
    },
    reset() {
      generation++;
      subs = new Map();
      queue = [];
      inFlight = 0;
      endpoints = new Map();
      counters = zeroCounters();
      settings.deliveryDelaySeconds = 0;
      arm();
      const w = idleWaiters;
      idleWaiters = [];
      for (const r of w) r();
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
