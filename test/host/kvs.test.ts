import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKvsStore, type KvsStore } from '../../dev/host/kvs';

type Sdk = typeof import('@forge/kvs');
type ApiError = InstanceType<Sdk['ForgeKvsAPIError']>;

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
let sdk: Sdk;
let store: KvsStore;
let clock = T0;

beforeAll(async () => {
  // @forge/kvs picks its transport when imported, so the global must exist first.
  (globalThis as unknown as { __forge_fetch__: unknown }).__forge_fetch__ = (_meta: unknown, path: string, init: RequestInit) =>
    store.handle(path, JSON.parse(init.body as string));
  sdk = await import('@forge/kvs');
});

beforeEach(async () => {
  clock = T0;
  store = await createKvsStore({ now: () => clock });
});

async function refusal(pending: Promise<unknown>): Promise<ApiError> {
  const outcome = await pending.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a ForgeKvsAPIError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(sdk.ForgeKvsAPIError);
  return outcome.error as ApiError;
}

async function allKeys(prefix: string, limit: number): Promise<{ keys: string[]; pages: number; lastCursor: unknown }> {
  const keys: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    let q = sdk.kvs.query().where('key', sdk.WhereConditions.beginsWith(prefix)).limit(limit);
    if (cursor) q = q.cursor(cursor);
    const page = await q.getMany<unknown>();
    pages++;
    keys.push(...page.results.map((r) => r.key));
    cursor = page.nextCursor;
  } while (cursor);
  return { keys, pages, lastCursor: cursor };
}

describe('plain keys through @forge/kvs', () => {
  it('round-trips every JSON value type, overwrites, and deletes', async () => {
    const values = { s: 'text', n: 42.5, b: false, a: [1, 'two', { three: 3 }], o: { nested: { deep: [true] } } };
    for (const [key, value] of Object.entries(values)) await sdk.kvs.set(key, value);
    for (const [key, value] of Object.entries(values)) expect(await sdk.kvs.get(key)).toEqual(value);

    await sdk.kvs.set('s', 'changed');
    expect(await sdk.kvs.get('s')).toBe('changed');

    await sdk.kvs.delete('s');
    expect(await sdk.kvs.get('s')).toBeUndefined();
  });

  it('answers a missing key with undefined, and deleting it is not an error', async () => {
    expect(await sdk.kvs.get('never-set')).toBeUndefined();
    await expect(sdk.kvs.delete('never-set')).resolves.toBeUndefined();
  });

  it('refuses null and missing values instead of storing them', async () => {
    expect((await refusal(sdk.kvs.set('k', null))).code).toBe('BAD_REQUEST');
    expect(await sdk.kvs.get('k')).toBeUndefined();
  });
});

describe('key rules', () => {
  it.each([
    ['', 'KEY_TOO_SHORT'],
    ['x'.repeat(501), 'KEY_TOO_LONG'],
    ['a/b', 'INVALID_KEY'],
    ['   ', 'INVALID_KEY'],
    ['café', 'INVALID_KEY'],
  ])('refuses key %j with %s, on set and on get', async (key, code) => {
    const onSet = await refusal(sdk.kvs.set(key, 1));
    expect(onSet.code).toBe(code);
    expect(onSet.responseDetails.status).toBe(400);
    expect((await refusal(sdk.kvs.get(key))).code).toBe(code);
  });

  it('accepts the edge of what the rule allows', async () => {
    const longest = 'k'.repeat(500);
    const odd = 'ms-connection:557058:abc-DEF_1.2 #x';
    await sdk.kvs.set(longest, 1);
    await sdk.kvs.set(odd, 2);
    expect(await sdk.kvs.get(longest)).toBe(1);
    expect(await sdk.kvs.get(odd)).toBe(2);
  });
});

