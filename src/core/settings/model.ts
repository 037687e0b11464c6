/**
 * The admin's settings for one installation: feature switches, SharePoint tenants, sharing defaults,
 * diagnostics and the Microsoft app registration (its secret is kept apart, as a KVS secret).
 * Stored settings are read tolerantly (a damaged field falls back to its default and is reported);
 * changes are validated strictly (an unknown or malformed field refuses the whole change).
 */
import { fail, ok, type Result } from '../result';
import { FEATURE_KEYS, FEATURES, isFeatureKey, type FeatureKey } from './features';

export type ShareScope = 'private' | 'atlassian' | 'public';
export const SHARE_SCOPES: readonly ShareScope[] = ['private', 'atlassian', 'public'];

/** The kinds of item people share, as the admin's per-kind rules name them (src/core/sharing/kind-policy.ts). */
export type SharingKindName = 'mail' | 'conversation' | 'calendar' | 'event' | 'chat';
export const SHARING_KIND_NAMES: readonly SharingKindName[] = ['mail', 'conversation', 'calendar', 'event', 'chat'];

/** Each kind as the admin page and the settings' refusals name it. */
export const SHARING_KIND_LABELS: Readonly<Record<SharingKindName, string>> = {
  mail: 'Single mails',
  conversation: 'Whole conversations',
  calendar: 'Calendars',
  event: 'Single events',
  chat: 'Teams chats',
};

/** One kind's audiences: within the site-wide allowed scopes (a rule never widens them). */
export interface SharingKindRule {
  allowedScopes: ShareScope[];
  defaultScope: ShareScope;
}

/** A Public share must end within this many days (0: no maximum); at most ten years. */
export const PUBLIC_MAX_DAYS = { min: 1, max: 3650 } as const;

export interface SharingSettings {
  defaultScope: ShareScope;
  allowedScopes: ShareScope[];
  /** Per kind, narrower audiences than the site-wide ones (absent: the site-wide ones). */
  kinds?: Partial<Record<SharingKindName, SharingKindRule>>;
  /** Public shares end at most this many days after they are made Public. */
  publicMaxDays?: number;
  /** Shared calendars show free/busy blocks only, without titles. */
  calendarFreeBusyOnly?: boolean;
}

/** Who may create calendar feeds (site admins always may; project admins for their own projects). */
export type FeedCreators = 'site-admins' | 'project-admins' | 'everyone';
export const FEED_CREATORS: readonly FeedCreators[] = ['site-admins', 'project-admins', 'everyone'];

/** Calendar feeds: who may create them, and how long a personal address lives before it must be renewed. */
export interface FeedSettings {
  creators: FeedCreators;
  urlLifetimeDays: number;
}

/** KVS TTLs hold for at most a year, and an address's record outlives it by a month. */
export const FEED_URL_DAYS = { min: 7, max: 330 } as const;

/** How much the app writes to its logs (which the app's developers can read with `forge logs`). */
export type DiagnosticsLevel = 'standard' | 'codes-only';

export interface Registration {
  /** A tenant id (GUID), a verified domain, or `organizations`. */
  tenant: string;
  clientId: string;
  /** ISO date the client secret was last set here. */
  secretSetAt: string;
  updatedAt: string;
}

export interface AdminConsent {
  grantedAt: string;
  /** The tenant Microsoft said granted it. */
  tenant: string;
  scopes: string[];
}

export interface AppSettings {
  features: Record<FeatureKey, boolean>;
  /** SharePoint tenant names (the `contoso` of contoso.sharepoint.com). Empty: any tenant. */
  sharePointTenants: string[];
  sharing: SharingSettings;
  diagnostics: DiagnosticsLevel;
  registration?: Registration;
  consents: Partial<Record<FeatureKey, AdminConsent>>;
  feeds: FeedSettings;
  updatedAt?: string;
}

