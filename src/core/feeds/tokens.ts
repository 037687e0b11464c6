/**
 * Personal calendar addresses as capability URLs (W3C TAG): 256 bits from a CSPRNG in the path,
 * stored only as a SHA-256 hash, compared in constant time, revocable and rotatable, and one 404 for
 * every address that does not work — unknown, rotated, revoked or expired look the same.
 */
import type { FeedCrypto, FeedUrl } from './ports';

export const TOKEN_BYTES = 32;
/** base64url of 32 bytes, no padding. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** "last used" is written at most this often: every calendar poll would otherwise be a write. */
export const TOUCH_EVERY_MS = 10 * 60_000;

export function mintToken(crypto: FeedCrypto): { token: string; hash: string } {
  const token = crypto.randomToken(TOKEN_BYTES);
  return { token, hash: crypto.sha256(token) };
}

/** The token in a web trigger's user path (`<token>` or `<token>.ics`), or undefined for anything else. */
export function tokenFromPath(userPath: string): string | undefined {
  const p = userPath.replace(/^\/+/, '');
  const t = p.endsWith('.ics') ? p.slice(0, -4) : p;
  return TOKEN.test(t) ? t : undefined;
}

export const feedUrlFor = (base: string, token: string): string => `${base.replace(/\/+$/, '')}/${token}.ics`;

/**
 * The URL a token opens, or undefined. The record is found by the token's hash; the stored hash is
 * then compared in constant time, so the answer never depends on how much of a guess was right.
 */
export function verify(crypto: FeedCrypto, token: string, found: FeedUrl | undefined, now: number): FeedUrl | undefined {
  const hash = crypto.sha256(token);
  const expected = found?.tokenHash ?? crypto.sha256(`absent:${token}`);
  const same = crypto.safeEqual(expected, hash);
  if (!found || !same || found.expiresAt <= now) return undefined;
  return found;
}

export const shouldTouch = (url: FeedUrl, now: number): boolean => url.lastUsedAt === undefined || now - url.lastUsedAt >= TOUCH_EVERY_MS;
