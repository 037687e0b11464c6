import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The parts of manifest.yml the local host acts on. */
export interface AppManifest {
  appId: string;
  runtime: string;
  functions: Map<string, { key: string; handler: string; timeoutSeconds?: number }>;
  resources: Map<string, { key: string; path: string }>;
  /** UI modules by key: jira:issuePanel, confluence:contentBylineItem, macro, … */
  uiModules: Map<string, UiModule>;
  webTriggers: Map<string, { key: string; function: string }>;
  permissions: Permissions;
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
  raw: Record<string, unknown>;
}

export interface Permissions {
  scopes: string[];
  content?: { scripts?: string[]; styles?: string[] };
  external?: Record<string, unknown> & { fetch?: { backend?: Egress[]; client?: Egress[] } };
}

export type Egress = string | { address: string; category?: string; inScopeEUD?: boolean };

const UI_MODULE_TYPES = ['jira:issuePanel', 'confluence:contentBylineItem', 'macro', 'jira:adminPage', 'confluence:globalSettings', 'confluence:globalPage', 'jira:projectPage', 'jira:globalPage'];

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
        raw: m,
      });
    }
  }
  const webTriggers = new Map((modules.webtrigger ?? []).map((w) => [w.key as string, { key: w.key, function: w.function }]));
  return {
    appId: doc.app?.id ?? '',
    runtime: doc.app?.runtime?.name ?? '',
    functions,
    resources,
    uiModules,
    webTriggers,
    permissions: { scopes: doc.permissions?.scopes ?? [], content: doc.permissions?.content, external: doc.permissions?.external },
    dir,
  };
}

export const egressAddress = (e: Egress): string => (typeof e === 'string' ? e : e.address);
