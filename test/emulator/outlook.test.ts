import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CONTOSO_TENANT, graphFetch, type Running, signIn, startEmulator, type Tokens } from './support';

// Outlook mail as a Graph client sees it: ids by Prefer, scopes per token, $search, threads by
// conversationId and by References, uniqueBody, Graph's HTML filter and attachments.

 
type Json = Record<string, any>;

let run: Running;
let alice: Tokens;
let bob: Tokens;

beforeAll(async () => {
  run = await startEmulator();
  alice = await signIn(run, 'alice@contoso.com');
  bob = await signIn(run, 'bob@contoso.com');
});
afterEach(() => { run.emu.mail.reset(); });
afterAll(async () => { await run.close(); });

const get = async (token: string, path: string, headers: Record<string, string> = {}) => {
  const res = await graphFetch(run, token, path, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
};

/** The emulator's own list of a mailbox: ids by fixture key. */
const mailbox = (user: string) => Object.fromEntries(run.emu.mail.list(user).map((m) => [m.key, m]));
const idOf = (user: string, key: string): string => mailbox(user)[key]?.id ?? '';
const enc = encodeURIComponent;

describe('permissions in the token', () => {
  it('a token without Mail.Read gets Exchange\'s 403 on every mail route', async () => {
    const narrow = await signIn(run, 'alice@contoso.com', { scope: 'openid User.Read' });
    for (const path of ['/me/messages', `/me/messages/${enc(idOf('alice', 'a1'))}`, '/me/mailFolders/inbox/messages']) {
      const res = await get(narrow.access_token, path);
      expect(res.status).toBe(403);
      expect(res.body['error']).toMatchObject({ code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' });
    }
  });

  it('Mail.ReadBasic lists mail without bodies and is refused bodies, attachments and $search', async () => {
    run.emu.grantConsent({ tenant: CONTOSO_TENANT, clientId: CLIENT_ID, scopes: ['Mail.ReadBasic'] });
    const basic = await signIn(run, 'alice@contoso.com', { scope: 'openid Mail.ReadBasic' });
    const list = await get(basic.access_token, '/me/messages?$top=3');
    expect(list.status).toBe(200);
    expect(list.body['value'][0]).toHaveProperty('subject');
    expect(list.body['value'][0]).not.toHaveProperty('body');
    expect(list.body['value'][0]).not.toHaveProperty('bodyPreview');
    const denied = [
      `/me/messages/${enc(idOf('alice', 'a1'))}?$select=body`,
      `/me/messages/${enc(idOf('alice', 'a11'))}/attachments`,
      '/me/messages?$search="budget"',
    ];
    for (const path of denied) expect((await get(basic.access_token, path)).body['error']?.code, path).toBe('ErrorAccessDenied');
  });

  it("another person's mailbox is refused to a delegated token, with or without Mail.Read.Shared; one's own works by id", async () => {
    const other = await get(alice.access_token, '/users/bob@contoso.com/messages');
    expect(other.status).toBe(403);
    expect(other.body['error'].code).toBe('ErrorAccessDenied');
    run.emu.grantConsent({ tenant: CONTOSO_TENANT, clientId: CLIENT_ID, scopes: ['Mail.Read.Shared'] });
    const shared = await signIn(run, 'alice@contoso.com', { scope: 'openid Mail.Read.Shared' });
    expect((await get(shared.access_token, '/users/bob@contoso.com/messages')).body['error'].code).toBe('ErrorAccessDenied');
    const own = await get(alice.access_token, '/users/a11ce000-1111-4aaa-8aaa-000000000001/messages?$top=1&$select=subject');
    expect(own.status).toBe(200);
    expect((await get(alice.access_token, '/users/nobody@contoso.com/messages')).body['error'].code).toBe('ErrorInvalidUser');
  });

  it("one person's message id is not found in another's mailbox", async () => {
    const res = await get(bob.access_token, `/me/messages/${enc(idOf('alice', 'a1'))}`);
    expect(res.status).toBe(404);
    expect(res.body['error'].code).toBe('ErrorItemNotFound');
  });

  it('a guest has no mailbox in the inviting tenant', async () => {
    const gina = await signIn(run, 'gina@fabrikam.com', { tenant: CONTOSO_TENANT });
    const res = await get(gina.access_token, '/me/messages');
    expect(res.status).toBe(404);
    expect(res.body['error'].code).toBe('MailboxNotEnabledForRESTAPI');
  });
});

describe('ids', () => {
  it('default and immutable ids differ, both open the message, and Preference-Applied says which was given', async () => {
    const plain = await get(alice.access_token, '/me/messages?$select=subject&$top=50');
    const immutable = await get(alice.access_token, '/me/messages?$select=subject&$top=50', { Prefer: 'IdType="ImmutableId"' });
    expect(plain.headers.get('preference-applied')).toBeNull();
    expect(immutable.headers.get('preference-applied')).toBe('IdType="ImmutableId"');
    const p = plain.body['value'] as Json[];
    const i = immutable.body['value'] as Json[];
    expect(p.map((m) => m['subject'])).toEqual(i.map((m) => m['subject']));
    for (const [k, m] of p.entries()) expect(m['id']).not.toBe(i[k]?.['id']);
    for (const id of [p[0]?.['id'], i[0]?.['id']]) {
      const one = await get(alice.access_token, `/me/messages/${enc(String(id))}?$select=subject`);
      expect(one.body['subject']).toBe(p[0]?.['subject']);
    }
  });

  it('ids carry + / = and must be percent-encoded; malformed, re-cased and unknown ids are refused as Exchange does', async () => {
    const id = idOf('alice', 'a1');
    expect(id).toMatch(/\+/);
    expect(id).toMatch(/\//);
    expect(id).toMatch(/=$/);
    const split = await get(alice.access_token, `/me/messages/${id}`);
    expect(split.status).toBe(400);
    expect(split.body['error'].code).toBe('RequestBroker--ParseUri');
    const rawPlus = await get(alice.access_token, `/me/messages/${id.replaceAll('/', '%2F')}`);
    expect(rawPlus.body['error']).toMatchObject({ code: 'ErrorInvalidIdMalformed', message: 'Id is malformed.' });
    expect((await get(alice.access_token, '/me/messages/not-an-id')).body['error'].code).toBe('ErrorInvalidIdMalformed');
    const recased = await get(alice.access_token, `/me/messages/${enc(id.toLowerCase())}`);
    expect(recased.status).toBe(404);
    expect(recased.body['error']).toMatchObject({ code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' });
  });

  it('moving a message changes its default id but not its immutable id', async () => {
    const before = mailbox('alice')['a5'];
    const moved = run.emu.mail.move({ user: 'alice', id: 'a5', folder: 'archive' });
    expect(moved.id).not.toBe(before?.id);
    expect(moved.immutableId).toBe(before?.immutableId);
    expect((await get(alice.access_token, `/me/messages/${enc(before?.id ?? '')}`)).status).toBe(404);
    const again = await get(alice.access_token, `/me/messages/${enc(before?.immutableId ?? '')}?$select=subject,parentFolderId`, { Prefer: 'IdType="ImmutableId"' });
    expect(again.body['subject']).toBe('Design review notes');
    const archive = await get(alice.access_token, '/me/mailFolders/archive');
    expect(again.body['parentFolderId']).toBe(archive.body['id']);
  });

  it('a message deleted for good is 404 by either id; one moved to Deleted Items is still there, in that folder', async () => {
    const a4 = mailbox('alice')['a4'];
    run.emu.mail.remove({ user: 'alice', id: 'a4' });
    for (const id of [a4?.id, a4?.immutableId]) expect((await get(alice.access_token, `/me/messages/${enc(id ?? '')}`)).body['error'].code).toBe('ErrorItemNotFound');
    run.emu.mail.move({ user: 'alice', id: 'a10', folder: 'deleteditems' });
    const deleted = await get(alice.access_token, '/me/mailFolders/deleteditems/messages?$select=subject');
    expect((deleted.body['value'] as Json[]).map((m) => m['subject']).sort()).toEqual(['Cafeteria menu, last week', 'Northwind quarterly']);
  });
});

describe('listing', () => {
  it('pages newest first with $top and the nextLink ($skip) until every message was seen once', async () => {
    const seen: Json[] = [];
    let next: string | undefined = '/me/messages?$top=4&$select=subject,receivedDateTime';
    while (next) {
      const page = await get(alice.access_token, next);
      expect(page.status).toBe(200);
      seen.push(...(page.body['value'] as Json[]));
      const link = page.body['@odata.nextLink'] as string | undefined;
      if (link) expect(link).toMatch(/\$skip=\d+/);
      next = link?.slice(`${run.origin}/graph/v1.0`.length);
    }
    expect(seen).toHaveLength(Object.keys(mailbox('alice')).length);
    expect(new Set(seen.map((m) => m['id'])).size).toBe(seen.length);
    const times = seen.map((m) => String(m['receivedDateTime']));
    expect(times).toEqual([...times].sort().reverse());
    expect(Object.keys(seen[0] ?? {}).sort()).toEqual(['@odata.etag', 'id', 'receivedDateTime', 'subject']);
  });

  it('returns the documented properties, and uniqueBody and internetMessageHeaders only when selected', async () => {
    const one = await get(alice.access_token, `/me/messages/${enc(idOf('alice', 'a3'))}`);
    for (const p of ['id', 'internetMessageId', 'conversationId', 'conversationIndex', 'subject', 'from', 'toRecipients', 'ccRecipients',
      'receivedDateTime', 'sentDateTime', 'hasAttachments', 'bodyPreview', 'body', 'isDraft', 'parentFolderId']) expect(one.body, p).toHaveProperty(p);
    expect(one.body).not.toHaveProperty('uniqueBody');
    expect(one.body).not.toHaveProperty('internetMessageHeaders');
    expect(one.body['ccRecipients']).toEqual([{ emailAddress: { name: 'Carol Chen', address: 'carol@contoso.com' } }]);
    const draft = await get(alice.access_token, `/me/messages/${enc(idOf('alice', 'a14'))}?$select=isDraft`);
    expect(draft.body['isDraft']).toBe(true);
    expect((await get(alice.access_token, '/me/messages?$select=nonsense')).body['error'].code).toBe('RequestBroker--ParseUri');
    expect((await get(alice.access_token, "/me/messages?$filter=nonsense eq 'x'")).body['error'].code).toBe('RequestBroker--ParseUri');
    expect((await get(alice.access_token, "/me/messages?$filter=webLink eq 'x'")).body['error'].code).toBe('ErrorInvalidUrlQueryFilter');
  });
});

describe('$search', () => {
  it('finds words in subject, body and sender, newest sent first', async () => {
    const res = await get(alice.access_token, '/me/messages?$search="budget"&$select=subject,sentDateTime&$top=50');
    const keys = (res.body['value'] as Json[]).map((m) => Object.values(mailbox('alice')).find((x) => x.id === m['id'])?.key);
    expect(keys).toEqual(expect.arrayContaining(['a2', 'a3', 'a14']));
    expect(keys).not.toContain('a9');
    const sent = (res.body['value'] as Json[]).map((m) => String(m['sentDateTime']));
    expect(sent).toEqual([...sent].sort().reverse());
    const fromDana = await get(alice.access_token, '/me/messages?$search="from:dana"&$select=subject');
    expect((fromDana.body['value'] as Json[]).map((m) => m['subject'])).toEqual(['RE: Phoenix vendor contract: two questions']);
    const none = await get(alice.access_token, '/me/messages?$search="zeppelin"');
    expect(none.body['value']).toEqual([]);
  });

  it('refuses $orderby and $filter next to $search, as Graph does', async () => {
    const ordered = await get(alice.access_token, '/me/messages?$search="budget"&$orderby=receivedDateTime desc');
    expect(ordered.status).toBe(400);
    expect(ordered.body['error']).toMatchObject({ code: 'SearchWithOrderBy', message: "The query parameter '$orderBy' is not supported with '$search'." });
    const filtered = await get(alice.access_token, "/me/messages?$search=\"budget\"&$filter=isRead eq false");
    expect(filtered.body['error'].code).toBe('SearchWithFilter');
  });
});

describe('threads', () => {
  it('a conversation spans Inbox and Sent Items; $filter on conversationId finds it; $orderby with it is InefficientFilter', async () => {
    const a1 = await get(alice.access_token, `/me/messages/${enc(idOf('alice', 'a1'))}?$select=conversationId`);
    const conv = String(a1.body['conversationId']);
    const thread = await get(alice.access_token, `/me/messages?$filter=${enc(`conversationId eq '${conv}'`)}&$select=subject,parentFolderId,receivedDateTime`);
    expect(thread.body['value']).toHaveLength(3);
    const [inbox, sent] = await Promise.all([get(alice.access_token, '/me/mailFolders/inbox'), get(alice.access_token, '/me/mailFolders/sentitems')]);
    expect(new Set((thread.body['value'] as Json[]).map((m) => m['parentFolderId']))).toEqual(new Set([inbox.body['id'], sent.body['id']]));
    const refused = await get(alice.access_token, `/me/messages?$filter=${enc(`conversationId eq '${conv}'`)}&$orderby=receivedDateTime desc`);
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toMatchObject({ code: 'InefficientFilter', message: 'The restriction or sort order is too complex for this operation.' });
    const allowed = await get(alice.access_token,
      `/me/messages?$filter=${enc(`receivedDateTime ge 2000-01-01T00:00:00Z and conversationId eq '${conv}'`)}&$orderby=receivedDateTime desc&$select=receivedDateTime`);
    const times = (allowed.body['value'] as Json[]).map((m) => String(m['receivedDateTime']));
    expect(times).toHaveLength(3);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('an external reply has a new conversationId but In-Reply-To and References point into the thread', async () => {
    const box = mailbox('alice');
    const a6 = await get(alice.access_token, `/me/messages/${enc(box['a6']?.id ?? '')}?$select=conversationId,internetMessageId,internetMessageHeaders`);
    const a7 = await get(alice.access_token, `/me/messages/${enc(box['a7']?.id ?? '')}?$select=conversationId,internetMessageHeaders`);
    expect(a7.body['conversationId']).not.toBe(a6.body['conversationId']);
    // The copy in Sent Items carries no internet headers (microsoft-graph-docs #2716).
    expect(a6.body).not.toHaveProperty('internetMessageHeaders');
    const headers = Object.fromEntries((a7.body['internetMessageHeaders'] as Array<{ name: string; value: string }>).map((h) => [h.name, h.value]));
    expect(headers['In-Reply-To']).toBe(a6.body['internetMessageId']);
    expect(headers['References']).toContain(String(a6.body['internetMessageId']));
    const root = encodeURIComponent(String(a6.body['internetMessageId']));
    const replies = await get(alice.access_token,
      `/me/messages?$filter=singleValueExtendedProperties/any(ep:ep/id eq 'String 0x1039' and contains(ep/value, '${root}'))&$select=subject`);
    const keys = (replies.body['value'] as Json[]).map((m) => Object.values(box).find((x) => x.id === m['id'])?.key).sort();
    expect(keys).toEqual(['a7', 'a8']);
    const a8 = await get(alice.access_token, `/me/messages/${enc(box['a8']?.id ?? '')}?$expand=${enc("singleValueExtendedProperties($filter=id eq 'String 0x1042')")}`);
    expect(a8.body['singleValueExtendedProperties']).toEqual([{ id: 'String 0x1042', value: mailbox('alice')['a7']?.internetMessageId }]);
  });

  it('uniqueBody is the part not quoted from earlier mail, in HTML and in text', async () => {
    const path = `/me/messages/${enc(idOf('alice', 'a3'))}?$select=body,uniqueBody`;
    const html = await get(alice.access_token, path);
    expect(html.body['body'].content).toContain('Carol joins too');
    expect(html.body['body'].content).toContain('Can we add budget?');
    expect(html.body['uniqueBody'].contentType).toBe('html');
    expect(html.body['uniqueBody'].content).toContain('Carol joins too');
    expect(html.body['uniqueBody'].content).not.toContain('Can we add budget?');
    const text = await get(alice.access_token, path, { Prefer: 'outlook.body-content-type="text"' });
    expect(text.headers.get('preference-applied')).toBe('outlook.body-content-type="text"');
    expect(text.body['uniqueBody']).toEqual({ contentType: 'text', content: 'Added budget as item 4. Carol joins too.\r\n\r\nBob' });
    expect(text.body['body'].content).not.toMatch(/<\/?(html|p|div|br|ol|li)\b/i);
    expect(text.body['body'].content).toContain('Can we add budget?');
  });
});

describe('mail HTML', () => {
  it('script is filtered out by default and returned only with Prefer: outlook.allow-unsafe-html', async () => {
    const path = `/me/messages/${enc(idOf('alice', 'a9'))}?$select=body,uniqueBody`;
    const safe = await get(alice.access_token, path);
    const raw = await get(alice.access_token, path, { Prefer: 'outlook.allow-unsafe-html' });
    for (const part of ['body', 'uniqueBody']) {
      expect(safe.body[part].content).not.toMatch(/<script/i);
      expect(raw.body[part].content).toMatch(/<script>/);
    }
  });

  it('keeps what Graph does not document removing, so the app\'s own sanitiser meets it', async () => {
    const safe = String((await get(alice.access_token, `/me/messages/${enc(idOf('alice', 'a9'))}?$select=body`)).body['body'].content);
    for (const survivor of ['onerror=', 'onload=', 'javascript:', 'data:text/html', '<svg', '<form', '<base href', 'http-equiv="refresh"',
      'position:fixed', 'url(', '<iframe', 'https://evil.example/pixel.gif']) expect(safe, survivor).toContain(survivor);
    expect(safe.startsWith('<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">')).toBe(true);
  });
});

describe('attachments', () => {
  it('lists file attachments; inline images carry the contentId the body references; bytes round-trip', async () => {
    const id = enc(idOf('alice', 'a11'));
    const msg = await get(alice.access_token, `/me/messages/${id}?$select=body,hasAttachments`);
    expect(msg.body['hasAttachments']).toBe(true);
    const list = await get(alice.access_token, `/me/messages/${id}/attachments`);
    const atts = list.body['value'] as Json[];
    expect(atts.map((a) => [a['name'], a['isInline']])).toEqual([['image001.png', true], ['image002.png', true], ['Site survey.pdf', false]]);
    for (const a of atts.filter((x) => x['isInline'])) expect(msg.body['body'].content).toContain(`cid:${String(a['contentId'])}`);
    const png = atts[0] ?? {};
    expect(png['@odata.type']).toBe('#microsoft.graph.fileAttachment');
    expect(Buffer.from(String(png['contentBytes']), 'base64').toString('base64'))
      .toBe('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==');
    expect(png['size']).toBe(Buffer.from(String(png['contentBytes']), 'base64').length);
    const one = await get(alice.access_token, `/me/messages/${id}/attachments/${enc(String(atts[1]?.['id']))}`);
    expect(one.body['contentId']).toBe('site-2@contoso.com');
    expect(Buffer.from(String(one.body['contentBytes']), 'base64').subarray(0, 4).toString('hex')).toBe('89504e47');
  });

  it('$select leaves the bytes out; immutable ids apply to attachments; inline-only mail has hasAttachments false', async () => {
    const id = enc(idOf('alice', 'a12'));
    const slim = await get(alice.access_token, `/me/messages/${id}/attachments?$select=id,name,contentType,size,isInline,contentId`);
    const a = (slim.body['value'] as Json[])[0] ?? {};
    expect(a).not.toHaveProperty('contentBytes');
    expect(a['size']).toBe(1_200_000);
    const immutable = await get(alice.access_token, `/me/messages/${id}/attachments?$select=id`, { Prefer: 'IdType="ImmutableId"' });
    expect((immutable.body['value'] as Json[])[0]?.['id']).not.toBe(a['id']);
    expect((await get(alice.access_token, `/me/messages/${id}?$select=hasAttachments`)).body['hasAttachments']).toBe(false);
  });
});

describe('one mailbox at a time', () => {
  afterEach(() => { run.emu.faults.set({ latencyMs: 0, failNext: [] }); });

  it('a fifth concurrent request to one mailbox gets 429 ApplicationThrottled with Retry-After; another mailbox is unaffected', async () => {
    run.emu.faults.set({ latencyMs: 300 });
    const before = run.emu.stats().mailboxes['alice@contoso.com'] ?? { requests: 0, throttled: 0 };
    const id = enc(idOf('alice', 'a1'));
    const [results, bobs] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => graphFetch(run, alice.access_token, `/me/messages/${id}?$select=subject`))),
      graphFetch(run, bob.access_token, '/me/messages?$top=1'),
    ]);
    const throttled = results.filter((r) => r.status === 429);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 429]);
    expect(throttled[0]?.headers.get('retry-after')).toBe('1');
    expect(await throttled[0]?.json()).toMatchObject({ error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } });
    expect(bobs.status).toBe(200);
    const after = run.emu.stats().mailboxes['alice@contoso.com'];
    expect([(after?.requests ?? 0) - before.requests, (after?.throttled ?? 0) - before.throttled]).toEqual([5, 1]);
  });

  it('a batch runs four parts at a time, so a batch beside a request in flight loses a part', async () => {
    run.emu.faults.set({ latencyMs: 300 });
    const before = run.emu.stats().mailboxes['alice@contoso.com'] ?? { requests: 0, batchParts: 0 };
    const requests = ['a1', 'a2', 'a3', 'a5'].map((k, i) => ({ id: String(i), method: 'GET', url: `/me/messages/${enc(idOf('alice', k))}?$select=subject` }));
    const alone = await graphFetch(run, alice.access_token, '/$batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requests }) });
    expect(((await alone.json()) as { responses: Json[] }).responses.map((r) => r['status'])).toEqual([200, 200, 200, 200]);
    const [, beside] = await Promise.all([
      graphFetch(run, alice.access_token, '/me/messages?$top=1'),
      graphFetch(run, alice.access_token, '/$batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requests }) }),
    ]);
    const statuses = ((await beside.json()) as { responses: Json[] }).responses.map((r) => r['status']);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    const after = run.emu.stats().mailboxes['alice@contoso.com'];
    expect([(after?.requests ?? 0) - before.requests, (after?.batchParts ?? 0) - before.batchParts]).toEqual([3, 8]);
  });

  it('injected faults still reach mail requests', async () => {
    run.emu.faults.set({ failNext: [{ status: 503, retryAfterSeconds: 2 }] });
    const res = await graphFetch(run, alice.access_token, '/me/messages?$top=1');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await graphFetch(run, alice.access_token, '/me/messages?$top=1')).status).toBe(200);
  });
});