describe('value limits', () => {
  const jsonString = (bytes: number) => 'x'.repeat(bytes - 2); // the quotes count

  it('stores a value of exactly 240 KiB and refuses one byte more with MAX_SIZE', async () => {
    await sdk.kvs.set('big', jsonString(240 * 1024));
    expect((await sdk.kvs.get<string>('big'))?.length).toBe(240 * 1024 - 2);
    expect((await refusal(sdk.kvs.set('bigger', jsonString(240 * 1024 + 1)))).code).toBe('MAX_SIZE');
    expect(await sdk.kvs.get('bigger')).toBeUndefined();
  });

  it('measures size in UTF-8 bytes, not characters', async () => {
    const euro = '€'.repeat(Math.floor((240 * 1024) / 3)); // 3 bytes each: over the limit with the quotes
    expect((await refusal(sdk.kvs.set('euros', euro))).code).toBe('MAX_SIZE');
  });

  it('refuses values nested deeper than 31 with MAX_DEPTH', async () => {
    const nest = (depth: number) => {
      let v: unknown = 'leaf';
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
      return v;
    };
    await sdk.kvs.set('deep-ok', nest(31));
    expect((await refusal(sdk.kvs.set('too-deep', nest(32)))).code).toBe('MAX_DEPTH');
  });
});

describe('secrets', () => {
  it('set/get/delete live apart from plain keys of the same name', async () => {
    await sdk.kvs.set('shared', 'plain');
    await sdk.kvs.setSecret('shared', { refreshToken: 'rt-1' });
    expect(await sdk.kvs.get('shared')).toBe('plain');
    expect(await sdk.kvs.getSecret('shared')).toEqual({ refreshToken: 'rt-1' });

    await sdk.kvs.deleteSecret('shared');
    expect(await sdk.kvs.getSecret('shared')).toBeUndefined();
    expect(await sdk.kvs.get('shared')).toBe('plain');
    await expect(sdk.kvs.deleteSecret('shared')).resolves.toBeUndefined();
  });

  it('never appear in query results', async () => {
    await sdk.kvs.set('ms:plain', 1);
    await sdk.kvs.setSecret('ms:secret', 'token');
    const { results } = await sdk.kvs.query().where('key', sdk.WhereConditions.beginsWith('ms:')).getMany();
    expect(results.map((r) => r.key)).toEqual(['ms:plain']);
  });

  it('are limited to 128 KiB where plain values get 240 KiB', async () => {
    const value = 'x'.repeat(200 * 1024);
    await sdk.kvs.set('blob', value);
    expect((await refusal(sdk.kvs.setSecret('blob', value))).code).toBe('MAX_SIZE');
    await sdk.kvs.setSecret('fits', 'x'.repeat(128 * 1024 - 2));
    expect(await sdk.kvs.getSecret('fits')).toHaveLength(128 * 1024 - 2);
  });

  it('show up in the snapshot by name only', async () => {
    await sdk.kvs.set('visible', { a: 1 });
    await sdk.kvs.setSecret('ms-connection:acc-1', 'super-secret-refresh-token');
    const snap = store.snapshot();
    expect(snap.keys).toEqual([{ key: 'visible', value: { a: 1 } }]);
    expect(snap.secretKeys).toEqual(['ms-connection:acc-1']);
    expect(JSON.stringify(snap)).not.toContain('super-secret-refresh-token');
  });

  it('expire with a TTL', async () => {
    await sdk.kvs.setSecret('ms-signin:abc', { verifier: 'v' }, { ttl: { value: 10, unit: 'MINUTES' } });
    clock += 10 * 60_000 - 1;
    expect(await sdk.kvs.getSecret('ms-signin:abc')).toEqual({ verifier: 'v' });
    clock += 1;
    expect(await sdk.kvs.getSecret('ms-signin:abc')).toBeUndefined();
    expect(store.snapshot().secretKeys).toEqual([]);
  });
});

