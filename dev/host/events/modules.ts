import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { AppManifest } from '../manifest';

export type OnError = 'IGNORE' | 'IGNORE_AND_LOG' | 'RECEIVE' | 'RECEIVE_AND_LOG';

export interface EventFilter {
  ignoreSelf: boolean;
  expression?: string;
  onError: OnError;
}

/** A `trigger` module: the events it listens to, each with its filter (the module's, or the per-event one). */
export interface TriggerModule {
  key: string;
  function: string;
  events: Map<string, EventFilter | undefined>;
}

/** A `consumer` module: the queue it drains and how it is called. */
export interface ConsumerModule {
  key: string;
  queue: string;
  function: string;
  /** Resolver form (`resolver: {function, method}`); absent for the plain `function:` form. */
  method?: string;
}

const ON_ERROR: readonly OnError[] = ['IGNORE', 'IGNORE_AND_LOG', 'RECEIVE', 'RECEIVE_AND_LOG'];
const QUEUE_NAME = /^[a-zA-Z0-9-_]+$/;

/**
 * The rules of `@forge/manifest` 13.7.0's schema for these modules (ProductEventsFilter, ConsumerQueue), checked at
 * load so a manifest `forge deploy` would refuse does not run locally either.
 */
function parseFilter(raw: unknown, where: string): EventFilter | undefined {
  if (raw === undefined) return undefined;
  if (!raw || typeof raw !== 'object') throw new Error(`${where}: filter must be an object`);
  const f = raw as Record<string, unknown>;
  const unknown = Object.keys(f).find((k) => !['ignoreSelf', 'expression', 'onError', 'appIsLicensed'].includes(k));
  if (unknown) throw new Error(`${where}: filter has an unknown property '${unknown}'`);
  if (f.ignoreSelf === undefined && f.expression === undefined && f.appIsLicensed === undefined) throw new Error(`${where}: filter needs ignoreSelf, expression or appIsLicensed`);
  if (f.ignoreSelf !== undefined && typeof f.ignoreSelf !== 'boolean') throw new Error(`${where}: filter.ignoreSelf must be a boolean`);
  if (f.expression !== undefined && typeof f.expression !== 'string') throw new Error(`${where}: filter.expression must be a string`);
  const onError = (f.onError ?? 'IGNORE_AND_LOG') as OnError;
  if (!ON_ERROR.includes(onError)) throw new Error(`${where}: filter.onError must be one of ${ON_ERROR.join(', ')}`);
  return { ignoreSelf: f.ignoreSelf === true, ...(typeof f.expression === 'string' ? { expression: f.expression } : {}), onError };
}

export function loadEventModules(manifest: AppManifest): { triggers: TriggerModule[]; consumers: ConsumerModule[] } {
  const doc = parse(readFileSync(join(manifest.dir, 'manifest.yml'), 'utf8')) as { modules?: Record<string, Array<Record<string, unknown>>> };
  const modules = doc.modules ?? {};
  const triggers: TriggerModule[] = [];
  for (const t of modules.trigger ?? []) {
    const where = `trigger '${String(t.key)}'`;
    if (typeof t.function !== 'string') {
      // Forge Remote triggers (`endpoint`) call a remote back end, which the local host does not run.
      continue;
    }
    if (!manifest.functions.has(t.function)) throw new Error(`${where}: no function '${t.function}'`);
    const moduleFilter = parseFilter(t.filter, where);
    const events = new Map<string, EventFilter | undefined>();
    if (!Array.isArray(t.events) || t.events.length === 0) throw new Error(`${where}: events must list at least one event`);
    for (const e of t.events as unknown[]) {
      if (typeof e === 'string') events.set(e, moduleFilter);
      else if (e && typeof e === 'object' && typeof (e as { eventType?: unknown }).eventType === 'string') {
        const perEvent = e as { eventType: string; filter?: unknown };
        if (perEvent.filter === undefined) throw new Error(`${where}: event '${perEvent.eventType}' needs a filter (FilteredProductEvents)`);
        events.set(perEvent.eventType, parseFilter(perEvent.filter, `${where} event ${perEvent.eventType}`));
      } else throw new Error(`${where}: each event is a string or {eventType, filter}`);
    }
    triggers.push({ key: String(t.key), function: t.function, events });
  }
  const consumers: ConsumerModule[] = [];
  for (const c of modules.consumer ?? []) {
    const where = `consumer '${String(c.key)}'`;
    if (typeof c.queue !== 'string' || c.queue.length > 36 || !QUEUE_NAME.test(c.queue)) throw new Error(`${where}: queue must match ^[a-zA-Z0-9-_]+$ (1–36 chars)`);
    const resolver = c.resolver as { function?: unknown; method?: unknown } | undefined;
    const fn = typeof c.function === 'string' ? c.function : typeof resolver?.function === 'string' ? resolver.function : undefined;
    if (!fn) continue; // `endpoint` (Forge Remote) and `resolver.workflow` consumers are not run locally.
    if (!manifest.functions.has(fn)) throw new Error(`${where}: no function '${fn}'`);
    if (resolver && (typeof resolver.method !== 'string' || !QUEUE_NAME.test(resolver.method))) throw new Error(`${where}: resolver.method must match ^[a-zA-Z0-9-_]+$`);
    consumers.push({ key: String(c.key), queue: c.queue, function: fn, ...(resolver ? { method: resolver.method as string } : {}) });
  }
  return { triggers, consumers };
}
