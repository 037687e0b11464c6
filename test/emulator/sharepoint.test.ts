import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphClient, graphFetch, relativeNextLink, type Running, signIn, startEmulator, type Tokens } from './support';

type Json = Record<string, unknown>;
interface Page<T = Json> { value: T[]; '@odata.nextLink'?: string }

let run: Running;
const tokens: Record<string, Tokens> = {};
const client = (who: string): Client => graphClient(run, () => tokens[who]?.access_token ?? '');
let phoenix: { id: string };

beforeAll(async () => {
  run = await startEmulator();
  for (const who of ['alice', 'bob', 'carol']) tokens[who] = await signIn(run, `${who}@contoso.com`);
  phoenix = await client('alice').api('/sites/contoso.sharepoint.com:/sites/phoenix').get() as { id: string };
});
afterAll(async () => { await run.close(); });

const allPages = async <T = Json>(c: Client, path: string, headers: Record<string, string> = {}): Promise<T[]> => {
  const out: T[] = [];
  let next: string | undefined = path;
  let guard = 0;
  while (next !== undefined && guard++ < 100) {
    const page = await c.api(next).headers(headers).get() as Page<T>;
    out.push(...page.value);
    next = page['@odata.nextLink'] !== undefined ? relativeNextLink(run, page['@odata.nextLink']) : undefined;
  }
  return out;
};

const status = async (who: string, path: string, headers: Record<string, string> = {}): Promise<number> =>
  (await graphFetch(run, tokens[who]?.access_token ?? '', path, { headers })).status;

describe('/me', () => {
  it('answers with the signed-in user and honours $select', async () => {
    const me = await client('bob').api('/me').get() as Json;
    expect(me).toMatchObject({ displayName: 'Bob Brown', mail: 'bob@contoso.com', userPrincipalName: 'bob@contoso.com', givenName: 'Bob', surname: 'Brown', jobTitle: 'Software engineer' });
    const picked = await client('bob').api('/me').select(['displayName', 'userType']).get() as Json;
    expect(Object.keys(picked).filter((k) => !k.startsWith('@'))).toEqual(['displayName', 'userType']);
    expect(picked['userType']).toBe('Member');
  });
});

describe('sites', () => {
  it('finds a site by host and server-relative path, with or without the closing colon, and by id', async () => {
    expect(phoenix.id).toMatch(/^contoso\.sharepoint\.com,[0-9a-f-]{36},[0-9a-f-]{36}$/);
    const withColon = await client('bob').api('/sites/contoso.sharepoint.com:/sites/phoenix:').get() as Json;
    const byId = await client('bob').api(`/sites/${phoenix.id}`).get() as Json;
    expect(withColon['id']).toBe(phoenix.id);
    expect(byId).toMatchObject({ displayName: 'Project Phoenix', webUrl: 'https://contoso.sharepoint.com/sites/phoenix' });
    const root = await client('bob').api('/sites/root').get() as Json;
    expect(root).toMatchObject({ displayName: 'Contoso', webUrl: 'https://contoso.sharepoint.com', root: {} });
  });

  it('answers 403 for a site the user has no access to, 404 for one that does not exist', async () => {
    expect(await status('carol', '/sites/contoso.sharepoint.com:/sites/partners')).toBe(403);
    expect(await status('bob', '/sites/contoso.sharepoint.com:/sites/partners')).toBe(200);
    expect(await status('alice', '/sites/contoso.sharepoint.com:/sites/nowhere')).toBe(404);
  });

  it('lists the lists a user may see, with template and hidden', async () => {
    const names = async (who: string) => ((await client(who).api(`/sites/${phoenix.id}/lists`).get()) as Page<{ displayName: string; list: { template: string; hidden: boolean } }>).value;
    const alice = await names('alice');
    const bob = await names('bob');
    expect(alice.map((l) => l.displayName)).toContain('Secret plans');
    expect(bob.map((l) => l.displayName)).not.toContain('Secret plans');
    expect(bob.find((l) => l.displayName === 'Documents')?.list).toEqual({ contentTypesEnabled: false, hidden: false, template: 'documentLibrary' });
    expect(bob.map((l) => l.displayName)).not.toContain('User Information List');
    const withSystem = (await client('bob').api(`/sites/${phoenix.id}/lists`).select('displayName,list,system').get()) as Page<{ displayName: string; list: { hidden: boolean }; system?: object }>;
    expect(withSystem.value.find((l) => l.displayName === 'User Information List')).toMatchObject({ list: { hidden: true }, system: {} });
    expect(await status('bob', `/sites/${phoenix.id}/lists/66666666-aaaa-4bbb-8ccc-000000000006`)).toBe(404);
  });

  it('describes columns with their type facets', async () => {
    const cols = (await client('bob').api(`/sites/${phoenix.id}/lists/Tasks/columns`).get() as Page).value;
    const byName = new Map(cols.map((c) => [c['name'], c]));
    expect(byName.get('Status')).toMatchObject({ indexed: true, choice: { choices: ['Not started', 'In progress', 'Blocked', 'Done'] } });
    expect(byName.get('Description')).toMatchObject({ text: { allowMultipleLines: true } });
    expect(byName.get('Budget')).toHaveProperty('currency');
    expect(byName.get('DueDate')).toMatchObject({ dateTime: { format: 'dateOnly' } });
    expect(byName.get('Done')).toHaveProperty('boolean');
    expect(byName.get('AssignedTo')).toHaveProperty('personOrGroup');
    expect(byName.get('Project')).toMatchObject({ lookup: { listId: '11111111-aaaa-4bbb-8ccc-000000000001', columnName: 'Title' } });
    expect(byName.get('Link')).toHaveProperty('hyperlinkOrPicture');
    expect(byName.get('BudgetBand')).toMatchObject({ readOnly: true, calculated: { outputType: 'text' } });
    expect(byName.get('Author')).toMatchObject({ readOnly: true, displayName: 'Created By' });
    expect(byName.get('AppAuthor')).toMatchObject({ hidden: true });
  });
});

