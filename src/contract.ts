/**
 * The one contract between Custom UI and resolvers. Both sides use it: the backend through
 * `makeResolver<Defs>()`, the Custom UI through `makeInvoke<Defs>()` (type-only import).
 */
import type { Result } from './core/result';
import type { SessionToken } from './core/account/service';

export type { Result, SessionToken };
export type { AppErrorBody, ErrorCode } from './core/result';

export type Defs = {
  /** Starts a Microsoft 365 sign-in for the calling Atlassian user; open the URL in a new tab. */
  'account/connect': () => Promise<Result<{ authorizeUrl: string }>>;
  /** A short-lived Graph access token for the calling user's browser session. */
  'account/token': (p: { refresh?: boolean }) => Promise<Result<SessionToken>>;
  /** Forgets the calling user's Microsoft 365 connection. */
  'account/signOut': () => Promise<Result<{ signedOut: true }>>;
};
