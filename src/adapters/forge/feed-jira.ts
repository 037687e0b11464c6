import api, { route, type APIResponse } from '@forge/api';
import type { JiraFailure, JiraPort, JiraResult, SearchIssue } from '../../core/feeds';
import { isRecord } from '../../core/guards';

/**
 * Jira for calendar feeds, always as a named person: `asUser(accountId)` — the feed's owner for
 * builds and role look-ups, the subscriber for their own permissions and text. Forge documents this
 * form ("api.asUser(accountId).requestJira(…) — authenticated, requires user impersonation scopes",
 * Fetch API reference; RFC-92 "Forge user impersonation"); in a web trigger, which has no user, it is
 * the only way to ask Jira as a person. Only read operations are called here (POSTs included:
 * search/jql, jql/parse and permissions/check read).
 */
const as = (accountId: string) => api.asUser(accountId).requestJira;
const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' };

async function body(res: APIResponse): Promise<unknown> {
  try {
    return (await res.json()) as unknown;
  } catch {
    return undefined;
  }
}

async function failure(res: APIResponse): Promise<JiraFailure> {
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after'));
    return { kind: 'throttled', retryAfterSeconds: Number.isFinite(after) && after > 0 ? Math.ceil(after) : 60 };
  }
  if (res.status === 400) {
    const b = await body(res);
    const messages = isRecord(b) && Array.isArray(b.errorMessages) ? b.errorMessages.filter((m): m is string => typeof m === 'string') : [];
    return { kind: 'bad_jql', messages: messages.length ? messages : ['Jira refused the request.'] };
  }
  if (res.status === 401 || res.status === 403 || res.status === 404) return { kind: 'no_access', status: res.status };
  return { kind: 'unavailable', status: res.status };
}

/** The SDK throws for proxy errors (no such user to act as): that is "no access", not a crash. */
async function call<T>(fn: () => Promise<APIResponse>, read: (b: unknown) => T | undefined): Promise<JiraResult<T>> {
  let res: APIResponse;
  try {
    res = await fn();
  } catch (e) {
    const name = (e as { name?: unknown }).name;
    if (name === 'NEEDS_AUTHENTICATION_ERR' || name === 'NeedsAuthenticationError' || name === 'ProxyRequestError') return { ok: false, failure: { kind: 'no_access', status: 401 } };
    throw e;
  }
  if (!res.ok) return { ok: false, failure: await failure(res) };
  const value = read(await body(res));
  return value === undefined ? { ok: false, failure: { kind: 'unavailable', status: res.status } } : { ok: true, value };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? (v as unknown[]).map((x) => (typeof x === 'number' ? String(x) : x)).filter((x): x is string => typeof x === 'string') : []);

export const feedJira: JiraPort = {
  search: (accountId, req) =>
    call(
      () => as(accountId)(route`/rest/api/3/search/jql`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ jql: req.jql, fields: req.fields, maxResults: req.maxResults, ...(req.nextPageToken ? { nextPageToken: req.nextPageToken } : {}) }) }),
      (b) => {
        if (!isRecord(b) || !Array.isArray(b.issues)) return undefined;
        const issues: SearchIssue[] = b.issues.flatMap((i: unknown) =>
          isRecord(i) && typeof i.id === 'string' && typeof i.key === 'string' ? [{ id: i.id, key: i.key, fields: isRecord(i.fields) ? i.fields : {}, ...(typeof i.self === 'string' ? { self: i.self } : {}) }] : [],
        );
        return { issues, ...(typeof b.nextPageToken === 'string' && b.isLast !== true ? { nextPageToken: b.nextPageToken } : {}) };
      },
    ),

  parseJql: (accountId, jql) =>
    call(
      () => as(accountId)(route`/rest/api/3/jql/parse?validation=strict`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ queries: [jql] }) }),
      (b) => {
        if (!isRecord(b) || !Array.isArray(b.queries)) return undefined;
        const q: unknown = b.queries[0];
        return isRecord(q) ? strings(q.errors) : [];
      },
    ),

  browsable: (accountId, q) =>
    call(
      () => as(accountId)(route`/rest/api/3/permissions/check`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ projectPermissions: [{ permissions: ['BROWSE_PROJECTS'], projects: q.projects.map(Number), issues: q.issues.map(Number) }] }) }),
      (b) => {
        if (!isRecord(b) || !Array.isArray(b.projectPermissions)) return undefined;
        const entry: unknown = b.projectPermissions.find((p: unknown) => isRecord(p) && p.permission === 'BROWSE_PROJECTS');
        return isRecord(entry) ? { projects: strings(entry.projects), issues: strings(entry.issues) } : { projects: [], issues: [] };
      },
    ),

  groupsOf: (accountId) =>
    call(
      () => as(accountId)(route`/rest/api/3/user/groups?accountId=${accountId}`, { headers: JSON_HEADERS }),
      (b) => (Array.isArray(b) ? b.flatMap((g: unknown) => (isRecord(g) && typeof g.name === 'string' ? [{ name: g.name, groupId: typeof g.groupId === 'string' ? g.groupId : g.name }] : [])) : undefined),
    ),

  roleActors: (accountId, projectKey, roleId) =>
    call(
      () => as(accountId)(route`/rest/api/3/project/${projectKey}/role/${roleId}`, { headers: JSON_HEADERS }),
      (b) => {
        if (!isRecord(b) || !Array.isArray(b.actors)) return undefined;
        const accountIds: string[] = [];
        const groups: Array<{ groupId?: string; name: string }> = [];
        for (const a of b.actors as unknown[]) {
          if (!isRecord(a)) continue;
          if (isRecord(a.actorUser) && typeof a.actorUser.accountId === 'string') accountIds.push(a.actorUser.accountId);
          else if (isRecord(a.actorGroup) && typeof a.actorGroup.name === 'string') groups.push({ name: a.actorGroup.name, ...(typeof a.actorGroup.groupId === 'string' ? { groupId: a.actorGroup.groupId } : {}) });
        }
        return { accountIds, groups };
      },
    ),

  projectRoles: (accountId, projectKey) =>
    call(
      () => as(accountId)(route`/rest/api/3/project/${projectKey}/role`, { headers: JSON_HEADERS }),
      (b) =>
        isRecord(b)
          ? Object.entries(b).flatMap(([name, url]) => {
              const id = typeof url === 'string' ? /\/role\/(\d+)$/.exec(url)?.[1] : undefined;
              return id ? [{ id, name }] : [];
            })
          : undefined,
    ),

  async isSiteAdmin(accountId) {
    const r = await call(() => as(accountId)(route`/rest/api/3/mypermissions?permissions=ADMINISTER`, { headers: JSON_HEADERS }), (b) => (isRecord(b) && isRecord(b.permissions) && isRecord(b.permissions.ADMINISTER) ? b.permissions.ADMINISTER.havePermission === true : false));
    return r.ok && r.value;
  },

  async administersProject(accountId, projectKey) {
    const r = await call(
      () => as(accountId)(route`/rest/api/3/mypermissions?projectKey=${projectKey}&permissions=ADMINISTER_PROJECTS`, { headers: JSON_HEADERS }),
      (b) => (isRecord(b) && isRecord(b.permissions) && isRecord(b.permissions.ADMINISTER_PROJECTS) ? b.permissions.ADMINISTER_PROJECTS.havePermission === true : false),
    );
    return r.ok && r.value;
  },
};
