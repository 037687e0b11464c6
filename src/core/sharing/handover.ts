/**
 * Handing shares over: before leaving, a sharer offers some of their shares to a colleague; the
 * colleague accepts, and from then on the items are read from *their* Microsoft 365 on their behalf.
 * Only what the new owner can read themselves moves, each item by what Graph lets them read (looked up
 * with their token): a mail whose Message-ID is in their own mailbox, a chat they are a member of, a
 * meeting they have in their own calendar, a calendar shared with them. Everything else stays with the
 * sharer and is listed as not transferable, with why. An offer holds ids only and lapses after OFFER_DAYS.
 */
import { isRecord, own } from '../guards';

export const OFFER_DAYS = 14;
/** At most this many shares in one offer. */
export const OFFER_MAX_SHARES = 100;
const DAY_MS = 86_400_000;

export interface OfferRecord {
  offerId: string;
  fromAccountId: string;
  toAccountId: string;
  /** Space-separated share ids. */
  shareIds: string;
  createdAt: string;
}

const OFFER_ID = /^[A-Za-z0-9_-]{22}$/;
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const SHARE_IDS = /^[A-Za-z0-9_-]{22}( [A-Za-z0-9_-]{22}){0,99}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export function readOffer(raw: unknown): OfferRecord | undefined {
  if (!isRecord(raw)) return undefined;
  const r = { offerId: own(raw, 'offerId'), fromAccountId: own(raw, 'fromAccountId'), toAccountId: own(raw, 'toAccountId'), shareIds: own(raw, 'shareIds'), createdAt: own(raw, 'createdAt') };
  if (typeof r.offerId !== 'string' || !OFFER_ID.test(r.offerId)) return undefined;
  if (typeof r.fromAccountId !== 'string' || !ACCOUNT_ID.test(r.fromAccountId) || typeof r.toAccountId !== 'string' || !ACCOUNT_ID.test(r.toAccountId)) return undefined;
  if (typeof r.shareIds !== 'string' || !SHARE_IDS.test(r.shareIds) || typeof r.createdAt !== 'string' || !ISO.test(r.createdAt)) return undefined;
  return r as OfferRecord;
}

export const offerShareIds = (o: OfferRecord): string[] => o.shareIds.split(' ');
export const offerLapsed = (o: OfferRecord, now: Date): boolean => Date.parse(o.createdAt) + OFFER_DAYS * DAY_MS <= now.getTime();
export const offerCutoff = (now: Date): string => new Date(now.getTime() - OFFER_DAYS * DAY_MS).toISOString();

/** Why an offered item did not move to its new owner. */
export type NotTransferable =
  | 'not_in_your_mailbox'
  | 'not_in_your_chats'
  | 'not_in_your_calendar'
  | 'calendar_not_shared_with_you'
  | 'calendar_ambiguous'
  | 'sharer_unavailable'
  | 'gone'
  | 'cannot_view_place'
  | 'no_longer_theirs'
  | 'ended'
  | 'feature_off';

export const NOT_TRANSFERABLE_WORDS: Record<NotTransferable, string> = {
  not_in_your_mailbox: 'Not in your mailbox: only mail you received or sent yourself can be handed to you.',
  not_in_your_chats: 'You are not a member of this Teams chat: only chats you are in can be handed to you.',
  not_in_your_calendar: 'Not in your calendar: only a meeting you are invited to can be handed to you (one occurrence of a series cannot).',
  calendar_not_shared_with_you: 'This calendar is not shared with you in Outlook: only a calendar you can open in your own Outlook can be handed to you.',
  calendar_ambiguous: 'You have more than one calendar of this person with this name, so the app cannot tell which one it is.',
  sharer_unavailable: 'It could not be looked up in the sharer’s Microsoft 365: they must be signed in, with the account it was shared from, when you accept.',
  gone: 'It no longer exists in the sharer’s Microsoft 365.',
  cannot_view_place: 'You may not view the issue or page it is shared on.',
  no_longer_theirs: 'It was removed or already handed over.',
  ended: 'It has ended.',
  feature_off: 'Sharing this kind of item is turned off here.',
};

/**
 * A calendar, event or chat as the *sharer's* Microsoft 365 describes it at accept time (read with the
 * sharer's token, kept in memory for this decision only, never stored). A chat needs nothing of the
 * sharer: its id is the same for every member.
 */
export type SharerItem =
  | { kind: 'event'; iCalUId: string }
  | { kind: 'calendar'; name: string; ownerAddress: string }
  | { unavailable: 'sharer' | 'gone' };

/** What the new owner's own Microsoft 365 answers, read with *their* token. */
export interface NewOwnerView {
  /** Chats `GET /chats/{id}` answered as them (Teams answers 403 to non-members). */
  chats: ReadonlySet<string>;
  /** Their own ids of events, by iCalUId (`/me/events?$filter=iCalUId eq …`). */
  eventsByICalUId: ReadonlyMap<string, readonly string[]>;
  /** Their calendars (`/me/calendars`): their own, and those shared with them, whose `owner` is the person who shared it. */
  calendars: ReadonlyArray<{ id: string; name: string; ownerAddress: string }>;
}

export type ItemToHandOver = { kind: 'chat'; chatId: string } | { kind: 'event'; eventId: string } | { kind: 'calendar'; calendarId: string };

/**
 * Whether one offered calendar, event or chat can be read by the new owner in their own Microsoft 365,
 * and under which of their ids — the share is then re-pointed to it. Graph facts:
 * - a chat has one id for all its members; `GET /chats/{id}` answers only members (chat-get.md; 403 otherwise);
 * - an event's `iCalUId` is "a unique identifier for an event across calendars" (resources/event.md): the
 *   attendee's copy of a meeting carries the organizer's iCalUId under the attendee's own event id;
 * - a calendar shared with someone appears in *their* `/me/calendars` under their own id, with `owner` set to
 *   "the person who shared that calendar with the user" (resources/calendar.md; outlook-get-shared-events-calendars.md,
 *   "from the share recipient's mailbox"). Calendar ids differ per mailbox, so it is found by owner and name.
 */
export function handOverItem(item: ItemToHandOver, sharer: SharerItem | undefined, mine: NewOwnerView): { move: ItemToHandOver } | { why: NotTransferable } {
  if (item.kind === 'chat') return mine.chats.has(item.chatId) ? { move: item } : { why: 'not_in_your_chats' };
  if (!sharer || 'unavailable' in sharer) return { why: sharer?.unavailable === 'gone' ? 'gone' : 'sharer_unavailable' };
  if (item.kind === 'event') {
    if (sharer.kind !== 'event' || sharer.iCalUId === '') return { why: 'sharer_unavailable' };
    const ids = mine.eventsByICalUId.get(sharer.iCalUId) ?? [];
    const first = [...ids].sort()[0];
    return first === undefined ? { why: 'not_in_your_calendar' } : { move: { kind: 'event', eventId: first } };
  }
  if (sharer.kind !== 'calendar' || sharer.ownerAddress === '') return { why: 'sharer_unavailable' };
  const owner = sharer.ownerAddress.toLowerCase();
  const hits = mine.calendars.filter((c) => c.ownerAddress.toLowerCase() === owner && c.name === sharer.name);
  if (hits.length > 1) return { why: 'calendar_ambiguous' };
  const hit = hits[0];
  return hit ? { move: { kind: 'calendar', calendarId: hit.id } } : { why: 'calendar_not_shared_with_you' };
}
