import { fail, failWith, ok, type Failure, type Result } from '../result';
import type { CryptoPort } from '../crypto';
import { readIdToken } from './id-token';
import {
  IdentityError,
  type AccountConfig,
  type ConnectionStore,
  type IdentityClient,
  type MicrosoftConnection,
  type MicrosoftUser,
  type PendingSignIn,
  type PendingSignInStore,
} from './ports';

export interface SessionToken {
  accessToken: string;
  /** Epoch ms; the browser drops the token a little before this. */
  expiresAt: number;
  graphBaseUrl: string;
  /** Served origin → public origin, only where Microsoft hosts are not at their public address (the local host). */
  originAliases?: Record<string, string>;
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
  crypto: CryptoPort;
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
  const { config, connections, pending, identity, crypto } = deps;

  /**
   * `extraScopes`: what a feature asks the first time it is used (incremental consent). Such a sign-in
   * also asks again what the stored connection was granted, so it never narrows an earlier grant.
   */
  async function beginSignIn(accountId: string, opts: { extraScopes?: readonly string[] } = {}): Promise<Result<{ authorizeUrl: string; signInId: string }>> {
    const state = crypto.randomToken(32);
    const nonce = crypto.randomToken(16);
    const { verifier, challenge } = crypto.pkcePair();
    const redirectUri = await config.redirectUri();
    const extra = opts.extraScopes ?? [];
    const granted = extra.length > 0 ? ((await connections.get(accountId))?.scopes ?? []).map(shortScope).filter((x): x is string => x !== undefined) : [];
    const scopes = [...new Set([...config.scopes, ...granted, ...extra])];
    const asked = scopes.length > config.scopes.length ? { scopes } : {};
    const signInId = crypto.sha256(state);
    await pending.put(signInId, { accountId, purpose: 'sign-in', codeVerifier: verifier, nonce, redirectUri, expiresAt: now() + SIGN_IN_WINDOW_SECONDS * 1000, ...asked }, SIGN_IN_WINDOW_SECONDS);
    const url = new URL(config.authorizeEndpoint);
    url.search = new URLSearchParams({
      client_id: config.clientId,
      response_type: 'code',
      response_mode: 'query',
      redirect_uri: redirectUri,
      scope: scopes.join(' '),
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      prompt: 'select_account',
    }).toString();
    // The state's hash names the sign-in to the module that started it (it already holds the state, in the URL).
    return ok({ authorizeUrl: url.toString(), signInId });
  }

  /**
   * Redeems the one-time `state` of a redirect from Microsoft (sign-in or admin approval). Whatever
   * goes wrong, nothing is stored.
   */
  async function takePending(stateParam: string | undefined): Promise<Result<PendingSignIn>> {
    const state = stateParam ?? '';
    if (!STATE_SHAPE.test(state)) return failWith('MS_SIGN_IN_FAILED', 'state_invalid');
    const started = await pending.take(crypto.sha256(state));
    if (!started) return failWith('MS_SIGN_IN_FAILED', 'state_unknown');
    if (started.expiresAt < now()) return failWith('MS_SIGN_IN_FAILED', 'state_expired');
    // Between taking the state and redeeming the code, the waiting module must not read "ended".
    if (started.purpose !== 'admin-consent') await pending.putOutcome(crypto.sha256(state), { accountId: started.accountId, outcome: 'finishing' }, SIGN_IN_WINDOW_SECONDS);
    return ok(started);
  }

  /** Starts an admin's approval of permissions for the organisation (Entra's admin-consent endpoint). */
  async function beginAdminConsent(accountId: string, input: { adminConsentEndpoint: string; scopes: string[]; feature: string }): Promise<Result<{ url: string }>> {
    const state = crypto.randomToken(32);
    const redirectUri = await config.redirectUri();
    // No code is redeemed here, so no PKCE verifier; the record still carries the shape every pending state has.
    await pending.put(crypto.sha256(state), { accountId, purpose: 'admin-consent', feature: input.feature, codeVerifier: '', nonce: '', redirectUri, expiresAt: now() + SIGN_IN_WINDOW_SECONDS * 1000 }, SIGN_IN_WINDOW_SECONDS);
    const url = new URL(input.adminConsentEndpoint);
    url.search = new URLSearchParams({ client_id: config.clientId, scope: input.scopes.join(' '), redirect_uri: redirectUri, state }).toString();
    return ok({ url: url.toString() });
  }

