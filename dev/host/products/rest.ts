import type { SiteDirectory } from './site';

/** Who a product REST call runs as: the app's own identity or a user (asUser). */
export type Principal = { kind: 'app' } | { kind: 'user'; accountId: string } | { kind: 'anonymous' };

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const notFound = (what: string) => json(404, { errorMessages: [`${what} does not exist or you do not have permission to see it.`], errors: {} });

/**
 * The slice of Jira and Confluence Cloud REST the app uses. Grows with the features; an unknown
 * path answers 404 the way the products do, so a missing emulation shows up in tests at once.
 */
export function productRest(site: SiteDirectory) {
  const userJson = (u: NonNullable<ReturnType<SiteDirectory['userById']>>) => ({
    accountId: u.accountId,
    accountType: 'atlassian',
    displayName: u.displayName,
    emailAddress: u.email,
    active: true,
  });

  function jira(principal: Principal, method: string, url: URL): Response {
    const path = url.pathname;
    if (principal.kind === 'anonymous') return json(401, { errorMessages: ['You are not authenticated.'] });
    if (method === 'GET' && path === '/rest/api/3/myself') {
      if (principal.kind !== 'user') return json(404, { errorMessages: ['No user in an app-only call.'] });
      const u = site.userById(principal.accountId);
      return u ? json(200, userJson(u)) : json(401, { errorMessages: ['Unknown user.'] });
    }
    if (method === 'GET' && path === '/rest/api/3/user') {
      const u = site.userById(url.searchParams.get('accountId') ?? '');
      return u ? json(200, userJson(u)) : notFound('The user');
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

  function confluence(principal: Principal, method: string, url: URL): Response {
    const path = url.pathname;
    if (method === 'GET' && path === '/wiki/rest/api/user/current') {
      if (principal.kind !== 'user') return json(200, { type: 'anonymous', displayName: 'Anonymous' });
      const u = site.userById(principal.accountId);
      return u ? json(200, { type: 'known', ...userJson(u) }) : json(401, { message: 'Unknown user.' });
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
