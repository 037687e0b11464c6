/**
 * Jira's product events, reduced to what a rule decides on: which issue, which change (as ids), who
 * made it, and an id that names the change itself, so a redelivered event (Forge delivers at least
 * once) and a retried queue job are sent at most once per rule.
 */
import { isRecord, own } from '../guards';
import { ACCOUNT_ID, JIRA_ID, type ChangeItemRef, type ChangeRef, type Rule, type WhenKind } from './model';

/** A Jira change as the queue carries it: ids only, never the issue's or a comment's text. */
export interface JiraChange {
  /** `c:<issue id>` (created), `u:<changelog id>` (updated), `m:<comment id>` (commented). */
  eventId: string;
  issueId: string;
  projectId: string;
  change: ChangeRef;
  at: string;
}

/** The product events the automations trigger listens to (manifest.yml). */
export const JIRA_EVENT_TYPES = ['avi:jira:created:issue', 'avi:jira:updated:issue', 'avi:jira:commented:issue'] as const;

const FIELDS: Record<string, ChangeItemRef['field']> = { status: 'status', assignee: 'assignee', priority: 'priority' };

const idOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : undefined);

/**
 * Reads a Forge Jira event (`avi:jira:*:issue`). Anything else, or an event without the ids a rule
 * needs, is undefined: such an event cannot be matched, so it is dropped.
 */
export function readJiraEvent(event: unknown, now: () => Date = () => new Date()): JiraChange | undefined {
  if (!isRecord(event)) return undefined;
  const type = own(event, 'eventType');
  const issue = own(event, 'issue');
  if (!isRecord(issue)) return undefined;
  const issueId = idOf(own(issue, 'id'));
  const fields = own(issue, 'fields');
  const project = isRecord(fields) ? own(fields, 'project') : undefined;
  const projectId = isRecord(project) ? idOf(own(project, 'id')) : undefined;
  if (!issueId || !JIRA_ID.test(issueId) || !projectId || !JIRA_ID.test(projectId)) return undefined;
  const actor = own(event, 'atlassianId');
  const actorAccountId = typeof actor === 'string' && ACCOUNT_ID.test(actor) ? actor : undefined;
  const at = now().toISOString();
  const base = { issueId, projectId, at };
  if (type === 'avi:jira:created:issue') {
    return { ...base, eventId: `c:${issueId}`, change: { kind: 'created', ...(actorAccountId ? { actorAccountId } : {}), items: [] } };
  }
  if (type === 'avi:jira:commented:issue') {
    const comment = own(event, 'comment');
    const commentId = isRecord(comment) ? idOf(own(comment, 'id')) : undefined;
    if (!commentId || !JIRA_ID.test(commentId)) return undefined;
    return { ...base, eventId: `m:${commentId}`, change: { kind: 'commented', ...(actorAccountId ? { actorAccountId } : {}), items: [] } };
  }
  if (type === 'avi:jira:updated:issue') {
    const changelog = own(event, 'changelog');
    if (!isRecord(changelog)) return undefined;
    const changelogId = idOf(own(changelog, 'id'));
    const raw = own(changelog, 'items');
    if (!changelogId || !JIRA_ID.test(changelogId) || !Array.isArray(raw)) return undefined;
    const items: ChangeItemRef[] = [];
    for (const it of raw) {
      if (!isRecord(it)) continue;
      const name = own(it, 'fieldId') ?? own(it, 'field');
      const field = typeof name === 'string' && Object.hasOwn(FIELDS, name) ? FIELDS[name] : undefined;
      if (!field) continue;
      const from = idOf(own(it, 'from'));
      const to = idOf(own(it, 'to'));
      items.push({ field, ...(from ? { from } : {}), ...(to ? { to } : {}) });
    }
    return { ...base, eventId: `u:${changelogId}`, change: { kind: 'updated', ...(actorAccountId ? { actorAccountId } : {}), items } };
  }
  return undefined;
}

/** Which of the rule's *when* kinds the change is (a change can be several: moved and reassigned at once). */
export function kindsOf(change: ChangeRef): WhenKind[] {
  if (change.kind === 'created') return ['created'];
  if (change.kind === 'commented') return ['commented'];
  if (change.kind !== 'updated') return [];
  const out: WhenKind[] = [];
  if (change.items.some((i) => i.field === 'status')) out.push('transitioned');
  if (change.items.some((i) => i.field === 'assignee')) out.push('assigned');
  if (change.items.some((i) => i.field === 'priority')) out.push('priority');
  return out;
}

/** Whether the rule's *when* covers the change (its *which issues* JQL is asked of Jira separately). */
export function whenMatches(rule: Pick<Rule, 'when'>, change: ChangeRef): boolean {
  for (const kind of kindsOf(change)) {
    if (!rule.when.events.includes(kind)) continue;
    if (kind !== 'transitioned' || rule.when.toStatuses.length === 0) return true;
    const to = change.items.find((i) => i.field === 'status')?.to;
    if (to !== undefined && rule.when.toStatuses.some((s) => s.id === to)) return true;
  }
  return false;
}

/** The JQL asked of Jira for one issue: the rule's own, bounded to the issue (and kept in parentheses). */
export function issueJql(issueId: string, ruleJql: string): string {
  const own = ruleJql.trim();
  return own === '' ? `id = ${issueId}` : `id = ${issueId} AND (${own})`;
}

/** The key of "this rule already handled this change" (KVS key part). */
export const seenKey = (ruleId: string, eventId: string): string => `${ruleId}:${eventId.replace(/[^A-Za-z0-9:._-]/g, '_')}`;
