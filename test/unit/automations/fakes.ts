import { failWith, fail, ok, type Result } from '../../../src/core/result';
import { createHmac } from 'node:crypto';
import { nodeCrypto } from '../../../src/adapters/node/crypto';
import {
  automationsService,
  readLink,
  readRule,
  readSubscription,
  type Actor,
  type AutomationStore,
  type DeliveryEntry,
  type GraphPort,
  type IssueFacts,
  type Job,
  type JiraPort,
  type Rule,
  type StatusMapping,
  type TodoLink,
  type TodoSubscription,
  type TodoTask,
  type Transition,
} from '../../../src/core/automations';

export const hmac = (key: string, text: string): string => createHmac('sha256', key).update(text).digest('base64url');

export const ALICE = '557058:a11ce000-0000-4000-8000-000000000001';
export const BOB = '557058:b0b00000-0000-4000-8000-000000000002';
export const CAROL = '557058:ca401000-0000-4000-8000-000000000003';
export const MS = { [ALICE]: 'ms-alice', [BOB]: 'ms-bob', [CAROL]: 'ms-carol' } as Record<string, string>;
export const PROJECT = '10000';
export const OTHER_PROJECT = '10001';
export const STATUS = { todo: { id: '10000', name: 'To Do' }, progress: { id: '3', name: 'In Progress' }, done: { id: '10001', name: 'Done' } };

/** An in-memory store with the KVS semantics that matter: claims are atomic, values are copies. */
export function memoryStore() {
  const rules = new Map<string, Rule>();
  const logs = new Map<string, DeliveryEntry[]>();
  const claims = new Set<string>();
  const counters = new Map<string, number>();
  const mappings = new Map<string, StatusMapping>();
  const links = new Map<string, TodoLink>();
  const subs = new Map<string, TodoSubscription>();
  const key = { value: 'k'.repeat(43), rotations: 0 };
  const indexed = new Set<string>();
  const copy = <T>(v: T): T => structuredClone(v);
  const store: AutomationStore = {
    rulesOfProject: async (p) => [...rules.values()].filter((r) => r.projectId === p).map((r) => readRule(copy(r))).filter((r): r is Rule => r !== undefined),
    allRules: async () => [...rules.values()].map(copy),
    getRule: async (p, id) => {
      const r = rules.get(id);
      return r && r.projectId === p ? readRule(copy(r)) : undefined;
    },
    putRule: async (r) => void rules.set(r.id, copy(r)),
    deleteRule: async (_p, id) => {
      rules.delete(id);
      logs.delete(id);
    },
    log: async (id) => copy(logs.get(id) ?? []).sort((a, b) => a.id.localeCompare(b.id)),
    putLogEntry: async (id, e) => {
      const list = (logs.get(id) ?? []).filter((x) => x.id !== e.id);
      list.push(copy(e));
      list.sort((a, b) => a.id.localeCompare(b.id));
      logs.set(id, list.slice(0, 50));
    },
    claim: async (key) => {
      if (claims.has(key)) return false;
      claims.add(key);
      return true;
    },
    bump: async (key) => {
      const n = (counters.get(key) ?? 0) + 1;
      counters.set(key, n);
      return n;
    },
    getMapping: async (p) => copy(mappings.get(p)),
    putMapping: async (m) => void mappings.set(m.projectId, copy(m)),
    allLinks: async () => [...links.values()].map(copy),
    linksOfAccount: async (a) => [...links.values()].filter((l) => l.accountId === a).map(copy),
    linksOfIssue: async (i) => [...links.values()].filter((l) => l.issueId === i).map(copy),
    getLink: async (a, id) => {
      const l = links.get(id);
      return l && l.accountId === a ? readLink(copy(l)) : undefined;
    },
    putLink: async (l) => void links.set(l.linkId, copy(l)),
    deleteLink: async (l) => void links.delete(l.linkId),
    getSubscription: async (id) => readSubscription(copy(subs.get(id))),
    allSubscriptions: async () => [...subs.values()].map(copy),
    putSubscription: async (s) => void subs.set(s.subId, copy(s)),
    deleteSubscription: async (id) => void subs.delete(id),
    notificationKey: async (o) => {
      if (o?.rotate) {
        key.rotations++;
        key.value = `${String(key.rotations)}${'k'.repeat(42)}`;
      }
      return key.value;
    },
    indexAccount: async (a) => void indexed.add(a),
  };
  return { store, rules, logs, claims, counters, mappings, links, subs, key, indexed };
}

interface FakeIssue {
  id: string;
  key: string;
  projectId: string;
  summary: string;
  status: { id: string; name: string };
  assignee?: string;
  priority?: { id: string; name: string };
  /** Who may see it (undefined: everyone). */
  visibleTo?: string[];
}

