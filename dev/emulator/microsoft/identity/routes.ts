import { randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Directory, Principal, Tenant } from '../data/directory';
import { htmlPage } from '../html';
import { consentPage, errorPage, signInPage } from './pages';
import { type GrantedScopes, parseScopes } from './scopes';
import { tokenEndpoint } from './token-endpoint';
import type { TokenService } from './tokens';

export interface RegisteredApp {
  clientId: string;
  clientSecret: string;
  redirectUris: () => string[];
}

export interface IdentityDeps {
  origin: string;
  directory: Directory;
  appPermissions: readonly string[];
  app: RegisteredApp;
  tokens: TokenService;
  now: () => number;
  countTokenRequest: () => void;
}

/** An authorize request between the sign-in page and the consent page. */
interface Pending {
  tenantRef: string;
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  codeChallenge: string;
  scopes: GrantedScopes;
  account?: Principal;
  createdAt: number;
}

const PENDING_LIFETIME_MS = 30 * 60_000;
const MULTI_TENANT = new Set(['common', 'organizations']);

// Entra refuses to render its pages in a frame; so does the emulator, so the app cannot rely on it.
const PAGE_HEADERS = {
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
};

export const identityRoutes = (d: IdentityDeps): { app: Hono; reset(): void } => {
  let pending = new Map<string, Pending>();
  const app = new Hono();

  const page = (c: Context, html: string, status: 200 | 400 = 200): Response => c.html(html, status, PAGE_HEADERS);

  const resolveTenant = (ref: string): Tenant | 'multi' | undefined =>
    MULTI_TENANT.has(ref.toLowerCase()) ? 'multi' : d.directory.tenantByRef(ref);

  /** For a tenant path: its members and guests; for common/organizations: everyone, at home. */
  const candidates = (tenantRef: string): Principal[] => {
    const t = resolveTenant(tenantRef);
    if (t === undefined) return [];
    if (t === 'multi') return d.directory.principals.filter((p) => p.userType === 'Member');
    return d.directory.principals.filter((p) => p.tenantId === t.id);
  };

  const redirectWith = (c: Context, redirectUri: string, params: Record<string, string | undefined>): Response => {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return c.redirect(url.toString(), 302);
  };

  const authorizeAction = (tenantRef: string): string =>
    `${d.origin}/login/${encodeURIComponent(tenantRef)}/oauth2/v2.0/authorize`;

  app.get('/login/:tenant/oauth2/v2.0/authorize', (c) => {
    const tenantRef = c.req.param('tenant');
    const q = (k: string): string | undefined => c.req.query(k);
    const tenant = resolveTenant(tenantRef);
    if (!tenant) return page(c, errorPage(90002, `Tenant '${tenantRef}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`), 400);
    const clientId = q('client_id') ?? '';
    if (clientId !== d.app.clientId) {
      return page(c, errorPage(700016, `Application with identifier '${clientId}' was not found in the directory '${tenantRef}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`), 400);
    }
    const redirectUri = q('redirect_uri') ?? '';
    if (!d.app.redirectUris().includes(redirectUri)) {
      return page(c, errorPage(50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`), 400);
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
    const scopes = parseScopes(q('scope') ?? '', d.appPermissions);
    if (!scopes.ok) return fail('invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope '${scopes.invalid}' is not valid.`);
    if (q('prompt') === 'none') return fail('login_required', 50058, 'A silent sign-in request was sent but no user is signed in.');

    const txn = randomBytes(24).toString('base64url');
    pending.set(txn, {
      tenantRef, clientId, redirectUri, codeChallenge: challenge, scopes: scopes.value, createdAt: d.now(),
      ...(state !== undefined ? { state } : {}), ...(q('nonce') !== undefined ? { nonce: q('nonce') } : {}),
    });
    return page(c, signInPage({
      action: authorizeAction(tenantRef), txn, clientId, candidates: candidates(tenantRef), directory: d.directory,
    }));
  });

  app.post('/login/:tenant/oauth2/v2.0/authorize', async (c) => {
    const form = await c.req.parseBody();
    const field = (k: string): string => (typeof form[k] === 'string' ? (form[k] as string) : '');
    const txn = field('txn');
    const p = pending.get(txn);
    if (!p || d.now() - p.createdAt > PENDING_LIFETIME_MS) {
      return page(c, errorPage(50058, 'Your sign-in session has expired or is unknown. Start again from the app.'), 400);
    }
    if (field('step') === 'signin') {
      const account = candidates(p.tenantRef).find((x) => `${x.tenantId}:${x.oid}` === field('account'));
      if (!account) return page(c, errorPage(50034, 'The user account does not exist in this directory.'), 400);
      p.account = account;
      return page(c, consentPage({
        action: authorizeAction(p.tenantRef), txn, clientId: p.clientId, account,
        scopes: [...p.scopes.oidc, ...p.scopes.graph],
      }));
    }
    if (field('step') === 'consent' && p.account) {
      pending.delete(txn);
      if (field('decision') !== 'accept') {
        return redirectWith(c, p.redirectUri, {
          error: 'access_denied',
          error_description: 'AADSTS65004: User declined to consent to access the app.',
          state: p.state,
        });
      }
      const code = d.tokens.issueCode({
        principal: p.account, scopes: p.scopes, clientId: p.clientId, redirectUri: p.redirectUri,
        codeChallenge: p.codeChallenge, ...(p.nonce !== undefined ? { nonce: p.nonce } : {}),
      });
      return redirectWith(c, p.redirectUri, { code, state: p.state, session_state: randomUUID() });
    }
    return page(c, errorPage(900144, 'The sign-in form was incomplete.'), 400);
  });

  app.post('/login/:tenant/oauth2/v2.0/token', tokenEndpoint(d, (ref) => resolveTenant(ref) !== undefined));

  // Sign-out ends no emulator session (there is none); it only sends the browser back, as Entra does,
  // and only to a registered address.
  app.get('/login/:tenant/oauth2/v2.0/logout', (c) => {
    const back = c.req.query('post_logout_redirect_uri');
    if (back !== undefined && d.app.redirectUris().includes(back)) return c.redirect(back, 302);
    return page(c, htmlPage('Sign out', '<h1>You signed out of your account</h1><p>It’s a good idea to close all browser windows.</p>'));
  });

  app.get('/login/:tenant/v2.0/.well-known/openid-configuration', (c) => {
    const tenantRef = c.req.param('tenant');
    const t = resolveTenant(tenantRef);
    if (!t) return c.json({ error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenantRef}' not found.` }, 400);
    const base = `${d.origin}/login/${encodeURIComponent(tenantRef)}`;
    return c.json({
      issuer: `${d.origin}/login/${t === 'multi' ? '{tenantid}' : t.id}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      id_token_signing_alg_values_supported: ['HS256'],
      tenant_region_scope: 'EU',
    });
  });

  return { app, reset: () => { pending = new Map(); } };
};
