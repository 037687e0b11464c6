import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDocument, type GraphCall } from '../../src/core/sharepoint/document-resolve';
import { decideOnFailure } from '../../src/core/sharepoint/states';
import { encodeSharingUrl, parseSharePointUrl } from '../../src/core/sharepoint/url';
import { CLIENT_ID, CONTOSO_TENANT, graphFetch, type Running, signIn, startEmulator, TEST_APP_GRAPH_SCOPES, type Tokens } from './support';

// `GET /shares/{u!…}` and `/shares/{u!…}/driveItem`: the fixture's sharing links (dev/fixtures/demo-tenant.json,
// "sharingLinks"), plain file URLs and Office `Doc.aspx?sourcedoc=` links, with SharePoint's trimming.

 
type Json = Record<string, any>;

let run: Running;
const tokens: Record<string, Tokens> = {};

const ORG_LINK = 'https://contoso.sharepoint.com/:b:/s/phoenix/EVc0ntrAct0rgL1nkPhx9QBm2dK7wYzN4eR1tUoJ5sGhAw';
const BOB_LINK = 'https://contoso.sharepoint.com/:x:/s/phoenix/ESa1ar1esB0bOnlyXk3mQp8ZrT2vWyA6cD9fGhJ1kLnNqQ';
const VENDOR_PATH = 'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Specs/Vendor%20contract.pdf';
const API_DESIGN_PATH = 'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Specs/API%20design.docx';
const LINK_REFUSED = 'The sharing link no longer exists, or you do not have permission to access it.';

/** As Microsoft documents it: `u!` + unpadded base64url of the URL. */
const enc = (url: string): string => 'u!' + Buffer.from(url, 'utf8').toString('base64url');

beforeAll(async () => {
  run = await startEmulator();
  for (const who of ['alice', 'bob', 'carol']) tokens[who] = await signIn(run, `${who}@contoso.com`);
  tokens['gina'] = await signIn(run, 'gina@fabrikam.com', { tenant: CONTOSO_TENANT });
});
afterAll(async () => { await run?.close(); });

const PEEK = { Prefer: 'redeemSharingLinkIfNecessary' };
const REDEEM = { Prefer: 'redeemSharingLink' };

const get = async (who: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> => {
  const res = await graphFetch(run, tokens[who]?.access_token ?? '', path, { headers });
  return { status: res.status, body: (await res.json()) as Json };
};
/** As the editor looks a link up: for this request only (`redeemSharingLinkIfNecessary`). */
const item = (who: string, url: string, query = '', headers: Record<string, string> = PEEK) => get(who, `/shares/${enc(url)}/driveItem${query}`, headers);

describe('the encoding', () => {
  it('is the one the core sends', () => {
    for (const url of [ORG_LINK, BOB_LINK, VENDOR_PATH, 'https://contoso.sharepoint.com/sites/phoenix/Documents partagés/é.docx']) {
      expect(encodeSharingUrl(url)).toBe(enc(url));
    }
  });
});

describe('an "organization" sharing link', () => {
  it('opens the file for every Contoso member who has it, including Bob who cannot read it otherwise', async () => {
    for (const who of ['alice', 'bob', 'carol']) {
      const r = await item(who, ORG_LINK);
      expect(r.status, who).toBe(200);
      expect(r.body).toMatchObject({
        name: 'Vendor contract.pdf', file: { mimeType: 'application/pdf' },
        parentReference: { siteId: expect.stringMatching(/^contoso\.sharepoint\.com,/), driveId: expect.stringMatching(/^b!/) },
      });
    }
    // Only for the request: the same file by path or by id stays trimmed for Bob.
    expect((await item('bob', VENDOR_PATH)).status).toBe(404);
    const { body: f } = await item('alice', ORG_LINK);
    expect((await get('bob', `/drives/${f.parentReference.driveId}/items/${f.id}`)).status).toBe(404);
  });

  it('is refused to a guest with SharePoint\'s 403', async () => {
    const r = await item('gina', ORG_LINK);
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'accessDenied', message: LINK_REFUSED });
  });

  it('is matched without its query (`?e=…`) and answers the core\'s $select/$expand with thumbnails', async () => {
    const r = await item('bob', `${ORG_LINK}?e=4bC1dE`, '?$select=id,name,size,webUrl,file,parentReference&$expand=thumbnails');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).filter((k) => !k.startsWith('@')).sort()).toEqual(['file', 'id', 'name', 'parentReference', 'size', 'thumbnails', 'webUrl']);
    expect(r.body.thumbnails[0].medium.url).toContain('/mediap/transform/thumbnail?provider=spo&');
  });
});

