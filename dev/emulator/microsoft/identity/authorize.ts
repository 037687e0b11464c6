import { randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Principal, Tenant } from '../data/directory';
import { mayGrantForOrganization, seesOrganizationBox, userMayConsent } from './consents';
import {
  candidates, homeOnlyMismatch, type IdentityDeps, lookUpApp, page, redirectMismatch, redirectWith, resolveTenant, tenantNotFound,
} from './context';
import { consentPage, errorPage, needAdminApprovalPage, signInPage } from './pages';
import { type GrantedScopes, lacking, parseScopes, scopeList } from './scopes';

/** An authorize request between the sign-in page and the consent page. */
interface Pending {
  tenantRef: string;
  tenant: Tenant | 'multi';
  clientId: string;
  appName: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  prompt?: string;
  codeChallenge: string;
  scopes: GrantedScopes;
  account?: Principal;
  /** What the consent page asked for. */
  asked?: string[];
  createdAt: number;
}

const PENDING_LIFETIME_MS = 30 * 60_000;

/** `/{tenant}/oauth2/v2.0/authorize`: account picker, consent (only for what is not granted yet), code. */
export const authorizeRoutes = (d: IdentityDeps): { app: Hono; reset(): void } => {
  let pending = new Map<string, Pending>();
  const app = new Hono();

  const action = (tenantRef: string): string => `${d.origin}/login/${encodeURIComponent(tenantRef)}/oauth2/v2.0/authorize`;

  const pickAccount = (c: Context, txn: string, p: Pending): Response =>
    page(c, signInPage({
      action: action(p.tenantRef), txn, appName: p.appName, candidates: candidates(d.directory, p.tenant), directory: d.directory,
    }));

  const issueCode = (c: Context, txn: string, p: Pending, account: Principal): Response => {
    pending.delete(txn);
    const code = d.tokens.issueCode({
      principal: account, scopes: p.scopes, clientId: p.clientId, redirectUri: p.redirectUri,
      codeChallenge: p.codeChallenge, ...(p.nonce !== undefined ? { nonce: p.nonce } : {}),
    });
    return redirectWith(c, p.redirectUri, { code, state: p.state, session_state: randomUUID() });
  };

  /**
   * After sign-in: nothing to ask → straight back with a code (Entra shows no prompt for what is
   * consented); otherwise the consent page, or "Need admin approval" when the tenant's setting does not let
   * this user grant something that is missing.
   */
  const decide = (c: Context, txn: string, p: Pending, account: Principal): Response => {
    const app = d.registrations.byClientId(p.clientId);
    if (!app) return page(c, errorPage(700016, 'The application no longer exists.'), 400);
    const mismatch = homeOnlyMismatch(d, app, account);
    if (mismatch) return page(c, errorPage(700016, mismatch), 400);
    const tenant = d.directory.tenantById(account.tenantId);
    if (!tenant) return page(c, errorPage(90002, 'The account’s tenant no longer exists.'), 400);

    const requested = scopeList(p.scopes);
    const missing = lacking(requested, d.consents.granted(account.tenantId, p.clientId, account.oid));
    const asked = p.prompt === 'consent' ? requested : missing;
    if (asked.length === 0) return issueCode(c, txn, p, account);

    const admin = mayGrantForOrganization(account);
    const blocked = admin ? [] : missing.filter((s) => !userMayConsent(tenant.userConsent, s));
    if (blocked.length > 0) {
      return page(c, needAdminApprovalPage({ action: action(p.tenantRef), txn, appName: p.appName, account, aadsts: 90094 }));
    }
    p.asked = asked;
    return page(c, consentPage({
      action: action(p.tenantRef), txn, appName: p.appName, account, scopes: asked, offerOrganization: seesOrganizationBox(account),
    }));
  };

  app.get('/login/:tenant/oauth2/v2.0/authorize', (c) => {
    const tenantRef = c.req.param('tenant');
    const q = (k: string): string | undefined => c.req.query(k);
    const tenant = resolveTenant(d.directory, tenantRef);
    if (!tenant) return page(c, errorPage(90002, tenantNotFound(tenantRef)), 400);
    const clientId = q('client_id') ?? '';
    const found = lookUpApp(d, clientId, tenant, tenantRef);
    if (!found.ok) return page(c, errorPage(found.aadsts, found.message), 400);
    const redirectUri = q('redirect_uri') ?? '';
    if (!found.app.redirectUris().includes(redirectUri)) {
      return page(c, errorPage(50011, redirectMismatch(redirectUri, found.app.clientId)), 400);
    }
    // From here on the redirect URI is trusted, so Entra reports problems to it instead of showing a page.
    const state = q('state');
    const fail = (error: string, aadsts: number, text: string): Response =>
      redirectWith(c, redirectUri, { error, error_description: `AADSTS${aadsts}: ${text}`, state });
    if (q('response_type') !== 'code') {
      return fail('unsupported_response_type', 700054, `response_type '${q('response_type') ?? ''}' is not enabled for the application.`);
    }
    const mode = q('response_mode');
    if (mode !== undefined && mode !== 'query') return fail('invalid_request', 900144, `The response_mode '${mode}' is not supported by this emulator; use 'query'.`);
    const challenge = q('code_challenge');
    if (!challenge) return fail('invalid_request', 9002325, 'Proof Key for Code Exchange is required for cross-origin authorization code redemption.');
    if (q('code_challenge_method') !== 'S256') return fail('invalid_request', 501491, "Invalid value for 'code_challenge_method'. Only 'S256' is accepted.");
    const scopes = parseScopes(q('scope') ?? '', found.app.requiredPermissions);
    if (!scopes.ok) return fail('invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope '${scopes.invalid}' is not valid.`);
    if (q('prompt') === 'none') return fail('login_required', 50058, 'A silent sign-in request was sent but no user is signed in.');

    const txn = randomBytes(24).toString('base64url');
    const p: Pending = {
      tenantRef, tenant, clientId: found.app.clientId, appName: found.app.displayName, redirectUri,
      codeChallenge: challenge, scopes: scopes.value, createdAt: d.now(),
      ...(state !== undefined ? { state } : {}), ...(q('nonce') !== undefined ? { nonce: q('nonce') } : {}),
      ...(q('prompt') !== undefined ? { prompt: q('prompt') } : {}),
    };
    pending.set(txn, p);
    return pickAccount(c, txn, p);
  });

  app.post('/login/:tenant/oauth2/v2.0/authorize', async (c) => {
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
      p.account = account;
      return decide(c, txn, p, account);
    }
    if (step === 'consent' && p.account && p.asked) {
      if (field('decision') !== 'accept') {
        pending.delete(txn);
        return redirectWith(c, p.redirectUri, {
          error: 'access_denied', error_subcode: 'cancel',
          error_description: 'AADSTS65004: User declined to consent to access the app.', state: p.state,
        });
      }
      const forOrganization = field('for_organization') === 'true' && seesOrganizationBox(p.account);
      d.consents.grant({
        tenantId: p.account.tenantId, clientId: p.clientId, scopes: p.asked,
        ...(forOrganization ? { consentType: 'AllPrincipals' as const } : { consentType: 'Principal' as const, principalId: p.account.oid }),
      });
      return issueCode(c, txn, p, p.account);
    }
    if (step === 'approval' && p.account) {
      if (field('decision') === 'switch') {
        delete p.account;
        return pickAccount(c, txn, p);
      }
      // Entra was seen answering with no description (MicrosoftDocs/azure-docs#41053): an app cannot tell
      // this from a cancelled prompt, so the emulator gives no more away.
      pending.delete(txn);
      return redirectWith(c, p.redirectUri, { error: 'access_denied', error_subcode: 'cancel', state: p.state });
    }
    return page(c, errorPage(900144, 'The sign-in form was incomplete.'), 400);
  });

  return { app, reset: () => { pending = new Map(); } };
};
