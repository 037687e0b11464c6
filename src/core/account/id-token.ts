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
  let parsed: unknown;
  try {
    parsed = JSON.parse(base64UrlText(part));
  } catch {
    return { error: 'The ID token is malformed.' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { error: 'The ID token is malformed.' };
  const claims = parsed as Record<string, unknown>;
  if (claims.aud !== expect.clientId) return { error: 'The ID token was issued to another application.' };
  if (claims.nonce !== expect.nonce) return { error: 'The ID token belongs to another sign-in.' };
  const str = (k: string): string => {
    const v = claims[k];
    return typeof v === 'string' ? v : '';
  };
  if (!str('oid') || !str('tid')) return { error: 'The ID token lacks the user identifiers.' };
  return { oid: str('oid'), tid: str('tid'), name: str('name') || str('preferred_username'), username: str('preferred_username') || str('email') };
}

/**
 * Decodes base64url (RFC 4648 §5, unpadded as JWTs use it) to UTF-8 text with what both Node and
 * browsers provide (`atob`, `TextDecoder`): the core runs in both, and `Buffer` is Node's alone.
 * Throws on characters outside the alphabet or bytes that are not UTF-8.
 */
function base64UrlText(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
