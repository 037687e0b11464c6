import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random token from the CSPRNG; 32 bytes = 256 bits. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

/** Constant-time equality for secrets; unequal lengths compare as different without early exit on content. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/** PKCE (RFC 7636) S256: the verifier stays on the server, the challenge goes to the authorize URL. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomToken(32);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
