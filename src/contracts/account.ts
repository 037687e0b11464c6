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
  'account/connect': (p?: { feature?: FeatureKey }) => Promise<Result<{ authorizeUrl: string }>>;
  /** A short-lived Graph access token for the calling user's browser session. */
  'account/token': (p: { refresh?: boolean }) => Promise<Result<SessionToken>>;
  /** Forgets the calling user's Microsoft 365 connection. */
  'account/signOut': () => Promise<Result<{ signedOut: true }>>;
  /** What the app stores about the calling user, for them to read and download. */
  'account/records': () => Promise<Result<MyRecords>>;
  /** Deletes everything the app stores about the calling user. */
  'account/records/delete': () => Promise<Result<{ deleted: number }>>;
};
