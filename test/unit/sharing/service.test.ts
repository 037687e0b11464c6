import { beforeEach, describe, expect, it } from 'vitest';
import { ALICE, ALICE_MS, anonymous, BOB, CAROL, conversationA, conversationB, message, OTHER_MS, user, world } from './fakes';

const KICKOFF = 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0AKICKOFF1';
const REPLY = 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0AREPLY001';
const DIGEST = 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0ADIGEST01';

function aliceWorld() {
  const w = world();
  w.connect(ALICE, ALICE_MS, {
    [KICKOFF]: message({ internetMessageId: '<kickoff@contoso.com>', subject: 'Phoenix kickoff agenda', at: '2026-03-01T09:00:00Z', body: { type: 'html', content: '<p>Goals, timeline, risks</p>' } }),
    [REPLY]: message({ internetMessageId: '<reply@contoso.com>', subject: 'RE: Phoenix kickoff agenda', at: '2026-03-01T10:00:00Z', inReplyTo: '<kickoff@contoso.com>', references: ['<kickoff@contoso.com>'] }),
    [DIGEST]: message({ internetMessageId: '<digest@northwind.example>', conversationId: 'AAQkADigestConversation0000000000=', subject: 'Your weekly digest', at: '2026-03-02T07:00:00Z' }),
  });
  return w;
}

