import { describe, expect, it } from 'vitest';
import { parseDocumentMacroConfig } from '../../../src/core/sharepoint/config';
import { afterItemFailure, readRedeemed, redeemRequest } from '../../../src/core/sharepoint/document-access';
import { resolveDocument } from '../../../src/core/sharepoint/document-resolve';
import type { GraphRequest } from '../../../src/core/sharepoint/odata';
import { decideOnFailure, viewerState } from '../../../src/core/sharepoint/states';
import { parseSharePointUrl } from '../../../src/core/sharepoint/url';
import { decodeShareId, documentShareId, encodeSharingUrl } from '../../../src/core/sharepoint/url-sharing';
import { DRIVE_ID, ITEM_ID, SITE_ID, documentConfig } from './fixtures';

const policy = { allowedHosts: [] };
const LINK = 'https://contoso.sharepoint.com/:x:/s/phoenix/ESa1ar1esB0bOnlyXk3mQp8ZrT2vWyA6cD9fGhJ1kLnNqQ';
const SHARE_ID = encodeSharingUrl(LINK);
/** What the viewer's sender hands over for a Graph status (after its one token refresh). */
const failure = (status: number, code?: string) => {
  const d = decideOnFailure({ kind: 'http', status, ...(code !== undefined ? { code } : {}) }, { refreshed: true, attempt: 9 });
  if (d.action !== 'fail') throw new Error(d.action);
  return d.error;
};

describe('the share id a Document macro keeps', () => {
  it('is the sharing link without its query, as Graph encodes it, and decodes back', () => {
    expect(documentShareId(`${LINK}?e=4bC1dE`)).toBe(SHARE_ID);
    expect(decodeShareId(SHARE_ID)).toBe(LINK);
    // Nothing of the file's folder or name: only host, site path and the link's token.
    expect(decodeShareId(SHARE_ID)).not.toMatch(/Salaries|HR|Shared/);
  });

  it('is never made for `/r/` links (they spell the path), folders, lists or plain addresses', () => {
    expect(documentShareId('https://contoso.sharepoint.com/:x:/r/sites/phoenix/Shared%20Documents/HR/Salaries%202025.xlsx')).toBeUndefined();
    expect(documentShareId('https://contoso.sharepoint.com/:f:/s/phoenix/EFo1derL1nkXXXXXXXXXXXXXXXXXXXXXXXX')).toBeUndefined();
    expect(documentShareId('https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/a.docx')).toBeUndefined();
    expect(documentShareId('http://contoso.sharepoint.com/:x:/s/phoenix/ESa1ar1esB0bOnlyXk3mQp8ZrT2vWyA6cD9fGhJ1kLnNqQ')).toBeUndefined();
  });

  it('is accepted in the stored settings only as such a link on the site’s own host', () => {
    expect(parseDocumentMacroConfig(documentConfig({ shareId: SHARE_ID }), policy)).toEqual({ ok: true, value: documentConfig({ shareId: SHARE_ID }) });
    const refused = [
      encodeSharingUrl('https://fabrikam.sharepoint.com/:x:/s/phoenix/ESa1ar1esB0bOnlyXk3mQp8ZrT2vWyA6cD9fGhJ1kLnNqQ'),
      encodeSharingUrl(`${LINK}?e=x`),
      encodeSharingUrl('https://contoso.sharepoint.com/:x:/r/sites/phoenix/Shared%20Documents/HR/Salaries%202025.xlsx'),
      encodeSharingUrl('https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/a.docx'),
      SHARE_ID + '=',
      'u!' + 'A'.repeat(700),
      LINK,
      42,
    ];
    for (const shareId of refused) {
      const r = parseDocumentMacroConfig({ ...documentConfig(), shareId }, policy);
      expect(r.ok ? 'accepted' : r.error.message, String(shareId)).toContain('shareId');
    }
  });
});