describe('a "specific people" sharing link', () => {
  it('opens the file for the people listed (Bob) and those who can read it anyway (Alice), no one else', async () => {
    expect((await item('bob', BOB_LINK)).body).toMatchObject({ name: 'Salaries 2025.xlsx' });
    expect((await item('alice', BOB_LINK)).body).toMatchObject({ name: 'Salaries 2025.xlsx' });
    for (const who of ['carol', 'gina']) {
      const r = await item(who, BOB_LINK);
      expect(r.status, who).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'accessDenied', message: LINK_REFUSED });
    }
  });
});

describe('links the tenant never issued', () => {
  it('are refused like a forbidden link (SharePoint tells neither apart)', async () => {
    const r = await item('alice', 'https://contoso.sharepoint.com/:w:/s/phoenix/ENoSuchL1nkAtAllXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX');
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('accessDenied');
  });
});

describe('plain file URLs and `/:x:/r/` links', () => {
  it('resolve site, library and path with the usual trimming', async () => {
    expect((await item('bob', API_DESIGN_PATH)).body).toMatchObject({ name: 'API design.docx' });
    expect((await item('alice', VENDOR_PATH)).body).toMatchObject({ name: 'Vendor contract.pdf' });
    // Unencoded spaces, as a person may paste them, are the same URL.
    expect((await item('bob', 'https://contoso.sharepoint.com/sites/phoenix/Shared Documents/Specs/API design.docx')).status).toBe(200);
    const redirect = 'https://contoso.sharepoint.com/:b:/r/sites/phoenix/Shared%20Documents/Specs/Vendor%20contract.pdf?csf=1&web=1';
    expect((await item('alice', redirect)).body).toMatchObject({ name: 'Vendor contract.pdf' });
    const hidden = await item('bob', redirect);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('itemNotFound');
    expect((await item('alice', 'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Specs/Nothing.docx')).status).toBe(404);
    expect((await item('alice', 'https://contoso.sharepoint.com/sites/phoenix/Lists/Tasks/AllItems.aspx')).status).toBe(404);
  });

  it('answer 403 for a site out of reach (Carol on Partner portal, Gina on Phoenix)', async () => {
    const carol = await item('carol', 'https://contoso.sharepoint.com/sites/partners/Shared%20Documents/Partner%20scorecard.xlsx');
    expect(carol.status).toBe(403);
    expect(carol.body.error.code).toBe('accessDenied');
    expect((await item('gina', API_DESIGN_PATH)).status).toBe(403);
    expect((await item('gina', 'https://contoso.sharepoint.com/sites/partners/SharedWithPartners/Onboarding%20guide.pdf')).body)
      .toMatchObject({ name: 'Onboarding guide.pdf' });
  });
});

describe('Office links (`Doc.aspx?sourcedoc={guid}`)', () => {
  it('resolve the file by its unique id, trimmed', async () => {
    const charter = (await item('alice', 'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Project%20charter.docx')).body;
    expect(charter.webUrl).toMatch(/\/sites\/phoenix\/_layouts\/15\/Doc\.aspx\?sourcedoc=%7B[0-9A-F-]{36}%7D/);
    const viaDoc = await item('bob', charter.webUrl);
    expect(viaDoc.body).toMatchObject({ id: charter.id, name: 'Project charter.docx' });
    const salaries = (await item('alice', BOB_LINK)).body;
    expect((await item('carol', salaries.webUrl)).status).toBe(404);
    expect((await item('gina', salaries.webUrl)).status).toBe(403);
    // The id must belong to the web the link names.
    const elsewhere = charter.webUrl.replace('/sites/phoenix/', '/sites/partners/');
    expect((await item('alice', elsewhere)).status).toBe(404);
  });
});