/** Jira as people see it: admins per project, who may transition, JQL that is a predicate here. */
export function fakeJira() {
  const issues = new Map<string, FakeIssue>();
  const admins = new Map<string, Set<string>>([[PROJECT, new Set([ALICE, CAROL])]]);
  const transitioners = new Set<string>([ALICE, CAROL]);
  const names: Record<string, string> = { [ALICE]: 'Alice Adams', [BOB]: 'Bob Brown', [CAROL]: 'Carol Clark' };
  const calls: Array<{ op: string; who?: Actor; args: unknown[] }> = [];
  let activeProjects: string[] = [];
  /** JQL → predicate; unknown JQL matches everything. */
  const jqlMatches = new Map<string, (i: FakeIssue) => boolean>();
  const sees = (who: Actor, i: FakeIssue) => !i.visibleTo || i.visibleTo.includes(who.accountId);
  issues.set('10001', { id: '10001', key: 'DEMO-1', projectId: PROJECT, summary: 'Fix the <b>login</b> page', status: STATUS.todo, priority: { id: '3', name: 'Medium' } });
  issues.set('10002', { id: '10002', key: 'DEMO-2', projectId: PROJECT, summary: 'Secret work', status: STATUS.todo, visibleTo: [CAROL] });

  const port: JiraPort = {
    isProjectAdmin: async (who, p) => admins.get(p)?.has(who.accountId) ?? false,
    project: async (_who, p) => (p === PROJECT ? ok({ id: PROJECT, key: 'DEMO', name: 'Demo' }) : failWith('NOT_FOUND')),
    matches: async (who, issueId, jql) => {
      calls.push({ op: 'matches', who, args: [issueId, jql] });
      const i = issues.get(issueId);
      if (!i || !sees(who, i)) return ok(false);
      const rest = jql.replace(`id = ${issueId}`, '').replace(/^ AND \((.*)\)$/, '$1');
      const pred = rest === '' ? undefined : jqlMatches.get(rest);
      return ok(pred ? pred(i) : true);
    },
    checkJql: async (_who, jql) => (jql.includes('nonsense') ? fail('BAD_REQUEST', "Field 'nonsense' does not exist or you do not have permission to view it.") : ok(undefined)),
    issue: async (who, id): Promise<Result<IssueFacts>> => {
      calls.push({ op: 'issue', who, args: [id] });
      const i = issues.get(id);
      if (!i || !sees(who, i)) return failWith('NOT_FOUND', 'issue_hidden');
      return ok({ id: i.id, key: i.key, projectId: i.projectId, summary: i.summary, url: `https://site.example/browse/${i.key}`, status: i.status, ...(i.priority ? { priority: i.priority } : {}), assignee: i.assignee ? { accountId: i.assignee, displayName: names[i.assignee] ?? '' } : null });
    },
    displayName: async (_who, id) => names[id],
    mayTransition: async (who, id) => {
      calls.push({ op: 'mayTransition', who, args: [id] });
      return ok(transitioners.has(who.accountId));
    },
    transitions: async (who, id): Promise<Result<Transition[]>> => {
      const i = issues.get(id);
      if (!i) return failWith('NOT_FOUND');
      return ok(transitioners.has(who.accountId) ? Object.values(STATUS).filter((s) => s.id !== i.status.id).map((s) => ({ id: `t${s.id}`, to: s })) : []);
    },
    transition: async (who, id, t) => {
      calls.push({ op: 'transition', who, args: [id, t] });
      const i = issues.get(id);
      const to = Object.values(STATUS).find((s) => `t${s.id}` === t);
      if (!i || !to || !transitioners.has(who.accountId)) return failWith('FORBIDDEN');
      i.status = to;
      return ok(undefined);
    },
    statuses: async () => ok(Object.values(STATUS)),
    setActiveProjects: async (p) => {
      activeProjects = [...p];
      return ok(undefined);
    },
  };
  return { port, issues, admins, transitioners, calls, jqlMatches, activeProjects: () => activeProjects };
}

const ALL_SCOPES = ['openid', 'https://graph.microsoft.com/ChannelMessage.Send', 'https://graph.microsoft.com/ChatMessage.Send', 'https://graph.microsoft.com/Tasks.ReadWrite'];

interface Post {
  as: string;
  target: string;
  html: string;
}

