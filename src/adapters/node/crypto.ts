import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CryptoPort } from '../../core/crypto';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');
const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** The core's cryptography on Node's `node:crypto` (the Forge runtime and the local host). */
export const nodeCrypto: CryptoPort = {
  randomToken,
  sha256,
  safeEqual(a, b) {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    // timingSafeEqual throws on unequal lengths; compare x with itself so the time spent does not tell.
    if (x.length !== y.length) {
      timingSafeEqual(x, x);
      return false;
    }
    return timingSafeEqual(x, y);
  },
  pkcePair() {
    const verifier = randomToken(32);
    return { verifier, challenge: sha256(verifier) };
  },
};