describe('GET /shares/{id}', () => {
  it('describes the shared item, with the driveItem on $expand', async () => {
    const id = enc(ORG_LINK);
    const r = await get('bob', `/shares/${id}`, PEEK);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, name: 'Vendor contract.pdf', webUrl: ORG_LINK, owner: { user: { displayName: 'Alice Adams' } } });
    expect(r.body.driveItem).toBeUndefined();
    const expanded = await get('bob', `/shares/${id}?$expand=driveItem`, PEEK);
    expect(expanded.body.driveItem).toMatchObject({ name: 'Vendor contract.pdf', file: {} });
    expect((await get('carol', `/shares/${enc(BOB_LINK)}`, PEEK)).status).toBe(403);
  });
});

describe('malformed share ids', () => {
  it('are 400 invalidRequest', async () => {
    const padded = 'u!' + Buffer.from('https://contoso.sharepoint.com/x').toString('base64'); // ends with '='
    expect(padded.endsWith('=')).toBe(true);
    const bad = [
      'not-a-share-id',
      'u!',
      'u!a',
      'u!ab+c',
      padded,
      enc('not a url'),
      enc('http://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Project%20charter.docx'),
      's!c29tZXRoaW5n',
    ];
    for (const id of bad) {
      const r = await get('alice', `/shares/${encodeURIComponent(id)}/driveItem`);
      expect(r.status, id).toBe(400);
      expect(r.body.error.code, id).toBe('invalidRequest');
    }
  });

  it('a host that is no tenant\'s is 400; a Fabrikam token on Contoso\'s link is 401', async () => {
    const r = await item('alice', 'https://evil.example/:b:/s/phoenix/EVc0ntrAct0rgL1nkPhx9QBm2dK7wYzN4eR1tUoJ5sGhAw');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalidRequest');
    const home = await signIn(run, 'gina@fabrikam.com', { tenant: 'common' });
    const res = await graphFetch(run, home.access_token, `/shares/${enc(ORG_LINK)}/driveItem`);
    expect(res.status).toBe(401);
  });
});

describe('the core resolves through the emulator', () => {
  const callAs = (who: string): GraphCall => async (req) => {
    const res = await graphFetch(run, tokens[who]?.access_token ?? '', req.path, { method: req.method, ...(req.headers ? { headers: req.headers } : {}) });
    if (res.ok) return { ok: true, value: await res.json() };
    // Read as the browser's sender reads it (after its one refresh), into the one vocabulary.
    const d = decideOnFailure({ kind: 'http', status: res.status }, { refreshed: true, attempt: 99 });
    return d.action === 'fail' ? { ok: false, error: d.error } : { ok: false, error: { code: 'MS_UNAVAILABLE', message: `unexpected ${d.action}` } };
  };
  const policy = { allowedHosts: [] as string[] };
  const resolve = async (who: string, url: string) => {
    const location = parseSharePointUrl(url, policy);
    if (!location.ok) throw new Error(location.error.message);
    return resolveDocument(location.value, callAs(who), policy);
  };

  it('a sharing link and a Doc.aspx link become the Document macro\'s config', async () => {
    const viaLink = await resolve('bob', ORG_LINK);
    // The config is what the page stores: ids only; the name is for the editor's eyes (`item`).
    expect(viaLink.ok && viaLink.value.config).toMatchObject({ siteId: expect.stringMatching(/^contoso\.sharepoint\.com,/) });
    expect(JSON.stringify(viaLink.ok && viaLink.value.config)).not.toContain('Vendor');
    expect(viaLink.ok && viaLink.value.item).toMatchObject({ name: 'Vendor contract.pdf' });
    // The link is kept (as its share id, without the query) so that viewers like Bob can redeem it; a path is not.
    expect(viaLink.ok && viaLink.value.config.shareId).toBe(encodeSharingUrl(ORG_LINK));
    const viaPath = await resolve('alice', VENDOR_PATH);
    expect(viaPath.ok && viaPath.value.config.shareId).toBeUndefined();
    expect(viaPath.ok && { ...viaPath.value.config, shareId: encodeSharingUrl(ORG_LINK) }).toEqual(viaLink.ok && viaLink.value.config);

    const charter = (await item('alice', 'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Project%20charter.docx')).body;
    const viaDoc = await resolve('bob', charter.webUrl);
    expect(viaDoc.ok && viaDoc.value.config).toMatchObject({ itemId: charter.id });
    expect(viaDoc.ok && viaDoc.value.item).toMatchObject({ name: 'Project charter.docx' });

    const refused = await resolve('gina', ORG_LINK);
    expect(refused.ok ? undefined : refused.error.code).toBe('FORBIDDEN');
    const carol = await resolve('carol', BOB_LINK);
    expect(carol.ok ? undefined : carol.error.code).toBe('FORBIDDEN');
  });
});

