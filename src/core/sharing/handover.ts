/**
 * Handing shares over: before leaving, a sharer offers some of their shares to a colleague; the
 * colleague accepts, and from then on the items are read from *their* Microsoft 365 on their behalf.
 * Only what the new owner can read themselves moves: for mail, the same Message-ID must be in their
 * own mailbox (looked up with their token); everything else stays with the sharer and is listed as
 * not transferable, with why. An offer holds ids only and lapses after OFFER_DAYS.
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
  | 'kind_not_transferable'
  | 'cannot_view_place'
  | 'no_longer_theirs'
  | 'ended'
  | 'feature_off';

export const NOT_TRANSFERABLE_WORDS: Record<NotTransferable, string> = {
  not_in_your_mailbox: 'Not in your mailbox: only mail you received or sent yourself can be handed to you.',
  kind_not_transferable: 'Calendars, events and chats cannot be handed over: they live in the sharer’s own Microsoft 365. Share your own instead.',
  cannot_view_place: 'You may not view the issue or page it is shared on.',
  no_longer_theirs: 'It was removed or already handed over.',
  ended: 'It has ended.',
  feature_off: 'Sharing this kind of item is turned off here.',
};
