/**
 * Microsoft Graph change notifications for To Do lists, decided without I/O: the web trigger reads
 * one stored secret, asks this table what to do, pushes the jobs and answers. Sources:
 * learn.microsoft.com/graph/change-notifications-delivery-webhooks (validation: reply 200 `text/plain`
 * with the decoded `validationToken` within 10 s; notifications: reply 2xx within 3 s, 202 when the
 * work is queued; always check `clientState`), …/change-notifications-lifecycle-events
 * (`reauthorizationRequired`, `subscriptionRemoved`, `missed`), RESEARCH.md §3.2.
 */
import { isRecord, own } from '../guards';
import type { CryptoPort } from '../crypto';
import { GRAPH_ID, RULE_ID } from './model';
import type { Job } from './ports';

/** Longest validation token echoed back (Graph's are short opaque strings; anything huge is not Graph). */
const MAX_VALIDATION_TOKEN = 1024;
/** Graph sends batches of notifications; a body with more items than this is not Graph either. */
const MAX_ITEMS = 1000;

export const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export interface NotificationRequest {
  method: string;
  /** Our subscription record id, from the notification URL's query (Graph echoes the URL as given). */
  subId?: string;
  validationToken?: string;
  body?: string;
}

/** What the web trigger knows before deciding: the stored secret for `subId`, and the feature switch. */
export interface NotificationFacts {
  enabled: boolean;
  secret?: { clientState: string; graphId?: string };
}

export type NotificationDecision =
  | { kind: 'validate'; token: string }
  | { kind: 'refuse'; status: 400 | 404 | 405 }
  | { kind: 'accept'; jobs: Job[]; forged: number; stale: number };

/** Whether the request can be decided without reading storage (what the web trigger must read, if anything). */
export const needsSecret = (req: NotificationRequest): boolean => req.method === 'POST' && req.subId !== undefined && RULE_ID.test(req.subId);

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
 * The decision table. Every notification must carry our `clientState` (compared in constant time):
 * a forged one changes nothing. Items of an older Graph subscription (a recreated one has another id)
 * are stale. Several notifications about one task in one delivery become one job: To Do notifications
 * do not say what changed, so the consumer re-reads the task anyway.
 */
export function decideNotification(req: NotificationRequest, facts: NotificationFacts, crypto: Pick<CryptoPort, 'safeEqual'>): NotificationDecision {
  if (req.method !== 'POST') return { kind: 'refuse', status: 405 };
  if (req.validationToken !== undefined) {
    // Graph validates a subscription while it is being created: only for our own pending or live ones.
    if (!facts.enabled || !facts.secret) return { kind: 'refuse', status: 404 };
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
  const jobs: Job[] = [];
  let forged = 0;
  let stale = 0;
  const subId = req.subId;
  const secret = facts.enabled ? facts.secret : undefined;
  const seen = new Set<string>();
  for (const raw of items) {
    if (!isRecord(raw)) {
      forged++;
      continue;
    }
    const clientState = own(raw, 'clientState');
    if (!secret || subId === undefined || typeof clientState !== 'string' || !crypto.safeEqual(clientState, secret.clientState)) {
      forged++;
      continue;
    }
    const graphId = own(raw, 'subscriptionId');
    if (secret.graphId !== undefined && graphId !== secret.graphId) {
      stale++;
      continue;
    }
    const lifecycle = own(raw, 'lifecycleEvent');
    if (lifecycle !== undefined) {
      if (typeof lifecycle !== 'string' || !(LIFECYCLE_EVENTS as readonly string[]).includes(lifecycle)) continue;
      const key = `l:${lifecycle}`;
      if (!seen.has(key)) jobs.push({ kind: 'lifecycle', subId, event: lifecycle as LifecycleEvent });
      seen.add(key);
      continue;
    }
    const taskId = taskIdOf(raw);
    if (!taskId) continue;
    if (!seen.has(taskId)) jobs.push({ kind: 'todo', subId, taskId });
    seen.add(taskId);
  }
  return { kind: 'accept', jobs, forged, stale };
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
