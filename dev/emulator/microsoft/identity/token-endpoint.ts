import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { IdentityDeps } from './routes';
import type { TokenError } from './tokens';

/**
 * `POST /login/{tenant}/oauth2/v2.0/token`: client authentication (secret in the body or HTTP
 * Basic), then the authorization_code or refresh_token grant; refusals look like Entra's.
 */
export const tokenEndpoint = (d: IdentityDeps, tenantKnown: (ref: string) => boolean) => async (c: Context): Promise<Response> => {
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
  if (!tenantKnown(tenantRef)) {
    return fail({ status: 400, error: 'invalid_request', aadsts: 90002, description: `Tenant '${tenantRef}' not found.` });
  }

  let clientId = form.get('client_id') ?? '';
  let secret = form.get('client_secret') ?? '';
  const basic = /^Basic\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
  if (basic?.[1]) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(rest.join(':'));
  }
  if (!clientId) return missing('client_id');
  if (clientId !== d.app.clientId) {
    return fail({ status: 400, error: 'unauthorized_client', aadsts: 700016, description: `Application with identifier '${clientId}' was not found in the directory '${tenantRef}'.` });
  }
  if (!secret) {
    return fail({ status: 401, error: 'invalid_client', aadsts: 7000218, description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." });
  }
  if (secret !== d.app.clientSecret) {
    return fail({ status: 401, error: 'invalid_client', aadsts: 7000215, description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.` });
  }

  const grant = form.get('grant_type');
  let result;
  if (grant === 'authorization_code') {
    const code = form.get('code');
    if (!code) return missing('code');
    result = d.tokens.redeemCode({
      code, clientId, redirectUri: form.get('redirect_uri') ?? '', codeVerifier: form.get('code_verifier') ?? '',
    });
  } else if (grant === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return missing('refresh_token');
    const scope = form.get('scope');
    result = d.tokens.refresh({ refreshToken, clientId, ...(scope !== null ? { scope } : {}) });
  } else if (!grant) {
    return missing('grant_type');
  } else {
    return fail({ status: 400, error: 'unsupported_grant_type', aadsts: 70003, description: `The app requested an unsupported grant type '${grant}'.` });
  }
  if (!result.ok) return fail(result.err);
  return c.json(result.body, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
};
