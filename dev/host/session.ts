import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AccountStates } from './products/accounts';
import type { AtlassianUser, SiteDirectory } from './products/site';

const USER_COOKIE = 'forge_local_as';

/**
 * Who is logged in to the product: a cookie set by `?as=<user key>` (product pages only), the
 * site admin by default. A closed account is logged out everywhere: its pages render for an
 * anonymous visitor and its invocations carry no principal.
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
    if (fromCookie === 'anonymous') return undefined;
    return usable((fromCookie && site.userByKey(fromCookie)) || site.fixture.users.find((u) => u.admin));
  };
}

export type CurrentUser = ReturnType<typeof productSession>;
