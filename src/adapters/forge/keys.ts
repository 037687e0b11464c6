/**
 * Every KVS key the app writes is built here, so the list of what we store (README, admin page)
 * has one source. Keys must match Forge's rule /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/ and stay ≤ 500 chars.
 */
export const keys = {
  /** Secret: the Microsoft refresh token (and a cached access token) of one Atlassian account. */
  msConnection: (accountId: string) => `ms-connection:${accountId}`,
  /** Secret, 10-minute TTL: a sign-in in progress, by the SHA-256 of its `state`. */
  msPendingSignIn: (stateHash: string) => `ms-signin:${stateHash}`,
} as const;
