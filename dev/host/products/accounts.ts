import type { SiteDirectory } from './site';
import type { AtlassianUser } from './tenant';

/**
 * When a fixture user's Atlassian profile last changed, unless the fixture says otherwise. Before
 * any date an app can have stored, so a fresh host reports nothing as `updated`.
 */
const DEFAULT_PROFILE_UPDATED_AT = '2024-01-01T00:00:00.000Z';

/**
 * What happens to Atlassian accounts while the host runs: an account closed (the person left the
 * organisation, or asked to be forgotten) or a profile changed. The personal data reporting API
 * and the product REST read it; `reset` reopens every account.
 */
export function accountStates(site: SiteDirectory, now: () => number) {
  const closed = new Set<string>();
  const touched = new Map<string, number>();

  const find = (userKeyOrAccountId: string): AtlassianUser | undefined => site.userByKey(userKeyOrAccountId) ?? site.userById(userKeyOrAccountId);

  return {
    find,
    isClosed: (accountId: string) => closed.has(accountId),
    /** The user behind an account that can still sign in and act. */
    active(accountId: string): AtlassianUser | undefined {
      return closed.has(accountId) ? undefined : site.userById(accountId);
    },
    close(user: AtlassianUser) {
      closed.add(user.accountId);
    },
    /** Records a profile change (name, e-mail …) at the host clock's now. */
    touch(user: AtlassianUser): number {
      const at = now();
      touched.set(user.accountId, at);
      return at;
    },
    profileUpdatedAt(user: AtlassianUser): number {
      return touched.get(user.accountId) ?? Date.parse(user.profileUpdatedAt ?? DEFAULT_PROFILE_UPDATED_AT);
    },
    reset() {
      closed.clear();
      touched.clear();
    },
    snapshot() {
      return {
        closed: [...closed],
        profileUpdatedAt: Object.fromEntries(site.fixture.users.map((u) => [u.accountId, new Date(touched.get(u.accountId) ?? Date.parse(u.profileUpdatedAt ?? DEFAULT_PROFILE_UPDATED_AT)).toISOString()])),
      };
    },
  };
}

export type AccountStates = ReturnType<typeof accountStates>;