describe('query', () => {
  const pad = (n: number) => String(n).padStart(3, '0');

  beforeEach(async () => {
    // Written out of order, to show the answer is ordered by key rather than by insertion.
    for (const n of [...Array.from({ length: 57 }, (_, i) => i)].reverse()) await sdk.kvs.set(`item:${pad(n)}`, { n });
    await sdk.kvs.set('itemx', 'no colon');
    await sdk.kvs.set('other:1', 'elsewhere');
  });

  it('pages through every matching key once, in key order, with cursors', async () => {
    const { keys, pages, lastCursor } = await allKeys('item:', 10);
    const expected = Array.from({ length: 57 }, (_, i) => `item:${pad(i)}`);
    expect(keys).toEqual(expected);
    expect(new Set(keys).size).toBe(57);
    expect(pages).toBe(6);
    expect(lastCursor).toBeUndefined();
  });

  it('returns values with the keys and iterates everything without a where clause', async () => {
    const page = await sdk.kvs.query().limit(2).getMany<{ n: number }>();
    expect(page.results).toEqual([
      { key: 'item:000', value: { n: 0 } },
      { key: 'item:001', value: { n: 1 } },
    ]);
    const { keys } = await allKeys('', 100);
    expect(keys).toHaveLength(59);
  });

  it('defaults to 10 results, allows 100, and refuses 101 with LIST_QUERY_LIMIT_EXCEEDED', async () => {
    const first = await sdk.kvs.query().where('key', sdk.WhereConditions.beginsWith('item:')).getMany();
    expect(first.results).toHaveLength(10);
    expect(first.nextCursor).toEqual(expect.any(String));

    const hundred = await sdk.kvs.query().limit(100).getMany();
    expect(hundred.results).toHaveLength(59);
    expect(hundred.nextCursor).toBeUndefined();

    const over = await refusal(sdk.kvs.query().limit(101).getMany());
    expect(over.code).toBe('LIST_QUERY_LIMIT_EXCEEDED');
    expect(over.responseDetails.status).toBe(400);
  });

  it('getOne answers the first key by order', async () => {
    expect(await sdk.kvs.query().where('key', sdk.WhereConditions.beginsWith('item:05')).getOne()).toEqual({
      key: 'item:050',
      value: { n: 50 },
    });
    expect(await sdk.kvs.query().where('key', sdk.WhereConditions.beginsWith('nothing')).getOne()).toBeUndefined();
  });

  it('keeps cursors stable while keys change between pages', async () => {
    const q = () => sdk.kvs.query().where('key', sdk.WhereConditions.beginsWith('item:')).limit(10);
    const first = await q().getMany();
    const seen = first.results.map((r) => r.key);
    await sdk.kvs.delete('item:009'); // the key the cursor points after
    await sdk.kvs.set('item:000a', 'behind the cursor');
    await sdk.kvs.set('item:999', 'ahead of the cursor');

    let cursor = first.nextCursor;
    while (cursor) {
      const page = await q().cursor(cursor).getMany();
      seen.push(...page.results.map((r) => r.key));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('item:999');
    expect(seen).not.toContain('item:000a');
    expect(seen.filter((k) => k !== 'item:999')).toEqual(Array.from({ length: 57 }, (_, i) => `item:${pad(i)}`));
  });

  it('refuses a cursor it did not issue', async () => {
    expect((await refusal(sdk.kvs.query().cursor('not-a-cursor').getMany())).code).toBe('BAD_REQUEST');
  });

  it('returns expiry metadata when asked', async () => {
    await sdk.kvs.set('item:ttl', 1, { ttl: { value: 2, unit: 'HOURS' } });
    const { results } = await sdk.kvs
      .query({ metadataFields: [sdk.MetadataField.EXPIRE_TIME] })
      .where('key', sdk.WhereConditions.beginsWith('item:t'))
      .getMany();
    expect(results).toEqual([{ key: 'item:ttl', value: 1, expireTime: '2026-01-15T14:00:00Z' }]);
  });
});

describe('metadata, TTL and key policy', () => {
  const all = () => [sdk.MetadataField.CREATED_AT, sdk.MetadataField.UPDATED_AT, sdk.MetadataField.EXPIRE_TIME];

  it('keeps createdAt across updates and moves updatedAt (epoch seconds)', async () => {
    await sdk.kvs.set('m', 1);
    clock += 5_000;
    await sdk.kvs.set('m', 2);
    expect(await sdk.kvs.get('m', { metadataFields: all() })).toEqual({
      key: 'm',
      value: 2,
      createdAt: T0 / 1000,
      updatedAt: T0 / 1000 + 5,
    });
  });

  it('expires a key at its TTL: gone from get and query', async () => {
    await sdk.kvs.set('lease', 'me', { ttl: { value: 30, unit: 'SECONDS' } });
    expect(await sdk.kvs.get('lease', { metadataFields: all() })).toMatchObject({ expireTime: '2026-01-15T12:00:30Z' });
    clock += 30_000;
    expect(await sdk.kvs.get('lease')).toBeUndefined();
    expect((await sdk.kvs.query().getMany()).results).toEqual([]);
  });

  it('an overwrite without TTL makes the key permanent again', async () => {
    await sdk.kvs.set('k', 1, { ttl: { value: 1, unit: 'DAYS' } });
    await sdk.kvs.set('k', 2);
    clock += 2 * 86_400_000;
    expect(await sdk.kvs.get('k')).toBe(2);
  });

  it('refuses a malformed TTL', async () => {
    const bad = { ttl: { value: 0, unit: 'SECONDS' } } as never;
    expect((await refusal(sdk.kvs.set('k', 1, bad))).code).toBe('BAD_REQUEST');
  });

  it('FAIL_IF_EXISTS refuses an existing key with KEY_CONFLICT and leaves it untouched', async () => {
    await sdk.kvs.set('lock', 'first', { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: 1, unit: 'MINUTES' } });
    const conflict = await refusal(sdk.kvs.set('lock', 'second', { keyPolicy: 'FAIL_IF_EXISTS' }));
    expect(conflict.code).toBe('KEY_CONFLICT');
    expect(conflict.responseDetails.status).toBe(409);
    expect(await sdk.kvs.get('lock')).toBe('first');

    clock += 60_000; // the lease ran out: the key can be taken again
    await sdk.kvs.set('lock', 'second', { keyPolicy: 'FAIL_IF_EXISTS' });
    expect(await sdk.kvs.get('lock')).toBe('second');
  });

  it('returns the previous or latest value when asked', async () => {
    const previous = { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' } as const;
    expect(await sdk.kvs.set('r', 'one', previous)).toBeUndefined();
    clock += 1_000;
    expect(await sdk.kvs.set('r', 'two', previous)).toEqual({ key: 'r', value: 'one' });
    expect(
      await sdk.kvs.set('r', 'three', { keyPolicy: 'OVERRIDE', returnValue: 'LATEST', returnMetadataFields: all() }),
    ).toEqual({ key: 'r', value: 'three', createdAt: T0 / 1000, updatedAt: T0 / 1000 + 1 });
  });
});

describe('batch operations', () => {
  it('sets, gets and deletes, reporting each key', async () => {
    const set = await sdk.kvs.batchSet<unknown>([
      { key: 'b1', value: 1 },
      { key: 'b2', value: { two: 2 }, options: { ttl: { value: 1, unit: 'HOURS' } } },
      { key: 'bad/key', value: 3 },
      { key: 'b4', value: 4, entityName: 'people' },
    ]);
    expect(set.successfulKeys).toEqual([{ key: 'b1' }, { key: 'b2' }]);
    expect(set.failedKeys).toEqual([
      { key: 'bad/key', error: { code: 'INVALID_KEY', message: expect.any(String) } },
      { key: 'b4', entityName: 'people', error: { code: 'INVALID_ENTITY_TYPE', message: expect.stringContaining('not declared in the manifest') } },
    ]);

    const got = await sdk.kvs.batchGet([{ key: 'b1' }, { key: 'b2' }, { key: 'missing' }]);
    expect(got.successfulKeys).toEqual([
      { key: 'b1', value: 1 },
      { key: 'b2', value: { two: 2 } },
    ]);
    expect(got.failedKeys).toEqual([{ key: 'missing', error: { code: 'KEY_NOT_FOUND', message: 'Key does not exist' } }]);

    const deleted = await sdk.kvs.batchDelete([{ key: 'b1' }, { key: 'missing' }]);
    expect(deleted.successfulKeys).toEqual([{ key: 'b1' }]);
    expect(deleted.failedKeys).toEqual([{ key: 'missing', error: { code: 'KEY_NOT_FOUND', message: 'Key does not exist' } }]);
    expect(await sdk.kvs.get('b1')).toBeUndefined();
  });

  it('refuses a whole batch that is empty, over 25 keys, or names a key twice', async () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: i }));
    expect((await refusal(sdk.kvs.batchSet([]))).code).toBe('BAD_REQUEST');
    expect((await refusal(sdk.kvs.batchSet(items(26)))).code).toBe('BAD_REQUEST');
    expect((await refusal(sdk.kvs.batchGet([{ key: 'a' }, { key: 'a' }]))).code).toBe('BAD_REQUEST');
    expect((await sdk.kvs.batchSet(items(25))).successfulKeys).toHaveLength(25);
    expect(store.snapshot().keys).toHaveLength(25);
  });
});

