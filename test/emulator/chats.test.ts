import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CONTOSO_TENANT, graphFetch, relativeNextLink, type Running, signIn, startEmulator, type Tokens } from './support';

// Reading Teams chats as a client sees them: paging, ordering, system events, mentions, reactions, hosted
// images, permissions and Teams' per-chat request limit. Fixture: dev/emulator/microsoft/README.md, "Teams chats".

type Json = Record<string, unknown>;
interface Page<T = Json> { value: T[]; '@odata.nextLink'?: string; '@odata.count'?: number }
interface Identity { id: string; displayName: string | null }
interface Message {
  id: string; messageType: string; createdDateTime: string; lastModifiedDateTime: string; lastEditedDateTime: string | null;
  deletedDateTime: string | null; importance: string; from: { user: Identity } | null; body: { contentType: string; content: string };
  mentions: Array<{ id: number; mentionText: string; mentioned: { user: Identity } }>;
  reactions: Array<{ reactionType: string; displayName: string | null; user: { user: Identity } }>;
  attachments: Array<{ contentType: string; contentUrl: string; name: string; id: string }>;
  eventDetail: (Json & { '@odata.type': string }) | null;
}
interface Chat { id: string; topic: string | null; chatType: string; members?: Array<{ displayName: string; email: string; userId: string }>; onlineMeetingInfo: { joinWebUrl: string; calendarEventId: string } | null }

const ONE_ON_ONE = '19:a11ce000-1111-4aaa-8aaa-000000000001_b0b00000-2222-4bbb-8bbb-000000000002@unq.gbl.spaces';
const LAUNCH = '19:7a1c3e5b9d2f4a6c8e0b1d3f5a7c9e2b@thread.v2';
const MEETING = '19:meeting_NjJkYzE0ZDYtOGE3Zi00YjI1LWE5ZTEtM2M0ZDVlNmY3YTgx@thread.v2';
const WAR_ROOM = '19:5e1f0a2b3c4d4e5f8a9b0c1d2e3f4a5b@thread.v2';
const BOB_CAROL = '19:b0b00000-2222-4bbb-8bbb-000000000002_ca401000-3333-4ccc-8ccc-000000000003@unq.gbl.spaces';
const CAROL_OID = 'ca401000-3333-4ccc-8ccc-000000000003';

let run: Running;
const t: Record<string, Tokens> = {};

/** Teams answers one request per second per app and chat: the tests move the emulator's clock on between requests. */
const tick = (): void => { run.clock.offsetMs += 1100; };

const get = async <T = Json>(who: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> => {
  tick();
  const res = await graphFetch(run, t[who]?.access_token ?? '', path, { headers });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: (type.includes('json') ? await res.json() : await res.arrayBuffer()) as T, headers: res.headers };
};

const chatPath = (id: string) => `/chats/${encodeURIComponent(id)}`;

const allMessages = async (who: string, chat: string, query = '', headers: Record<string, string> = {}): Promise<{ messages: Message[]; pages: number }> => {
  const messages: Message[] = [];
  let next: string | undefined = `${chatPath(chat)}/messages${query}`;
  let pages = 0;
  while (next) {
    const r: { status: number; body: Page<Message> } = await get<Page<Message>>(who, next, headers);
    expect(r.status).toBe(200);
    messages.push(...r.body.value);
    pages++;
    const link = r.body['@odata.nextLink'];
    next = link ? relativeNextLink(run, link) : undefined;
  }
  return { messages, pages };
};

beforeAll(async () => {
  run = await startEmulator();
  run.emu.grantConsent({ tenant: CONTOSO_TENANT, clientId: CLIENT_ID, scopes: ['Chat.ReadBasic'] });
  for (const who of ['alice', 'bob', 'carol']) t[who] = await signIn(run, `${who}@contoso.com`);
  t['alice-basic'] = await signIn(run, 'alice@contoso.com', { scope: 'openid profile offline_access User.Read Chat.ReadBasic' });
  t['alice-none'] = await signIn(run, 'alice@contoso.com', { scope: 'openid profile offline_access User.Read' });
});
afterAll(async () => { await run.close(); });