describe('sharing a mail or a conversation into an issue', () => {
  let w: ReturnType<typeof aliceWorld>;
  beforeEach(() => {
    w = aliceWorld();
  });

  it('stores ids only: no subject, sender, recipient or body', async () => {
    const r = await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    expect(r).toMatchObject({ ok: true, value: { existing: false } });
    const [stored] = [...w.shares.values()];
    expect(Object.keys(stored ?? {}).sort()).toEqual(['conversationId', 'createdAt', 'internetMessageId', 'issueId', 'kind', 'messageId', 'msTenantId', 'msUserId', 'product', 'projectId', 'scope', 'shareId', 'sharerAccountId']);
    expect(stored).toMatchObject({ product: 'jira', sharerAccountId: ALICE, msUserId: ALICE_MS.oid, msTenantId: ALICE_MS.tid, messageId: KICKOFF, internetMessageId: '<kickoff@contoso.com>', issueId: '10001', projectId: '10000' });
    expect(JSON.stringify([...w.shares.values(), ...w.links.values(), ...w.mirrors.values()])).not.toMatch(/Phoenix|Goals|kickoff agenda/);
    expect([...w.links.values()]).toEqual([expect.objectContaining({ conversationId: conversationA, internetMessageId: '<kickoff@contoso.com>', issueKey: 'DEMO-1', app: 'jira', accountId: ALICE })]);
  });

  it('shows Bob the mail Alice shared with Atlassian users, read at view time from her mailbox', async () => {
    await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    const p = await w.service().panel(user(BOB), '10001');
    expect(p.ok && p.value.items).toEqual([
      expect.objectContaining({ kind: 'mail', sharer: { accountId: ALICE, name: 'Alice Adams' }, mine: false, canChangeScope: false, canRemove: false, messages: [expect.objectContaining({ subject: 'Phoenix kickoff agenda' })] }),
    ]);
    expect(p.ok && p.value.items[0]?.problem).toBeUndefined();
    expect(p.ok && p.value.items[0]?.openInOutlook).toBeUndefined();
  });

  it('keeps a Private conversation from Bob, shows it to Alice whole, with the reply that came later', async () => {
    await w.service().create(ALICE, { issueId: '10001', kind: 'conversation', messageId: KICKOFF, scope: 'private' });
    const bob = await w.service().panel(user(BOB), '10001');
    expect(bob.ok && bob.value.items).toEqual([]);
    w.connect(ALICE, ALICE_MS, { NEWREPLY0000000000000000: message({ internetMessageId: '<later@contoso.com>', subject: 'RE: Phoenix kickoff agenda', at: '2026-03-11T09:00:00Z', references: ['<kickoff@contoso.com>'] }) });
    const alice = await w.service().panel(user(ALICE), '10001');
    expect(alice.ok && alice.value.items[0]?.messages.map((m) => m.at)).toEqual(['2026-03-01T09:00:00Z', '2026-03-01T10:00:00Z', '2026-03-11T09:00:00Z']);
    expect(alice.ok && alice.value.items[0]).toMatchObject({ mine: true, canChangeScope: true, canRemove: true, scope: 'private' });
  });

  it('merges a reply Exchange filed under a new conversation into the shared one', async () => {
    await w.service().create(ALICE, { issueId: '10001', kind: 'conversation', messageId: KICKOFF, scope: 'atlassian' });
    w.connect(ALICE, ALICE_MS, {
      EXTERNAL0000000000000000: message({ internetMessageId: '<x1@gmail.example>', conversationId: conversationB, at: '2026-03-11T08:00:00Z', inReplyTo: '<reply@contoso.com>', references: ['<kickoff@contoso.com>', '<reply@contoso.com>'] }),
    });
    const bob = await w.service().panel(user(BOB), '10001');
    expect(bob.ok && bob.value.items[0]?.messages).toHaveLength(3);
  });

  it('says the item is unavailable while Alice is signed out, and restores it when she signs in with the same account', async () => {
    await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    w.signOut(ALICE);
    const out = await w.service().panel(user(BOB), '10001');
    expect(out.ok && out.value.items[0]).toMatchObject({ messages: [], problem: { code: 'MS_SIGN_IN_REQUIRED', reason: 'sharer_signed_out', message: 'Shared by Alice Adams — unavailable while they are signed out of Microsoft 365.' } });
    const own = await w.service().panel(user(ALICE), '10001');
    expect(own.ok && own.value.items[0]?.problem).toMatchObject({ action: 'signIn', message: expect.stringContaining('You shared this') as string });

    // Another Microsoft account, even one that has not allowed mail yet: the account is what Bob is told about.
    w.connect(ALICE, OTHER_MS, {}, ['openid', 'User.Read']);
    const other = await w.service().panel(user(BOB), '10001');
    expect(other.ok && other.value.items[0]?.problem).toMatchObject({ reason: 'sharer_other_account', message: expect.stringContaining('another account') as string });
    expect(w.calls.read).toBe(0); // another Microsoft account's mailbox is never read for it

    w.connect(ALICE, ALICE_MS);
    const back = await w.service().panel(user(BOB), '10001');
    expect(back.ok && back.value.items[0]?.messages[0]?.subject).toBe('Phoenix kickoff agenda');
  });

  it('says a deleted or moved mail is no longer in the sharer’s mailbox', async () => {
    await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: DIGEST, scope: 'atlassian' });
    w.mailboxes.get(ALICE)?.messages.delete(DIGEST);
    const p = await w.service().panel(user(BOB), '10001');
    expect(p.ok && p.value.items[0]?.problem).toMatchObject({ code: 'NOT_FOUND', message: 'No longer available in Alice Adams’s mailbox.' });
  });

  it('shows anonymous visitors Public items of a public project only', async () => {
    w.settings.sharing = { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] };
    await w.service().create(ALICE, { issueId: '20001', kind: 'mail', messageId: KICKOFF, scope: 'public' });
    await w.service().create(ALICE, { issueId: '20001', kind: 'mail', messageId: DIGEST, scope: 'atlassian' });
    await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'public' });
    const pub = await w.service().panel(anonymous, '20001');
    expect(pub.ok && pub.value.items.map((i) => i.messages[0]?.subject)).toEqual(['Phoenix kickoff agenda']);
    expect(pub.ok && pub.value.viewer).toMatchObject({ loggedIn: false, canShare: false });
    expect(await w.service().panel(anonymous, '10001')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'issue_hidden' } });
  });

  it('narrows Public items to Atlassian users when the admin stops allowing Public', async () => {
    w.settings.sharing = { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] };
    await w.service().create(ALICE, { issueId: '20001', kind: 'mail', messageId: KICKOFF, scope: 'public' });
    w.settings.sharing = { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian'] };
    expect((await w.service().panel(anonymous, '20001')).ok && (await w.service().panel(anonymous, '20001'))).toMatchObject({ value: { items: [] } });
    const bob = await w.service().panel(user(BOB), '20001');
    expect(bob.ok && bob.value.items[0]).toMatchObject({ scope: 'public', effectiveScope: 'atlassian' });
  });

  it('shows nothing of an issue the viewer may not view (Jira asked as the viewer)', async () => {
    await w.service().create(ALICE, { issueId: '30001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    expect(await w.service().panel(user(BOB), '30001')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'issue_hidden' } });
    expect(w.calls.read).toBe(0);
  });

  it('refuses what the admin does not allow, and sharing without permission to read mail', async () => {
    expect(await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'public' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', reason: 'scope_not_allowed' } });
    w.settings.features['share.conversation'] = false;
    expect(await w.service().create(ALICE, { issueId: '10001', kind: 'conversation', messageId: KICKOFF, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'FEATURE_OFF' } });
    w.connect(BOB, { oid: 'b0b00000-2222-4bbb-8bbb-000000000002', tid: ALICE_MS.tid }, {}, ['openid', 'User.Read']);
    expect(await w.service().create(BOB, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'mail_permission_missing' } });
    expect(w.shares.size).toBe(0);
  });

  it('only shares mail from the sharer’s own mailbox, whatever id the browser sends', async () => {
    w.connect(BOB, { oid: 'b0b00000-2222-4bbb-8bbb-000000000002', tid: ALICE_MS.tid });
    expect(await w.service().create(BOB, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'mail_not_in_mailbox' } });
    expect(w.shares.size).toBe(0);
  });

  it('does not store the same item twice for the same person', async () => {
    const a = await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    const b = await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'private' });
    expect(b).toEqual({ ok: true, value: { shareId: a.ok ? a.value.shareId : '', existing: true } });
    expect(w.shares.size).toBe(1);
  });
});

