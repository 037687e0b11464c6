/**
 * Who opened a share: ids and times only, kept 90 days, shown to the sharer alone (names are asked
 * of Atlassian when the sharer looks, never stored). An open is a view of the shared item's content
 * by someone other than its sharer; views within the same half hour by the same person count once,
 * so reloading a page does not inflate the count. Anonymous visitors are counted, never identified.
 */
import { isRecord, own } from '../guards';

export const OPENS_KEPT_DAYS = 90;
const DAY_MS = 86_400_000;
/** Views by one person of one share within one such window count as one open. */
export const OPEN_WINDOW_MS = 30 * 60_000;
/** At most this many opens are read per share for its summary (a page of 20, five pages). */
export const OPENS_READ_MAX = 100;

export interface OpenRecord {
  /** Also its storage key's tail: share, window and viewer (or a random token for anonymous visitors). */
  openId: string;
  shareId: string;
  /** Whose share it is: the only one who reads its opens. */
  sharerAccountId: string;
  /** Absent for anonymous visitors. */
  viewerAccountId?: string;
  /** ISO 8601, UTC. */
  at: string;
}

const ID = /^[A-Za-z0-9:_#.-]{1,400}$/;
const SHARE_ID = /^[A-Za-z0-9_-]{22}$/;
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export function readOpen(raw: unknown): OpenRecord | undefined {
  if (!isRecord(raw)) return undefined;
  const openId = own(raw, 'openId');
  const shareId = own(raw, 'shareId');
  const sharer = own(raw, 'sharerAccountId');
  const viewer = own(raw, 'viewerAccountId');
  const at = own(raw, 'at');
  if (typeof openId !== 'string' || !ID.test(openId) || typeof shareId !== 'string' || !SHARE_ID.test(shareId) || typeof sharer !== 'string' || !ACCOUNT_ID.test(sharer) || typeof at !== 'string' || !ISO.test(at)) return undefined;
  if (viewer !== undefined && (typeof viewer !== 'string' || !ACCOUNT_ID.test(viewer))) return undefined;
  return { openId, shareId, sharerAccountId: sharer, ...(viewer !== undefined ? { viewerAccountId: viewer } : {}), at };
}

/** The record of one view, or none when the sharer looks at their own item. */
export function openOf(share: { shareId: string; sharerAccountId: string }, viewerAccountId: string | undefined, now: Date, anonymousToken: () => string): OpenRecord | undefined {
  if (viewerAccountId === share.sharerAccountId) return undefined;
  const window = Math.floor(now.getTime() / OPEN_WINDOW_MS);
  const who = viewerAccountId ?? `anon-${anonymousToken()}`;
  return {
    openId: `${share.shareId}:${String(window)}:${who}`,
    shareId: share.shareId,
    sharerAccountId: share.sharerAccountId,
    ...(viewerAccountId !== undefined ? { viewerAccountId } : {}),
    at: now.toISOString(),
  };
}

/** Older than this is deleted by the expiry run, and never counted. */
export const openCutoff = (now: Date): string => new Date(now.getTime() - OPENS_KEPT_DAYS * DAY_MS).toISOString();

export interface OpensSummary {
  /** Opens in the last 90 days. */
  total: number;
  anonymous: number;
  /** Logged-in viewers, most opens first; names are filled in at display time. */
  people: Array<{ accountId: string; count: number; lastAt: string }>;
  /** More opens exist than were read. */
  more: boolean;
}

export function summarise(opens: readonly OpenRecord[], now: Date, more = false): OpensSummary {
  const cutoff = openCutoff(now);
  const people = new Map<string, { accountId: string; count: number; lastAt: string }>();
  let anonymous = 0;
  let total = 0;
  for (const o of opens) {
    if (o.at < cutoff) continue;
    total++;
    if (o.viewerAccountId === undefined) {
      anonymous++;
      continue;
    }
    const p = people.get(o.viewerAccountId) ?? { accountId: o.viewerAccountId, count: 0, lastAt: o.at };
    p.count++;
    if (o.at > p.lastAt) p.lastAt = o.at;
    people.set(o.viewerAccountId, p);
  }
  return { total, anonymous, people: [...people.values()].sort((a, b) => b.count - a.count || (a.lastAt < b.lastAt ? 1 : -1)), more };
}
