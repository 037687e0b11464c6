/**
 * Microsoft Graph change notifications for To Do lists, decided without I/O. Sources:
 * learn.microsoft.com/graph/change-notifications-delivery-webhooks (validation: reply 200 `text/plain`
 * with the decoded `validationToken` within 10 s; notifications: reply 2xx within 3 s, 202 when the
 * work is queued; slower than 2.9 s counts as slow, and slow endpoints lose notifications; always
 * check `clientState`), …/change-notifications-lifecycle-events (`reauthorizationRequired`,
 * `subscriptionRemoved`, `missed`), RESEARCH.md §3.2.
 *
 * Forge allows an installation 4,000 KVS reads and 4,000 writes a minute and 500 queued events a
 * minute (limits-kvs-ce, limits-async-events). Graph may send hundreds of notifications a second, so
 * the web trigger stores and reads nothing per notification: each subscription's `clientState` is an
 * HMAC of the installation's key over the subscription record's id and a nonce that ride in the
 * notification URL, checked in constant time; and notifications about one task are coalesced
 * (`Coalescer`) before anything is queued.
 */
import { isRecord, own } from '../guards';
import type { CryptoPort } from '../crypto';
import { GRAPH_ID, RULE_ID } from './model';
import type { Job } from './ports';

/** Longest validation token echoed back (Graph's are short opaque strings; anything huge is not Graph). */
const MAX_VALIDATION_TOKEN = 1024;
/** Graph sends batches of notifications; a body with more items than this is not Graph either. */
const MAX_ITEMS = 1000;
export const NONCE = /^[A-Za-z0-9_-]{8,40}$/;

export const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** HMAC-SHA256 (base64url) under a key: the core's port for deriving clientStates. */
export type Hmac = (key: string, text: string) => string;

/** A subscription's clientState: nothing stored, nothing to read when a notification arrives. */
export const clientStateFor = (hmac: Hmac, key: string, subId: string, nonce: string): string => hmac(key, `todo-subscription\n${subId}\n${nonce}`);

export interface NotificationRequest {
  method: string;
  /** Our subscription record id and its nonce, from the notification URL's query (Graph echoes it). */
  subId?: string;
  nonce?: string;
  validationToken?: string;
  body?: string;
}

/** The clientState this request's URL says it belongs to (undefined: the URL is not one of ours). */
export type ExpectedState = string | undefined;

export type NotificationDecision =
  | { kind: 'validate'; token: string }
  | { kind: 'refuse'; status: 400 | 404 | 405 }
  | { kind: 'accept'; jobs: Array<Extract<Job, { kind: 'todo' | 'lifecycle' }>>; forged: number };

/** Whether the URL names one of our subscriptions at all (what the web trigger must then compute). */
export const isOurUrl = (req: Pick<NotificationRequest, 'subId' | 'nonce'>): req is { subId: string; nonce: string } =>
  req.subId !== undefined && RULE_ID.test(req.subId) && req.nonce !== undefined && NONCE.test(req.nonce);