describe('redeeming a sharing link (`Prefer` on /shares)', () => {
  const driveItemPath = (f: Json, rest = '') => `/drives/${f.parentReference.driveId}/items/${f.id}${rest}`;
  const post = async (who: string, path: string) => {
    const res = await graphFetch(run, tokens[who]?.access_token ?? '', path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('without a `Prefer` value a link holder who never redeemed the link is refused; its own readers are not', async () => {
    const carol = await item('carol', ORG_LINK, '', {});
    expect(carol.status).toBe(403);
    expect(carol.body.error).toMatchObject({ code: 'accessDenied', message: LINK_REFUSED });
    expect((await item('alice', ORG_LINK, '', {})).status).toBe(200);
  });

  it('`redeemSharingLink` grants the caller durable access: then the file reads by id, previews and shows thumbnails', async () => {
    const { body: f } = await item('alice', BOB_LINK);
    // Before: trimmed by id and by path, and the link only looked at grants nothing.
    expect((await get('bob', driveItemPath(f))).status).toBe(404);
    expect((await item('bob', BOB_LINK)).status).toBe(200);
    expect((await get('bob', driveItemPath(f))).status).toBe(404);
    expect((await post('bob', driveItemPath(f, '/preview'))).status).toBe(404);

    const redeemed = await item('bob', BOB_LINK, '?$select=id,name,parentReference', REDEEM);
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toMatchObject({ id: f.id, name: 'Salaries 2025.xlsx', parentReference: { driveId: f.parentReference.driveId } });

    const byId = await get('bob', driveItemPath(f, '?$expand=thumbnails'));
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ name: 'Salaries 2025.xlsx' });
    expect(byId.body.thumbnails[0].medium.url).toContain('/mediap/transform/thumbnail');
    expect((await post('bob', driveItemPath(f, '/preview'))).body.getUrl).toContain('/_layouts/15/embed.aspx');
    expect((await get('bob', driveItemPath(f, '/thumbnails'))).status).toBe(200);
    // The link now answers Bob without a `Prefer`, as it does the file's own readers.
    expect((await item('bob', BOB_LINK, '', {})).status).toBe(200);
  });

  it('grants only the caller, only that file: the folder above stays closed, and others stay trimmed', async () => {
    const { body: f } = await item('alice', BOB_LINK);
    await item('bob', BOB_LINK, '', REDEEM);
    // The HR folder is still Alice's only: Bob neither lists it nor sees it in the library's root.
    const hr = await get('bob', `/drives/${f.parentReference.driveId}/root:/HR:`);
    expect(hr.status).toBe(404);
    const root = await get('bob', `/drives/${f.parentReference.driveId}/root/children?$select=name`);
    expect(root.body.value.map((c: Json) => c.name)).not.toContain('HR');
    // Carol, whom the link does not admit, can neither redeem it nor read the file by id.
    const carol = await item('carol', BOB_LINK, '', REDEEM);
    expect(carol.status).toBe(403);
    expect(carol.body.error).toMatchObject({ code: 'accessDenied', message: LINK_REFUSED });
    expect((await get('carol', driveItemPath(f))).status).toBe(404);
  });

  it('an "organization" link redeemed by Carol opens the file to Carol alone, not to Bob who only peeked', async () => {
    const { body: f } = await item('alice', ORG_LINK);
    expect((await item('bob', ORG_LINK)).status).toBe(200);
    expect((await item('carol', ORG_LINK, '', REDEEM)).status).toBe(200);
    expect((await get('carol', driveItemPath(f))).status).toBe(200);
    expect((await get('bob', driveItemPath(f))).status).toBe(404);
    // A guest is refused the redemption and stays out of the site (403, not a file-level 404).
    expect((await item('gina', ORG_LINK, '', REDEEM)).status).toBe(403);
    expect((await get('gina', driveItemPath(f))).status).toBe(403);
  });

  it('the emulator\'s reset forgets redemptions', async () => {
    const { body: f } = await item('alice', ORG_LINK);
    await item('carol', ORG_LINK, '', REDEEM);
    expect((await get('carol', driveItemPath(f))).status).toBe(200);
    run.emu.reset();
    run.emu.grantConsent({ tenant: CONTOSO_TENANT, clientId: CLIENT_ID, scopes: TEST_APP_GRAPH_SCOPES });
    tokens['carol'] = await signIn(run, 'carol@contoso.com');
    tokens['alice'] = await signIn(run, 'alice@contoso.com');
    expect((await get('carol', driveItemPath(f))).status).toBe(404);
  });
});

