import type { Directory, Principal } from '../data/directory';
import type { MicrosoftFixture, UserConsentSetting } from '../fixture';

/**
 * A permission grant in one tenant, shaped like Graph's `oAuth2PermissionGrant` (`consentType`,
 * `principalId`, `scope`) plus the application permissions (app role assignments) an admin granted.
 */
export interface ConsentGrant {
  tenantId: string;
  clientId: string;
  consentType: 'AllPrincipals' | 'Principal';
  /** The user's object id, for `Principal` grants. */
  principalId?: string;
  /** Delegated permissions and OpenID Connect scopes, in their registered spelling. */
  scopes: string[];
  appRoles: string[];
}

export interface ConsentStore {
  /** What `principal` may get for `clientId` in its tenant without being asked: tenant-wide plus their own grants. */
  granted(tenantId: string, clientId: string, principalOid?: string): string[];
  appRoles(tenantId: string, clientId: string): string[];
  /**
   * Whether the app has a service principal in the tenant: any consent creates one
   * (learn.microsoft.com/entra/identity-platform/how-applications-are-added).
   */
  provisioned(tenantId: string, clientId: string): boolean;
  /** Adds to an existing grant of the same kind, as consenting again with more scopes does. */
  grant(g: Omit<ConsentGrant, 'appRoles'> & { appRoles?: string[] }): void;
  list(): ConsentGrant[];
  /** Back to the fixture's grants. */
  reset(): void;
}

const union = (a: readonly string[], b: readonly string[]): string[] => {
  const out = [...a];
  for (const s of b) if (!out.some((x) => x.toLowerCase() === s.toLowerCase())) out.push(s);
  return out;
};

export const createConsentStore = (fixture: MicrosoftFixture, directory: Directory): ConsentStore => {
  const initial = (): ConsentGrant[] => (fixture.consents ?? []).map((c) => {
    const tenant = directory.tenants.find((t) => t.key === c.tenant);
    if (!tenant) throw new Error(`Consent for ${c.clientId} names unknown tenant '${c.tenant}'`);
    if (c.user === undefined) {
      return { tenantId: tenant.id, clientId: c.clientId, consentType: 'AllPrincipals', scopes: [...c.scopes], appRoles: [...(c.appRoles ?? [])] };
    }
    const who = directory.in(tenant.id, c.user);
    if (!who) throw new Error(`Consent for ${c.clientId} names '${c.user}', who has no account in ${c.tenant}`);
    return { tenantId: tenant.id, clientId: c.clientId, consentType: 'Principal', principalId: who.oid, scopes: [...c.scopes], appRoles: [] };
  });
  let grants = initial();

  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  const forApp = (tenantId: string, clientId: string): ConsentGrant[] =>
    grants.filter((g) => g.tenantId === tenantId && same(g.clientId, clientId));

  return {
    granted: (tenantId, clientId, principalOid) => forApp(tenantId, clientId)
      .filter((g) => g.consentType === 'AllPrincipals' || (principalOid !== undefined && g.principalId === principalOid))
      .reduce<string[]>((acc, g) => union(acc, g.scopes), []),
    appRoles: (tenantId, clientId) => forApp(tenantId, clientId).reduce<string[]>((acc, g) => union(acc, g.appRoles), []),
    provisioned: (tenantId, clientId) => forApp(tenantId, clientId).length > 0,
    grant: (g) => {
      const existing = forApp(g.tenantId, g.clientId)
        .find((x) => x.consentType === g.consentType && x.principalId === g.principalId);
      if (existing) {
        existing.scopes = union(existing.scopes, g.scopes);
        existing.appRoles = union(existing.appRoles, g.appRoles ?? []);
        return;
      }
      grants.push({ ...g, scopes: union([], g.scopes), appRoles: union([], g.appRoles ?? []) });
    },
    list: () => grants.map((g) => ({ ...g, scopes: [...g.scopes], appRoles: [...g.appRoles] })),
    reset: () => { grants = initial(); },
  };
};

// Microsoft's default since mid-2025 ("Let Microsoft manage your consent settings",
// microsoft-user-default-recommended) blocks a growing list of permissions: Files.*.All and Sites.*.All
// first, then mail, calendar, Teams chat and meetings, then contacts, people and tasks. The emulator
// allows only what is low risk and is therefore stricter than that list, never more lenient.
const LOW_RISK = new Set(['openid', 'profile', 'email', 'offline_access', 'user.read']);

// Delegated Graph permissions marked "Admin consent required: Yes" in the Graph permissions reference
// (learn.microsoft.com/graph/permissions-reference); nobody but an admin can grant them, whatever the setting.
const ADMIN_ONLY = new Set(['user.read.all', 'directory.read.all', 'sites.fullcontrol.all', 'channelmessage.read.all']);

/** Whether a user (not an admin) may consent to `scope` for themselves under the tenant's setting. */
export const userMayConsent = (setting: UserConsentSetting, scope: string): boolean => {
  const s = scope.toLowerCase();
  if (ADMIN_ONLY.has(s)) return false;
  return setting === 'allow-user-consent' || LOW_RISK.has(s);
};

// Roles that may grant tenant-wide consent to delegated permissions, and the narrower set that may also
// grant Microsoft Graph application permissions (learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent).
const DELEGATED_CONSENT_ROLES = new Set(['Global Administrator', 'Privileged Role Administrator', 'Cloud Application Administrator', 'Application Administrator']);
const APP_ROLE_CONSENT_ROLES = new Set(['Global Administrator', 'Privileged Role Administrator']);

export const mayGrantForOrganization = (p: Principal): boolean => p.roles.some((r) => DELEGATED_CONSENT_ROLES.has(r));
/**
 * The user consent prompt's "Consent on behalf of your organization" box shows only for Global
 * Administrators (learn.microsoft.com/entra/identity-platform/application-consent-experience).
 */
export const seesOrganizationBox = (p: Principal): boolean => p.roles.includes('Global Administrator');
export const mayGrantAppRoles = (p: Principal): boolean => p.roles.some((r) => APP_ROLE_CONSENT_ROLES.has(r));
