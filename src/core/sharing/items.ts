/**
 * Calendars, single events and Teams chats in the sharing service: what each kind needs of the
 * sharer's connection, how one sharer's items are read (one `ItemsPort.read` per sharer), and what
 * each viewer receives. The mail kinds stay in ./service.ts; this file is what the service adds for
 * the other three.
 */
import type { FeatureKey } from '../settings/features';
import type { AppErrorBody } from '../result';
import { calendarBlocks, parseWindow, windowSpan, type CalendarView } from './calendar';
import { chatEntries, olderCursor, type ChatMessageRaw, type ChatView } from './chat';
import { eventView, type EventView } from './event';
import type { OtherShareKind, ShareRecord, ShareScope } from './model';
import type { ConnectionInfo, ItemRead, ItemsPort, ItemWant } from './ports';
import type { Unavailable } from './view-model';

export type OtherShareRecord = Extract<ShareRecord, { kind: OtherShareKind }>;
/** A mail or conversation share, wherever it is shown. */
export type MailShare = Extract<ShareRecord, { kind: 'mail' | 'conversation' }>;
export const isOtherShare = (s: ShareRecord): s is OtherShareRecord => s.kind === 'calendar' || s.kind === 'event' || s.kind === 'chat';

export const FEATURE_OF_OTHER: Readonly<Record<OtherShareKind, FeatureKey>> = { calendar: 'share.calendar', event: 'share.event', chat: 'share.chat' };

const READ_SCOPES: Readonly<Record<OtherShareKind, ReadonlySet<string>>> = {
  calendar: new Set(['calendars.read', 'calendars.readwrite']),
  event: new Set(['calendars.read', 'calendars.readwrite']),
  chat: new Set(['chat.read', 'chat.readwrite']),
};

/** The connection's token may read this kind (a token may name its scopes as full URIs). */
export const mayReadKind = (kind: OtherShareKind, scopes: readonly string[]): boolean => scopes.some((s) => READ_SCOPES[kind].has((s.split('/').pop() ?? '').toLowerCase()));

export type LoadedItem = { read: ItemRead } | { unavailable: Unavailable };

/** A failure reading one item, as it shows: the sharer's connection, their permission, gone, or Microsoft. */
function unavailableOf(e: AppErrorBody): Unavailable {
  if (e.code === 'MS_SIGN_IN_REQUIRED') return { why: 'signed_out' };
  if (e.code === 'MS_CONSENT_REQUIRED') return { why: 'no_mail_consent' };
  // A chat the sharer left answers 403 (Teams says the chat exists but they are not in it).
  if (e.code === 'NOT_FOUND' || e.code === 'FORBIDDEN') return { why: 'gone' };
  return { why: 'failed', error: e };
}

/** The wanted reads of one sharer's items, or why each cannot be read (another account, no permission). */
export async function loadItems(items: ItemsPort, conn: ConnectionInfo | undefined, accountId: string, shares: readonly OtherShareRecord[], now: Date): Promise<Map<string, LoadedItem>> {
  const out = new Map<string, LoadedItem>();
  if (!conn) {
    for (const s of shares) out.set(s.shareId, { unavailable: { why: 'signed_out' } });
    return out;
  }
  const wants: ItemWant[] = [];
  for (const s of shares) {
    if (s.msUserId.toLowerCase() !== conn.oid.toLowerCase() || s.msTenantId.toLowerCase() !== conn.tid.toLowerCase()) {
      out.set(s.shareId, { unavailable: { why: 'other_account' } });
      continue;
    }
    if (!mayReadKind(s.kind, conn.scopes)) {
      out.set(s.shareId, { unavailable: { why: 'no_mail_consent' } });
      continue;
    }
    if (s.kind === 'calendar') {
      const w = parseWindow(s.window);
      if (!w) {
        out.set(s.shareId, { unavailable: { why: 'gone' } });
        continue;
      }
      wants.push({ key: s.shareId, kind: 'calendar', calendarId: s.calendarId, ...windowSpan(w, now) });
    } else if (s.kind === 'event') wants.push({ key: s.shareId, kind: 'event', eventId: s.eventId });
    else wants.push({ key: s.shareId, kind: 'chat', chatId: s.chatId });
  }
  if (wants.length === 0) return out;
  const r = await items.read(accountId, wants);
  for (const w of wants) {
    if (!r.ok) {
      out.set(w.key, { unavailable: unavailableOf(r.error) });
      continue;
    }
    const one = r.value.get(w.key);
    if (!one) out.set(w.key, { unavailable: { why: 'failed', error: { code: 'MS_UNAVAILABLE', message: '' } } });
    else out.set(w.key, one.ok ? { read: one.value } : { unavailable: unavailableOf(one.error) });
  }
  return out;
}

export { unavailableOf as itemUnavailable };

/** What this viewer receives of one read item. */
export function itemContent(s: OtherShareRecord, read: ItemRead, ctx: { viewerIsSharer: boolean; loggedIn: boolean; scope: ShareScope; now: Date }): { calendar: CalendarView } | { event: EventView } | { chat: ChatView } | undefined {
  if (s.kind === 'calendar' && read.kind === 'calendar') {
    const w = parseWindow(s.window);
    if (!w) return undefined;
    return {
      calendar: {
        window: s.window,
        ...windowSpan(w, ctx.now),
        freeBusyOnly: s.freeBusyOnly,
        blocks: calendarBlocks(read.entries, { freeBusyOnly: s.freeBusyOnly, viewerIsSharer: ctx.viewerIsSharer }),
        truncated: read.truncated,
      },
    };
  }
  if (s.kind === 'event' && read.kind === 'event') return { event: eventView(read.event, ctx) };
  if (s.kind === 'chat' && read.kind === 'chat') return { chat: chatPageView(s.chatId, read.messages, read.hasMore) };
  return undefined;
}

export function chatPageView(chatId: string, messages: readonly ChatMessageRaw[], hasMore: boolean): ChatView {
  const older = olderCursor(messages, hasMore);
  return { entries: chatEntries(messages, chatId), ...(older ? { olderBefore: older } : {}) };
}