describe('chats', () => {
  it("lists only the caller's chats, with their type, topic and (on request) members", async () => {
    const alice = await get<Page<Chat>>('alice', '/me/chats?$expand=members');
    expect(alice.body.value.map((c) => c.id).sort()).toEqual([LAUNCH, MEETING, WAR_ROOM, ONE_ON_ONE].sort());
    const byId = new Map(alice.body.value.map((c) => [c.id, c]));
    expect(byId.get(ONE_ON_ONE)).toMatchObject({ chatType: 'oneOnOne', topic: null });
    expect(byId.get(LAUNCH)).toMatchObject({ chatType: 'group', topic: 'Phoenix launch' });
    expect(byId.get(MEETING)?.chatType).toBe('meeting');
    expect(byId.get(LAUNCH)?.members?.map((m) => m.email).sort()).toEqual(['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com']);
    const carol = await get<Page<Chat>>('carol', '/me/chats');
    expect(carol.body.value.map((c) => c.id)).not.toContain(ONE_ON_ONE);
    expect(carol.body.value.map((c) => c.id)).toContain(BOB_CAROL);
    const groups = await get<Page<Chat>>('alice', `/me/chats?$filter=${encodeURIComponent("chatType eq 'group'")}`);
    expect(groups.body.value.map((c) => c.chatType)).toEqual(['group', 'group']);
    const tooMany = await get<{ error: { message: string } }>('alice', '/me/chats?$top=51');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain("The limit of '50' for Top query has been exceeded");
  });

  it('ties a meeting chat to its online meeting', async () => {
    const chat = await get<Chat>('alice', chatPath(MEETING));
    expect(chat.body.topic).toBe('Phoenix weekly sync');
    const event = await get<{ subject: string; onlineMeeting: { joinUrl: string } }>('alice', `/me/events/${encodeURIComponent(chat.body.onlineMeetingInfo?.calendarEventId ?? '')}`);
    expect(event.body.subject).toBe('Phoenix weekly sync');
    expect(chat.body.onlineMeetingInfo?.joinWebUrl).toBe(event.body.onlineMeeting.joinUrl);
  });

  it('refuses non-members with 403, and an unknown chat with 404', async () => {
    const other = await get<{ error: { code: string } }>('alice', `${chatPath(BOB_CAROL)}/messages`);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('Forbidden');
    expect((await get('alice', chatPath(BOB_CAROL))).status).toBe(403);
    expect((await get('alice', `${chatPath('19:nothing@thread.v2')}/messages`)).status).toBe(404);
    expect((await get('alice', '/users/bob@contoso.com/chats')).status).toBe(403);
  });

  it('needs Chat.Read for messages; Chat.ReadBasic reads chats only; no chat scope reads nothing', async () => {
    expect((await get('alice-basic', '/me/chats')).status).toBe(200);
    const msgs = await get<{ error: { code: string; message: string } }>('alice-basic', `${chatPath(LAUNCH)}/messages`);
    expect(msgs.status).toBe(403);
    expect(msgs.body.error).toMatchObject({ code: 'Forbidden', message: expect.stringContaining("API requires one of 'Chat.Read, Chat.ReadWrite'") });
    expect((await get('alice-none', '/me/chats')).status).toBe(403);
  });
});

