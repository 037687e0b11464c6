/**
 * Jira → Teams: project admins manage rules; Jira's product events (pushed to the queue by the
 * trigger, never handled there) become Teams messages posted through Graph **as the rule's owner**,
 * at most once per rule and Jira change, within Teams' per-channel daily cap, retried per
 * `Retry-After`. A rule whose owner can no longer post pauses with the reason; any project admin
 * may take it over.
 */
import { fail, failWith, ok, type AppErrorBody, type Result } from '../result';
import { messageFor } from '../messages';
import type { CryptoPort } from '../crypto';
import { CAP_MARGIN, capDay, entryIdAt, MAX_DELAY_SECONDS, onSendFailure, TEAMS_CHANNEL_DAILY_CAP } from './delivery';
import { issueJql, seenKey, whenMatches, type JiraChange } from './events';
import { buildMessage, escapeHtml } from './message';
import { grants, JIRA_ID, MAX_RULES_PER_PROJECT, parseRuleInput, RULE_ID, sendScope, type DeliveryEntry, type PauseReason, type Rule, type StatusRef } from './model';
import type { Actor, AutomationStore, GraphPort, Job, JiraPort, QueuePort } from './ports';

export interface RulesDeps {
  store: AutomationStore;
  jira: JiraPort;
  graph: GraphPort;
  queue: QueuePort;
  crypto: CryptoPort;
  now: () => Date;
  /** The admin's switch for automations. */
  enabled: () => Promise<boolean>;
}

/** A Jira change is handled at most once per rule for this long (Forge redelivers within hours at most). */
export const SEEN_TTL_SECONDS = 7 * 24 * 3600;
const CAP_TTL_SECONDS = 2 * 24 * 3600;

export interface DeliveryView {
  id: string;
  at: string;
  issueKey?: string;
  outcome: DeliveryEntry['outcome'];
  /** The error in words (never Graph's own text). */
  message?: string;
  canResend: boolean;
}

export interface RuleView {
  id: string;
  name: string;
  when: Rule['when'];
  jql: string;
  where: Rule['where'];
  heading: string;
  ownerAccountId?: string;
  ownerName?: string;
  isOwner: boolean;
  state: { status: Rule['state']['status']; reason?: PauseReason; message?: string; since?: string };
  log: DeliveryView[];
}

export interface ProjectAutomationsView {
  projectId: string;
  projectKey: string;
  enabled: boolean;
  /** The caller has a Microsoft 365 connection (needed to own a rule). */
  connected: boolean;
  rules: RuleView[];
  completedStatus?: StatusRef;
  statuses: StatusRef[];
}

export type SendResult = { outcome: 'sent' | 'failed' | 'skipped' | 'duplicate' | 'not_matching' | 'paused'; entry?: DeliveryEntry } | { outcome: 'retry'; afterSeconds: number; entry: DeliveryEntry };

const live = (accountId: string): Actor => ({ accountId, live: true });
const offline = (accountId: string): Actor => ({ accountId, live: false });

function entryView(e: DeliveryEntry): DeliveryView {
  return {
    id: e.id,
    at: e.at,
    ...(e.issueKey ? { issueKey: e.issueKey } : {}),
    outcome: e.outcome,
    ...(e.code ? { message: messageFor(e.code as AppErrorBody['code'], e.reason) } : {}),
    canResend: e.eventId !== 'test' && e.issueId !== undefined && e.change !== undefined,
  };
}

