import { createKvsStore, type KvsStore, type KvsStoreOptions } from './index';

/** One KVS store per installation, and the whole of them where the host needs one view (control API, reset). */
export interface InstallationKvs extends KvsStore {
  /** The store of an installation; an unknown or missing key gets the default installation's. */
  forInstallation(key: string | undefined): KvsStore;
  /** Each installation's content, for the control API and tests. */
  byInstallation(): Record<string, ReturnType<KvsStore['snapshot']>>;
}

/**
 * Forge keeps each installation's storage apart (limits-kvs-ce: "Internally, Forge automatically prepends an
 * identifier to every key, mapping it to the right app and installation"), and its rate limits per installation.
 * `handle` without an installation serves the default one. Snapshots merge every installation's content.
 */
export async function createInstallationKvs(opts: Omit<KvsStoreOptions, 'file'> & { installations: string[]; defaultKey: string; fileFor?: (key: string) => string }): Promise<InstallationKvs> {
  const stores = new Map<string, KvsStore>();
  for (const key of opts.installations) {
    const { installations: _i, defaultKey: _d, fileFor, ...storeOpts } = opts;
    const file = fileFor?.(key);
    stores.set(key, await createKvsStore({ ...storeOpts, ...(file === undefined ? {} : { file }) }));
  }
  const all = [...stores.values()];
  const forInstallation = (key: string | undefined) => (key !== undefined ? stores.get(key) : undefined) ?? stores.get(opts.defaultKey)!;
  return {
    forInstallation,
    handle: (path, body) => forInstallation(undefined).handle(path, body),
    faults: {
      get: () => (all[0] as KvsStore).faults.get(),
      set: (patch) => {
        for (const s of all) s.faults.set(patch);
        return (all[0] as KvsStore).faults.get();
      },
    },
    snapshot: () => {
      const snaps = all.map((s) => s.snapshot());
      return { keys: snaps.flatMap((s) => s.keys), secretKeys: snaps.flatMap((s) => s.secretKeys), entities: snaps.flatMap((s) => s.entities) };
    },
    byInstallation: () => Object.fromEntries([...stores].map(([k, s]) => [k, s.snapshot()])),
    reset: async () => {
      for (const s of all) await s.reset();
    },
    flush: async () => {
      for (const s of all) await s.flush();
    },
    stats: () =>
      all.map((s) => s.stats()).reduce((a, b) => {
        const byEndpoint = { ...a.byEndpoint };
        for (const [k, n] of Object.entries(b.byEndpoint)) byEndpoint[k] = (byEndpoint[k] ?? 0) + n;
        return { requests: a.requests + b.requests, rateLimited: a.rateLimited + b.rateLimited, byEndpoint };
      }),
  };
}
