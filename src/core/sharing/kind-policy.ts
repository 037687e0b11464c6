/**
 * What may be shared, per kind of item and per Jira project: the admin's site-wide rules, narrowed
 * (never widened) by a project admin for their project. Pure: one function computes the rule in
 * force, and every share, scope change and view path asks it (src/core/sharing/service.ts,
 * src/core/sharing/my-shares.ts).
 *
 * Narrowing, in one sentence: a project may switch a kind off, drop audiences, pick a default among
 * what is left, make calendars free/busy only and shorten the longest a Public share may last — and
 * nothing a project stores can switch a kind on, add an audience or lengthen a limit.
 */
import { fail, ok, type Result } from '../result';
import { isRecord, own } from '../guards';
import type { FeatureKey } from '../settings/features';
import { PUBLIC_MAX_DAYS, SHARE_SCOPES, SHARING_KIND_NAMES, type AppSettings, type ShareScope, type SharingKindName } from '../settings/model';

export type { SharingKindName };

/** The feature switch of each kind (src/core/settings/features.ts). */
export const FEATURE_OF: Readonly<Record<SharingKindName, FeatureKey>> = {
  mail: 'share.mail',
  conversation: 'share.conversation',
  calendar: 'share.calendar',
  event: 'share.event',
  chat: 'share.chat',
};

/** The rule in force for one kind in one project. */
export interface KindPolicy {
  on: boolean;
  /** In the order private, atlassian, public; may be empty (then nothing of this kind can be shared). */
  allowedScopes: ShareScope[];
  defaultScope: ShareScope;
  /** Calendars only: blocks without titles. */
  freeBusyOnly: boolean;
  /** A Public share ends at most this many days after it is made Public. */
  publicMaxDays?: number;
}

/** What a project admin chose for one kind; every field only narrows. */
export interface ProjectKindRule {
  off?: boolean;
  allowedScopes?: ShareScope[];
  defaultScope?: ShareScope;
  freeBusyOnly?: boolean;
  publicMaxDays?: number;
}

export interface ProjectSharingPolicy {
  projectId: string;
  kinds: Partial<Record<SharingKindName, ProjectKindRule>>;
  updatedAt: string;
  /** The project admin who last changed it. */
  updatedBy: string;
}

const ORDER: readonly ShareScope[] = SHARE_SCOPES;
const inOrder = (xs: readonly ShareScope[]): ShareScope[] => ORDER.filter((s) => xs.includes(s));
const isScope = (v: unknown): v is ShareScope => typeof v === 'string' && (ORDER as readonly string[]).includes(v);
export const isKindName = (v: unknown): v is SharingKindName => typeof v === 'string' && (SHARING_KIND_NAMES as readonly string[]).includes(v);

/** The most private allowed scope, for a default that was narrowed away. */
const narrowest = (allowed: readonly ShareScope[]): ShareScope => allowed[0] ?? 'private';

/** The site-wide rule for a kind: the admin's switch, the site's audiences and a per-kind rule within them. */
export function sitePolicy(settings: AppSettings, kind: SharingKindName): KindPolicy {
  const site = settings.sharing;
  const rule = site.kinds?.[kind];
  const allowed = inOrder(rule ? site.allowedScopes.filter((s) => rule.allowedScopes.includes(s)) : site.allowedScopes);
  const wanted = rule?.defaultScope ?? site.defaultScope;
  return {
    on: settings.features[FEATURE_OF[kind]],
    allowedScopes: allowed,
    defaultScope: allowed.includes(wanted) ? wanted : narrowest(allowed),
    freeBusyOnly: kind === 'calendar' && site.calendarFreeBusyOnly === true,
    ...(site.publicMaxDays !== undefined && site.publicMaxDays > 0 ? { publicMaxDays: site.publicMaxDays } : {}),
  };
}

/** The site's rule narrowed by the project's: the intersection of everything, never more. */
export function narrow(site: KindPolicy, project: ProjectKindRule | undefined): KindPolicy {
  if (!project) return site;
  const allowed = project.allowedScopes ? site.allowedScopes.filter((s) => project.allowedScopes?.includes(s)) : [...site.allowedScopes];
  const wanted = project.defaultScope !== undefined && allowed.includes(project.defaultScope) ? project.defaultScope : site.defaultScope;
  const days = [site.publicMaxDays, project.publicMaxDays].filter((d): d is number => d !== undefined);
  return {
    on: site.on && project.off !== true,
    allowedScopes: allowed,
    defaultScope: allowed.includes(wanted) ? wanted : narrowest(allowed),
    freeBusyOnly: site.freeBusyOnly || project.freeBusyOnly === true,
    ...(days.length ? { publicMaxDays: Math.min(...days) } : {}),
  };
}

