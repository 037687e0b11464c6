import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFetch, type Running, signIn, startEmulator, type Tokens } from './support';

// Whole-list search and sort above SharePoint's list view threshold, and search results as Graph sends them.

type Json = Record<string, unknown>;
let run: Running;
const tokens: Record<string, Tokens> = {};
let phoenix: string;
const BIG_LIST = '44444444-aaaa-4bbb-8ccc-000000000004';
const TASKS = '22222222-aaaa-4bbb-8ccc-000000000002';

const call = async (who: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> => {
  const res = await graphFetch(run, tokens[who]?.access_token ?? '', path, init);
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
};
const search = (who: string, request: Json) =>
  call(who, '/search/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requests: [request] }) });
const container = (body: Json) => ((body['value'] as Json[])[0]?.['hitsContainers'] as Json[])[0] as { hits?: Array<{ hitId: string; resource: Json }>; total: number; moreResultsAvailable: boolean };

beforeAll(async () => {
  run = await startEmulator();
  for (const who of ['alice', 'bob']) tokens[who] = await signIn(run, `${who}@contoso.com`);
  phoenix = ((await call('alice', '/sites/contoso.sharepoint.com:/sites/phoenix')).body['id']) as string;
});
afterAll(async () => { await run.close(); });

describe('POST /search/query (listItem)', () => {
  const record = { entityTypes: ['listItem'], query: { queryString: `"Record*" "05000*" ListId:${BIG_LIST}` }, fields: ['listItemId', 'listId', 'title'] };

  it('finds a row of the 10,000-item list by its words, with the asked managed properties, for someone allowed to read it', async () => {
    const r = await search('alice', record);
    expect(r.status).toBe(200);
    const c = container(r.body);
    expect(c.total).toBe(1);
    expect(c.moreResultsAvailable).toBe(false);
    expect(c.hits?.[0]?.resource).toMatchObject({
      '@odata.type': '#microsoft.graph.listItem',
      parentReference: { siteId: phoenix },
      fields: { listItemId: '5000', listId: BIG_LIST, title: 'Record 05000' },
    });
    // The item read by id is the same row.
    const item = await call('alice', `/sites/${phoenix}/lists/${BIG_LIST}/items/5000?$expand=fields($select=Title)`);
    expect((item.body['fields'] as Json)['Title']).toBe('Record 05000');
  });

  it('is trimmed to what the caller may read: Record 05000 is Alice’s only', async () => {
    const c = container((await search('bob', record)).body);
    expect(c.total).toBe(0);
    expect(c.hits ?? []).toEqual([]);
  });

  it('is scoped by ListId, pages by from/size, and counts the whole result', async () => {
    const q = (from: number) => search('bob', { entityTypes: ['listItem'], query: { queryString: `"Record*" ListId:${BIG_LIST}` }, from, size: 25, fields: ['listItemId'] });
    const first = container((await q(0)).body);
    // 10,000 records, every 100th Alice’s only.
    expect(first.total).toBe(9900);
    expect(first.moreResultsAvailable).toBe(true);
    expect(first.hits).toHaveLength(25);
    const second = container((await q(25)).body);
    const ids = (c: typeof first) => (c.hits ?? []).map((h) => h.hitId);
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    const tasks = container((await search('bob', { entityTypes: ['listItem'], query: { queryString: `"Record*" ListId:${TASKS}` } })).body);
    expect(tasks.total).toBe(0);
  });

  it('refuses what it does not model, and bad bodies, with 400 (never a 500)', async () => {
    const bad = [
      { entityTypes: ['message'], query: { queryString: 'x' } },
      { entityTypes: ['listItem'], query: { queryString: '' } },
      { entityTypes: ['listItem'], query: { queryString: 'a OR b' } },
      { entityTypes: ['listItem'], query: { queryString: 'x' }, size: 501 },
      { entityTypes: ['listItem'], query: { queryString: 'x' }, from: -1 },
    ];
    for (const b of bad) expect((await search('alice', b)).status).toBe(400);
    expect((await call('alice', '/search/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"requests":[]}' })).status).toBe(400);
  });
});

describe('the list view threshold on the 10,000-item list', () => {
  const prefer = { headers: { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' } };

  it('sorts the whole list by an indexed column; a column that is not indexed is refused as SharePoint refuses it', async () => {
    const desc = await call('bob', `/sites/${phoenix}/lists/${BIG_LIST}/items?$expand=fields($select=Title,Category)&$orderby=fields/Category desc&$top=25`, prefer);
    expect(desc.status).toBe(200);
    const cats = (desc.body['value'] as Array<{ fields: Json }>).map((i) => i.fields['Category']);
    expect(new Set(cats)).toEqual(new Set(['Travel']));
    const title = await call('bob', `/sites/${phoenix}/lists/${BIG_LIST}/items?$orderby=fields/Title asc&$top=25`, prefer);
    expect(title.body['error']).toMatchObject({ message: expect.stringContaining('list view threshold') });
    const search = await call('bob', `/sites/${phoenix}/lists/${BIG_LIST}/items?$filter=startswith(fields/Title,'Record 05')&$top=1`, prefer);
    expect(search.body['error']).toMatchObject({ message: expect.stringContaining('list view threshold') });
  });
});

describe('drive search results', () => {
  it('carry the parent’s id but no parentReference.path, as Graph sends them; search starts at the drive root only', async () => {
    const drive = (await call('bob', `/sites/${phoenix}/drive`)).body['id'] as string;
    const r = await call('bob', `/drives/${drive}/root/search(q='design')`);
    const hits = r.body['value'] as Array<{ name: string; parentReference: Json }>;
    expect(hits.map((h) => h.name)).toEqual(['API design.docx']);
    expect(hits[0]?.parentReference).toMatchObject({ driveId: drive, id: expect.any(String) });
    expect(hits[0]?.parentReference).not.toHaveProperty('path');
    // The parent read by id does carry its path.
    const parent = await call('bob', `/drives/${drive}/items/${hits[0]?.parentReference['id'] as string}?$select=id,name,parentReference`);
    expect(parent.body).toMatchObject({ name: 'Specs', parentReference: { path: `/drives/${drive}/root:` } });
    expect((await call('bob', `/drives/${drive}/items/${hits[0]?.parentReference['id'] as string}/search(q='design')`)).status).toBe(400);
  });
});
