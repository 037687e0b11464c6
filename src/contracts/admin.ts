import type { Result } from '../core/result';
import type { AdminView, ConnectionTestOutcome, FeatureKey, PublicSettings, SettingsPatch } from '../core/settings';

/** One kind of record the app stores, with how many there are now. */
export interface StoredRecordKind {
  name: string;
  what: string;
  fields: string[];
  kept: string;
  storage: 'plain' | 'secret' | 'entity';
  /** Counted live; absent where the store cannot be counted (e.g. a single document). */
  count?: number;
  personal: boolean;
}

/** Settings: what every module may read, and the site admin's page. */
export type AdminDefs = {  /** Feature switches and policies every module needs. */
  'settings/public': () => Promise<Result<PublicSettings>>;

  /** Site admins only (checked with the product, as the caller). */
  'admin/settings': () => Promise<Result<AdminView>>;
  /**
   * One all-or-nothing change: any malformed field refuses the whole of it with words for the admin. A
   * `sharing` change names the site-wide `allowedScopes`/`defaultScope`; its `kinds`, when sent, replace
   * every kind's rule (a kind left out follows the site-wide audiences), each within those audiences.
   */
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
