import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughApp } from '../support/connect';
import { startTestHost, type TestHost } from '../support/host';
import { clickButton } from '../emulator/support';

/**
 * The sharing resolvers through the real host: Forge storage (custom entities), Jira emulated with its
 * permissions, Graph emulated with mailboxes — the app's own code in the host's child process. Every
 * forged payload is refused, changes nothing and shows nothing.
 */
const ALICE = '557058:a11ce000-0000-4000-8000-000000000001';
const PANEL = 'm365-issue-panel';
const DEMO_1 = '10001';
const DEMO_2 = '10002';
const DEMO_3 = '10003'; // security level "Management": Alice and Carol only
const PUB_1 = '10006';

type Json = any;  

const connect = (host: TestHost, user: string, email: string, feature?: string): Promise<void> => connectThroughApp(host, PANEL, user, email, feature);

async function mailbox(host: TestHost, user: string): Promise<Array<{ key: string; immutableId: string; id: string; internetMessageId: string; conversationId: string; subject: string }>> {
  return ((await (await fetch(`${host.origin}/__emulator/mail?user=${user}`)).json()) as Json).messages;
}

describe('sharing resolvers', () => {
  let host: TestHost;
  let as: (user: string) => { call(fn: string, payload?: unknown): Promise<Json> };
  let mail: Record<string, { immutableId: string; id: string; internetMessageId: string; conversationId: string }>;

  beforeAll(async () => {
    host = await startTestHost();
    as = (user) => ({ call: async (fn, payload = {}) => (await host.asUser(user).invoke(PANEL, fn, payload)).value });
    await connect(host, 'alice', 'alice@contoso.com', 'share.mail');
    await connect(host, 'carol', 'carol@contoso.com');
    mail = Object.fromEntries((await mailbox(host, 'alice')).map((m) => [m.key, m]));
  }, 60_000);
  afterAll(() => host?.stop());

  let mailShare = '';
  let privateConversation = '';

  it('shares a mail of Alice’s own mailbox into DEMO-1, and Bob sees it read from her mailbox', async () => {
    const r = await as('alice').call('sharing/create', { issueId: DEMO_1, kind: 'mail', messageId: mail.a1?.immutableId, scope: 'atlassian' });
    expect(r).toMatchObject({ ok: true, value: { existing: false } });
    mailShare = r.value.shareId;
    // Stored as a custom entity (with its link), ids only.
    const entities = ((await host.state())).storage.entities as Array<{ entityName: string; key: string }>;
    expect(entities.map((e) => `${e.entityName} ${e.key}`).sort()).toEqual([`mail-link link:${mailShare}`, `mail-share share:${mailShare}`]);
    const bob = await as('bob').call('sharing/panel', { issueId: DEMO_1 });
    expect(bob.ok).toBe(true);
    expect(bob.value.items).toHaveLength(1);
    expect(bob.value.items[0]).toMatchObject({ kind: 'mail', scope: 'atlassian', sharer: { accountId: ALICE, name: 'Alice Adams' }, mine: false, canRemove: false, canChangeScope: false });
    expect(bob.value.items[0].messages[0]).toMatchObject({ subject: 'Phoenix kickoff agenda', from: { name: 'Bob Brown' } });
    expect(bob.value.items[0].openInOutlook).toBeUndefined();
  });

  it('keeps a Private conversation from Bob and shows Alice the thread, split conversation included', async () => {
    const r = await as('alice').call('sharing/create', { issueId: DEMO_1, kind: 'conversation', messageId: mail.a6?.immutableId, scope: 'private' });
    expect(r.ok).toBe(true);
    privateConversation = r.value.shareId;
    const bob = await as('bob').call('sharing/panel', { issueId: DEMO_1 });
    expect(bob.value.items.map((i: Json) => i.shareId)).toEqual([mailShare]);
    const alice = await as('alice').call('sharing/panel', { issueId: DEMO_1 });
    const conv = alice.value.items.find((i: Json) => i.shareId === privateConversation);
    // a6 (Alice's question), a7 (Dana's answer, which Exchange filed under a new conversation), a8 (Alice's reply).
    expect(conv.messages.map((m: Json) => m.from.address)).toEqual(['alice@contoso.com', 'dana.ruiz@northwind.example', 'alice@contoso.com']);
    expect(conv).toMatchObject({ mine: true, canChangeScope: true, canRemove: true });
    expect(conv.openInOutlook).toMatch(/^https:\/\/outlook\.office365\.com\//);
  });

  it('shows a reply that arrived after sharing', async () => {
    const delivered = await host.control('mail', { from: 'dana.ruiz@northwind.example', to: ['alice'], subject: 'RE: Phoenix vendor contract: two questions', html: '<p>Revised draft attached next week.</p>', inReplyTo: mail.a8?.internetMessageId, conversation: 'new' });
    expect(delivered.status).toBe(201);
    const alice = await as('alice').call('sharing/panel', { issueId: DEMO_1 });
    const conv = alice.value.items.find((i: Json) => i.shareId === privateConversation);
    expect(conv.messages).toHaveLength(4);
    expect(conv.messages[3].body.content).toContain('Revised draft attached next week.');
  });

  it('refuses a forged scope change or removal by anyone but the sharer, and changes nothing', async () => {
    expect(await as('bob').call('sharing/scope', { issueId: DEMO_1, shareId: mailShare, scope: 'private' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'not_owner' } });
    expect(await as('bob').call('sharing/remove', { issueId: DEMO_1, shareId: mailShare })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Bob cannot even tell a private share exists.
    expect(await as('bob').call('sharing/scope', { issueId: DEMO_1, shareId: privateConversation, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'share_not_found' } });
    const bob = await as('bob').call('sharing/panel', { issueId: DEMO_1 });
    expect(bob.value.items.map((i: Json) => [i.shareId, i.scope])).toEqual([[mailShare, 'atlassian']]);
  });

  it('answers another issue’s share id as if it did not exist', async () => {
    expect(await as('alice').call('sharing/scope', { issueId: DEMO_2, shareId: mailShare, scope: 'private' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'share_not_found' } });
    expect(await as('alice').call('sharing/remove', { issueId: DEMO_2, shareId: mailShare })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await as('bob').call('sharing/panel', { issueId: DEMO_1 })).value.items).toHaveLength(1);
  });

  it('ignores another user’s accountId in a payload, and refuses malformed or oversized payloads', async () => {
    expect(await as('bob').call('sharing/create', { issueId: DEMO_1, kind: 'mail', messageId: mail.a4?.immutableId, scope: 'atlassian', accountId: ALICE })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await as('bob').call('sharing/scope', { issueId: DEMO_1, shareId: mailShare, scope: 'private', sharerAccountId: '557058:b0b00000-0000-4000-8000-000000000002' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    for (const bad of [null, 'x', [], { issueId: 10001 }, { issueId: '10001 OR 1=1' }, { issueId: '../10001' }, { issueId: 'x'.repeat(100_000) }, { issueId: DEMO_1, extra: 'x'.repeat(10_000) }]) {
      expect(await as('alice').call('sharing/panel', bad)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    for (const bad of [
      { issueId: DEMO_1, kind: 'calendar', messageId: mail.a4?.immutableId, scope: 'atlassian' },
      { issueId: DEMO_1, kind: 'mail', messageId: 'a/../../b', scope: 'atlassian' },
      { issueId: DEMO_1, kind: 'mail', messageId: mail.a4?.immutableId, scope: 'everyone' },
      { issueId: DEMO_1, kind: 'mail', messageId: 'A'.repeat(5000), scope: 'atlassian' },
      { issueId: DEMO_1, kind: 'mail', messageId: { $ne: null }, scope: 'atlassian' },
    ]) {
      expect(await as('alice').call('sharing/create', bad)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await as('alice').call('sharing/scope', { issueId: DEMO_1, shareId: `${mailShare}x`, scope: 'private' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect((await as('alice').call('sharing/panel', { issueId: DEMO_1 })).value.items).toHaveLength(2);
  });

  it('refuses a mail that is not in the caller’s own mailbox, whatever id is sent', async () => {
    const bobs = (await mailbox(host, 'bob'))[0];
    const r = await as('alice').call('sharing/create', { issueId: DEMO_1, kind: 'mail', messageId: bobs?.immutableId, scope: 'atlassian' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'mail_not_in_mailbox' } });
    // Carol is connected without Mail.Read: she is asked for it before anything is read.
    expect(await as('carol').call('sharing/create', { issueId: DEMO_1, kind: 'mail', messageId: mail.a1?.immutableId, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'mail_permission_missing' } });
  });

  it('refuses a scope the admin does not allow, and an issue the caller may not view', async () => {
    expect(await as('alice').call('sharing/create', { issueId: PUB_1, kind: 'mail', messageId: mail.a1?.immutableId, scope: 'public' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', reason: 'scope_not_allowed' } });
    await as('alice').call('sharing/create', { issueId: DEMO_3, kind: 'mail', messageId: mail.a5?.immutableId, scope: 'atlassian' });
    expect(await as('bob').call('sharing/panel', { issueId: DEMO_3 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'issue_hidden' } });
    expect((await as('carol').call('sharing/panel', { issueId: DEMO_3 })).value.items).toHaveLength(1);
  });

  it('lets only the sharer change the scope', async () => {
    expect(await as('alice').call('sharing/scope', { issueId: DEMO_1, shareId: mailShare, scope: 'private' })).toEqual({ ok: true, value: { scope: 'private' } });
    expect((await as('bob').call('sharing/panel', { issueId: DEMO_1 })).value.items).toEqual([]);
    expect(await as('alice').call('sharing/scope', { issueId: DEMO_1, shareId: mailShare, scope: 'atlassian' })).toEqual({ ok: true, value: { scope: 'atlassian' } });
  });

  it('lets a project admin remove another person’s share, and nobody else', async () => {
    // Contoso needs an admin's approval for Mail.Read: Alice gives it from the app's settings page, then Bob may share.
    const start = await host.asUser('alice').invoke('m365-jira-admin', 'admin/consent/start', { feature: 'share.mail' });
    const picked = await clickButton(await (await fetch(start.value.value.url as string)).text(), 'alice@contoso.com');
    const approved = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
    await fetch(approved.headers.get('location') ?? '');
    await connect(host, 'bob', 'bob@contoso.com', 'share.mail');
    const lunch = (await mailbox(host, 'bob')).find((m) => m.key === 'b2');
    const bobs = await as('bob').call('sharing/create', { issueId: DEMO_1, kind: 'mail', messageId: lunch?.immutableId, scope: 'atlassian' });
    expect(bobs.ok).toBe(true);
    const id = bobs.value.shareId as string;
    expect(await as('carol').call('sharing/remove', { issueId: DEMO_1, shareId: id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'not_sharer_or_project_admin' } });
    const alice = await as('alice').call('sharing/panel', { issueId: DEMO_1 });
    expect(alice.value.viewer.isProjectAdmin).toBe(true);
    expect(alice.value.items.find((i: Json) => i.shareId === id)).toMatchObject({ canRemove: true, canChangeScope: false, sharer: { name: 'Bob Brown' } });
    expect(await as('alice').call('sharing/scope', { issueId: DEMO_1, shareId: id, scope: 'private' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'not_owner' } });
    expect(await as('alice').call('sharing/remove', { issueId: DEMO_1, shareId: id })).toEqual({ ok: true, value: { removed: true } });
    expect((await as('bob').call('sharing/panel', { issueId: DEMO_1 })).value.items.map((i: Json) => i.shareId)).toEqual([mailShare]);
  });

  it('draws the panel in one resolver call: one storage query, one secret read and one Graph round trip per sharer', async () => {
    const lunch = (await mailbox(host, 'bob')).find((m) => m.key === 'b2');
    const bobs = await as('bob').call('sharing/create', { issueId: DEMO_1, kind: 'mail', messageId: lunch?.immutableId, scope: 'atlassian' });
    const before = (await host.state());
    const carol = await as('carol').call('sharing/panel', { issueId: DEMO_1 });
    const after = (await host.state());
    expect(carol.value.items.map((i: Json) => i.sharer.name).sort()).toEqual(['Alice Adams', 'Bob Brown']);
    expect(after.stats.host.resolverInvocations - before.stats.host.resolverInvocations).toBe(1);
    // The settings, the issue's shares (one entity query), one connection secret for each sharer and for Carol herself,
    // the project's sharing rules (one read, as the issue has shares) and who opened what (one batch write).
    expect(after.stats.kvs.requests - before.stats.kvs.requests).toBe(7);
    const mailboxes = (st: Json, who: string) => st.stats.microsoft.mailboxes[who] ?? { requests: 0, batchParts: 0, throttled: 0 };
    for (const who of ['alice@contoso.com', 'bob@contoso.com']) {
      expect(mailboxes(after, who).requests - mailboxes(before, who).requests).toBe(1);
      expect(mailboxes(after, who).throttled - mailboxes(before, who).throttled).toBe(0);
    }
    expect(await as('bob').call('sharing/remove', { issueId: DEMO_1, shareId: bobs.value.shareId })).toEqual({ ok: true, value: { removed: true } });
  });

  it('deletes a person’s shares and links with the rest of their data', async () => {
    const lunch = (await mailbox(host, 'bob')).find((m) => m.key === 'b2');
    const bobs = await as('bob').call('sharing/create', { issueId: DEMO_2, kind: 'mail', messageId: lunch?.immutableId, scope: 'atlassian' });
    expect((await as('alice').call('sharing/panel', { issueId: DEMO_2 })).value.items).toHaveLength(1);
    expect(await as('bob').call('account/records/delete')).toMatchObject({ ok: true });
    expect((await as('alice').call('sharing/panel', { issueId: DEMO_2 })).value.items).toEqual([]);
    const entities = ((await host.state())).storage.entities as Array<{ key: string }>;
    expect(entities.map((e) => e.key)).not.toContain(`share:${bobs.value.shareId as string}`);
    expect(entities.map((e) => e.key)).not.toContain(`link:${bobs.value.shareId as string}`);
    expect(host.jira.issue(DEMO_2)?.properties.has('m365-mail-links')).toBe(false);
  });

  it('tells the sharer how many items stop when she signs out, and shows others why they stopped', async () => {
    expect(await as('alice').call('sharing/mine')).toEqual({ ok: true, value: { count: 3, issues: 2, pages: 0 } });
    expect(await as('alice').call('account/signOut')).toEqual({ ok: true, value: { signedOut: true } });
    const bob = await as('bob').call('sharing/panel', { issueId: DEMO_1 });
    expect(bob.value.items[0].messages).toEqual([]);
    expect(bob.value.items[0].problem).toMatchObject({ code: 'MS_SIGN_IN_REQUIRED', message: 'Shared by Alice Adams — unavailable while they are signed out of Microsoft 365.' });
    // Her shares keep her account reported to Atlassian (and deleted on closure) while she is signed out.
    expect((await host.state()).storage.keys).toContain(`account:${ALICE}`);
    await connect(host, 'alice', 'alice@contoso.com', 'share.mail');
    const again = await as('bob').call('sharing/panel', { issueId: DEMO_1 });
    expect(again.value.items[0].messages[0].subject).toBe('Phoenix kickoff agenda');
  });

  it('says when the mail was deleted in Outlook', async () => {
    await host.control('mail/delete', { user: 'alice', id: 'a1' });
    const bob = await as('bob').call('sharing/panel', { issueId: DEMO_1 });
    expect(bob.value.items[0].problem).toMatchObject({ code: 'NOT_FOUND', message: 'No longer available in Alice Adams’s mailbox.' });
  });

  it('finds the issues of a conversation in the caller’s own mailbox, and mirrors the ids for JQL', async () => {
    const conv = mail.a6?.conversationId ?? '';
    // The mirror holds non-private shares only (the vendor conversation is Private): the kickoff mail's ids.
    const property = host.jira.issue(DEMO_1)?.properties.get('m365-mail-links')?.value as Json;
    expect(property).toEqual({ conversationIds: [mail.a1?.conversationId], internetMessageIds: [mail.a1?.internetMessageId] });
    // The manifest's jira:entityProperty module gives JQL the aliases.
    expect(host.jira.index.byAlias.get('m365conversationid')).toMatchObject({ propertyKey: 'm365-mail-links', path: 'conversationIds', type: 'string' });
    expect(await as('alice').call('links/forConversation', { conversationId: conv })).toEqual({ ok: true, value: [{ id: DEMO_1, key: 'DEMO-1', projectId: '10000' }] });
    // Carol has no message of that conversation: she learns nothing.
    expect(await as('carol').call('links/forConversation', { conversationId: conv })).toMatchObject({ ok: false });
    expect(await as('alice').call('links/forConversation', { conversationId: conv, internetMessageId: '<x@y>' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const links = await as('alice').call('links/forIssue', { issueId: DEMO_1 });
    expect(links.ok).toBe(true);
    expect(links.value.map((l: Json) => l.conversationId)).toContain(conv);
  });

  it('exports the sharer’s shares with her data, ids only', async () => {
    const mine = await as('alice').call('account/records');
    const kinds = mine.value.records.map((r: Json) => r.kind);
    expect(kinds).toContain('Shared mails, conversations, calendars, events and Teams chats');
    expect(kinds).toContain('Mail ↔ issue links');
    expect(JSON.stringify(mine.value.records)).not.toMatch(/Phoenix|kickoff|Dana|vendor contract/i);
  });
});
