import { ISSUE_NOT_FOUND, isRecord, jiraError, ok, parseBody, type Handled } from '../http';
import type { JiraApi, JiraRequest } from './api';
import { PERMISSIONS, canBrowse, globalPermission, issuePermission, projectPermission, type Who } from './permissions';
import type { JiraProject } from './store';
import type { Issue } from './model';

/** "A maximum of 1000 projects and 1000 issues can be checked" (Get bulk permissions). */
export const MAX_BULK_CHECK = 1000;

/**
 * GET /rest/api/3/mypermissions: in the global context a project permission is reported if the
 * caller has it in any project; in a project or issue context, for that project or issue.
 */
function myPermissions(api: JiraApi, req: JiraRequest): Handled {
  const { who, url } = req;
  if (who.kind === 'anonymous') return jiraError(401, 'You are not authenticated. Authentication required to perform this operation.');
  const keys = (url.searchParams.get('permissions') ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (!keys.length) return jiraError(400, 'The permissions query parameter is required.');
  const unknown = keys.find((k) => !PERMISSIONS[k]);
  if (unknown) return jiraError(400, `The permission key '${unknown}' is not known to the local host.`);
  const q = (n: string) => url.searchParams.get(n) ?? undefined;
  let project: JiraProject | undefined;
  let issue: Issue | undefined;
  const issueRef = q('issueId') ?? q('issueKey');
  const projectRef = q('projectId') ?? q('projectKey');
  if (issueRef !== undefined) {
    issue = api.jira.issue(issueRef);
    if (!issue || !api.jira.visible(who, issue)) return jiraError(404, ISSUE_NOT_FOUND);
    project = api.jira.projectOf(issue);
  } else if (projectRef !== undefined) {
    project = api.jira.project(projectRef);
    if (!project || !(projectPermission(who, project, 'BROWSE_PROJECTS') || globalPermission(who, 'ADMINISTER'))) return jiraError(404, /^\d+$/.test(projectRef) ? `No project could be found with id '${projectRef}'.` : `No project could be found with key '${projectRef}'.`);
  }
  const has = (key: string): boolean => {
    const p = PERMISSIONS[key] as (typeof PERMISSIONS)[string];
    if (p.type === 'GLOBAL') return globalPermission(who, key);
    if (issue && project) return issuePermission(who, project, issue, key);
    // "For a project, where the project permission is determined using issue data, if the user
    // meets the permission's criteria for any issue in the project" (Get my permissions).
    const inProject = (x: JiraProject) =>
      projectPermission(who, x, key) || ((x.scheme[key] ?? []).some((g) => g.type === 'reporter' || g.type === 'assignee') && x.issues.some((i) => projectPermission(who, x, key, i)));
    if (project) return inProject(project);
    return api.jira.projects().some(inProject);
  };
  const permissions = Object.fromEntries(keys.map((k) => {
    const p = PERMISSIONS[k] as (typeof PERMISSIONS)[string];
    return [k, { id: p.id, key: k, name: p.name, type: p.type, description: p.description, havePermission: has(k) }];
  }));
  return ok({ permissions }, keys.length);
}

const idList = (v: unknown): string[] | undefined => (v === undefined || v === null ? [] : Array.isArray(v) ? v.filter((x) => x !== null).map(String) : undefined);

/**
 * POST /rest/api/3/permissions/check. Checking another user needs Administer Jira; the app may do
 * so only when the control API allows it (whether Forge's asApp() may is not documented).
 */
function bulkCheck(api: JiraApi, req: JiraRequest): Handled {
  const body = parseBody(req.body);
  if (!isRecord(body)) return jiraError(400, 'The request body must be a JSON object.');
  const caller = req.who;
  let who: Who = caller;
  if (body.accountId !== undefined && body.accountId !== null) {
    if (typeof body.accountId !== 'string') return jiraError(400, 'accountId must be a string.');
    const self = caller.kind === 'user' && caller.user.accountId === body.accountId;
    if (!self) {
      const allowed = globalPermission(caller, 'ADMINISTER') || (caller.kind === 'app' && api.jira.settings.appMayCheckOtherUsers);
      if (!allowed) return jiraError(403, 'You need the Administer Jira global permission to check the permissions of other users.');
      const u = api.jira.findUser(body.accountId);
      if (!u) return jiraError(400, `The user with account ID '${body.accountId}' does not exist.`);
      who = api.accounts.isClosed(u.accountId) ? { kind: 'anonymous' } : { kind: 'user', user: u };
    }
  }
  const globals = idList(body.globalPermissions);
  const projectPerms = body.projectPermissions === undefined || body.projectPermissions === null ? [] : body.projectPermissions;
  if (!globals || !Array.isArray(projectPerms)) return jiraError(400, 'globalPermissions and projectPermissions must be lists.');
  const unknownGlobal = globals.find((g) => PERMISSIONS[g]?.type !== 'GLOBAL');
  if (unknownGlobal) return jiraError(400, `Unrecognized global permission '${unknownGlobal}'.`);
  let projectCount = 0;
  let issueCount = 0;
  const results: Array<{ permission: string; projects: number[]; issues: number[] }> = [];
  for (const entry of projectPerms) {
    if (!isRecord(entry)) return jiraError(400, 'Each projectPermissions entry must be an object.');
    const perms = idList(entry.permissions)?.filter((p) => p !== '');
    const projects = idList(entry.projects);
    const issues = idList(entry.issues);
    if (!perms || !projects || !issues) return jiraError(400, 'permissions, projects and issues must be lists.');
    projectCount += projects.length;
    issueCount += issues.length;
    if (projectCount > MAX_BULK_CHECK || issueCount > MAX_BULK_CHECK) return jiraError(400, `A maximum of ${MAX_BULK_CHECK} projects and ${MAX_BULK_CHECK} issues can be checked.`);
    for (const perm of perms) {
      if (PERMISSIONS[perm]?.type !== 'PROJECT') return jiraError(400, `Unrecognized project permission '${perm}'.`);
      // Invalid project and issue ids are left out, as Jira documents.
      const grantedProjects = projects.flatMap((ref) => {
        const p = api.jira.project(ref);
        return p && /^\d+$/.test(p.id) && projectPermission(who, p, perm) ? [Number(p.id)] : [];
      });
      const grantedIssues = issues.flatMap((ref) => {
        const i = api.jira.issue(ref);
        if (!i) return [];
        const p = api.jira.projectOf(i);
        return (perm === 'BROWSE_PROJECTS' ? canBrowse(who, p, i) : issuePermission(who, p, i, perm)) ? [Number(i.id)] : [];
      });
      results.push({ permission: perm, projects: grantedProjects, issues: grantedIssues });
    }
  }
  const grantedGlobals = globals.filter((g) => globalPermission(who, g));
  const objects = grantedGlobals.length + results.reduce((n, r) => n + r.projects.length + r.issues.length, 0);
  return ok({ globalPermissions: grantedGlobals, projectPermissions: results }, objects);
}

export function permissionRoutes(api: JiraApi, req: JiraRequest): Handled | undefined {
  const path = req.url.pathname;
  if (req.method === 'GET' && path === '/rest/api/3/mypermissions') return myPermissions(api, req);
  if (req.method === 'POST' && path === '/rest/api/3/permissions/check') return bulkCheck(api, req);
  return undefined;
}
