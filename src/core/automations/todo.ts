/**
 * Microsoft To Do → Jira: a person links a task of theirs to an issue (the browser creates or picks
 * it with their own token); one Graph subscription per person and list tells the app when a task
 * changes; the consumer re-reads the task **as that person** and, once it is completed, moves the
 * issue along the project's mapping — only if Jira, asked as that person, lets them. Replayed and
 * duplicate notifications do nothing twice: each completion is claimed once.
 */
import { failWith, ok, type AppErrorBody, type Result } from '../result';
import { messageFor } from '../messages';
import type { CryptoPort } from '../crypto';
import { grants, GRAPH_ID, JIRA_ID, RULE_ID, type LinkOutcome, type TodoLink, type TodoSubscription } from './model';
import { clientStateFor, expiryFrom, needsRenewal, subscriptionId, todoResource, type Hmac } from './notifications';
import type { Actor, AutomationStore, GraphPort, Job, JiraPort, QueuePort } from './ports';

export interface TodoDeps {
  store: AutomationStore;
  jira: JiraPort;
  graph: GraphPort;
  queue: QueuePort;
  crypto: CryptoPort;
  now: () => Date;
  enabled: () => Promise<boolean>;
  /** The notification web trigger's address for one subscription (`…?s=<subId>&n=<nonce>`). */
  notificationUrl: (subId: string, nonce: string) => Promise<string>;
  hmac: Hmac;
}

export const MAX_LINKS_PER_ISSUE = 10;
/** A completion is acted on once; the claim outlives Graph's 4-hour redelivery by far. */
const DONE_TTL_SECONDS = 30 * 24 * 3600;
/** What the subscription asks for: a completed task is an `updated` one; `deleted` tells the panel. */
const CHANGE_TYPES = 'updated,deleted';

export interface LinkView {
  linkId: string;
  listId: string;
  taskId: string;
  createdAt: string;
  /** Whether Microsoft is telling the app about this task's list (else why not, in words). */
  watching: boolean;
  watchProblem?: string;
  last?: { at: string; outcome: LinkOutcome['outcome']; status?: string; message?: string };
}

export interface TodoPanelView {
  enabled: boolean;
  /** The issue as Jira shows it to the caller now (for a new task's title and link; not stored). */
  issue: { key: string; summary: string; url: string };
  links: LinkView[];
  /** Jira, asked as the viewer: may they transition this issue (completion moves it only then)? */
  mayTransition: boolean;
  /** Where a completed task moves the issue, when the project's admins chose a status. */
  completedStatus?: string;
}

const live = (accountId: string): Actor => ({ accountId, live: true });
const offline = (accountId: string): Actor => ({ accountId, live: false });

function outcomeWords(o: LinkOutcome): string | undefined {
  switch (o.outcome) {
    case 'transitioned':
    case 'open':
      return undefined;
    case 'already':
      return o.status ? `Completed; the issue was already in ${o.status}.` : undefined;
    case 'not_allowed':
      return messageFor('FORBIDDEN', 'todo_not_allowed');
    case 'no_mapping':
      return messageFor('BAD_REQUEST', 'todo_no_mapping');
    case 'no_transition':
      return messageFor('BAD_REQUEST', 'todo_no_transition');
    case 'task_gone':
      return messageFor('NOT_FOUND', 'todo_task_gone');
    case 'signed_out':
      return messageFor('MS_SIGN_IN_REQUIRED', 'todo_signed_out');
    case 'failed':
      return messageFor((o.code ?? 'INTERNAL') as AppErrorBody['code'], o.reason);
  }
}

