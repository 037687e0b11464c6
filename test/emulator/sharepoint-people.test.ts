import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTOSO_TENANT, graphClient, graphFetch, type Running, signIn, startEmulator, type Tokens } from './support';

// People known only by id: a person column comes back as `<Column>LookupId`, and the name is read from the
// site's User Information List with the viewer's own token, in one $batch (src/core/sharepoint/people.ts).

type Json = Record<string, unknown>;
interface BatchAnswer { responses: Array<{ id: string; status: number; body: { fields?: Json; error?: { code: string } } }> }

let run: Running;
const tokens: Record<string, Tokens> = {};
const client = (who: string): Client => graphClient(run, () => tokens[who]?.access_token ?? '');
let phoenix: { id: string };
let partners: { id: string };

beforeAll(async () => {
  run = await startEmulator();
  for (const who of ['alice', 'bob']) tokens[who] = await signIn(run, `${who}@contoso.com`);
  tokens['gina'] = await signIn(run, 'gina@fabrikam.com', { tenant: CONTOSO_TENANT });
  phoenix = await client('alice').api('/sites/contoso.sharepoint.com:/sites/phoenix').get() as { id: string };
  partners = await client('alice').api('/sites/contoso.sharepoint.com:/sites/partners').get() as { id: string };
});
afterAll(async () => { await run.close(); });

const peopleBatch = async (who: string, siteId: string, ids: readonly string[]): Promise<Map<string, BatchAnswer['responses'][number]>> => {
  const body = {
    requests: ids.map((id) => ({
      id, method: 'GET', url: `/sites/${siteId}/lists/User%20Information%20List/items/${id}?$expand=fields($select=Title,EMail)`,
    })),
  };
  const res = await graphFetch(run, tokens[who]?.access_token ?? '', '/$batch', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return new Map(((await res.json()) as BatchAnswer).responses.map((r) => [r.id, r]));
};

describe('person columns as Graph answers them', () => {
  it('a selected single-person column is its LookupId only, on every row; a selected lookup also brings its text', async () => {
    const page = await client('alice').api(`/sites/${phoenix.id}/lists/Tasks/items`)
      .expand('fields($select=Title,AssignedTo,Project)').top(20).get() as { value: Array<{ fields: Json; createdBy: Json }> };
    const withPerson = page.value.filter((i) => i.fields['AssignedToLookupId'] !== undefined);
    expect(withPerson.length).toBeGreaterThan(5);
    for (const i of page.value) {
      expect(i.fields).not.toHaveProperty('AssignedTo');
      if (i.fields['ProjectLookupId'] !== undefined) expect(i.fields['Project']).toEqual(expect.any(String));
    }
    expect(withPerson.every((i) => /^\d+$/.test(String(i.fields['AssignedToLookupId'])))).toBe(true);
    // Created By comes as an identity set on the item itself, named.
    expect(page.value[0]?.createdBy).toMatchObject({ user: { displayName: expect.any(String), email: expect.any(String) } });
  });
});

describe('the User Information List, read by id in one $batch', () => {
  it('names the people a page of Tasks refers to, with only the selected fields', async () => {
    const page = await client('bob').api(`/sites/${phoenix.id}/lists/Tasks/items`).expand('fields($select=AssignedTo)').top(10).get() as { value: Array<{ fields: Json }> };
    const ids = [...new Set(page.value.map((i) => i.fields['AssignedToLookupId']).filter((v): v is string => typeof v === 'string'))];
    expect(ids.length).toBeGreaterThan(1);
    const before = run.emu.stats();
    const parts = await peopleBatch('bob', phoenix.id, ids);
    expect(run.emu.stats().graphRequests - before.graphRequests).toBe(1);
    const names = ids.map((id) => parts.get(id)?.body.fields?.['Title']);
    expect(names).toEqual(expect.arrayContaining(['Bob Brown', 'Carol Chen']));
    for (const id of ids) {
      expect(parts.get(id)?.status).toBe(200);
      const fields = parts.get(id)?.body.fields ?? {};
      expect(Object.keys(fields).filter((k) => !k.startsWith('@'))).toEqual(['Title', 'EMail']);
    }
  });

  it('an id that is no one is a 404 part; the others still answer', async () => {
    const parts = await peopleBatch('alice', phoenix.id, ['7', '99999']);
    expect(parts.get('7')?.status).toBe(200);
    expect(parts.get('99999')).toMatchObject({ status: 404, body: { error: { code: 'itemNotFound' } } });
  });

  it('trimmed as SharePoint trims: a guest who reads one library of the site may not read its people (404 parts)', async () => {
    // Gina reads "Shared with partners" …
    const lib = await graphFetch(run, tokens['gina']?.access_token ?? '', `/sites/${partners.id}/lists/SharedWithPartners`);
    expect(lib.status).toBe(200);
    // … but is no reader of the site, so its User Information List is hidden from her, as from Graph's list of lists.
    const parts = await peopleBatch('gina', partners.id, ['6', '7']);
    expect([...parts.values()].map((p) => p.status)).toEqual([404, 404]);
    expect(JSON.stringify([...parts.values()])).not.toMatch(/Alice|Bob|contoso\.com/);
    const alice = await peopleBatch('alice', partners.id, ['6']);
    expect(alice.get('6')?.body.fields).toMatchObject({ Title: 'Alice Adams' });
  });

  it('more than 20 reads in one batch is refused as a whole (so the app sends at most 20)', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => String(i + 1));
    const body = { requests: ids.map((id) => ({ id, method: 'GET', url: `/sites/${phoenix.id}/lists/User%20Information%20List/items/${id}` })) };
    const res = await graphFetch(run, tokens['alice']?.access_token ?? '', '/$batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
  });
});