  /** The redirect from Microsoft after a user's sign-in. */
  async function completeSignIn(query: CallbackQuery): Promise<Result<{ accountId: string; user: MicrosoftUser }>> {
    const taken = await takePending(query.state);
    if (!taken.ok) return taken;
    return finishSignIn(taken.value, query);
  }

  /** Finishes a user's sign-in and records how it ended, so the module waiting on it can say so. */
  async function finishSignIn(started: PendingSignIn, query: CallbackQuery): Promise<Result<{ accountId: string; user: MicrosoftUser }>> {
    if (started.purpose === 'admin-consent') return failWith('MS_SIGN_IN_FAILED', 'state_unknown');
    const result = await redeem(started, query);
    if (query.state) {
      const outcome = result.ok ? ('connected' as const) : { code: result.error.code, reason: result.error.reason ?? '' };
      await pending.putOutcome(crypto.sha256(query.state), { accountId: started.accountId, outcome }, SIGN_IN_WINDOW_SECONDS);
    }
    return result;
  }

  /**
   * Where a sign-in the caller started stands: still open, connected, failed (the failure, with the
   * words the callback page showed), or ended without an answer (abandoned, expired or cancelled).
   * Another account's sign-in reads as ended: nothing about it is told.
   */
  async function signInStatus(accountId: string, signInId: unknown): Promise<Result<{ status: 'pending' | 'connected' | 'ended' }>> {
    if (typeof signInId !== 'string' || !STATE_SHAPE.test(signInId)) return failWith('BAD_REQUEST');
    const done = await pending.outcome(signInId);
    if (done?.accountId === accountId) {
      if (done.outcome === 'finishing') return ok({ status: 'pending' });
      return done.outcome === 'connected' ? ok({ status: 'connected' }) : failWith(done.outcome.code, done.outcome.reason || undefined);
    }
    const open = await pending.peek(signInId);
    if (open?.accountId === accountId && open.purpose !== 'admin-consent' && open.expiresAt >= now()) return ok({ status: 'pending' });
    return ok({ status: 'ended' });
  }

  /** Ends the caller's open sign-in: finishing it in the other tab then connects nothing. */
  async function cancelSignIn(accountId: string, signInId: unknown): Promise<Result<{ cancelled: boolean }>> {
    if (typeof signInId !== 'string' || !STATE_SHAPE.test(signInId)) return failWith('BAD_REQUEST');
    const open = await pending.peek(signInId);
    if (open?.accountId !== accountId || open.purpose === 'admin-consent') return ok({ cancelled: false });
    return ok({ cancelled: (await pending.take(signInId)) !== undefined });
  }

  async function redeem(started: PendingSignIn, query: CallbackQuery): Promise<Result<{ accountId: string; user: MicrosoftUser }>> {
    if (query.error) return redirectError(query);
    if (!query.code) return failWith('MS_SIGN_IN_FAILED', 'code_missing');

    let grant;
    try {
      grant = await identity.redeemCode({ code: query.code, redirectUri: started.redirectUri, codeVerifier: started.codeVerifier, scopes: started.scopes ?? config.scopes });
    } catch (e) {
      if (e instanceof IdentityError && e.kind === 'invalid_grant') return failWith('MS_SIGN_IN_FAILED', 'code_rejected');
      if (e instanceof IdentityError) return identityFailure(e);
      throw e;
    }
    const user = readIdToken(grant.idToken, { clientId: config.clientId, nonce: started.nonce });
    if ('error' in user) return fail('MS_SIGN_IN_FAILED', user.error, { reason: 'id_token_invalid' });
    if (!grant.refreshToken) return failWith('MS_SIGN_IN_FAILED', 'no_refresh_token');

    await connections.put(started.accountId, {
      refreshToken: grant.refreshToken,
      accessToken: grant.accessToken,
      accessTokenExpiresAt: now() + grant.expiresInSeconds * 1000,
      user,
      scopes: grant.scope.split(' ').filter(Boolean),
      connectedAt: new Date(now()).toISOString(),
      registration: config.registrationKey,
    });
    return ok({ accountId: started.accountId, user });
  }