describe('transactions', () => {
  it('applies sets and deletes together', async () => {
    await sdk.kvs.set('old', 1);
    await sdk.kvs.transact().set('a', 1).set('b', 2, undefined, { ttl: { value: 1, unit: 'MINUTES' } }).delete('old').delete('absent').execute();
    expect(store.snapshot().keys).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    clock += 60_000;
    expect(await sdk.kvs.get('b')).toBeUndefined();
  });

  it('changes nothing when one operation is refused', async () => {
    await sdk.kvs.set('keep', 'original');
    const e = await refusal(sdk.kvs.transact().set('keep', 'changed').set('x'.repeat(501), 1).execute());
    expect(e.code).toBe('KEY_TOO_LONG');
    expect(await sdk.kvs.get('keep')).toBe('original');
  });

  it('refuses more than 25 operations and a key used twice', async () => {
    let big = sdk.kvs.transact();
    for (let i = 0; i < 26; i++) big = big.set(`t${i}`, i);
    expect((await refusal(big.execute())).code).toBe('BAD_REQUEST');
    expect((await refusal(sdk.kvs.transact().set('dup', 1).delete('dup').execute())).code).toBe('BAD_REQUEST');
    expect(store.snapshot().keys).toEqual([]);
  });
});

describe('custom entities', () => {
  it('are refused when the manifest declares none (the rest is in kvs-entities.test.ts)', async () => {
    const e = await refusal(sdk.kvs.entity('employees').get('e1'));
    expect(e.code).toBe('INVALID_ENTITY_TYPE');
    expect(e.responseDetails.status).toBe(400);
  });
});

