import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';

/**
 * Jira and Confluence show an issue or page to an anonymous visitor only when its project grants Browse Projects
 * to the public, or its space grants anonymous users view; anyone else gets the product's refusal and the app
 * renders nowhere on it (dev/host/README.md, "Product pages for anonymous visitors"). The probe app's public
 * panel and macro declare `unlicensedAccess: [anonymous]`, so a frame on a refused page would be the host's fault.
 */
describe('local Forge host: product pages an anonymous visitor may not view', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app') });
    // A macro open to anonymous users on the closed page 65601 and on the public page 65602.
    for (const id of ['65601', '65602']) {
      const placed = await fetch(`${host.origin}/__host/pages/${id}/macros`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'forge_local_as=alice' }, body: JSON.stringify({ moduleKey: 'probe-public-macro', localId: `public-${id}`, config: {} }) });
      expect(placed.status).toBe(200);
    }
  });
  afterAll(() => host?.stop());

  const frames = (html: string) => [...html.matchAll(/data-forge-extension="([^"]*)"/g)].map((m) => JSON.parse((m[1] ?? '').replaceAll('&quot;', '"')).moduleKey as string);
  const open = async (path: string, as?: string) => {
    const r = await fetch(`${host.origin}${path}${as ? `?as=${as}` : ''}`);
    return { status: r.status, html: await r.text() };
  };
  const BANNER = 'aria-label="Not logged in"';

  it('refuses DEMO-1 to an anonymous visitor: 404, "Issue does not exist", the log-in banner, no app frame', async () => {
    for (const as of ['anonymous', undefined]) {
      const page = await open('/browse/DEMO-1', as);
      expect(page.status, String(as)).toBe(404);
      expect(page.html).toContain('<h1>Issue does not exist</h1>');
      expect(page.html).toContain(BANNER);
      expect(page.html).toContain('href="?as=alice"');
      expect(frames(page.html)).toEqual([]);
      expect(page.html).not.toContain('Customer reports invoice PDF is blank');
    }
    // The same answer as for an issue that does not exist: the refusal does not tell which.
    expect((await open('/browse/DEMO-1', 'anonymous')).html).toBe((await open('/browse/NOPE-1', 'anonymous')).html);
  });

  it('refuses page 65601 to an anonymous visitor: 404, "Page not found", the log-in banner, no macro or byline frame', async () => {
    for (const as of ['anonymous', undefined]) {
      const page = await open('/wiki/spaces/DEMO/pages/65601', as);
      expect(page.status, String(as)).toBe(404);
      expect(page.html).toContain('<h1>Page not found</h1>');
      expect(page.html).toContain(BANNER);
      expect(frames(page.html)).toEqual([]);
      expect(page.html).not.toContain('Phoenix team hub');
    }
    expect((await open('/wiki/spaces/DEMO/pages/65601', 'anonymous')).html).toBe((await open('/wiki/spaces/DEMO/pages/99999', 'anonymous')).html);
  });

  it('still shows the public issue PUB-1 and the public page 65602 to an anonymous visitor, with the modules open to them', async () => {
    const issue = await open('/browse/PUB-1', 'anonymous');
    expect(issue.status).toBe(200);
    expect(frames(issue.html)).toEqual(['probe-public-panel']);
    const page = await open('/wiki/spaces/PUBSPACE/pages/65602', 'anonymous');
    expect(page.status).toBe(200);
    expect(frames(page.html)).toEqual(['probe-public-macro']);
  });

  it('refuses a logged-in user the same way, without the log-in banner, where they may not view', async () => {
    // DEMO-3 has the Management security level (alice, carol); 65603's read restriction lists carol and site-admins.
    for (const [path, title] of [['/browse/DEMO-3', 'Issue does not exist'], ['/wiki/spaces/PUBSPACE/pages/65603', 'Page not found']] as const) {
      const bob = await open(path, 'bob');
      expect(bob.status, path).toBe(404);
      expect(bob.html).toContain(`<h1>${title}</h1>`);
      expect(bob.html).not.toContain(BANNER);
      expect(frames(bob.html)).toEqual([]);
      expect((await open(path, 'carol')).status, path).toBe(200);
    }
  });
});
