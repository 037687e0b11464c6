import type { AtlassianUser, Grant } from '../tenant';
import type { Issue } from './model';

/** Who a Jira request runs as: a user (asUser), the app's own account (asApp), or nobody (an unauthenticated call). */
export type Who = { kind: 'user'; user: AtlassianUser } | { kind: 'app' } | { kind: 'anonymous' };

/** The app's account on the site. Jira creates one per installed app, of accountType `app`. */
export const APP_ACCOUNT_ID = '557058:f0a9e000-0000-4000-8000-00000000a990';

/**
 * Jira adds this role to every permission of every scheme when an app is installed and puts the
 * app's user in it in every project (support.atlassian.com "The atlassian-addons-project-access
 * project role in Jira cloud"). Removing the app from it (control API) takes the project away from the app.
 */
export const ADDONS_ROLE = { id: '10003', name: 'atlassian-addons-project-access', description: 'A project role that represents Connect add-ons declaring a scope that requires more than read issue permissions' };

/** A grant with its user resolved to an account id. */
export type ResolvedGrant = Exclude<Grant, { type: 'user' }> | { type: 'user'; accountId: string };

export interface ProjectRoleActors {
  users: Set<string>;
  groups: Set<string>;
  /** Only the add-ons role holds the app. */
  app: boolean;
}

export interface SecurityLevel {
  id: string;
  name: string;
  description: string;
  members: ResolvedGrant[];
}

export interface PermissionProject {
  key: string;
  id: string;
  lead: string | null;
  scheme: Record<string, ResolvedGrant[]>;
  roles: Map<string, ProjectRoleActors>;
  securityLevels: SecurityLevel[];
}

/** Jira's permission keys the host answers for, with their ids and names as GET /rest/api/3/permissions lists them. */
export const PERMISSIONS: Record<string, { id: string; name: string; type: 'GLOBAL' | 'PROJECT'; description: string }> = {
  ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL', description: 'Create and administer projects, issue types, fields, workflows, and schemes for all projects.' },
  USER_PICKER: { id: '27', name: 'Browse users and groups', type: 'GLOBAL', description: 'View and select users or groups from the user picker, and share issues.' },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT', description: 'Ability to browse projects and the issues within them.' },
  CREATE_ISSUES: { id: '11', name: 'Create Issues', type: 'PROJECT', description: 'Ability to create issues.' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues', type: 'PROJECT', description: 'Ability to edit issues.' },
  ASSIGN_ISSUES: { id: '13', name: 'Assign Issues', type: 'PROJECT', description: 'Ability to assign issues to other people.' },
  ADD_COMMENTS: { id: '15', name: 'Add Comments', type: 'PROJECT', description: 'Ability to comment on issues.' },
  DELETE_ISSUES: { id: '16', name: 'Delete Issues', type: 'PROJECT', description: 'Ability to delete issues.' },
  ASSIGNABLE_USER: { id: '17', name: 'Assignable User', type: 'PROJECT', description: 'Users with this permission may be assigned to issues.' },
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', type: 'PROJECT', description: 'Ability to administer a project in Jira.' },
  SET_ISSUE_SECURITY: { id: '26', name: 'Set Issue Security', type: 'PROJECT', description: 'Ability to set the level of security on an issue so that only people in that security level can see the issue.' },
  TRANSITION_ISSUES: { id: '46', name: 'Transition Issues', type: 'PROJECT', description: 'Ability to transition issues.' },
};

/** Product access to Jira: the default access group of a Jira Software site, or a site admin. */
export const hasJiraAccess = (u: AtlassianUser) => u.admin || u.groups.includes('jira-software-users');

function inRole(project: PermissionProject, role: string, who: Who): boolean {
  const actors = project.roles.get(role);
  if (!actors) return false;
  if (who.kind === 'app') return actors.app;
  if (who.kind !== 'user') return false;
  return actors.users.has(who.user.accountId) || who.user.groups.some((g) => actors.groups.has(g));
}

/** Whether one holder admits the caller, for the project and (for reporter/assignee grants) the issue. */
export function grantAdmits(g: ResolvedGrant, who: Who, project: PermissionProject, issue?: Issue): boolean {
  if (g.type === 'anyone') return true;
  if (g.type === 'projectRole') return inRole(project, g.role, who);
  if (who.kind !== 'user') return false;
  const u = who.user;
  switch (g.type) {
    case 'applicationRole':
      return hasJiraAccess(u);
    case 'group':
      return u.groups.includes(g.group);
    case 'user':
      return g.accountId === u.accountId;
    case 'projectLead':
      return project.lead === u.accountId;
    case 'reporter':
      return !!issue && issue.reporter === u.accountId;
    case 'assignee':
      return !!issue && issue.assignee === u.accountId;
  }
}

/** A project permission, in the project or for one issue of it (without looking at its security level). */
export function projectPermission(who: Who, project: PermissionProject, permission: string, issue?: Issue): boolean {
  if (who.kind === 'app' && inRole(project, ADDONS_ROLE.name, who)) return true;
  return (project.scheme[permission] ?? []).some((g) => grantAdmits(g, who, project, issue));
}

/** Whether the caller is in the issue's security level (if it has one). The app is not, unless the level lists the add-ons role. */
export function passesSecurityLevel(who: Who, project: PermissionProject, issue: Issue): boolean {
  if (!issue.securityLevelId) return true;
  const level = project.securityLevels.find((l) => l.id === issue.securityLevelId);
  if (!level) return false;
  return level.members.some((g) => grantAdmits(g, who, project, issue));
}

export const canBrowse = (who: Who, project: PermissionProject, issue: Issue) => projectPermission(who, project, 'BROWSE_PROJECTS', issue) && passesSecurityLevel(who, project, issue);

/** An issue permission: the caller must see the issue and hold the permission in its project. */
export const issuePermission = (who: Who, project: PermissionProject, issue: Issue, permission: string) =>
  canBrowse(who, project, issue) && (permission === 'BROWSE_PROJECTS' || projectPermission(who, project, permission, issue));

/** Global permissions. The app is never a Jira administrator here (see products/README.md). */
export function globalPermission(who: Who, permission: string): boolean {
  if (who.kind !== 'user') return false;
  if (permission === 'ADMINISTER') return who.user.admin;
  if (permission === 'USER_PICKER') return hasJiraAccess(who.user);
  return false;
}

/** Whether a project's BROWSE holders depend on the issue (reporter/assignee): then each issue is checked on its own. */
export const browseDependsOnIssue = (project: PermissionProject) => (project.scheme.BROWSE_PROJECTS ?? []).some((g) => g.type === 'reporter' || g.type === 'assignee');