describe('afterItemFailure: what the viewer does when the read by id fails', () => {
  const withLink = documentConfig({ shareId: SHARE_ID });

  it('redeems the kept link after a 404 or a 403 — with `Prefer: redeemSharingLink`, asking what the card needs', () => {
    for (const status of [404, 403]) {
      const d = afterItemFailure(failure(status), withLink);
      expect(d.action, String(status)).toBe('redeem');
      if (d.action !== 'redeem') continue;
      expect(d.request.method).toBe('GET');
      expect(d.request.path.startsWith(`/shares/${SHARE_ID}/driveItem?$select=id,name,`)).toBe(true);
      expect(d.request.path).toContain('$expand=thumbnails');
      expect(d.request.headers).toEqual({ Prefer: 'redeemSharingLink' });
    }
    expect(redeemRequest(SHARE_ID).headers).toEqual({ Prefer: 'redeemSharingLink' });
  });

  it('without a kept link, or for any other failure, shows the failure as it is', () => {
    expect(afterItemFailure(failure(404), documentConfig())).toEqual({ action: 'fail', error: failure(404) });
    for (const e of [failure(401), failure(403, 'insufficientScope'), failure(429), failure(500), failure(400), { code: 'FORBIDDEN' as const, message: 'x', reason: 'tenant_not_allowed' }]) {
      expect(afterItemFailure(e, withLink)).toEqual({ action: 'fail', error: e });
    }
  });
});

describe('readRedeemed', () => {
  const item = { id: ITEM_ID, name: 'Salaries 2025.xlsx', parentReference: { driveId: DRIVE_ID, siteId: SITE_ID } };
  const c = documentConfig({ shareId: SHARE_ID });

  it('accepts the configured file', () => {
    expect(readRedeemed(item, c)).toEqual({ ok: true, value: item });
  });

  it('refuses another file (ids and link stored apart): the settings are at fault, and the other file is not named', () => {
    const r = readRedeemed({ ...item, id: '01BYE5RZOTHERITEMID0000000000000000' }, c);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const state = viewerState(r.error, { kind: 'document' });
    expect(state).toMatchObject({ code: 'BAD_REQUEST', action: 'editMacro' });
    expect(state.message).not.toContain('Salaries');
    expect(readRedeemed({ ...item, parentReference: { driveId: 'b!another' } }, c).ok).toBe(false);
    expect(readRedeemed('nonsense', c).ok).toBe(false);
  });

  it('a viewer the link does not admit sees the no-access state, without the file’s name', () => {
    const state = viewerState(failure(403, 'accessDenied'), { kind: 'document' });
    expect(state).toMatchObject({ code: 'FORBIDDEN', action: 'none', message: 'You don’t have access to this document in SharePoint.' });
  });
});

describe('resolveDocument keeps a pasted sharing link', () => {
  const record = () => {
    const asked: GraphRequest[] = [];
    const body = { id: ITEM_ID, name: 'Salaries 2025.xlsx', file: {}, parentReference: { driveId: DRIVE_ID, siteId: SITE_ID } };
    return { asked, call: async (req: GraphRequest) => { asked.push(req); return { ok: true as const, value: body }; } };
  };
  const locate = (url: string) => {
    const r = parseSharePointUrl(url, policy);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it('as its share id, and only peeks at it (`redeemSharingLinkIfNecessary`): the editor is granted nothing', async () => {
    const g = record();
    const r = await resolveDocument(locate(`${LINK}?e=4bC1dE`), g.call, policy);
    expect(r.ok && r.value.config).toEqual({ version: 2, siteId: SITE_ID, driveId: DRIVE_ID, itemId: ITEM_ID, shareId: SHARE_ID });
    expect(r.ok && r.value.linkNote).toContain('keeps this sharing link');
    expect(g.asked.map((q) => q.headers)).toEqual([{ Prefer: 'redeemSharingLinkIfNecessary' }]);
  });

  it('not for an Office link (no sharing link in it)', async () => {
    const g = record();
    const r = await resolveDocument(locate('https://contoso.sharepoint.com/sites/x/_layouts/15/Doc.aspx?sourcedoc=%7B1234ABCD-1234-1234-1234-1234567890AB%7D'), g.call, policy);
    expect(r.ok && r.value.config.shareId).toBeUndefined();
    expect(r.ok && r.value.linkNote).toBeUndefined();
  });
});
