import { kvs } from '@forge/kvs';
import { decideNotification, needsSecret, type NotificationFacts } from '../core/automations/notifications';
import { readSettings } from '../core/settings/model';
import { automationQueue } from '../adapters/forge/automations';
import { subscriptionSecret } from '../adapters/forge/automation-store';
import { keys } from '../adapters/forge/keys';
import { nodeCrypto } from '../adapters/node/crypto';
import { firstQueryValue, type WebTriggerRequest, type WebTriggerResponse } from './http';

const answer = (statusCode: number, body = '', type?: string): WebTriggerResponse => ({
  statusCode,
  headers: { ...(type ? { 'Content-Type': [type] } : {}), 'Cache-Control': ['no-store'] },
  body,
});

/**
 * Microsoft Graph's change notifications for linked To Do lists. Microsoft counts answers slower than
 * 2.9 s as slow and drops notifications of endpoints that are often slow, so this does the least it
 * can: two reads at once (the subscription's clientState, the feature switch), the decision table,
 * one push to the queue, 202. The tasks are read later by the consumer, as their owners.
 */
export async function graphNotifications(req: WebTriggerRequest): Promise<WebTriggerResponse> {
  const subId = firstQueryValue(req, 's');
  const validationToken = firstQueryValue(req, 'validationToken');
  const request = { method: req.method, ...(subId === undefined ? {} : { subId }), ...(validationToken === undefined ? {} : { validationToken }), ...(req.body === undefined ? {} : { body: req.body }) };
  try {
    let facts: NotificationFacts = { enabled: false };
    if (subId !== undefined && needsSecret(request)) {
      const [settings, secret] = await Promise.all([kvs.get(keys.settings()), subscriptionSecret(subId)]);
      facts = { enabled: readSettings(settings).settings.features.automations, ...(secret ? { secret } : {}) };
    }
    const d = decideNotification(request, facts, nodeCrypto);
    // Graph wants the decoded token back as text/plain, with nothing escaped into it.
    if (d.kind === 'validate') return answer(200, d.token, 'text/plain; charset=utf-8');
    if (d.kind === 'refuse') return answer(d.status);
    if (d.jobs.length > 0) await automationQueue.push(d.jobs);
    return answer(202);
  } catch {
    // Storage or the queue failed: Graph redelivers what was not acknowledged, for up to 4 hours.
    return { ...answer(503), headers: { 'Retry-After': ['60'], 'Cache-Control': ['no-store'] } };
  }
}
