import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Principal, Tenant } from '../data/directory';
import { mayGrantAppRoles, mayGrantForOrganization } from './consents';
import {
  candidates, homeOnlyMismatch, type IdentityDeps, lookUpApp, page, redirectMismatch, redirectWith, resolveTenant, tenantNotFound,
} from './context';
import { adminConsentPage, errorPage, needAdminApprovalPage, signInPage } from './pages';
import { asksDefault, parseScopes, scopeList, scopeUri } from './scopes';

interface Pending {
  tenantRef: string;
  tenant: Tenant | 'multi';
  clientId: string;
  appName: string;
  redirectUri: string;
  state?: string;
  /** Delegated permissions and OIDC scopes to grant tenant-wide. */
  scopes: string[];
  /** Application permissions, asked for only through `/.default`. */
  appRoles: string[];
  account?: Principal;
  createdAt: number;
}

const PENDING_LIFETIME_MS = 30 * 60_000;

/**
 * `GET /{tenant}/v2.0/adminconsent?client_id&scope&redirect_uri&state`: an administrator signs in and
 * grants the scopes for everybody in their tenant (learn.microsoft.com/entra/identity-platform/v2-admin-consent).
 */
export const adminConsentRoutes = (d: IdentityDeps): { app: Hono; reset(): void } => {
  let pending = new Map<string, Pending>();
  const app = new Hono();

  const action = (tenantRef: string): string => `${d.origin}/login/${encodeURIComponent(tenantRef)}/v2.0/adminconsent`;

  const pickAccount = (c: Context, txn: string, p: Pending): Response =>
    page(c, signInPage({
      action: action(p.tenantRef), txn, appName: p.appName, candidates: candidates(d.directory, p.tenant), directory: d.directory,
    }));

  app.get('/login/:tenant/v2.0/adminconsent', (c) => {
    const tenantRef = c.req.param('tenant');
    const q = (k: string): string | undefined => c.req.query(k);
    const tenant = resolveTenant(d.directory, tenantRef);
    if (!tenant) return page(c, errorPage(90002, tenantNotFound(tenantRef)), 400);
    const found = lookUpApp(d, q('client_id') ?? '', tenant, tenantRef);
    if (!found.ok) return page(c, errorPage(found.aadsts, found.message), 400);
    const redirectUri = q('redirect_uri') ?? '';
    if (!found.app.redirectUris().includes(redirectUri)) {
      return page(c, errorPage(50011, redirectMismatch(redirectUri, found.app.clientId)), 400);
    }
    const state = q('state');
    const fail = (error: string, aadsts: number, text: string): Response =>
      redirectWith(c, redirectUri, { error, error_description: `AADSTS${aadsts}: ${text}`, state, admin_consent: 'True' });
    const raw = q('scope');
    if (!raw?.trim()) return fail('invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
    const parsed = parseScopes(raw, found.app.requiredPermissions);
    if (!parsed.ok) return fail('invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope '${parsed.invalid}' is not valid.`);

    const txn = randomBytes(24).toString('base64url');
    const p: Pending = {
      tenantRef, tenant, clientId: found.app.clientId, appName: found.app.displayName, redirectUri,
      scopes: scopeList(parsed.value), appRoles: asksDefault(raw) ? [...found.app.applicationPermissions] : [],
      createdAt: d.now(), ...(state !== undefined ? { state } : {}),
    };
    pending.set(txn, p);
    return pickAccount(c, txn, p);
  });

  app.post('/login/:tenant/v2.0/adminconsent', async (c) => {
    const form = await c.req.parseBody();
    const field = (k: string): string => (typeof form[k] === 'string' ? (form[k]) : '');
    const txn = field('txn');
    const p = pending.get(txn);
    if (!p || d.now() - p.createdAt > PENDING_LIFETIME_MS) {
      return page(c, errorPage(50058, 'Your sign-in session has expired or is unknown. Start again from the app.'), 400);
    }
    const step = field('step');
    if (step === 'signin') {
      const account = candidates(d.directory, p.tenant).find((x) => `${x.tenantId}:${x.oid}` === field('account'));
      if (!account) return page(c, errorPage(50034, 'The user account does not exist in this directory.'), 400);
      const registration = d.registrations.byClientId(p.clientId);
      const mismatch = registration ? homeOnlyMismatch(d, registration, account) : undefined;
      if (mismatch) return page(c, errorPage(700016, mismatch), 400);
      p.account = account;
      // Only an administrator may consent for the organization; Graph app roles need a more privileged role.
      if (!mayGrantForOrganization(account) || (p.appRoles.length > 0 && !mayGrantAppRoles(account))) {
        return page(c, needAdminApprovalPage({ action: action(p.tenantRef), txn, appName: p.appName, account, aadsts: 90093 }));
      }
      return page(c, adminConsentPage({
        action: action(p.tenantRef), txn, appName: p.appName, account, scopes: p.scopes, appRoles: p.appRoles,
        tenantName: d.directory.tenantById(account.tenantId)?.displayName ?? account.tenantId,
      }));
    }
    if (step === 'consent' && p.account && mayGrantForOrganization(p.account)) {
      pending.delete(txn);
      if (field('decision') !== 'accept') {
        // The shape of the v2 endpoint's documented error response.
        return redirectWith(c, p.redirectUri, {
          error: 'consent_required', error_description: 'AADSTS65004: The resource owner or authorization server denied the request.',
          state: p.state, admin_consent: 'True',
        });
      }
      d.consents.grant({
        tenantId: p.account.tenantId, clientId: p.clientId, consentType: 'AllPrincipals', scopes: p.scopes, appRoles: p.appRoles,
      });
      return redirectWith(c, p.redirectUri, {
        admin_consent: 'True', tenant: p.account.tenantId,
        scope: [...p.scopes.map(scopeUri), ...p.appRoles.map(scopeUri)].join(' '), state: p.state,
      });
    }
    if (step === 'approval' && p.account) {
      if (field('decision') === 'switch') {
        delete p.account;
        return pickAccount(c, txn, p);
      }
      pending.delete(txn);
      // As seen from Entra for a non-admin at the admin consent endpoint (MicrosoftDocs/azure-docs#41053).
      return redirectWith(c, p.redirectUri, { error: 'access_denied', error_subcode: 'cancel', state: p.state });
    }
    return page(c, errorPage(900144, 'The sign-in form was incomplete.'), 400);
  });

  return { app, reset: () => { pending = new Map(); } };
};
