import { describe, expect, it } from 'vitest';
import { resolveDocument } from '../../../src/core/sharepoint/document-resolve';
import type { Result } from '../../../src/core/result';
import { decideOnFailure } from '../../../src/core/sharepoint/states';
import type { GraphRequest } from '../../../src/core/sharepoint/odata';
import { parseSharePointUrl } from '../../../src/core/sharepoint/url';
import { DRIVE_ID, ITEM_ID, SITE_ID } from './fixtures';

const policy = { allowedHosts: [] };

/** What Graph answers to one request: a body, or an HTTP status. */
type Answer = { ok: true; body: unknown } | { ok: false; status: number };

/**
 * A tiny Graph: answers by exact path prefix; records what was asked. Failures reach the core as the
 * browser's sender hands them over: read by `decideOnFailure` after the one refresh.
 */
function fakeGraph(routes: Record<string, Answer>) {
  const asked: string[] = [];
  const call = async (req: GraphRequest): Promise<Result<unknown>> => {
    asked.push(req.path);
    const hit = Object.entries(routes).find(([p]) => req.path.startsWith(p))?.[1] ?? { ok: false, status: 404 };
    if (hit.ok) return { ok: true, value: hit.body };
    const d = decideOnFailure({ kind: 'http', status: hit.status }, { refreshed: true });
    if (d.action !== 'fail') throw new Error(`unexpected ${d.action}`);
    return { ok: false, error: d.error };
  };
  return { call, asked };
}

