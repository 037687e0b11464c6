/**
 * What a feed caches, and how: one row per issue with identifiers, dates and versions only — the
 * title and every other piece of Jira text are fetched when a calendar is served, never stored.
 * Rows are stored as small arrays in chunks under KVS's 240 KiB value limit; changes since the last
 * full build go to one small delta record until it is folded back in.
 */
import { isRecord } from '../guards';
import type { FeedRow } from './events';
import type { FeedDefinition } from './model';
import type { SearchIssue } from './ports';

/** Bytes of JSON per chunk: under KVS's 240 KiB per value, with room for the key and envelope. */
export const CHUNK_BYTES = 200 * 1024;
/** A delta larger than this is folded into a new full set of chunks. */
export const DELTA_MAX_ROWS = 1500;

type Encoded = [string, string, string, string | 0, string | 0, number, string | 0, string[] | 0];

export const encodeRow = (r: FeedRow): Encoded => [r.id, r.key, r.projectId, r.start ?? 0, r.end ?? 0, r.updated, r.security ?? 0, r.people ?? 0];

export function decodeRow(v: unknown): FeedRow | undefined {
  if (!Array.isArray(v) || v.length !== 8) return undefined;
  const [id, key, projectId, start, end, updated, security, people] = v as unknown[];
  if (typeof id !== 'string' || typeof key !== 'string' || typeof projectId !== 'string' || typeof updated !== 'number') return undefined;
  const row: FeedRow = { id, key, projectId, updated };
  if (typeof start === 'string') row.start = start;
  if (typeof end === 'string') row.end = end;
  if (typeof security === 'string') row.security = security;
  if (Array.isArray(people) && people.every((p) => typeof p === 'string')) row.people = people;
  return row;
}

export function decodeRows(v: unknown): FeedRow[] {
  if (!Array.isArray(v)) return [];
  const out: FeedRow[] = [];
  for (const x of v) {
    const r = decodeRow(x);
    if (r) out.push(r);
  }
  return out;
}

/** Splits encoded rows into chunks of at most `maxBytes` of JSON each. */
export function chunkRows(rows: FeedRow[], maxBytes = CHUNK_BYTES): Encoded[][] {
  const chunks: Encoded[][] = [];
  let current: Encoded[] = [];
  let bytes = 2;
  for (const r of rows) {
    const e = encodeRow(r);
    const size = jsonBytes(e) + 1;
    if (current.length && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 2;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** UTF-8 bytes of a value's JSON (keys and dates are ASCII; a rare non-ASCII key costs a little more). */
function jsonBytes(v: unknown): number {
  const s = JSON.stringify(v);
  let n = s.length;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) n += 2;
  return n;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function accountIdsOf(v: unknown): string[] {
  const one = (x: unknown) => (isRecord(x) && typeof x.accountId === 'string' ? [x.accountId] : []);
  return Array.isArray(v) ? v.flatMap(one) : one(v);
}

/** A search result as a cache row, or undefined when the issue has no date the feed uses. */
export function rowOf(def: Pick<FeedDefinition, 'dates' | 'access'>, issue: SearchIssue): FeedRow | undefined {
  const f = issue.fields;
  const project = isRecord(f.project) ? f.project : {};
  const projectId = str(project.id);
  const updated = typeof f.updated === 'string' ? Date.parse(f.updated.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
  if (!projectId || !Number.isFinite(updated)) return undefined;
  const row: FeedRow = { id: issue.id, key: issue.key, projectId, updated };
  if (def.dates.kind === 'single') {
    const v = str(f[def.dates.field.id]);
    if (!v) return undefined;
    row.start = v;
  } else {
    const s = str(f[def.dates.start.id]);
    const e = str(f[def.dates.end.id]);
    if (!s && !e) return undefined;
    if (s) row.start = s;
    if (e) row.end = e;
  }
  const security = isRecord(f.security) ? str(f.security.id) : undefined;
  if (security) row.security = security;
  if (def.access.kind === 'userField') row.people = accountIdsOf(f[def.access.field]);
  return row;
}

export interface Delta {
  gen: number;
  upserts: FeedRow[];
  removed: string[];
}

export function readDelta(v: unknown, gen: number): Delta {
  if (!isRecord(v) || v.gen !== gen) return { gen, upserts: [], removed: [] };
  return { gen, upserts: decodeRows(v.upserts), removed: Array.isArray(v.removed) ? v.removed.filter((x): x is string => typeof x === 'string') : [] };
}

export const writeDelta = (d: Delta) => ({ gen: d.gen, upserts: d.upserts.map(encodeRow), removed: d.removed });

/** Applies changed rows and removals to a delta (a later change of the same issue replaces the earlier). */
export function applyChanges(d: Delta, upserts: FeedRow[], removed: Iterable<string>): Delta {
  const gone = new Set(removed);
  const byId = new Map(d.upserts.map((r) => [r.id, r]));
  for (const r of upserts) {
    byId.set(r.id, r);
    gone.delete(r.id);
  }
  for (const id of gone) byId.delete(id);
  const removedAll = new Set([...d.removed.filter((id) => !byId.has(id)), ...gone]);
  return { gen: d.gen, upserts: [...byId.values()], removed: [...removedAll] };
}

/** The feed's rows: the full build's chunks with the delta on top. */
export function mergeRows(chunks: FeedRow[][], d: Delta): FeedRow[] {
  const changed = new Map(d.upserts.map((r) => [r.id, r]));
  const removed = new Set(d.removed);
  const out: FeedRow[] = [];
  for (const chunk of chunks) for (const r of chunk) if (!changed.has(r.id) && !removed.has(r.id)) out.push(r);
  for (const r of changed.values()) if (!removed.has(r.id)) out.push(r);
  return out;
}

/** Projects and secured issues of a set of rows: what a subscriber's browse check asks about. */
export function summarise(rows: Iterable<FeedRow>): { projects: Map<string, string>; secured: string[] } {
  const projects = new Map<string, string>();
  const secured: string[] = [];
  for (const r of rows) {
    if (!projects.has(r.projectId)) projects.set(r.projectId, r.key.slice(0, r.key.lastIndexOf('-')));
    if (r.security) secured.push(r.id);
  }
  return { projects, secured };
}