describe('list items and trimming', () => {
  const taskTitles = async (who: string): Promise<string[]> =>
    (await allPages<{ fields: { Title: string } }>(client(who), `/sites/${phoenix.id}/lists/Tasks/items?$expand=fields($select=Title)&$top=20`))
      .map((i) => i.fields.Title);

  it('alice and bob see different rows of the same list', async () => {
    const alice = await taskTitles('alice');
    const bob = await taskTitles('bob');
    expect(alice).toHaveLength(49);
    expect(bob).toHaveLength(45);
    expect(alice).toContain('Negotiate supplier contract');
    expect(bob).not.toContain('Negotiate supplier contract');
    expect(bob).toContain("Bob's onboarding checklist");
    expect(alice).not.toContain("Bob's onboarding checklist");
  });

  it('a direct GET of an item the user may not read is 404 itemNotFound', async () => {
    const res = await graphFetch(run, tokens['bob']?.access_token ?? '', `/sites/${phoenix.id}/lists/Tasks/items/3`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'itemNotFound', innerError: { 'request-id': expect.any(String) } } });
    expect(await status('alice', `/sites/${phoenix.id}/lists/Tasks/items/3`)).toBe(200);
  });

  it('$expand=fields($select=…) returns only those fields; lookups as text plus LookupId, a person as its LookupId only', async () => {
    const item = await client('alice').api(`/sites/${phoenix.id}/lists/Tasks/items/1`)
      .expand('fields($select=Title,AssignedTo,Project,Status)').select('id,fields').get() as Json;
    expect(Object.keys(item).filter((k) => !k.startsWith('@') && !k.includes('@'))).toEqual(['id', 'fields']);
    expect(item['fields']).toEqual({
      '@odata.etag': expect.any(String), Title: 'Set up the Phoenix repository',
      AssignedToLookupId: '7', Project: 'Phoenix core', ProjectLookupId: '1', Status: 'Done',
    });
  });

  it('without $select, fields carry LookupIds only and every common column type', async () => {
    const item = await client('alice').api(`/sites/${phoenix.id}/lists/Tasks/items/2`).expand('fields').get() as { fields: Json };
    expect(item.fields).toMatchObject({
      Title: 'Draft the architecture overview', Priority: 1, Budget: 1200, DueDate: '2024-02-01T00:00:00Z', Done: false,
      Status: 'In progress', AssignedToLookupId: '8', ProjectLookupId: '1', BudgetBand: 'Medium',
      Link: { Url: expect.stringContaining('Architecture.pptx'), Description: 'Architecture deck' }, AuthorLookupId: '6',
    });
    expect(item.fields).not.toHaveProperty('AssignedTo');
    const person = await client('alice').api(`/sites/${phoenix.id}/lists/User Information List/items/8`).expand('fields($select=Title,EMail)').get() as { fields: Json };
    expect(person.fields).toMatchObject({ Title: 'Carol Chen', EMail: 'carol@contoso.com' });
  });

  it('pages through the 10,000-item list by nextLink: right count, no duplicates', async () => {
    const rows = await allPages<{ id: string }>(client('bob'), `/sites/${phoenix.id}/lists/BigList/items?$top=1000&$select=id`);
    expect(rows).toHaveLength(9_900);
    expect(new Set(rows.map((r) => r.id)).size).toBe(9_900);
    const first = await client('alice').api(`/sites/${phoenix.id}/lists/BigList/items`).get() as Page;
    expect(first.value).toHaveLength(200);
    expect(first['@odata.nextLink']).toMatch(new RegExp(`^${run.origin}/graph/v1\\.0/sites/.+\\$skiptoken=`));
  });

  it('filters and sorts on indexed columns; non-indexed ones need the Prefer header', async () => {
    const done = await allPages<{ fields: { Status: string } }>(client('alice'), `/sites/${phoenix.id}/lists/Tasks/items?$expand=fields($select=Status)&$filter=fields/Status eq 'Done'`);
    expect(done.length).toBeGreaterThan(1);
    expect(done.every((i) => i.fields.Status === 'Done')).toBe(true);

    const path = `/sites/${phoenix.id}/lists/Tasks/items?$expand=fields($select=Title)&$filter=startswith(fields/Title,'Routine')`;
    const refused = await graphFetch(run, tokens['alice']?.access_token ?? '', path);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('HonorNonIndexedQueriesWarningMayFailRandomly');
    const routine = await allPages<{ fields: { Title: string } }>(client('alice'), path, { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' });
    expect(routine).toHaveLength(38);

    const sorted = await allPages<{ fields: { Priority: number } }>(client('bob'),
      `/sites/${phoenix.id}/lists/Tasks/items?$expand=fields($select=Priority)&$orderby=fields/Priority desc&$top=7`,
      { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' });
    const priorities = sorted.map((i) => i.fields.Priority);
    expect(priorities).toHaveLength(45);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    expect(await status('bob', `/sites/${phoenix.id}/lists/Tasks/items?$orderby=fields/Priority desc`)).toBe(400);
  });

  it('on the big list an indexed filter pages correctly and a non-indexed one hits the list view threshold', async () => {
    const hardware = await allPages<{ fields: { Category: string } }>(client('alice'),
      `/sites/${phoenix.id}/lists/BigList/items?$expand=fields($select=Category)&$filter=fields/Category eq 'Hardware'&$top=500`);
    expect(hardware.length).toBeGreaterThan(1_000);
    expect(hardware.every((i) => i.fields.Category === 'Hardware')).toBe(true);
    const region = `/sites/${phoenix.id}/lists/BigList/items?$filter=fields/Region eq 'EMEA'`;
    expect(await status('alice', region)).toBe(400);
    expect(await status('alice', region, { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' })).toBe(500);
  });
});

describe('drives and files', () => {
  const rootNames = async (who: string): Promise<string[]> =>
    ((await client(who).api(`/sites/${phoenix.id}/drive/root/children`).get()) as Page<{ name: string }>).value.map((d) => d.name);

  it('alice and bob see different files of the same library', async () => {
    expect(await rootNames('alice')).toEqual(['Drafts', 'Finance', 'HR', 'Meeting notes.txt', 'Project charter.docx', 'Roadmap 2025.pptx', 'Specs']);
    expect(await rootNames('bob')).toEqual(["Bob's notes.txt", 'Drafts', 'Finance', 'Meeting notes.txt', 'Project charter.docx', 'Roadmap 2025.pptx', 'Specs']);
    expect(await rootNames('carol')).toEqual(['Drafts', 'Meeting notes.txt', 'Project charter.docx', 'Roadmap 2025.pptx', 'Specs']);
  });

  it("trims a folder's children and counts only what the user sees", async () => {
    const drive = await client('alice').api(`/sites/${phoenix.id}/drive`).get() as { id: string };
    const specs = async (who: string) => client(who).api(`/drives/${drive.id}/root:/Specs:/children`).get() as Promise<Page<{ name: string }>>;
    expect((await specs('alice')).value.map((d) => d.name)).toEqual(['API design.docx', 'Architecture.pptx', 'Vendor contract.pdf']);
    expect((await specs('bob')).value.map((d) => d.name)).toEqual(['API design.docx', 'Architecture.pptx']);
    const folder = await client('bob').api(`/drives/${drive.id}/root:/Specs`).get() as { folder: { childCount: number } };
    expect(folder.folder.childCount).toBe(2);
  });

  it('a direct GET of a file or folder the user may not see is 404', async () => {
    const drive = await client('alice').api(`/sites/${phoenix.id}/drive`).get() as { id: string };
    expect(await status('alice', `/drives/${drive.id}/root:/Bob's notes.txt`)).toBe(404);
    expect(await status('bob', `/drives/${drive.id}/root:/Bob's notes.txt`)).toBe(200);
    expect(await status('bob', `/drives/${drive.id}/root:/HR:/children`)).toBe(404);
    const salaries = await client('alice').api(`/drives/${drive.id}/root:/HR/Salaries 2025.xlsx`).get() as { id: string };
    expect(await status('bob', `/drives/${drive.id}/items/${salaries.id}`)).toBe(404);
  });

  it('returns real-looking drive items, with thumbnails when expanded', async () => {
    const drive = await client('bob').api(`/sites/${phoenix.id}/drive`).get() as { id: string };
    const doc = await client('bob').api(`/drives/${drive.id}/root:/Specs/API design.docx`).expand('thumbnails').get() as Json & { thumbnails: Array<{ small: { url: string } }> };
    expect(doc).toMatchObject({
      name: 'API design.docx', file: { mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
      lastModifiedBy: { user: { displayName: 'Bob Brown', email: 'bob@contoso.com' } },
      parentReference: { driveId: drive.id, path: `/drives/${drive.id}/root:/Specs` },
    });
    expect(doc['webUrl']).toMatch(/^https:\/\/contoso\.sharepoint\.com\/sites\/phoenix\/_layouts\/15\/Doc\.aspx\?sourcedoc=/);
    // On the thumbnail service (`<region>-mediap.svc.ms/transform/thumbnail`, `/mediap/…` here), naming the item in `docid`.
    const url = new URL(doc.thumbnails[0]?.small.url ?? '');
    expect(url.origin + url.pathname).toBe(`${run.origin}/mediap/transform/thumbnail`);
    expect(url.searchParams.get('docid')).toBe(`https://contoso.sharepoint.com:443/_api/v2.0/drives/${drive.id}/items/${String(doc['id'])}?version=Published`);
    const thumb = await fetch(url);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toContain('image/svg+xml');
    // The token is for that item and size only.
    const forgeries: Array<[string, string]> = [['w', '800'], ['docid', url.searchParams.get('docid')?.replace('?version', 'x?version') ?? ''], ['tempauth', '1.forged']];
    for (const [key, value] of forgeries) {
      const forged = new URL(url);
      forged.searchParams.set(key, value);
      expect((await fetch(forged)).status).toBe(403);
    }
  });

  it('pages the children of a 200-file folder of the generated archive', async () => {
    const site = await client('carol').api(`/sites/${phoenix.id}/lists/Archive/drive`).get() as { id: string };
    const files = await allPages<{ name: string }>(client('carol'), `/drives/${site.id}/root:/Batch 03:/children?$top=50&$select=name,size`);
    expect(files).toHaveLength(200);
    expect(new Set(files.map((f) => f.name)).size).toBe(200);
  });

  it('searches a drive, trimmed to what the user sees', async () => {
    const drive = await client('bob').api(`/sites/${phoenix.id}/drive`).get() as { id: string };
    const search = async (who: string) => ((await client(who).api(`/drives/${drive.id}/root/search(q='invoice')`).get()) as Page<{ name: string }>).value.map((d) => d.name);
    expect(await search('bob')).toEqual(['Invoices', 'Invoice 2024-118.pdf']);
    expect(await search('carol')).toEqual([]);
  });

  it('hands out a short-lived preview URL that renders the file and then expires', async () => {
    const drive = await client('bob').api(`/sites/${phoenix.id}/drive`).get() as { id: string };
    const file = await client('bob').api(`/drives/${drive.id}/root:/Project charter.docx`).get() as { id: string };
    const { getUrl } = await client('bob').api(`/drives/${drive.id}/items/${file.id}/preview`).post({}) as { getUrl: string };
    expect(getUrl.startsWith(`${run.origin}/sharepoint/contoso.sharepoint.com/_layouts/15/embed.aspx?`)).toBe(true);
    const page = await fetch(getUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Project charter.docx');
    expect((await fetch(getUrl.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403);
    // The page lives on its site's own host: the same link on another SharePoint host finds nothing.
    expect((await fetch(getUrl.replace('/sharepoint/contoso.sharepoint.com/', '/sharepoint/fabrikam.sharepoint.com/'))).status).toBe(404);
    run.clock.offsetMs = 11 * 60_000;
    try {
      const expired = await fetch(getUrl);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('expired');
    } finally {
      run.clock.offsetMs = 0;
    }
  });
});
