import type { AccountStates } from './accounts';
import type { AtlassianUser, SiteDirectory } from './site';

/** Who a product REST call runs as: the app's own identity or a user (asUser). */
export type Principal = { kind: 'app' } | { kind: 'user'; accountId: string } | { kind: 'anonymous' };

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const notFound = (what: string) => json(404, { errorMessages: [`${what} does not exist or you do not have permission to see it.`], errors: {} });
const badRequest = (message: string) => json(400, { errorMessages: [message], errors: {} });

/** Jira's global permissions the host answers for (ids as GET /rest/api/3/permissions lists them). */
const JIRA_PERMISSIONS: Record<string, { id: string; name: string; type: 'GLOBAL' | 'PROJECT'; description: string; granted: (u: AtlassianUser) => boolean }> = {
  ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL', description: 'Create and administer projects, issue types, fields, workflows, and schemes for all projects.', granted: (u) => u.admin },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT', description: 'Ability to browse projects and the issues within them.', granted: (u) => u.admin || u.groups.includes('jira-software-users') },
};

/**
 * The slice of Jira and Confluence Cloud REST the app uses. Grows with the features; an unknown
 * path answers 404 the way the products do, so a missing emulation shows up in tests at once.
 *
 * Admin checks answer for whoever the call runs as: asUser for that user, asApp for the app's own
 * account, which the host never treats as an administrator — so an app that checks a person's
 * rights with asApp() finds that nobody is an admin, instead of everybody.
 */
export function productRest(site: SiteDirectory, accounts: AccountStates) {
  /** A closed account stays resolvable by id but shows as a former user (no name, no e-mail). */
  const userJson = (u: AtlassianUser) =>
    accounts.isClosed(u.accountId)
      ? { accountId: u.accountId, accountType: 'atlassian', displayName: 'Former user', active: false }
      : { accountId: u.accountId, accountType: 'atlassian', displayName: u.displayName, emailAddress: u.email, active: true };

  function jira(principal: Principal, method: string, url: URL): Response {
    const path = url.pathname;
    if (principal.kind === 'anonymous') return json(401, { errorMessages: ['You are not authenticated.'] });
    const caller = principal.kind === 'user' ? accounts.active(principal.accountId) : undefined;
    if (principal.kind === 'user' && !caller) return json(401, { errorMessages: ['Unknown user.'] });
    if (method === 'GET' && path === '/rest/api/3/myself') {
      if (!caller) return json(404, { errorMessages: ['No user in an app-only call.'] });
      return json(200, userJson(caller));
    }
    if (method === 'GET' && path === '/rest/api/3/mypermissions') {
      const keys = (url.searchParams.get('permissions') ?? '').split(',').map((k) => k.trim()).filter(Boolean);
      if (!keys.length) return badRequest('The permissions query parameter is required.');
      const unknown = keys.find((k) => !JIRA_PERMISSIONS[k]);
      if (unknown) return badRequest(`The permission key '${unknown}' is not known to the local host.`);
      const permissions = Object.fromEntries(
        keys.map((k) => {
          const p = JIRA_PERMISSIONS[k] as (typeof JIRA_PERMISSIONS)[string];
          return [k, { id: p.id, key: k, name: p.name, type: p.type, description: p.description, havePermission: caller ? p.granted(caller) : false }];
        }),
      );
      return json(200, { permissions });
    }
    if (method === 'GET' && path === '/rest/api/3/user') {
      const u = site.userById(url.searchParams.get('accountId') ?? '');
      return u ? json(200, userJson(u)) : notFound('The user');
    }
    if (method === 'GET' && path === '/rest/api/3/user/bulk') {
      const ids = url.searchParams.getAll('accountId');
      if (!ids.length) return badRequest('Specify at least one accountId.');
      const startAt = Math.max(0, Number(url.searchParams.get('startAt') ?? 0) || 0);
      const maxResults = Math.max(1, Number(url.searchParams.get('maxResults') ?? 10) || 10);
      const found = ids.map((id) => site.userById(id)).filter((u): u is AtlassianUser => !!u);
      const page = found.slice(startAt, startAt + maxResults);
      return json(200, { maxResults, startAt, total: found.length, isLast: startAt + page.length >= found.length, values: page.map(userJson) });
    }
    const issueMatch = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9]*-\d+|\d+)$/.exec(path);
    if (method === 'GET' && issueMatch) {
      const issue = site.issue(issueMatch[1] ?? '');
      if (!issue) return notFound('The issue');
      const person = (key?: string) => {
        const u = key ? site.userByKey(key) : undefined;
        return u ? userJson(u) : null;
      };
      return json(200, {
        id: issue.id,
        key: issue.key,
        fields: { summary: issue.summary, status: { name: issue.status }, project: { key: issue.projectKey }, assignee: person(issue.assignee), reporter: person(issue.reporter) },
      });
    }
    return notFound(`${method} ${path}`);
  }

  /** Confluence's OperationCheckResult list for `expand=operations` (v1 user/current). */
  const confluenceOperations = (u: AtlassianUser | undefined) => [
    ...(u && (u.admin || u.groups.includes('confluence-users')) ? [{ operation: 'use', targetType: 'application' }, { operation: 'create_space', targetType: 'application' }] : []),
    ...(u?.admin ? [{ operation: 'administer', targetType: 'application' }] : []),
  ];

  function confluence(principal: Principal, method: string, url: URL): Response {
    const path = url.pathname;
    if (method === 'GET' && path === '/wiki/rest/api/user/current') {
      const expand = (url.searchParams.get('expand') ?? '').split(',').map((e) => e.trim());
      const withOperations = (body: Record<string, unknown>, u: AtlassianUser | undefined) =>
        expand.includes('operations') ? { ...body, operations: confluenceOperations(u) } : { ...body, _expandable: { operations: '', personalSpace: '' } };
      if (principal.kind !== 'user') return json(200, withOperations({ type: 'anonymous', displayName: 'Anonymous' }, undefined));
      const u = accounts.active(principal.accountId);
      return u ? json(200, withOperations({ type: 'known', ...userJson(u), publicName: u.displayName, email: u.email }, u)) : json(401, { message: 'Unknown user.' });
    }
    const pageMatch = /^\/wiki\/api\/v2\/pages\/(\d+)$/.exec(path);
    if (method === 'GET' && pageMatch) {
      const page = site.page(pageMatch[1] ?? '');
      if (!page) return json(404, { errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found' }] });
      return json(200, { id: page.id, title: page.title, spaceId: page.spaceKey, status: 'current' });
    }
    return json(404, { errors: [{ status: 404, code: 'NOT_FOUND', title: `No emulation for ${method} ${path}` }] });
  }

  return { jira, confluence };
}
