import type { ErrorCode } from '../result';

/** What we keep per Atlassian account, as a KVS secret. Never leaves the server. */
export interface MicrosoftConnection {
  refreshToken: string;
  /** Cached access token, so repeated page loads do not each redeem the refresh token. */
  accessToken?: string;
  accessTokenExpiresAt?: number;
  user: MicrosoftUser;
  scopes: string[];
  connectedAt: string;
  /** `clientId@tenant` of the app registration the connection was made with; absent on old records. */
  registration?: string;
}

export interface MicrosoftUser {
  oid: string;
  tid: string;
  name: string;
  username: string;
}

/** A sign-in in progress, keyed by the hash of its `state`. Stored as a secret: it holds the PKCE verifier. */
export interface PendingSignIn {
  accountId: string;
  /** What the redirect completes: a user's sign-in (default) or an admin's approval for one feature. */
  purpose?: 'sign-in' | 'admin-consent';
  feature?: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  expiresAt: number;
  /** What this sign-in asked for, when more than the registration's defaults (a feature's first use). */
  scopes?: string[];
}

export interface ConnectionStore {
  get(accountId: string): Promise<MicrosoftConnection | undefined>;
  put(accountId: string, connection: MicrosoftConnection): Promise<void>;
  /** The same connection with new tokens: its account index entry is unchanged, so only the secret is written. */
  putRefreshed(accountId: string, connection: MicrosoftConnection): Promise<void>;
  delete(accountId: string): Promise<void>;
  /** How many connections are stored (for the admin's warning before a registration change). */
  count(): Promise<number>;
  /** Ends every stored connection (after the client or tenant changed), remembering why. Returns how many. */
  endAll(reason: 'registration_changed'): Promise<number>;
  /** Why this account's connection was ended by someone else, if it was. */
  endedReason(accountId: string): Promise<string | undefined>;
}

/** How a user's sign-in ended: kept briefly under its state's hash for the module that started it. */
export interface SignInOutcome {
  accountId: string;
  /** `finishing`: Microsoft redirected back and the code is being redeemed. */
  outcome: 'finishing' | 'connected' | { code: ErrorCode; reason: string };
}

export interface PendingSignInStore {
  put(stateHash: string, pending: PendingSignIn, ttlSeconds: number): Promise<void>;
  /** Reads and deletes: a state can be used once. */
  take(stateHash: string): Promise<PendingSignIn | undefined>;
  /** Reads without using it up: is the sign-in still open? */
  peek(stateHash: string): Promise<PendingSignIn | undefined>;
  putOutcome(stateHash: string, outcome: SignInOutcome, ttlSeconds: number): Promise<void>;
  outcome(stateHash: string): Promise<SignInOutcome | undefined>;
}

export interface TokenGrant {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string;
  idToken?: string;
  scope: string;
}

/** Failures of the token endpoint, reduced to what the app acts on. */
export class IdentityError extends Error {
  constructor(
    readonly kind: 'invalid_grant' | 'invalid_client' | 'consent_required' | 'throttled' | 'unavailable' | 'unexpected',
    readonly description: string,
    readonly retryAfterSeconds?: number,
    /** Entra's AADSTS error number, when it gave one. */
    readonly aadsts?: number,
  ) {
    super(`${kind}: ${description}`);
    this.name = 'IdentityError';
  }
}

/** Microsoft's token endpoint (confidential client). Implementations throw IdentityError. */
export interface IdentityClient {
  redeemCode(input: { code: string; redirectUri: string; codeVerifier: string; scopes: string[] }): Promise<TokenGrant>;
  refresh(input: { refreshToken: string; scopes: string[] }): Promise<TokenGrant>;
  /** An app-only token (client credentials): proves client id, secret and tenant belong together. */
  appToken(): Promise<TokenGrant>;
}

export interface AccountConfig {
  authorizeEndpoint: string;
  clientId: string;
  scopes: string[];
  graphBaseUrl: string;
  /** Where Microsoft hosts are served instead of their public address (the local host only); handed to the browser with the token. */
  originAliases?: Record<string, string>;
  /** `clientId@tenant`: connections made under another registration are ended. */
  registrationKey: string;
  /** The web trigger that receives the redirect; registered in Entra as the redirect URI. */
  redirectUri(): Promise<string>;
}
