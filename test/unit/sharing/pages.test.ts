import { beforeEach, describe, expect, it } from 'vitest';
import { ALICE, ALICE_MS, anonymous, BOB, CAROL, message, user, world } from './fakes';
import { readShare } from '../../../src/core/sharing/model';
import { readTarget } from '../../../src/core/sharing/target';

const KICKOFF = 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0AKICKOFF1';
const VENDOR = 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0AVENDOR01';
const DEMO_PAGE = '65601';
const PUBLIC_PAGE = '65602';
const ALICE_ONLY_PAGE = '65603';

function aliceWorld() {
  const w = world();
  w.connect(ALICE, ALICE_MS, {
    [KICKOFF]: message({ internetMessageId: '<kickoff@contoso.com>', subject: 'Phoenix kickoff agenda', body: { type: 'html', content: '<p>Goals, timeline, risks</p>' } }),
    [VENDOR]: message({ internetMessageId: '<vendor@contoso.com>', conversationId: 'AAQkADVendorConversation000000000=', subject: 'Phoenix vendor contract' }),
  });
  return w;
}

describe('where a share is shown: stored targets', () => {
  const base = { shareId: 'share00000000000000001', kind: 'mail', sharerAccountId: ALICE, msUserId: ALICE_MS.oid, msTenantId: ALICE_MS.tid, messageId: KICKOFF, internetMessageId: '<kickoff@contoso.com>', conversationId: 'AAQkADVendorConversation000000000=', scope: 'atlassian', createdAt: '2026-03-10T12:00:00Z' };

  it('reads a record written before pages existed (no product) as a Jira issue’s', () => {
    expect(readShare({ ...base, issueId: '10001', projectId: '10000' })).toMatchObject({ product: 'jira', issueId: '10001', projectId: '10000' });
  });

  it('reads a page share, and skips records that name both places, neither, or an unknown product', () => {
    expect(readShare({ ...base, product: 'confluence', pageId: DEMO_PAGE, spaceId: '98305' })).toMatchObject({ product: 'confluence', pageId: DEMO_PAGE, spaceId: '98305' });
    expect(readShare({ ...base, product: 'confluence', pageId: DEMO_PAGE, spaceId: '98305', issueId: '10001' })).toBeUndefined();
    expect(readShare({ ...base, product: 'jira', issueId: '10001', projectId: '10000', pageId: DEMO_PAGE })).toBeUndefined();
    expect(readShare({ ...base, product: 'confluence', pageId: DEMO_PAGE })).toBeUndefined();
    expect(readShare({ ...base })).toBeUndefined();
    expect(readTarget({ product: 'bitbucket', pageId: DEMO_PAGE, spaceId: '1' })).toBeUndefined();
    expect(readTarget({ product: 'confluence', pageId: '../65601', spaceId: '98305' })).toBeUndefined();
  });
});

