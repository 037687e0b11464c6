/**
 * The cryptography the core needs, as a port: the core also runs in browsers, so it cannot import
 * `node:crypto`. The backend passes `nodeCrypto` (src/adapters/node/crypto.ts).
 */
export interface CryptoPort {
  /** URL-safe (base64url) random token of `bytes` bytes from a CSPRNG. */
  randomToken(bytes: number): string;
  /** SHA-256 of the UTF-8 text, base64url: how one-time secrets are stored and looked up. */
  sha256(text: string): string;
  /** Equality for secrets that takes the same time wherever the strings differ. */
  safeEqual(a: string, b: string): boolean;
  /** PKCE (RFC 7636) S256: the verifier stays on the server, the challenge goes to the authorize URL. */
  pkcePair(): { verifier: string; challenge: string };
}
