import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localVariables } from '../../dev/host/local-app';
import { startTestHost, type TestHost } from '../support/host';

const CONTOSO = '6e1b4f3c-2d7a-4c5e-9b8f-0a1c2d3e4f50';

/** The CSP a Custom UI page of the app gets, as directive → sources. */
async function cspOf(host: TestHost, resource: string): Promise<Record<string, string[]>> {
  const res = await fetch(`${host.cdnOrigin}/__cdn/${resource}/index.html`);
  expect(res.status).toBe(200);
  const csp = res.headers.get('content-security-policy') ?? '';
  return Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...sources]) => [name, sources]));
}

/**
 * Each Microsoft host the manifest names is served from its own origin, one to one, and each origin serves
 * only its host's routes: a call to the wrong host fails here as it does deployed (dev/host/README.md,
 * "One origin per Microsoft host"). Before, login, Graph and SharePoint shared the product origin.
 */
describe('local host: one origin per Microsoft host', () => {
  let host: TestHost;
  let sp: string;
  beforeAll(async () => {
    host = await startTestHost();
    sp = host.microsoftOrigins.sharePoint['contoso.sharepoint.com'] ?? '';
  });
  afterAll(() => host?.stop());

  it('gives sign-in, Graph, the thumbnail service and each SharePoint host an origin of its own', () => {
    const { login, graph, media } = host.microsoftOrigins;
    const all = [host.origin, host.cdnOrigin, login, graph, media, sp];
    expect(new Set(all).size).toBe(all.length);
    expect(host.microsoftOrigins.served.map((h) => h.production).sort()).toEqual([
      'https://contoso.sharepoint.com', 'https://graph.microsoft.com', 'https://login.microsoftonline.com', 'https://northeurope1-mediap.svc.ms',
    ]);
  });

  it('serves each host’s routes on its own origin only', async () => {
    const { login, graph, media } = host.microsoftOrigins;
    const status = async (url: string) => (await fetch(url)).status;
    expect(await status(`${graph}/graph/v1.0/me`)).toBe(401);
    for (const wrong of [host.origin, login, media]) expect(await status(`${wrong}/graph/v1.0/me`)).toBe(404);
    // SharePoint's origin answers any page address with its signed-out page (naming nothing), never with Graph.
    const onSp = await fetch(`${sp}/graph/v1.0/me`);
    expect(onSp.status).not.toBe(401);
    expect(onSp.headers.get('content-type') ?? '').not.toContain('json');
    const discovery = `/login/${CONTOSO}/v2.0/.well-known/openid-configuration`;
    const meta = await fetch(`${login}${discovery}`);
    expect(meta.status).toBe(200);
    expect(((await meta.json()) as { token_endpoint: string }).token_endpoint).toBe(`${login}/login/${CONTOSO}/oauth2/v2.0/token`);
    for (const wrong of [host.origin, graph, media]) expect(await status(`${wrong}${discovery}`)).toBe(404);
    const discoveryOnSp = await fetch(`${sp}${discovery}`);
    expect(discoveryOnSp.headers.get('content-type') ?? '').not.toContain('json');
    // SharePoint's pages live at its host's root, not under the product site or Graph.
    expect(await status(`${sp}/_layouts/15/embed.aspx?UniqueId=x&e=1&sig=x`)).toBe(403);
    expect(await status(`${host.origin}/sharepoint/contoso.sharepoint.com/_layouts/15/embed.aspx?UniqueId=x&e=1&sig=x`)).toBe(404);
    expect(await status(`${graph}/sharepoint/contoso.sharepoint.com/_layouts/15/embed.aspx?UniqueId=x&e=1&sig=x`)).toBe(404);
  });

  it('tells the app where each host is through its Forge variables, never the product origin', () => {
    const { login, graph, media } = host.microsoftOrigins;
    const vars = localVariables(host.microsoftOrigins, { tenants: [{ id: CONTOSO }] });
    expect(vars.MS_GRAPH_BASE_URL).toBe(`${graph}/graph/v1.0`);
    expect(vars.MS_LOGIN_BASE_URL).toBe(`${login}/login`);
    expect(JSON.parse(vars.MS_ORIGIN_ALIASES ?? '{}')).toEqual({
      [login]: 'https://login.microsoftonline.com', [graph]: 'https://graph.microsoft.com',
      [media]: 'https://northeurope1-mediap.svc.ms', [sp]: 'https://contoso.sharepoint.com',
    });
  });

  it('lets a Custom UI page connect to Graph only, frame SharePoint only, and show images from SharePoint and the thumbnail service', async () => {
    const { login, graph, media } = host.microsoftOrigins;
    const csp = await cspOf(host, 'sp-document');
    expect(csp['connect-src']).toContain(graph);
    for (const wrong of [sp, login, media, host.origin]) expect(csp['connect-src']).not.toContain(wrong);
    expect(csp['frame-src']).toContain(sp);
    for (const wrong of [graph, login, media]) expect(csp['frame-src']).not.toContain(wrong);
    expect(csp['img-src']).toEqual(expect.arrayContaining([sp, media]));
    for (const wrong of [graph, login]) expect(csp['img-src']).not.toContain(wrong);
  });
});
