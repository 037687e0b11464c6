import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughApp } from '../support/connect';
import { startTestHost, type TestHost } from '../support/host';
import { clickButton } from '../emulator/support';

/**
 * Handing over calendars, events and chats, through the real host and the Microsoft 365 emulator: each
 * item moves only when Graph lets the new owner read it with their own token (a chat they are in, their
 * copy of a meeting, a calendar shared with them); the rest stays the sharer's. Forged or premature
 * accepts change nothing.
 */
const ALICE = '557058:a11ce000-0000-4000-8000-000000000001';
const BOB = '557058:b0b00000-0000-4000-8000-000000000002';
const BOB_OID = 'b0b00000-2222-4bbb-8bbb-000000000002';
const PANEL = 'm365-issue-panel';
const MY = 'my-shares';
const DEMO_1 = '10001';
const PHOENIX = '19:7a1c3e5b9d2f4a6c8e0b1d3f5a7c9e2b@thread.v2';

type Json = any;

describe('hand-over of calendars, events and Teams chats', () => {
  let host: TestHost;
  let as: (user: string, module?: string) => { call(fn: string, payload?: unknown): Promise<Json> };
  const entities = async () => ((await host.state()).storage.entities as Array<{ entityName: string; key: string; value: Json }>);
  const graph = async (user: string, path: string, prefer?: string): Promise<Json> => {
    const t = await as(user, PANEL).call('account/token', {});
    const r = await fetch(`${host.microsoftOrigins.graph}/graph/v1.0${path}`, { headers: { Authorization: `Bearer ${t.value.accessToken as string}`, ...(prefer ? { Prefer: prefer } : {}) } });
    return r.json();
  };
  const approve = async (feature: string) => {
    const start = await host.asUser('alice').invoke('m365-jira-admin', 'admin/consent/start', { feature });
    const picked = await clickButton(await (await fetch(start.value.value.url as string)).text(), 'alice@contoso.com');
    const approved = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
    await fetch(approved.headers.get('location') ?? '');
  };

  let calendarShare = '';
  let phoenixShare = '';
  let eventShare = '';
  let chatShare = '';
  let alicesEventId = '';
  let alicesCalendarId = '';

  beforeAll(async () => {
    host = await startTestHost();
    as = (user, module = MY) => ({ call: async (fn, payload = {}) => (await host.asUser(user).invoke(module, fn, payload)).value });
    await connectThroughApp(host, PANEL, 'alice', 'alice@contoso.com', 'share.calendar');
    await connectThroughApp(host, PANEL, 'alice', 'alice@contoso.com', 'share.chat');
    // Contoso needs an admin's approval for Calendars.Read and Chat.Read before Bob may grant them.
    await approve('share.calendar');
    await approve('share.chat');
    // Bob is connected, but has not allowed the app to read his calendars or chats yet.
    await connectThroughApp(host, PANEL, 'bob', 'bob@contoso.com');

    alicesCalendarId = (await graph('alice', '/me/calendars')).value.find((c: Json) => c.isDefaultCalendar === true).id as string;
    const from = new Date(Date.now() - 86_400_000 * 20).toISOString();
    const to = new Date(Date.now() + 86_400_000 * 40).toISOString();
    const events = (await graph('alice', `/me/calendarView?startDateTime=${from}&endDateTime=${to}&$top=200&$select=id,subject`, 'IdType="ImmutableId"')).value as Json[];
    alicesEventId = events.find((e) => e.subject === 'Design review').id as string;
    const create = async (item: Record<string, unknown>) => {
      const r = await as('alice', PANEL).call('sharing/createItem', { issueId: DEMO_1, scope: 'atlassian', ...item });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.value.shareId as string;
    };
    calendarShare = await create({ kind: 'calendar', calendarId: alicesCalendarId, window: 'next-30d', freeBusyOnly: false });
    // Alice shared her Project Phoenix calendar with Bob in Outlook (the demo tenant's one shared calendar).
    const phoenix = (await graph('alice', '/me/calendars')).value.find((c: Json) => c.name === 'Project Phoenix').id as string;
    phoenixShare = await create({ kind: 'calendar', calendarId: phoenix, window: 'next-30d', freeBusyOnly: false });
    eventShare = await create({ kind: 'event', eventId: alicesEventId });
    chatShare = await create({ kind: 'chat', chatId: PHOENIX });
  }, 120_000);
  afterAll(() => host?.stop());

  let offerId = '';
  const sharers = async () => Object.fromEntries((await entities()).filter((e) => e.entityName === 'mail-share').map((e) => [e.value.shareId, e.value.sharerAccountId]));

  it('only the person offered can accept, with an exact payload, and without their permissions nothing moves', async () => {
    const offer = await as('alice').call('myShares/offer', { toAccountId: BOB, shareIds: [calendarShare, eventShare, chatShare, phoenixShare] });
    expect(offer.ok).toBe(true);
    offerId = offer.value.offerId as string;
    expect(await as('carol').call('myShares/accept', { offerId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'offer_not_found' } });
    expect(await as('bob').call('myShares/accept', { offerId, shareIds: [chatShare] })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', reason: 'bad_payload' } });
    expect(await as('bob').call('myShares/accept', { offerId: `${offerId.slice(0, 21)}x` })).toMatchObject({ ok: false, error: { reason: 'offer_not_found' } });
    // Bob has not allowed reading his calendars: the accept fails as a whole and the offer stays open.
    expect(await as('bob').call('myShares/accept', { offerId })).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'handover_calendar_permission_missing' } });
    expect(await sharers()).toEqual({ [calendarShare]: ALICE, [eventShare]: ALICE, [chatShare]: ALICE, [phoenixShare]: ALICE });
    expect((await as('bob').call('myShares/list')).value.offersToMe).toHaveLength(1);
  });

  it('the chat Bob is in, his copy of the meeting and the calendar shared with him move to him; Alice’s own calendar stays hers', async () => {
    await connectThroughApp(host, PANEL, 'bob', 'bob@contoso.com', 'share.calendar');
    await connectThroughApp(host, PANEL, 'bob', 'bob@contoso.com', 'share.chat');
    const accepted = await as('bob').call('myShares/accept', { offerId });
    expect(accepted.ok).toBe(true);
    expect(accepted.value.transferred.map((t: Json) => t.shareId).sort()).toEqual([eventShare, chatShare, phoenixShare].sort());
    expect(accepted.value.notTransferable).toMatchObject([{ shareId: calendarShare, kind: 'calendar', why: 'calendar_not_shared_with_you', message: expect.stringContaining('not shared with you') }]);

    const stored = Object.fromEntries((await entities()).filter((e) => e.entityName === 'mail-share').map((e) => [e.value.shareId, e.value]));
    // The event now points at Bob's own copy (another id, the same meeting); the chat keeps its id.
    expect(stored[eventShare]).toMatchObject({ sharerAccountId: BOB, msUserId: BOB_OID });
    expect(stored[eventShare].eventId).not.toBe(alicesEventId);
    expect((await graph('bob', `/me/events/${encodeURIComponent(stored[eventShare].eventId as string)}?$select=subject`)).subject).toBe('Design review');
    expect(stored[chatShare]).toMatchObject({ sharerAccountId: BOB, msUserId: BOB_OID, chatId: PHOENIX });
    expect(stored[calendarShare]).toMatchObject({ sharerAccountId: ALICE, calendarId: alicesCalendarId });
    // The shared calendar now points at Bob's own view of it (an id of his mailbox).
    const bobsView = (await graph('bob', '/me/calendars')).value.find((c: Json) => c.name === 'Project Phoenix');
    expect(bobsView.owner.address).toBe('alice@contoso.com');
    expect(stored[phoenixShare]).toMatchObject({ sharerAccountId: BOB, calendarId: bobsView.id });
    expect(await as('bob').call('myShares/accept', { offerId })).toMatchObject({ ok: false, error: { reason: 'offer_not_found' } });
  });

  it('after Alice signs out, the event, the chat and the shared calendar still show (read as Bob); her own calendar does not', async () => {
    expect((await as('alice', PANEL).call('account/signOut')).ok).toBe(true);
    const items = (await as('carol', PANEL).call('sharing/panel', { issueId: DEMO_1 })).value.items as Json[];
    const event = items.find((i) => i.shareId === eventShare);
    expect(event.sharer.name).toBe('Bob Brown');
    expect(event.event.details.subject).toBe('Design review');
    const chat = items.find((i) => i.shareId === chatShare);
    expect(chat.sharer.name).toBe('Bob Brown');
    expect(chat.chat.entries.length).toBeGreaterThan(0);
    const phoenix = items.find((i) => i.shareId === phoenixShare);
    expect(phoenix.sharer.name).toBe('Bob Brown');
    expect(phoenix.calendar.blocks.map((b: Json) => b.subject)).toContain('Sprint planning');
    const calendar = items.find((i) => i.shareId === calendarShare);
    expect(calendar.problem).toBeDefined();
    expect(calendar.calendar).toBeUndefined();
    // Ids only: nothing Graph answered during the hand-over was stored.
    const all = JSON.stringify(await entities());
    for (const needle of ['Design review', 'Phoenix launch', 'Room 2.01', 'alice@contoso.com', 'iCalUId', '040000008200E00074C5B7101A82E008']) expect(all).not.toContain(needle);
  });
});