export function todoService(d: TodoDeps) {
  const iso = () => d.now().toISOString();

  async function subscribe(previous: TodoSubscription): Promise<TodoSubscription> {
    // A new nonce for every Graph subscription: a removed or replaced one's clientState no longer matches.
    const sub: TodoSubscription = { ...previous, nonce: d.crypto.randomToken(12) };
    const clientState = clientStateFor(d.hmac, await d.store.notificationKey(), sub.subId, sub.nonce);
    const { graphId: _old, ...withoutGraph } = sub;
    await d.store.putSubscription({ ...withoutGraph, status: 'pending' });
    const url = await d.notificationUrl(sub.subId, sub.nonce);
    const created = await d.graph.createSubscription(sub.accountId, {
      resource: todoResource(sub.listId),
      changeType: CHANGE_TYPES,
      notificationUrl: url,
      lifecycleNotificationUrl: url,
      expirationDateTime: expiryFrom(d.now()),
      clientState,
    });
    if (!created.ok) {
      const failed: TodoSubscription = { ...withoutGraph, status: 'failed', problem: { code: created.error.code, ...(created.error.reason ? { reason: created.error.reason } : {}), at: iso() } };
      await d.store.putSubscription(failed);
      return failed;
    }
    const { problem: _p, ...rest } = withoutGraph;
    const active: TodoSubscription = { ...rest, status: 'active', graphId: created.value.id, expiresAt: created.value.expirationDateTime, renewedAt: iso() };
    await d.store.putSubscription(active);
    return active;
  }

  /** The person's subscription to the list, created when missing or failed. */
  async function ensureSubscription(accountId: string, msUserId: string, listId: string): Promise<TodoSubscription> {
    const subId = subscriptionId(d.crypto, accountId, listId);
    const existing = await d.store.getSubscription(subId);
    if (existing?.status === 'active' && existing.msUserId === msUserId && !needsRenewal(existing.expiresAt, d.now())) return existing;
    if (existing?.graphId && existing.status === 'active') await d.graph.deleteSubscription(existing.accountId, existing.graphId);
    return subscribe({ subId, accountId, msUserId, listId, nonce: '', expiresAt: iso(), status: 'pending', createdAt: existing?.createdAt ?? iso() });
  }

  async function dropSubscription(sub: TodoSubscription): Promise<void> {
    // Best effort at Graph (the person may be signed out: it then lapses within 3 days, and the
    // consumer drops its notifications: no record here); always here.
    if (sub.graphId) await d.graph.deleteSubscription(sub.accountId, sub.graphId);
    await d.store.deleteSubscription(sub.subId);
  }

  async function panel(caller: string, issueId: string): Promise<Result<TodoPanelView>> {
    if (!JIRA_ID.test(issueId)) return failWith('NOT_FOUND', 'issue_hidden');
    // Every issue panel asks: with the feature off it costs one settings read and nothing else.
    if (!(await d.enabled())) return failWith('FEATURE_OFF', 'feature_off:automations');
    const issue = await d.jira.issue(live(caller), issueId);
    if (!issue.ok) return issue;
    const [links, may, mapping] = await Promise.all([
      d.store.linksOfIssue(issueId).then((all) => all.filter((l) => l.accountId === caller)),
      d.jira.mayTransition(live(caller), issueId),
      d.store.getMapping(issue.value.projectId),
    ]);
    const views: LinkView[] = [];
    for (const l of links.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const sub = await d.store.getSubscription(l.subId);
      const watching = sub?.status === 'active';
      const problem = sub?.status === 'failed' ? (sub.problem?.code === 'MS_SIGN_IN_REQUIRED' ? messageFor('MS_SIGN_IN_REQUIRED', 'todo_signed_out') : messageFor('MS_UNAVAILABLE', 'todo_watch_failed')) : undefined;
      const words = l.last ? outcomeWords(l.last) : undefined;
      views.push({
        linkId: l.linkId,
        listId: l.listId,
        taskId: l.taskId,
        createdAt: l.createdAt,
        watching,
        ...(problem ? { watchProblem: problem } : {}),
        ...(l.last ? { last: { at: l.last.at, outcome: l.last.outcome, ...(l.last.status ? { status: l.last.status } : {}), ...(words ? { message: words } : {}) } } : {}),
      });
    }
    return ok({ enabled: true, issue: { key: issue.value.key, summary: issue.value.summary, url: issue.value.url }, links: views, mayTransition: may.ok && may.value, ...(mapping?.completed ? { completedStatus: mapping.completed.name } : {}) });
  }

  /** Links a task the caller created or picked in their own To Do (checked with Graph as them). */
  async function link(caller: string, payload: { issueId?: unknown; listId?: unknown; taskId?: unknown }): Promise<Result<TodoPanelView>> {
    const { issueId, listId, taskId } = payload;
    if (typeof issueId !== 'string' || !JIRA_ID.test(issueId)) return failWith('NOT_FOUND', 'issue_hidden');
    if (typeof listId !== 'string' || !GRAPH_ID.test(listId) || typeof taskId !== 'string' || !GRAPH_ID.test(taskId)) return failWith('NOT_FOUND', 'todo_task_not_found');
    if (!(await d.enabled())) return failWith('FEATURE_OFF', 'feature_off:automations');
    const issue = await d.jira.issue(live(caller), issueId);
    if (!issue.ok) return issue;
    const connection = await d.graph.connection(caller);
    if (!connection) return failWith('MS_SIGN_IN_REQUIRED');
    if (!grants(connection.scopes, 'Tasks.ReadWrite')) return failWith('MS_CONSENT_REQUIRED', 'automations_consent');
    const task = await d.graph.getTask(caller, listId, taskId);
    if (!task.ok) return task.error.code === 'NOT_FOUND' || task.error.code === 'FORBIDDEN' ? failWith('NOT_FOUND', 'todo_task_not_found') : task;
    const mine = (await d.store.linksOfIssue(issueId)).filter((l) => l.accountId === caller);
    if (!mine.some((l) => l.listId === listId && l.taskId === taskId)) {
      if (mine.length >= MAX_LINKS_PER_ISSUE) return failWith('BAD_REQUEST', 'too_many_links');
      const sub = await ensureSubscription(caller, connection.msUserId, listId);
      const l: TodoLink = {
        linkId: d.crypto.randomToken(12),
        accountId: caller,
        msUserId: connection.msUserId,
        issueId,
        projectId: issue.value.projectId,
        listId,
        taskId,
        subId: sub.subId,
        createdAt: iso(),
        // A task linked while already completed does not move the issue: only a completion after linking does.
        ...(task.value.status === 'completed' && task.value.completedAt ? { handledCompletion: task.value.completedAt } : {}),
      };
      await d.store.putLink(l);
      await d.store.indexAccount(caller);
    }
    return panel(caller, issueId);
  }

  async function unlink(caller: string, payload: { issueId?: unknown; linkId?: unknown }): Promise<Result<TodoPanelView>> {
    const { issueId, linkId } = payload;
    if (typeof issueId !== 'string' || !JIRA_ID.test(issueId)) return failWith('NOT_FOUND', 'issue_hidden');
    if (typeof linkId !== 'string' || !RULE_ID.test(linkId)) return failWith('NOT_FOUND', 'todo_link_not_found');
    const l = await d.store.getLink(caller, linkId);
    if (l?.issueId !== issueId) return failWith('NOT_FOUND', 'todo_link_not_found');
    await d.store.deleteLink(l);
    const rest = (await d.store.linksOfAccount(caller)).filter((x) => x.subId === l.subId);
    if (rest.length === 0) {
      const sub = await d.store.getSubscription(l.subId);
      if (sub) await dropSubscription(sub);
    }
    return panel(caller, issueId);
  }

  async function record(l: TodoLink, last: LinkOutcome, handledCompletion?: string): Promise<void> {
    const current = await d.store.getLink(l.accountId, l.linkId);
    if (!current) return;
    await d.store.putLink({ ...current, last, ...(handledCompletion ? { handledCompletion } : {}) });
  }

  /** Re-reads one linked task as its person and moves the issue when it was completed. */
  async function processLink(l: TodoLink): Promise<LinkOutcome['outcome'] | 'duplicate' | 'retry'> {
    const at = iso();
    const connection = await d.graph.connection(l.accountId);
    if (connection?.msUserId !== l.msUserId) {
      await record(l, { at, outcome: 'signed_out' });
      return 'signed_out';
    }
    const task = await d.graph.getTask(l.accountId, l.listId, l.taskId);
    if (!task.ok) {
      if (task.error.code === 'NOT_FOUND') {
        await record(l, { at, outcome: 'task_gone' });
        return 'task_gone';
      }
      if (task.error.code === 'THROTTLED' || task.error.code === 'MS_UNAVAILABLE') return 'retry';
      await record(l, { at, outcome: 'failed', code: task.error.code, ...(task.error.reason ? { reason: task.error.reason } : {}) });
      return 'failed';
    }
    if (task.value.status !== 'completed' || !task.value.completedAt) return 'open';
    const completion = task.value.completedAt;
    if (l.handledCompletion === completion) return 'duplicate';
    if (!(await d.store.claim(`todo-done:${l.linkId}:${completion.replace(/[^0-9A-Za-z]/g, '')}`, DONE_TTL_SECONDS))) return 'duplicate';
    const mapping = await d.store.getMapping(l.projectId);
    if (!mapping?.completed) {
      await record(l, { at, outcome: 'no_mapping' }, completion);
      return 'no_mapping';
    }
    const who = offline(l.accountId);
    const may = await d.jira.mayTransition(who, l.issueId);
    if (!may.ok || !may.value) {
      await record(l, { at, outcome: 'not_allowed' }, completion);
      return 'not_allowed';
    }
    const issue = await d.jira.issue(who, l.issueId);
    if (issue.ok && issue.value.status?.id === mapping.completed.id) {
      await record(l, { at, outcome: 'already', status: issue.value.status.name }, completion);
      return 'already';
    }
    const transitions = await d.jira.transitions(who, l.issueId);
    const t = transitions.ok ? transitions.value.find((x) => x.to.id === mapping.completed?.id) : undefined;
    if (!t) {
      await record(l, { at, outcome: transitions.ok ? 'no_transition' : 'failed', ...(transitions.ok ? {} : { code: transitions.error.code }) }, completion);
      return transitions.ok ? 'no_transition' : 'failed';
    }
    const moved = await d.jira.transition(who, l.issueId, t.id);
    if (!moved.ok) {
      const outcome = moved.error.code === 'FORBIDDEN' ? 'not_allowed' : 'failed';
      await record(l, { at, outcome, code: moved.error.code, ...(moved.error.reason ? { reason: moved.error.reason } : {}) }, completion);
      return outcome;
    }
    await record(l, { at, outcome: 'transitioned', status: t.to.name }, completion);
    return 'transitioned';
  }

  /** The consumer's job for "a task in this list changed". */
  async function onTaskChanged(job: Extract<Job, { kind: 'todo' }>): Promise<{ outcomes: string[]; retryAfterSeconds?: number }> {
    if (!(await d.enabled())) return { outcomes: [] };
    const sub = await d.store.getSubscription(job.subId);
    // An older Graph subscription of the same record (replaced, or deleted at sign-out): not ours any more.
    if (!sub || (job.graphId !== undefined && job.graphId !== sub.graphId)) return { outcomes: [] };
    const links = (await d.store.linksOfAccount(sub.accountId)).filter((l) => l.subId === sub.subId && l.taskId === job.taskId);
    const outcomes: string[] = [];
    for (const l of links) outcomes.push(await processLink(l));
    return outcomes.includes('retry') ? { outcomes, retryAfterSeconds: 30 } : { outcomes };
  }

  /** Graph's lifecycle notifications: renew when asked to reauthorize, recreate a removed one, re-read after `missed`. */
  async function onLifecycle(job: Extract<Job, { kind: 'lifecycle' }>): Promise<void> {
    if (!(await d.enabled())) return;
    const sub = await d.store.getSubscription(job.subId);
    if (!sub || (job.graphId !== undefined && sub.graphId !== undefined && job.graphId !== sub.graphId)) return;
    if (job.event === 'reauthorizationRequired') {
      await renew(sub);
      return;
    }
    if (job.event === 'subscriptionRemoved') {
      await subscribe({ ...sub, expiresAt: iso() });
      return;
    }
    for (const l of (await d.store.linksOfAccount(sub.accountId)).filter((x) => x.subId === sub.subId)) await processLink(l);
  }

  async function renew(sub: TodoSubscription): Promise<TodoSubscription> {
    if (!sub.graphId || sub.status !== 'active') return subscribe(sub);
    const r = await d.graph.renewSubscription(sub.accountId, sub.graphId, expiryFrom(d.now()));
    if (r.ok) {
      const next: TodoSubscription = { ...sub, expiresAt: r.value.expirationDateTime, renewedAt: iso() };
      await d.store.putSubscription(next);
      return next;
    }
    // Gone at Microsoft (expired, removed): make a new one.
    if (r.error.code === 'NOT_FOUND') return subscribe(sub);
    const failed: TodoSubscription = { ...sub, problem: { code: r.error.code, ...(r.error.reason ? { reason: r.error.reason } : {}), at: iso() } };
    await d.store.putSubscription(failed);
    return failed;
  }

  /**
   * The scheduled renewal: every subscription with less than a day left is renewed (To Do allows
   * 4,230 minutes), failed ones are tried again, and those without links go. Stops at `budgetMs`.
   */
  async function renewAll(budgetMs: number): Promise<{ renewed: number; created: number; removed: number; failed: number; pending: number }> {
    const started = Date.now();
    const out = { renewed: 0, created: 0, removed: 0, failed: 0, pending: 0 };
    if (!(await d.enabled())) return out;
    const subs = await d.store.allSubscriptions();
    const linked = new Set((await d.store.allLinks()).map((l) => l.subId));
    for (const s of subs) {
      if (Date.now() - started > budgetMs) {
        out.pending++;
        continue;
      }
      if (!linked.has(s.subId)) {
        await dropSubscription(s);
        out.removed++;
        continue;
      }
      if (s.status === 'active' && !needsRenewal(s.expiresAt, d.now())) continue;
      const wasActive = s.status === 'active';
      const r = await renew(s);
      if (r.status === 'active' && !r.problem) {
        if (wasActive) out.renewed++;
        else out.created++;
      } else out.failed++;
    }
    return out;
  }

  /**
   * The person signs out: their subscriptions are deleted at Microsoft while their token still works,
   * and kept here as failed (the panel says why; the hourly renewal makes them again once they are back).
   */
  async function onSignedOut(accountId: string): Promise<void> {
    for (const s of await d.store.allSubscriptions()) {
      if (s.accountId !== accountId) continue;
      if (s.graphId) await d.graph.deleteSubscription(accountId, s.graphId);
      const { graphId: _g, ...rest } = s;
      await d.store.putSubscription({ ...rest, status: 'failed', problem: { code: 'MS_SIGN_IN_REQUIRED', reason: 'todo_signed_out', at: iso() } });
    }
  }

  /** Feature switched: off deletes every subscription (at Microsoft and here); on makes them again for the links. */
  async function onFeatureChanged(on: boolean): Promise<{ subscriptions: number }> {
    if (!on) {
      for (const s of await d.store.allSubscriptions()) await dropSubscription(s);
      // Every clientState handed out stops being accepted (once web triggers' cached keys expire).
      await d.store.notificationKey({ rotate: true });
      return { subscriptions: 0 };
    }
    const pairs = new Map<string, TodoLink>();
    for (const l of await d.store.allLinks()) pairs.set(l.subId, l);
    let n = 0;
    for (const l of pairs.values()) {
      const s = await ensureSubscription(l.accountId, l.msUserId, l.listId);
      if (s.status === 'active') n++;
    }
    return { subscriptions: n };
  }

  return { panel, link, unlink, onSignedOut, onTaskChanged, onLifecycle, renewAll, processLink, ensureSubscription, dropSubscription, onFeatureChanged };
}

export type TodoService = ReturnType<typeof todoService>;
