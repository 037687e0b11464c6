import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FeedCrypto, FeedStore, FeedUrl, JiraPort, JiraResult, SearchIssue } from '../../../src/core/feeds';

/** In-memory storage with the same shape of keys the KVS adapter uses, so tests can look for leaks. */
export function memoryStore(): FeedStore & { dump(): Map<string, unknown> } {
  const kv = new Map<string, unknown>();
  const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
  const urlKey = (a: string, f: string) => `feed-url:${a}:${f}`;
  return {
    dump: () => kv,
    listFeeds: async () => [...kv].filter(([k]) => k.startsWith('feed:')).map(([, v]) => clone(v)),
    getFeed: async (id) => clone(kv.get(`feed:${id}`)),
    putFeed: async (id, v) => void kv.set(`feed:${id}`, clone(v)),
    deleteFeed: async (id) => {
      for (const k of [...kv.keys()]) if (k === `feed:${id}` || k.startsWith(`feed-state:${id}`) || k.startsWith(`feed-cache:${id}:`) || k === `feed-delta:${id}`) kv.delete(k);
      for (const [k, v] of [...kv]) if (k.startsWith('feed-url:') && (v as FeedUrl).feedId === id) {
        kv.delete(k);
        kv.delete(`feed-token:${(v as FeedUrl).tokenHash}`);
      }
    },
    getState: async (id) => clone(kv.get(`feed-state:${id}`)),
    putState: async (id, v) => void kv.set(`feed-state:${id}`, clone(v)),
    getChunks: async (id, gen, count) => Array.from({ length: count }, (_, i) => clone(kv.get(`feed-cache:${id}:${gen}:${i}`))),
    putChunk: async (id, gen, i, rows) => void kv.set(`feed-cache:${id}:${gen}:${i}`, clone(rows)),
    deleteChunks: async (id, gen, count) => {
      for (let i = 0; i < count; i++) kv.delete(`feed-cache:${id}:${gen}:${i}`);
    },
    getDelta: async (id) => clone(kv.get(`feed-delta:${id}`)),
    putDelta: async (id, v) => void kv.set(`feed-delta:${id}`, clone(v)),
    urlByTokenHash: async (hash) => {
      const ref = kv.get(`feed-token:${hash}`) as { accountId: string; feedId: string } | undefined;
      return ref ? clone(kv.get(urlKey(ref.accountId, ref.feedId)) as FeedUrl | undefined) : undefined;
    },
    getUrl: async (a, f) => clone(kv.get(urlKey(a, f)) as FeedUrl | undefined),
    putUrl: async (url, previous) => {
      if (previous && previous !== url.tokenHash) kv.delete(`feed-token:${previous}`);
      kv.set(`feed-token:${url.tokenHash}`, { accountId: url.accountId, feedId: url.feedId });
      kv.set(urlKey(url.accountId, url.feedId), clone(url));
    },
    deleteUrl: async (a, f) => {
      const u = kv.get(urlKey(a, f)) as FeedUrl | undefined;
      if (u) kv.delete(`feed-token:${u.tokenHash}`);
      kv.delete(urlKey(a, f));
    },
    listUrls: async ({ accountId, feedId }) => [...kv].filter(([k]) => k.startsWith('feed-url:')).map(([, v]) => clone(v as FeedUrl)).filter((u) => (!accountId || u.accountId === accountId) && (!feedId || u.feedId === feedId)),
    touchUrl: async (url, at) => {
      const u = kv.get(urlKey(url.accountId, url.feedId)) as FeedUrl | undefined;
      if (u) kv.set(urlKey(url.accountId, url.feedId), { ...u, lastUsedAt: at });
    },
    getMarks: async () => clone(kv.get('feed-marks')),
    putMarks: async (v) => void kv.set('feed-marks', clone(v)),
  };
}

export const nodeFeedCrypto = (): FeedCrypto & { compared: number } => {
  const c = {
    compared: 0,
    randomToken: (n: number) => randomBytes(n).toString('base64url'),
    sha256: (t: string) => createHash('sha256').update(t).digest('base64url'),
    safeEqual(a: string, b: string) {
      c.compared++;
      const x = Buffer.from(a);
      const y = Buffer.from(b);
      return x.length === y.length && timingSafeEqual(x, y);
    },
  };
  return c;
};

export interface FakeIssue {
  id: string;
  key: string;
  projectId: string;
  summary: string;
  duedate?: string;
  updated: number;
  assignee?: string;
  security?: string;
  /** Stands for the feed's JQL and window: the fake cannot evaluate JQL. */
  inFeed?: boolean;
}

/**
 * A small Jira: projects browsable by listed people, a security level, roles and groups, /search/jql
 * paged with nextPageToken, and the points every call costs (1 + items returned).
 */
