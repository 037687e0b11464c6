import { fetch } from '@forge/api';
import { IdentityError, type IdentityClient, type TokenGrant } from '../../core/account/ports';
import type { MicrosoftSettings } from '../forge/config';

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number | string;
  scope?: string;
  error?: string;
  error_description?: string;
}

/** Microsoft identity platform token endpoint, as a confidential client (client secret + PKCE). */
export function identityClient(s: MicrosoftSettings): IdentityClient {
  const endpoint = `${s.loginBaseUrl}/${encodeURIComponent(s.tenant)}/oauth2/v2.0/token`;

  async function post(form: Record<string, string>): Promise<TokenGrant> {
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({ client_id: s.clientId, client_secret: s.clientSecret, ...form }).toString(),
      });
    } catch (e) {
      throw new IdentityError('unavailable', (e as Error).message);
    }
    const body = (await res.json().catch(() => ({}))) as TokenResponse;
    if (res.status === 429 || res.status === 503) {
      const retry = Number(res.headers.get('retry-after'));
      throw new IdentityError('throttled', body.error_description ?? `HTTP ${res.status}`, Number.isFinite(retry) ? retry : undefined);
    }
    if (!res.ok || !body.access_token) {
      // Only the first line of Entra's description: later lines carry trace ids, not meaning.
      const description = (body.error_description ?? `HTTP ${res.status}`).split(/\r?\n/)[0] ?? '';
      if (body.error === 'invalid_grant') throw new IdentityError('invalid_grant', description);
      if (body.error === 'invalid_client' || body.error === 'unauthorized_client') throw new IdentityError('invalid_client', description);
      throw new IdentityError(res.status >= 500 ? 'unavailable' : 'unexpected', description);
    }
    return {
      accessToken: body.access_token,
      expiresInSeconds: Number(body.expires_in) || 3600,
      ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}),
      ...(body.id_token ? { idToken: body.id_token } : {}),
      scope: body.scope ?? '',
    };
  }

  return {
    redeemCode: ({ code, redirectUri, codeVerifier, scopes }) =>
      post({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier, scope: scopes.join(' ') }),
    refresh: ({ refreshToken, scopes }) => post({ grant_type: 'refresh_token', refresh_token: refreshToken, scope: scopes.join(' ') }),
  };
}
