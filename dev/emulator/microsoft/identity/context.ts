import type { Context } from 'hono';
import type { Directory, Principal, Tenant } from '../data/directory';
import type { ConsentStore } from './consents';
import type { Registration, Registrations } from './registrations';
import type { TokenService } from './tokens';

export interface IdentityDeps {
  origin: string;
  directory: Directory;
  registrations: Registrations;
  consents: ConsentStore;
  tokens: TokenService;
  now: () => number;
  countTokenRequest: () => void;
}

const MULTI_TENANT = new Set(['common', 'organizations']);

/** `common` and `organizations` name no tenant; the signed-in person's home tenant decides. */
export const resolveTenant = (directory: Directory, ref: string): Tenant | 'multi' | undefined =>
  MULTI_TENANT.has(ref.toLowerCase()) ? 'multi' : directory.tenantByRef(ref);

/** For a tenant path: its members and guests; for common/organizations: everyone, at home. */
export const candidates = (directory: Directory, tenant: Tenant | 'multi'): Principal[] =>
  tenant === 'multi'
    ? directory.principals.filter((p) => p.userType === 'Member')
    : directory.principals.filter((p) => p.tenantId === tenant.id);

// Entra refuses to render its pages in a frame; so does the emulator, so the app cannot rely on it.
const PAGE_HEADERS = {
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
};

export const page = (c: Context, html: string, status: 200 | 400 = 200): Response => c.html(html, status, PAGE_HEADERS);

export const redirectWith = (c: Context, redirectUri: string, params: Record<string, string | undefined>): Response => {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return c.redirect(url.toString(), 302);
};

export const tenantNotFound = (ref: string): string =>
  `Tenant '${ref}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. ` +
  'Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.';

export const appNotFound = (clientId: string, directoryName: string): string =>
  `Application with identifier '${clientId}' was not found in the directory '${directoryName}'. This can happen if the ` +
  'application has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
  'You may have sent your authentication request to the wrong tenant.';

export const notMultiTenant = (r: Registration): string =>
  `Application '${r.clientId}'(${r.displayName}) is not configured as a multi-tenant application. Usage of the /common ` +
  "endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.";

export const redirectMismatch = (redirectUri: string, clientId: string): string =>
  `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application ` +
  `'${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. ` +
  'Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.';

export type AppLookup = { ok: true; app: Registration } | { ok: false; aadsts: 700016 | 50194; message: string };

/**
 * The registration a sign-in may use in `tenant`. A single-tenant app exists only in its home tenant
 * (AADSTS700016 elsewhere) and cannot use `common`/`organizations` (AADSTS50194). A multi-tenant app may
 * be used anywhere interactively: consenting there creates its service principal.
 */
export const lookUpApp = (d: IdentityDeps, clientId: string, tenant: Tenant | 'multi', tenantRef: string): AppLookup => {
  const app = d.registrations.byClientId(clientId);
  const directoryName = tenant === 'multi' ? tenantRef : tenant.displayName;
  if (!app) return { ok: false, aadsts: 700016, message: appNotFound(clientId, directoryName) };
  if (app.signInAudience === 'AzureADMyOrg') {
    if (tenant === 'multi') return { ok: false, aadsts: 50194, message: notMultiTenant(app) };
    if (tenant.id !== app.homeTenantId) return { ok: false, aadsts: 700016, message: appNotFound(clientId, directoryName) };
  }
  return { ok: true, app };
};

/** A signed-in principal in a tenant where a single-tenant app does not exist. */
export const homeOnlyMismatch = (d: IdentityDeps, app: Registration, p: Principal): string | undefined => {
  if (app.signInAudience !== 'AzureADMyOrg' || p.tenantId === app.homeTenantId) return undefined;
  return appNotFound(app.clientId, d.directory.tenantById(p.tenantId)?.displayName ?? p.tenantId);
};
