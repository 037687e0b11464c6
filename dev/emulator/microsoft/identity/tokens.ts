import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Directory, Principal } from '../data/directory';
import { stableGuid } from '../data/ids';
import { signJwt, verifyJwt } from './jwt';
import { type GrantedScopes, parseScopes, responseScope } from './scopes';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
const CODE_LIFETIME_MS = 10 * 60_000;
const REFRESH_INACTIVITY_MS = 90 * 86_400_000;

/** What the user agreed to on the consent page, bound to one authorize request. */
export interface AuthorizationGrant {
  principal: Principal;
  scopes: GrantedScopes;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
}

export interface TokenResponse {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

/** An Entra refusal: the AADSTS number and its text, mapped to an HTTP answer by the route. */
export interface TokenError {
  status: 400 | 401;
  error: string;
  aadsts: number;
  description: string;
}

/** Client credentials answer without `scope`, refresh or id token (v2-oauth2-client-creds-grant-flow). */
export type AppTokenResponse = Pick<TokenResponse, 'token_type' | 'expires_in' | 'ext_expires_in' | 'access_token'>;

export type TokenResult = { ok: true; body: TokenResponse } | { ok: false; err: TokenError };

export type AccessCheck =
  | { ok: true; claims: AccessClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'audience' | 'expired' };

export interface AccessClaims {
  tid: string;
  oid: string;
  scp: string;
  appid: string;
  exp: number;
}

interface CodeRecord { grant: AuthorizationGrant; issuedAt: number; redeemed: boolean }
interface RefreshRecord {
  tenantId: string;
  oid: string;
  person: string;
  clientId: string;
  scopes: GrantedScopes;
  lastUsed: number;
  generation: number;
}

export interface TokenService {
  issueCode(grant: AuthorizationGrant): string;
  redeemCode(req: { code: string; clientId: string; redirectUri: string; codeVerifier: string }): TokenResult;
  refresh(req: { refreshToken: string; clientId: string; scope?: string }): TokenResult;
  /** Client credentials: a token for the app itself, `roles` but no `scp`, no refresh token. */
  issueAppOnly(req: { tenantId: string; clientId: string; roles: readonly string[] }): AppTokenResponse;
  checkAccessToken(token: string): AccessCheck;
  /** Later refresh grants for these persons fail; access tokens live on until they expire, as in Entra. */
  revoke(persons: readonly string[]): void;
  reset(): void;
}

const refusal = (status: 400 | 401, error: string, aadsts: number, description: string): TokenResult =>
  ({ ok: false, err: { status, error, aadsts, description } });

const pkceS256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

const opaque = (): string => '0.A' + randomBytes(48).toString('base64url');

export const createTokenService = (opts: {
  origin: string;
  directory: Directory;
  accessTokenLifetimeSeconds: number;
  /** The registration's display name, for `app_displayname`. */
  appName: (clientId: string) => string;
  /** `.default` of that app: its configured delegated permissions. */
  defaultScopes: (clientId: string) => readonly string[];
  /** What the person has consented to for the app (their own and tenant-wide), so a refresh may ask for it. */
  consented: (tenantId: string, clientId: string, oid: string) => readonly string[];
  now: () => number;
}): TokenService => {
  let key = randomBytes(32);
  let codes = new Map<string, CodeRecord>();
  let refreshTokens = new Map<string, RefreshRecord>();
  // Revocation bumps a person's generation; refresh tokens from an older generation are dead.
  let generations = new Map<string, number>();

  const issue = (p: Principal, clientId: string, scopes: GrantedScopes, nonce: string | undefined): TokenResponse => {
    const nowMs = opts.now();
    const iat = Math.floor(nowMs / 1000);
    const exp = Math.ceil(nowMs / 1000 + opts.accessTokenLifetimeSeconds);
    const guest = p.userType === 'Guest';
    const access = signJwt({
      aud: GRAPH_AUDIENCE, iss: `https://sts.windows.net/${p.tenantId}/`, iat, nbf: iat, exp,
      acct: 0, acr: '1', amr: ['pwd'], app_displayname: opts.appName(clientId), appid: clientId, appidacr: '1',
      family_name: p.surname, given_name: p.givenName, idtyp: 'user', ipaddr: '127.0.0.1', name: p.displayName,
      oid: p.oid, scp: scopes.graph.join(' '), sub: p.oid, tid: p.tenantId, unique_name: guest ? p.mail : p.userPrincipalName,
      upn: p.userPrincipalName, uti: randomUUID(), ver: '1.0',
      ...(guest ? { idp: `https://sts.windows.net/${p.homeTenantId}/` } : {}),
    }, key);
    const body: TokenResponse = {
      token_type: 'Bearer', scope: responseScope(scopes), expires_in: opts.accessTokenLifetimeSeconds,
      ext_expires_in: opts.accessTokenLifetimeSeconds, access_token: access,
    };
    // As in Entra: a refresh token only with offline_access, an id token only with openid.
    if (scopes.oidc.includes('offline_access')) {
      const rt = opaque();
      refreshTokens.set(rt, {
        tenantId: p.tenantId, oid: p.oid, person: p.person, clientId, scopes, lastUsed: nowMs,
        generation: generations.get(p.person) ?? 0,
      });
      body.refresh_token = rt;
    }
    if (scopes.oidc.includes('openid')) {
      body.id_token = signJwt({
        aud: clientId, iss: `${opts.origin}/login/${p.tenantId}/v2.0`, iat, nbf: iat, exp: iat + 3600,
        name: p.displayName, oid: p.oid, preferred_username: guest ? p.mail : p.userPrincipalName, email: p.mail,
        sub: createHash('sha256').update(`${clientId}|${p.oid}`).digest('base64url').slice(0, 43),
        tid: p.tenantId, ver: '2.0', uti: randomUUID(), ...(nonce !== undefined ? { nonce } : {}),
      }, key);
    }
    return body;
  };

  return {
    issueCode: (grant) => {
      const code = opaque();
      codes.set(code, { grant, issuedAt: opts.now(), redeemed: false });
      return code;
    },

    redeemCode: ({ code, clientId, redirectUri, codeVerifier }) => {
      const rec = codes.get(code);
      if (!rec) return refusal(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      if (rec.redeemed) {
        return refusal(400, 'invalid_grant', 54005,
          'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
      }
      if (opts.now() - rec.issuedAt > CODE_LIFETIME_MS) {
        return refusal(400, 'invalid_grant', 70008,
          'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
      }
      if (rec.grant.clientId !== clientId) {
        return refusal(400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid. The code was issued to another client.");
      }
      if (redirectUri === '') {
        return refusal(400, 'invalid_request', 700009,
          'Reply address must be provided when presenting an authorization code requested with an explicit reply address.');
      }
      if (rec.grant.redirectUri !== redirectUri) {
        return refusal(400, 'invalid_grant', 70000,
          "The provided value for the 'redirect_uri' is not valid. The value must exactly match the redirect URI used to obtain the authorization code.");
      }
      if (!codeVerifier || pkceS256(codeVerifier) !== rec.grant.codeChallenge) {
        return refusal(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
      }
      rec.redeemed = true;
      return { ok: true, body: issue(rec.grant.principal, clientId, rec.grant.scopes, rec.grant.nonce) };
    },

    refresh: ({ refreshToken, clientId, scope }) => {
      const rec = refreshTokens.get(refreshToken);
      const nowMs = opts.now();
      if (!rec || nowMs - rec.lastUsed > REFRESH_INACTIVITY_MS) {
        return refusal(400, 'invalid_grant', 70008,
          'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
      }
      if (rec.generation < (generations.get(rec.person) ?? 0)) {
        return refusal(400, 'invalid_grant', 50173,
          "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.");
      }
      if (rec.clientId !== clientId) {
        return refusal(400, 'invalid_grant', 70000, 'The refresh token was issued to a different client.');
      }
      const p = opts.directory.principal(rec.tenantId, rec.oid);
      if (!p) return refusal(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
      let scopes = rec.scopes;
      if (scope !== undefined && scope.trim() !== '') {
        const asked = parseScopes(scope, opts.defaultScopes(clientId));
        if (!asked.ok) return refusal(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope '${asked.invalid}' is not valid.`);
        // A refresh token reaches whatever the person has consented to since, as in Entra's incremental consent.
        const allowed = [...rec.scopes.graph, ...opts.consented(rec.tenantId, clientId, rec.oid)].map((h) => h.toLowerCase());
        const missing = asked.value.graph.find((g) => !allowed.includes(g.toLowerCase()));
        if (missing) {
          return refusal(400, 'invalid_grant', 65001,
            `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource. (Missing: ${missing})`);
        }
        scopes = { graph: asked.value.graph, oidc: rec.scopes.oidc };
      }
      rec.lastUsed = nowMs;
      // Entra rotates: a new refresh token each time, the old one stays valid until revoked.
      return { ok: true, body: issue(p, clientId, scopes, undefined) };
    },

    issueAppOnly: ({ tenantId, clientId, roles }) => {
      const iat = Math.floor(opts.now() / 1000);
      const exp = Math.ceil(opts.now() / 1000 + opts.accessTokenLifetimeSeconds);
      // The app's service principal in that tenant: stable, so repeated tokens name the same object.
      const oid = stableGuid('service-principal', tenantId, clientId.toLowerCase());
      const access = signJwt({
        aud: GRAPH_AUDIENCE, iss: `https://sts.windows.net/${tenantId}/`, iat, nbf: iat, exp,
        app_displayname: opts.appName(clientId), appid: clientId, appidacr: '1', idp: `https://sts.windows.net/${tenantId}/`,
        idtyp: 'app', oid, sub: oid, tid: tenantId, uti: randomUUID(), ver: '1.0',
        // Entra leaves `roles` out when no application permission is granted; the token is still issued.
        ...(roles.length > 0 ? { roles: [...roles] } : {}),
      }, key);
      return {
        token_type: 'Bearer', expires_in: opts.accessTokenLifetimeSeconds, ext_expires_in: opts.accessTokenLifetimeSeconds,
        access_token: access,
      };
    },

    checkAccessToken: (token) => {
      if (token.split('.').length !== 3) return { ok: false, reason: 'malformed' };
      const claims = verifyJwt(token, key);
      if (!claims) return { ok: false, reason: 'signature' };
      if (claims['aud'] !== GRAPH_AUDIENCE) return { ok: false, reason: 'audience' };
      const exp = Number(claims['exp']);
      if (!Number.isFinite(exp) || exp * 1000 <= opts.now()) return { ok: false, reason: 'expired' };
      return {
        ok: true,
        claims: { tid: String(claims['tid']), oid: String(claims['oid']), scp: typeof claims['scp'] === 'string' ? claims['scp'] : '', appid: String(claims['appid']), exp },
      };
    },

    revoke: (persons) => {
      for (const p of persons) generations.set(p, (generations.get(p) ?? 0) + 1);
    },

    reset: () => {
      key = randomBytes(32);
      codes = new Map();
      refreshTokens = new Map();
      generations = new Map();
    },
  };
};
