import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AccountStates } from './products/accounts';
import type { SiteDirectory } from './products/site';
import type { AtlassianUser } from './products/tenant';

const USER_COOKIE = 'forge_local_as';

/**
 * Who is logged in to the product: the user a cookie names, set by `?as=<user key>` (product pages
 * only). Without that cookie — or with one naming nobody — the visitor is anonymous, as in production,
 * where a browser without an Atlassian session is an anonymous visitor and nobody is logged in by
 * default (access-to-forge-apps-for-unlicensed-users: the `anonymous` user type is a visitor not logged
 * in to an Atlassian account).
 * The start page and a banner on every product page offer the demo accounts instead. A closed account
 * is logged out everywhere: its pages render for an anonymous visitor and its invocations carry no principal.
 */
export function productSession(site: SiteDirectory, accounts: AccountStates) {
  const usable = (u: AtlassianUser | undefined) => (u && !accounts.isClosed(u.accountId) ? u : undefined);
  return function currentUser(c: Context, allowSwitch: boolean): AtlassianUser | undefined {
    const requested = allowSwitch ? c.req.query('as') : undefined;
    if (requested !== undefined) {
      const user = site.userByKey(requested);
      setCookie(c, USER_COOKIE, user ? user.key : 'anonymous', { path: '/', sameSite: 'Lax', httpOnly: true });
      return usable(user);
    }
    const fromCookie = getCookie(c, USER_COOKIE);
    return usable(fromCookie ? site.userByKey(fromCookie) : undefined);
  };
}

export type CurrentUser = ReturnType<typeof productSession>;
