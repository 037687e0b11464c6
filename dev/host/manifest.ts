import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseEntitySchemas, type EntitySchemas } from './kvs/entity-schema';

/** The parts of manifest.yml the local host acts on. */
export interface AppManifest {
  appId: string;
  runtime: string;
  functions: Map<string, { key: string; handler: string; timeoutSeconds?: number }>;
  resources: Map<string, { key: string; path: string }>;
  /** UI modules by key: jira:issuePanel, confluence:contentBylineItem, macro, … */
  uiModules: Map<string, UiModule>;
  webTriggers: Map<string, WebTriggerModule>;
  scheduledTriggers: Map<string, ScheduledTrigger>;
  permissions: Permissions;
  /** `app.storage.entities`: the custom entities and their indexes. */
  entities: EntitySchemas;
  /** `app.compatibility` (EAP): one installation across products, in the `required` one; absent = one per product. */
  compatibility?: { required: 'jira' | 'confluence'; optional: Array<'jira' | 'confluence'> };
  dir: string;
}

export interface UiModule {
  key: string;
  type: string;
  resource: string;
  resolverFunction?: string;
  title: string;
  /** Macro custom configuration (`config: { resource }`) if any. */
  configResource?: string;
  /** Who else than licensed users may use it: `unlicensed`, `customer`, `anonymous` (access-to-forge-apps-for-unlicensed-users). */
  unlicensedAccess: string[];
  raw: Record<string, unknown>;
}

/** A `webtrigger` module as `@forge/manifest` 13.7.0's schema defines it (RequestOptions, ResponseOptions, UrlFormat). */
export interface WebTriggerModule {
  key: string;
  function: string;
  /** `urlFormat`: v1 (default) or v2. */
  urlFormat: 'v1' | 'v2';
  /** `response.type` (default dynamic) and, for static, the `outputs` the function picks from by `outputKey`. */
  response: { type: 'dynamic' } | { type: 'static'; outputs: Map<string, { statusCode: number; contentType?: string; body?: string }> };
  /** `request.authentication` (default none). */
  authentication: 'none' | 'hmacSharedSecret';
}

export type ScheduledInterval = 'fiveMinute' | 'hour' | 'day' | 'week';

export interface ScheduledTrigger {
  key: string;
  function: string;
  interval: ScheduledInterval;
}

/** @forge/manifest 13.7.0 schema: `interval` enum of the scheduledTrigger module. */
export const SCHEDULED_INTERVAL_SECONDS: Record<ScheduledInterval, number> = { fiveMinute: 300, hour: 3600, day: 86_400, week: 604_800 };

/** "Apps can declare up to five scheduled triggers" (manifest-reference/modules/scheduled-trigger). */
const MAX_SCHEDULED_TRIGGERS = 5;

export interface Permissions {
  scopes: string[];
  content?: { scripts?: string[]; styles?: string[] };
  external?: Record<string, unknown> & { fetch?: { backend?: Egress[]; client?: Egress[] } };
}

export type Egress = string | { address: string; category?: string; inScopeEUD?: boolean };

const UI_MODULE_TYPES = [
  'jira:issuePanel',
  'confluence:contentBylineItem',
  'macro',
  'jira:adminPage',
  'jira:personalSettingsPage',
  'jira:projectSettingsPage',
  'confluence:globalSettings',
  'confluence:globalPage',
  'jira:projectPage',
  'jira:globalPage',
];

export function loadManifest(dir: string): AppManifest {
  const doc = parse(readFileSync(join(dir, 'manifest.yml'), 'utf8')) as Record<string, any>;
  const modules = (doc.modules ?? {}) as Record<string, Array<Record<string, any>>>;
  const functions = new Map((modules.function ?? []).map((f) => [f.key as string, { key: f.key, handler: f.handler, timeoutSeconds: f.timeoutSeconds }]));
  const resources = new Map(((doc.resources ?? []) as Array<{ key: string; path: string }>).map((r) => [r.key, r]));
  const uiModules = new Map<string, UiModule>();
  for (const type of UI_MODULE_TYPES) {
    for (const m of modules[type] ?? []) {
      uiModules.set(m.key, {
        key: m.key,
        type,
        resource: m.resource,
        resolverFunction: m.resolver?.function,
        title: typeof m.title === 'string' ? m.title : m.key,
        ...(m.config && typeof m.config === 'object' && m.config.resource ? { configResource: m.config.resource } : {}),
        unlicensedAccess: parseUnlicensedAccess(m.key, type, m.unlicensedAccess),
        raw: m,
      });
    }
  }
  const webTriggers = new Map((modules.webtrigger ?? []).map((w) => [w.key as string, parseWebTrigger(w)]));
  const scheduledTriggers = new Map<string, ScheduledTrigger>();
  for (const t of modules.scheduledTrigger ?? []) {
    if (!(t.interval in SCHEDULED_INTERVAL_SECONDS)) throw new Error(`scheduledTrigger '${t.key}': interval must be one of ${Object.keys(SCHEDULED_INTERVAL_SECONDS).join(', ')}`);
    if (!functions.has(t.function)) throw new Error(`scheduledTrigger '${t.key}': no function '${t.function}'`);
    scheduledTriggers.set(t.key, { key: t.key, function: t.function, interval: t.interval });
  }
  if (scheduledTriggers.size > MAX_SCHEDULED_TRIGGERS) throw new Error(`At most ${MAX_SCHEDULED_TRIGGERS} scheduledTrigger modules are allowed (found ${scheduledTriggers.size}).`);
  return {
    appId: doc.app?.id ?? '',
    runtime: doc.app?.runtime?.name ?? '',
    functions,
    resources,
    uiModules,
    webTriggers,
    scheduledTriggers,
    permissions: { scopes: doc.permissions?.scopes ?? [], content: doc.permissions?.content, external: doc.permissions?.external },
    entities: parseEntitySchemas(doc.app?.storage?.entities),
    ...parseCompatibility(doc.app?.compatibility),
    dir,
  };
}