/** The rule in force for `kind` in the project that stored `project` (or none). */
export const policyFor = (settings: AppSettings, project: ProjectSharingPolicy | undefined, kind: SharingKindName): KindPolicy => narrow(sitePolicy(settings, kind), project?.kinds[kind]);

/** Every kind's rule for a project, for its settings tab and the share pickers. */
export function policiesFor(settings: AppSettings, project: ProjectSharingPolicy | undefined): Record<SharingKindName, KindPolicy> {
  return Object.fromEntries(SHARING_KIND_NAMES.map((k) => [k, policyFor(settings, project, k)])) as Record<SharingKindName, KindPolicy>;
}

const PROJECT_ID = /^[1-9]\d{0,17}$/;
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const RULE_FIELDS = new Set(['off', 'allowedScopes', 'defaultScope', 'freeBusyOnly', 'publicMaxDays']);

function readRule(v: unknown, strict: boolean): Result<ProjectKindRule> {
  const bad = (what: string) => fail('BAD_REQUEST', what);
  if (!isRecord(v)) return bad('Each kind’s project rule must be a set of choices.');
  if (strict && Object.keys(v).some((k) => !RULE_FIELDS.has(k))) return bad('That project sharing rule has a choice the app does not know.');
  const r: ProjectKindRule = {};
  const off = own(v, 'off');
  if (off !== undefined) {
    if (typeof off !== 'boolean') return bad('“Off” must be on or off.');
    if (off) r.off = true;
  }
  const allowed = own(v, 'allowedScopes');
  if (allowed !== undefined) {
    if (!Array.isArray(allowed) || allowed.length > 3 || !allowed.every(isScope)) return bad('Audiences must be among private, atlassian and public.');
    r.allowedScopes = inOrder(allowed);
  }
  const def = own(v, 'defaultScope');
  if (def !== undefined) {
    if (!isScope(def)) return bad('The default audience must be private, atlassian or public.');
    if (r.allowedScopes && !r.allowedScopes.includes(def)) return bad('The default audience must be one of the allowed ones.');
    r.defaultScope = def;
  }
  const fb = own(v, 'freeBusyOnly');
  if (fb !== undefined) {
    if (typeof fb !== 'boolean') return bad('Free/busy only must be on or off.');
    if (fb) r.freeBusyOnly = true;
  }
  const days = own(v, 'publicMaxDays');
  if (days !== undefined) {
    if (!Number.isInteger(days) || (days as number) < PUBLIC_MAX_DAYS.min || (days as number) > PUBLIC_MAX_DAYS.max) return bad(`The longest a Public share may last is ${String(PUBLIC_MAX_DAYS.min)}–${String(PUBLIC_MAX_DAYS.max)} days.`);
    r.publicMaxDays = days as number;
  }
  return ok(r);
}

/** A project admin's change, read strictly: any unknown kind, field or value refuses the whole change. */
export function parseProjectKinds(raw: unknown): Result<Partial<Record<SharingKindName, ProjectKindRule>>> {
  if (!isRecord(raw)) return fail('BAD_REQUEST', 'The project’s sharing rules were not understood.');
  const out: Partial<Record<SharingKindName, ProjectKindRule>> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!isKindName(k)) return fail('BAD_REQUEST', `Unknown kind of shared item: ${k.slice(0, 40)}.`);
    const r = readRule(v, true);
    if (!r.ok) return r;
    out[k] = r.value;
  }
  return ok(out);
}

/** A stored project policy; a damaged kind is read as switched off (the narrowest reading), never as wider. */
export function readProjectPolicy(raw: unknown): ProjectSharingPolicy | undefined {
  if (!isRecord(raw)) return undefined;
  const projectId = own(raw, 'projectId');
  const updatedAt = own(raw, 'updatedAt');
  const updatedBy = own(raw, 'updatedBy');
  const kinds = own(raw, 'kinds');
  if (typeof projectId !== 'string' || !PROJECT_ID.test(projectId) || typeof updatedAt !== 'string' || typeof updatedBy !== 'string' || !ACCOUNT_ID.test(updatedBy)) return undefined;
  const out: ProjectSharingPolicy = { projectId, kinds: {}, updatedAt, updatedBy };
  if (isRecord(kinds)) {
    for (const [k, v] of Object.entries(kinds)) {
      if (!isKindName(k)) continue;
      const r = readRule(v, false);
      out.kinds[k] = r.ok ? r.value : { off: true };
    }
  }
  return out;
}

/**
 * The scope a stored share has now: the chosen one if still allowed, else the next narrower allowed
 * one (Public → Atlassian → Private); Private always stays private.
 */
export function scopeNow(stored: ShareScope, allowed: readonly ShareScope[]): ShareScope {
  for (let i = ORDER.indexOf(stored); i > 0; i--) {
    const s = ORDER[i];
    if (s !== undefined && allowed.includes(s)) return s;
  }
  return 'private';
}