describe('a redeemed link where the site is closed to the caller (SharePoint\'s Limited Access)', () => {
  // Carol is no member of the Partner portal (403 there); this run adds an organization link to one of its files.
  const PARTNER_LINK = 'https://contoso.sharepoint.com/:x:/s/partners/EPartn3rSc0reCardOrgL1nkXk3mQp8ZrT2vWyA6cD9fGhJ';
  let other: Running;
  const as: Record<string, Tokens> = {};
  beforeAll(async () => {
    other = await startEmulator({
      fixture: (fx) => ({
        ...fx,
        sharingLinks: [...(fx.sharingLinks ?? []), { url: PARTNER_LINK, site: 'partners', list: 'Shared Documents', path: 'Partner scorecard.xlsx', scope: 'organization', type: 'view' }],
      }),
    });
    for (const who of ['alice', 'carol']) as[who] = await signIn(other, `${who}@contoso.com`);
  });
  afterAll(async () => { await other?.close(); });
  const call = async (who: string, path: string, headers: Record<string, string> = {}) => {
    const res = await graphFetch(other, as[who]?.access_token ?? '', path, { headers });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('opens that one file by id, and nothing else of the site or library', async () => {
    const f = (await call('alice', `/shares/${enc(PARTNER_LINK)}/driveItem`, PEEK)).body;
    const drive = `/drives/${f.parentReference.driveId}`;
    expect((await call('carol', `${drive}/items/${f.id}`)).status).toBe(403);
    expect((await call('carol', `/shares/${enc(PARTNER_LINK)}/driveItem`, REDEEM)).body).toMatchObject({ id: f.id, name: 'Partner scorecard.xlsx' });
    expect((await call('carol', `${drive}/items/${f.id}`)).body).toMatchObject({ id: f.id, name: 'Partner scorecard.xlsx' });
    // The library, its other files and the site stay closed to her.
    expect((await call('carol', `${drive}/root/children`)).status).toBe(403);
    expect((await call('carol', drive)).status).toBe(403);
    expect((await call('carol', `${drive}/items/root`)).status).toBe(403);
    // Another library's file on the same site (Alice reads it) stays closed too.
    const guide = (await call('alice', `/shares/${enc('https://contoso.sharepoint.com/sites/partners/SharedWithPartners/Onboarding%20guide.pdf')}/driveItem`, PEEK)).body;
    expect(guide.name).toBe('Onboarding guide.pdf');
    expect((await call('carol', `/drives/${guide.parentReference.driveId}/items/${guide.id}`)).status).toBe(403);
    expect((await call('carol', `/sites/${f.parentReference.siteId}`)).status).toBe(403);
  });
});