const location = (url: string) => {
  const r = parseSharePointUrl(url, policy);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const fileItem = (over: Record<string, unknown> = {}) => ({
  id: ITEM_ID,
  name: 'Vendor contract.pdf',
  webUrl: 'https://contoso.sharepoint.com/sites/x/Shared%20Documents/Specs/Vendor%20contract.pdf',
  size: 1000,
  file: { mimeType: 'application/pdf' },
  parentReference: { driveId: DRIVE_ID, siteId: SITE_ID },
  ...over,
});

const SITE_PATH = '/sites/contoso.sharepoint.com:/sites/x:';
const site = { ok: true as const, body: { id: SITE_ID, webUrl: 'https://contoso.sharepoint.com/sites/x', displayName: 'X' } };
const drives = {
  ok: true as const,
  body: {
    value: [
      { id: 'b!other-drive-id-0000000000000000000000', webUrl: 'https://contoso.sharepoint.com/sites/x/Archive' },
      { id: DRIVE_ID, webUrl: 'https://contoso.sharepoint.com/sites/x/Shared%20Documents' },
    ],
  },
};

describe('resolveDocument', () => {
  it('a file address: site, then its library, then the file — and stores ids only (the name stays in SharePoint)', async () => {
    const g = fakeGraph({
      [SITE_PATH]: site,
      [`/sites/${SITE_ID}/drives`]: drives,
      [`/drives/${encodeURIComponent(DRIVE_ID)}/root:/Specs/Vendor%20contract.pdf:`]: { ok: true, body: fileItem({ secret: 'x' }) },
    });
    const r = await resolveDocument(location('https://contoso.sharepoint.com/sites/x/Shared Documents/Specs/Vendor contract.pdf'), g.call, policy);
    expect(r.ok && r.value.config).toEqual({ version: 2, siteId: SITE_ID, driveId: DRIVE_ID, itemId: ITEM_ID });
    expect(JSON.stringify(r.ok && r.value.config)).not.toMatch(/Vendor|Specs|https:/);
    expect(g.asked).toHaveLength(3);
    expect(g.asked[2]).toContain('$expand=thumbnails');
  });

  it('tries deeper site readings first and moves on after a 404', async () => {
    // `/sites/x/Docs/a.pdf` could be subsite "Docs"… no: a file needs a library below the web, so only /sites/x.
    // `/sites/x/sub/Docs/a.pdf` reads as subsite "sub" + library "Docs", or library "sub" + folder "Docs".
    const g = fakeGraph({
      [SITE_PATH]: site,
      [`/sites/${SITE_ID}/drives`]: { ok: true, body: { value: [{ id: DRIVE_ID, webUrl: 'https://contoso.sharepoint.com/sites/x/sub' }] } },
      [`/drives/${encodeURIComponent(DRIVE_ID)}/root:/Docs/a.pdf:`]: { ok: true, body: fileItem({ name: 'a.pdf', webUrl: 'https://contoso.sharepoint.com/sites/x/sub/Docs/a.pdf' }) },
    });
    const r = await resolveDocument(location('https://contoso.sharepoint.com/sites/x/sub/Docs/a.pdf'), g.call, policy);
    expect(r.ok && (r.value.item as { name?: string }).name).toBe('a.pdf');
    expect(g.asked[0]).toContain('/sites/contoso.sharepoint.com:/sites/x/sub:');
  });

  it('skips a reading when Graph answers with an enclosing web', async () => {
    const g = fakeGraph({ '/sites/contoso.sharepoint.com:/sites/x/sub:': site });
    const r = await resolveDocument(location('https://contoso.sharepoint.com/sites/x/sub/Docs/a.pdf'), g.call, policy);
    expect(r.ok).toBe(false);
    expect(g.asked.filter((p) => p.includes('/drives'))).toEqual([]);
  });

  it('sharing links and Office links go through /shares', async () => {
    const g = fakeGraph({ '/shares/u!': { ok: true, body: fileItem() } });
    const r = await resolveDocument(location('https://contoso.sharepoint.com/:b:/s/x/EaBcDeFgHiJkLmN'), g.call, policy);
    expect(r.ok && r.value.config.siteId).toBe(SITE_ID);
    const office = await resolveDocument(
      location('https://contoso.sharepoint.com/sites/x/_layouts/15/Doc.aspx?sourcedoc=%7B1234ABCD-1234-1234-1234-1234567890AB%7D&file=q3.docx'),
      g.call,
      policy,
    );
    expect(office.ok).toBe(true);
    expect(g.asked.every((p) => p.startsWith('/shares/u!') && p.includes('/driveItem?'))).toBe(true);
  });

  it('refuses sites, libraries, folders and folder links before asking Graph', async () => {
    const g = fakeGraph({});
    for (const url of [
      'https://contoso.sharepoint.com/sites/x',
      'https://contoso.sharepoint.com/sites/x/Shared Documents/Forms/AllItems.aspx',
      'https://contoso.sharepoint.com/sites/x/Lists/Tasks/AllItems.aspx',
      'https://contoso.sharepoint.com/:f:/s/x/EaBcDeFgHiJkLmN',
    ]) {
      const r = await resolveDocument(location(url), g.call, policy);
      expect(!r.ok && r.error).toMatchObject({ code: 'BAD_REQUEST', reason: 'not_a_file' });
    }
    expect(g.asked).toEqual([]);
  });

  it('a folder answered by Graph is refused too', async () => {
    const g = fakeGraph({ '/shares/': { ok: true, body: fileItem({ folder: { childCount: 2 }, file: undefined }) } });
    const r = await resolveDocument(location('https://contoso.sharepoint.com/:u:/s/x/EaBcDeFgHiJkLmN'), g.call, policy);
    expect(!r.ok && r.error).toMatchObject({ code: 'BAD_REQUEST', reason: 'not_a_file' });
  });

  it('says which step failed: no access to the site, a file the editor can’t see, an expired session', async () => {
    const denied = await resolveDocument(
      location('https://contoso.sharepoint.com/sites/x/Shared Documents/a.pdf'),
      fakeGraph({ [SITE_PATH]: { ok: false, status: 403 } }).call,
      policy,
    );
    expect(!denied.ok && denied.error).toMatchObject({ code: 'FORBIDDEN', message: 'You don’t have access to the site /sites/x in SharePoint.' });

    const hidden = await resolveDocument(
      location('https://contoso.sharepoint.com/sites/x/Shared Documents/Specs/Vendor contract.pdf'),
      fakeGraph({ [SITE_PATH]: site, [`/sites/${SITE_ID}/drives`]: drives }).call,
      policy,
    );
    expect(!hidden.ok && hidden.error).toMatchObject({ code: 'FORBIDDEN', reason: 'itemNotFound' });
    expect(!hidden.ok && hidden.error.message).toContain('“Vendor contract.pdf” in the library “Shared Documents”');

    const expired = await resolveDocument(
      location('https://contoso.sharepoint.com/:w:/s/x/EaBcDeFgHiJkLmN'),
      fakeGraph({ '/shares/': { ok: false, status: 401 } }).call,
      policy,
    );
    expect(!expired.ok && expired.error).toMatchObject({ code: 'MS_SIGN_IN_REQUIRED', reason: 'token_rejected' });
  });

  it('never stores what Graph sent if it would not pass the stored-config check (another host, odd ids)', async () => {
    // (The file's address is not stored at all, so it needs no check here; the card's links are checked when shown.)
    for (const bad of [
      fileItem({ id: '../../me' }),
      fileItem({ parentReference: { driveId: DRIVE_ID, siteId: 'evil.com,3f2504e0-4f89-11d3-9a0c-0305e82c3301,9a0c4f89-3f25-11d3-4f89-0305e82c3302' } }),
      'nope',
    ]) {
      const r = await resolveDocument(location('https://contoso.sharepoint.com/:b:/s/x/EaBcDeFgHiJkLmN'), fakeGraph({ '/shares/': { ok: true, body: bad } }).call, policy);
      expect(!r.ok && r.error).toMatchObject({ code: 'MS_UNAVAILABLE', reason: 'invalid_response' });
    }
  });
});
