/**
 * Automations as a project admin defines them, and the small records they leave behind: rules
 * (*when* / *which issues* / *where* / *what*), each rule's delivery log, the project's status
 * mapping for completed To Do tasks, and To Do ↔ issue links. Ids, names of configuration items
 * (a status, a channel) and outcomes only: no issue text, no message text, no task text is stored.
 * Input from a browser is validated strictly; stored records are read tolerantly (a damaged record
 * is skipped, never acted on).
 */
import { isRecord, own } from '../guards';
import { fail, ok, type Result } from '../result';

/** What in Jira sets a rule off. */
export type WhenKind = 'created' | 'transitioned' | 'commented' | 'assigned' | 'priority';
export const WHEN_KINDS: readonly WhenKind[] = ['created', 'transitioned', 'commented', 'assigned', 'priority'];

export interface StatusRef {
  id: string;
  name: string;
}

export interface RuleWhen {
  events: WhenKind[];
  /** With `transitioned`: only moves into one of these statuses (empty: any move). */
  toStatuses: StatusRef[];
}

/** A Teams channel or chat, with the names the owner's picker showed (configuration, shown back on the page). */
export type RuleWhere =
  | { kind: 'channel'; teamId: string; channelId: string; teamName: string; channelName: string }
  | { kind: 'chat'; chatId: string; chatName: string };

/** Why a rule stopped sending; each has its words in messages.ts (`rule_paused_<reason>`). */
export type PauseReason = 'owner_signed_out' | 'owner_other_account' | 'owner_not_member' | 'owner_consent' | 'target_gone' | 'owner_left';
export const PAUSE_REASONS: readonly PauseReason[] = ['owner_signed_out', 'owner_other_account', 'owner_not_member', 'owner_consent', 'target_gone', 'owner_left'];

export type RuleState = { status: 'active' } | { status: 'paused'; reason: PauseReason; since: string } | { status: 'off'; since: string };

export interface Rule {
  id: string;
  projectId: string;
  name: string;
  when: RuleWhen;
  /** JQL the issue must also match (asked of Jira as the owner); empty: every issue of the project. */
  jql: string;
  where: RuleWhere;
  /** An optional first line the admin chose; the rest of the message is built at send time. */
  heading: string;
  /** Messages go out as this person's Microsoft 365 account; absent once their Atlassian account closed. */
  ownerAccountId?: string;
  /** The Microsoft account the owner picked the target with: another account later pauses the rule. */
  ownerMsUserId?: string;
  state: RuleState;
  createdAt: string;
  updatedAt: string;
}

export type RuleInput = Pick<Rule, 'name' | 'when' | 'jql' | 'where' | 'heading'>;

export const MAX_RULES_PER_PROJECT = 25;
export const MAX_LOG_ENTRIES = 50;
const MAX_NAME = 80;
const MAX_HEADING = 120;
const MAX_JQL = 1000;
const MAX_LABEL = 200;
const MAX_STATUSES = 10;

/** Jira ids are digits; Graph ids are opaque but bounded and printable (no control characters). */
export const JIRA_ID = /^\d{1,18}$/;
export const ISSUE_KEY = /^[A-Z][A-Z0-9_]{0,19}-\d{1,10}$/;
export const GRAPH_ID = /^[\x21-\x7e]{1,400}$/;
export const RULE_ID = /^[A-Za-z0-9_-]{8,40}$/;
export const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;

const str = (o: Record<string, unknown>, k: string): string | undefined => {
  const v = own(o, k);
  return typeof v === 'string' ? v : undefined;
};
const label = (v: unknown, max = MAX_LABEL): string | undefined => (typeof v === 'string' && v.trim() !== '' && v.length <= max && !/[\u0000-\u001f]/.test(v) ? v.trim() : undefined);

function parseStatuses(v: unknown): StatusRef[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > MAX_STATUSES) return undefined;
  const out: StatusRef[] = [];
  for (const s of v) {
    if (!isRecord(s)) return undefined;
    const id = str(s, 'id');
    const name = label(own(s, 'name'));
    if (!id || !JIRA_ID.test(id) || !name) return undefined;
    if (!out.some((x) => x.id === id)) out.push({ id, name });
  }
  return out;
}

