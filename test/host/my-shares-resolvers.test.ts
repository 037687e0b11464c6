import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughApp } from '../support/connect';
import { startTestHost, type TestHost } from '../support/host';
import { clickButton } from '../emulator/support';

/**
 * Keeping shares under control, through the real host (Forge storage with custom entities, Jira with
 * its permissions, Graph with mailboxes, the host clock running the scheduled expiry): My shares, end
 * dates, who opened it, hand-over and a project's narrowing. Forged payloads change nothing.
 */
const ALICE = '557058:a11ce000-0000-4000-8000-000000000001';
const BOB = '557058:b0b00000-0000-4000-8000-000000000002';
const CAROL = '557058:ca401000-0000-4000-8000-000000000003';
const PANEL = 'm365-issue-panel';
const MY = 'my-shares';
const DEMO_1 = '10001';
const DEMO_2 = '10002';
const DEMO_PROJECT = '10000';
const DAY = 86_400;

type Json = any;

const connect = (host: TestHost, user: string, email: string, feature?: string): Promise<void> => connectThroughApp(host, PANEL, user, email, feature);

async function mailbox(host: TestHost, user: string): Promise<Array<{ key: string; immutableId: string; internetMessageId: string }>> {
  return ((await (await fetch(`${host.origin}/__emulator/mail?user=${user}`)).json()) as Json).messages;
}

