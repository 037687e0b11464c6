import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { htmlPage } from '../html';
import { adminConsentRoutes } from './admin-consent';
import { authorizeRoutes } from './authorize';
import { type IdentityDeps, page, resolveTenant, tenantNotFound } from './context';
import { tokenEndpoint } from './token-endpoint';

export type { IdentityDeps } from './context';

/** Entra's endpoints under `/login/{tenant}`: authorize, admin consent, token, logout, discovery. */
export const identityRoutes = (d: IdentityDeps): { app: Hono; reset(): void } => {
  const app = new Hono();
  const authorize = authorizeRoutes(d);
  const adminConsent = adminConsentRoutes(d);
  app.route('/', authorize.app);
  app.route('/', adminConsent.app);

  app.post('/login/:tenant/oauth2/v2.0/token', tokenEndpoint(d));

  // Sign-out ends no emulator session (there is none); it only sends the browser back, as Entra does,
  // and only to an address some registration lists.
  app.get('/login/:tenant/oauth2/v2.0/logout', (c) => {
    const back = c.req.query('post_logout_redirect_uri');
    if (back !== undefined && d.registrations.all().some((r) => r.redirectUris().includes(back))) return c.redirect(back, 302);
    return page(c, htmlPage('Sign out', '<h1>You signed out of your account</h1><p>It’s a good idea to close all browser windows.</p>'));
  });

  app.get('/login/:tenant/v2.0/.well-known/openid-configuration', (c) => {
    const tenantRef = c.req.param('tenant');
    const t = resolveTenant(d.directory, tenantRef);
    if (!t) {
      const timestamp = new Date(d.now()).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
      return c.json({
        error: 'invalid_tenant', error_description: `AADSTS90002: ${tenantNotFound(tenantRef)}`, error_codes: [90002],
        timestamp, trace_id: randomUUID(), correlation_id: randomUUID(),
        error_uri: 'https://login.microsoftonline.com/error?code=90002',
      }, 400);
    }
    const base = `${d.origin}/login/${encodeURIComponent(tenantRef)}`;
    return c.json({
      issuer: `${d.origin}/login/${t === 'multi' ? '{tenantid}' : t.id}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      id_token_signing_alg_values_supported: ['HS256'],
      tenant_region_scope: 'EU',
    });
  });

  return { app, reset: () => { authorize.reset(); adminConsent.reset(); } };
};
