import type { DirectoryRole, MicrosoftFixture, UserConsentSetting } from '../fixture';

export interface Tenant {
  key: string;
  id: string;
  displayName: string;
  domains: string[];
  sharePointHost?: string;
  userConsent: UserConsentSetting;
}

/**
 * A user object in one tenant. A B2B guest is one person with two principals: a Member in the
 * home tenant and a Guest in the inviting tenant, each with its own object id and UPN.
 */
export interface Principal {
  person: string;
  tenantId: string;
  oid: string;
  userPrincipalName: string;
  mail: string;
  displayName: string;
  givenName: string;
  surname: string;
  jobTitle: string | null;
  userType: 'Member' | 'Guest';
  /** For guests: the home tenant that authenticates them. */
  homeTenantId: string;
  /** Directory roles in `tenantId`. */
  roles: DirectoryRole[];
}

export interface Directory {
  tenants: Tenant[];
  principals: Principal[];
  tenantByRef(ref: string): Tenant | undefined;
  tenantById(id: string): Tenant | undefined;
  principal(tenantId: string, oid: string): Principal | undefined;
  /** The Member principal in the person's home tenant. */
  home(person: string): Principal | undefined;
  /** The principal a person has in `tenantId`, if any (member or guest). */
  in(tenantId: string, person: string): Principal | undefined;
  /** Persons whose UPN or mail (in any tenant) equals `upnOrMail`, case-insensitively. */
  personsMatching(upnOrMail: string): string[];
}

export const buildDirectory = (fx: MicrosoftFixture): Directory => {
  const tenants: Tenant[] = fx.tenants.map((t) => ({
    ...t, domains: [...t.domains], userConsent: t.userConsent ?? 'microsoft-managed',
  }));
  const tenantByKey = new Map(tenants.map((t) => [t.key, t]));
  const requireTenant = (key: string): Tenant => {
    const t = tenantByKey.get(key);
    if (!t) throw new Error(`Fixture refers to unknown tenant '${key}'`);
    return t;
  };

  const principals: Principal[] = [];
  for (const u of fx.users) {
    const home = requireTenant(u.tenant);
    const common = {
      person: u.key, mail: u.mail, displayName: u.displayName, givenName: u.givenName,
      surname: u.surname, jobTitle: u.jobTitle ?? null, homeTenantId: home.id,
    };
    principals.push({
      ...common, tenantId: home.id, oid: u.id, userPrincipalName: u.userPrincipalName, userType: 'Member', roles: [...(u.roles ?? [])],
    });
    for (const g of u.guestIn ?? []) {
      const t = requireTenant(g.tenant);
      principals.push({
        ...common, tenantId: t.id, oid: g.id, userPrincipalName: g.userPrincipalName, userType: 'Guest', roles: [...(g.roles ?? [])],
      });
    }
  }

  const byOid = new Map(principals.map((p) => [`${p.tenantId}|${p.oid}`, p]));
  const byPerson = new Map(principals.map((p) => [`${p.tenantId}|${p.person}`, p]));

  return {
    tenants,
    principals,
    tenantByRef: (ref) => {
      const r = ref.toLowerCase();
      return tenants.find((t) => t.id.toLowerCase() === r || t.domains.some((d) => d.toLowerCase() === r));
    },
    tenantById: (id) => tenants.find((t) => t.id === id),
    principal: (tenantId, oid) => byOid.get(`${tenantId}|${oid}`),
    home: (person) => principals.find((p) => p.person === person && p.userType === 'Member'),
    in: (tenantId, person) => byPerson.get(`${tenantId}|${person}`),
    personsMatching: (upnOrMail) => {
      const v = upnOrMail.toLowerCase();
      return [...new Set(principals
        .filter((p) => p.userPrincipalName.toLowerCase() === v || p.mail.toLowerCase() === v)
        .map((p) => p.person))];
    },
  };
};