describe('fault injection', () => {
  it('fails the next requests as told, in order, then recovers; a failed write changes nothing', async () => {
    store.faults.set({
      failNext: [
        { status: 429, code: 'RATE_LIMIT_EXCEEDED' },
        { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'KVS is down' },
      ],
    });
    const throttled = await refusal(sdk.kvs.set('a', 1));
    expect([throttled.code, throttled.responseDetails.status]).toEqual(['RATE_LIMIT_EXCEEDED', 429]);
    const down = await refusal(sdk.kvs.get('a'));
    expect([down.code, down.message, down.responseDetails.status]).toEqual(['SERVICE_UNAVAILABLE', 'KVS is down', 503]);
    expect(store.faults.get().failNext).toEqual([]);
    expect(await sdk.kvs.get('a')).toBeUndefined();
  });

  it('fails a share of requests with platform codes when errorRate is set', async () => {
    let r = 0;
    const faulty = await createKvsStore({ now: () => clock, random: () => r });
    store = faulty;
    faulty.faults.set({ errorRate: 0.5 });

    r = 0.1;
    expect((await refusal(sdk.kvs.get('x'))).code).toBe('RATE_LIMIT_EXCEEDED');
    r = 0.4;
    const e = await refusal(sdk.kvs.get('x'));
    expect([e.code, e.responseDetails.status]).toEqual(['INTERNAL_SERVER_ERROR', 500]);
    r = 0.6;
    await sdk.kvs.set('x', 'through');
    expect(await sdk.kvs.get('x')).toBe('through');
    expect(faulty.stats().requests).toBe(4);
  });

  it('rejects nonsense settings', () => {
    expect(() => store.faults.set({ errorRate: 2 })).toThrow(RangeError);
    expect(() => store.faults.set({ failNext: [{ status: 200, code: 'OK' }] })).toThrow(RangeError);
    expect(() => store.faults.set({ limits: { requestsPerSecond: -1 } })).toThrow(RangeError);
    expect(store.faults.get()).toEqual({ errorRate: 0, failNext: [], limits: { requestsPerSecond: 1000, readUnitsPerMinute: 4000, writeUnitsPerMinute: 4000 } });
  });
});
