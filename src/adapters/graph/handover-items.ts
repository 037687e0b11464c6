/**
 * Hand-over's calendar, event and chat lookups (the core's `HandoverItemsPort`): what the sharer's
 * Microsoft 365 says of an offered event or calendar (read with the sharer's token), and what the new
 * owner can read in theirs (read with *their* token). Ids and names are kept in memory for one
 * decision (src/core/sharing/handover.ts `handOverItem`); nothing here is stored.
 *
 * Graph facts (microsoft-graph-docs-contrib):
 * - resources/event.md: `iCalUId` "a unique identifier for an event across calendars"; `/me/events`
 *   lists single events and series masters (event-list.md), so one occurrence of a series is not found.
 * - resources/calendar.md: `owner` — for a calendar shared with the user, "the person who shared that
 *   calendar with the user"; concepts/outlook-get-shared-events-calendars.md: a shared calendar appears in
 *   the recipient's own `/me/calendars` under an id of the recipient's mailbox.
 * - chat-get.md: `GET /chats/{id}` (Chat.ReadBasic / Chat.Read) answers members only (403 otherwise).
 * - outlook-immutable-id.md: `Prefer: IdType="ImmutableId"` for the event id that is stored.
 * - json-batching.md: at most 20 parts; Outlook runs 4 at once per mailbox (./mailbox.ts `inLanes`).
 */
import { failWith, ok, type Result } from '../../core/result';
import { isRecord, own } from '../../core/guards';
import { CHAT_ID, GRAPH_ID } from '../../core/sharing/model';
import type { NewOwnerView, SharerItem } from '../../core/sharing/handover';
import type { HandoverItemsPort, SharerWant } from '../../core/sharing/my-shares';
import type { BatchPart } from './client';
import { accountClients, inLanes } from './mailbox';
import { graphPath, IMMUTABLE_IDS, prefer } from './paths';

/** iCalUIds OR-ed into one `$filter`: Exchange takes long filters, this keeps the URL short. */
const OR_CHUNK = 10;
/** A person has few calendars; one page of this many covers them. */
const CALENDARS_TOP = 100;
const ICAL_UID = /^[A-Za-z0-9+/=_.@:-]{8,1000}$/;

const odataString = (v: string): string => `'${v.replace(/'/g, "''")}'`;
const text = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '');
const ownerAddress = (raw: Record<string, unknown>): string => {
  const o = own(raw, 'owner');
  return isRecord(o) ? text(own(o, 'address'), 320) : '';
};

export function handoverItems(shared: ReturnType<typeof accountClients>): HandoverItemsPort {
  async function sharerItems(accountId: string, wants: readonly SharerWant[]): Promise<Result<Map<string, SharerItem>>> {
    const out = new Map<string, SharerItem>();
    const parts: Record<string, BatchPart> = {};
    wants.forEach((w, i) => {
      parts[`s${String(i)}`] = w.kind === 'event'
        ? { path: `${graphPath`/me/events/${w.eventId}`}?$select=iCalUId`, headers: prefer(IMMUTABLE_IDS) }
        : { path: `${graphPath`/me/calendars/${w.calendarId}`}?$select=name,owner` };
    });
    const r = await inLanes(shared.clientFor(accountId), parts);
    if (!r.ok) return r;
    for (const [i, w] of wants.entries()) {
      const a = r.value[`s${String(i)}`];
      if (!a) return failWith('MS_UNAVAILABLE', 'bad_response');
      if (!a.ok) {
        if (a.error.code === 'NOT_FOUND') out.set(w.key, { unavailable: 'gone' });
        else if (a.error.code === 'FORBIDDEN' || a.error.code === 'MS_SIGN_IN_REQUIRED' || a.error.code === 'MS_CONSENT_REQUIRED') out.set(w.key, { unavailable: 'sharer' });
        else return a;
        continue;
      }
      if (!isRecord(a.value)) return failWith('MS_UNAVAILABLE', 'bad_response');
      if (w.kind === 'event') {
        const uid = text(own(a.value, 'iCalUId'), 1000);
        out.set(w.key, ICAL_UID.test(uid) ? { kind: 'event', iCalUId: uid } : { unavailable: 'sharer' });
      } else {
        out.set(w.key, { kind: 'calendar', name: text(own(a.value, 'name'), 300), ownerAddress: ownerAddress(a.value) });
      }
    }
    return ok(out);
  }

  async function newOwnerView(accountId: string, want: { chatIds: readonly string[]; iCalUIds: readonly string[]; calendars: boolean }): Promise<Result<NewOwnerView>> {
    const parts: Record<string, BatchPart> = {};
    const chatIds = want.chatIds.filter((c) => CHAT_ID.test(c));
    chatIds.forEach((c, i) => {
      parts[`c${String(i)}`] = { path: graphPath`/chats/${c}` };
    });
    const uids = want.iCalUIds.filter((u) => ICAL_UID.test(u));
    for (let i = 0; i < uids.length; i += OR_CHUNK) {
      const filter = uids.slice(i, i + OR_CHUNK).map((u) => `iCalUId eq ${odataString(u)}`).join(' or ');
      parts[`e${String(i / OR_CHUNK)}`] = { path: `/me/events?$filter=${encodeURIComponent(filter)}&$select=id,iCalUId&$top=100`, headers: prefer(IMMUTABLE_IDS) };
    }
    if (want.calendars) parts['cal'] = { path: `/me/calendars?$select=id,name,owner&$top=${String(CALENDARS_TOP)}` };
    const view = { chats: new Set<string>(), eventsByICalUId: new Map<string, string[]>(), calendars: [] as Array<{ id: string; name: string; ownerAddress: string }> };
    if (Object.keys(parts).length === 0) return ok(view);
    const r = await inLanes(shared.clientFor(accountId), parts);
    if (!r.ok) return r;
    for (const [key, a] of Object.entries(r.value)) {
      if (key.startsWith('c') && key !== 'cal') {
        const chatId = chatIds[Number(key.slice(1))];
        // Teams answers a non-member 403 and an unknown chat 404: neither is theirs to read.
        if (!a.ok) {
          if (a.error.code === 'FORBIDDEN' || a.error.code === 'NOT_FOUND') continue;
          return a;
        }
        if (chatId !== undefined && isRecord(a.value) && own(a.value, 'id') === chatId) view.chats.add(chatId);
        continue;
      }
      if (!a.ok) return a;
      const rows = isRecord(a.value) ? own(a.value, 'value') : undefined;
      if (!Array.isArray(rows)) return failWith('MS_UNAVAILABLE', 'bad_response');
      for (const row of rows) {
        if (!isRecord(row)) continue;
        const id = text(own(row, 'id'), 600);
        if (!GRAPH_ID.test(id)) continue;
        if (key === 'cal') {
          view.calendars.push({ id, name: text(own(row, 'name'), 300), ownerAddress: ownerAddress(row) });
          continue;
        }
        const uid = text(own(row, 'iCalUId'), 1000);
        if (!uids.includes(uid)) continue;
        view.eventsByICalUId.set(uid, [...(view.eventsByICalUId.get(uid) ?? []), id]);
      }
    }
    return ok(view);
  }

  return { sharerItems, newOwnerView };
}
