import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type IndexedValueType = 'number' | 'string' | 'text' | 'user' | 'date';

/** One value a `jira:entityProperty` module extracts from an issue property into the search index. */
export interface IndexedValue {
  propertyKey: string;
  path: string;
  type: IndexedValueType;
  searchAlias?: string;
}

export interface EntityPropertyIndex {
  values: IndexedValue[];
  /** By search alias, lower-cased (JQL field names are case-insensitive). */
  byAlias: Map<string, IndexedValue>;
  find(propertyKey: string, path: string): IndexedValue | undefined;
}

/** "Max 30 indexed values across all jira:entityProperty modules" (manifest-reference/modules/jira-entity-property). */
export const MAX_INDEXED_VALUES = 30;
const ALIAS = /^[a-zA-Z0-9._-]+$/;
const TYPES: IndexedValueType[] = ['number', 'string', 'text', 'user', 'date'];

export function entityPropertyIndex(values: IndexedValue[]): EntityPropertyIndex {
  if (values.length > MAX_INDEXED_VALUES) throw new Error(`jira:entityProperty modules index ${values.length} values; at most ${MAX_INDEXED_VALUES} are allowed across all modules.`);
  const byAlias = new Map<string, IndexedValue>();
  for (const v of values) {
    if (!TYPES.includes(v.type)) throw new Error(`jira:entityProperty '${v.propertyKey}': value type '${v.type}' must be one of ${TYPES.join(', ')}`);
    if (v.searchAlias !== undefined) {
      if (!ALIAS.test(v.searchAlias)) throw new Error(`jira:entityProperty '${v.propertyKey}': searchAlias '${v.searchAlias}' must match ${ALIAS.source}`);
      byAlias.set(v.searchAlias.toLowerCase(), v);
    }
  }
  return { values, byAlias, find: (propertyKey, path) => values.find((v) => v.propertyKey === propertyKey && v.path === path) };
}

/** Reads the issue properties the app's manifest indexes. Project and user properties are not emulated. */
export function loadEntityPropertyIndex(appDir: string): EntityPropertyIndex {
  const doc = parse(readFileSync(join(appDir, 'manifest.yml'), 'utf8')) as { modules?: Record<string, unknown> } | null;
  const modules = (doc?.modules?.['jira:entityProperty'] ?? []) as Array<{ key?: string; propertyKey?: string; entityType?: string; values?: Array<{ path?: string; type?: string; searchAlias?: string }> }>;
  const values: IndexedValue[] = [];
  for (const m of modules) {
    if ((m.entityType ?? 'issue') !== 'issue' || typeof m.propertyKey !== 'string') continue;
    for (const v of m.values ?? []) {
      if (typeof v.path !== 'string' || typeof v.type !== 'string') throw new Error(`jira:entityProperty '${m.key ?? m.propertyKey}': every value needs a path and a type`);
      values.push({ propertyKey: m.propertyKey, path: v.path, type: v.type as IndexedValueType, ...(v.searchAlias ? { searchAlias: v.searchAlias } : {}) });
    }
  }
  return entityPropertyIndex(values);
}