function parseWhen(v: unknown): RuleWhen | undefined {
  if (!isRecord(v)) return undefined;
  const events = own(v, 'events');
  if (!Array.isArray(events) || events.length === 0 || events.length > WHEN_KINDS.length) return undefined;
  if (!events.every((e): e is WhenKind => typeof e === 'string' && (WHEN_KINDS as readonly string[]).includes(e))) return undefined;
  const toStatuses = parseStatuses(own(v, 'toStatuses'));
  if (!toStatuses) return undefined;
  const unique = WHEN_KINDS.filter((k) => events.includes(k));
  return { events: unique, toStatuses: unique.includes('transitioned') ? toStatuses : [] };
}

function parseWhere(v: unknown): RuleWhere | undefined {
  if (!isRecord(v)) return undefined;
  const kind = own(v, 'kind');
  if (kind === 'channel') {
    const teamId = str(v, 'teamId');
    const channelId = str(v, 'channelId');
    const teamName = label(own(v, 'teamName'));
    const channelName = label(own(v, 'channelName'));
    if (!teamId || !GRAPH_ID.test(teamId) || !channelId || !GRAPH_ID.test(channelId) || !teamName || !channelName) return undefined;
    return { kind, teamId, channelId, teamName, channelName };
  }
  if (kind === 'chat') {
    const chatId = str(v, 'chatId');
    const chatName = label(own(v, 'chatName'));
    if (!chatId || !GRAPH_ID.test(chatId) || !chatName) return undefined;
    return { kind, chatId, chatName };
  }
  return undefined;
}

/** Validates what the settings page sends; any unknown or malformed part refuses the whole save. */
export function parseRuleInput(v: unknown): Result<RuleInput> {
  if (!isRecord(v)) return fail('BAD_REQUEST', 'The rule is incomplete. Reload the page and try again.');
  const allowed = new Set(['name', 'when', 'jql', 'where', 'heading']);
  if (Object.keys(v).some((k) => !allowed.has(k))) return fail('BAD_REQUEST', 'The rule has parts this version does not know. Reload the page and try again.');
  const name = label(own(v, 'name'), MAX_NAME);
  if (!name) return fail('BAD_REQUEST', `Give the rule a name (at most ${String(MAX_NAME)} characters).`, { reason: 'rule_name' });
  const when = parseWhen(own(v, 'when'));
  if (!when) return fail('BAD_REQUEST', 'Choose at least one thing that sends a message (and at most 10 statuses).', { reason: 'rule_when' });
  const jqlRaw = own(v, 'jql') ?? '';
  if (typeof jqlRaw !== 'string' || jqlRaw.length > MAX_JQL || /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(jqlRaw)) return fail('BAD_REQUEST', `The JQL is too long (at most ${String(MAX_JQL)} characters).`, { reason: 'rule_jql' });
  if (/\border\s+by\b/i.test(jqlRaw)) return fail('BAD_REQUEST', 'Leave out ORDER BY: the rule only asks whether an issue matches.', { reason: 'rule_jql' });
  const where = parseWhere(own(v, 'where'));
  if (!where) return fail('BAD_REQUEST', 'Pick the Teams channel or chat the messages go to.', { reason: 'rule_where' });
  const headingRaw = own(v, 'heading') ?? '';
  if (typeof headingRaw !== 'string' || headingRaw.length > MAX_HEADING || /[\u0000-\u001f]/.test(headingRaw)) return fail('BAD_REQUEST', `The first line is too long (at most ${String(MAX_HEADING)} characters, one line).`, { reason: 'rule_heading' });
  return ok({ name, when, jql: jqlRaw.trim(), where, heading: headingRaw.trim() });
}

function readState(v: unknown): RuleState | undefined {
  if (!isRecord(v)) return undefined;
  const status = own(v, 'status');
  if (status === 'active') return { status };
  const since = str(v, 'since') ?? '';
  if (status === 'off') return { status, since };
  const reason = own(v, 'reason');
  if (status === 'paused' && typeof reason === 'string' && (PAUSE_REASONS as readonly string[]).includes(reason)) return { status, reason: reason as PauseReason, since };
  return undefined;
}

