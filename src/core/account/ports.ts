/** What we keep per Atlassian account, as a KVS secret. Never leaves the server. */
export interface MicrosoftConnection {
  refreshToken: string;
  /** Cached access token, so repeated page loads do not each redeem the refresh token. */
  accessToken?: string;
  accessTokenExpiresAt?: number;
  user: MicrosoftUser;
  scopes: string[];
  connectedAt: string;
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
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  expiresAt: number;
}

export interface ConnectionStore {
  get(accountId: string): Promise<MicrosoftConnection | undefined>;
  put(accountId: string, connection: MicrosoftConnection): Promise<void>;
  delete(accountId: string): Promise<void>;
}

export interface PendingSignInStore {
  put(stateHash: string, pending: PendingSignIn, ttlSeconds: number): Promise<void>;
  /** Reads and deletes: a state can be used once. */
  take(stateHash: string): Promise<PendingSignIn | undefined>;
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
    readonly kind: 'invalid_grant' | 'invalid_client' | 'throttled' | 'unavailable' | 'unexpected',
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${kind}: ${description}`);
    this.name = 'IdentityError';
  }
}

/** Microsoft's token endpoint (confidential client). Implementations throw IdentityError. */
export interface IdentityClient {
  redeemCode(input: { code: string; redirectUri: string; codeVerifier: string; scopes: string[] }): Promise<TokenGrant>;
  refresh(input: { refreshToken: string; scopes: string[] }): Promise<TokenGrant>;
}

export interface AccountConfig {
  authorizeEndpoint: string;
  clientId: string;
  scopes: string[];
  graphBaseUrl: string;
  /** The web trigger that receives the redirect; registered in Entra as the redirect URI. */
  redirectUri(): Promise<string>;
}