  /**
   * A short-lived Graph token for the account's own browser session (or for server work on its behalf).
   * `forceRefresh` skips the cache: the browser asks for it after Graph answered 401.
   * `known`: the connection the caller has just read in this invocation (a stale cached token), so it is
   * not read a second time; never used with `forceRefresh`, which reads the stored one afresh.
   */
  async function accessToken(accountId: string, opts: { forceRefresh?: boolean; known?: MicrosoftConnection } = {}): Promise<Result<SessionToken>> {
    const aliases = config.originAliases ? { originAliases: config.originAliases } : {};
    const connection = !opts.forceRefresh && opts.known ? opts.known : await connections.get(accountId);
    if (!connection) return failWith('MS_SIGN_IN_REQUIRED', (await connections.endedReason(accountId)) ?? 'not_connected');
    if (connection.registration !== undefined && connection.registration !== config.registrationKey) {
      // Refresh tokens belong to the client they were issued to: after a change they cannot work.
      await connections.delete(accountId);
      return failWith('MS_SIGN_IN_REQUIRED', 'registration_changed');
    }
    if (!opts.forceRefresh && connection.accessToken && (connection.accessTokenExpiresAt ?? 0) - now() > MIN_TOKEN_LIFE_MS) {
      return ok({ accessToken: connection.accessToken, expiresAt: connection.accessTokenExpiresAt ?? 0, graphBaseUrl: config.graphBaseUrl, ...aliases });
    }
    let grant;
    try {
      // Ask what this connection was granted: features turned on later need their own consent first.
      grant = await identity.refresh({ refreshToken: connection.refreshToken, scopes: connection.scopes.length ? connection.scopes : config.scopes });
    } catch (e) {
      if (e instanceof IdentityError && e.kind === 'invalid_grant') {
        // The refresh token is dead (revoked, expired, password changed): keeping it helps nobody.
        await connections.delete(accountId);
        return failWith('MS_SIGN_IN_REQUIRED', 'revoked');
      }
      if (e instanceof IdentityError) return identityFailure(e);
      throw e;
    }
    const expiresAt = now() + grant.expiresInSeconds * 1000;
    const updated: MicrosoftConnection = { ...connection, refreshToken: grant.refreshToken ?? connection.refreshToken, accessToken: grant.accessToken, accessTokenExpiresAt: expiresAt };
    await connections.putRefreshed(accountId, updated);
    return ok({ accessToken: grant.accessToken, expiresAt, graphBaseUrl: config.graphBaseUrl, ...aliases });
  }

  async function signOut(accountId: string): Promise<Result<{ signedOut: true }>> {
    await connections.delete(accountId);
    return ok({ signedOut: true });
  }

  return { beginSignIn, beginAdminConsent, takePending, completeSignIn, finishSignIn, signInStatus, cancelSignIn, accessToken, signOut };
}

/**
 * A granted scope as a sign-in asks for it: Entra's token answer may name Graph permissions by URI
 * (`https://graph.microsoft.com/Mail.Read`); anything that is not a plain permission name is dropped.
 */
function shortScope(granted: string): string | undefined {
  const name = granted.replace(/^https:\/\/graph\.microsoft\.com\//i, '');
  return /^[A-Za-z][A-Za-z.]{0,63}$/.test(name) ? name : undefined;
}

/** Entra sends `error` (and an AADSTS description) back to the redirect URI when it refuses. */
function redirectError(query: CallbackQuery): Failure {
  const description = query.error_description ?? '';
  if (query.error === 'consent_required' || /AADSTS(65001|90094|90095)\b/.test(description)) return failWith('MS_CONSENT_REQUIRED', 'admin_approval');
  if (query.error === 'access_denied') return failWith('MS_SIGN_IN_FAILED', 'consent_declined');
  return fail('MS_SIGN_IN_FAILED', `Microsoft refused the sign-in: ${(description || query.error || '').split(/\r?\n/)[0]?.slice(0, 300) ?? ''}`, { reason: 'provider_error' });
}

function identityFailure(e: IdentityError): Failure {
  if (e.kind === 'throttled') return failWith('THROTTLED', undefined, e.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: e.retryAfterSeconds });
  if (e.kind === 'invalid_client') return failWith('MISCONFIGURED', 'invalid_client');
  if (e.kind === 'consent_required') return failWith('MS_CONSENT_REQUIRED', 'admin_approval');
  return failWith('MS_UNAVAILABLE', e.kind);
}

export type MicrosoftAccounts = ReturnType<typeof microsoftAccounts>;
