import type { MetadataField } from './limits';

/** One stored key. Times are epoch milliseconds. */
export interface StoredEntry {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
}

/**
 * One key space (plain keys, or secrets). Expired entries are invisible at once and dropped when met,
 * which is stricter than the platform's eventual clean-up and so never hides a missing-TTL bug.
 */
export class Table {
  private readonly entries = new Map<string, StoredEntry>();

  constructor(private readonly now: () => number) {}

  read(key: string): StoredEntry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.isExpired(entry)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  write(key: string, value: unknown, ttlMs: number | undefined): { previous?: StoredEntry; current: StoredEntry } {
    const previous = this.read(key);
    const at = this.now();
    const current: StoredEntry = {
      value: structuredClone(value),
      createdAt: previous?.createdAt ?? at,
      updatedAt: at,
      ...(ttlMs === undefined ? {} : { expiresAt: at + ttlMs }),
    };
    this.entries.set(key, current);
    return previous ? { previous, current } : { current };
  }

  remove(key: string): boolean {
    const existed = this.read(key) !== undefined;
    this.entries.delete(key);
    return existed;
  }

  clear(): void {
    this.entries.clear();
  }

  /** Live entries in key order (UTF-16 code unit order, which is byte order for the allowed ASCII keys). */
  live(): Array<[string, StoredEntry]> {
    const out: Array<[string, StoredEntry]> = [];
    for (const [key, entry] of this.entries) {
      if (this.isExpired(entry)) this.entries.delete(key);
      else out.push([key, entry]);
    }
    return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The page of keys starting with `prefix` that sort after `after`. */
  page(prefix: string, after: string | undefined, limit: number): { items: Array<[string, StoredEntry]>; more: boolean } {
    const matching = this.live().filter(([key]) => key.startsWith(prefix) && (after === undefined || key > after));
    return { items: matching.slice(0, limit), more: matching.length > limit };
  }

  /** Replaces the content (used when loading from disk); expired entries are skipped. */
  load(entries: Iterable<[string, StoredEntry]>): void {
    this.entries.clear();
    for (const [key, entry] of entries) if (!this.isExpired(entry)) this.entries.set(key, entry);
  }

  private isExpired(entry: StoredEntry): boolean {
    return entry.expiresAt !== undefined && entry.expiresAt <= this.now();
  }
}

/**
 * createdAt/updatedAt are answered in epoch seconds: the @forge/kvs test fixtures use seconds
 * (1718236800); Atlassian's REST reference shows only placeholders. expireTime is ISO-8601 as documented.
 */
export function withMetadata(key: string, entry: StoredEntry, fields: ReadonlySet<MetadataField>): Record<string, unknown> {
  const out: Record<string, unknown> = { key, value: entry.value };
  if (fields.has('CREATED_AT')) out.createdAt = Math.floor(entry.createdAt / 1000);
  if (fields.has('UPDATED_AT')) out.updatedAt = Math.floor(entry.updatedAt / 1000);
  if (fields.has('EXPIRE_TIME') && entry.expiresAt !== undefined) out.expireTime = isoSeconds(entry.expiresAt);
  return out;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