/**
 * Module types that take `unlicensedAccess`, and the user types each takes: the Confluence list is CHANGE-2996
 * (2026-01-06), `jira:issuePanel` CHANGE-3204 (anonymous, 2026-05-04) and CHANGE-3295 (guests, 2026-06-17).
 * `@forge/manifest` 13.7.0's schema only knows the Confluence ones; `forge lint` refuses it elsewhere.
 */
const UNLICENSED_ACCESS: Record<string, readonly string[]> = {
  macro: ['unlicensed', 'anonymous'],
  'confluence:contentBylineItem': ['unlicensed', 'anonymous'],
  'confluence:contentAction': ['unlicensed', 'anonymous'],
  'confluence:contextMenu': ['unlicensed', 'anonymous'],
  'confluence:globalPage': ['unlicensed', 'anonymous'],
  'confluence:spacePage': ['unlicensed', 'anonymous'],
  'jira:issuePanel': ['unlicensed', 'customer', 'anonymous'],
};

function parseUnlicensedAccess(key: string, type: string, raw: unknown): string[] {
  if (raw === undefined) return [];
  const allowed = UNLICENSED_ACCESS[type];
  if (!allowed) throw new Error(`${type} does not support the following Forge properties - 'unlicensedAccess' (module '${key}')`);
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((v) => typeof v !== 'string' || !allowed.includes(v))) {
    throw new Error(`Property "unlicensedAccess" in ${key} must be an array of one or more of the following values: [${allowed.join(', ')}]`);
  }
  return raw as string[];
}

function parseCompatibility(raw: unknown): { compatibility?: NonNullable<AppManifest['compatibility']> } {
  if (raw === undefined || raw === null || typeof raw !== 'object') return {};
  const entries = Object.entries(raw as Record<string, { required?: unknown }>).filter((e): e is ['jira' | 'confluence', { required?: unknown }] => e[0] === 'jira' || e[0] === 'confluence');
  const required = entries.find(([, v]) => v?.required === true)?.[0];
  if (!required) throw new Error('app.compatibility needs one Atlassian app with required: true');
  return { compatibility: { required, optional: entries.map(([k]) => k).filter((k) => k !== required) } };
}

/** The schema's rules, checked at load so a manifest `forge deploy` refuses does not run here either. */
function parseWebTrigger(w: Record<string, any>): WebTriggerModule {
  const where = `webtrigger '${String(w.key)}'`;
  const urlFormat = w.urlFormat ?? 'v1';
  if (urlFormat !== 'v1' && urlFormat !== 'v2') throw new Error(`${where}: urlFormat must be v1 or v2`);
  const authentication = w.request?.authentication ?? 'none';
  if (authentication !== 'none' && authentication !== 'hmacSharedSecret') throw new Error(`${where}: request.authentication must be hmacSharedSecret or none`);
  const type = w.response?.type ?? 'dynamic';
  if (type === 'dynamic') {
    if (w.response?.outputs !== undefined) throw new Error(`${where}: outputs are only allowed with response.type static`);
    return { key: w.key, function: w.function, urlFormat, authentication, response: { type: 'dynamic' } };
  }
  if (type !== 'static') throw new Error(`${where}: response.type must be static or dynamic`);
  const outputs = w.response?.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0 || outputs.length > 20) throw new Error(`${where}: a static response needs 1–20 outputs`);
  const byKey = new Map<string, { statusCode: number; contentType?: string; body?: string }>();
  for (const o of outputs as Array<Record<string, unknown>>) {
    const ok =
      typeof o.key === 'string' && o.key.length <= 255 && Number.isInteger(o.statusCode) &&
      (o.body === undefined || (typeof o.body === 'string' && o.body.length <= 1024)) &&
      (o.contentType === undefined || (typeof o.contentType === 'string' && o.contentType.length <= 255));
    if (!ok) throw new Error(`${where}: each output needs a key (≤ 255 chars) and an integer statusCode; body ≤ 1024 chars, contentType ≤ 255`);
    byKey.set(o.key as string, { statusCode: o.statusCode as number, ...(o.contentType === undefined ? {} : { contentType: o.contentType as string }), ...(o.body === undefined ? {} : { body: o.body as string }) });
  }
  return { key: w.key, function: w.function, urlFormat, authentication, response: { type: 'static', outputs: byKey } };
}

/** The app's id as product URLs carry it: the UUID at the end of `ari:cloud:ecosystem::app/<uuid>`. */
export const appUuid = (m: AppManifest): string => m.appId.split('/').pop() ?? '';

export const egressAddress = (e: Egress): string => (typeof e === 'string' ? e : e.address);