describe('messages', () => {
  it('pages the 120-message chat newest first by nextLink: $top 50 gives 50, 50, 20; 20 a page without it', async () => {
    const { messages, pages } = await allMessages('alice', WAR_ROOM, '?$top=50');
    expect(pages).toBe(3);
    expect(messages).toHaveLength(120);
    expect(new Set(messages.map((m) => m.id)).size).toBe(120);
    const times = messages.map((m) => m.lastModifiedDateTime);
    expect(times).toEqual([...times].sort().reverse());
    const first = await get<Page<Message>>('alice', `${chatPath(WAR_ROOM)}/messages`);
    expect(first.body.value).toHaveLength(20);
    expect(first.body['@odata.count']).toBe(20);
    expect(first.body['@odata.nextLink']).toContain('$skiptoken=');
    const second = await get<Page<Message>>('alice', `${chatPath(WAR_ROOM)}/messages?$top=50`);
    expect(second.body['@odata.nextLink']).toContain('$top=50');
  });

  it('refuses $top above 50, ascending order and other sort keys; $filter counts only with a matching $orderby', async () => {
    const top = await get<{ error: { code: string; message: string } }>('alice', `${chatPath(WAR_ROOM)}/messages?$top=51`);
    expect(top.status).toBe(400);
    expect(top.body.error.message).toBe("The query specified in the URI is not valid. The limit of '50' for Top query has been exceeded. The value from the incoming request is '51'.");
    expect((await get('alice', `${chatPath(WAR_ROOM)}/messages?$orderby=createdDateTime asc`)).status).toBe(400);
    expect((await get('alice', `${chatPath(WAR_ROOM)}/messages?$orderby=importance desc`)).status).toBe(400);
    expect((await get('alice', `${chatPath(WAR_ROOM)}/messages?$select=id`)).status).toBe(400);

    const all = (await allMessages('alice', WAR_ROOM, '?$top=50')).messages;
    const cut = [...all].sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime))[60]?.createdDateTime ?? '';
    const filtered = await allMessages('alice', WAR_ROOM, `?$top=50&$orderby=createdDateTime desc&$filter=${encodeURIComponent(`createdDateTime lt ${cut}`)}`);
    expect(filtered.messages).toHaveLength(60);
    expect(filtered.messages.every((m) => m.createdDateTime < cut)).toBe(true);
    const ignored = await get<Page<Message>>('alice', `${chatPath(WAR_ROOM)}/messages?$top=50&$filter=${encodeURIComponent(`createdDateTime lt ${cut}`)}`);
    expect(ignored.body.value[0]?.createdDateTime).toBe(all[0]?.createdDateTime);
  });

  it('orders by lastModifiedDateTime by default, so a late reaction lifts an old message; createdDateTime on request', async () => {
    const byModified = (await get<Page<Message>>('alice', `${chatPath(LAUNCH)}/messages`)).body.value;
    const byCreated = (await get<Page<Message>>('alice', `${chatPath(LAUNCH)}/messages?$orderby=createdDateTime desc`)).body.value;
    expect(byModified).toHaveLength(12);
    expect(byModified[1]?.body.content).toContain('Welcome');
    expect(byCreated.findIndex((m) => m.body.content.includes('Welcome'))).toBe(7);
    const created = byCreated.map((m) => m.createdDateTime);
    expect(created).toEqual([...created].sort().reverse());
  });

  it('shows system events as unknownFutureValue unless the client accepts newer enum members', async () => {
    const plain = (await allMessages('alice', LAUNCH)).messages.filter((m) => m.from === null);
    expect(plain.map((m) => m.messageType)).toEqual(['unknownFutureValue', 'unknownFutureValue', 'unknownFutureValue', 'unknownFutureValue']);
    const events = (await allMessages('alice', LAUNCH, '', { Prefer: 'include-unknown-enum-members' })).messages.filter((m) => m.messageType === 'systemEventMessage');
    expect(events.map((m) => m.eventDetail?.['@odata.type'])).toEqual([
      '#microsoft.graph.messagePinnedEventMessageDetail', '#microsoft.graph.chatRenamedEventMessageDetail',
      '#microsoft.graph.membersAddedEventMessageDetail', '#microsoft.graph.membersAddedEventMessageDetail',
    ]);
    expect(events[1]?.eventDetail).toMatchObject({ chatDisplayName: 'Phoenix launch' });
    expect((events[2]?.eventDetail?.['members'] as Identity[]).map((m) => m.id)).toEqual([CAROL_OID]);
    expect(events.every((m) => m.body.content === '<systemEventMessage/>')).toBe(true);
    const meeting = (await allMessages('bob', MEETING, '', { Prefer: 'include-unknown-enum-members' })).messages;
    expect(meeting.find((m) => m.eventDetail?.['@odata.type'] === '#microsoft.graph.callEndedEventMessageDetail')?.eventDetail).toMatchObject({ callDuration: 'PT28M0S' });
  });

  it('carries mentions, reactions, file attachments, edits and deletions as Graph shows them', async () => {
    const msgs = (await allMessages('carol', LAUNCH)).messages;
    const welcome = msgs.find((m) => m.body.content.includes('Welcome'));
    expect(welcome?.body.content).toContain('<at id="0">Carol Chen</at>');
    expect(welcome?.mentions).toEqual([expect.objectContaining({ id: 0, mentionText: 'Carol Chen', mentioned: expect.objectContaining({ user: expect.objectContaining({ id: CAROL_OID }) }) })]);
    expect(welcome?.reactions.map((r) => [r.reactionType, r.user.user.id])).toEqual([['👍', CAROL_OID], ['like', 'a11ce000-1111-4aaa-8aaa-000000000001']]);
    const two = msgs.find((m) => m.mentions.length === 2);
    expect(two?.mentions.map((m) => m.mentionText)).toEqual(['Bob Brown', 'Carol Chen']);
    expect(two?.importance).toBe('high');
    const file = msgs.find((m) => m.attachments.length > 0);
    expect(file?.attachments[0]).toMatchObject({ contentType: 'reference', name: 'API design.docx' });
    expect(file?.body.content).toContain(`<attachment id="${file?.attachments[0]?.id ?? ''}"></attachment>`);
    expect(msgs.find((m) => m.lastEditedDateTime !== null)?.body.content).toBe('Typo fixed: checking the copy now.');
    const gone = msgs.find((m) => m.deletedDateTime !== null);
    expect(gone?.body.content).toBe('');
    expect(gone?.from?.user.displayName).toBe('Bob Brown');
  });

  it('serves inline images through hostedContents/$value, with the bytes and type of the image', async () => {
    const msgs = (await allMessages('bob', LAUNCH)).messages;
    const screens = msgs.find((m) => m.body.content.includes('onboarding screens'));
    const srcs = [...(screens?.body.content ?? '').matchAll(/src="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(srcs).toHaveLength(2);
    expect(srcs.every((s) => s.startsWith(`${run.origin}/graph/v1.0/chats/${LAUNCH}/messages/${screens?.id ?? ''}/hostedContents/`) && s.endsWith('/$value'))).toBe(true);
    const sizes: number[] = [];
    for (const src of srcs) {
      const path = src.slice(`${run.origin}/graph/v1.0`.length).replace(LAUNCH, encodeURIComponent(LAUNCH));
      const img = await get<ArrayBuffer>('carol', path);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/png');
      const bytes = new Uint8Array(img.body);
      expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      sizes.push(bytes.length);
    }
    expect(sizes[1]).toBeGreaterThan(300_000);
    const list = await get<Page<{ id: string; contentBytes: null; contentType: null }>>('bob', `${chatPath(LAUNCH)}/messages/${screens?.id ?? ''}/hostedContents`);
    expect(list.body.value).toHaveLength(2);
    expect(list.body.value[0]).toMatchObject({ contentBytes: null, contentType: null });
    tick();
    const anonymous = await fetch(srcs[0] ?? '');
    expect(anonymous.status).toBe(401);
    const outsider = srcs[0]?.slice(`${run.origin}/graph/v1.0`.length).replace(LAUNCH, encodeURIComponent(LAUNCH)) ?? '';
    expect((await get('alice-basic', outsider)).status).toBe(403);
  });
});

