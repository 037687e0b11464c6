/**
 * Calendars, single events and Teams chats read by the server as their sharer (the sharing core's
 * `ItemsPort`), with the sharer's stored connection and cached access token (./mailbox.ts
 * `accountClients`: one secret read per sharer and invocation, shared with the mail reads).
 *
 * First paint is one `$batch` per sharer: each calendar's first `calendarView` page, each event, each
 * chat's newest page. Only a calendar with more events than a page costs more (its nextLink, followed
 * up to CALENDAR_MAX_EVENTS). What Graph answers is untrusted: every field is checked and capped here.
 *
 * Graph facts used (learn.microsoft.com/graph, microsoft-graph-docs-contrib):
 * - calendar-list-calendarview.md: `startDateTime`/`endDateTime` (UTC when no offset), `$top` ≤ 1000,
 *   occurrences of recurring events expanded, `@odata.nextLink` paging; times in UTC without
 *   `Prefer: outlook.timezone` (event-get.md), which is what the browser converts to the viewer's zone.
 * - outlook-immutable-id.md: `Prefer: IdType="ImmutableId"` for the event id that is stored.
 * - event.md: `sensitivity` (normal, personal, private, confidential) is only a flag — the owner's own
 *   token reads everything, so the core drops what others may not see.
 * - chat-list-messages.md: `$top` ≤ 50; `$orderby` lastModifiedDateTime (default) or createdDateTime,
 *   descending only; `$filter=createdDateTime lt …` applies only with `$orderby=createdDateTime desc`;
 *   system events read as `unknownFutureValue` unless `Prefer: include-unknown-enum-members`.
 * - chatmessagehostedcontent-get.md: `…/hostedContents/{id}/$value` answers the bytes (base64 inside
 *   a `$batch`); throttling-limits.md (Teams): one request per second per app and tenant on one chat,
 *   so images are fetched one after another, waiting `Retry-After` while the invocation has time.
 */
import { failWith, ok, type Result } from '../../core/result';
import { isRecord, own } from '../../core/guards';
import { GRAPH_ID } from '../../core/sharing/model';
import { CALENDAR_MAX_EVENTS, SHOW_AS, type CalendarEntry, type ShowAs } from '../../core/sharing/calendar';
import { ATTENDEE_RESPONSES, type AttendeeResponse, type EventAttendee, type EventDetails, type EventPerson } from '../../core/sharing/event';
import { CHAT_IMAGE_MAX_BYTES, CHAT_PAGE, type ChatMessageRaw } from '../../core/sharing/chat';
import type { ItemRead, ItemsPort, ItemWant } from '../../core/sharing/ports';
import { BODY_MAX_CHARS } from '../../core/sharing/mail';
import type { BatchPart, GraphClient } from './client';
import { accountClients, inLanes, type MailboxDeps } from './mailbox';
import { graphBase, graphPath, IMMUTABLE_IDS, prefer } from './paths';

const CALENDAR_PAGE = 500;
const EVENT_SELECT = 'id,subject,start,end,isAllDay,showAs,sensitivity,isCancelled,location,isOnlineMeeting';
const EVENT_FULL = `${EVENT_SELECT},organizer,attendees,body,onlineMeeting,webLink,type`;
const CHAT_PREFER = prefer('include-unknown-enum-members');
const SENSITIVE = new Set(['private', 'confidential', 'personal']);

const cap = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '');
const q = (parts: Record<string, string>): string =>
  Object.entries(parts)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');

