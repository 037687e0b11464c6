import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/core/result';
import type { GraphRequest } from '../../../src/core/sharepoint/odata';
import { resolveSite } from '../../../src/core/sharepoint/site-resolve';
import { decideOnFailure } from '../../../src/core/sharepoint/states';
import { parseSharePointUrl } from '../../../src/core/sharepoint/url';
import { SITE_ID } from './fixtures';

// Site resolution, once for both editors: the readings of a pasted address, deepest web first.

/** Graph by path prefix: a site's webUrl, or an HTTP status read as the browser's sender reads it. */
function graph(routes: Record<string, string | number>) {
  const asked: string[] = [];
  const call = async (req: GraphRequest): Promise<Result<unknown>> => {
    asked.push(req.path);
    const hit = Object.entries(routes).find(([p]) => req.path.startsWith(p))?.[1] ?? 404;
    if (typeof hit === 'string') return { ok: true, value: { id: SITE_ID, webUrl: hit, displayName: 'X' } };
    const d = decideOnFailure({ kind: 'http', status: hit }, { refreshed: true });
    return d.action === 'fail' ? { ok: false, error: d.error } : { ok: false, error: { code: 'INTERNAL', message: d.action } };
  };
  return { call, asked };
}
const at = (url: string) => {
  const r = parseSharePointUrl(url, { allowedHosts: [] });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const DEEP = 'https://contoso.sharepoint.com/sites/x/sub/Docs/Reports';

describe('resolveSite', () => {
  it('tries the deepest web first; a 404 means the next reading', async () => {
    const g = graph({ '/sites/contoso.sharepoint.com:/sites/x:': 'https://contoso.sharepoint.com/sites/x' });
    const r = await resolveSite(at(DEEP), g.call);
    expect(r.ok && r.value.candidate).toMatchObject({ sitePath: '/sites/x', kind: 'folder', folderPath: 'Docs/Reports' });
    expect(g.asked.map((p) => p.split('?')[0])).toEqual([
      '/sites/contoso.sharepoint.com:/sites/x/sub/Docs/Reports:',
      '/sites/contoso.sharepoint.com:/sites/x/sub/Docs:',
      '/sites/contoso.sharepoint.com:/sites/x/sub:',
      '/sites/contoso.sharepoint.com:/sites/x:',
    ]);
  });

  it('skips a reading Graph answers with an enclosing web', async () => {
    const g = graph({ '/sites/contoso.sharepoint.com:/sites/x': 'https://contoso.sharepoint.com/sites/x' });
    const r = await resolveSite(at(DEEP), g.call);
    expect(r.ok && r.value.candidate.sitePath).toBe('/sites/x');
    expect(g.asked).toHaveLength(4);
  });

  it('stops at the first refusal that is not a 404, in the one vocabulary', async () => {
    const g = graph({ '/sites/contoso.sharepoint.com:/sites/x/sub/Docs/Reports:': 403 });
    expect(await resolveSite(at(DEEP), g.call)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'accessDenied' } });
    expect(g.asked).toHaveLength(1);
  });

  it('no reading leads anywhere: NOT_FOUND, saying what to check', async () => {
    const r = await resolveSite(at(DEEP), graph({}).call);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'no_site', message: expect.stringContaining('No SharePoint site you can open') } });
  });

  it('a sharing link names no site: refused before asking Graph', async () => {
    const g = graph({});
    const r = await resolveSite(at('https://contoso.sharepoint.com/:x:/s/x/EaBcDeFgHiJkLmN'), g.call);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', reason: 'sharing_link' } });
    expect(g.asked).toEqual([]);
  });
});
