import { createHmac } from 'node:crypto';
import api, { route, webTrigger, type APIResponse } from '@forge/api';
import { Queue } from '@forge/events';
import { GRAPH_ID, JIRA_ID, type Actor, type GraphPort, type Job, type JiraPort, type QueuePort, type StatusRef, type TodoTask } from '../../core/automations';
import { isRecord, own } from '../../core/guards';
import { fail, failWith, ok, type Result } from '../../core/result';
import { graphPath } from '../graph';
import { forAccount, type AccountTokens } from '../graph/forge';
import type { GraphClient } from '../graph/client';
import { connectionStore } from './account-stores';

/** Manifest keys: the web trigger Graph notifies, the queue the consumer reads. */
export const NOTIFICATION_TRIGGER = 'graph-notifications';
export const AUTOMATIONS_QUEUE = 'automations';
/** The Forge app property the product-event trigger's filter reads (manifest.yml). */
export const FILTER_PROPERTY = 'm365-automations';
/** `@forge/events`: at most 50 events per push (RESEARCH §3.3). */
const MAX_PUSH = 50;

const JSON_HEADERS = { Accept: 'application/json' };

/**
 * Jira as a person: the caller of a resolver (`asUser()`), or, in the queue consumer, the person the
 * app acts for (`asUser(accountId)`: Forge's offline user impersonation, RFC-92; the events reference
 * names it for event handlers). Production needs impersonation allowed for the app's scopes.
 */
const as = (who: Actor) => (who.live ? api.asUser() : api.asUser(who.accountId));