/** Graph's `dateTimeTimeZone` in UTC (`2026-12-02T09:00:00.0000000`, `timeZone: UTC`) as an ISO instant. */
function instant(v: unknown): string | undefined {
  if (!isRecord(v)) return undefined;
  const dt = cap(own(v, 'dateTime'), 40);
  const zone = cap(own(v, 'timeZone'), 60);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(dt) || (zone !== '' && zone.toUpperCase() !== 'UTC')) return undefined;
  const t = Date.parse(`${dt.slice(0, 23)}Z`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

const showAsOf = (v: unknown): ShowAs => (typeof v === 'string' && (SHOW_AS as readonly string[]).includes(v) ? (v as ShowAs) : 'busy');

/** A calendarView row, or undefined when its times are not what Graph sends. */
export function readEntry(raw: unknown): CalendarEntry | undefined {
  if (!isRecord(raw)) return undefined;
  const start = instant(own(raw, 'start'));
  const end = instant(own(raw, 'end'));
  if (!start || !end) return undefined;
  const location = own(raw, 'location');
  return {
    start,
    end,
    isAllDay: own(raw, 'isAllDay') === true,
    showAs: showAsOf(own(raw, 'showAs')),
    sensitive: SENSITIVE.has(cap(own(raw, 'sensitivity'), 20).toLowerCase()),
    isCancelled: own(raw, 'isCancelled') === true,
    subject: cap(own(raw, 'subject'), 300),
    location: isRecord(location) ? cap(own(location, 'displayName'), 300) : '',
    isOnlineMeeting: own(raw, 'isOnlineMeeting') === true,
  };
}

function person(v: unknown): EventPerson | undefined {
  const e = isRecord(v) ? own(v, 'emailAddress') : undefined;
  if (!isRecord(e)) return undefined;
  const name = cap(own(e, 'name'), 200);
  const address = cap(own(e, 'address'), 320);
  return name || address ? { name, ...(address ? { address } : {}) } : undefined;
}

/** One event in full (the single-event share), or undefined when it is not one. */
export function readEvent(raw: unknown): EventDetails | undefined {
  const entry = readEntry(raw);
  if (!entry || !isRecord(raw)) return undefined;
  const attendees: EventAttendee[] = [];
  const list = own(raw, 'attendees');
  for (const a of Array.isArray(list) ? list.slice(0, 200) : []) {
    const p = person(a);
    if (!p || !isRecord(a)) continue;
    const type = own(a, 'type');
    const status = own(a, 'status');
    const response = isRecord(status) ? own(status, 'response') : undefined;
    attendees.push({
      ...p,
      type: type === 'optional' || type === 'resource' ? type : 'required',
      response: typeof response === 'string' && (ATTENDEE_RESPONSES as readonly string[]).includes(response) ? (response as AttendeeResponse) : 'none',
    });
  }
  const body = own(raw, 'body');
  const meeting = own(raw, 'onlineMeeting');
  const joinUrl = isRecord(meeting) ? cap(own(meeting, 'joinUrl'), 2_000) : '';
  const webLink = cap(own(raw, 'webLink'), 2_000);
  const organizer = person(own(raw, 'organizer'));
  const type = own(raw, 'type');
  return {
    subject: entry.subject,
    start: entry.start,
    end: entry.end,
    isAllDay: entry.isAllDay,
    showAs: entry.showAs,
    sensitive: entry.sensitive,
    isCancelled: entry.isCancelled,
    location: entry.location,
    ...(organizer ? { organizer } : {}),
    attendees,
    body: { type: isRecord(body) && cap(own(body, 'contentType'), 10).toLowerCase() === 'text' ? 'text' : 'html', content: isRecord(body) ? cap(own(body, 'content'), BODY_MAX_CHARS) : '' },
    ...(joinUrl.startsWith('https://') ? { joinUrl } : {}),
    ...(webLink.startsWith('https://') ? { webLink } : {}),
    recurring: type === 'occurrence' || type === 'exception',
  };
}

const EVENT_TYPE = /^#microsoft\.graph\.(\w{1,60})EventMessageDetail$/;

/** One chat message, or undefined when its id or time is not what Teams sends. */
export function readChatMessage(raw: unknown): ChatMessageRaw | undefined {
  if (!isRecord(raw)) return undefined;
  const id = cap(own(raw, 'id'), 40);
  const created = cap(own(raw, 'createdDateTime'), 40);
  if (!/^\d{1,20}$/.test(id) || Number.isNaN(Date.parse(created))) return undefined;
  const type = own(raw, 'messageType');
  const detail = own(raw, 'eventDetail');
  const kind = type === 'message' ? 'message' : type === 'systemEventMessage' || (type === 'unknownFutureValue' && isRecord(detail)) ? 'system' : 'other';
  const from = own(raw, 'from');
  const user = isRecord(from) ? own(from, 'user') : undefined;
  const app = isRecord(from) ? own(from, 'application') : undefined;
  const fromName = isRecord(user) ? cap(own(user, 'displayName'), 200) : isRecord(app) ? cap(own(app, 'displayName'), 200) : '';
  const body = own(raw, 'body');
  const mentions: Record<string, string> = {};
  const ml = own(raw, 'mentions');
  for (const m of Array.isArray(ml) ? ml.slice(0, 50) : []) {
    if (!isRecord(m)) continue;
    const mid = own(m, 'id');
    if (typeof mid === 'number' && Number.isInteger(mid) && mid >= 0 && mid < 1000) mentions[String(mid)] = cap(own(m, 'mentionText'), 200);
  }
  const reactions: Record<string, number> = {};
  const rl = own(raw, 'reactions');
  for (const r of Array.isArray(rl) ? rl.slice(0, 200) : []) {
    const t = isRecord(r) ? cap(own(r, 'reactionType'), 40) : '';
    if (t) reactions[t] = (reactions[t] ?? 0) + 1;
  }
  const al = own(raw, 'attachments');
  const files = (Array.isArray(al) ? al.slice(0, 20) : []).map((a) => (isRecord(a) ? cap(own(a, 'name'), 200) : '')).filter((n) => n !== '');
  const importance = own(raw, 'importance');
  const ev = isRecord(detail) ? EVENT_TYPE.exec(cap(own(detail, '@odata.type'), 120))?.[1] : undefined;
  return {
    id,
    createdAt: new Date(created).toISOString(),
    kind,
    fromName,
    deleted: own(raw, 'deletedDateTime') !== null && own(raw, 'deletedDateTime') !== undefined,
    edited: typeof own(raw, 'lastEditedDateTime') === 'string',
    importance: importance === 'high' || importance === 'urgent' ? importance : 'normal',
    contentType: isRecord(body) && cap(own(body, 'contentType'), 10).toLowerCase() === 'text' ? 'text' : 'html',
    content: isRecord(body) ? cap(own(body, 'content'), 60_000) : '',
    mentions,
    reactions,
    files,
    ...(ev ? { event: ev } : {}),
  };
}

const rowsOf = (v: unknown): unknown[] | undefined => {
  const rows = isRecord(v) ? own(v, 'value') : undefined;
  return Array.isArray(rows) ? rows : undefined;
};
const nextOf = (v: unknown): string | undefined => {
  const n = isRecord(v) ? own(v, '@odata.nextLink') : undefined;
  return typeof n === 'string' ? n : undefined;
};

const chatMessagesPath = (chatId: string, extra: Record<string, string> = {}): string =>
  `${graphPath`/chats/${chatId}/messages`}?${q({ $top: String(CHAT_PAGE), $orderby: 'createdDateTime desc', ...extra })}`;

/** Raster images only, told by their first bytes (the part's headers are not kept by the batch facade). */
const IMAGE_MAGIC: ReadonlyArray<[RegExp, string]> = [
  [/^iVBORw0KGgo/, 'image/png'],
  [/^\/9j\//, 'image/jpeg'],
  [/^R0lGOD/, 'image/gif'],
  [/^UklGR[A-Za-z0-9+/]{6}XRUJQ/, 'image/webp'],
];

export interface ItemsDeps extends MailboxDeps {
  sleep?: (ms: number) => Promise<void>;
}

export function m365Items(deps: ItemsDeps, shared: ReturnType<typeof accountClients> = accountClients(deps)): ItemsPort {
  const base = graphBase(deps.graphBaseUrl);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  /** Follows a calendar's nextLinks (under the Graph base only) until the cap. */
  async function restOfCalendar(graph: GraphClient, next: string | undefined, have: number): Promise<{ rows: unknown[]; truncated: boolean }> {
    if (next === undefined) return { rows: [], truncated: false };
    const path = base.relative(next);
    if (path === undefined) return { rows: [], truncated: true };
    const pages = Math.max(1, Math.ceil((CALENDAR_MAX_EVENTS - have) / CALENDAR_PAGE));
    const r = await graph.pages<unknown>(path, { maxPages: pages, headers: prefer(IMMUTABLE_IDS) });
    if (!r.ok) return { rows: [], truncated: true };
    return { rows: r.value.items, truncated: r.value.next !== undefined };
  }

  async function read(accountId: string, wants: readonly ItemWant[]): Promise<Result<Map<string, Result<ItemRead>>>> {
    const graph = shared.clientFor(accountId);
    const parts: Record<string, BatchPart> = {};
    const chatPart = new Map<string, string>();
    wants.forEach((w, i) => {
      if (w.kind === 'calendar') {
        parts[`k${String(i)}`] = {
          path: `${graphPath`/me/calendars/${w.calendarId}/calendarView`}?${q({ startDateTime: w.start, endDateTime: w.end, $select: EVENT_SELECT, $orderby: 'start/dateTime', $top: String(CALENDAR_PAGE) })}`,
          headers: prefer(IMMUTABLE_IDS),
        };
      } else if (w.kind === 'event') {
        parts[`k${String(i)}`] = { path: `${graphPath`/me/events/${w.eventId}`}?${q({ $select: EVENT_FULL })}`, headers: prefer(IMMUTABLE_IDS, 'outlook.body-content-type="html"') };
      } else if (!chatPart.has(w.chatId)) {
        // Teams allows one request per second on a chat: the same chat shared twice is read once.
        chatPart.set(w.chatId, `k${String(i)}`);
        parts[`k${String(i)}`] = { path: chatMessagesPath(w.chatId), headers: CHAT_PREFER };
      }
    });
    const answers = await inLanes(graph, parts);
    if (!answers.ok) return answers;
    const out = new Map<string, Result<ItemRead>>();
    await Promise.all(
      wants.map(async (w, i) => {
        const key = w.kind === 'chat' ? (chatPart.get(w.chatId) ?? '') : `k${String(i)}`;
        const a = answers.value[key];
        if (!a) return void out.set(w.key, failWith('MS_UNAVAILABLE', 'bad_response'));
        if (!a.ok) return void out.set(w.key, a);
        if (w.kind === 'event') {
          const e = readEvent(a.value);
          return void out.set(w.key, e ? ok({ kind: 'event', event: e }) : failWith('MS_UNAVAILABLE', 'bad_response'));
        }
        const rows = rowsOf(a.value);
        if (!rows) return void out.set(w.key, failWith('MS_UNAVAILABLE', 'bad_response'));
        if (w.kind === 'chat') {
          const messages = rows.map(readChatMessage).filter((m): m is ChatMessageRaw => m !== undefined);
          return void out.set(w.key, ok({ kind: 'chat', messages, hasMore: nextOf(a.value) !== undefined }));
        }
        const more = await restOfCalendar(graph, nextOf(a.value), rows.length);
        const entries = [...rows, ...more.rows].slice(0, CALENDAR_MAX_EVENTS).map(readEntry).filter((e): e is CalendarEntry => e !== undefined);
        out.set(w.key, ok({ kind: 'calendar', entries, truncated: more.truncated }));
      }),
    );
    return ok(out);
  }

  async function chatPage(accountId: string, chatId: string, before: string): Promise<Result<{ messages: ChatMessageRaw[]; hasMore: boolean }>> {
    const r = await shared.clientFor(accountId).get<unknown>(chatMessagesPath(chatId, { $filter: `createdDateTime lt ${before}` }), { headers: CHAT_PREFER });
    if (!r.ok) return r;
    const rows = rowsOf(r.value);
    if (!rows) return failWith('MS_UNAVAILABLE', 'bad_response');
    return ok({ messages: rows.map(readChatMessage).filter((m): m is ChatMessageRaw => m !== undefined), hasMore: nextOf(r.value) !== undefined });
  }

  /** One image at a time (one request per second per chat), waiting Retry-After while there is time. */
  async function chatImages(accountId: string, chatId: string, refs: ReadonlyArray<{ messageId: string; hostedId: string }>): Promise<Result<Array<string | null>>> {
    const graph = shared.clientFor(accountId);
    const out: Array<string | null> = [];
    for (const ref of refs) {
      let answer: Result<unknown> = failWith('MS_UNAVAILABLE', 'not_read');
      for (let attempt = 0; attempt < 3; attempt++) {
        const r = await graph.batch<{ img: unknown }>({ img: { path: graphPath`/chats/${chatId}/messages/${ref.messageId}/hostedContents/${ref.hostedId}/$value` } });
        if (!r.ok) return r;
        answer = r.value.img;
        if (answer.ok || answer.error.code !== 'THROTTLED') break;
        const waitMs = Math.max(1, answer.error.retryAfterSeconds ?? 1) * 1000;
        if (waitMs + 3_000 > deps.remainingMs()) break;
        await sleep(waitMs);
      }
      if (!answer.ok) {
        // The first image failing for a reason other than its absence says why; later ones just show as missing.
        if (answer.error.code !== 'NOT_FOUND' && out.length === 0) return answer;
        out.push(null);
        continue;
      }
      const b64 = typeof answer.value === 'string' ? answer.value.replace(/\s+/g, '') : '';
      const type = IMAGE_MAGIC.find(([re]) => re.test(b64))?.[1];
      const bytes = Math.floor((b64.length * 3) / 4);
      out.push(type && /^[A-Za-z0-9+/]+=*$/.test(b64) && bytes <= CHAT_IMAGE_MAX_BYTES ? `data:${type};base64,${b64}` : null);
    }
    return ok(out);
  }

  async function locate(accountId: string, want: { kind: 'calendar'; calendarId: string } | { kind: 'event'; eventId: string } | { kind: 'chat'; chatId: string }): Promise<Result<{ id: string }>> {
    const graph = shared.clientFor(accountId);
    const r =
      want.kind === 'calendar'
        ? await graph.get<unknown>(graphPath`/me/calendars/${want.calendarId}`, { select: ['id'] })
        : want.kind === 'event'
          ? await graph.get<unknown>(graphPath`/me/events/${want.eventId}`, { headers: prefer(IMMUTABLE_IDS), select: ['id'] })
          : await graph.get<unknown>(graphPath`/chats/${want.chatId}`);
    if (!r.ok) return r;
    const id = isRecord(r.value) ? own(r.value, 'id') : undefined;
    if (typeof id !== 'string') return failWith('MS_UNAVAILABLE', 'bad_response');
    if (want.kind === 'chat') return id === want.chatId ? ok({ id }) : failWith('MS_UNAVAILABLE', 'bad_response');
    if (!GRAPH_ID.test(id)) return failWith('MS_UNAVAILABLE', 'bad_response');
    return ok({ id: want.kind === 'calendar' ? want.calendarId : id });
  }

  return { read, chatPage, chatImages, locate };
}
