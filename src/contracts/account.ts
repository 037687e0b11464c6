import type { Result } from '../core/result';
import type { SessionToken } from '../core/account/service';
import type { FeatureKey } from '../core/settings/features';

/** Everything the app stores about the calling user (values, minus secrets' contents). */
export interface MyRecords {
  accountId: string;
  exportedAt: string;
  records: Array<{ kind: string; key: string; value: unknown }>;
}

/** The Microsoft 365 connection and the user's own data. */
export type AccountDefs = {
  /**
   * Starts a Microsoft 365 sign-in for the calling Atlassian user; open the URL in a new tab. With a
   * `feature`, it also asks that feature's permissions (asked when the feature is first used).
   */
  'account/connect': (p?: { feature?: FeatureKey }) => Promise<Result<{ authorizeUrl: string; signInId: string }>>;
  /**
   * Where the caller's sign-in `signInId` stands: open, connected, or ended unanswered (abandoned,
   * expired, cancelled); a failed one is the failure, with the words the sign-in tab showed.
   */
  'account/signIn/status': (p: { signInId: string }) => Promise<Result<{ status: 'pending' | 'connected' | 'ended' }>>;
  /** Ends the caller's open sign-in, so finishing it in the other tab connects nothing. */
  'account/signIn/cancel': (p: { signInId: string }) => Promise<Result<{ cancelled: boolean }>>;
  /** A short-lived Graph access token for the calling user's browser session. */
  'account/token': (p: { refresh?: boolean }) => Promise<Result<SessionToken>>;
  /** Forgets the calling user's Microsoft 365 connection. */
  'account/signOut': () => Promise<Result<{ signedOut: true }>>;
  /** What the app stores about the calling user, for them to read and download. */
  'account/records': () => Promise<Result<MyRecords>>;
  /** Deletes everything the app stores about the calling user. */
  'account/records/delete': () => Promise<Result<{ deleted: number }>>;
};