/** Graph as people: connections, channel membership, To Do tasks, subscriptions; failures on demand. */
export function fakeGraph() {
  const connections = new Map<string, string>(Object.entries(MS).filter(([a]) => a !== BOB));
  const members = new Map<string, Set<string>>([['team-1:channel-1', new Set([ALICE, CAROL])], ['chat-1', new Set([ALICE])]]);
  const posts: Post[] = [];
  const scopes = new Map<string, string[]>();
  const tasks = new Map<string, TodoTask & { owner: string; listId: string }>();
  const subscriptions = new Map<string, { id: string; owner: string; resource: string; clientState: string; notificationUrl: string; expirationDateTime: string }>();
  const failNext: Array<{ status: 'throttled' | 'forbidden' | 'unavailable' | 'gone'; retryAfterSeconds?: number }> = [];
  let subSeq = 0;
  const refuse = (): Result<never> | undefined => {
    const f = failNext.shift();
    if (!f) return undefined;
    if (f.status === 'throttled') return failWith('THROTTLED', undefined, { retryAfterSeconds: f.retryAfterSeconds ?? 5 });
    if (f.status === 'forbidden') return fail('FORBIDDEN', 'no', { reason: 'Forbidden' });
    if (f.status === 'gone') return fail('NOT_FOUND', 'gone', { reason: 'NotFound' });
    return fail('MS_UNAVAILABLE', 'down', { reason: 'http_500' });
  };
  const post = (as: string, target: string, html: string): Result<{ id: string }> => {
    if (!connections.has(as)) return failWith('MS_SIGN_IN_REQUIRED', 'not_connected');
    const r = refuse();
    if (r) return r;
    if (!members.get(target)?.has(as)) return fail('FORBIDDEN', 'not a member', { reason: 'Forbidden' });
    posts.push({ as, target, html });
    return ok({ id: String(posts.length) });
  };
  const port: GraphPort = {
    connection: async (a) => (connections.has(a) ? { msUserId: connections.get(a) as string, scopes: scopes.get(a) ?? ALL_SCOPES } : undefined),
    postToChannel: async (a, team, channel, html) => post(a, `${team}:${channel}`, html),
    postToChat: async (a, chat, html) => post(a, chat, html),
    getTask: async (a, listId, taskId) => {
      if (!connections.has(a)) return failWith('MS_SIGN_IN_REQUIRED', 'not_connected');
      const r = refuse();
      if (r) return r;
      const t = tasks.get(taskId);
      if (!t || t.owner !== a || t.listId !== listId) return failWith('NOT_FOUND');
      return ok({ id: t.id, status: t.status, ...(t.completedAt ? { completedAt: t.completedAt } : {}) });
    },
    createSubscription: async (a, input) => {
      if (!connections.has(a)) return failWith('MS_SIGN_IN_REQUIRED', 'not_connected');
      const r = refuse();
      if (r) return r;
      const id = `graph-sub-${++subSeq}`;
      subscriptions.set(id, { id, owner: a, resource: input.resource, clientState: input.clientState, notificationUrl: input.notificationUrl, expirationDateTime: input.expirationDateTime });
      return ok({ id, expirationDateTime: input.expirationDateTime });
    },
    renewSubscription: async (a, id, exp) => {
      const s = subscriptions.get(id);
      if (!s || s.owner !== a) return failWith('NOT_FOUND');
      s.expirationDateTime = exp;
      return ok({ id, expirationDateTime: exp });
    },
    deleteSubscription: async (_a, id) => {
      subscriptions.delete(id);
      return ok(undefined);
    },
  };
  return { port, connections, scopes, members, posts, tasks, subscriptions, failNext };
}

export function harness(opts: { enabled?: boolean; start?: string } = {}) {
  const mem = memoryStore();
  const jira = fakeJira();
  const graph = fakeGraph();
  const pushed: Array<{ job: Job; delaySeconds?: number }> = [];
  let now = new Date(opts.start ?? '2026-03-02T09:00:00Z');
  const state = { enabled: opts.enabled ?? true };
  const service = automationsService({
    store: mem.store,
    jira: jira.port,
    graph: graph.port,
    queue: {
      push: async (jobs, o) => {
        for (const job of jobs) pushed.push({ job, ...(o?.delaySeconds === undefined ? {} : { delaySeconds: o.delaySeconds }) });
      },
    },
    crypto: nodeCrypto,
    now: () => now,
    enabled: async () => state.enabled,
    notificationUrl: async (subId, nonce) => `https://webtrigger.example/x1/graph-notifications?s=${subId}&n=${nonce}`,
    hmac,
  });
  return {
    ...service,
    mem,
    jira,
    graph,
    pushed,
    state,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    now: () => now,
  };
}

export const channelRule = (over: Record<string, unknown> = {}) => ({
  name: 'Done to the team',
  when: { events: ['transitioned'], toStatuses: [STATUS.done] },
  jql: '',
  where: { kind: 'channel', teamId: 'team-1', channelId: 'channel-1', teamName: 'Phoenix', channelName: 'General' },
  heading: '',
  ...over,
});

export const updatedEvent = (changelogId: string, items: Array<{ field: string; from?: string; to?: string }>, issueId = '10001', actor = BOB) => ({
  eventType: 'avi:jira:updated:issue',
  issue: { id: issueId, key: 'DEMO-1', fields: { project: { id: PROJECT, key: 'DEMO' }, summary: 'not read from the event' } },
  atlassianId: actor,
  changelog: { id: changelogId, items: items.map((i) => ({ field: i.field, fieldId: i.field, from: i.from ?? null, to: i.to ?? null, fromString: 'x', toString: 'y' })) },
});