/** The task id of a To Do notification: `resourceData.id`, else the last segment of `resource`. */
function taskIdOf(item: Record<string, unknown>): string | undefined {
  const data = own(item, 'resourceData');
  const fromData = isRecord(data) ? own(data, 'id') : undefined;
  if (typeof fromData === 'string' && GRAPH_ID.test(fromData)) return fromData;
  const resource = own(item, 'resource');
  if (typeof resource !== 'string') return undefined;
  const m = /\/tasks\/([^/?#]+)$/i.exec(resource) ?? /\/tasks\('([^']+)'\)$/i.exec(resource);
  const id = m?.[1];
  return id && GRAPH_ID.test(id) ? id : undefined;
}

/**
 * The decision table. Every notification must carry the clientState of the URL it was sent to
 * (compared in constant time): a forged one changes nothing. Several notifications about one task in
 * one delivery become one job — To Do notifications do not say what changed, the consumer re-reads
 * the task anyway. Graph's subscription id travels with the job: the consumer drops an old one's.
 * `enabled` only gates the validation handshake; whether queued work is done is the consumer's check.
 */
export function decideNotification(req: NotificationRequest, expected: ExpectedState, crypto: Pick<CryptoPort, 'safeEqual'>, enabled = true): NotificationDecision {
  if (req.method !== 'POST') return { kind: 'refuse', status: 405 };
  if (req.validationToken !== undefined) {
    // Graph validates a subscription while it is being created: only at our own URLs, feature on.
    if (!enabled || expected === undefined) return { kind: 'refuse', status: 404 };
    if (req.validationToken === '' || req.validationToken.length > MAX_VALIDATION_TOKEN) return { kind: 'refuse', status: 400 };
    return { kind: 'validate', token: req.validationToken };
  }
  let body: unknown;
  try {
    body = JSON.parse(req.body ?? '');
  } catch {
    return { kind: 'refuse', status: 400 };
  }
  const items = isRecord(body) ? own(body, 'value') : undefined;
  if (!Array.isArray(items) || items.length > MAX_ITEMS) return { kind: 'refuse', status: 400 };
  const jobs: Array<Extract<Job, { kind: 'todo' | 'lifecycle' }>> = [];
  let forged = 0;
  const subId = req.subId;
  const seen = new Set<string>();
  for (const raw of items) {
    const clientState = isRecord(raw) ? own(raw, 'clientState') : undefined;
    if (!isRecord(raw) || expected === undefined || subId === undefined || typeof clientState !== 'string' || !crypto.safeEqual(clientState, expected)) {
      forged++;
      continue;
    }
    const g = own(raw, 'subscriptionId');
    const graphId = typeof g === 'string' && GRAPH_ID.test(g) ? g : undefined;
    const lifecycle = own(raw, 'lifecycleEvent');
    if (lifecycle !== undefined) {
      if (typeof lifecycle !== 'string' || !(LIFECYCLE_EVENTS as readonly string[]).includes(lifecycle)) continue;
      const key = `l:${lifecycle}`;
      if (!seen.has(key)) jobs.push({ kind: 'lifecycle', subId, event: lifecycle as LifecycleEvent, ...(graphId ? { graphId } : {}) });
      seen.add(key);
      continue;
    }
    const taskId = taskIdOf(raw);
    if (!taskId) continue;
    if (!seen.has(taskId)) jobs.push({ kind: 'todo', subId, taskId, ...(graphId ? { graphId } : {}) });
    seen.add(taskId);
  }
  return { kind: 'accept', jobs, forged };
}

/**
 * Coalesces notifications per key (installation, subscription, task) within one runtime, so a storm
 * of them queues at most two jobs per key per window instead of one each: the first is queued at
 * once (a single completion moves its issue without delay); while the window lasts, the first further
 * notification queues one trailing job delayed to the window's end, and the rest queue nothing. The
 * trailing job re-reads the task after every change those notifications announced, so nothing is
 * lost; the consumer's claims make sure nothing is done twice. Keys hold no tenant data (ids only)
 * and one installation's keys never match another's.
 */
export class Coalescer {
  private readonly windows = new Map<string, { end: number; trailing: boolean }>();
  constructor(private readonly windowMs: number, private readonly maxKeys = 10_000) {}

  /** Whether to queue the job now, and how many seconds later it should run. */
  admit(key: string, now: number): { push: false } | { push: true; delaySeconds: number } {
    const w = this.windows.get(key);
    if (!w || now >= w.end) {
      if (this.windows.size >= this.maxKeys) this.sweep(now);
      this.windows.set(key, { end: now + this.windowMs, trailing: false });
      return { push: true, delaySeconds: 0 };
    }
    if (w.trailing) return { push: false };
    w.trailing = true;
    return { push: true, delaySeconds: Math.max(1, Math.ceil((w.end - now) / 1000)) };
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now >= w.end) this.windows.delete(k);
    if (this.windows.size >= this.maxKeys) this.windows.clear();
  }
}

/** Graph's maximum lifetime for To Do task subscriptions (change-notifications-subscription-lifetime). */
export const TODO_MAX_MINUTES = 4230;
/** Asked for a little less, so a clock a few minutes ahead of Graph's is not refused. */
const ASK_MINUTES = TODO_MAX_MINUTES - 30;
/** Renewed once less than this is left: the hourly renewal then has a day of tries before it lapses. */
export const RENEW_WITHIN_MS = 24 * 3600_000;

export const expiryFrom = (now: Date): string => new Date(now.getTime() + ASK_MINUTES * 60_000).toISOString();

export const needsRenewal = (expiresAt: string, now: Date): boolean => {
  const t = Date.parse(expiresAt);
  return !Number.isFinite(t) || t - now.getTime() < RENEW_WITHIN_MS;
};

/** Our id for one person's subscription to one list: the same pair always gets the same record. */
export const subscriptionId = (crypto: Pick<CryptoPort, 'sha256'>, accountId: string, listId: string): string => `s${crypto.sha256(`${accountId}\n${listId}`).slice(0, 24)}`;

/** Graph's resource for a list's tasks (the only To Do resource it notifies about). */
export const todoResource = (listId: string): string => `/me/todo/lists/${encodeURIComponent(listId)}/tasks`;
