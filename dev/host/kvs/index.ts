import { KvsRequestError, platformErrors, respondError, type PlatformError } from './errors';
import { createRoutes } from './handlers';
import { createPersister, loadFile, serialize, writeAtomic, type Persister } from './persistence';
import { Table, type StoredEntry } from './table';
import { EntityStore } from './entities';
import type { EntitySchemas } from './entity-schema';

export { LIMITS } from './limits';
export { parseEntitySchemas, type EntitySchema, type EntitySchemas } from './entity-schema';

/** Injected failures: `failNext` is consumed first (one entry per request), then `errorRate` applies. */
export interface KvsFaults {
  errorRate: number;
  failNext: Array<{ status: number; code: string; message?: string }>;
  /** The per-installation rate limits in force; lower them to meet 429s sooner. */
  limits: KvsRateLimits;
}

/**
 * limits-kvs-ce "Operation limits per installation": 1000 requests per second, 4000 reads and 4000 writes of
 * 10 KB units per minute ("Request sizes are rounded up to the nearest 10KB"); beyond them 429 RATE_LIMIT_EXCEEDED.
 * Windows are fixed (second, minute) on the host clock.
 */
export interface KvsRateLimits {
  requestsPerSecond: number;
  readUnitsPerMinute: number;
  writeUnitsPerMinute: number;
}

export const DEFAULT_KVS_RATE_LIMITS: KvsRateLimits = { requestsPerSecond: 1000, readUnitsPerMinute: 4000, writeUnitsPerMinute: 4000 };
const UNIT_BYTES = 10 * 1024;
const READ_PATHS = new Set(['/api/v1/get', '/api/v1/secret/get', '/api/v1/query', '/api/v1/batch/get', '/api/v1/entity/get', '/api/v1/entity/query']);

export interface KvsStoreOptions {
  /** JSON persistence path; undefined = memory only. */
  file?: string;
  /** Clock in epoch ms, for timestamps and TTL. */
  now?: () => number;
  /** Random source in [0, 1) for `errorRate`. */
  random?: () => number;
  /** Quiet period before a burst of changes is written (default 25 ms). */
  writeDelayMs?: number;
  /** The custom entities the manifest declares (`app.storage.entities`); none by default. */
  entities?: EntitySchemas;
}

/**
 * The Forge Key-Value Store as the platform answers @forge/kvs: same paths, bodies, limits and error codes.
 *
 * @example
 * const store = await createKvsStore({ file: '.forge-host/kvs.json' });
 * global.__forge_fetch__ = (meta, path, init) => store.handle(path, JSON.parse(init.body));
 */
export interface KvsStore {
  /** Handles one SDK request: path like '/api/v1/get', the parsed JSON body. Returns the platform's HTTP answer. */
  handle(path: string, body: unknown): Promise<Response>;
  faults: { get(): KvsFaults; set(patch: Partial<Omit<KvsFaults, 'limits'>> & { limits?: Partial<KvsRateLimits> }): KvsFaults };
  /** For the control API: plain keys with values, custom entity items, and the NAMES of secrets only (never secret values). */
  snapshot(): { keys: Array<{ key: string; value: unknown }>; secretKeys: string[]; entities: Array<{ entityName: string; key: string; value: unknown }> };
  /** Empties the store (and its file). */
  reset(): Promise<void>;
  /** Waits until pending writes are on disk. */
  flush(): Promise<void>;
  stats(): KvsStats;
}

/** Requests since start: all, refused for the rate limits, and by SDK endpoint (e.g. `/api/v1/entity/query`), for the benchmarks. */
export interface KvsStats {
  requests: number;
  rateLimited: number;
  byEndpoint: Record<string, number>;
}

