import api, { route, type APIResponse } from '@forge/api';
import { AppError, failWith, ok, type Result } from '../../core/result';
import { isRecord, own } from '../../core/guards';
import { ISSUE_ID, ISSUE_KEY } from '../../core/sharing/model';
import type { IssueRef, JiraPort, Viewer } from '../../core/sharing/ports';

/** The issue entity property mirroring the link store for JQL (manifest: `jira:entityProperty`). */
export const MIRROR_PROPERTY = 'm365-mail-links';

type JiraFetch = typeof api.requestJira;

/**
 * Jira as the viewer: `asUser()` for a logged-in user; for an anonymous visitor the product API
 * without credentials (`api.requestJira`, @forge/api's unauthenticated call), which Jira answers as
 * it answers any anonymous visitor — a public project's issues, nothing else.
 */
const as = (viewer: Viewer): JiraFetch => (viewer.kind === 'user' ? api.asUser().requestJira : api.requestJira);

const JSON_HEADERS = { Accept: 'application/json' };

/** Jira's answers other than "yes" and "not for you": throttling (429, points) or trouble on its side. */
function unexpected(res: APIResponse, what: string): never {
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after'));
    throw AppError.of('THROTTLED', 'jira_busy', Number.isFinite(after) && after > 0 ? { retryAfterSeconds: Math.ceil(after) } : {});
  }
  throw new AppError('INTERNAL', 'Jira did not answer as expected.', {}, { cause: new Error(`${what}: HTTP ${String(res.status)}`) });
}

async function json(res: APIResponse): Promise<unknown> {
  try {
    return (await res.json()) as unknown;
  } catch {
    return undefined;
  }
}

export const jiraIssues: JiraPort = {
  async viewIssue(viewer, issueId): Promise<Result<IssueRef>> {
    if (!ISSUE_ID.test(issueId)) return failWith('NOT_FOUND', 'issue_hidden');
    const res = await as(viewer)(route`/rest/api/3/issue/${issueId}?fields=project`, { headers: JSON_HEADERS });
    // 404 is Jira's answer both for a missing issue and for one the caller may not browse.
    if (res.status === 404 || res.status === 403 || res.status === 401) return failWith('NOT_FOUND', 'issue_hidden');
    if (!res.ok) unexpected(res, 'GET issue');
    const body = await json(res);
    const id = isRecord(body) ? own(body, 'id') : undefined;
    const key = isRecord(body) ? own(body, 'key') : undefined;
    const fields = isRecord(body) ? own(body, 'fields') : undefined;
    const project = isRecord(fields) ? own(fields, 'project') : undefined;
    const projectId = isRecord(project) ? own(project, 'id') : undefined;
    if (typeof id !== 'string' || id !== issueId || typeof key !== 'string' || !ISSUE_KEY.test(key) || typeof projectId !== 'string' || !ISSUE_ID.test(projectId)) {
      throw new AppError('INTERNAL', 'Jira did not answer as expected.', {}, { cause: new Error('GET issue: unexpected body') });
    }
    return ok({ id, key, projectId });
  },

  async isProjectAdmin(viewer, issueId) {
    if (viewer.kind !== 'user' || !ISSUE_ID.test(issueId)) return false;
    const res = await api.asUser().requestJira(route`/rest/api/3/mypermissions?issueId=${issueId}&permissions=ADMINISTER_PROJECTS`, { headers: JSON_HEADERS });
    if (!res.ok) return false;
    const body = await json(res);
    const perms = isRecord(body) ? own(body, 'permissions') : undefined;
    const p = isRecord(perms) ? own(perms, 'ADMINISTER_PROJECTS') : undefined;
    return isRecord(p) && own(p, 'havePermission') === true;
  },

  async names(viewer, accountIds) {
    const out = new Map<string, string>();
    for (let i = 0; i < accountIds.length; i += 50) {
      const params = new URLSearchParams([['maxResults', '50'], ...accountIds.slice(i, i + 50).map((id): [string, string] => ['accountId', id])]);
      // Names are public on a public issue (Jira shows reporters to anonymous visitors); the app asks for them then.
      // So too for a logged-in viewer Jira will not answer (no Jira access — "Bulk get users" needs "Permission to
      // access Jira" — yet viewing a public issue, as a guest does): the viewer may see this item, and would
      // otherwise read a sharer who is still here as "a former user".
      const path = route`/rest/api/3/user/bulk?${params}`;
      let res = await (viewer.kind === 'user' ? api.asUser() : api.asApp()).requestJira(path, { headers: JSON_HEADERS });
      if (viewer.kind === 'user' && (res.status === 401 || res.status === 403)) res = await api.asApp().requestJira(path, { headers: JSON_HEADERS });
      if (!res.ok) continue;
      const body = await json(res);
      const values = isRecord(body) ? own(body, 'values') : undefined;
      if (!Array.isArray(values)) continue;
      for (const u of values) {
        if (!isRecord(u)) continue;
        const id = own(u, 'accountId');
        const name = own(u, 'displayName');
        if (typeof id === 'string' && typeof name === 'string') out.set(id, name.slice(0, 200));
      }
    }
    return out;
  },

  async viewable(viewer, issueIds) {
    const out = new Set<string>();
    const ids = issueIds.filter((id) => ISSUE_ID.test(id));
    if (viewer.kind !== 'user' || ids.length === 0) return out;
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      // Checking oneself needs no admin rights (permissions/check without accountId).
      const res = await api.asUser().requestJira(route`/rest/api/3/permissions/check`, {
        method: 'POST',
        headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' },
        body: JSON.stringify({ projectPermissions: [{ permissions: ['BROWSE_PROJECTS'], issues: chunk.map(Number) }] }),
      });
      if (!res.ok) unexpected(res, 'POST permissions/check');
      const body = await json(res);
      const pp = isRecord(body) ? own(body, 'projectPermissions') : undefined;
      if (!Array.isArray(pp)) continue;
      for (const p of pp) {
        const issues = isRecord(p) && own(p, 'permission') === 'BROWSE_PROJECTS' ? own(p, 'issues') : undefined;
        if (Array.isArray(issues)) for (const n of issues) if (chunk.includes(String(n))) out.add(String(n));
      }
    }
    return out;
  },

  mirror: (issueId, ids) => writeMirror(issueId, ids),
};

/**
 * Writes (or, when empty, deletes) the issue property that JQL finds issues by (search aliases
 * `m365ConversationId`, `m365MessageId`). As the app: the viewer may lack edit rights, and the
 * property only reflects the link store. Anyone who can edit the issue can change it, so nothing
 * ever reads it back to decide anything.
 */
export async function writeMirror(issueId: string, ids: { conversationIds: string[]; internetMessageIds: string[] }): Promise<Result<void>> {
  if (!ISSUE_ID.test(issueId)) return failWith('BAD_REQUEST');
  const empty = ids.conversationIds.length === 0 && ids.internetMessageIds.length === 0;
  const path = route`/rest/api/3/issue/${issueId}/properties/${MIRROR_PROPERTY}`;
  const res = empty
    ? await api.asApp().requestJira(path, { method: 'DELETE', headers: JSON_HEADERS })
    : await api.asApp().requestJira(path, { method: 'PUT', headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' }, body: JSON.stringify(ids) });
  if (res.ok || (empty && res.status === 404)) return ok(undefined);
  // Ids only in the log; the link store stays authoritative and the next change writes the mirror again.
  console.warn(`The JQL mirror of issue ${issueId} was not written: HTTP ${String(res.status)}`);
  return failWith('INTERNAL', 'mirror_not_written');
}
