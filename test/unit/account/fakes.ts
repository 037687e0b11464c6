import { createHash } from 'node:crypto';
import { IdentityError, type ConnectionStore, type IdentityClient, type MicrosoftConnection, type PendingSignIn, type PendingSignInStore, type SignInOutcome, type TokenGrant } from '../../../src/core/account/ports';

export function memoryConnections(): ConnectionStore & { all: Map<string, MicrosoftConnection>; ended: Map<string, string> } {
  const all = new Map<string, MicrosoftConnection>();
  const ended = new Map<string, string>();
  return {
    all,
    ended,
    get: async (id) => all.get(id),
    put: async (id, c) => {
      ended.delete(id);
      all.set(id, structuredClone(c));
    },
    putRefreshed: async (id, c) => void all.set(id, structuredClone(c)),
    delete: async (id) => void all.delete(id),
    count: async () => all.size,
    endAll: async (reason) => {
      const n = all.size;
      for (const id of all.keys()) ended.set(id, reason);
      all.clear();
      return n;
    },
    endedReason: async (id) => ended.get(id),
  };
}

export function memoryPending(): PendingSignInStore & { all: Map<string, PendingSignIn>; outcomes: Map<string, SignInOutcome> } {
  const all = new Map<string, PendingSignIn>();
  const outcomes = new Map<string, SignInOutcome>();
  return {
    all,
    outcomes,
    peek: async (h) => all.get(h),
    putOutcome: async (h, o) => void outcomes.set(h, o),
    outcome: async (h) => outcomes.get(h),
    put: async (h, p) => void all.set(h, p),
    take: async (h) => {
      const p = all.get(h);
      all.delete(h);
      return p;
    },
  };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
export const idToken = (claims: Record<string, unknown>) => `${b64({ alg: 'none' })}.${b64(claims)}.`;

/**
 * A token endpoint that behaves like Entra where it matters here: codes are one-time and bound to
 * a PKCE challenge; refresh tokens rotate; revoked ones fail with invalid_grant.
 */
export function fakeIdentity(clientId: string) {
  const codes = new Map<string, { challenge: string; nonce: string; oid: string }>();
  const live = new Set<string>();
  let n = 0;
  const grant = (oid: string, nonce?: string): TokenGrant => {
    const refreshToken = `rt-${++n}`;
    live.add(refreshToken);
    return {
      accessToken: `at-${n}`,
      expiresInSeconds: 3600,
      refreshToken,
      scope: 'openid offline_access User.Read',
      ...(nonce !== undefined ? { idToken: idToken({ aud: clientId, nonce, oid, tid: 'tenant-1', name: 'Alice Adams', preferred_username: 'alice@contoso.com' }) } : {}),
    };
  };
  const client: IdentityClient & { calls: { refresh: number } } = {
    calls: { refresh: 0 },
    async redeemCode({ code, codeVerifier }) {
      const c = codes.get(code);
      codes.delete(code);
      if (!c) throw new IdentityError('invalid_grant', 'AADSTS54005: code already redeemed');
      if (createHash('sha256').update(codeVerifier).digest('base64url') !== c.challenge) throw new IdentityError('invalid_grant', 'AADSTS501481: PKCE mismatch');
      return grant(c.oid, c.nonce);
    },
    async appToken() {
      return { accessToken: `app-${++n}`, expiresInSeconds: 3600, scope: '' };
    },
    async refresh({ refreshToken }) {
      client.calls.refresh++;
      if (!live.has(refreshToken)) throw new IdentityError('invalid_grant', 'AADSTS70008: revoked');
      return grant('oid-1');
    },
  };
  return {
    client,
    /** What the authorize page does when the user signs in: a code bound to the URL's challenge and nonce. */
    issueCode(authorizeUrl: string, oid = 'oid-1') {
      const q = new URL(authorizeUrl).searchParams;
      const code = `code-${++n}`;
      codes.set(code, { challenge: q.get('code_challenge') ?? '', nonce: q.get('nonce') ?? '', oid });
      return { code, state: q.get('state') ?? '' };
    },
    revokeAll: () => live.clear(),
  };
}
