import { randomUUID } from 'node:crypto';
import type { HostClock } from '../clock';
import type { AppManifest } from '../manifest';
import { ISSUE_TYPE, priorityById, statusById } from '../products/jira/model';
import { APP_ACCOUNT_ID } from '../products/jira/permissions';
import type { IssueEvent, JiraSite } from '../products/jira/store';
import type { Outcome } from '../runtime/runner';
import type { AppProperties } from './app-properties';
import { compileExpression, type FilterVerdict } from './expression';
import type { EventFilter, TriggerModule } from './modules';
import { retryRequest, MAX_RETRIES } from './retry';
import type { Timeline } from './timeline';

/** Product-event triggers run with the default function timeout (limits-invocation: 55 s unless timeoutSeconds). */
const DEFAULT_TIMEOUT_SECONDS = 55;
const MAX_TIMEOUT_SECONDS = 900;

export interface TriggerCounters {
  received: number;
  delivered: number;
  duplicates: number;
  retried: number;
  failed: number;
  filteredOut: { ignoreSelf: number; expression: number; error: number };
}

const zero = (): TriggerCounters => ({ received: 0, delivered: 0, duplicates: 0, retried: 0, failed: 0, filteredOut: { ignoreSelf: 0, expression: 0, error: 0 } });

export interface ProductEventDeps {
  manifest: AppManifest;
  triggers: TriggerModule[];
  jira: JiraSite;
  appProperties: AppProperties;
  timeline: Timeline;
  clock: HostClock;
  invoke: (req: { handler: string; event: unknown; context: unknown; identity: { moduleKey: string }; timeoutMs: number }) => Promise<Outcome>;
  cloudId: string;
  /** The Jira installation's context (`ari:cloud:jira::site/<cloudId>`). */
  installContext: string;
  siteUrl: string;
  log: (line: string) => void;
}

type Payload = Record<string, unknown>;

/** The issue as Forge's Jira events carry it (events-reference/jira: `Issue` type and the created-issue example). */
function issuePayload(jira: JiraSite, e: IssueEvent, siteUrl: string): Payload['issue'] {
  const issue = jira.issue(e.issue.id);
  if (!issue) return e.issue;
  const project = jira.project(issue.projectKey);
  const status = statusById(issue.statusId);
  const priority = priorityById(issue.priorityId);
  const user = (accountId: string | null) => (accountId ? { accountId } : null);
  return {
    id: issue.id,
    key: issue.key,
    fields: {
      summary: issue.summary,
      issuetype: { self: `${siteUrl}/rest/api/2/issuetype/${ISSUE_TYPE.id}`, id: ISSUE_TYPE.id, name: ISSUE_TYPE.name, subtask: ISSUE_TYPE.subtask },
      creator: user(issue.reporter),
      created: new Date(issue.created).toISOString(),
      project: project ? { self: `${siteUrl}/rest/api/2/project/${project.id}`, id: project.id, key: project.key, name: project.name, projectTypeKey: 'software', simplified: false } : { key: issue.projectKey },
      reporter: user(issue.reporter),
      assignee: user(issue.assignee),
      priority: { id: priority.id, name: priority.name },
      status: { id: status.id, name: status.name, statusCategory: { key: status.category.key } },
      updated: new Date(issue.updated).toISOString(),
    },
  };
}

/**
 * Delivers Jira's issue events to the app's `trigger` modules: filtered first (ignoreSelf, expression), then invoked
 * asynchronously on the host clock, at least once (`duplicateEvery` sends some twice), retried on `InvocationError`.
 */