async function body(res: APIResponse): Promise<unknown> {
  try {
    return (await res.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** Jira's own words from an error answer (`errorMessages`), cut short; never the request. */
async function jiraWords(res: APIResponse): Promise<string | undefined> {
  const b = await body(res);
  const list = isRecord(b) ? own(b, 'errorMessages') : undefined;
  const first = Array.isArray(list) ? list.find((x): x is string => typeof x === 'string') : undefined;
  return first?.slice(0, 300);
}

function unexpected(res: APIResponse, what: string): Result<never> {
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after'));
    return failWith('THROTTLED', 'jira_busy', Number.isFinite(after) && after > 0 ? { retryAfterSeconds: Math.ceil(after) } : {});
  }
  if (res.status === 401 || res.status === 403) return failWith('FORBIDDEN');
  if (res.status === 404) return failWith('NOT_FOUND', 'issue_hidden');
  return fail('INTERNAL', `Jira did not answer as expected (${what}: HTTP ${String(res.status)}).`);
}

const statusOf = (v: unknown): StatusRef | undefined => {
  if (!isRecord(v)) return undefined;
  const id = own(v, 'id');
  const name = own(v, 'name');
  return typeof id === 'string' && JIRA_ID.test(id) && typeof name === 'string' ? { id, name: name.slice(0, 200) } : undefined;
};

async function permission(who: Actor, query: string, key: string): Promise<Result<boolean>> {
  const res = await as(who).requestJira(route`/rest/api/3/mypermissions?${new URLSearchParams(`${query}&permissions=${key}`)}`, { headers: JSON_HEADERS });
  if (!res.ok) return res.status === 404 ? ok(false) : unexpected(res, 'GET mypermissions');
  const b = await body(res);
  const perms = isRecord(b) ? own(b, 'permissions') : undefined;
  const p = isRecord(perms) ? own(perms, key) : undefined;
  return ok(isRecord(p) && own(p, 'havePermission') === true);
}

export const automationJira: JiraPort = {
  async isProjectAdmin(who, projectId) {
    if (!JIRA_ID.test(projectId)) return false;
    const [project, site] = await Promise.all([permission(who, `projectId=${projectId}`, 'ADMINISTER_PROJECTS'), permission(who, '', 'ADMINISTER')]);
    return (project.ok && project.value) || (site.ok && site.value);
  },

  async project(who, projectIdOrKey) {
    const res = await as(who).requestJira(route`/rest/api/3/project/${projectIdOrKey}`, { headers: JSON_HEADERS });
    if (!res.ok) return unexpected(res, 'GET project');
    const b = await body(res);
    const id = isRecord(b) ? own(b, 'id') : undefined;
    const key = isRecord(b) ? own(b, 'key') : undefined;
    const name = isRecord(b) ? own(b, 'name') : undefined;
    if (typeof id !== 'string' || typeof key !== 'string') return fail('INTERNAL', 'Jira did not answer as expected (GET project).');
    return ok({ id, key, name: typeof name === 'string' ? name : key });
  },

  async matches(who, issueId, jql) {
    // reconcileIssues: the search reads its own writes for this issue (an event can outrun the index).
    const res = await as(who).requestJira(route`/rest/api/3/search/jql`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jql, fields: ['id'], maxResults: 1, reconcileIssues: [Number(issueId)] }),
    });
    if (res.status === 400) return fail('BAD_REQUEST', (await jiraWords(res)) ?? 'Jira did not accept the rule’s JQL.');
    if (!res.ok) return unexpected(res, 'POST search/jql');
    const b = await body(res);
    const issues = isRecord(b) ? own(b, 'issues') : undefined;
    return ok(Array.isArray(issues) && issues.some((i) => isRecord(i) && own(i, 'id') === issueId));
  },

  async checkJql(who, jql) {
    const res = await as(who).requestJira(route`/rest/api/3/jql/parse?validation=strict`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ queries: [jql] }),
    });
    if (!res.ok) return res.status === 400 ? fail('BAD_REQUEST', (await jiraWords(res)) ?? 'Jira did not accept the JQL.') : unexpected(res, 'POST jql/parse');
    const b = await body(res);
    const queries = isRecord(b) ? own(b, 'queries') : undefined;
    const first = Array.isArray(queries) ? (queries[0] as unknown) : undefined;
    const errors = isRecord(first) ? own(first, 'errors') : undefined;
    const words = Array.isArray(errors) ? errors.find((e): e is string => typeof e === 'string') : undefined;
    return words ? fail('BAD_REQUEST', words.slice(0, 300), { reason: 'rule_jql' }) : ok(undefined);
  },

  async issue(who, issueId) {
    if (!JIRA_ID.test(issueId)) return failWith('NOT_FOUND', 'issue_hidden');
    const res = await as(who).requestJira(route`/rest/api/3/issue/${issueId}?fields=summary,status,priority,assignee,project`, { headers: JSON_HEADERS });
    if (!res.ok) return unexpected(res, 'GET issue');
    const b = await body(res);
    if (!isRecord(b)) return fail('INTERNAL', 'Jira did not answer as expected (GET issue).');
    const f = own(b, 'fields');
    const fields = isRecord(f) ? f : {};
    const key = own(b, 'key');
    const self = own(b, 'self');
    const project = own(fields, 'project');
    const projectId = isRecord(project) ? own(project, 'id') : undefined;
    if (own(b, 'id') !== issueId || typeof key !== 'string' || typeof projectId !== 'string') return fail('INTERNAL', 'Jira did not answer as expected (GET issue).');
    const site = typeof self === 'string' ? self.replace(/\/rest\/api\/.*$/, '') : '';
    const priority = statusOf(own(fields, 'priority'));
    const a = own(fields, 'assignee');
    const assigneeId = isRecord(a) ? own(a, 'accountId') : undefined;
    const assigneeName = isRecord(a) ? own(a, 'displayName') : undefined;
    const summary = own(fields, 'summary');
    const status = statusOf(own(fields, 'status'));
    return ok({
      id: issueId,
      key,
      projectId,
      summary: typeof summary === 'string' ? summary : '',
      url: `${site}/browse/${encodeURIComponent(key)}`,
      ...(status ? { status } : {}),
      ...(priority ? { priority } : {}),
      assignee: typeof assigneeId === 'string' ? { accountId: assigneeId, displayName: typeof assigneeName === 'string' ? assigneeName : '' } : null,
    });
  },

  async displayName(who, accountId) {
    const res = await as(who).requestJira(route`/rest/api/3/user?accountId=${accountId}`, { headers: JSON_HEADERS });
    if (!res.ok) return undefined;
    const b = await body(res);
    const name = isRecord(b) ? own(b, 'displayName') : undefined;
    return typeof name === 'string' ? name.slice(0, 200) : undefined;
  },

  mayTransition: (who, issueId) => (JIRA_ID.test(issueId) ? permission(who, `issueId=${issueId}`, 'TRANSITION_ISSUES') : Promise.resolve(ok(false))),

  async transitions(who, issueId) {
    const res = await as(who).requestJira(route`/rest/api/3/issue/${issueId}/transitions`, { headers: JSON_HEADERS });
    if (!res.ok) return unexpected(res, 'GET transitions');
    const b = await body(res);
    const list = isRecord(b) ? own(b, 'transitions') : undefined;
    const out = [];
    for (const t of Array.isArray(list) ? list : []) {
      if (!isRecord(t)) continue;
      const id = own(t, 'id');
      const to = statusOf(own(t, 'to'));
      if (typeof id === 'string' && JIRA_ID.test(id) && to) out.push({ id, to });
    }
    return ok(out);
  },

  async transition(who, issueId, transitionId) {
    const res = await as(who).requestJira(route`/rest/api/3/issue/${issueId}/transitions`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ transition: { id: transitionId } }),
    });
    if (res.ok) return ok(undefined);
    if (res.status === 400) return fail('BAD_REQUEST', (await jiraWords(res)) ?? 'Jira refused the transition.', { reason: 'todo_no_transition' });
    return unexpected(res, 'POST transitions');
  },

  /**
   * The statuses a project's issues can move to. Jira's `GET /project/{id}/statuses` would name them per
   * issue type; the transitions of the project's first issue (and the status it is in) are the part of
   * that the local host also emulates, and enough to pick "Done" from.
   */
  async statuses(who, projectId) {
    const res = await as(who).requestJira(route`/rest/api/3/search/jql`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jql: `project = ${projectId} ORDER BY created DESC`, fields: ['status'], maxResults: 1 }),
    });
    if (!res.ok) return unexpected(res, 'POST search/jql');
    const b = await body(res);
    const issues = isRecord(b) ? own(b, 'issues') : undefined;
    const first = Array.isArray(issues) ? (issues[0] as unknown) : undefined;
    if (!isRecord(first) || typeof own(first, 'id') !== 'string') return ok([]);
    const f = own(first, 'fields');
    const current = isRecord(f) ? statusOf(own(f, 'status')) : undefined;
    const t = await automationJira.transitions(who, own(first, 'id') as string);
    const all = new Map<string, StatusRef>();
    if (current) all.set(current.id, current);
    if (t.ok) for (const x of t.value) all.set(x.to.id, x.to);
    return ok([...all.values()]);
  },

  async setActiveProjects(projectIds) {
    const path = route`/rest/forge/1/app/properties/${FILTER_PROPERTY}`;
    const res =
      projectIds.length === 0
        ? await api.asApp().requestJira(path, { method: 'DELETE', headers: JSON_HEADERS })
        : await api.asApp().requestJira(path, { method: 'PUT', headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' }, body: JSON.stringify({ projects: projectIds }) });
    if (res.ok || (projectIds.length === 0 && res.status === 404)) return ok(undefined);
    return unexpected(res, 'app property');
  },
};

const TASK_SELECT = ['id', 'status', 'completedDateTime'];

/** Where Graph clients for named people come from: the sign-in service for the registration in force (src/services.ts). */
export interface GraphAccounts {
  accounts: () => Promise<AccountTokens>;
  endpoints: { graphBaseUrl: string };
}

/** Graph as the named person, through their stored connection (`forAccount`): never as the app. */
export function automationGraph(s: GraphAccounts): GraphPort {
  const clients = new Map<string, GraphClient>();
  const graphAs = async (accountId: string): Promise<GraphClient> => {
    const known = clients.get(accountId);
    if (known) return known;
    const c = forAccount(await s.accounts(), accountId, { graphBaseUrl: s.endpoints.graphBaseUrl });
    clients.set(accountId, c);
    return c;
  };
  return {
    async connection(accountId) {
      const c = await connectionStore.get(accountId);
      return c ? { msUserId: c.user.oid, scopes: c.scopes } : undefined;
    },
    async postToChannel(accountId, teamId, channelId, html) {
      const r = await (await graphAs(accountId)).post<{ id?: unknown } | undefined>(graphPath`/teams/${teamId}/channels/${channelId}/messages`, { body: { contentType: 'html', content: html } });
      return r.ok ? ok({ id: typeof r.value?.id === 'string' ? r.value.id : '' }) : r;
    },
    async postToChat(accountId, chatId, html) {
      const r = await (await graphAs(accountId)).post<{ id?: unknown } | undefined>(graphPath`/chats/${chatId}/messages`, { body: { contentType: 'html', content: html } });
      return r.ok ? ok({ id: typeof r.value?.id === 'string' ? r.value.id : '' }) : r;
    },
    async getTask(accountId, listId, taskId): Promise<Result<TodoTask>> {
      if (!GRAPH_ID.test(listId) || !GRAPH_ID.test(taskId)) return failWith('NOT_FOUND');
      const r = await (await graphAs(accountId)).get<{ id?: unknown; status?: unknown; completedDateTime?: { dateTime?: unknown } | null } | undefined>(graphPath`/me/todo/lists/${listId}/tasks/${taskId}`, { select: TASK_SELECT });
      if (!r.ok) return r;
      const v = r.value;
      if (typeof v?.id !== 'string' || typeof v.status !== 'string') return fail('MS_UNAVAILABLE', 'Microsoft 365 answered with something the app does not understand.', { reason: 'bad_response' });
      const done = v.completedDateTime?.dateTime;
      return ok({ id: v.id, status: v.status, ...(typeof done === 'string' ? { completedAt: done } : {}) });
    },
    async createSubscription(accountId, input) {
      const r = await (await graphAs(accountId)).post<{ id?: unknown; expirationDateTime?: unknown } | undefined>('/subscriptions', input);
      if (!r.ok) return r;
      return typeof r.value?.id === 'string' ? ok({ id: r.value.id, expirationDateTime: typeof r.value.expirationDateTime === 'string' ? r.value.expirationDateTime : input.expirationDateTime }) : fail('MS_UNAVAILABLE', 'Microsoft 365 answered with something the app does not understand.', { reason: 'bad_response' });
    },
    async renewSubscription(accountId, graphId, expirationDateTime) {
      const r = await (await graphAs(accountId)).patch<{ expirationDateTime?: unknown } | undefined>(graphPath`/subscriptions/${graphId}`, { expirationDateTime });
      if (!r.ok) return r;
      return ok({ id: graphId, expirationDateTime: typeof r.value?.expirationDateTime === 'string' ? r.value.expirationDateTime : expirationDateTime });
    },
    async deleteSubscription(accountId, graphId) {
      try {
        const r = await (await graphAs(accountId)).delete(graphPath`/subscriptions/${graphId}`);
        return r.ok || r.error.code === 'NOT_FOUND' ? ok(undefined) : r;
      } catch {
        // No registration any more (MISCONFIGURED): nothing can be deleted at Microsoft; it lapses.
        return failWith('MISCONFIGURED');
      }
    },
  };
}

/** The async events queue the trigger and the web trigger push to, and retries are pushed back to. */
export const automationQueue: QueuePort = {
  async push(jobs: Job[], opts) {
    const queue = new Queue({ key: AUTOMATIONS_QUEUE });
    for (let i = 0; i < jobs.length; i += MAX_PUSH) {
      await queue.push(jobs.slice(i, i + MAX_PUSH).map((body) => ({ body, ...(opts?.delaySeconds ? { delayInSeconds: Math.min(900, Math.max(0, Math.round(opts.delaySeconds))) } : {}) })));
    }
  },
};

/** The web trigger's address for one subscription record; Graph echoes the query string on every POST. */
export const notificationUrl = async (subId: string, nonce: string): Promise<string> => `${await webTrigger.getUrl(NOTIFICATION_TRIGGER)}?${new URLSearchParams({ s: subId, n: nonce }).toString()}`;

/** HMAC-SHA256, base64url: the clientStates of To Do subscriptions (core/automations/notifications.ts). */
export const hmacSha256 = (key: string, text: string): string => createHmac('sha256', key).update(text).digest('base64url');
