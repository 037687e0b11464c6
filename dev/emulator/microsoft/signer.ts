import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Signs short-lived capability URLs (previews, thumbnails); a new key on reset kills old links. */
export interface UrlSigner {
  sign(subject: string, expiresAt: number): string;
  verify(subject: string, expiresAt: number, signature: string): boolean;
  reset(): void;
}

export const createUrlSigner = (): UrlSigner => {
  let key = randomBytes(32);
  const mac = (subject: string, expiresAt: number): Buffer =>
    createHmac('sha256', key).update(`${subject}|${expiresAt}`).digest();
  return {
    sign: (subject, expiresAt) => mac(subject, expiresAt).toString('base64url'),
    verify: (subject, expiresAt, signature) => {
      const expected = mac(subject, expiresAt);
      const given = Buffer.from(signature, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    reset: () => { key = randomBytes(32); },
  };
};
