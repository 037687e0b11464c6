import type { Grantee } from '../fixture';
import type { Principal } from './directory';

/** Who may read a securable (site, list, folder, file, item) — the effective set, precomputed. */
export interface Access {
  readonly users: ReadonlySet<string>;
  readonly members: boolean;
  readonly everyone: boolean;
}

export const accessOf = (grantees: readonly Grantee[]): Access => ({
  users: new Set(grantees.filter((g) => g !== 'members' && g !== 'everyone')),
  members: grantees.includes('members'),
  everyone: grantees.includes('everyone'),
});

export const unionAccess = (parts: readonly Access[]): Access => ({
  users: new Set(parts.flatMap((a) => [...a.users])),
  members: parts.some((a) => a.members),
  everyone: parts.some((a) => a.everyone),
});

/** The caller must already be known to belong to the securable's tenant. */
export const allows = (a: Access, p: Principal): boolean =>
  a.everyone || (a.members && p.userType === 'Member') || a.users.has(p.person);
