import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughApp } from '../support/connect';
import { startTestHost, type TestHost } from '../support/host';
import { demoSite, type Caller } from '../support/atlassian';

/**
 * Confluence page read restrictions (products/README.md, "Page restrictions"). Page 65603 sits in the public
 * space PUBSPACE — open to anyone, anonymous visitors too — but its read restriction lists only Carol and the
 * group site-admins (Alice). Confluence answers everyone else as for a missing page, and the app, asking
 * Confluence as the viewer, must then show nothing shared there — not even a Public share.
 */
const RESTRICTED = '65603';
const OPEN = '65602'; // same space, no restriction
const MACRO = 'm365-item';

type Json = any;

describe('Confluence page restrictions', () => {
  it('GET /wiki/api/v2/pages/{id} answers the restricted page only to whom its read restriction lists, else the missing page’s 404', async () => {
    const s = demoSite();
    const page = (who: Caller, id = RESTRICTED) => s.confluence(who, `/wiki/api/v2/pages/${id}`);
    expect((await page('carol')).body).toMatchObject({ id: RESTRICTED, title: 'Phoenix budget — leads only', spaceId: '98306', status: 'current' });
    // Alice is not listed by name: the group site-admins lets her in.
    expect((await page('alice')).status).toBe(200);
    const missing = await page('bob', '99999');
    expect(missing.status).toBe(404);
    // Bob and Gina may view the space, anonymous visitors too; the app's own user is not listed either
    // (Confluence applies restrictions to the app user like any user).
    for (const who of ['bob', 'gina', 'anonymous', 'app'] as const) {
      const r = await page(who);
      expect(r.status, who).toBe(404);
      expect(r.body, who).toEqual(missing.body);
    }
    // The rest of the space is unchanged for them.
    for (const who of ['bob', 'gina', 'anonymous', 'app'] as const) expect((await page(who, OPEN)).status, who).toBe(200);
  });

  describe('through the host and the app', () => {
    let host: TestHost;
    let publicShare = '';
    const as = (user: string) => ({ call: async (fn: string, payload: unknown = {}): Promise<Json> => (await host.asUser(user).invoke(MACRO, fn, payload)).value });

    beforeAll(async () => {
      host = await startTestHost();
      await connectThroughApp(host, MACRO, 'alice', 'alice@contoso.com', 'share.mail');
      // Public shares are off by default: Alice, a Confluence admin, allows them.
      expect((await host.asUser('alice').invoke('m365-confluence-admin', 'admin/settings/save', { sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] } })).value).toMatchObject({ ok: true });
      const box = ((await (await fetch(`${host.origin}/__emulator/mail?user=alice`)).json()) as Json).messages as Array<{ key: string; immutableId: string }>;
      const created = await as('alice').call('sharing/create', { pageId: RESTRICTED, kind: 'mail', messageId: box.find((m) => m.key === 'a1')?.immutableId, scope: 'public' });
      expect(created).toMatchObject({ ok: true });
      publicShare = created.value.shareId;
    }, 120_000);
    afterAll(() => host?.stop());

    it('shows a Public share on the restricted page to Carol, who is listed', async () => {
      const seen = await as('carol').call('sharing/pageItem', { pageId: RESTRICTED, shareId: publicShare });
      expect(seen).toMatchObject({ ok: true, value: { page: { id: RESTRICTED, spaceId: '98306' }, item: { kind: 'mail', scope: 'public', mine: false, sharer: { name: 'Alice Adams' } } } });
      expect(seen.value.item.messages[0].subject).toBe('Phoenix kickoff agenda');
    });

    it('refuses it to Bob, logged in and able to view the space but not listed, as if the page did not exist', async () => {
      const refused = await as('bob').call('sharing/pageItem', { pageId: RESTRICTED, shareId: publicShare });
      expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_hidden' } });
      const missing = await as('bob').call('sharing/pageItem', { pageId: '99999', shareId: publicShare });
      expect(refused.error).toEqual(missing.error);
      expect(JSON.stringify(refused)).not.toMatch(/Phoenix|kickoff|Alice/i);
      // Nor may he put anything there.
      const box = ((await (await fetch(`${host.origin}/__emulator/mail?user=alice`)).json()) as Json).messages as Array<{ immutableId: string }>;
      expect(await as('bob').call('sharing/create', { pageId: RESTRICTED, kind: 'mail', messageId: box[0]?.immutableId, scope: 'atlassian' })).toMatchObject({ ok: false });
    });

    it('refuses it to an anonymous visitor although the share is Public and the space admits anonymous visitors', async () => {
      const anonymous = await as('anonymous').call('sharing/pageItem', { pageId: RESTRICTED, shareId: publicShare });
      expect(anonymous).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_hidden' } });
      expect(JSON.stringify(anonymous)).not.toMatch(/Phoenix|kickoff|Alice/i);
      // Without a session cookie at all: the same anonymous visitor.
      const noCookie = await fetch(`${host.origin}/__host/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ moduleKey: MACRO, functionKey: 'sharing/pageItem', payload: { pageId: RESTRICTED, shareId: publicShare }, extension: {} }) });
      expect(((await noCookie.json()) as Json).value).toEqual(anonymous);
    });

    it('renders the page, lists it and lets it be edited only for whom the restriction lists', async () => {
      const status = async (user: string) => (await fetch(`${host.origin}/wiki/spaces/PUBSPACE/pages/${RESTRICTED}?as=${user}`)).status;
      expect(await status('carol')).toBe(200);
      expect(await status('alice')).toBe(200);
      expect(await status('bob')).toBe(404);
      expect(await status('anonymous')).toBe(404);
      const index = async (user: string) => (await fetch(`${host.origin}/?as=${user}`)).text();
      expect(await index('carol')).toContain(`/wiki/spaces/PUBSPACE/pages/${RESTRICTED}`);
      for (const user of ['bob', 'anonymous']) {
        const text = await index(user);
        expect(text, user).toContain(`/wiki/spaces/PUBSPACE/pages/${OPEN}`);
        expect(text, user).not.toContain(`/pages/${RESTRICTED}`);
      }
      const place = (user: string) =>
        fetch(`${host.origin}/__host/pages/${RESTRICTED}/macros`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `forge_local_as=${user}` }, body: JSON.stringify({ moduleKey: MACRO, localId: `m-${user}`, config: {} }) });
      expect((await place('bob')).status).toBe(404);
      expect((await place('carol')).status).toBe(200);
    });
  });
});