/** Creates a store, loading `opts.file` if it exists. */
export async function createKvsStore(opts: KvsStoreOptions): Promise<KvsStore> {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const plain = new Table(now);
  const secrets = new Table(now);
  const entities = new EntityStore(opts.entities ?? new Map(), now);
  // Items of entities the manifest no longer declares are kept in the file untouched: Forge does not let a
  // deployed entity be deleted ("any entities or attributes included in your manifest can no longer be deleted").
  let retired: Record<string, Array<[string, StoredEntry]>> = {};
  const content = () => {
    const byEntity: Record<string, Array<[string, StoredEntry]>> = { ...retired };
    for (const { entityName, key, entry } of entities.live()) (byEntity[entityName] ??= []).push([key, entry]);
    return serialize({ keys: plain.live(), secrets: secrets.live(), entities: byEntity });
  };

  if (opts.file !== undefined) {
    const loaded = await loadFile(opts.file, now);
    if (loaded) {
      plain.load(loaded.keys);
      secrets.load(loaded.secrets);
      const dropped = entities.load(loaded.entities);
      retired = Object.fromEntries(dropped.map((name) => [name, loaded.entities[name] ?? []]));
      if (dropped.length > 0) {
        process.stderr.write(`[forge-host kvs] ${opts.file} holds items of entities the manifest no longer declares (${dropped.join(', ')}); they are kept in the file but not served.\n`);
      }
    } else {
      // Claim the path at once, so a bad directory or permission shows now rather than at the first write.
      await writeAtomic(opts.file, content());
    }
  }
  const persister: Persister | undefined =
    opts.file === undefined ? undefined : createPersister(opts.file, content, opts.writeDelayMs ?? 25);
  const route = createRoutes({ plain, secrets, entities, changed: () => persister?.schedule() });

  let faults: KvsFaults = { errorRate: 0, failNext: [], limits: { ...DEFAULT_KVS_RATE_LIMITS } };
  let requests = 0;
  let rateLimited = 0;
  const byEndpoint: Record<string, number> = {};
  const getFaults = (): KvsFaults => ({ errorRate: faults.errorRate, failNext: faults.failNext.map((f) => ({ ...f })), limits: { ...faults.limits } });
  const windows = { second: -1, inSecond: 0, minute: -1, readUnits: 0, writeUnits: 0 };
  /** Counts the request against the windows; true when it must be refused. Reads are charged after they ran. */
  const overLimit = (isRead: boolean, requestBytes: number): boolean => {
    const t = now();
    const second = Math.floor(t / 1000);
    const minute = Math.floor(t / 60_000);
    if (second !== windows.second) Object.assign(windows, { second, inSecond: 0 });
    if (minute !== windows.minute) Object.assign(windows, { minute, readUnits: 0, writeUnits: 0 });
    windows.inSecond++;
    if (windows.inSecond > faults.limits.requestsPerSecond) return true;
    if (isRead) return windows.readUnits >= faults.limits.readUnitsPerMinute;
    const units = Math.max(1, Math.ceil(requestBytes / UNIT_BYTES));
    if (windows.writeUnits + units > faults.limits.writeUnitsPerMinute) return true;
    windows.writeUnits += units;
    return false;
  };

  const injectedFault = (): PlatformError | undefined => {
    const next = faults.failNext[0];
    if (next) {
      faults = { ...faults, failNext: faults.failNext.slice(1) };
      return { status: next.status, code: next.code, message: next.message ?? defaultMessage(next.code) };
    }
    if (faults.errorRate <= 0) return undefined;
    const r = random();
    if (r >= faults.errorRate) return undefined;
    // Half of the injected failures are throttling, half are server errors: apps must survive both.
    return r < faults.errorRate / 2 ? platformErrors.rateLimited() : platformErrors.internal();
  };

  return {
    async handle(path, body) {
      requests++;
      const endpoint = path.split('?')[0] ?? path;
      byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
      const fault = injectedFault();
      if (fault) return respondError(fault);
      const isRead = READ_PATHS.has(endpoint);
      if (overLimit(isRead, Buffer.byteLength(typeof body === 'string' ? body : (JSON.stringify(body) ?? ''), 'utf8'))) {
        rateLimited++;
        return respondError(platformErrors.rateLimited());
      }
      try {
        const res = route(endpoint, typeof body === 'string' ? parseJson(body) : body);
        if (isRead) {
          // "Empty KVS reads count as 1KB" (optimise-forge-costs): at least one unit.
          const bytes = Number(res.headers.get('content-length') ?? 0) || Buffer.byteLength(await res.clone().text(), 'utf8');
          windows.readUnits += Math.max(1, Math.ceil(bytes / UNIT_BYTES));
        }
        return res;
      } catch (e) {
        if (e instanceof KvsRequestError) return respondError(e.error);
        process.stderr.write(`[forge-host kvs] ${path} failed: ${(e as Error).stack ?? String(e)}\n`);
        return respondError(platformErrors.internal());
      }
    },
    faults: {
      get: getFaults,
      set: (patch) => {
        faults = {
          errorRate: patch.errorRate === undefined ? faults.errorRate : checkRate(patch.errorRate),
          failNext: patch.failNext === undefined ? faults.failNext : patch.failNext.map(checkFault),
          limits: patch.limits === undefined ? faults.limits : checkLimits({ ...faults.limits, ...patch.limits }),
        };
        return getFaults();
      },
    },
    snapshot: () => ({
      keys: plain.live().map(([key, entry]) => ({ key, value: structuredClone(entry.value) })),
      secretKeys: secrets.live().map(([key]) => key),
      entities: entities.live().map(({ entityName, key, entry }) => ({ entityName, key, value: structuredClone(entry.value) })),
    }),
    async reset() {
      plain.clear();
      secrets.clear();
      entities.clear();
      retired = {};
      persister?.schedule();
      await persister?.flush();
    },
    flush: async () => persister?.flush(),
    stats: () => ({ requests, rateLimited, byEndpoint: { ...byEndpoint } }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function defaultMessage(code: string): string {
  if (code === 'RATE_LIMIT_EXCEEDED') return platformErrors.rateLimited().message;
  if (code === 'INTERNAL_SERVER_ERROR') return platformErrors.internal().message;
  return `Injected failure: ${code}`;
}

function checkRate(rate: number): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new RangeError('errorRate must be a number from 0 to 1');
  return rate;
}

function checkLimits(l: KvsRateLimits): KvsRateLimits {
  for (const [k, v] of Object.entries(l)) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`limits.${k} must be a whole number ≥ 0`);
  }
  return l;
}

function checkFault(f: KvsFaults['failNext'][number]): KvsFaults['failNext'][number] {
  if (!Number.isInteger(f.status) || f.status < 400 || f.status > 599) throw new RangeError('failNext status must be 400–599');
  if (typeof f.code !== 'string' || f.code === '') throw new RangeError('failNext code must be a non-empty string');
  return f.message === undefined ? { status: f.status, code: f.code } : { status: f.status, code: f.code, message: f.message };
}
