import { createHmac, timingSafeEqual } from 'node:crypto';

// HS256 with a per-emulator key is enough: only the emulator itself validates its tokens, and
// tokens from a previous run (or before reset()) must stop working, as a rotated key does.

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export const signJwt = (claims: Record<string, unknown>, key: Buffer): string => {
  const head = b64({ typ: 'JWT', alg: 'HS256', kid: 'emulator' });
  const body = b64(claims);
  const sig = createHmac('sha256', key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
};

/** The claims if the signature is ours; expiry is the caller's business. */
export const verifyJwt = (token: string, key: Buffer): Record<string, unknown> | undefined => {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [head, body, sig] = parts as [string, string, string];
  const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};