describe('sharing into a Confluence page (the Microsoft 365 item macro)', () => {
  let w: ReturnType<typeof aliceWorld>;
  beforeEach(() => {
    w = aliceWorld();
  });

  it('stores the page and its space (ids only), and records no mail ↔ issue link or JQL mirror', async () => {
    const r = await w.service().create(ALICE, { pageId: DEMO_PAGE, kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    expect(r).toMatchObject({ ok: true, value: { existing: false } });
    const [stored] = [...w.shares.values()];
    expect(stored).toMatchObject({ product: 'confluence', pageId: DEMO_PAGE, spaceId: '98305', kind: 'mail', messageId: KICKOFF });
    expect(Object.keys(stored ?? {})).not.toContain('issueId');
    expect(JSON.stringify(stored)).not.toMatch(/Phoenix|Goals/);
    expect(w.links.size).toBe(0);
    expect(w.mirrors.size).toBe(0);
    // The same mail again on the same page is the same share.
    expect(await w.service().create(ALICE, { pageId: DEMO_PAGE, kind: 'mail', messageId: KICKOFF, scope: 'atlassian' })).toMatchObject({ ok: true, value: { existing: true } });
    expect(await w.service().mine(ALICE)).toEqual({ ok: true, value: { count: 1, issues: 0, pages: 1 } });
  });

  it('refuses a page the sharer may not view, and changes nothing', async () => {
    expect(await w.service().create(BOB, { pageId: ALICE_ONLY_PAGE, kind: 'mail', messageId: KICKOFF, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_hidden' } });
    expect(await w.service().create(ALICE, { pageId: '99999', kind: 'mail', messageId: KICKOFF, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_hidden' } });
    expect(w.shares.size).toBe(0);
  });

  it('shows Bob the Atlassian share and not Alice’s Private conversation; an anonymous visitor sees nothing on a page they may not view', async () => {
    const mail = await w.service().create(ALICE, { pageId: DEMO_PAGE, kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    const conv = await w.service().create(ALICE, { pageId: DEMO_PAGE, kind: 'conversation', messageId: VENDOR, scope: 'private' });
    if (!mail.ok || !conv.ok) throw new Error('setup');
    const bobMail = await w.service().pageItem(user(BOB), DEMO_PAGE, mail.value.shareId);
    expect(bobMail).toMatchObject({ ok: true, value: { page: { id: DEMO_PAGE, spaceId: '98305' }, item: { kind: 'mail', mine: false, canRemove: false, canChangeScope: false, sharer: { name: 'Alice Adams' } } } });
    if (!bobMail.ok) throw new Error('bob');
    expect(bobMail.value.item?.messages[0]?.subject).toBe('Phoenix kickoff agenda');
    // The private one is simply not there for Bob: the same answer as a share that does not exist.
    const bobConv = await w.service().pageItem(user(BOB), DEMO_PAGE, conv.value.shareId);
    expect(bobConv.ok && bobConv.value.item).toBeFalsy();
    const aliceConv = await w.service().pageItem(user(ALICE), DEMO_PAGE, conv.value.shareId);
    expect(aliceConv).toMatchObject({ ok: true, value: { item: { kind: 'conversation', mine: true, canChangeScope: true, canRemove: true } } });
    expect(await w.service().pageItem(anonymous, DEMO_PAGE, mail.value.shareId)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_hidden' } });
  });

  it('admits anonymous visitors to a Public share only on a page they may view', async () => {
    w.settings.sharing = { ...w.settings.sharing, defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] };
    const pub = await w.service().create(ALICE, { pageId: PUBLIC_PAGE, kind: 'mail', messageId: KICKOFF, scope: 'public' });
    const atl = await w.service().create(ALICE, { pageId: PUBLIC_PAGE, kind: 'conversation', messageId: VENDOR, scope: 'atlassian' });
    if (!pub.ok || !atl.ok) throw new Error('setup');
    const seen = await w.service().pageItem(anonymous, PUBLIC_PAGE, pub.value.shareId);
    expect(seen).toMatchObject({ ok: true, value: { viewer: { loggedIn: false, canShare: false }, item: { kind: 'mail', scope: 'public' } } });
    const atlassianOnly = await w.service().pageItem(anonymous, PUBLIC_PAGE, atl.value.shareId);
    expect(atlassianOnly.ok && atlassianOnly.value.item).toBeFalsy();
  });

  it('answers a share id of another page, or of a Jira issue, as if it did not exist', async () => {
    w.settings.sharing = { ...w.settings.sharing, defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] };
    const onDemo = await w.service().create(ALICE, { pageId: DEMO_PAGE, kind: 'mail', messageId: KICKOFF, scope: 'public' });
    const onIssue = await w.service().create(ALICE, { issueId: '10001', kind: 'mail', messageId: VENDOR, scope: 'public' });
    if (!onDemo.ok || !onIssue.ok) throw new Error('setup');
    const elsewhere = await w.service().pageItem(anonymous, PUBLIC_PAGE, onDemo.value.shareId);
    expect(elsewhere.ok && elsewhere.value.item).toBeFalsy();
    const issueShare = await w.service().pageItem(user(ALICE), DEMO_PAGE, onIssue.value.shareId);
    expect(issueShare.ok && issueShare.value.item).toBeFalsy();
    expect(await w.service().setScope(ALICE, { pageId: PUBLIC_PAGE, shareId: onDemo.value.shareId, scope: 'private' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_share_not_found' } });
    expect(await w.service().remove(ALICE, { pageId: DEMO_PAGE, shareId: onIssue.value.shareId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // And the other way round: a page's share through an issue.
    expect(await w.service().remove(ALICE, { issueId: '10001', shareId: onDemo.value.shareId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'share_not_found' } });
    expect(w.shares.size).toBe(2);
  });

  it('lets only the sharer change the scope or remove a page share', async () => {
    const r = await w.service().create(ALICE, { pageId: DEMO_PAGE, kind: 'mail', messageId: KICKOFF, scope: 'atlassian' });
    if (!r.ok) throw new Error('setup');
    const shareId = r.value.shareId;
    expect(await w.service().setScope(BOB, { pageId: DEMO_PAGE, shareId, scope: 'public' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'not_owner' } });
    expect(await w.service().remove(CAROL, { pageId: DEMO_PAGE, shareId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(w.shares.get(shareId)?.scope).toBe('atlassian');
    expect(await w.service().setScope(ALICE, { pageId: DEMO_PAGE, shareId, scope: 'private' })).toEqual({ ok: true, value: { scope: 'private' } });
    const bob = await w.service().pageItem(user(BOB), DEMO_PAGE, shareId);
    expect(bob.ok && bob.value.item).toBeFalsy();
    expect(await w.service().remove(ALICE, { pageId: DEMO_PAGE, shareId })).toEqual({ ok: true, value: { removed: true } });
    expect(w.shares.size).toBe(0);
  });

  it('tells the editor what they may share on the page, without any share', async () => {
    const r = await w.service().pageItem(user(ALICE), DEMO_PAGE);
    expect(r).toMatchObject({ ok: true, value: { page: { id: DEMO_PAGE }, viewer: { loggedIn: true, connected: true, mailAllowed: true, canShare: true }, sharing: { defaultScope: expect.any(String) } } });
    expect(r.ok && r.value.item).toBeFalsy();
    expect(await w.service().pageItem(user(BOB), ALICE_ONLY_PAGE)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_hidden' } });
  });
});
