import type { AccountStates } from '../accounts';
import { jiraError, ok, type Handled } from '../http';
import type { AtlassianUser } from '../tenant';
import type { JiraApi, JiraRequest } from './api';
import { APP_ACCOUNT_ID, globalPermission } from './permissions';

/** The app's own account as Jira shows it (accountType `app`, no e-mail). */
export const appUserJson = (siteUrl: string) => ({
  self: `${siteUrl}/rest/api/3/user?accountId=${APP_ACCOUNT_ID}`,
  accountId: APP_ACCOUNT_ID,
  accountType: 'app',
  displayName: 'Microsoft 365 for Jira and Confluence',
  active: true,
});

/**
 * A user as Jira REST shows one (the fields apps read; `self` and avatars are left out). A closed
 * account stays resolvable by id but shows as a former user, with no e-mail.
 */
export function userJson(_siteUrl: string, accounts: AccountStates, u: AtlassianUser): Record<string, unknown> {
  if (accounts.isClosed(u.accountId)) return { accountId: u.accountId, accountType: 'atlassian', displayName: 'Former user', active: false };
  return { accountId: u.accountId, accountType: 'atlassian', displayName: u.displayName, emailAddress: u.email, active: true };
}

/** Stable ids for the fixture's groups (Jira group ids are UUIDs). */
export const groupId = (name: string) => {
  let h = 0x811c9dc5;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const hex = h.toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`;
};

/**
 * Users: `myself`, one user, users in bulk, a user search, a user's groups. Reading other users needs the
 * "Browse users and groups" global permission (any user with Jira access here, and the app);
 * anonymous callers get 401.
 */
export function userRoutes(api: JiraApi, req: JiraRequest): Handled | undefined {
  const { url, who } = req;
  const path = url.pathname;
  if (req.method !== 'GET') return undefined;
  const show = (u: AtlassianUser) => userJson(api.siteUrl, api.accounts, u);
  const mayBrowseUsers = () => who.kind === 'app' || globalPermission(who, 'USER_PICKER');

  if (path === '/rest/api/3/myself') {
    if (who.kind === 'anonymous') return jiraError(401, 'You are not authenticated. Authentication required to perform this operation.');
    return ok(who.kind === 'app' ? appUserJson(api.siteUrl) : show(who.user), 1);
  }
  if (path !== '/rest/api/3/user' && path !== '/rest/api/3/user/bulk' && path !== '/rest/api/3/user/groups' && path !== '/rest/api/3/user/search') return undefined;
  if (who.kind === 'anonymous') return jiraError(401, 'You are not authenticated. Authentication required to perform this operation.');
  if (!mayBrowseUsers()) return jiraError(403, 'You do not have the permission to see the specified user.');

  if (path === '/rest/api/3/user') {
    const id = url.searchParams.get('accountId') ?? '';
    if (!id) return jiraError(400, 'The accountId query parameter needs to be provided.');
    if (id === APP_ACCOUNT_ID) return ok(appUserJson(api.siteUrl), 1);
    const u = api.dir.userById(id);
    return u ? ok(show(u), 1) : jiraError(404, 'The user does not exist or you do not have permission to see it.');
  }
  // GET /rest/api/3/user/search (api-group-user-search): "query" or "accountId" is required; matches the
  // start of display name or e-mail; active accounts only; maxResults defaults to 50 (capped at 50 here).
  if (path === '/rest/api/3/user/search') {
    const query = (url.searchParams.get('query') ?? '').trim().toLowerCase();
    const id = url.searchParams.get('accountId') ?? '';
    if (!query && !id) return jiraError(400, 'The query parameter or the accountId parameter needs to be provided.');
    const maxResults = Math.min(50, Math.max(1, Number(url.searchParams.get('maxResults') ?? 50) || 50));
    const words = (u: AtlassianUser) => [...u.displayName.toLowerCase().split(/\s+/), u.displayName.toLowerCase(), u.email.toLowerCase()];
    const found = api.dir.fixture.users.filter((u) => !api.accounts.isClosed(u.accountId) && (id ? u.accountId === id : words(u).some((w) => w.startsWith(query))));
    return ok(found.slice(0, maxResults).map(show), Math.min(found.length, maxResults));
  }
  if (path === '/rest/api/3/user/bulk') {
    const ids = url.searchParams.getAll('accountId');
    if (!ids.length) return jiraError(400, 'Specify at least one accountId.');
    const startAt = Math.max(0, Number(url.searchParams.get('startAt') ?? 0) || 0);
    const maxResults = Math.max(1, Number(url.searchParams.get('maxResults') ?? 10) || 10);
    const found = ids.map((id) => api.dir.userById(id)).filter((u): u is AtlassianUser => !!u);
    const page = found.slice(startAt, startAt + maxResults);
    return ok({ self: `${api.siteUrl}${url.pathname}${url.search}`, maxResults, startAt, total: found.length, isLast: startAt + page.length >= found.length, values: page.map(show) }, page.length);
  }
  const id = url.searchParams.get('accountId') ?? '';
  const u = api.dir.userById(id);
  if (!u) return jiraError(404, 'The user does not exist or you do not have permission to see it.');
  const groups = u.groups.map((name) => ({ name, groupId: groupId(name), self: `${api.siteUrl}/rest/api/3/group?groupId=${groupId(name)}` }));
  return ok(groups, groups.length);
}