/** A stored rule, or undefined when it is damaged (it is then never sent). */
export function readRule(v: unknown): Rule | undefined {
  if (!isRecord(v)) return undefined;
  const id = str(v, 'id');
  const projectId = str(v, 'projectId');
  const input = parseRuleInput({ name: own(v, 'name'), when: own(v, 'when'), jql: own(v, 'jql'), where: own(v, 'where'), heading: own(v, 'heading') });
  const state = readState(own(v, 'state'));
  const owner = str(v, 'ownerAccountId');
  const msUser = str(v, 'ownerMsUserId');
  if (!id || !RULE_ID.test(id) || !projectId || !JIRA_ID.test(projectId) || !input.ok || !state) return undefined;
  if (owner !== undefined && !ACCOUNT_ID.test(owner)) return undefined;
  return {
    id,
    projectId,
    ...input.value,
    ...(owner ? { ownerAccountId: owner } : {}),
    ...(msUser ? { ownerMsUserId: msUser } : {}),
    state,
    createdAt: str(v, 'createdAt') ?? '',
    updatedAt: str(v, 'updatedAt') ?? '',
  };
}

/** One line of a rule's delivery log: ids and outcomes only (the words are looked up when shown). */
export interface DeliveryEntry {
  id: string;
  at: string;
  /** The Jira change it was about (`u:<changelog id>`, `c:<issue id>`, `m:<comment id>`), or `test`. */
  eventId: string;
  issueId?: string;
  issueKey?: string;
  outcome: 'sent' | 'failed' | 'retrying' | 'skipped';
  code?: string;
  reason?: string;
  /** The Jira change as ids, so Resend can build the message again. */
  change?: ChangeRef;
  resend?: boolean;
}

/** What changed, as ids (names are looked up when a message is built). */
export interface ChangeRef {
  kind: 'created' | 'updated' | 'commented' | 'test';
  actorAccountId?: string;
  items: ChangeItemRef[];
}

export interface ChangeItemRef {
  field: 'status' | 'assignee' | 'priority';
  from?: string;
  to?: string;
}

export function readLog(v: unknown): DeliveryEntry[] {
  if (!Array.isArray(v)) return [];
  return v.filter((e): e is DeliveryEntry => isRecord(e) && typeof e.id === 'string' && typeof e.at === 'string' && typeof e.eventId === 'string' && typeof e.outcome === 'string').slice(0, MAX_LOG_ENTRIES);
}

/** Newest first, at most 50; an entry with the same id replaces the older one (a retry that succeeded). */
export function appendLog(log: DeliveryEntry[], entry: DeliveryEntry): DeliveryEntry[] {
  return [entry, ...log.filter((e) => e.id !== entry.id)].slice(0, MAX_LOG_ENTRIES);
}

/** The project's mapping for completed To Do tasks: which status the issue moves to. */
export interface StatusMapping {
  projectId: string;
  completed?: StatusRef;
  updatedAt: string;
}

export function readMapping(v: unknown): StatusMapping | undefined {
  if (!isRecord(v)) return undefined;
  const projectId = str(v, 'projectId');
  if (!projectId || !JIRA_ID.test(projectId)) return undefined;
  const c = own(v, 'completed');
  const completed = parseStatuses(c === undefined ? undefined : [c]);
  return { projectId, ...(completed?.[0] ? { completed: completed[0] } : {}), updatedAt: str(v, 'updatedAt') ?? '' };
}

/** What happened the last time a linked task changed; shown in the issue panel. */
export interface LinkOutcome {
  at: string;
  outcome: 'transitioned' | 'already' | 'not_allowed' | 'no_mapping' | 'no_transition' | 'failed' | 'task_gone' | 'signed_out' | 'open';
  /** The status it moved to (a configuration name), when it moved. */
  status?: string;
  code?: string;
  reason?: string;
}

