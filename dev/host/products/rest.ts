import type { AccountStates } from './accounts';
import { confluenceRouter } from './confluence/router';
import { json, type Handled } from './http';
import type { JiraApi } from './jira/api';
import { APP_ACCOUNT_ID, type Who } from './jira/permissions';
import type { RenderContext } from './jira/render';
import { jiraRouter } from './jira/router';
import { appUserJson, userJson } from './jira/users';
import type { PointsMeter } from './points';
import type { SiteDirectory } from './site';

/** Who a product REST call runs as: the app's own identity, a user (asUser), or nobody (an unauthenticated `api.requestJira`). */
export type Principal = { kind: 'app' } | { kind: 'user'; accountId: string } | { kind: 'anonymous' };

/**
 * Jira and Confluence Cloud REST as the app reaches them through `__forge_fetch__`, metered in
 * points per product (products/points.ts). Handlers live in products/jira and products/confluence.
 *
 * Admin checks answer for whoever the call runs as: asUser for that user, asApp for the app's own
 * account, which the host never treats as an administrator — so an app that checks a person's
 * rights with asApp() finds that nobody is an admin, instead of everybody.
 */
export function productRest(site: SiteDirectory, accounts: AccountStates) {
  const siteUrl = site.fixture.siteUrl;
  const render: RenderContext = {
    siteUrl,
    user(accountId) {
      if (!accountId) return null;
      if (accountId === APP_ACCOUNT_ID) return appUserJson(siteUrl);
      const u = site.userById(accountId);
      return u ? userJson(siteUrl, accounts, u) : null;
    },
    project: (key) => site.jira.project(key),
    customFields: site.jira.customFields,
  };
  const api: JiraApi = { dir: site, jira: site.jira, accounts, siteUrl, render };
  const jiraRoute = jiraRouter(api);
  const confluenceRoute = confluenceRouter({ site: site.confluence, accounts, siteUrl, userJson: (u) => userJson(siteUrl, accounts, u), userById: (id) => site.userById(id) });

  /** A closed account cannot act any more: its token no longer works. */
  function who(p: Principal): Who | Response {
    if (p.kind !== 'user') return p;
    const user = accounts.active(p.accountId);
    return user ? { kind: 'user', user } : json(401, { errorMessages: ['Unknown user.'], errors: {} });
  }

  function metered(meter: PointsMeter, handle: () => Handled): Response {
    const refused = meter.admit();
    if (refused) return refused;
    const h = handle();
    meter.charge(h);
    const extra = meter.headers();
    if (!Object.keys(extra).length) return h.res;
    const headers = new Headers(h.res.headers);
    for (const [k, v] of Object.entries(extra)) headers.set(k, v);
    return new Response(h.res.body, { status: h.res.status, headers });
  }

  return {
    jira(principal: Principal, method: string, url: URL, body?: string): Response {
      const w = who(principal);
      if (w instanceof Response) return w;
      return metered(site.points.jira, () => jiraRoute({ who: w, method: method.toUpperCase(), url, ...(body !== undefined ? { body } : {}) }));
    },
    confluence(principal: Principal, method: string, url: URL): Response {
      const w = who(principal);
      if (w instanceof Response) return w;
      return metered(site.points.confluence, () => confluenceRoute(w, method.toUpperCase(), url));
    },
  };
}