export function createProductEvents(d: ProductEventDeps) {
  const counters = new Map(d.triggers.map((t) => [t.key, zero()]));
  const settings = { deliveryDelaySeconds: 0, duplicateEvery: 0 };
  const compiled = new Map<string, ReturnType<typeof compileExpression>>();
  let seen = 0;

  const verdict = (filter: EventFilter, payload: Payload): FilterVerdict => {
    let fn = compiled.get(filter.expression ?? '');
    if (!fn) {
      fn = compileExpression(filter.expression ?? '');
      compiled.set(filter.expression ?? '', fn);
    }
    return fn({ event: payload, appProperties: (k) => d.appProperties.get(k) });
  };

  function deliver(trigger: TriggerModule, payload: Payload, attempt: { retryCount: number; retryReason?: string; retryData?: unknown }, dueAt: number) {
    const c = counters.get(trigger.key) ?? zero();
    d.timeline.schedule({
      dueAt,
      run: async () => {
        const fn = d.manifest.functions.get(trigger.function);
        if (!fn) return;
        const context = { cloudId: d.cloudId, moduleKey: trigger.key };
        const event = {
          ...payload,
          ...(attempt.retryCount > 0 ? { retryContext: { retryCount: attempt.retryCount, retryReason: attempt.retryReason, retryData: attempt.retryData } } : {}),
          context,
          contextToken: Buffer.from(JSON.stringify({ context, jti: randomUUID() })).toString('base64url'),
        };
        const outcome = await d.invoke({
          handler: fn.handler,
          event,
          context: { installContext: d.installContext, principal: undefined },
          identity: { moduleKey: trigger.key },
          timeoutMs: Math.min(fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS) * 1000,
        });
        if (!outcome.ok) {
          c.failed++;
          d.log(`[host] trigger ${trigger.key} (${String(payload.eventType)}) failed, not retried: ${outcome.error.name}: ${outcome.error.message}`);
          return;
        }
        const retry = retryRequest(outcome.value);
        if (!retry) {
          c.delivered++;
          return;
        }
        if ('invalid' in retry) {
          c.failed++;
          d.log(`[host] trigger ${trigger.key}: ${retry.invalid}`);
          return;
        }
        if (attempt.retryCount >= MAX_RETRIES) {
          c.failed++;
          d.log(`[host] trigger ${trigger.key} (${String(payload.eventType)}) asked for a retry after ${MAX_RETRIES} retries; the event is dropped`);
          return;
        }
        c.retried++;
        deliver(trigger, payload, { retryCount: attempt.retryCount + 1, retryReason: retry.retryReason, retryData: retry.retryData }, d.clock.now() + retry.retryAfter * 1000);
      },
    });
  }

  function dispatch(eventType: string, payload: Payload, actor: string | null) {
    for (const trigger of d.triggers) {
      if (!trigger.events.has(eventType)) continue;
      const c = counters.get(trigger.key) ?? zero();
      c.received++;
      const filter = trigger.events.get(eventType);
      if (filter?.ignoreSelf && actor === APP_ACCOUNT_ID) {
        c.filteredOut.ignoreSelf++;
        continue;
      }
      if (filter?.expression !== undefined) {
        const v = verdict(filter, payload);
        if (!v.ok) {
          if (filter.onError.endsWith('_AND_LOG')) d.log(`[host] trigger ${trigger.key}: filter expression failed on ${eventType} (${filter.onError}): ${v.error}`);
          if (filter.onError.startsWith('IGNORE')) {
            c.filteredOut.error++;
            continue;
          }
        } else if (!v.value) {
          c.filteredOut.expression++;
          continue;
        }
      }
      const dueAt = d.clock.now() + settings.deliveryDelaySeconds * 1000;
      deliver(trigger, payload, { retryCount: 0 }, dueAt);
      seen++;
      if (settings.duplicateEvery > 0 && seen % settings.duplicateEvery === 0) {
        c.duplicates++;
        deliver(trigger, payload, { retryCount: 0 }, dueAt + 1000);
      }
    }
  }

  function payloadFor(e: IssueEvent, eventType: string, extra: Payload = {}): Payload {
    return {
      eventType,
      issue: issuePayload(d.jira, e, d.siteUrl),
      ...(e.atlassianId ? { atlassianId: e.atlassianId, associatedUsers: [{ accountId: e.atlassianId }] } : {}),
      ...(e.changelog ? { changelog: e.changelog } : {}),
      ...extra,
    };
  }

  const unsubscribe = d.jira.onIssueEvent((e) => {
    dispatch(e.type, payloadFor(e, e.type), e.atlassianId);
    // Jira sends avi:jira:assigned:issue for an assignee change as well as the update (events-reference/jira, Issue assigned).
    if (e.type === 'avi:jira:updated:issue' && e.changelog?.items.some((i) => i.field === 'assignee')) {
      dispatch('avi:jira:assigned:issue', payloadFor(e, 'avi:jira:assigned:issue'), e.atlassianId);
    }
  });

  let commentSeq = 10_000;
  return {
    /** A user comments: the event only (the Jira emulation stores no comments). */
    comment(issueKey: string, accountId: string, body: string): { id: string } | { error: string } {
      const issue = d.jira.issue(issueKey);
      if (!issue) return { error: `No issue ${issueKey}` };
      const id = String(++commentSeq);
      const now = new Date(d.clock.now()).toISOString();
      const e: IssueEvent = { seq: 0, type: 'avi:jira:updated:issue', eventType: 'avi:jira:updated:issue', timestamp: now, atlassianId: accountId, issue: { id: issue.id, key: issue.key, fields: {} } };
      dispatch('avi:jira:commented:issue', payloadFor(e, 'avi:jira:commented:issue', { comment: { id, author: { accountId }, body, created: now, updated: now, jsdPublic: true } }), accountId);
      return { id };
    },
    settings,
    snapshot: () => Object.fromEntries([...counters].map(([k, v]) => [k, structuredClone(v)])),
    reset() {
      for (const k of counters.keys()) counters.set(k, zero());
      settings.deliveryDelaySeconds = 0;
      settings.duplicateEvery = 0;
      seen = 0;
      commentSeq = 10_000;
    },
    stop: unsubscribe,
  };
}

export type ProductEvents = ReturnType<typeof createProductEvents>;
