import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughApp } from '../support/connect';
import { startTestHost, type TestHost } from '../support/host';
import { clickButton } from '../emulator/support';

/**
 * My shares in Confluence ("Your shares" in the byline): each page named by its title, read as the
 * viewer at display time in one request, and nothing of it stored. A page the viewer may not view
 * (page 65603: a read restriction for Carol and the site admins) is not named to them.
 */
const ITEM = 'm365-item';
const BYLINE = 'm365-page-byline';
const BOB = '557058:b0b00000-0000-4000-8000-000000000002';
const HUB = '65601';
const BUDGET = '65603';

type Json = any;

describe('My shares in Confluence: page titles read as the viewer', () => {
  let host: TestHost;
  const as = (user: string, module = BYLINE) => ({ call: async (fn: string, payload: unknown = {}): Promise<Json> => (await host.asUser(user).invoke(module, fn, payload)).value });
  const mailbox = async (user: string): Promise<Json[]> => ((await (await fetch(`${host.origin}/__emulator/mail?user=${user}`)).json()) as Json).messages;

  beforeAll(async () => {
    host = await startTestHost();
    // Contoso needs an admin's approval for Mail.Read before Carol may grant it.
    await connectThroughApp(host, 'm365-issue-panel', 'alice', 'alice@contoso.com');
    const start = await host.asUser('alice').invoke('m365-jira-admin', 'admin/consent/start', { feature: 'share.mail' });
    const picked = await clickButton(await (await fetch(start.value.value.url as string)).text(), 'alice@contoso.com');
    const approved = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
    await fetch(approved.headers.get('location') ?? '');
    await connectThroughApp(host, ITEM, 'carol', 'carol@contoso.com', 'share.mail');
  }, 90_000);
  afterAll(() => host?.stop());

  it('names pages by title for the sharer, and not to a colleague who may not view one', async () => {
    const [m1, m2] = await mailbox('carol');
    for (const [pageId, m] of [[HUB, m1], [BUDGET, m2]] as const) {
      const r = await as('carol', ITEM).call('sharing/create', { pageId, kind: 'mail', messageId: m.immutableId, scope: 'private' });
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
    const list = await as('carol').call('myShares/list');
    expect(list.value.items.map((i: Json) => [i.place.id, i.place.label]).sort()).toEqual([[HUB, 'Project Phoenix — team hub'], [BUDGET, 'Phoenix budget — leads only']]);

    const offer = await as('carol').call('myShares/offer', { toAccountId: BOB, shareIds: list.value.items.map((i: Json) => i.shareId) });
    expect(offer.ok).toBe(true);
    const bobs = (await as('bob').call('myShares/list')).value.offersToMe[0].items as Json[];
    // Bob may view the hub, not the restricted budget page: its title is not his to read.
    expect(bobs.find((i) => i.place.id === HUB).place.label).toBe('Project Phoenix — team hub');
    expect(bobs.find((i) => i.place.id === BUDGET).place).toEqual({ product: 'confluence', id: BUDGET });

    const stored = JSON.stringify((await host.state()).storage);
    expect(stored).not.toContain('Project Phoenix — team hub');
    expect(stored).not.toContain('Phoenix budget');
  });
});
