import { kvs } from '@forge/kvs';
import { clientStateFor, Coalescer, decideNotification, isOurUrl } from '../core/automations/notifications';
import { readSettings } from '../core/settings/model';
import { automationQueue, hmacSha256 } from '../adapters/forge/automations';
import { storedKey } from '../adapters/forge/automation-store';
import { keys } from '../adapters/forge/keys';
import { nodeCrypto } from '../adapters/node/crypto';
import { firstQueryValue, type WebTriggerRequest, type WebTriggerResponse } from './http';

/** How long a runtime keeps an installation's notification key (rotated when the feature goes off). */
const KEY_CACHE_MS = 60_000;
/** Notifications about one task within this window queue at most two jobs (notifications.ts, Coalescer). */
const COALESCE_MS = 5_000;

/*
 * Per runtime, keyed by the platform's installContext, so one installation never sees another's:
 * the notification key (a secret of this app's own, not tenant content) and the coalescing windows.
 * Forge may run many runtimes at once and recycle them at any time: both only save work.
 */
const keyCache = new Map<string, { key: string | undefined; until: number }>();
const coalescer = new Coalescer(COALESCE_MS);

async function keyOf(installation: string, now: number): Promise<string | undefined> {
  const hit = keyCache.get(installation);
  if (hit && hit.until > now) return hit.key;
  const key = await storedKey();
  if (keyCache.size > 1000) keyCache.clear();
  keyCache.set(installation, { key, until: now + KEY_CACHE_MS });
  return key;
}

const answer = (statusCode: number, body = '', type?: string): WebTriggerResponse => ({
  statusCode,
  headers: { ...(type ? { 'Content-Type': [type] } : {}), 'Cache-Control': ['no-store'] },
  body,
});

const enabled = async (): Promise<boolean> => readSettings(await kvs.get(keys.settings())).settings.features.automations;

/**
 * Microsoft Graph's change notifications for linked To Do lists. Microsoft counts answers slower than
 * 2.9 s as slow and drops notifications of endpoints that are often slow, and Forge allows an
 * installation 4,000 storage reads and 500 queued events a minute: so per notification this reads
 * nothing (the clientState is an HMAC checked against the URL's ids, under a key read once a minute),
 * coalesces per task, and queues only what is new — after one settings read, so with the feature off
 * nothing is queued. The tasks are read later by the consumer, as their owners.
 */
export async function graphNotifications(req: WebTriggerRequest, context?: { installContext?: unknown }): Promise<WebTriggerResponse> {
  const installation = typeof context?.installContext === 'string' ? context.installContext : '';
  const subId = firstQueryValue(req, 's');
  const nonce = firstQueryValue(req, 'n');
  const validationToken = firstQueryValue(req, 'validationToken');
  const request = { method: req.method, ...(subId === undefined ? {} : { subId }), ...(nonce === undefined ? {} : { nonce }), ...(validationToken === undefined ? {} : { validationToken }), ...(req.body === undefined ? {} : { body: req.body }) };
  try {
    const now = Date.now();
    const key = isOurUrl(request) ? await keyOf(installation, now) : undefined;
    const expected = key !== undefined && isOurUrl(request) ? clientStateFor(hmacSha256, key, request.subId, request.nonce) : undefined;
    const d = decideNotification(request, expected, nodeCrypto, validationToken === undefined || (await enabled()));
    // Graph wants the decoded token back as text/plain, with nothing escaped into it.
    if (d.kind === 'validate') return answer(200, d.token, 'text/plain; charset=utf-8');
    if (d.kind === 'refuse') return answer(d.status);
    const due = d.jobs.flatMap((job) => {
      const a = coalescer.admit(`${installation}\n${job.subId}\n${job.kind === 'todo' ? job.taskId : job.event}`, now);
      return a.push ? [{ job, delaySeconds: a.delaySeconds }] : [];
    });
    if (due.length > 0 && (await enabled())) {
      for (const delay of new Set(due.map((x) => x.delaySeconds))) {
        await automationQueue.push(due.filter((x) => x.delaySeconds === delay).map((x) => x.job), { delaySeconds: delay });
      }
    }
    return answer(202);
  } catch {
    // Storage or the queue failed: Graph redelivers what was not acknowledged, for up to 4 hours.
    return { ...answer(503), headers: { 'Retry-After': ['60'], 'Cache-Control': ['no-store'] } };
  }
}