describe('My shares, expiry, who opened it, hand-over, project rules', () => {
  let host: TestHost;
  let as: (user: string, module?: string) => { call(fn: string, payload?: unknown): Promise<Json> };
  let mail: Record<string, { immutableId: string; internetMessageId: string }>;
  const entities = async () => ((await host.state()).storage.entities as Array<{ entityName: string; key: string; value: Json }>);

  beforeAll(async () => {
    host = await startTestHost();
    as = (user, module = MY) => ({ call: async (fn, payload = {}) => (await host.asUser(user).invoke(module, fn, payload)).value });
    // Public allowed site-wide, so a project can narrow it away.
    expect(await as('alice', 'm365-jira-admin').call('admin/settings/save', { sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] } })).toMatchObject({ ok: true });
    await connect(host, 'alice', 'alice@contoso.com', 'share.mail');
    // Contoso needs an admin's approval for Mail.Read before Bob may grant it.
    const start = await host.asUser('alice').invoke('m365-jira-admin', 'admin/consent/start', { feature: 'share.mail' });
    const picked = await clickButton(await (await fetch(start.value.value.url as string)).text(), 'alice@contoso.com');
    const approved = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
    await fetch(approved.headers.get('location') ?? '');
    await connect(host, 'bob', 'bob@contoso.com', 'share.mail');
    mail = Object.fromEntries((await mailbox(host, 'alice')).map((m) => [m.key, m]));
  }, 90_000);
  afterAll(() => host?.stop());

  const share = async (issueId: string, key: string, scope = 'atlassian', kind = 'mail') => {
    const r = await as('alice', PANEL).call('sharing/create', { issueId, kind, messageId: mail[key]?.immutableId, scope });
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r.value.shareId as string;
  };

  let kickoff = '';
  let design = '';

  it('lists what Alice shared, where (the issue key, read now) and with whom; nobody else sees or changes it', async () => {
    kickoff = await share(DEMO_1, 'a1');
    design = await share(DEMO_2, 'a5', 'private');
    const list = await as('alice').call('myShares/list');
    expect(list.ok).toBe(true);
    expect(list.value.items.map((i: Json) => [i.shareId, i.kind, i.place.label, i.scope, i.ended])).toEqual([
      [design, 'mail', 'DEMO-2', 'private', false],
      [kickoff, 'mail', 'DEMO-1', 'atlassian', false],
    ]);
    expect(list.value.items[0].allowedScopes).toEqual(['private', 'atlassian', 'public']);
    // Bob has none of his own, and learns nothing of Alice's.
    expect((await as('bob').call('myShares/list')).value.items).toEqual([]);
    for (const [fn, payload] of [
      ['myShares/scope', { shareId: kickoff, scope: 'private' }],
      ['myShares/expiry', { shareId: kickoff, expiresAt: null }],
      ['myShares/remove', { shareId: kickoff }],
      ['myShares/opens', { shareId: kickoff }],
    ] as const) {
      expect(await as('bob').call(fn, payload)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'share_not_found' } });
    }
    // Forged payloads: extra fields, wrong shapes, another person's id smuggled in.
    for (const [fn, payload] of [
      ['myShares/scope', { shareId: kickoff, scope: 'everyone' }],
      ['myShares/scope', { shareId: kickoff, scope: 'private', sharerAccountId: BOB }],
      ['myShares/expiry', { shareId: kickoff, expiresAt: 'next week' }],
      ['myShares/remove', { shareId: '../x' }],
      ['myShares/removeAll', {}],
      ['myShares/removeAll', { confirm: 'yes' }],
      ['myShares/offer', { toAccountId: BOB, shareIds: [] }],
      ['myShares/offer', { toAccountId: 'bob; DROP', shareIds: [kickoff] }],
      ['myShares/accept', { offerId: 'x'.repeat(5000) }],
      ['projectSharing/save', { projectId: DEMO_PROJECT, kinds: { mail: { allowedScopes: ['private'] } }, accountId: ALICE }],
    ] as const) {
      expect(await as('bob').call(fn, payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect((await as('alice').call('myShares/list')).value.items.map((i: Json) => [i.shareId, i.scope, i.expiresAt])).toEqual([
      [design, 'private', undefined],
      [kickoff, 'atlassian', undefined],
    ]);
  });

  it('counts who opened a share, by name for the sharer only; her own views do not count', async () => {
    await as('bob', PANEL).call('sharing/panel', { issueId: DEMO_1 });
    await as('bob', PANEL).call('sharing/panel', { issueId: DEMO_1 });
    await as('carol', PANEL).call('sharing/panel', { issueId: DEMO_1 });
    await as('alice', PANEL).call('sharing/panel', { issueId: DEMO_1 });
    const opens = await as('alice').call('myShares/opens', { shareId: kickoff });
    expect(opens).toMatchObject({ ok: true, value: { total: 2, anonymous: 0 } });
    expect(opens.value.people.map((p: Json) => [p.name, p.count]).sort()).toEqual([['Bob Brown', 1], ['Carol Chen', 1]]);
    const stored = (await entities()).filter((e) => e.entityName === 'share-open');
    expect(stored).toHaveLength(2);
    for (const e of stored) expect(Object.keys(e.value).sort()).toEqual(['at', 'openId', 'shareId', 'sharerAccountId', 'viewerAccountId']);
    // Carol's export holds her open (ids and times), Bob's too.
    const carols = await as('carol', PANEL).call('account/records');
    expect(JSON.stringify(carols.value)).toContain(kickoff);
    // Deleting her data deletes what she opened; Bob's open stays with Alice's share.
    expect(await as('carol', PANEL).call('account/records/delete')).toMatchObject({ ok: true });
    expect((await entities()).filter((e) => e.entityName === 'share-open').map((e) => e.value.viewerAccountId)).toEqual([BOB]);
    expect((await as('alice').call('myShares/opens', { shareId: kickoff })).value).toMatchObject({ total: 1, people: [{ name: 'Bob Brown', count: 1 }] });
  });

  it('lets a project admin narrow Public away for the project, never widen; others may not touch the rules', async () => {
    expect(await as('bob').call('projectSharing/get', { projectId: DEMO_PROJECT })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await as('bob').call('projectSharing/save', { projectId: DEMO_PROJECT, kinds: { mail: { allowedScopes: ['private'] } } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await as('alice').call('myShares/scope', { shareId: kickoff, scope: 'public' })).toMatchObject({ ok: true, value: { scope: 'public' } });
    const saved = await as('alice').call('projectSharing/save', { projectId: DEMO_PROJECT, kinds: { mail: { allowedScopes: ['private', 'atlassian'] } } });
    expect(saved.ok).toBe(true);
    expect(saved.value.effective.mail.allowedScopes).toEqual(['private', 'atlassian']);
    expect(saved.value.effective.conversation.allowedScopes).toEqual(['private', 'atlassian', 'public']);
    // The stored Public share now shows to Atlassian users only, and Public cannot be chosen again.
    const item = (await as('alice').call('myShares/list')).value.items.find((i: Json) => i.shareId === kickoff);
    expect(item).toMatchObject({ scope: 'public', effectiveScope: 'atlassian', allowedScopes: ['private', 'atlassian'] });
    expect(await as('alice').call('myShares/scope', { shareId: kickoff, scope: 'public' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', reason: 'scope_not_allowed' } });
    // A project rule that names a scope the site does not allow adds nothing.
    await as('alice', 'm365-jira-admin').call('admin/settings/save', { sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian'] } });
    const widened = await as('alice').call('projectSharing/save', { projectId: DEMO_PROJECT, kinds: { mail: { allowedScopes: ['private', 'atlassian', 'public'] } } });
    expect(widened.value.effective.mail.allowedScopes).toEqual(['private', 'atlassian']);
    expect(await as('alice').call('myShares/scope', { shareId: kickoff, scope: 'atlassian' })).toMatchObject({ ok: true });
  });

  it('ends a share on its date: shown as ended, and the hourly run deletes its records on the host clock', async () => {
    const tomorrow = new Date(Date.parse(((await (await fetch(`${host.origin}/__emulator/clock`)).json()) as Json).now) + DAY * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(await as('alice').call('myShares/expiry', { shareId: design, expiresAt: tomorrow })).toEqual({ ok: true, value: { expiresAt: tomorrow } });
    expect(await as('alice').call('myShares/expiry', { shareId: design, expiresAt: '2000-01-01T00:00:00Z' })).toMatchObject({ ok: false, error: { reason: 'expiry_in_past' } });
    const stored = (await entities()).find((e) => e.key === `share:${design}`);
    expect(stored?.value.expiresAt).toBe(tomorrow);
    // A jump replays at most 7 of the missed hourly runs, at their own (earlier) times: the share had not ended then.
    await host.control('clock', { advanceSeconds: 2 * DAY });
    const ended = (await as('alice').call('myShares/list')).value.items.find((i: Json) => i.shareId === design);
    expect(ended).toMatchObject({ ended: true, canChangeScope: false, expiresAt: tomorrow });
    expect(await as('alice').call('myShares/scope', { shareId: design, scope: 'atlassian' })).toMatchObject({ ok: false, error: { reason: 'share_ended' } });
    // The next hourly run deletes it.
    await host.control('clock', { advanceSeconds: 3600 });
    const after = await entities();
    expect(after.map((e) => e.key)).not.toContain(`share:${design}`);
    expect(after.map((e) => e.key)).not.toContain(`link:${design}`);
    expect(after.map((e) => e.key)).toContain(`share:${kickoff}`);
    expect((await as('alice').call('myShares/list')).value.items.map((i: Json) => i.shareId)).toEqual([kickoff]);
  });

  it('hands over only what the colleague can read in their own mailbox, and lists the rest as not transferable', async () => {
    const carolsOnly = await share(DEMO_1, 'a5');
    expect(await as('alice').call('myShares/offer', { toAccountId: ALICE, shareIds: [kickoff] })).toMatchObject({ ok: false, error: { reason: 'handover_to_self' } });
    expect(await as('alice').call('myShares/offer', { toAccountId: '557058:00000000-0000-4000-8000-00000000dead', shareIds: [kickoff] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'person_not_found' } });
    expect(await as('bob').call('myShares/offer', { toAccountId: CAROL, shareIds: [kickoff] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'share_not_found' } });
    expect((await as('alice').call('myShares/people', { query: 'bo' })).value).toEqual([{ accountId: BOB, name: 'Bob Brown' }]);
    const offer = await as('alice').call('myShares/offer', { toAccountId: BOB, shareIds: [kickoff, carolsOnly] });
    expect(offer.ok).toBe(true);
    const offerId = offer.value.offerId as string;
    // Carol was not offered anything: accepting or refusing Bob's offer is as if it did not exist.
    expect(await as('carol').call('myShares/accept', { offerId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'offer_not_found' } });
    expect(await as('carol').call('myShares/refuse', { offerId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'offer_not_found' } });
    const bobsView = await as('bob').call('myShares/list');
    expect(bobsView.value.offersToMe).toHaveLength(1);
    expect(bobsView.value.offersToMe[0]).toMatchObject({ from: { name: 'Alice Adams' }, items: [{ shareId: kickoff, place: { label: 'DEMO-1' } }, { shareId: carolsOnly }] });

    const accepted = await as('bob').call('myShares/accept', { offerId });
    expect(accepted.ok).toBe(true);
    expect(accepted.value.transferred.map((t: Json) => t.shareId)).toEqual([kickoff]);
    expect(accepted.value.notTransferable).toMatchObject([{ shareId: carolsOnly, why: 'not_in_your_mailbox' }]);
    // The kickoff mail is now Bob's, read from his own mailbox (his copy in Sent Items); Carol's mail stays Alice's.
    const stored = (await entities()).find((e) => e.key === `share:${kickoff}`)?.value;
    const bobsCopy = (await mailbox(host, 'bob')).find((m) => m.internetMessageId === mail.a1?.internetMessageId);
    expect(stored).toMatchObject({ sharerAccountId: BOB, messageId: bobsCopy?.immutableId });
    expect((await entities()).find((e) => e.key === `share:${carolsOnly}`)?.value.sharerAccountId).toBe(ALICE);
    expect((await entities()).filter((e) => e.entityName === 'share-open' && e.value.shareId === kickoff)).toEqual([]);
    const carol = await as('carol', PANEL).call('sharing/panel', { issueId: DEMO_1 });
    const item = carol.value.items.find((i: Json) => i.shareId === kickoff);
    expect(item).toMatchObject({ sharer: { name: 'Bob Brown' } });
    expect(item.messages[0].subject).toBe('Phoenix kickoff agenda');
    // The offer is used up.
    expect(await as('bob').call('myShares/accept', { offerId })).toMatchObject({ ok: false, error: { reason: 'offer_not_found' } });
  });

  it('a refused hand-over changes nothing', async () => {
    const offer = await as('alice').call('myShares/offer', { toAccountId: CAROL, shareIds: [(await as('alice').call('myShares/list')).value.items[0].shareId] });
    expect((await as('alice').call('myShares/list')).value.offersByMe).toHaveLength(1);
    expect(await as('carol').call('myShares/refuse', { offerId: offer.value.offerId })).toEqual({ ok: true, value: { refused: true } });
    const list = await as('alice').call('myShares/list');
    expect(list.value.offersByMe).toEqual([]);
    expect(list.value.items).toHaveLength(1);
    expect((await entities()).filter((e) => e.entityName === 'share-offer')).toEqual([]);
  });

  it('removes all of a person’s shares, with their links and opens', async () => {
    await share(DEMO_2, 'a4');
    expect((await as('alice').call('myShares/list')).value.items).toHaveLength(2);
    expect(await as('alice').call('myShares/removeAll', { confirm: 'remove-all' })).toEqual({ ok: true, value: { removed: 2 } });
    expect((await as('alice').call('myShares/list')).value.items).toEqual([]);
    const left = await entities();
    expect(left.filter((e) => e.entityName === 'mail-share').map((e) => e.value.sharerAccountId)).toEqual([BOB]);
    expect(left.filter((e) => e.entityName === 'mail-link').map((e) => e.value.accountId)).toEqual([BOB]);
  });
});
