import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKvsStore, parseEntitySchemas, type KvsStore } from '../../dev/host/kvs';
import { ROOT, startTestHost, type TestHost } from '../support/host';

type Sdk = typeof import('@forge/kvs');
type ApiError = InstanceType<Sdk['ForgeKvsAPIError']>;

/** The shape of issue 9's link store: a mail or conversation linked to an issue, looked up both ways. */
const SCHEMAS = parseEntitySchemas([
  {
    name: 'mail-link',
    attributes: {
      conversationId: { type: 'string' },
      issueId: { type: 'string' },
      created: { type: 'integer' },
      weight: { type: 'float' },
      shared: { type: 'boolean' },
      extra: { type: 'any' },
    },
    indexes: [
      { name: 'by-conversation', partition: ['conversationId'], range: ['created'] },
      { name: 'by-issue', partition: ['issueId'], range: ['created'] },
      'created',
    ],
  },
]);

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
let sdk: Sdk;
let store: KvsStore;
let clock = T0;

beforeAll(async () => {
  (globalThis as unknown as { __forge_fetch__: unknown }).__forge_fetch__ = (_meta: unknown, path: string, init: RequestInit) =>
    store.handle(path, JSON.parse(init.body as string));
  sdk = await import('@forge/kvs');
});

beforeEach(async () => {
  clock = T0;
  store = await createKvsStore({ now: () => clock, entities: SCHEMAS });
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

const links = () => sdk.kvs.entity<{ conversationId: string; issueId: string; created: number; shared?: boolean; weight?: number; extra?: unknown }>('mail-link');

async function seed(n: number, conversationId = 'conv-1', issueOf = (i: number) => (i % 2 === 0 ? '10001' : '10002')) {
  for (let i = 0; i < n; i++) await links().set(`link-${String(i).padStart(3, '0')}`, { conversationId, issueId: issueOf(i), created: 1000 + i, shared: i % 3 === 0 });
}

describe('custom entities through @forge/kvs: get, set, delete', () => {
  it('round-trips an item, with metadata, and deletes it', async () => {
    await links().set('l1', { conversationId: 'c', issueId: '10001', created: 5, weight: 0.5, extra: { any: ['thing'] } });
    expect(await links().get('l1')).toEqual({ conversationId: 'c', issueId: '10001', created: 5, weight: 0.5, extra: { any: ['thing'] } });
    clock += 2000;
    await links().set('l1', { conversationId: 'c', issueId: '10002', created: 6 });
    expect(await links().get('l1', { metadataFields: [sdk.MetadataField.CREATED_AT, sdk.MetadataField.UPDATED_AT] })).toEqual({
      key: 'l1',
      value: { conversationId: 'c', issueId: '10002', created: 6 },
      createdAt: T0 / 1000,
      updatedAt: T0 / 1000 + 2,
    });
    await links().delete('l1');
    expect(await links().get('l1')).toBeUndefined();
    // A custom entity key does not collide with a plain key of the same name.
    await sdk.kvs.set('l1', 'plain');
    expect(await links().get('l1')).toBeUndefined();
    expect(store.snapshot().entities).toEqual([]);
  });

  it('expires items with a TTL and refuses FAIL_IF_EXISTS on an existing key', async () => {
    await links().set('t', { conversationId: 'c', issueId: '1', created: 1 }, { ttl: { value: 1, unit: 'MINUTES' } } as never);
    expect((await refusal(links().set('t', { conversationId: 'c', issueId: '1', created: 2 }, { keyPolicy: 'FAIL_IF_EXISTS' }))).code).toBe('KEY_CONFLICT');
    clock += 60_000;
    expect(await links().get('t')).toBeUndefined();
  });

  it.each([
    [{ conversationId: 'c', issueId: '1', created: 1.5 }, /created.*integer/],
    [{ conversationId: 'c', issueId: '1', created: 2 ** 31 }, /32-bit/],
    [{ conversationId: 'c', issueId: 1, created: 1 }, /issueId.*string/],
    [{ conversationId: '   ', issueId: '1', created: 1 }, /non-whitespace/],
    [{ conversationId: 'c', issueId: '1', created: 1, shared: 'yes' }, /shared.*true or false/],
    [{ conversationId: 'c', issueId: '1', created: 1, weight: 1e-140 }, /weight/],
    [{ conversationId: 'c', issueId: '1', created: 1, subject: 'Invoice' }, /subject.*not declared/],
    [{ conversationId: 'c', issueId: '1', created: 1, extra: null }, /null/],
    ['a string', /must be an object/],
  ])('refuses a value that does not fit the declared attributes: %j', async (value, message) => {
    const e = await refusal(links().set('bad', value as never));
    expect(e.code).toBe('INVALID_ENTITY_VALUE');
    expect(e.message).toMatch(message);
    expect(store.snapshot().entities).toEqual([]);
  });

  it('applies the key rules with the entity store’s own codes, and the value size limit', async () => {
    expect((await refusal(links().set('', { conversationId: 'c', issueId: '1', created: 1 }))).code).toBe('EMPTY_KEY');
    expect((await refusal(links().set('x'.repeat(501), { conversationId: 'c', issueId: '1', created: 1 }))).code).toBe('KEY_TOO_LONG');
    expect((await refusal(links().set('a/b', { conversationId: 'c', issueId: '1', created: 1 }))).code).toBe('INVALID_KEY');
    const big = await refusal(links().set('big', { conversationId: 'c', issueId: '1', created: 1, extra: 'x'.repeat(240 * 1024) }));
    expect(big.code).toBe('MAX_SIZE');
  });

  it('refuses entity names that break the rules, and entities the manifest does not declare', async () => {
    expect((await refusal(sdk.kvs.entity('ab').get('k'))).code).toBe('ENTITY_TYPE_TOO_SHORT');
    expect((await refusal(sdk.kvs.entity('e'.repeat(61)).get('k'))).code).toBe('ENTITY_TYPE_TOO_LARGE');
    expect((await refusal(sdk.kvs.entity('Mail_Link').get('k'))).code).toBe('INVALID_ENTITY_TYPE');
    const undeclared = await refusal(sdk.kvs.entity('employee').set('k', { name: 'x' }));
    expect(undeclared.code).toBe('INVALID_ENTITY_TYPE');
    expect(undeclared.message).toContain('not declared in the manifest');
  });
});

describe('custom entity queries', () => {
  it('reads one partition of an index in range order, both ways, with where conditions', async () => {
    await seed(6);
    await links().set('other', { conversationId: 'conv-2', issueId: '10001', created: 1 });
    const byIssue = await links().query().index('by-issue', { partition: ['10001'] }).getMany();
    expect(byIssue.results.map((r) => r.key)).toEqual(['other', 'link-000', 'link-002', 'link-004']);
    const newestFirst = await links().query().index('by-conversation', { partition: ['conv-1'] }).sort(sdk.Sort.DESC).limit(2).getMany();
    expect(newestFirst.results.map((r) => r.value.created)).toEqual([1005, 1004]);
    const between = await links().query().index('by-conversation', { partition: ['conv-1'] }).where(sdk.WhereConditions.between(1001, 1003)).getMany();
    expect(between.results.map((r) => r.key)).toEqual(['link-001', 'link-002', 'link-003']);
    const simple = await links().query().index('created').where(sdk.WhereConditions.greaterThan(1004)).getMany();
    expect(simple.results.map((r) => r.key)).toEqual(['link-005']);
    const byKey = await links().query().index('by-key').where(sdk.WhereConditions.beginsWith('link-00')).limit(3).getMany();
    expect(byKey.results.map((r) => r.key)).toEqual(['link-000', 'link-001', 'link-002']);
    expect(await links().query().index('by-issue', { partition: ['nope'] }).getOne()).toBeUndefined();
  });

  it('pages with cursors: every item exactly once, default page 10, at most 20 (stricter than the documented 100)', async () => {
    await seed(45);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      let q = links().query().index('by-conversation', { partition: ['conv-1'] }).limit(20);
      if (cursor) q = q.cursor(cursor);
      const page = await q.getMany();
      seen.push(...page.results.map((r) => r.key));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    expect((await links().query().index('by-conversation', { partition: ['conv-1'] }).getMany()).results).toHaveLength(10);
    const over = await refusal(links().query().index('by-conversation', { partition: ['conv-1'] }).limit(21).getMany());
    expect(over.code).toBe('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
    expect((await refusal(links().query().index('by-conversation', { partition: ['conv-1'] }).limit(0).getMany())).code).toBe('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
  });

  it('filters in memory after the page is read: a page can be empty and still carry a cursor to the matches', async () => {
    await seed(12, 'conv-1', (i) => (i < 10 ? '10001' : '10002'));
    const filtered = () => links().query().index('by-conversation', { partition: ['conv-1'] }).filters(new sdk.Filter<{ issueId: string }>().and('issueId', sdk.FilterConditions.equalTo('10002'))).limit(10);
    const first = await filtered().getMany();
    expect(first.results).toEqual([]);
    expect(first.nextCursor).toBeDefined();
    const second = await filtered().cursor(first.nextCursor as string).getMany();
    expect(second.results.map((r) => r.key)).toEqual(['link-010', 'link-011']);
    expect(second.nextCursor).toBeUndefined();
    const either = await links()
      .query()
      .index('by-conversation', { partition: ['conv-1'] })
      .filters(new sdk.Filter<{ created: number; shared: boolean }>().or('created', sdk.FilterConditions.lessThan(1001)).or('shared', sdk.FilterConditions.equalTo(true)))
      .limit(20)
      .getMany();
    expect(either.results.map((r) => r.key)).toEqual(['link-000', 'link-003', 'link-006', 'link-009']);
  });

  it('refuses a cursor from another query, and garbage cursors', async () => {
    await seed(12);
    const page = await links().query().index('by-conversation', { partition: ['conv-1'] }).getMany();
    const other = await refusal(links().query().index('by-issue', { partition: ['10001'] }).cursor(page.nextCursor as string).getMany());
    expect(other.code).toBe('BAD_REQUEST');
    expect(other.message).toMatch(/same entity, index/);
    expect((await refusal(links().query().index('by-key').cursor('not-a-cursor').getMany())).code).toBe('BAD_REQUEST');
  });

  it('queries only declared indexes, with one partition value per partition attribute, of the right type', async () => {
    expect((await refusal(links().query().index('by-sender').getMany())).code).toBe('INVALID_ENTITY_INDEX');
    expect((await refusal(links().query().index('by-issue').getMany())).message).toMatch(/partition value for each of: issueId/);
    expect((await refusal(links().query().index('by-issue', { partition: [10001] }).getMany())).message).toMatch(/expected a string/);
    expect((await refusal(links().query().index('created', { partition: ['x'] }).getMany())).message).toMatch(/has no partition/);
    expect((await refusal(links().query().index('created').where(sdk.WhereConditions.equalTo('1000')).getMany())).message).toMatch(/is not a integer/);
  });

  it('answers malformed filters with the documented codes', async () => {
    const q = (filters: unknown) => store.handle('/api/v1/entity/query', { entityName: 'mail-link', indexName: 'by-key', filters });
    const code = async (filters: unknown) => ((await (await q(filters)).json()) as { code: string }).code;
    expect(await code({ and: [] })).toBe('EMPTY_FILTER_OPERATOR');
    expect(await code({ and: [{ property: 'created', condition: 'EXISTS', values: [true] }], or: [{ property: 'created', condition: 'EXISTS', values: [true] }] })).toBe(
      'INVALID_FILTER_OPERATORS_COMBINATION',
    );
    expect(await code({ and: [{ property: 'created', condition: 'BETWEEN', values: [1] }] })).toBe('INSUFFICIENT_FILTER_VALUES');
    expect(await code({ and: [{ property: 'subject', condition: 'EXISTS', values: [true] }] })).toBe('BAD_REQUEST');
    expect(await code({ and: Array.from({ length: 101 }, () => ({ property: 'created', condition: 'EXISTS', values: [true] })) })).toBe('BAD_REQUEST');
  });
});

describe('custom entities in batches and transactions', () => {
  it('batches entity items next to plain keys, each checked against its own rules', async () => {
    const set = await sdk.kvs.batchSet<unknown>([
      { key: 'p', value: 'plain' },
      { key: 'e', value: { conversationId: 'c', issueId: '1', created: 1 }, entityName: 'mail-link' },
      { key: 'bad', value: { conversationId: 'c', issueId: '1', created: 'one' }, entityName: 'mail-link' },
    ]);
    expect(set.successfulKeys).toEqual([{ key: 'p' }, { key: 'e', entityName: 'mail-link' }]);
    expect(set.failedKeys).toEqual([{ key: 'bad', entityName: 'mail-link', error: { code: 'INVALID_ENTITY_VALUE', message: expect.any(String) } }]);
    const got = await sdk.kvs.batchGet([{ key: 'e', entityName: 'mail-link' }, { key: 'p' }]);
    expect(got.successfulKeys).toEqual([
      { key: 'e', entityName: 'mail-link', value: { conversationId: 'c', issueId: '1', created: 1 } },
      { key: 'p', value: 'plain' },
    ]);
    await sdk.kvs.batchDelete([{ key: 'e', entityName: 'mail-link' }]);
    expect(await links().get('e')).toBeUndefined();
  });

  it('commits conditional writes only when every condition holds', async () => {
    await links().set('l', { conversationId: 'c', issueId: '10001', created: 1 });
    const unchanged = new sdk.Filter<{ created: number }>().and('created', sdk.FilterConditions.equalTo(1));
    await sdk.kvs
      .transact()
      .set('l', { conversationId: 'c', issueId: '10001', created: 2 }, { entityName: 'mail-link', conditions: unchanged })
      .set('audit', 'moved')
      .execute();
    expect((await links().get('l'))?.created).toBe(2);

    const stale = await refusal(
      sdk.kvs
        .transact()
        .set('l', { conversationId: 'c', issueId: '10002', created: 3 }, { entityName: 'mail-link', conditions: unchanged })
        .set('audit', 'again')
        .execute(),
    );
    expect(stale.code).toBe('CONDITIONAL_CHECK_FAILED');
    expect((await links().get('l'))?.created).toBe(2);
    expect(await sdk.kvs.get('audit')).toBe('moved');

    const absent = new sdk.Filter<{ created: number }>().and('created', sdk.FilterConditions.notExists());
    await sdk.kvs.transact().set('new', { conversationId: 'c', issueId: '1', created: 9 }, { entityName: 'mail-link', conditions: absent }).check('l', { entityName: 'mail-link', conditions: new sdk.Filter<{ created: number }>().and('created', sdk.FilterConditions.greaterThan(1)) }).execute();
    expect((await links().get('new'))?.created).toBe(9);
  });
});

describe('custom entities in the store file and the manifest', () => {
  it('persist across a restart and are kept, not served, when the manifest drops the entity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvs-entities-'));
    try {
      const file = join(dir, 'kvs.json');
      const a = await createKvsStore({ file, entities: SCHEMAS, writeDelayMs: 1 });
      await a.handle('/api/v1/entity/set', { entityName: 'mail-link', key: 'k', value: { conversationId: 'c', issueId: '1', created: 1 } });
      await a.flush();
      const b = await createKvsStore({ file, entities: SCHEMAS });
      expect(b.snapshot().entities).toEqual([{ entityName: 'mail-link', key: 'k', value: { conversationId: 'c', issueId: '1', created: 1 } }]);
      const c = await createKvsStore({ file, writeDelayMs: 1 });
      expect(c.snapshot().entities).toEqual([]);
      await c.handle('/api/v1/set', { key: 'touch', value: 1 });
      await c.flush();
      expect(JSON.parse(readFileSync(file, 'utf8')).entities['mail-link'].k.value).toEqual({ conversationId: 'c', issueId: '1', created: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [[{ name: 'mail_link', attributes: { a: { type: 'string' } } }], /must match/],
    [[{ name: 'ml', attributes: { a: { type: 'string' } } }], /3–60/],
    [[{ name: 'mail-link', attributes: {} }], /at least one attribute/],
    [[{ name: 'mail-link', attributes: { _a: { type: 'string' } } }], /attribute '_a'/],
    [[{ name: 'mail-link', attributes: { a: { type: 'date' } } }], /needs a type/],
    [[{ name: 'mail-link', attributes: { a: { type: 'string' } }, indexes: [{ name: 'by-key', range: ['a'] }] }], /reserved index name/],
    [[{ name: 'mail-link', attributes: { a: { type: 'any' } }, indexes: ['a'] }], /type any/],
    [[{ name: 'mail-link', attributes: { a: { type: 'string' }, b: { type: 'string' } }, indexes: [{ name: 'by-ab', range: ['a', 'b'] }] }], /exactly one attribute/],
    [[{ name: 'mail-link', attributes: { abc: { type: 'string' } }, indexes: [{ name: 'by-x', range: ['x'] }] }], /valid attribute/],
  ])('refuses to load a manifest entity that breaks a rule: %j', (raw, message) => {
    expect(() => parseEntitySchemas(raw)).toThrow(message);
  });
});

describe('custom entities in the running host, with the real SDK in the probe app', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app') });
  });
  afterAll(() => host?.stop());

  it('stores links, finds them both ways, lists them in the control state, and empties on reset', async () => {
    const alice = host.asUser('alice');
    const put = (key: string, conversationId: string, issueId: string, created: number) => alice.invoke('probe-panel', 'linkPut', { key, value: { conversationId, issueId, created } });
    expect((await put('a', 'conv-1', '10001', 1)).ok).toBe(true);
    await put('b', 'conv-1', '10002', 2);
    await put('c', 'conv-2', '10001', 3);
    expect((await alice.invoke('probe-panel', 'linksOfIssue', { issueId: '10001' })).value).toEqual({ keys: ['a', 'c'] });
    expect((await alice.invoke('probe-panel', 'linksOfConversation', { conversationId: 'conv-1' })).value).toEqual({ keys: ['a', 'b'] });
    const refused = await alice.invoke('probe-panel', 'linkPut', { key: 'd', value: { conversationId: 'conv-1', issueId: '10001', created: 4, subject: 'Invoice 2024-118' } });
    expect(refused.value).toMatchObject({ error: { code: 'INVALID_ENTITY_VALUE' } });

    const state = await host.state();
    expect(state.storage.entities).toEqual([
      { entityName: 'mail-link', key: 'a', value: { conversationId: 'conv-1', issueId: '10001', created: 1 } },
      { entityName: 'mail-link', key: 'b', value: { conversationId: 'conv-1', issueId: '10002', created: 2 } },
      { entityName: 'mail-link', key: 'c', value: { conversationId: 'conv-2', issueId: '10001', created: 3 } },
    ]);
    expect(JSON.stringify(state)).not.toContain('Invoice 2024-118');
    await host.control('reset');
    expect((await host.state()).storage.entities).toEqual([]);
  });
});
