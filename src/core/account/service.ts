import { fail, ok, type Result } from '../result';
import { pkcePair, randomToken, sha256 } from '../crypto';
import { readIdToken } from './id-token';
import {
  IdentityError,
  type AccountConfig,
  type ConnectionStore,
  type IdentityClient,
  type MicrosoftConnection,
  type MicrosoftUser,
  type PendingSignInStore,
} from './ports';

export interface SessionToken {
  accessToken: string;
  /** Epoch ms; the browser drops the token a little before this. */
  expiresAt: number;
  graphBaseUrl: string;
}

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

export interface AccountDeps {
  config: AccountConfig;
  connections: ConnectionStore;
  pending: PendingSignInStore;
  identity: IdentityClient;
  now?: () => number;
}

const SIGN_IN_WINDOW_SECONDS = 10 * 60;
/** Hand out a cached access token only while it has at least this long to live. */
const MIN_TOKEN_LIFE_MS = 2 * 60 * 1000;
const STATE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The token-mediating backend (PLATFORM.md, "Identity"): the refresh token stays in a KVS secret
 * per Atlassian account; browsers get short-lived access tokens for their own account only.
 */
export function microsoftAccounts(deps: AccountDeps) {
  const now = deps.now ?? Date.now;
  const { config, connections, pending, identity } = deps;

  async function beginSignIn(accountId: string): Promise<Result<{ authorizeUrl: string }>> {
    const state = randomToken(32);
    const nonce = randomToken(16);
    const { verifier, challenge } = pkcePair();
    const redirectUri = await config.redirectUri();
    await pending.put(sha256(state), { accountId, codeVerifier: verifier, nonce, redirectUri, expiresAt: now() + SIGN_IN_WINDOW_SECONDS * 1000 }, SIGN_IN_WINDOW_SECONDS);
    const url = new URL(config.authorizeEndpoint);
    url.search = new URLSearchParams({
      client_id: config.clientId,
      response_type: 'code',
      response_mode: 'query',
      redirect_uri: redirectUri,
      scope: config.scopes.join(' '),
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      prompt: 'select_account',
    }).toString();
    return ok({ authorizeUrl: url.toString() });
  }

  /** The redirect from Microsoft. Whatever goes wrong, nothing is stored. */
  async function completeSignIn(query: CallbackQuery): Promise<Result<{ accountId: string; user: MicrosoftUser }>> {
    const state = query.state ?? '';
    if (!STATE_SHAPE.test(state)) return fail('MS_SIGN_IN_FAILED', 'This sign-in link is incomplete or was altered. Start again from Jira or Confluence.', { reason: 'state_invalid' });
    const started = await pending.take(sha256(state));
    if (!started) return fail('MS_SIGN_IN_FAILED', 'This sign-in link is not valid any more: it was already used or never issued. Start again from Jira or Confluence.', { reason: 'state_unknown' });
    if (started.expiresAt < now()) return fail('MS_SIGN_IN_FAILED', 'This sign-in took too long and expired. Start again from Jira or Confluence.', { reason: 'state_expired' });
    if (query.error) {
      const declined = query.error === 'access_denied' || query.error === 'consent_required';
      return fail('MS_SIGN_IN_FAILED', declined ? 'You declined to give the app access to Microsoft 365, so nothing was connected.' : `Microsoft refused the sign-in: ${query.error_description ?? query.error}`, { reason: declined ? 'consent_declined' : 'provider_error' });
    }
    if (!query.code) return fail('MS_SIGN_IN_FAILED', 'Microsoft did not send an authorization code.', { reason: 'code_missing' });

    let grant;
    try {
      grant = await identity.redeemCode({ code: query.code, redirectUri: started.redirectUri, codeVerifier: started.codeVerifier, scopes: config.scopes });
    } catch (e) {
      if (e instanceof IdentityError && e.kind === 'invalid_grant') return fail('MS_SIGN_IN_FAILED', 'Microsoft did not accept this sign-in (the code was used already, expired, or belongs to another sign-in). Start again.', { reason: 'code_rejected' });
      if (e instanceof IdentityError) return identityFailure(e);
      throw e;
    }
    const user = readIdToken(grant.idToken, { clientId: config.clientId, nonce: started.nonce });
    if ('error' in user) return fail('MS_SIGN_IN_FAILED', user.error, { reason: 'id_token_invalid' });
    if (!grant.refreshToken) return fail('MS_SIGN_IN_FAILED', 'Microsoft did not grant offline access, so the connection cannot be kept.', { reason: 'no_refresh_token' });

    await connections.put(started.accountId, {
      refreshToken: grant.refreshToken,
      accessToken: grant.accessToken,
      accessTokenExpiresAt: now() + grant.expiresInSeconds * 1000,
      user,
      scopes: grant.scope.split(' ').filter(Boolean),
      connectedAt: new Date(now()).toISOString(),
    });
    return ok({ accountId: started.accountId, user });
  }

  /**
   * A short-lived Graph token for the account's own browser session (or for server work on its behalf).
   * `forceRefresh` skips the cache: the browser asks for it after Graph answered 401.
   */
  async function accessToken(accountId: string, opts: { forceRefresh?: boolean } = {}): Promise<Result<SessionToken>> {
    const connection = await connections.get(accountId);
    if (!connection) return fail('MS_SIGN_IN_REQUIRED', 'Connect your Microsoft 365 account to see this.', { reason: 'not_connected' });
    if (!opts.forceRefresh && connection.accessToken && (connection.accessTokenExpiresAt ?? 0) - now() > MIN_TOKEN_LIFE_MS) {
      return ok({ accessToken: connection.accessToken, expiresAt: connection.accessTokenExpiresAt ?? 0, graphBaseUrl: config.graphBaseUrl });
    }
    let grant;
    try {
      grant = await identity.refresh({ refreshToken: connection.refreshToken, scopes: config.scopes });
    } catch (e) {
      if (e instanceof IdentityError && e.kind === 'invalid_grant') {
        // The refresh token is dead (revoked, expired, password changed): keeping it helps nobody.
        await connections.delete(accountId);
        return fail('MS_SIGN_IN_REQUIRED', 'Your Microsoft 365 sign-in has expired or was revoked. Connect again to continue.', { reason: 'revoked' });
      }
      if (e instanceof IdentityError) return identityFailure(e);
      throw e;
    }
    const expiresAt = now() + grant.expiresInSeconds * 1000;
    const updated: MicrosoftConnection = { ...connection, refreshToken: grant.refreshToken ?? connection.refreshToken, accessToken: grant.accessToken, accessTokenExpiresAt: expiresAt };
    await connections.put(accountId, updated);
    return ok({ accessToken: grant.accessToken, expiresAt, graphBaseUrl: config.graphBaseUrl });
  }

  async function signOut(accountId: string): Promise<Result<{ signedOut: true }>> {
    await connections.delete(accountId);
    return ok({ signedOut: true });
  }

  return { beginSignIn, completeSignIn, accessToken, signOut };
}

function identityFailure(e: IdentityError) {
  if (e.kind === 'throttled') return fail('THROTTLED', 'Microsoft is busy. Trying again shortly.', e.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: e.retryAfterSeconds });
  if (e.kind === 'invalid_client') return fail('MISCONFIGURED', "Microsoft refused the app's credentials. An admin must check MS_CLIENT_ID and MS_CLIENT_SECRET.", { reason: 'invalid_client' });
  return fail('MS_UNAVAILABLE', 'Microsoft sign-in is not answering right now. Try again in a moment.', { reason: e.kind });
}

export type MicrosoftAccounts = ReturnType<typeof microsoftAccounts>;
