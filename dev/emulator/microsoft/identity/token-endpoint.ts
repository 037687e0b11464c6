import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { appNotFound, type IdentityDeps, notMultiTenant, resolveTenant, tenantNotFound } from './context';
import { checkClientCredentialsScope } from './scopes';
import type { TokenError } from './tokens';

/**
 * `POST /login/{tenant}/oauth2/v2.0/token`: client authentication (secret in the body or HTTP Basic),
 * then the authorization_code, refresh_token or client_credentials grant; refusals look like Entra's
 * (learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
export const tokenEndpoint = (d: IdentityDeps) => async (c: Context): Promise<Response> => {
  d.countTokenRequest();
  const fail = (err: TokenError): Response => {
    const trace = randomUUID();
    const correlation = randomUUID();
    const timestamp = new Date(d.now()).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
    return c.json({
      error: err.error,
      error_description: `AADSTS${err.aadsts}: ${err.description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [err.aadsts], timestamp, trace_id: trace, correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${err.aadsts}`,
    }, err.status, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  };
  const missing = (name: string): Response =>
    fail({ status: 400, error: 'invalid_request', aadsts: 900144, description: `The request body must contain the following parameter: '${name}'.` });

  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) return missing('grant_type');
  const form = new URLSearchParams(await c.req.text());
  const tenantRef = c.req.param('tenant') ?? '';
  const tenant = resolveTenant(d.directory, tenantRef);
  if (!tenant) return fail({ status: 400, error: 'invalid_request', aadsts: 90002, description: tenantNotFound(tenantRef) });
  const grant = form.get('grant_type');

  let clientId = form.get('client_id') ?? '';
  let secret = form.get('client_secret') ?? '';
  const basic = /^Basic\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
  if (basic?.[1]) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(rest.join(':'));
  }
  if (!clientId) return missing('client_id');

  // An app-only token must name its tenant: `common` is refused outright (AADSTS9001023); for
  // `organizations` Entra may guess or refuse (AADSTS50059) — the emulator always refuses.
  if (grant === 'client_credentials' && tenant === 'multi') {
    return tenantRef.toLowerCase() === 'common'
      ? fail({ status: 400, error: 'invalid_request', aadsts: 9001023, description: 'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.' })
      : fail({ status: 400, error: 'invalid_request', aadsts: 50059, description: 'No tenant-identifying information found in either the request or implied by any provided credentials.' });
  }

  const app = d.registrations.byClientId(clientId);
  const directoryName = tenant === 'multi' ? tenantRef : tenant.displayName;
  const notFound = (): Response => fail({ status: 400, error: 'unauthorized_client', aadsts: 700016, description: appNotFound(clientId, directoryName) });
  if (!app) return notFound();
  if (tenant === 'multi') {
    if (app.signInAudience === 'AzureADMyOrg') return fail({ status: 400, error: 'invalid_request', aadsts: 50194, description: notMultiTenant(app) });
  } else if (tenant.id !== app.homeTenantId && (app.signInAudience === 'AzureADMyOrg' || !d.consents.provisioned(tenant.id, app.clientId))) {
    // Outside its home tenant an app exists only once someone there has consented to it.
    return notFound();
  }

  if (!secret) {
    return fail({ status: 401, error: 'invalid_client', aadsts: 7000218, description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." });
  }
  const match = app.secrets.find((s) => s.value === secret);
  if (!match) {
    return fail({ status: 401, error: 'invalid_client', aadsts: 7000215, description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.` });
  }
  if (match.expiresAt <= d.now()) {
    return fail({ status: 401, error: 'invalid_client', aadsts: 7000222, description: `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.` });
  }

  let result;
  if (grant === 'authorization_code') {
    const code = form.get('code');
    if (!code) return missing('code');
    result = d.tokens.redeemCode({
      code, clientId: app.clientId, redirectUri: form.get('redirect_uri') ?? '', codeVerifier: form.get('code_verifier') ?? '',
    });
  } else if (grant === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return missing('refresh_token');
    const scope = form.get('scope');
    result = d.tokens.refresh({ refreshToken, clientId: app.clientId, ...(scope !== null ? { scope } : {}) });
  } else if (grant === 'client_credentials' && tenant !== 'multi') {
    const scope = form.get('scope');
    if (!scope?.trim()) return missing('scope');
    const checked = checkClientCredentialsScope(scope);
    if (!checked.ok) {
      return fail(checked.aadsts === 1002012
        ? { status: 400, error: 'invalid_scope', aadsts: 1002012, description: `The provided value for scope ${checked.invalid} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).` }
        : { status: 400, error: 'invalid_scope', aadsts: 70011, description: `The provided value for the input parameter 'scope' is not valid. The scope ${checked.invalid} is not valid.` });
    }
    const body = d.tokens.issueAppOnly({ tenantId: tenant.id, clientId: app.clientId, roles: d.consents.appRoles(tenant.id, app.clientId) });
    return c.json(body, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  } else if (!grant) {
    return missing('grant_type');
  } else {
    return fail({ status: 400, error: 'unsupported_grant_type', aadsts: 70003, description: `The app requested an unsupported grant type '${grant}'.` });
  }
  if (!result.ok) return fail(result.err);
  return c.json(result.body, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
};
