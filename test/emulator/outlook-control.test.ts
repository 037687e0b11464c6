import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mailControlRoutes } from '../../dev/emulator/microsoft/index';
import { LOCAL_ENTRA_APP } from '../../dev/host/local-app';
import { startTestHost, type TestHost } from '../support/host';
import { consentAndGetRedirect, CONTOSO_TENANT, graphFetch, pkcePair, type Running, signIn, startEmulator, type Tokens } from './support';

// Mail that changes while the app runs: a reply arrives after sharing, the owner moves or deletes
// a message. Driven through the control routes as the host mounts them (/__emulator/mail).

 
type Json = Record<string, any>;

let run: Running;
let alice: Tokens;
let bob: Tokens;
let control: Hono;

beforeAll(async () => {
  run = await startEmulator();
  alice = await signIn(run, 'alice@contoso.com');
  bob = await signIn(run, 'bob@contoso.com');
  control = new Hono().route('/__emulator/mail', mailControlRoutes(run.emu.mail));
});
afterEach(() => { run.emu.mail.reset(); });
afterAll(async () => { await run.close(); });

const post = async (path: string, body: unknown) => {
  const res = await control.request(`/__emulator/mail${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json };
};
const get = async (token: string, path: string, headers: Record<string, string> = {}) => {
  const res = await graphFetch(run, token, path, { headers });
  return { status: res.status, body: (await res.json()) as Json };
};
const inAlices = (key: string) => run.emu.mail.list('alice').find((m) => m.key === key);
const enc = encodeURIComponent;

describe('POST /__emulator/mail', () => {
  it('delivers a reply from outside with a new conversationId; it threads by References and its uniqueBody is only the reply', async () => {
    const root = inAlices('a6');
    const last = inAlices('a8');
    const res = await post('', {
      to: 'alice', from: 'dana.ruiz@northwind.example', subject: 'RE: Phoenix vendor contract: two questions',
      html: '<html><body><p>Revised draft attached.</p><p>Dana</p></body></html>', inReplyTo: last?.internetMessageId, conversation: 'new',
      attachments: [{ name: 'Contract v2.pdf', contentType: 'application/pdf', text: '%PDF-1.4 v2' }],
    });
    expect(res.status).toBe(201);
    const [delivered] = res.body['messages'] as Json[];
    expect(delivered).toMatchObject({ user: 'alice', folder: 'inbox' });
    expect(delivered?.['conversationId']).not.toBe(last?.conversationId);

    const newest = await get(alice.access_token, '/me/messages?$top=1&$select=subject,hasAttachments', { Prefer: 'IdType="ImmutableId"' });
    expect(newest.body['value'][0]).toMatchObject({ id: delivered?.['immutableId'], hasAttachments: true });
    const thread = await get(alice.access_token,
      `/me/messages?$filter=singleValueExtendedProperties/any(ep:ep/id eq 'String 0x1039' and contains(ep/value, '${enc(root?.internetMessageId ?? '')}'))&$select=subject`);
    expect(thread.body['value']).toHaveLength(3);
    const one = await get(alice.access_token, `/me/messages/${enc(String(delivered?.['id']))}?$select=body,uniqueBody`);
    expect(one.body['uniqueBody'].content).toContain('Revised draft attached.');
    expect(one.body['uniqueBody'].content).not.toContain('two-year term works');
    expect(one.body['body'].content).toContain('two-year term works');
  });

  it("a colleague's reply stays in the conversation and lands in the sender's Sent Items too", async () => {
    const a3 = inAlices('a3');
    const res = await post('', {
      to: ['alice'], from: 'bob', subject: 'RE: Phoenix kickoff agenda', html: '<p>Budget approved.</p>', inReplyTo: a3?.internetMessageId,
    });
    expect((res.body['messages'] as Json[]).map((m) => [m['user'], m['folder']])).toEqual([['bob', 'sentitems'], ['alice', 'inbox']]);
    const thread = await get(alice.access_token, `/me/messages?$filter=${enc(`conversationId eq '${a3?.conversationId ?? ''}'`)}&$select=subject`);
    expect(thread.body['value']).toHaveLength(4);
    const bobs = await get(bob.access_token, '/me/mailFolders/sentitems/messages?$top=1&$select=subject,uniqueBody', { Prefer: 'outlook.body-content-type="text"' });
    expect(bobs.body['value'][0]['uniqueBody'].content).toBe('Budget approved.');
  });

  it('refuses what cannot be delivered, and changes nothing', async () => {
    const before = run.emu.mail.list('alice').length;
    expect((await post('', { to: 'alice', from: 'bob', html: '<p>x</p>' })).status).toBe(400);
    expect((await post('', { to: 'alice', from: 'bob', subject: 's', html: 'x', conversation: 'sideways' })).status).toBe(400);
    expect((await post('', { to: 'alice', from: 'bob', subject: 's', html: 'x', inReplyTo: '<nobody@nowhere>' })).status).toBe(404);
    expect((await post('', { to: 'nobody@elsewhere.example', from: 'someone@elsewhere.example', subject: 's', html: 'x' })).status).toBe(400);
    expect((await post('', { to: 'alice', from: 'bob', subject: 's', html: 'x', attachments: [{ name: 'a' }] })).status).toBe(400);
    expect(run.emu.mail.list('alice')).toHaveLength(before);
  });
});

describe('POST /__emulator/mail/move and /delete', () => {
  it('move gives a new default id, keeps the immutable id; delete makes both 404', async () => {
    const a1 = inAlices('a1');
    const moved = await post('/move', { user: 'alice', id: a1?.immutableId, folder: 'archive' });
    expect(moved.status).toBe(200);
    expect(moved.body['message']).toMatchObject({ folder: 'archive', immutableId: a1?.immutableId });
    expect(moved.body['message']['id']).not.toBe(a1?.id);
    expect((await get(alice.access_token, `/me/messages/${enc(a1?.id ?? '')}`)).status).toBe(404);
    expect((await get(alice.access_token, `/me/mailFolders/archive/messages/${enc(String(moved.body['message']['id']))}?$select=subject`)).body['subject'])
      .toBe('Phoenix kickoff agenda');

    const deleted = await post('/delete', { user: 'alice@contoso.com', id: a1?.internetMessageId });
    expect(deleted.status).toBe(200);
    for (const id of [a1?.immutableId, moved.body['message']['id']]) {
      expect((await get(alice.access_token, `/me/messages/${enc(String(id))}`)).body['error'].code).toBe('ErrorItemNotFound');
    }
    expect((await post('/delete', { user: 'alice', id: 'a1' })).status).toBe(404);
    expect((await post('/move', { user: 'alice', id: 'a2', folder: 'nowhere' })).status).toBe(400);
  });

  it('GET /__emulator/mail lists a mailbox; reset brings the fixture back', async () => {
    await post('/delete', { user: 'alice', id: 'a1' });
    const listed = (await (await control.request('/__emulator/mail?user=alice')).json()) as { messages: Json[] };
    expect(listed.messages.map((m) => m['key'])).not.toContain('a1');
    run.emu.mail.reset();
    expect(run.emu.mail.list('alice').map((m) => m.key)).toContain('a1');
    expect((await control.request('/__emulator/mail?user=nobody@contoso.com')).status).toBe(404);
  });
});

describe('through the local host', () => {
  let host: TestHost;
  beforeAll(async () => { host = await startTestHost(); });
  afterAll(async () => { await host.stop(); });

  it('serves the mail control routes under /__emulator and counts Graph requests per mailbox in /__emulator/state', async () => {
    const delivered = await host.control('mail', { to: 'alice', from: 'bob', subject: 'Ping', html: '<p>Ping</p>' });
    expect(delivered.status).toBe(201);
    host.microsoft.grantConsent({ tenant: CONTOSO_TENANT, clientId: LOCAL_ENTRA_APP.clientId, scopes: ['Mail.Read'] });
    const redirectUri = `${host.origin}/test/callback`;
    host.microsoft.registerRedirectUri(LOCAL_ENTRA_APP.clientId, redirectUri);
    const { verifier, challenge } = pkcePair();
    // Sign-in and Graph each have their own origin on the host (dev/host/README.md, "One origin per Microsoft host").
    const { login, graph } = host.microsoftOrigins;
    const asHost = { origin: login, redirectUri } as Running;
    const back = await consentAndGetRedirect(asHost, 'alice@contoso.com', { clientId: LOCAL_ENTRA_APP.clientId, redirectUri, challenge, scope: 'openid Mail.Read' });
    const token = await fetch(`${login}/login/contoso.com/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', client_id: LOCAL_ENTRA_APP.clientId, client_secret: LOCAL_ENTRA_APP.clientSecret,
        code: back.searchParams.get('code') ?? '', redirect_uri: redirectUri, code_verifier: verifier,
      }),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const newest = await fetch(`${graph}/graph/v1.0/me/messages?$top=1&$select=subject`, { headers: { Authorization: `Bearer ${access_token}` } });
    expect(((await newest.json()) as Json)['value'][0]['subject']).toBe('Ping');
    const state = await host.state();
    expect(state.stats.microsoft.mailboxes['alice@contoso.com']).toMatchObject({ requests: 1, batchParts: 0, throttled: 0 });
    await host.control('reset');
    expect((await host.state()).stats.microsoft.mailboxes).toEqual({});
  });
});