/** A To Do task linked to a Jira issue by one person (the task is read as them). */
export interface TodoLink {
  linkId: string;
  accountId: string;
  msUserId: string;
  issueId: string;
  projectId: string;
  listId: string;
  taskId: string;
  /** Our subscription record for (person, list). */
  subId: string;
  createdAt: string;
  /** The completion already acted on (Graph's `completedDateTime.dateTime`): replays do nothing. */
  handledCompletion?: string;
  last?: LinkOutcome;
}

export function readLink(v: unknown): TodoLink | undefined {
  if (!isRecord(v)) return undefined;
  const f = (k: string) => str(v, k);
  const linkId = f('linkId');
  const accountId = f('accountId');
  const msUserId = f('msUserId');
  const issueId = f('issueId');
  const projectId = f('projectId');
  const listId = f('listId');
  const taskId = f('taskId');
  const subId = f('subId');
  if (!linkId || !RULE_ID.test(linkId) || !accountId || !ACCOUNT_ID.test(accountId) || !msUserId || !issueId || !JIRA_ID.test(issueId) || !projectId || !JIRA_ID.test(projectId)) return undefined;
  if (!listId || !GRAPH_ID.test(listId) || !taskId || !GRAPH_ID.test(taskId) || !subId || !RULE_ID.test(subId)) return undefined;
  const last = own(v, 'last');
  return {
    linkId,
    accountId,
    msUserId,
    issueId,
    projectId,
    listId,
    taskId,
    subId,
    createdAt: f('createdAt') ?? '',
    ...(f('handledCompletion') ? { handledCompletion: f('handledCompletion') } : {}),
    ...(isRecord(last) && typeof last.at === 'string' && typeof last.outcome === 'string' ? { last: last as unknown as LinkOutcome } : {}),
  };
}

/** A Graph change-notification subscription on one person's To Do list. */
export interface TodoSubscription {
  subId: string;
  accountId: string;
  msUserId: string;
  listId: string;
  /** Rides in the notification URL with `subId`; a new one for every Graph subscription made. */
  nonce: string;
  /** Graph's id, once Graph created it. */
  graphId?: string;
  /** ISO time Graph will end it unless renewed. */
  expiresAt: string;
  status: 'pending' | 'active' | 'failed';
  createdAt: string;
  renewedAt?: string;
  /** Why the last create or renew failed (an error code and reason; words looked up when shown). */
  problem?: { code: string; reason?: string; at: string };
}

export function readSubscription(v: unknown): TodoSubscription | undefined {
  if (!isRecord(v)) return undefined;
  const subId = str(v, 'subId');
  const accountId = str(v, 'accountId');
  const msUserId = str(v, 'msUserId');
  const listId = str(v, 'listId');
  const nonce = str(v, 'nonce');
  const expiresAt = str(v, 'expiresAt');
  const status = own(v, 'status');
  if (!subId || !RULE_ID.test(subId) || !accountId || !msUserId || !listId || !nonce || !expiresAt || (status !== 'pending' && status !== 'active' && status !== 'failed')) return undefined;
  const graphId = str(v, 'graphId');
  const problem = own(v, 'problem');
  return {
    subId,
    accountId,
    msUserId,
    listId,
    nonce,
    ...(graphId ? { graphId } : {}),
    expiresAt,
    status,
    createdAt: str(v, 'createdAt') ?? '',
    ...(str(v, 'renewedAt') ? { renewedAt: str(v, 'renewedAt') } : {}),
    ...(isRecord(problem) && typeof problem.code === 'string' ? { problem: problem as TodoSubscription['problem'] & object } : {}),
  };
}

/** Whether a connection's granted scopes (short or `https://graph.microsoft.com/…` form) include `scope`. */
export const grants = (scopes: readonly string[], scope: string): boolean => scopes.some((s) => (s.split('/').pop() ?? '').toLowerCase() === scope.toLowerCase());

/** The delegated permission a rule's owner needs to post where it sends (Graph: channel-post-messages, chat-post-messages). */
export const sendScope = (where: RuleWhere): string => (where.kind === 'channel' ? 'ChannelMessage.Send' : 'ChatMessage.Send');
