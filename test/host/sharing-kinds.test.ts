import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughApp } from '../support/connect';
import { startTestHost, type TestHost } from '../support/host';

/**
 * Calendars, single events and Teams chats shared into DEMO-1, through the real host: the app's own
 * code, Forge storage, Jira's permissions, and the Microsoft 365 emulator's calendars and chats read
 * on Alice's behalf. Each forged payload is refused and changes nothing.
 */
const PANEL = 'm365-issue-panel';
const DEMO_1 = '10001';
const DEMO_3 = '10003'; // security level "Management": Alice and Carol only
const PHOENIX = '19:7a1c3e5b9d2f4a6c8e0b1d3f5a7c9e2b@thread.v2';
const WAR_ROOM = '19:5e1f0a2b3c4d4e5f8a9b0c1d2e3f4a5b@thread.v2';
const NOT_ALICES = '19:b0b00000-2222-4bbb-8bbb-000000000002_ca401000-3333-4ccc-8ccc-000000000003@unq.gbl.spaces';

type Json = any;

const connect = (host: TestHost, user: string, email: string, feature?: string): Promise<void> => connectThroughApp(host, PANEL, user, email, feature);

describe('sharing calendars, events and Teams chats', () => {
  let host: TestHost;
  let as: (user: string) => { call(fn: string, payload?: unknown): Promise<Json> };
  let graph: (path: string, prefer?: string) => Promise<Json>;

  beforeAll(async () => {
    host = await startTestHost();
    as = (user) => ({ call: async (fn, payload = {}) => (await host.asUser(user).invoke(PANEL, fn, payload)).value });
    await connect(host, 'alice', 'alice@contoso.com');
    graph = async (path, prefer) => {
      const t = await as('alice').call('account/token', {});
      const r = await fetch(`${host.microsoftOrigins.graph}/graph/v1.0${path}`, { headers: { Authorization: `Bearer ${t.value.accessToken as string}`, ...(prefer ? { Prefer: prefer } : {}) } });
      return r.json();
    };
  }, 60_000);
  afterAll(() => host?.stop());

  it('asks Calendars.Read when a calendar is first shared, with its own reason', async () => {
    const cal = (await graph('/me/calendars')).value?.[0]?.id ?? 'AAMkAGE1M2IyNGNmLTI5MTktNDUyMi1hZDg0';
    const r = await as('alice').call('sharing/createItem', { issueId: DEMO_1, kind: 'calendar', calendarId: cal, window: 'next-30d', freeBusyOnly: false, scope: 'atlassian' });
    expect(r).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'calendar_permission_missing' } });
    await connect(host, 'alice', 'alice@contoso.com', 'share.calendar');
    await connect(host, 'alice', 'alice@contoso.com', 'share.chat');
    const panel = await as('alice').call('sharing/panel', { issueId: DEMO_1 });
    expect(panel.value.viewer).toMatchObject({ calendarsAllowed: true, chatsAllowed: true });
  }, 60_000);

  let calendarShare = '';
  let freeBusyShare = '';
  let eventShare = '';
  let chatShare = '';

  it('shares Alice’s calendar for 30 days; Bob sees her private appointment only as a busy block', async () => {
    const cal = (await graph('/me/calendars')).value.find((c: Json) => c.isDefaultCalendar === true).id as string;
    const r = await as('alice').call('sharing/createItem', { issueId: DEMO_1, kind: 'calendar', calendarId: cal, window: 'next-30d', freeBusyOnly: false, scope: 'atlassian' });
    expect(r).toMatchObject({ ok: true, value: { existing: false } });
    calendarShare = r.value.shareId;
    const bob = (await as('bob').call('sharing/panel', { issueId: DEMO_1 })).value.items.find((i: Json) => i.shareId === calendarShare);
    expect(bob.problem).toBeUndefined();
    const titles = bob.calendar.blocks.map((b: Json) => b.subject);
    expect(titles).toContain('Design review');
    expect(JSON.stringify(bob)).not.toContain('Doctor');
    expect(bob.calendar.blocks.some((b: Json) => b.private === true && b.subject === undefined)).toBe(true);
    const alice = (await as('alice').call('sharing/panel', { issueId: DEMO_1 })).value.items.find((i: Json) => i.shareId === calendarShare);
    expect(alice.calendar.blocks.map((b: Json) => b.subject)).toContain('Doctor\u2019s appointment'.replace('\u2019', "'"));
  });

  it('a Free/Busy share shows blocks without any title, to Alice too', async () => {
    const cal = (await graph('/me/calendars')).value.find((c: Json) => c.isDefaultCalendar === true).id as string;
    const r = await as('alice').call('sharing/createItem', { issueId: DEMO_1, kind: 'calendar', calendarId: cal, window: 'this-week', freeBusyOnly: true, scope: 'atlassian' });
    freeBusyShare = r.value.shareId;
    for (const who of ['alice', 'bob']) {
      const item = (await as(who).call('sharing/panel', { issueId: DEMO_1 })).value.items.find((i: Json) => i.shareId === freeBusyShare);
      expect(item.calendar.freeBusyOnly).toBe(true);
      expect(item.calendar.blocks.every((b: Json) => b.subject === undefined && b.location === undefined)).toBe(true);
    }
  });

  it('shares one meeting: names and answers, the join link for Atlassian users but not once it is Public', async () => {
    const from = new Date(Date.now() - 86_400_000 * 20).toISOString();
    const to = new Date(Date.now() + 86_400_000 * 40).toISOString();
    const events = (await graph(`/me/calendarView?startDateTime=${from}&endDateTime=${to}&$top=200&$select=id,subject`, 'IdType="ImmutableId"')).value as Json[];
    const review = events.find((e) => e.subject === 'Design review');
    const r = await as('alice').call('sharing/createItem', { issueId: DEMO_1, kind: 'event', eventId: review.id, scope: 'atlassian' });
    expect(r.ok).toBe(true);
    eventShare = r.value.shareId;
    const bob = (await as('bob').call('sharing/panel', { issueId: DEMO_1 })).value.items.find((i: Json) => i.shareId === eventShare);
    expect(bob.event.details.subject).toBe('Design review');
    expect(bob.event.details.attendees.map((a: Json) => a.response)).toEqual(expect.arrayContaining(['accepted', 'tentativelyAccepted', 'declined']));
    expect(bob.event.joinUrl).toMatch(/^https:\/\//);
    await host.asUser('alice').invoke('m365-jira-admin', 'admin/settings/save', { sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] } });
    expect((await as('alice').call('sharing/scope', { issueId: DEMO_1, shareId: eventShare, scope: 'public' })).ok).toBe(true);
    const pub = (await as('bob').call('sharing/panel', { issueId: DEMO_1 })).value.items.find((i: Json) => i.shareId === eventShare);
    expect(pub.event.details.subject).toBe('Design review');
    expect(pub.event.joinUrl).toBeUndefined();
  });

  it('shares a Teams chat: newest page first, events folded, older pages on request, pictures fetched on the server', async () => {
    const r = await as('alice').call('sharing/createItem', { issueId: DEMO_1, kind: 'chat', chatId: WAR_ROOM, scope: 'atlassian' });
    expect(r.ok).toBe(true);
    chatShare = r.value.shareId;
    const item = (await as('bob').call('sharing/panel', { issueId: DEMO_1 })).value.items.find((i: Json) => i.shareId === chatShare);
    expect(item.chat.entries.length).toBe(20);
    const first = item.chat.entries[0];
    expect(first.from).toBeTruthy();
    expect(item.chat.olderBefore).toBeDefined();
    const older = await as('bob').call('sharing/chatPage', { issueId: DEMO_1, shareId: chatShare, before: item.chat.olderBefore });
    expect(older.ok).toBe(true);
    expect(older.value.entries.length).toBeGreaterThan(0);
    expect(older.value.entries[0].at < item.chat.entries[19].at).toBe(true);

    const phoenix = await as('alice').call('sharing/createItem', { issueId: DEMO_1, kind: 'chat', chatId: PHOENIX, scope: 'atlassian' });
    const ph = (await as('bob').call('sharing/panel', { issueId: DEMO_1 })).value.items.find((i: Json) => i.shareId === phoenix.value.shareId);
    const flat = JSON.stringify(ph.chat.entries);
    expect(flat).toContain('chat events');
    expect(ph.chat.entries.some((e: Json) => !e.events && e.parts.some((p: Json) => p.t === 'mention'))).toBe(true);
    expect(ph.chat.entries.some((e: Json) => !e.events && e.reactions.length > 0)).toBe(true);
    const withImage = ph.chat.entries.find((e: Json) => !e.events && e.parts.some((p: Json) => p.t === 'image'));
    const images = withImage.parts.filter((p: Json) => p.t === 'image').map((p: Json) => ({ messageId: withImage.id, hostedId: p.hostedId }));
    const got = await as('bob').call('sharing/chatImages', { issueId: DEMO_1, shareId: phoenix.value.shareId, images });
    expect(got.ok).toBe(true);
    expect(got.value.some((d: string | null) => typeof d === 'string' && d.startsWith('data:image/png;base64,'))).toBe(true);
  }, 60_000);

  it('a Public calendar, event or chat share ends within the admin\'s maximum, as a mail share does', async () => {
    const cal = (await graph('/me/calendars')).value[0].id as string;
    await host.asUser('alice').invoke('m365-jira-admin', 'admin/settings/save', { sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'], publicMaxDays: 30 } });
    try {
      const tooLate = new Date(Date.now() + 86_400_000 * 60).toISOString();
      const refused = await as('alice').call('sharing/createItem', { issueId: DEMO_1, kind: 'calendar', calendarId: cal, window: 'next-7d', freeBusyOnly: false, scope: 'public', expiresAt: tooLate });
      expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const r = await as('alice').call('sharing/createItem', { issueId: DEMO_1, kind: 'calendar', calendarId: cal, window: 'next-7d', freeBusyOnly: false, scope: 'public' });
      expect(r.ok).toBe(true);
      const item = (await as('alice').call('sharing/panel', { issueId: DEMO_1 })).value.items.find((i: Json) => i.shareId === r.value.shareId);
      const ends = Date.parse(item.expiresAt as string);
      expect(ends).toBeGreaterThan(Date.now() + 86_400_000 * 29);
      expect(ends).toBeLessThanOrEqual(Date.now() + 86_400_000 * 30 + 60_000);
      expect((await as('alice').call('sharing/remove', { issueId: DEMO_1, shareId: r.value.shareId })).ok).toBe(true);
    } finally {
      await host.asUser('alice').invoke('m365-jira-admin', 'admin/settings/save', { sharing: { publicMaxDays: 0 } });
    }
  });

  it('refuses forged and malformed payloads, and changes nothing', async () => {
    const before = JSON.stringify((await host.state()).storage.entities);
    const cal = (await graph('/me/calendars')).value[0].id as string;
    const bad: Array<[string, string, unknown, string]> = [
      ['bob', 'sharing/createItem', { issueId: DEMO_1, kind: 'chat', chatId: NOT_ALICES, scope: 'atlassian' }, 'MS_SIGN_IN_REQUIRED'],
      ['alice', 'sharing/createItem', { issueId: DEMO_1, kind: 'chat', chatId: NOT_ALICES, scope: 'atlassian' }, 'NOT_FOUND'],
      ['alice', 'sharing/createItem', { issueId: DEMO_1, kind: 'calendar', calendarId: cal, window: 'next-400d', freeBusyOnly: false, scope: 'atlassian' }, 'BAD_REQUEST'],
      ['alice', 'sharing/createItem', { issueId: DEMO_1, kind: 'calendar', calendarId: cal, window: '2026-12-14..2026-12-01', freeBusyOnly: false, scope: 'atlassian' }, 'BAD_REQUEST'],
      ['alice', 'sharing/createItem', { issueId: DEMO_1, kind: 'event', eventId: cal, calendarId: cal, scope: 'atlassian' }, 'BAD_REQUEST'],
      ['alice', 'sharing/createItem', { issueId: DEMO_1, kind: 'mail', chatId: WAR_ROOM, scope: 'atlassian' }, 'BAD_REQUEST'],
      ['alice', 'sharing/createItem', { issueId: DEMO_1, kind: 'chat', chatId: WAR_ROOM, scope: 'everyone' }, 'BAD_REQUEST'],
      ['alice', 'sharing/createItem', { issueId: DEMO_1, kind: 'chat', chatId: WAR_ROOM, scope: 'atlassian', itemKind: 'chat' }, 'BAD_REQUEST'],
      ['carol', 'sharing/createItem', { issueId: '99999', kind: 'chat', chatId: WAR_ROOM, scope: 'atlassian' }, 'NOT_FOUND'],
      ['bob', 'sharing/createItem', { issueId: DEMO_3, kind: 'chat', chatId: WAR_ROOM, scope: 'atlassian' }, 'NOT_FOUND'],
      ['anonymous', 'sharing/createItem', { issueId: DEMO_1, kind: 'chat', chatId: WAR_ROOM, scope: 'atlassian' }, 'UNAUTHENTICATED'],
      ['bob', 'sharing/chatPage', { issueId: DEMO_1, shareId: calendarShare, before: '2026-01-01T00:00:00Z' }, 'NOT_FOUND'],
      ['bob', 'sharing/chatPage', { issueId: DEMO_3, shareId: chatShare, before: '2026-01-01T00:00:00Z' }, 'NOT_FOUND'],
      ['bob', 'sharing/chatPage', { issueId: DEMO_1, shareId: chatShare, before: "2026-01-01' or 1 eq 1" }, 'BAD_REQUEST'],
      ['bob', 'sharing/chatImages', { issueId: DEMO_1, shareId: chatShare, images: [{ messageId: '../../me', hostedId: 'aWQ9eF8wLXd1cy1kMQ' }] }, 'BAD_REQUEST'],
      ['bob', 'sharing/chatImages', { issueId: DEMO_1, shareId: chatShare, images: Array.from({ length: 5 }, () => ({ messageId: '1', hostedId: 'aWQ9eF8wLXd1cy1kMQ' })) }, 'BAD_REQUEST'],
      ['anonymous', 'sharing/chatPage', { issueId: DEMO_1, shareId: chatShare, before: '2026-01-01T00:00:00Z' }, 'NOT_FOUND'],
    ];
    for (const [who, fn, payload, code] of bad) {
      const r = await as(who).call(fn, payload);
      expect(r, `${who} ${fn} ${JSON.stringify(payload).slice(0, 80)}`).toMatchObject({ ok: false, error: { code } });
    }
    expect(JSON.stringify((await host.state()).storage.entities)).toBe(before);
  }, 60_000);

  it('signing in again from one item’s button asks the permissions of every kind she shared, and brings all back', async () => {
    expect((await as('alice').call('account/signOut')).ok).toBe(true);
    const start = await as('alice').call('account/connect', { feature: 'share.chat' });
    const scopes = (new URL(start.value.authorizeUrl as string).searchParams.get('scope') ?? '').split(' ');
    // She shared a calendar, an event and chats: the chat's button asks Calendars.Read too.
    expect(scopes).toEqual(expect.arrayContaining(['Chat.Read', 'Calendars.Read']));
    await as('alice').call('account/signIn/cancel', { signInId: start.value.signInId });
    await connect(host, 'alice', 'alice@contoso.com', 'share.chat');
    const items = (await as('bob').call('sharing/panel', { issueId: DEMO_1 })).value.items as Json[];
    // Nothing waits for Alice any more (a Teams chat read twice a second may still say "busy, trying again").
    expect(items.filter((i) => i.problem?.code === 'MS_SIGN_IN_REQUIRED').map((i) => i.problem)).toEqual([]);
    expect(items.map((i) => i.shareId)).toEqual(expect.arrayContaining([calendarShare, eventShare]));
  }, 60_000);

  it('a guest without Jira access who may view the public issue sees the sharer’s name, as an anonymous visitor does', async () => {
    const PUB_1 = '10006';
    const r = await as('alice').call('sharing/createItem', { issueId: PUB_1, kind: 'chat', chatId: PHOENIX, scope: 'atlassian' });
    expect(r.ok).toBe(true);
    try {
      // Jira will not list users to Gina (no Jira access); the item is hers to see all the same.
      const gina = (await as('gina').call('sharing/panel', { issueId: PUB_1 })).value.items as Json[];
      expect(gina.find((i) => i.shareId === r.value.shareId)?.sharer.name).toBe('Alice Adams');
    } finally {
      await as('alice').call('sharing/remove', { issueId: PUB_1, shareId: r.value.shareId });
    }
  });

  it('stores ids only: no event title, chat message text or attendee anywhere in storage', async () => {
    const state = await host.state();
    const stored = JSON.stringify({ keys: state.storage.keys, values: state.storage.values, secretKeys: state.storage.secretKeys, entities: state.storage.entities });
    expect(state.storage.entities.filter((e: Json) => ['calendar', 'event', 'chat'].includes(e.value?.kind)).length).toBeGreaterThanOrEqual(4);
    for (const needle of ['Design review', 'Doctor', 'Room 2.01', 'dana.ruiz@northwind.example', 'Release war room', 'Phoenix launch', 'Carol Chen', 'Smoke tests passed', 'Build is green']) {
      expect(stored.toLowerCase(), needle).not.toContain(needle.toLowerCase());
    }
    expect([calendarShare, freeBusyShare, eventShare, chatShare].every((id) => stored.includes(id))).toBe(true);
  });
});
