import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughApp } from '../support/connect';
import { startTestHost, type TestHost } from '../support/host';

/**
 * Shares on Confluence pages (the "Microsoft 365 item" macro) through the real host: the app's
 * Confluence installation with its own storage, Confluence emulated with space permissions and
 * anonymous access to PUBSPACE, Graph emulated with mailboxes. Every forged payload is refused,
 * changes nothing and shows nothing.
 */
const ALICE = '557058:a11ce000-0000-4000-8000-000000000001';
const MACRO = 'm365-item';
const PANEL = 'm365-issue-panel';
const DEMO_PAGE = '65601'; // space DEMO: confluence-users
const PUBLIC_PAGE = '65602'; // space PUBSPACE: anyone, anonymous visitors too

type Json = any;

const connect = (host: TestHost, user: string, email: string, feature?: string): Promise<void> => connectThroughApp(host, MACRO, user, email, feature);

describe('sharing into Confluence pages', () => {
  let host: TestHost;
  let as: (user: string, module?: string) => { call(fn: string, payload?: unknown): Promise<Json> };
  /** An anonymous visitor (the host's `?as=anonymous` session). */
  let anonymous: (fn: string, payload: unknown) => Promise<Json>;
  let mail: Record<string, { immutableId: string; subject: string }>;
  let mailShare = '';
  let privateConversation = '';
  let publicShare = '';

  beforeAll(async () => {
    host = await startTestHost();
    as = (user, module = MACRO) => ({ call: async (fn, payload = {}) => (await host.asUser(user).invoke(module, fn, payload)).value });
    anonymous = async (fn, payload) => {
      const res = await fetch(`${host.origin}/__host/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'forge_local_as=anonymous' }, body: JSON.stringify({ moduleKey: MACRO, functionKey: fn, payload, extension: {} }) });
      return ((await res.json()) as Json).value;
    };
    await connect(host, 'alice', 'alice@contoso.com', 'share.mail');
    const box = ((await (await fetch(`${host.origin}/__emulator/mail?user=alice`)).json()) as Json).messages as Array<{ key: string; immutableId: string; subject: string }>;
    mail = Object.fromEntries(box.map((m) => [m.key, m]));
    // Public shares are off by default: Alice, a Confluence admin, allows them in Confluence's settings.
    expect(await as('alice', 'm365-confluence-admin').call('admin/settings/save', { sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] } })).toMatchObject({ ok: true });
  }, 90_000);
  afterAll(() => host?.stop());

  it('shares a mail (Atlassian) and a conversation (Private) on page 65601: Bob sees the mail only', async () => {
    const m = await as('alice').call('sharing/create', { pageId: DEMO_PAGE, kind: 'mail', messageId: mail.a1?.immutableId, scope: 'atlassian' });
    expect(m).toMatchObject({ ok: true, value: { existing: false } });
    mailShare = m.value.shareId;
    const c = await as('alice').call('sharing/create', { pageId: DEMO_PAGE, kind: 'conversation', messageId: mail.a6?.immutableId, scope: 'private' });
    expect(c.ok).toBe(true);
    privateConversation = c.value.shareId;
    // Stored in the Confluence installation's entity store, with the page and its space; no mail ↔ issue link.
    const entities = (await host.state()).storage.entities as Array<{ entityName: string; key: string; value: Json }>;
    const mine = entities.filter((e) => e.key === `share:${mailShare}`);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.value).toMatchObject({ product: 'confluence', pageId: DEMO_PAGE, spaceId: '98305' });
    expect(entities.some((e) => e.key === `link:${mailShare}`)).toBe(false);

    const bobMail = await as('bob').call('sharing/pageItem', { pageId: DEMO_PAGE, shareId: mailShare });
    expect(bobMail).toMatchObject({ ok: true, value: { page: { id: DEMO_PAGE, spaceId: '98305' }, item: { kind: 'mail', mine: false, canRemove: false, canChangeScope: false, sharer: { accountId: ALICE, name: 'Alice Adams' } } } });
    expect(bobMail.value.item.messages[0].subject).toBe('Phoenix kickoff agenda');
    const bobConv = await as('bob').call('sharing/pageItem', { pageId: DEMO_PAGE, shareId: privateConversation });
    expect(bobConv.ok).toBe(true);
    expect(bobConv.value.item).toBeUndefined();
    const aliceConv = await as('alice').call('sharing/pageItem', { pageId: DEMO_PAGE, shareId: privateConversation });
    expect(aliceConv.value.item).toMatchObject({ kind: 'conversation', mine: true, canChangeScope: true, canRemove: true });
  });

  it('shows an anonymous visitor nothing on 65601, and a Public share on the public page 65602', async () => {
    expect(await anonymous('sharing/pageItem', { pageId: DEMO_PAGE, shareId: mailShare })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_hidden' } });
    const p = await as('alice').call('sharing/create', { pageId: PUBLIC_PAGE, kind: 'mail', messageId: mail.a1?.immutableId, scope: 'public' });
    expect(p.ok).toBe(true);
    publicShare = p.value.shareId;
    const seen = await anonymous('sharing/pageItem', { pageId: PUBLIC_PAGE, shareId: publicShare });
    expect(seen).toMatchObject({ ok: true, value: { viewer: { loggedIn: false, canShare: false }, item: { kind: 'mail', scope: 'public', sharer: { name: 'Alice Adams' } } } });
    expect(seen.value.item.messages[0].subject).toBe('Phoenix kickoff agenda');
    // The same mail Atlassian-only on the public page: not for anonymous visitors.
    const a = await as('alice').call('sharing/create', { pageId: PUBLIC_PAGE, kind: 'conversation', messageId: mail.a1?.immutableId, scope: 'atlassian' });
    expect((await anonymous('sharing/pageItem', { pageId: PUBLIC_PAGE, shareId: a.value.shareId })).value.item).toBeUndefined();
    // Anonymous visitors only ever view.
    expect(await anonymous('sharing/remove', { pageId: PUBLIC_PAGE, shareId: publicShare })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('answers another page’s share id as if it did not exist, and changes nothing', async () => {
    // 65601's share through the public page (which an anonymous visitor may view).
    expect((await anonymous('sharing/pageItem', { pageId: PUBLIC_PAGE, shareId: mailShare })).value.item).toBeUndefined();
    expect((await as('bob').call('sharing/pageItem', { pageId: PUBLIC_PAGE, shareId: mailShare })).value.item).toBeUndefined();
    expect(await as('alice').call('sharing/scope', { pageId: PUBLIC_PAGE, shareId: mailShare, scope: 'public' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_share_not_found' } });
    expect(await as('alice').call('sharing/remove', { pageId: PUBLIC_PAGE, shareId: mailShare })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await as('bob').call('sharing/pageItem', { pageId: DEMO_PAGE, shareId: mailShare })).value.item).toMatchObject({ scope: 'atlassian' });
  });

  it('refuses a page that does not exist exactly like one the caller may not view', async () => {
    const missing = await as('bob').call('sharing/pageItem', { pageId: '99999', shareId: mailShare });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_hidden' } });
    const hidden = await anonymous('sharing/pageItem', { pageId: DEMO_PAGE, shareId: mailShare });
    expect(hidden.error).toEqual(missing.error);
    expect(JSON.stringify(hidden)).not.toMatch(/Phoenix|kickoff|Alice/i);
    expect(await anonymous('sharing/pageItem', { pageId: DEMO_PAGE })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'page_hidden' } });
  });

  it('lets only the sharer change the scope or remove, and refuses forged payloads', async () => {
    expect(await as('bob').call('sharing/scope', { pageId: DEMO_PAGE, shareId: mailShare, scope: 'private' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'not_owner' } });
    expect(await as('bob').call('sharing/remove', { pageId: DEMO_PAGE, shareId: mailShare })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Bob cannot even tell the private conversation exists.
    expect(await as('bob').call('sharing/scope', { pageId: DEMO_PAGE, shareId: privateConversation, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    for (const bad of [
      { pageId: DEMO_PAGE, shareId: mailShare, scope: 'private', sharerAccountId: ALICE },
      { pageId: DEMO_PAGE, issueId: '10001', shareId: mailShare, scope: 'private' },
      { shareId: mailShare, scope: 'private' },
      { pageId: '65601 OR 1=1', shareId: mailShare, scope: 'private' },
      { pageId: 65601, shareId: mailShare, scope: 'private' },
      { pageId: '../65601', shareId: mailShare, scope: 'private' },
      { pageId: DEMO_PAGE, shareId: `${mailShare}x`, scope: 'private' },
      { pageId: DEMO_PAGE, shareId: mailShare, scope: 'everyone' },
    ]) {
      expect(await as('bob').call('sharing/scope', bad)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    for (const bad of [null, [], { pageId: DEMO_PAGE, shareId: mailShare, extra: 1 }, { pageId: 'x'.repeat(5000) }, { issueId: '10001' }]) {
      expect(await as('bob').call('sharing/pageItem', bad)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect((await as('bob').call('sharing/pageItem', { pageId: DEMO_PAGE, shareId: mailShare })).value.item).toMatchObject({ scope: 'atlassian' });
  });

  it('keeps issue ids in Jira and page ids in Confluence: the installation decides, not the payload', async () => {
    // A page id through the Jira issue panel (Jira's installation), an issue id through the macro (Confluence's).
    expect(await as('alice', PANEL).call('sharing/create', { pageId: DEMO_PAGE, kind: 'mail', messageId: mail.a1?.immutableId, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', reason: 'wrong_product_place' } });
    expect(await as('alice').call('sharing/create', { issueId: '10001', kind: 'mail', messageId: mail.a1?.immutableId, scope: 'atlassian' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', reason: 'wrong_product_place' } });
    expect(await as('alice', PANEL).call('sharing/pageItem', { pageId: DEMO_PAGE, shareId: mailShare })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('counts page shares in what stops when the sharer signs out, and the sharer removes one', async () => {
    expect(await as('alice').call('sharing/mine')).toEqual({ ok: true, value: { count: 4, issues: 0, pages: 2 } });
    expect(await as('alice').call('sharing/remove', { pageId: PUBLIC_PAGE, shareId: publicShare })).toEqual({ ok: true, value: { removed: true } });
    expect((await anonymous('sharing/pageItem', { pageId: PUBLIC_PAGE, shareId: publicShare })).value.item).toBeUndefined();
  });

  it('gives the editor what they may share here (no share yet) in one call', async () => {
    const r = await as('alice').call('sharing/pageItem', { pageId: DEMO_PAGE });
    expect(r).toMatchObject({ ok: true, value: { page: { id: DEMO_PAGE }, viewer: { loggedIn: true, connected: true, mailAllowed: true, canShare: true }, sharing: { allowedScopes: ['private', 'atlassian', 'public'] } } });
    expect(r.value.item).toBeUndefined();
  });
});
