import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKvsStore, type KvsStore } from '../../dev/host/kvs';

type Sdk = typeof import('@forge/kvs');

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
let sdk: Sdk;
let store: KvsStore;
let clock = T0;
let dir: string;
let file: string;

beforeAll(async () => {
  (globalThis as unknown as { __forge_fetch__: unknown }).__forge_fetch__ = (_meta: unknown, path: string, init: RequestInit) =>
    store.handle(path, JSON.parse(init.body as string));
  sdk = await import('@forge/kvs');
});

beforeEach(async () => {
  clock = T0;
  dir = await mkdtemp(join(tmpdir(), 'kvs-store-'));
  file = join(dir, 'state', 'kvs.json');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const open = async (writeDelayMs = 25) => {
  store = await createKvsStore({ file, now: () => clock, writeDelayMs });
  return store;
};

describe('persistence', () => {
  it('keeps keys, secrets, TTLs and timestamps across a restart', async () => {
    const first = await open();
    await sdk.kvs.set('share:1', { title: 'Budget.xlsx' });
    await sdk.kvs.setSecret('ms-connection:acc-1', { refreshToken: 'rt' });
    await sdk.kvs.set('lease', 'me', { ttl: { value: 1, unit: 'HOURS' } });
    await first.flush();

    clock += 10_000;
    await open();
    expect(await sdk.kvs.get('share:1', { metadataFields: [sdk.MetadataField.CREATED_AT] })).toEqual({
      key: 'share:1',
      value: { title: 'Budget.xlsx' },
      createdAt: T0 / 1000,
    });
    expect(await sdk.kvs.getSecret('ms-connection:acc-1')).toEqual({ refreshToken: 'rt' });
    expect(await sdk.kvs.get('lease')).toBe('me');

    clock += 3_600_000;
    await open();
    expect(await sdk.kvs.get('lease')).toBeUndefined();
  });

  it('lands a burst of writes whole, leaving no temporary files, readable only by the owner', async () => {
    const s = await open();
    await Promise.all(Array.from({ length: 300 }, (_, i) => sdk.kvs.set(`burst:${String(i).padStart(3, '0')}`, i)));
    await s.flush();

    const saved = JSON.parse(await readFile(file, 'utf8')) as { keys: Record<string, { value: unknown }> };
    expect(Object.keys(saved.keys)).toHaveLength(300);
    expect(saved.keys['burst:299']?.value).toBe(299);
    expect(await readdir(join(dir, 'state'))).toEqual(['kvs.json']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('never lets a reader see a half-written file', async () => {
    const s = await open(0);
    const big = 'x'.repeat(200 * 1024);
    let reading = true;
    let reads = 0;
    const torn: string[] = [];
    const reader = (async () => {
      while (reading) {
        const text = await readFile(file, 'utf8');
        reads++;
        try {
          JSON.parse(text);
        } catch {
          torn.push(text.slice(-40));
        }
      }
    })();
    for (let round = 0; round < 15; round++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => sdk.kvs.set(`big:${i}`, `${round}${big}`)));
      await s.flush();
    }
    reading = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(torn).toEqual([]);
  });

  it('saves on its own shortly after a change, without a flush', async () => {
    await open(5);
    await sdk.kvs.set('later', 'saved');
    await vi.waitFor(async () => {
      expect(await readFile(file, 'utf8')).toContain('"later"');
    });
  });

  it('reset empties the store and its file', async () => {
    const s = await open();
    await sdk.kvs.set('a', 1);
    await sdk.kvs.setSecret('b', 2);
    await s.reset();
    expect(s.snapshot()).toEqual({ keys: [], secretKeys: [], entities: [] });

    await open();
    expect(await sdk.kvs.get('a')).toBeUndefined();
    expect(await sdk.kvs.getSecret('b')).toBeUndefined();
  });

  it('refuses at start a path it cannot write, rather than losing writes later', async () => {
    const notADirectory = join(dir, 'plain-file');
    await writeFile(notADirectory, 'x');
    await expect(createKvsStore({ file: join(notADirectory, 'kvs.json') })).rejects.toThrow();
  });
});

describe('a corrupt store file', () => {
  it.each([
    ['truncated JSON', '{"format":"forge-kvs-emulator","version":1,"keys":{"a":'],
    ['JSON of another shape', '[1,2,3]'],
    ['an entry without timestamps', '{"format":"forge-kvs-emulator","version":1,"keys":{"a":{"value":1}},"secrets":{}}'],
  ])('(%s) is moved aside and reported on stderr; the store starts empty and works', async (_name, text) => {
    await mkdir(join(dir, 'state'), { recursive: true });
    await writeFile(file, text);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    const s = await open();

    const aside = (await readdir(join(dir, 'state'))).filter((f) => f.startsWith('kvs.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, 'state', aside[0]!), 'utf8')).toBe(text);
    const said = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(said).toContain(aside[0]);
    expect(said).toContain(file);

    expect(await sdk.kvs.get('a')).toBeUndefined();
    await sdk.kvs.set('a', 'fresh');
    await s.flush();
    await open();
    expect(await sdk.kvs.get('a')).toBe('fresh');
  });
});