export function rulesService(d: RulesDeps) {
  const iso = () => d.now().toISOString();

  async function requireAdmin(accountId: string, projectId: string): Promise<Result<true>> {
    if (!JIRA_ID.test(projectId)) return failWith('BAD_REQUEST');
    if (!(await d.jira.isProjectAdmin(live(accountId), projectId))) return failWith('FORBIDDEN', 'not_project_admin');
    return ok(true);
  }

  async function requireRule(projectId: string, ruleId: unknown): Promise<Result<Rule>> {
    if (typeof ruleId !== 'string' || !RULE_ID.test(ruleId)) return failWith('NOT_FOUND', 'rule_not_found');
    const rule = await d.store.getRule(projectId, ruleId);
    return rule ? ok(rule) : failWith('NOT_FOUND', 'rule_not_found');
  }

  /** The trigger's filter follows the rules: the projects with an active rule, while the feature is on. */
  async function syncFilter(): Promise<void> {
    const on = await d.enabled();
    const projects = on ? [...new Set((await d.store.allRules()).filter((r) => r.state.status === 'active').map((r) => r.projectId))].sort() : [];
    const r = await d.jira.setActiveProjects(projects);
    if (!r.ok) throw new Error(`trigger filter not written: ${r.error.code}`);
  }

  async function ruleView(caller: string, rule: Rule, names: Map<string, string>): Promise<RuleView> {
    const log = await d.store.log(rule.id);
    const s = rule.state;
    return {
      id: rule.id,
      name: rule.name,
      when: rule.when,
      jql: rule.jql,
      where: rule.where,
      heading: rule.heading,
      ...(rule.ownerAccountId ? { ownerAccountId: rule.ownerAccountId } : {}),
      ...(rule.ownerAccountId && names.has(rule.ownerAccountId) ? { ownerName: names.get(rule.ownerAccountId) } : {}),
      isOwner: rule.ownerAccountId === caller,
      state: s.status === 'paused' ? { status: s.status, reason: s.reason, message: messageFor('FORBIDDEN', `rule_paused_${s.reason}`), since: s.since } : s.status === 'off' ? { status: s.status, since: s.since } : { status: s.status },
      log: log.map(entryView),
    };
  }

  async function view(caller: string, projectId: string): Promise<Result<ProjectAutomationsView>> {
    const admin = await requireAdmin(caller, projectId);
    if (!admin.ok) return admin;
    const project = await d.jira.project(live(caller), projectId);
    if (!project.ok) return project;
    const [enabled, connection, rules, mapping, statuses] = await Promise.all([
      d.enabled(),
      d.graph.connection(caller),
      d.store.rulesOfProject(projectId),
      d.store.getMapping(projectId),
      d.jira.statuses(live(caller), projectId),
    ]);
    const names = new Map<string, string>();
    for (const id of new Set(rules.map((r) => r.ownerAccountId).filter((x): x is string => x !== undefined))) {
      const n = await d.jira.displayName(live(caller), id);
      if (n) names.set(id, n);
    }
    const views = await Promise.all(rules.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((r) => ruleView(caller, r, names)));
    return ok({
      projectId,
      projectKey: project.value.key,
      enabled,
      connected: connection !== undefined,
      rules: views,
      ...(mapping?.completed ? { completedStatus: mapping.completed } : {}),
      statuses: statuses.ok ? statuses.value : [],
    });
  }

  async function checkJql(caller: string, jql: string): Promise<Result<void>> {
    return jql === '' ? ok(undefined) : d.jira.checkJql(live(caller), jql);
  }

  async function create(caller: string, projectId: string, payload: unknown): Promise<Result<ProjectAutomationsView>> {
    const admin = await requireAdmin(caller, projectId);
    if (!admin.ok) return admin;
    if (!(await d.enabled())) return failWith('FEATURE_OFF', 'feature_off:automations');
    const input = parseRuleInput(payload);
    if (!input.ok) return input;
    const connection = await d.graph.connection(caller);
    if (!connection) return failWith('MS_SIGN_IN_REQUIRED', 'owner_connect_first');
    if (!grants(connection.scopes, sendScope(input.value.where))) return failWith('MS_CONSENT_REQUIRED', 'automations_consent');
    const jql = await checkJql(caller, input.value.jql);
    if (!jql.ok) return jql;
    if ((await d.store.rulesOfProject(projectId)).length >= MAX_RULES_PER_PROJECT) return failWith('BAD_REQUEST', 'too_many_rules');
    const at = iso();
    const rule: Rule = { id: d.crypto.randomToken(12), projectId, ...input.value, ownerAccountId: caller, ownerMsUserId: connection.msUserId, state: { status: 'active' }, createdAt: at, updatedAt: at };
    await d.store.putRule(rule);
    await d.store.indexAccount(caller);
    await syncFilter();
    return view(caller, projectId);
  }

  async function update(caller: string, projectId: string, ruleId: unknown, payload: unknown): Promise<Result<ProjectAutomationsView>> {
    const admin = await requireAdmin(caller, projectId);
    if (!admin.ok) return admin;
    const rule = await requireRule(projectId, ruleId);
    if (!rule.ok) return rule;
    // Messages go out as the owner: nobody else may send them somewhere new in the owner's name.
    if (rule.value.ownerAccountId !== caller) return failWith('FORBIDDEN', 'not_rule_owner');
    const input = parseRuleInput(payload);
    if (!input.ok) return input;
    const jql = await checkJql(caller, input.value.jql);
    if (!jql.ok) return jql;
    await d.store.putRule({ ...rule.value, ...input.value, updatedAt: iso() });
    return view(caller, projectId);
  }

  async function remove(caller: string, projectId: string, ruleId: unknown): Promise<Result<ProjectAutomationsView>> {
    const admin = await requireAdmin(caller, projectId);
    if (!admin.ok) return admin;
    const rule = await requireRule(projectId, ruleId);
    if (!rule.ok) return rule;
    await d.store.deleteRule(projectId, rule.value.id);
    await syncFilter();
    return view(caller, projectId);
  }

  /** Switches a rule off or on again (on again: active; a paused rule's cause is checked at its next send). */
  async function setOn(caller: string, projectId: string, ruleId: unknown, on: boolean): Promise<Result<ProjectAutomationsView>> {
    const admin = await requireAdmin(caller, projectId);
    if (!admin.ok) return admin;
    const rule = await requireRule(projectId, ruleId);
    if (!rule.ok) return rule;
    if (on && !rule.value.ownerAccountId) return failWith('BAD_REQUEST', 'rule_paused_owner_left');
    await d.store.putRule({ ...rule.value, state: on ? { status: 'active' } : { status: 'off', since: iso() }, updatedAt: iso() });
    await syncFilter();
    return view(caller, projectId);
  }

  /** A project admin becomes the owner: messages go out as them from now on. */
  async function takeOver(caller: string, projectId: string, ruleId: unknown): Promise<Result<ProjectAutomationsView>> {
    const admin = await requireAdmin(caller, projectId);
    if (!admin.ok) return admin;
    const rule = await requireRule(projectId, ruleId);
    if (!rule.ok) return rule;
    const connection = await d.graph.connection(caller);
    if (!connection) return failWith('MS_SIGN_IN_REQUIRED', 'owner_connect_first');
    if (!grants(connection.scopes, sendScope(rule.value.where))) return failWith('MS_CONSENT_REQUIRED', 'automations_consent');
    await d.store.putRule({ ...rule.value, ownerAccountId: caller, ownerMsUserId: connection.msUserId, state: { status: 'active' }, updatedAt: iso() });
    await d.store.indexAccount(caller);
    await syncFilter();
    return view(caller, projectId);
  }

  async function setCompletedStatus(caller: string, projectId: string, status: unknown): Promise<Result<ProjectAutomationsView>> {
    const admin = await requireAdmin(caller, projectId);
    if (!admin.ok) return admin;
    let completed: StatusRef | undefined;
    if (status !== null && status !== undefined) {
      const s = status as { id?: unknown; name?: unknown };
      if (typeof s.id !== 'string' || !JIRA_ID.test(s.id) || typeof s.name !== 'string' || s.name.trim() === '' || s.name.length > 200) return failWith('BAD_REQUEST');
      completed = { id: s.id, name: s.name.trim() };
    }
    await d.store.putMapping({ projectId, ...(completed ? { completed } : {}), updatedAt: iso() });
    return view(caller, projectId);
  }

  async function pause(rule: Rule, reason: PauseReason): Promise<void> {
    const current = await d.store.getRule(rule.projectId, rule.id);
    if (current?.state.status !== 'active') return;
    await d.store.putRule({ ...current, state: { status: 'paused', reason, since: iso() }, updatedAt: iso() });
    await syncFilter();
  }

  /** Posts the message as the owner; failures come back as the error, pausing the rule where the owner must act. */
  async function post(rule: Rule, html: string): Promise<Result<{ id: string }>> {
    const owner = rule.ownerAccountId;
    if (!owner) return failWith('FORBIDDEN', 'rule_paused_owner_left');
    const w = rule.where;
    return w.kind === 'channel' ? d.graph.postToChannel(owner, w.teamId, w.channelId, html) : d.graph.postToChat(owner, w.chatId, html);
  }

  /** Why the owner cannot send at all right now (before asking Jira or Microsoft anything else). */
  async function ownerProblem(rule: Rule): Promise<PauseReason | undefined> {
    if (!rule.ownerAccountId) return 'owner_left';
    const c = await d.graph.connection(rule.ownerAccountId);
    if (!c) return 'owner_signed_out';
    if (rule.ownerMsUserId && c.msUserId !== rule.ownerMsUserId) return 'owner_other_account';
    return undefined;
  }

  /**
   * One rule, one Jira change. `entryId` names the log line (a retry rewrites it). Without `resend`
   * the change is claimed first, so a redelivered event or a second consumer finds it taken.
   */
  async function deliver(rule: Rule, event: JiraChange, opts: { entryId: string; attempt: number; resend?: boolean }): Promise<SendResult> {
    if (opts.attempt === 0 && !opts.resend && !(await d.store.claim(seenKey(rule.id, event.eventId), SEEN_TTL_SECONDS))) return { outcome: 'duplicate' };
    const base: DeliveryEntry = { id: opts.entryId, at: iso(), eventId: event.eventId, issueId: event.issueId, outcome: 'sent', change: event.change, ...(opts.resend ? { resend: true } : {}) };
    const record = async (entry: DeliveryEntry) => {
      await d.store.putLogEntry(rule.id, entry);
      return entry;
    };
    const problem = await ownerProblem(rule);
    if (problem) {
      await pause(rule, problem);
      return { outcome: 'paused', entry: await record({ ...base, outcome: 'failed', code: 'FORBIDDEN', reason: `rule_paused_${problem}` }) };
    }
    const owner = offline(rule.ownerAccountId as string);
    const match = await d.jira.matches(owner, event.issueId, issueJql(event.issueId, rule.jql));
    if (!match.ok) return retryOrFail(rule, base, match.error, opts.attempt, record);
    if (!match.value) return { outcome: 'not_matching' };
    const issue = await d.jira.issue(owner, event.issueId);
    if (!issue.ok) {
      // The owner cannot see the issue (any more): not a message for their channel.
      if (issue.error.code === 'NOT_FOUND' || issue.error.code === 'FORBIDDEN') return { outcome: 'not_matching' };
      return retryOrFail(rule, base, issue.error, opts.attempt, record);
    }
    const withKey = { ...base, issueKey: issue.value.key };
    if (rule.where.kind === 'channel' && opts.attempt === 0) {
      // Channel ids carry `@` and other characters storage keys may not hold: the pair is hashed.
      const count = await d.store.bump(`${d.crypto.sha256(`${rule.where.teamId}\n${rule.where.channelId}`).slice(0, 22)}:${capDay(d.now())}`, CAP_TTL_SECONDS);
      if (count > TEAMS_CHANNEL_DAILY_CAP - CAP_MARGIN) return { outcome: 'failed', entry: await record({ ...withKey, outcome: 'failed', code: 'THROTTLED', reason: 'daily_cap' }) };
    }
    const html = await render(owner, rule, event, issue.value);
    const sent = await post(rule, html);
    if (sent.ok) return { outcome: 'sent', entry: await record(withKey) };
    return retryOrFail(rule, withKey, sent.error, opts.attempt, record);
  }

  async function retryOrFail(rule: Rule, base: DeliveryEntry, error: AppErrorBody, attempt: number, record: (e: DeliveryEntry) => Promise<DeliveryEntry>): Promise<SendResult> {
    const verdict = onSendFailure(error, attempt);
    if (verdict.action === 'pause') {
      await pause(rule, verdict.reason);
      return { outcome: 'paused', entry: await record({ ...base, outcome: 'failed', code: 'FORBIDDEN', reason: `rule_paused_${verdict.reason}` }) };
    }
    if (verdict.action === 'retry') {
      const entry = await record({ ...base, outcome: 'retrying', code: error.code, ...(error.reason ? { reason: error.reason } : {}) });
      return { outcome: 'retry', afterSeconds: verdict.afterSeconds, entry };
    }
    const words = verdict.reason ? { code: 'THROTTLED', reason: verdict.reason } : attempt > 0 ? { code: 'MS_UNAVAILABLE', reason: 'send_gave_up' } : { code: error.code, ...(error.reason ? { reason: error.reason } : {}) };
    return { outcome: 'failed', entry: await record({ ...base, outcome: 'failed', ...words }) };
  }

  async function render(owner: Actor, rule: Rule, event: JiraChange, issue: { key: string; summary: string; url: string; status?: StatusRef; priority?: { id: string; name: string }; assignee?: { accountId: string; displayName: string } | null }): Promise<string> {
    const items = event.change.items;
    const status = items.find((i) => i.field === 'status');
    const priority = items.find((i) => i.field === 'priority');
    const assignee = items.find((i) => i.field === 'assignee');
    // Names of what the change set, as Jira shows it now (read as the owner); a later change wins.
    const names: { status?: string; priority?: string; assignee?: string | null } = {};
    if (status?.to && issue.status?.id === status.to) names.status = issue.status.name;
    else if (status?.to) {
      // The issue moved on since: the status the change set is named from the project's statuses.
      const all = await d.jira.statuses(owner, event.projectId);
      const hit = all.ok ? all.value.find((s) => s.id === status.to) : undefined;
      if (hit) names.status = hit.name;
    }
    if (priority?.to && issue.priority?.id === priority.to) names.priority = issue.priority.name;
    if (assignee) {
      if (assignee.to === undefined) names.assignee = null;
      else {
        const n = issue.assignee?.accountId === assignee.to ? issue.assignee.displayName : await d.jira.displayName(owner, assignee.to);
        if (n) names.assignee = n;
      }
    }
    const actor = event.change.actorAccountId ? await d.jira.displayName(owner, event.change.actorAccountId) : undefined;
    return buildMessage({ heading: rule.heading, issueKey: issue.key, summary: issue.summary, url: issue.url, ...(actor ? { actorName: actor } : {}), change: event.change, names });
  }

  const newEntryId = () => entryIdAt(d.now(), d.crypto.randomToken(6));

  /**
   * The consumer's job for one Jira change: every active rule of the project whose *when* covers it.
   * Sends happen here, in one invocation; a throttled rule gets its own delayed job.
   */
  async function onJiraEvent(event: JiraChange): Promise<{ sent: number; retries: number }> {
    if (!(await d.enabled())) return { sent: 0, retries: 0 };
    const rules = (await d.store.rulesOfProject(event.projectId)).filter((r) => r.state.status === 'active' && whenMatches(r, event.change));
    let sent = 0;
    const later: Array<{ job: Job; delay: number }> = [];
    for (const rule of rules) {
      const entryId = newEntryId();
      const r = await deliver(rule, event, { entryId, attempt: 0 });
      if (r.outcome === 'sent') sent++;
      if (r.outcome === 'retry') later.push({ job: { kind: 'send', projectId: rule.projectId, ruleId: rule.id, event, entryId, attempt: 1 }, delay: r.afterSeconds });
    }
    for (const { job, delay } of later) await d.queue.push([job], { delaySeconds: Math.min(MAX_DELAY_SECONDS, delay) });
    return { sent, retries: later.length };
  }

  /** A delayed retry of one rule's message. */
  async function onSendJob(job: Extract<Job, { kind: 'send' }>): Promise<SendResult> {
    if (!(await d.enabled())) return { outcome: 'skipped' };
    const rule = await d.store.getRule(job.projectId, job.ruleId);
    if (rule?.state.status !== 'active') return { outcome: 'skipped' };
    const r = await deliver(rule, job.event, { entryId: job.entryId, attempt: job.attempt });
    if (r.outcome === 'retry') await d.queue.push([{ ...job, attempt: job.attempt + 1 }], { delaySeconds: r.afterSeconds });
    return r;
  }

  /** Resend from the log: the same change, the message built again from what Jira says now. */
  async function resend(caller: string, projectId: string, ruleId: unknown, entryId: unknown): Promise<Result<ProjectAutomationsView>> {
    const admin = await requireAdmin(caller, projectId);
    if (!admin.ok) return admin;
    const rule = await requireRule(projectId, ruleId);
    if (!rule.ok) return rule;
    if (rule.value.state.status === 'paused') return failWith('FORBIDDEN', `rule_paused_${rule.value.state.reason}`);
    const entry = (await d.store.log(rule.value.id)).find((e) => e.id === entryId);
    if (!entry?.issueId || !entry.change || entry.eventId === 'test') return failWith('NOT_FOUND', 'log_entry_not_found');
    const event: JiraChange = { eventId: entry.eventId, issueId: entry.issueId, projectId, change: entry.change, at: iso() };
    const r = await deliver(rule.value, event, { entryId: newEntryId(), attempt: 0, resend: true });
    if (r.outcome === 'retry') await d.queue.push([{ kind: 'send', projectId, ruleId: rule.value.id, event, entryId: r.entry.id, attempt: 1 }], { delaySeconds: r.afterSeconds });
    if (r.outcome === 'not_matching') return fail('BAD_REQUEST', 'Not sent: the issue no longer matches the rule, or its owner may not see it.');
    return view(caller, projectId);
  }

  /** "Send test message": the owner (only) posts a fixed line to the rule's target right away. */
  async function test(caller: string, projectId: string, ruleId: unknown): Promise<Result<ProjectAutomationsView>> {
    const admin = await requireAdmin(caller, projectId);
    if (!admin.ok) return admin;
    const rule = await requireRule(projectId, ruleId);
    if (!rule.ok) return rule;
    if (rule.value.ownerAccountId !== caller) return failWith('FORBIDDEN', 'not_rule_owner');
    const project = await d.jira.project(live(caller), projectId);
    if (!project.ok) return project;
    const problem = await ownerProblem(rule.value);
    if (problem) return failWith('FORBIDDEN', `rule_paused_${problem}`);
    const html = `<p><b>Test message</b> from the Jira automation “${escapeHtml(rule.value.name)}” in project ${escapeHtml(project.value.key)}. Messages for matching issues will look like the next ones here.</p>`;
    const sent = await post(rule.value, html);
    const entry: DeliveryEntry = { id: newEntryId(), at: iso(), eventId: 'test', outcome: sent.ok ? 'sent' : 'failed', ...(sent.ok ? {} : { code: sent.error.code, ...(sent.error.reason ? { reason: sent.error.reason } : {}) }) };
    await d.store.putLogEntry(rule.value.id, entry);
    if (!sent.ok) {
      const verdict = onSendFailure(sent.error, 0);
      if (verdict.action === 'pause') return failWith('FORBIDDEN', `rule_paused_${verdict.reason}`);
      return sent;
    }
    if (rule.value.state.status === 'paused') await d.store.putRule({ ...rule.value, state: { status: 'active' }, updatedAt: iso() });
    if (rule.value.state.status === 'paused') await syncFilter();
    return view(caller, projectId);
  }

  return { view, create, update, remove, setOn, takeOver, setCompletedStatus, test, resend, onJiraEvent, onSendJob, deliver, syncFilter };
}

export type RulesService = ReturnType<typeof rulesService>;
