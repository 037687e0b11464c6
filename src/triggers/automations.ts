import { InvocationError, InvocationErrorCode } from '@forge/events';
import { readJiraEvent, type Job } from '../core/automations';
import { isRecord } from '../core/guards';
import { toAppError } from '../core/result';
import { automationQueue } from '../adapters/forge/automations';
import { automations } from '../automation-services';
import { logFailure } from '../adapters/forge/log';

/** The renewal's share of its 300 s: the rest is margin for the subscription in flight. */
const RENEW_BUDGET_MS = 240_000;

/**
 * Jira's product events, already filtered by Jira (the trigger's expression reads the app property of
 * projects with an active rule): ids go to the queue, nothing is sent from here. The event's summary,
 * comment text and field names are left behind.
 */
export async function automationsJiraEvent(event: unknown): Promise<void> {
  const change = readJiraEvent(event);
  if (!change) return;
  await automationQueue.push([{ kind: 'jira', event: change }]);
}

const KINDS = new Set(['jira', 'send', 'todo', 'lifecycle', 'switch']);
const isJob = (v: unknown): v is Job => isRecord(v) && typeof v.kind === 'string' && KINDS.has(v.kind);

/** Storage, Jira or Microsoft stumbling: the platform runs the event again (at most four times). */
const transient = new Set(['STORAGE_UNAVAILABLE', 'THROTTLED', 'MS_UNAVAILABLE']);

/**
 * The queue's consumer: sends Teams messages as rule owners, re-reads To Do tasks as their people,
 * handles subscription lifecycle events and the admin's switch. Work that must wait (Retry-After) is
 * pushed back with a delay by the core; a whole job that failed on a passing problem is retried.
 */
export async function automationsConsumer(event: { body?: unknown; retryContext?: { retryCount?: number } }): Promise<InvocationError | undefined> {
  const job = event.body;
  if (!isJob(job)) return undefined;
  const a = automations();
  try {
    switch (job.kind) {
      case 'jira':
        await a.service.rules.onJiraEvent(job.event);
        return undefined;
      case 'send':
        await a.service.rules.onSendJob(job);
        return undefined;
      case 'todo': {
        const r = await a.service.todo.onTaskChanged(job);
        return r.retryAfterSeconds ? new InvocationError({ retryAfter: r.retryAfterSeconds, retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED }) : undefined;
      }
      case 'lifecycle':
        await a.service.todo.onLifecycle(job);
        return undefined;
      case 'switch':
        // Switched again since: the later job does the work.
        if ((await a.settings.enabled('automations')) === job.on) await a.service.onFeatureChanged(job.on);
        return undefined;
    }
  } catch (e) {
    const err = toAppError(e);
    const level = await a.settings.current().then((s) => s.diagnostics, () => 'codes-only' as const);
    logFailure(level, `automations-consumer:${job.kind}`, e);
    if (transient.has(err.code)) return new InvocationError({ retryAfter: err.extra.retryAfterSeconds ?? 30, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
    return undefined;
  }
}

/** Hourly: To Do subscriptions with less than a day left are renewed (Graph ends them after 4,230 minutes). */
export async function automationsRenew(): Promise<{ renewed: number; created: number; removed: number; failed: number; pending: number }> {
  const a = automations();
  try {
    return await a.service.todo.renewAll(RENEW_BUDGET_MS);
  } catch (e) {
    const level = await a.settings.current().then((s) => s.diagnostics, () => 'codes-only' as const);
    logFailure(level, 'automations-renew', e);
    throw e;
  }
}
