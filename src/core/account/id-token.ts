import type { MicrosoftUser } from './ports';

/**
 * Reads the claims of an ID token received directly from the token endpoint over TLS.
 * OpenID Connect Core §3.1.3.7 allows skipping the signature check in that case; we still
 * check audience and nonce, which bind the token to this app and this sign-in.
 */
export function readIdToken(idToken: string | undefined, expect: { clientId: string; nonce: string }): MicrosoftUser | { error: string } {
  if (!idToken) return { error: 'Microsoft did not return an ID token.' };
  const part = idToken.split('.')[1];
  if (!part) return { error: 'The ID token is malformed.' };
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { error: 'The ID token is malformed.' };
  }
  if (claims.aud !== expect.clientId) return { error: 'The ID token was issued to another application.' };
  if (claims.nonce !== expect.nonce) return { error: 'The ID token belongs to another sign-in.' };
  const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : '');
  if (!str('oid') || !str('tid')) return { error: 'The ID token lacks the user identifiers.' };
  return { oid: str('oid'), tid: str('tid'), name: str('name') || str('preferred_username'), username: str('preferred_username') || str('email') };
}