export const defaultSettings = (): AppSettings => ({
  features: Object.fromEntries(FEATURE_KEYS.map((k) => [k, FEATURES[k].defaultOn])) as Record<FeatureKey, boolean>,
  sharePointTenants: [],
  // Public is off until an admin allows it: "everyone" on a public project includes anonymous visitors.
  sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian'] },
  diagnostics: 'standard',
  consents: {},
  // PSC Team Calendars' personal tokens expire after six months (RESEARCH §4.1); renewing is one click.
  feeds: { creators: 'project-admins', urlLifetimeDays: 180 },
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScope = (v: unknown): v is ShareScope => typeof v === 'string' && (SHARE_SCOPES as readonly string[]).includes(v);
const isIsoDate = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const TENANT_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_TENANTS = 50;

/** Reads stored settings; damaged parts fall back to defaults and are named in `damaged`. */
export function readSettings(raw: unknown): { settings: AppSettings; damaged: string[] } {
  const s = defaultSettings();
  const damaged: string[] = [];
  if (raw === undefined) return { settings: s, damaged };
  if (!isRecord(raw)) return { settings: s, damaged: ['settings'] };
  if (raw.features !== undefined) {
    if (isRecord(raw.features)) {
      for (const [k, v] of Object.entries(raw.features)) {
        if (isFeatureKey(k) && typeof v === 'boolean') s.features[k] = v && FEATURES[k].built;
      }
    } else damaged.push('features');
  }
  if (raw.sharePointTenants !== undefined) {
    const t = Array.isArray(raw.sharePointTenants) ? normaliseTenants(raw.sharePointTenants) : undefined;
    if (t?.ok) s.sharePointTenants = t.value;
    else damaged.push('sharePointTenants');
  }
  if (raw.sharing !== undefined) {
    const sh = validSharing(raw.sharing);
    if (sh.ok) s.sharing = sh.value;
    else damaged.push('sharing');
  }
  if (raw.diagnostics !== undefined) {
    if (raw.diagnostics === 'standard' || raw.diagnostics === 'codes-only') s.diagnostics = raw.diagnostics;
    else damaged.push('diagnostics');
  }
  if (raw.registration !== undefined) {
    const r = raw.registration;
    if (isRecord(r) && typeof r.tenant === 'string' && typeof r.clientId === 'string' && isIsoDate(r.secretSetAt) && isIsoDate(r.updatedAt) && validTenant(r.tenant).ok && GUID.test(r.clientId)) {
      s.registration = { tenant: r.tenant, clientId: r.clientId, secretSetAt: r.secretSetAt, updatedAt: r.updatedAt };
    } else damaged.push('registration');
  }
  if (isRecord(raw.consents)) {
    for (const [k, v] of Object.entries(raw.consents)) {
      if (isFeatureKey(k) && isRecord(v) && isIsoDate(v.grantedAt) && typeof v.tenant === 'string' && Array.isArray(v.scopes) && v.scopes.every((x) => typeof x === 'string')) {
        s.consents[k] = { grantedAt: v.grantedAt, tenant: v.tenant, scopes: v.scopes };
      }
    }
  }
  if (raw.feeds !== undefined) {
    const f = validFeedSettings(raw.feeds);
    if (f.ok) s.feeds = f.value;
    else damaged.push('feeds');
  }
  if (isIsoDate(raw.updatedAt)) s.updatedAt = raw.updatedAt;
  return { settings: s, damaged };
}

function validFeedSettings(v: unknown): Result<FeedSettings> {
  if (!isRecord(v) || !FEED_CREATORS.includes(v.creators as FeedCreators) || !Number.isInteger(v.urlLifetimeDays) || (v.urlLifetimeDays as number) < FEED_URL_DAYS.min || (v.urlLifetimeDays as number) > FEED_URL_DAYS.max) {
    return fail('BAD_REQUEST', `Calendar feeds need who may create them (site admins, project admins or everyone) and an address lifetime of ${FEED_URL_DAYS.min}–${FEED_URL_DAYS.max} days.`);
  }
  return ok({ creators: v.creators as FeedCreators, urlLifetimeDays: v.urlLifetimeDays as number });
}

/** What an admin may change in one save; every field optional, nothing else accepted. */
export interface SettingsPatch {
  features?: Partial<Record<FeatureKey, boolean>>;
  sharePointTenants?: string[];
  /** Replaces the fields it names; `publicMaxDays: 0` removes the maximum. */
  sharing?: SharingSettings;
  diagnostics?: DiagnosticsLevel;
  feeds?: FeedSettings;
}

const PATCH_FIELDS = new Set(['features', 'sharePointTenants', 'sharing', 'diagnostics', 'feeds']);

export function parseSettingsPatch(raw: unknown): Result<SettingsPatch> {
  if (!isRecord(raw)) return fail('BAD_REQUEST', 'The settings change was not understood.');
  const unknown = Object.keys(raw).filter((k) => !PATCH_FIELDS.has(k));
  if (unknown.length) return fail('BAD_REQUEST', `Unknown setting: ${unknown.slice(0, 3).join(', ')}.`);
  const patch: SettingsPatch = {};
  if (raw.features !== undefined) {
    if (!isRecord(raw.features)) return fail('BAD_REQUEST', 'Feature switches must be on or off.');
    const features: Partial<Record<FeatureKey, boolean>> = {};
    for (const [k, v] of Object.entries(raw.features)) {
      if (!isFeatureKey(k) || typeof v !== 'boolean') return fail('BAD_REQUEST', `Unknown feature switch: ${k.slice(0, 40)}.`);
      if (v && !FEATURES[k].built) return fail('BAD_REQUEST', `“${FEATURES[k].label}” is not available in this version of the app yet.`);
      features[k] = v;
    }
    patch.features = features;
  }
  if (raw.sharePointTenants !== undefined) {
    if (!Array.isArray(raw.sharePointTenants)) return fail('BAD_REQUEST', 'SharePoint tenants must be a list.');
    const t = normaliseTenants(raw.sharePointTenants);
    if (!t.ok) return t;
    patch.sharePointTenants = t.value;
  }
  if (raw.sharing !== undefined) {
    const sh = validSharing(raw.sharing);
    if (!sh.ok) return sh;
    patch.sharing = sh.value;
  }
  if (raw.diagnostics !== undefined) {
    if (raw.diagnostics !== 'standard' && raw.diagnostics !== 'codes-only') return fail('BAD_REQUEST', 'Diagnostics must be “standard” or “codes-only”.');
    patch.diagnostics = raw.diagnostics;
  }
  if (raw.feeds !== undefined) {
    const f = validFeedSettings(raw.feeds);
    if (!f.ok) return f;
    patch.feeds = f.value;
  }
  return ok(patch);
}

export function applyPatch(s: AppSettings, patch: SettingsPatch, now: Date): AppSettings {
  return {
    ...s,
    features: { ...s.features, ...patch.features },
    ...(patch.sharePointTenants ? { sharePointTenants: patch.sharePointTenants } : {}),
    ...(patch.sharing ? { sharing: mergeSharing(s.sharing, patch.sharing) } : {}),
    ...(patch.diagnostics ? { diagnostics: patch.diagnostics } : {}),
    ...(patch.feeds ? { feeds: patch.feeds } : {}),
    updatedAt: now.toISOString(),
  };
}

/** A sharing change keeps the per-kind rules and limits it does not name (older admin pages send only the scopes). */
function mergeSharing(was: SharingSettings, patch: SharingSettings): SharingSettings {
  const out: SharingSettings = { ...was, ...patch };
  if (out.publicMaxDays === 0) delete out.publicMaxDays;
  if (out.calendarFreeBusyOnly === false) delete out.calendarFreeBusyOnly;
  return out;
}

const SHARING_FIELDS = new Set(['defaultScope', 'allowedScopes', 'kinds', 'publicMaxDays', 'calendarFreeBusyOnly']);

function validScopes(v: Record<string, unknown>, what: string): Result<SharingKindRule> {
  if (!isScope(v.defaultScope) || !Array.isArray(v.allowedScopes) || !v.allowedScopes.every(isScope)) {
    return fail('BAD_REQUEST', `${what} needs a default scope and the allowed scopes (private, atlassian, public).`);
  }
  const allowed = SHARE_SCOPES.filter((s) => (v.allowedScopes as unknown[]).includes(s));
  if (allowed.length === 0) return fail('BAD_REQUEST', `${what}: allow at least one audience.`);
  if (!allowed.includes(v.defaultScope)) return fail('BAD_REQUEST', `${what}: the default scope must be one of the allowed scopes.`);
  return ok({ defaultScope: v.defaultScope, allowedScopes: allowed });
}

function validSharing(v: unknown): Result<SharingSettings> {
  if (!isRecord(v)) return fail('BAD_REQUEST', 'Sharing needs a default scope and the allowed scopes (private, atlassian, public).');
  const extra = Object.keys(v).filter((k) => !SHARING_FIELDS.has(k));
  if (extra.length) return fail('BAD_REQUEST', `Unknown sharing setting: ${extra.slice(0, 3).join(', ').slice(0, 80)}.`);
  const base = validScopes(v, 'Sharing');
  if (!base.ok) return base;
  const out: SharingSettings = { ...base.value };
  if (v.kinds !== undefined) {
    if (!isRecord(v.kinds)) return fail('BAD_REQUEST', 'Per-kind sharing rules must name a kind (mail, conversation, calendar, event, chat).');
    const kinds: Partial<Record<SharingKindName, SharingKindRule>> = {};
    for (const [k, rule] of Object.entries(v.kinds)) {
      if (!(SHARING_KIND_NAMES as readonly string[]).includes(k) || !isRecord(rule)) return fail('BAD_REQUEST', `Unknown kind of shared item: ${k.slice(0, 40)}.`);
      const label = SHARING_KIND_LABELS[k as SharingKindName];
      const r = validScopes(rule, label);
      if (!r.ok) return r;
      // A rule only narrows the site-wide audiences (src/core/sharing/kind-policy.ts): one that leaves none would silently stop the kind.
      if (!r.value.allowedScopes.some((s) => base.value.allowedScopes.includes(s))) return fail('BAD_REQUEST', `${label}: allow at least one of the audiences allowed for the whole site.`);
      kinds[k as SharingKindName] = r.value;
    }
    out.kinds = kinds;
  }
  if (v.publicMaxDays !== undefined) {
    const d = v.publicMaxDays;
    if (!Number.isInteger(d) || (d !== 0 && ((d as number) < PUBLIC_MAX_DAYS.min || (d as number) > PUBLIC_MAX_DAYS.max))) {
      return fail('BAD_REQUEST', `The longest a Public share may last is ${String(PUBLIC_MAX_DAYS.min)}–${String(PUBLIC_MAX_DAYS.max)} days (0: no limit).`);
    }
    out.publicMaxDays = d as number;
  }
  if (v.calendarFreeBusyOnly !== undefined) {
    if (typeof v.calendarFreeBusyOnly !== 'boolean') return fail('BAD_REQUEST', 'Free/busy only must be on or off.');
    out.calendarFreeBusyOnly = v.calendarFreeBusyOnly;
  }
  return ok(out);
}

/**
 * Accepts `contoso`, `contoso.sharepoint.com` or `https://contoso.sharepoint.com/...` and keeps the
 * tenant name; `contoso-my` (OneDrive) belongs to `contoso`.
 */
export function normaliseTenants(list: unknown[]): Result<string[]> {
  if (list.length > MAX_TENANTS) return fail('BAD_REQUEST', `List at most ${MAX_TENANTS} SharePoint tenants.`);
  const out: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string' || item.length > 300) return fail('BAD_REQUEST', 'Each SharePoint tenant must be a name like contoso or contoso.sharepoint.com.');
    let name = item.trim().toLowerCase().replace(/^https:\/\//, '').replace(/\/.*$/, '');
    if (name.endsWith('.sharepoint.com')) name = name.slice(0, -'.sharepoint.com'.length);
    name = name.replace(/-my$/, '');
    if (!TENANT_LABEL.test(name) || name.startsWith('xn--')) {
      return fail('BAD_REQUEST', `“${item.slice(0, 60)}” is not a SharePoint tenant name; use the first part of the address, like contoso for contoso.sharepoint.com.`);
    }
    if (!out.includes(name)) out.push(name);
  }
  return ok(out);
}

/** A tenant as Entra's authority accepts it: a tenant id, a domain, or `organizations`. */
export function validTenant(v: string): Result<string> {
  const t = v.trim().toLowerCase();
  if (t === 'organizations' || GUID.test(t) || (DOMAIN.test(t) && !t.split('.').some((l) => l.startsWith('xn--')))) return ok(t);
  return fail('BAD_REQUEST', 'The tenant must be a tenant id (a GUID), a domain like contoso.onmicrosoft.com, or “organizations”.');
}

export interface RegistrationInput {
  tenant: string;
  clientId: string;
  /** Absent: keep the secret that is set. */
  clientSecret?: string;
}

export function parseRegistrationInput(raw: unknown, opts: { secretRequired: boolean }): Result<RegistrationInput> {
  if (!isRecord(raw)) return fail('BAD_REQUEST', 'The app registration was not understood.');
  const tenant = typeof raw.tenant === 'string' ? validTenant(raw.tenant) : fail('BAD_REQUEST', 'Enter the tenant.');
  if (!tenant.ok) return tenant;
  const clientId = typeof raw.clientId === 'string' ? raw.clientId.trim().toLowerCase() : '';
  if (!GUID.test(clientId)) return fail('BAD_REQUEST', 'The client id is the “Application (client) ID” from Microsoft Entra: a GUID like 6f2b8c1e-4d3a-4b7f-9e21-0c5d7a9b3f10.');
  const secret = raw.clientSecret;
  if (secret === undefined || secret === '') {
    if (opts.secretRequired) return fail('BAD_REQUEST', 'Enter the client secret (its value, not its id).');
    return ok({ tenant: tenant.value, clientId });
  }
  if (typeof secret !== 'string' || secret.length > 1024 || secret.trim() !== secret || /[\u0000-\u001f\u007f]/.test(secret)) {
    return fail('BAD_REQUEST', 'The client secret has spaces or characters a Microsoft secret never has; copy its value again.');
  }
  return ok({ tenant: tenant.value, clientId, clientSecret: secret });
}

/** Connections are bound to the client and tenant they were made with; a change ends them. */
export const registrationKey = (r: { clientId: string; tenant: string }): string => `${r.clientId}@${r.tenant}`;
