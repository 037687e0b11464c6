/**
 * The one contract between Custom UI and resolvers. Both sides use it: the backend through
 * `makeResolver<Defs>()`, the Custom UI through `makeInvoke<Defs>()` (type-only import).
 * Identity always comes from the invocation's context, never from these payloads.
 */
import type { Result } from './core/result';
import type { SessionToken } from './core/account/service';
import type { AdminView, ConnectionTestOutcome, DiagnosticsLevel, FeatureKey, FeatureView, PublicSettings, RegistrationView, SettingsPatch, ShareScope } from './core/settings';

export type { Result, SessionToken, FeatureKey, ShareScope, SettingsPatch, DiagnosticsLevel, ConnectionTestOutcome, AdminView, FeatureView, PublicSettings, RegistrationView };
export type { AppErrorBody, ErrorCode } from './core/result';

/** One kind of record the app stores, with how many there are now. */
export interface StoredRecordKind {
  name: string;
  what: string;
  fields: string[];
  kept: string;
  storage: 'plain' | 'secret';
  /** Counted live; absent where the store cannot be counted (e.g. a single document). */
  count?: number;
  personal: boolean;
}

/** Everything the app stores about the calling user (values, minus secrets' contents). */
export interface MyRecords {
  accountId: string;
  exportedAt: string;
  records: Array<{ kind: string; key: string; value: unknown }>;
}

export type Defs = {
  /** Starts a Microsoft 365 sign-in for the calling Atlassian user; open the URL in a new tab. */
  'account/connect': () => Promise<Result<{ authorizeUrl: string }>>;
  /** A short-lived Graph access token for the calling user's browser session. */
  'account/token': (p: { refresh?: boolean }) => Promise<Result<SessionToken>>;
  /** Forgets the calling user's Microsoft 365 connection. */
  'account/signOut': () => Promise<Result<{ signedOut: true }>>;
  /** What the app stores about the calling user, for them to read and download. */
  'account/records': () => Promise<Result<MyRecords>>;
  /** Deletes everything the app stores about the calling user. */
  'account/records/delete': () => Promise<Result<{ deleted: number }>>;

  /** Feature switches and policies every module needs. */
  'settings/public': () => Promise<Result<PublicSettings>>;

  /** Site admins only (checked with the product, as the caller). */
  'admin/settings': () => Promise<Result<AdminView>>;
  'admin/settings/save': (p: SettingsPatch) => Promise<Result<AdminView>>;
  /** `confirmEndConnections` must be true when the client or tenant changes. */
  'admin/registration/save': (p: { tenant: string; clientId: string; clientSecret?: string; confirmEndConnections?: boolean }) => Promise<Result<AdminView>>;
  'admin/registration/clear': (p: { confirmEndConnections?: boolean }) => Promise<Result<AdminView>>;
  /** Checks the given registration (or, without a payload, the one in force) against Microsoft. */
  'admin/registration/test': (p: { tenant?: string; clientId?: string; clientSecret?: string }) => Promise<Result<ConnectionTestOutcome>>;
  /** Entra's admin-consent URL for one feature's permissions; open it in a new tab. */
  'admin/consent/start': (p: { feature: FeatureKey }) => Promise<Result<{ url: string }>>;
  'admin/storage': () => Promise<Result<StoredRecordKind[]>>;
};

/** Resolver keys, for the dispatch guard: anything else is refused before @forge/resolver looks it up. */
export const FUNCTION_KEYS = [
  'account/connect', 'account/token', 'account/signOut', 'account/records', 'account/records/delete',
  'settings/public',
  'admin/settings', 'admin/settings/save', 'admin/registration/save', 'admin/registration/clear', 'admin/registration/test', 'admin/consent/start', 'admin/storage',
] as const satisfies ReadonlyArray<keyof Defs>;

type Unlisted = Exclude<keyof Defs, (typeof FUNCTION_KEYS)[number]>;
/** Fails to compile when a resolver is added to `Defs` but not to `FUNCTION_KEYS`. */
export const everyKeyListed: [Unlisted] extends [never] ? true : never = true;
