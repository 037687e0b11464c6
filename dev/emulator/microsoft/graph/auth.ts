import type { TenantModel } from '../data/model';
import type { TokenService } from '../identity/tokens';
import { invalidToken } from './errors';
import type { Caller } from './types';

const REASONS = {
  malformed: 'IDX14100: JWT is not well formed, there are no dots (.).',
  signature: 'Access token validation failure. Invalid signature.',
  audience: 'Access token validation failure. Invalid audience.',
  expired: 'Lifetime validation failed, the token is expired.',
} as const;

/** Bearer token → the user it speaks for; any failure is Graph's 401 InvalidAuthenticationToken. */
export const authenticate = (authorization: string | undefined, tokens: TokenService, model: TenantModel): Caller => {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m?.[1]) throw invalidToken('Access token is empty.');
  const check = tokens.checkAccessToken(m[1]);
  if (!check.ok) throw invalidToken(REASONS[check.reason]);
  const principal = model.directory.principal(check.claims.tid, check.claims.oid);
  const tenant = model.directory.tenantById(check.claims.tid);
  if (!principal || !tenant) throw invalidToken('Access token validation failure. The user or tenant no longer exists.');
  return {
    principal, tenant, appId: check.claims.appid,
    scopes: new Set(check.claims.scp.split(' ').filter(Boolean).map((s) => s.toLowerCase())),
  };
};
