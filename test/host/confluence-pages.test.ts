import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';
import { demoSite } from '../support/atlassian';

/** Confluence pages by space permission: the public space for everyone, the demo space for confluence-users. */
describe('Confluence emulation: pages', () => {
  it('shows the public space page to anonymous callers and hides the demo space behind the same 404 as a missing page', async () => {
    const s = demoSite();
    const pub = await s.confluence('anonymous', '/wiki/api/v2/pages/65602?body-format=storage');
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ id: '65602', title: 'Phoenix release notes', spaceId: '98306', status: 'current', body: { storage: { representation: 'storage' } } });
    const hidden = await s.confluence('anonymous', '/wiki/api/v2/pages/65601');
    const missing = await s.confluence('anonymous', '/wiki/api/v2/pages/99999');
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    expect((await s.confluence('gina', '/wiki/api/v2/pages/65601')).body).toMatchObject({ title: 'Project Phoenix — team hub', spaceId: '98305' });
    expect((await s.confluence('app', '/wiki/api/v2/pages/65601')).status).toBe(200);
    expect((await s.confluence('anonymous', '/wiki/api/v2/spaces/98306')).body).toMatchObject({ key: 'PUBSPACE', homepageId: '65602' });
    expect((await s.confluence('anonymous', '/wiki/api/v2/spaces/98305')).status).toBe(404);
  });

  describe('through the host', () => {
    let host: TestHost;
    beforeAll(async () => {
      host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/jira-probe-app') });
    });
    afterAll(() => host?.stop());

    it('answers the app the same way, and lists only what the visitor may open on the start page', async () => {
      const page = (user: string, as: 'user' | 'none', id: string) => host.asUser(user).invoke('jira-probe-panel', 'confluence', { as, path: `/wiki/api/v2/pages/${id}` }).then((r) => r.value.status);
      expect(await page('bob', 'none', '65602')).toBe(200);
      expect(await page('bob', 'none', '65601')).toBe(404);
      expect(await page('bob', 'user', '65601')).toBe(200);
      const anonymousIndex = await (await fetch(`${host.origin}/?as=anonymous`)).text();
      expect(anonymousIndex).toContain('/wiki/spaces/PUBSPACE/pages/65602');
      expect(anonymousIndex).toContain('/browse/PUB-1');
      expect(anonymousIndex).not.toContain('/browse/DEMO-1');
      expect(anonymousIndex).not.toContain('/wiki/spaces/DEMO/pages/65601');
      const bobIndex = await (await fetch(`${host.origin}/?as=bob`)).text();
      expect(bobIndex).toContain('/browse/DEMO-1');
      expect(bobIndex).not.toContain('/browse/DEMO-3');
      // Bob's issue page for the Management-level issue does not exist for him; Alice sees it.
      expect((await fetch(`${host.origin}/browse/DEMO-3?as=bob`)).status).toBe(404);
      const alice = await fetch(`${host.origin}/browse/DEMO-3?as=alice`);
      expect(alice.status).toBe(200);
      expect(await alice.text()).toContain('Management');
      expect((await fetch(`${host.origin}/wiki/spaces/PUBSPACE/pages/65602?as=anonymous`)).status).toBe(200);
    });
  });
});