describe('changing and removing shares', () => {
  let w: ReturnType<typeof aliceWorld>;
  let shareId: string;
  beforeEach(async () => {
    w = aliceWorld();
    const r = await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    shareId = r.ok ? r.value.shareId : '';
  });

  it('lets only the sharer change the scope; a forged change by anyone else changes nothing', async () => {
    expect(await w.service().setScope(BOB, { issueId: '10001', shareId, scope: 'private' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'not_owner' } });
    expect(w.shares.get(shareId)?.scope).toBe('atlassian');
    expect(await w.service().setScope(ALICE, { issueId: '10001', shareId, scope: 'private' })).toEqual({ ok: true, value: { scope: 'private' } });
    expect(w.shares.get(shareId)?.scope).toBe('private');
    // Now private: Bob cannot even learn it exists.
    expect(await w.service().setScope(BOB, { issueId: '10001', shareId, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'share_not_found' } });
  });

  it('refuses a share id from another issue as if it did not exist', async () => {
    expect(await w.service().setScope(ALICE, { issueId: '10002', shareId, scope: 'private' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'share_not_found' } });
    expect(await w.service().remove(ALICE, { issueId: '10002', shareId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(w.shares.get(shareId)?.scope).toBe('atlassian');
  });

  it('lets a project admin remove someone else’s share, but not another user', async () => {
    w.connect(BOB, { oid: 'b0b00000-2222-4bbb-8bbb-000000000002', tid: ALICE_MS.tid }, { BOBMAIL00000000000000000: message({ internetMessageId: '<bob@contoso.com>' }) });
    const bobs = await w.service().create(BOB, { issueId: '10001', kind: 'mail', messageId: 'BOBMAIL00000000000000000', scope: 'atlassian' });
    const id = bobs.ok ? bobs.value.shareId : '';
    expect(await w.service().remove(CAROL, { issueId: '10001', shareId: id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'not_sharer_or_project_admin' } });
    expect(w.shares.has(id)).toBe(true);
    const alice = await w.service().panel(user(ALICE), '10001');
    expect(alice.ok && alice.value.items.find((i) => i.shareId === id)).toMatchObject({ canRemove: true, canChangeScope: false });
    expect(await w.service().remove(ALICE, { issueId: '10001', shareId: id })).toEqual({ ok: true, value: { removed: true } });
    expect(w.shares.has(id)).toBe(false);
    expect(w.links.has(id)).toBe(false);
  });

  it('mirrors the ids of non-private shares into the issue property, and keeps it in step', async () => {
    expect(w.mirrors.get('10001')).toEqual({ conversationIds: [conversationA], internetMessageIds: ['<kickoff@contoso.com>'] });
    await w.service().setScope(ALICE, { issueId: '10001', shareId, scope: 'private' });
    expect(w.mirrors.get('10001')).toEqual({ conversationIds: [], internetMessageIds: [] });
    await w.service().setScope(ALICE, { issueId: '10001', shareId, scope: 'atlassian' });
    await w.service().remove(ALICE, { issueId: '10001', shareId });
    expect(w.mirrors.get('10001')).toEqual({ conversationIds: [], internetMessageIds: [] });
  });

  it('counts what stops showing when the sharer signs out', async () => {
    await w.service().create(ALICE, { issueId: '10002', kind: 'conversation', messageId: KICKOFF, scope: 'private' });
    expect(await w.service().mine(ALICE)).toEqual({ ok: true, value: { count: 2, issues: 2, pages: 0 } });
    expect(await w.service().mine(BOB)).toEqual({ ok: true, value: { count: 0, issues: 0, pages: 0 } });
  });
});

describe('the link store', () => {
  it('finds the issues of a conversation in the caller’s own mailbox, as far as they may view them', async () => {
    const w = aliceWorld();
    await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    await w.service().create(ALICE, { issueId: '30001', kind: 'conversation', messageId: REPLY, scope: 'private' });
    expect(await w.service().issuesForConversation(ALICE, { conversationId: conversationA })).toEqual({ ok: true, value: [{ id: '10001', key: 'DEMO-1', projectId: '10000' }, { id: '30001', key: 'SEC-1', projectId: '30000' }] });
    // Bob has the conversation in his mailbox too, but may not view SEC-1.
    w.connect(BOB, { oid: 'b0b00000-2222-4bbb-8bbb-000000000002', tid: ALICE_MS.tid }, { B1: message({ internetMessageId: '<reply@contoso.com>' }) });
    expect(await w.service().issuesForConversation(BOB, { conversationId: conversationA })).toEqual({ ok: true, value: [{ id: '10001', key: 'DEMO-1', projectId: '10000' }] });
    // By Message-ID: the reply is linked to SEC-1 only, which Bob may not view.
    expect(await w.service().issuesForConversation(BOB, { internetMessageId: '<reply@contoso.com>' })).toEqual({ ok: true, value: [] });
    // Carol's mailbox does not hold it: she learns nothing about it.
    w.connect(CAROL, { oid: 'ca401000-3333-4ccc-8ccc-000000000003', tid: ALICE_MS.tid });
    expect(await w.service().issuesForConversation(CAROL, { conversationId: conversationA })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'conversation_not_in_mailbox' } });
  });

  it('lists an issue’s conversations that are in the caller’s mailbox', async () => {
    const w = aliceWorld();
    await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: DIGEST, scope: 'atlassian' });
    await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    w.connect(BOB, { oid: 'b0b00000-2222-4bbb-8bbb-000000000002', tid: ALICE_MS.tid }, { B1: message({ internetMessageId: '<reply@contoso.com>' }) });
    expect(await w.service().linksForIssue(BOB, '10001')).toEqual({ ok: true, value: [{ conversationId: conversationA, internetMessageId: '<kickoff@contoso.com>', linkedAt: '2026-03-10T12:00:00.000Z' }] });
    expect(await w.service().linksForIssue(BOB, '30001')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('what one panel view costs', () => {
  it('reads each sharer’s connection once and their mailbox once, whatever they shared', async () => {
    const w = aliceWorld();
    await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: DIGEST, scope: 'atlassian' });
    await w.service().create(ALICE, { issueId: '10001', kind: 'conversation', messageId: REPLY, scope: 'atlassian' });
    w.calls.read = 0;
    w.calls.connection = 0;
    const p = await w.service().panel(user(CAROL), '10001');
    expect(p.ok && p.value.items).toHaveLength(3);
    expect(w.calls.read).toBe(1);
    expect(w.calls.connection).toBe(2); // Alice's, and Carol's own (may she share?)
  });
});