export function fakeJira(opts: { now: () => number }) {
  const state = {
    issues: [] as FakeIssue[],
    browse: new Map<string, Set<string>>(), // projectId → accountIds
    securityMembers: new Map<string, Set<string>>(), // level → accountIds
    roles: new Map<string, Set<string>>(), // `${projectKey}:${roleId}` → accountIds
    groups: new Map<string, Array<{ groupId: string; name: string }>>(),
    admins: new Set<string>(),
    projectAdmins: new Map<string, Set<string>>(),
    calls: [] as Array<{ op: string; as: string; jql?: string; points: number }>,
    throttleNext: 0,
    jqlErrors: [] as string[],
  };
  const mayBrowse = (as: string, i: FakeIssue) => (state.browse.get(i.projectId)?.has(as) ?? false) && (!i.security || (state.securityMembers.get(i.security)?.has(as) ?? false));
  const record = (op: string, as: string, points: number, jql?: string) => state.calls.push({ op, as, points, ...(jql ? { jql } : {}) });
  const throttled = <T>(): JiraResult<T> | undefined => {
    if (state.throttleNext > 0) {
      state.throttleNext--;
      return { ok: false, failure: { kind: 'throttled', retryAfterSeconds: 120 } };
    }
    return undefined;
  };
  const fieldsOf = (i: FakeIssue, fields: string[]): Record<string, unknown> => {
    const all: Record<string, unknown> = {
      summary: i.summary,
      duedate: i.duedate ?? null,
      updated: new Date(i.updated).toISOString().replace('Z', '+0000'),
      project: { id: i.projectId, key: i.key.split('-')[0] },
      security: i.security ? { id: i.security } : null,
      assignee: i.assignee ? { accountId: i.assignee, displayName: i.assignee.toUpperCase() } : null,
      status: { name: 'To Do' },
    };
    return Object.fromEntries(fields.map((f) => [f, all[f] ?? null]));
  };
  const port: JiraPort = {
    async search(as, req) {
      const t = throttled<never>();
      if (t) return t;
      const recent = /updated >= "-(\d+)m"/.exec(req.jql);
      const since = recent ? opts.now() - Number(recent[1]) * 60_000 : -Infinity;
      const leaving = req.jql.includes('AND NOT (');
      const assignee = /AND assignee = "([^"]+)"$/.exec(req.jql)?.[1];
      const hits = state.issues.filter((i) => mayBrowse(as, i) && i.updated >= since && (leaving ? !i.inFeed : i.inFeed !== false) && (!assignee || i.assignee === assignee));
      const start = Number(req.nextPageToken ?? 0);
      const page = hits.slice(start, start + req.maxResults);
      record('search', as, 1 + page.length, req.jql);
      const issues: SearchIssue[] = page.map((i) => ({ id: i.id, key: i.key, self: `https://contoso.atlassian.net/rest/api/3/issue/${i.id}`, fields: fieldsOf(i, req.fields) }));
      return { ok: true, value: { issues, ...(start + page.length < hits.length ? { nextPageToken: String(start + page.length) } : {}) } };
    },
    async parseJql(as) {
      record('jql/parse', as, 1);
      return { ok: true, value: state.jqlErrors };
    },
    async browsable(as, q) {
      const t = throttled<never>();
      if (t) return t;
      const projects = q.projects.filter((p) => state.browse.get(p)?.has(as));
      const issues = q.issues.filter((id) => {
        const i = state.issues.find((x) => x.id === id);
        return i ? mayBrowse(as, i) : false;
      });
      record('permissions/check', as, 1 + projects.length + issues.length);
      return { ok: true, value: { projects, issues } };
    },
    async groupsOf(as) {
      const g = state.groups.get(as) ?? [];
      record('user/groups', as, 1 + g.length);
      return { ok: true, value: g };
    },
    async roleActors(as, projectKey, roleId) {
      if (!state.projectAdmins.get(projectKey)?.has(as) && !state.admins.has(as)) return { ok: false, failure: { kind: 'no_access', status: 403 } };
      const ids = [...(state.roles.get(`${projectKey}:${roleId}`) ?? [])];
      record('project/role', as, 1 + ids.length);
      return { ok: true, value: { accountIds: ids, groups: [] } };
    },
    async projectRoles() {
      return { ok: true, value: [{ id: '10001', name: 'Developers' }] };
    },
    isSiteAdmin: async (as) => state.admins.has(as),
    administersProject: async (as, key) => state.projectAdmins.get(key)?.has(as) ?? false,
  };
  return { port, state, points: () => state.calls.reduce((n, c) => n + c.points, 0) };
}