describe("Teams' limits and the counters", () => {
  it('answers a second request on the same chat within a second with 429 and Retry-After; another chat is not affected', async () => {
    // Start the window early in a second, so both requests fall into it.
    run.clock.offsetMs += 1000 - ((Date.now() + run.clock.offsetMs) % 1000) + 50;
    const token = t['bob']?.access_token ?? '';
    const first = await graphFetch(run, token, `${chatPath(LAUNCH)}/messages?$top=1`);
    const second = await graphFetch(run, token, `${chatPath(LAUNCH)}/messages?$top=1`);
    const other = await graphFetch(run, token, `${chatPath(WAR_ROOM)}/messages?$top=1`);
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
    expect(other.status).toBe(200);
    tick();
    expect((await graphFetch(run, token, `${chatPath(LAUNCH)}/messages?$top=1`)).status).toBe(200);
    expect(run.emu.stats().users['bob@contoso.com']?.throttled).toBeGreaterThanOrEqual(1);
  });

  it('lets a user list or get chats five times a second', async () => {
    run.clock.offsetMs += 1000 - ((Date.now() + run.clock.offsetMs) % 1000) + 50;
    const token = t['carol']?.access_token ?? '';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await graphFetch(run, token, '/me/chats?$top=1')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it("counts each user's Graph round trips", async () => {
    const before = run.emu.stats().users['carol@contoso.com']?.requests ?? 0;
    await get('carol', `${chatPath(LAUNCH)}/messages?$top=5`);
    await get('carol', '/me/chats');
    expect((run.emu.stats().users['carol@contoso.com']?.requests ?? 0) - before).toBe(2);
  });

  it('base64-encodes image bytes inside a $batch', async () => {
    const screens = (await get<Page<Message>>('bob', `${chatPath(LAUNCH)}/messages?$orderby=createdDateTime desc`)).body.value.find((m) => m.body.content.includes('Dashboard'));
    const src = /src="([^"]+)"/.exec(screens?.body.content ?? '')?.[1] ?? '';
    tick();
    const res = await graphFetch(run, t['bob']?.access_token ?? '', '/$batch', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ requests: [{ id: '1', method: 'GET', url: src.slice(`${run.origin}/graph/v1.0`.length).replace(LAUNCH, encodeURIComponent(LAUNCH)) }] }),
    });
    const part = ((await res.json()) as { responses: Array<{ status: number; body: string; headers: Record<string, string> }> }).responses[0];
    expect(part?.status).toBe(200);
    expect(part?.headers['Content-Type']).toBe('image/png');
    expect(Buffer.from(part?.body ?? '', 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
  });
});
