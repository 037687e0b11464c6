import { fetch } from '@forge/api';
import { IdentityError, type IdentityClient, type TokenGrant } from '../../core/account/ports';

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number | string;
  scope?: string;
  error?: string;
  error_description?: string;
  error_codes?: number[];
}

export interface IdentityEndpoint {
  loginBaseUrl: string;
  tenant: string;
  clientId: string;
  /** Read only when a token request is made, so most invocations never touch the secret. */
  clientSecret: () => Promise<string>;
}

/** The AADSTS number Entra puts first in `error_description` (and in `error_codes`). */
export const aadstsCode = (body: { error_description?: string; error_codes?: number[] }): number | undefined => {
  const fromList = body.error_codes?.[0];
  if (typeof fromList === 'number') return fromList;
  const m = /AADSTS(\d+)/.exec(body.error_description ?? '');
  return m ? Number(m[1]) : undefined;
};

/** Microsoft identity platform token endpoint, as a confidential client (client secret + PKCE). */
export function identityClient(s: IdentityEndpoint): IdentityClient {
  const endpoint = `${s.loginBaseUrl}/${encodeURIComponent(s.tenant)}/oauth2/v2.0/token`;

  async function post(form: Record<string, string>): Promise<TokenGrant> {
    const secret = await s.clientSecret();
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({ client_id: s.clientId, client_secret: secret, ...form }).toString(),
      });
    } catch (e) {
      throw new IdentityError('unavailable', (e as Error).message);
    }
    const body = (await res.json().catch(() => ({}))) as TokenResponse;
    if (res.status === 429 || res.status === 503) {
      // A missing header is no wait at all (Number(null) is 0, which read as "retry after 0 s"): only a named one counts.
      const raw = res.headers.get('retry-after')?.trim();
      const retry = raw ? Number(raw) : Number.NaN;
      throw new IdentityError('throttled', body.error_description ?? `HTTP ${res.status}`, Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : undefined);
    }
    if (!res.ok || !body.access_token) {
      // Only the first line of Entra's description: later lines carry trace ids, not meaning.
      const description = (body.error_description ?? `HTTP ${res.status}`).split(/\r?\n/)[0] ?? '';
      const code = aadstsCode(body);
      if (body.error === 'invalid_grant' && (code === 65001 || code === 90094 || code === 90095)) throw new IdentityError('consent_required', description, undefined, code);
      if (body.error === 'invalid_grant') throw new IdentityError('invalid_grant', description, undefined, code);
      if (body.error === 'invalid_client' || body.error === 'unauthorized_client') throw new IdentityError('invalid_client', description, undefined, code);
      throw new IdentityError(res.status >= 500 ? 'unavailable' : 'unexpected', description, undefined, code);
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
    appToken: () => post({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }),
  };
}
