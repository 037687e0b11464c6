/*
 * The Atlassian side of the demo tenant as the product stores read it: the fixture's shapes (the "atlassian" key of
 * dev/fixtures/demo-tenant.json) and the directory the stores are given (site.ts builds the site from them).
 */


export interface AtlassianUser {
  key: string;
  accountId: string;
  displayName: string;
  email: string;
  /** Site admin: Jira's Administer Jira and Confluence's administer-application permission. */
  admin: boolean;
  groups: string[];
  /** When the Atlassian profile last changed (ISO-8601); see products/accounts.ts for the default. */
  profileUpdatedAt?: string;
}

/**
 * Who a permission is granted to, as Jira's permission schemes and security levels name holders:
 * `anyone` (anonymous included), `applicationRole` (any logged-in user with Jira access), a group,
 * a project role, one user (fixture key), the project lead, the issue's reporter or assignee.
 */
export type Grant =
  | { type: 'anyone' }
  | { type: 'applicationRole' }
  | { type: 'group'; group: string }
  | { type: 'projectRole'; role: string }
  | { type: 'user'; user: string }
  | { type: 'projectLead' }
  | { type: 'reporter' }
  | { type: 'assignee' };

export interface RoleActors {
  users?: string[];
  groups?: string[];
}

export interface ProjectFixture {
  key: string;
  id: string;
  name: string;
  lead?: string;
  permissionScheme?: string;
  roles?: Record<string, RoleActors>;
  securityLevels?: Array<{ id: string; name: string; description?: string; members: Grant[] }>;
}

export interface IssueFixture {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  description?: string;
  status?: string;
  priority?: string;
  assignee?: string;
  reporter?: string;
  created?: string;
  updated?: string;
  duedate?: string;
  resolutiondate?: string;
  labels?: string[];
  securityLevel?: string;
  [customField: `customfield_${string}`]: string | undefined;
}

export interface SpaceFixture {
  key: string;
  id: string;
  name: string;
  /** Who may view the space's pages; DEMO is for confluence-users when not given. */
  view?: Grant[];
}

/**
 * A page's restrictions as Confluence's v1 restriction API names them (`operation` → `restrictions.user`,
 * `restrictions.group`): users by fixture key or account id (`app` is the app's own user), groups by name.
 * Only `read` is emulated; see products/README.md, "Page restrictions".
 */
export interface PageRestrictionsFixture {
  read?: { users?: string[]; groups?: string[] };
}

export interface PageFixture {
  id: string;
  spaceKey: string;
  title: string;
  body: string;
  author?: string;
  created?: string;
  restrictions?: PageRestrictionsFixture;
}

export interface AtlassianFixture {
  cloudId: string;
  siteUrl: string;
  users: AtlassianUser[];
  confluence: { spaces: SpaceFixture[]; pages: PageFixture[] };
  jira: {
    fields?: Array<{ id: string; name: string; type: 'date' | 'datetime' }>;
    roles?: Array<{ id: string; name: string; description?: string }>;
    permissionSchemes?: Record<string, Record<string, Grant[]>>;
    projects: ProjectFixture[];
    issues: IssueFixture[];
  };
}

/** What the product stores need from the site: its users and its clock. */
export interface Directory {
  fixture: AtlassianFixture;
  userByKey(key: string): AtlassianUser | undefined;
  userById(accountId: string): AtlassianUser | undefined;
  now(): number;
}
