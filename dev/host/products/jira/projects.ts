import { jiraError, ok, type Handled } from '../http';
import type { JiraApi, JiraRequest } from './api';
import { ISSUE_TYPE } from './model';
import { globalPermission, projectPermission, type Who } from './permissions';
import { projectJson } from './render';
import type { JiraProject } from './store';
import { groupId, userJson } from './users';

const notFound = (ref: string) => jiraError(404, /^\d+$/.test(ref) ? `No project could be found with id '${ref}'.` : `No project could be found with key '${ref}'.`);

/** A project is visible to whoever may browse it, administer it, or administer Jira. */
export const projectVisible = (who: Who, p: JiraProject) =>
  projectPermission(who, p, 'BROWSE_PROJECTS') || projectPermission(who, p, 'ADMINISTER_PROJECTS') || globalPermission(who, 'ADMINISTER') || p.browseDependsOnIssue;

/** Roles are read by project and Jira administrators (and the app, through the add-ons role). */
const mayReadRoles = (who: Who, p: JiraProject) => projectPermission(who, p, 'ADMINISTER_PROJECTS') || globalPermission(who, 'ADMINISTER');

/** GET /rest/api/3/project/{key}, …/role, …/role/{id}. */
export function projectRoutes(api: JiraApi, req: JiraRequest): Handled | undefined {
  if (req.method !== 'GET') return undefined;
  const m = /^\/rest\/api\/3\/project\/([^/]+)(?:\/role(?:\/([^/]+))?)?$/.exec(req.url.pathname);
  if (!m) return undefined;
  const ref = decodeURIComponent(m[1] as string);
  const p = api.jira.project(ref);
  if (!p || !projectVisible(req.who, p)) return notFound(ref);
  const base = `${api.siteUrl}/rest/api/3/project/${p.id}`;
  const rolesPath = req.url.pathname.includes('/role');
  if (!rolesPath) {
    const lead = p.lead ? api.dir.userById(p.lead) : undefined;
    const roles = Object.fromEntries(api.jira.roleDefs.map((r) => [r.name, `${base}/role/${r.id}`]));
    return ok({ expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight', ...projectJson(api.siteUrl, p), description: '', lead: lead ? userJson(api.siteUrl, api.accounts, lead) : null, components: [], issueTypes: [{ self: `${api.siteUrl}/rest/api/3/issuetype/${ISSUE_TYPE.id}`, ...ISSUE_TYPE }], assigneeType: 'UNASSIGNED', versions: [], roles, style: 'next-gen', isPrivate: !(p.scheme.BROWSE_PROJECTS ?? []).some((g) => g.type === 'anyone'), properties: {} }, 1);
  }
  if (!mayReadRoles(req.who, p)) return jiraError(403, 'You cannot view the roles of this project.');
  if (m[2] === undefined) {
    const roles = Object.fromEntries(api.jira.roleDefs.map((r) => [r.name, `${base}/role/${r.id}`]));
    return ok(roles, api.jira.roleDefs.length);
  }
  const def = api.jira.roleDefs.find((r) => r.id === m[2]);
  const actors = def && p.roles.get(def.name);
  if (!def || !actors) return jiraError(404, `No role with id '${m[2]}' exists in project ${p.key}.`);
  let actorId = 10000;
  const list = [
    ...[...actors.users].flatMap((accountId) => {
      const u = api.dir.userById(accountId);
      return u ? [{ id: actorId++, displayName: api.accounts.isClosed(u.accountId) ? 'Former user' : u.displayName, type: 'atlassian-user-role-actor', actorUser: { accountId: u.accountId } }] : [];
    }),
    ...[...actors.groups].map((g) => ({ id: actorId++, displayName: g, type: 'atlassian-group-role-actor', name: g, actorGroup: { name: g, displayName: g, groupId: groupId(g) } })),
  ];
  return ok({ self: `${base}/role/${def.id}`, name: def.name, id: Number(def.id), description: def.description, actors: list, scope: { type: 'PROJECT', project: { id: p.id, key: p.key, name: p.name } } }, list.length);
}
