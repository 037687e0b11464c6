/** The Atlassian side of the demo tenant (the "atlassian" key of dev/fixtures/demo-tenant.json). */
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

export interface AtlassianFixture {
  cloudId: string;
  siteUrl: string;
  users: AtlassianUser[];
  confluence: { spaces: Array<{ key: string; id: string; name: string }>; pages: Array<{ id: string; spaceKey: string; title: string; body: string }> };
  jira: {
    projects: Array<{ key: string; id: string; name: string }>;
    issues: Array<{ id: string; key: string; projectKey: string; summary: string; description: string; status: string; assignee?: string; reporter?: string }>;
  };
}

export function siteDirectory(fx: AtlassianFixture) {
  return {
    fixture: fx,
    userByKey: (key: string) => fx.users.find((u) => u.key === key),
    userById: (accountId: string) => fx.users.find((u) => u.accountId === accountId),
    page: (id: string) => fx.confluence.pages.find((p) => p.id === id),
    issue: (keyOrId: string) => fx.jira.issues.find((i) => i.key === keyOrId || i.id === keyOrId),
  };
}

export type SiteDirectory = ReturnType<typeof siteDirectory>;
