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
import type { AccountDefs, MyRecords } from './contracts/account';
import type { AdminDefs, StoredRecordKind } from './contracts/admin';
export type { AccountDefs, AdminDefs, MyRecords, StoredRecordKind };

/**
 * Every resolver, by feature: each feature declares its own `…Defs` in src/contracts/ and the
 * backend registers a `Handlers<…Defs>` for it in src/resolvers/. Adding a feature is one line here.
 */
export type Defs = AccountDefs & AdminDefs & import('./contracts/sharing').SharingDefs & import('./contracts/feeds').FeedsDefs & import('./contracts/automations').AutomationsDefs & import('./contracts/my-shares').MySharesDefs;
