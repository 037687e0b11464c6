import { describe, expect, it } from 'vitest';
import { handOverItem, type NewOwnerView } from '../../../src/core/sharing/handover';

const CHAT = '19:7a1c3e5b9d2f4a6c8e0b1d3f5a7c9e2b@thread.v2';
const UID = '040000008200E00074C5B7101A82E008AAAABBBBCCCCDDDD';

function view(over: Partial<NewOwnerView> = {}): NewOwnerView {
  return { chats: new Set(), eventsByICalUId: new Map(), calendars: [], ...over };
}

describe('hand-over of calendars, events and chats: each item by what the new owner can read', () => {
  it('a chat moves, under the same id, only when the new owner is a member', () => {
    expect(handOverItem({ kind: 'chat', chatId: CHAT }, undefined, view({ chats: new Set([CHAT]) }))).toEqual({ move: { kind: 'chat', chatId: CHAT } });
    expect(handOverItem({ kind: 'chat', chatId: CHAT }, undefined, view({ chats: new Set(['19:other-chat@thread.v2']) }))).toEqual({ why: 'not_in_your_chats' });
  });

  it('an event moves to the new owner’s own copy of the meeting (same iCalUId, their id)', () => {
    const mine = view({ eventsByICalUId: new Map([[UID, ['BOBS-COPY-ID']]]) });
    expect(handOverItem({ kind: 'event', eventId: 'ALICES-ID' }, { kind: 'event', iCalUId: UID }, mine)).toEqual({ move: { kind: 'event', eventId: 'BOBS-COPY-ID' } });
    // Not invited: nothing of that meeting in their calendar.
    expect(handOverItem({ kind: 'event', eventId: 'ALICES-ID' }, { kind: 'event', iCalUId: 'ANOTHER-MEETING-UID' }, mine)).toEqual({ why: 'not_in_your_calendar' });
  });

  it('an event or calendar the sharer’s Microsoft 365 cannot describe now stays, saying why', () => {
    const mine = view({ eventsByICalUId: new Map([[UID, ['X']]]) });
    expect(handOverItem({ kind: 'event', eventId: 'A' }, undefined, mine)).toEqual({ why: 'sharer_unavailable' });
    expect(handOverItem({ kind: 'event', eventId: 'A' }, { unavailable: 'sharer' }, mine)).toEqual({ why: 'sharer_unavailable' });
    expect(handOverItem({ kind: 'calendar', calendarId: 'C' }, { unavailable: 'gone' }, mine)).toEqual({ why: 'gone' });
    // A calendar's facts never stand in for an event's.
    expect(handOverItem({ kind: 'event', eventId: 'A' }, { kind: 'calendar', name: 'Calendar', ownerAddress: 'alice@contoso.com' }, mine)).toEqual({ why: 'sharer_unavailable' });
  });

  it('a calendar moves to the new owner’s view of it when the sharer shared it with them, found by owner and name', () => {
    const sharer = { kind: 'calendar' as const, name: 'Project Phoenix', ownerAddress: 'alice@contoso.com' };
    const shared = view({ calendars: [
      { id: 'BOB-CALENDAR', name: 'Calendar', ownerAddress: 'bob@contoso.com' },
      { id: 'BOB-VIEW-OF-PHOENIX', name: 'Project Phoenix', ownerAddress: 'Alice@Contoso.com' },
    ] });
    expect(handOverItem({ kind: 'calendar', calendarId: 'ALICE-PHOENIX' }, sharer, shared)).toEqual({ move: { kind: 'calendar', calendarId: 'BOB-VIEW-OF-PHOENIX' } });
    // A calendar of the same name that is the new owner's own is not the sharer's.
    const own = view({ calendars: [{ id: 'BOB-PHOENIX', name: 'Project Phoenix', ownerAddress: 'bob@contoso.com' }] });
    expect(handOverItem({ kind: 'calendar', calendarId: 'ALICE-PHOENIX' }, sharer, own)).toEqual({ why: 'calendar_not_shared_with_you' });
    // Two of the sharer's calendars with that name in their list: the app does not guess.
    const twice = view({ calendars: [{ id: 'V1', name: 'Project Phoenix', ownerAddress: 'alice@contoso.com' }, { id: 'V2', name: 'Project Phoenix', ownerAddress: 'alice@contoso.com' }] });
    expect(handOverItem({ kind: 'calendar', calendarId: 'ALICE-PHOENIX' }, sharer, twice)).toEqual({ why: 'calendar_ambiguous' });
  });
});
