import type { MicrosoftFixture } from '../fixture';
import type { Directory } from './directory';
import { exchangeId, isoSeconds, resolveWhen, stableGuid } from './ids';

// Calendars, Teams chats and To Do (mail is data/mail.ts): rendered once into Graph's shapes at start. Only the
// id a resource is shown with depends on the request (Prefer: IdType="ImmutableId").

type Json = Record<string, unknown>;

/** An Exchange item reachable by either its REST id or its immutable id. */
export interface ExchangeItem {
  owner: string;
  restId: string;
  immutableId: string;
  resource: Json;
}

export interface CalendarEvent extends ExchangeItem {
  calendarId: string;
  startMs: number;
  endMs: number;
}

export interface Calendar {
  owner: string;
  id: string;
  resource: Json;
  events: CalendarEvent[];
}

export interface Chat {
  id: string;
  members: string[];
  resource: Json;
  /** Newest first, as Graph lists them. */
  messages: Json[];
}

export interface TodoList {
  owner: string;
  id: string;
  resource: Json;
  tasks: Json[];
}

export interface Workloads {
  calendars: Map<string, Calendar[]>;
  chats: Chat[];
  todo: Map<string, TodoList[]>;
}

/** Outlook writes local date-times with seven fractional digits and a separate time zone. */
const outlookDateTime = (ms: number): { dateTime: string; timeZone: string } =>
  ({ dateTime: new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000'), timeZone: 'UTC' });

export const textPreview = (html: string): string =>
  html.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ').trim().slice(0, 255);

const push = <K, V>(m: Map<K, V[]>, k: K, v: V): void => {
  const xs = m.get(k);
  if (xs) xs.push(v);
  else m.set(k, [v]);
};

export const buildWorkloads = (fx: MicrosoftFixture, dir: Directory, startDay: number): Workloads => {
  const at = (w: string): number => resolveWhen(w, startDay);
  const address = (who: string): { name: string; address: string } => {
    const p = dir.home(who);
    return p ? { name: p.displayName, address: p.mail } : { name: who, address: who };
  };
  const oidOf = (who: string): string => dir.home(who)?.oid ?? who;

  const calendars = new Map<string, Calendar[]>();
  for (const c of fx.calendars ?? []) {
    const id = exchangeId('AAMkAGE1AAAAAAEGAAA', oidOf(c.owner), c.key);
    const events = c.events.map((e): CalendarEvent => {
      const restId = exchangeId('AAMkAGE1AAAAAAENAAA', oidOf(c.owner), c.key, e.key);
      const immutableId = exchangeId('AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0BAAA', oidOf(c.owner), c.key, e.key);
      const startMs = at(e.start);
      const endMs = at(e.end);
      const created = isoSeconds(Math.min(startMs, startDay) - 7 * 86_400_000);
      return {
        owner: c.owner, restId, immutableId, calendarId: id, startMs, endMs,
        resource: {
          '@odata.etag': `W/"${stableGuid(restId).slice(0, 24)}"`,
          createdDateTime: created, lastModifiedDateTime: created, changeKey: stableGuid(restId).slice(0, 24),
          categories: [], transactionId: null, originalStartTimeZone: 'UTC', originalEndTimeZone: 'UTC',
          iCalUId: `040000008200E00074C5B7101A82E008${stableGuid(restId).replaceAll('-', '').toUpperCase()}`,
          reminderMinutesBeforeStart: 15, isReminderOn: !e.isAllDay, hasAttachments: false,
          subject: e.subject, bodyPreview: textPreview(e.body ?? ''), importance: 'normal', sensitivity: 'normal',
          isAllDay: e.isAllDay ?? false, isCancelled: false, isOrganizer: true, responseRequested: true,
          seriesMasterId: null, showAs: e.showAs ?? (e.isAllDay ? 'free' : 'busy'), type: 'singleInstance',
          webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(restId)}&exvsurl=1&path=/calendar/item`,
          onlineMeetingUrl: null, isOnlineMeeting: e.online ?? false,
          onlineMeetingProvider: e.online ? 'teamsForBusiness' : 'unknown',
          onlineMeeting: e.online
            ? { joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${stableGuid(restId).slice(0, 12)}%40thread.v2/0` }
            : null,
          responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
          body: { contentType: 'html', content: e.body ?? '' },
          start: outlookDateTime(startMs), end: outlookDateTime(endMs),
          location: { displayName: e.location ?? '', locationType: 'default', uniqueIdType: 'unknown' },
          locations: e.location ? [{ displayName: e.location, locationType: 'default' }] : [],
          recurrence: null,
          attendees: (e.attendees ?? []).map((a) => ({
            type: 'required', status: { response: 'none', time: '0001-01-01T00:00:00Z' }, emailAddress: address(a),
          })),
          organizer: { emailAddress: address(c.owner) },
        },
      };
    });
    push(calendars, c.owner, {
      owner: c.owner, id, events,
      resource: {
        id, name: c.name, color: c.color ?? 'auto', hexColor: '', isDefaultCalendar: c.isDefault ?? false,
        changeKey: stableGuid(id).slice(0, 24), canShare: true, canViewPrivateItems: true, canEdit: true,
        isRemovable: !(c.isDefault ?? false), isTallyingResponses: true,
        allowedOnlineMeetingProviders: ['teamsForBusiness'], defaultOnlineMeetingProvider: 'teamsForBusiness',
        owner: address(c.owner),
      },
    });
  }

  const chats = (fx.chats ?? []).map((c): Chat => {
    const tenantId = dir.home(c.members[0] ?? '')?.tenantId ?? '';
    const msgs = c.messages.map((m) => {
      const t = at(m.at);
      const who = dir.home(m.from);
      return {
        id: String(t), replyToId: null, etag: String(t), messageType: 'message',
        createdDateTime: new Date(t).toISOString(), lastModifiedDateTime: new Date(t).toISOString(),
        lastEditedDateTime: null, deletedDateTime: null, subject: null, summary: null, chatId: c.id,
        importance: 'normal', locale: 'en-us', webUrl: null, channelIdentity: null, policyViolation: null,
        eventDetail: null,
        from: {
          application: null, device: null,
          user: {
            '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: who?.oid ?? m.from,
            displayName: who?.displayName ?? m.from, userIdentityType: 'aadUser', tenantId,
          },
        },
        body: { contentType: m.contentType ?? 'text', content: m.body },
        attachments: [], mentions: [], reactions: [],
      };
    }).sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime));
    const created = msgs.at(-1)?.createdDateTime ?? new Date(startDay).toISOString();
    const updated = msgs[0]?.createdDateTime ?? created;
    return {
      id: c.id, members: [...c.members], messages: msgs,
      resource: {
        id: c.id, topic: c.topic ?? null, createdDateTime: created, lastUpdatedDateTime: updated,
        chatType: c.chatType, webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(c.id)}/0?tenantId=${tenantId}`,
        tenantId, onlineMeetingInfo: null, viewpoint: { isHidden: false, lastMessageReadDateTime: updated },
      },
    };
  });

  const todo = new Map<string, TodoList[]>();
  for (const l of fx.todo ?? []) {
    const id = exchangeId('AAMkAGE1AAAuAAAAAADTodo', oidOf(l.owner), l.key);
    const tasks = l.tasks.map((t) => {
      const created = at(t.created);
      const completed = t.completed !== undefined ? at(t.completed) : undefined;
      const modified = completed ?? created;
      return {
        '@odata.etag': `W/"${stableGuid(id, t.key).slice(0, 24)}"`,
        id: exchangeId('AAMkAGE1AAAAAAESAAA', oidOf(l.owner), l.key, t.key),
        title: t.title, status: t.status, importance: t.importance ?? 'normal', isReminderOn: false,
        hasAttachments: false, categories: [],
        createdDateTime: new Date(created).toISOString(), lastModifiedDateTime: new Date(modified).toISOString(),
        bodyLastModifiedDateTime: new Date(created).toISOString(),
        body: { content: t.body ?? '', contentType: 'text' },
        ...(t.due !== undefined ? { dueDateTime: outlookDateTime(at(t.due)) } : {}),
        ...(completed !== undefined ? { completedDateTime: outlookDateTime(completed) } : {}),
      };
    });
    push(todo, l.owner, {
      owner: l.owner, id, tasks,
      resource: {
        '@odata.etag': `W/"${stableGuid(id).slice(0, 24)}"`, id, displayName: l.displayName, isOwner: true,
        isShared: false, wellknownListName: l.wellknownListName ?? 'none',
      },
    });
  }

  return { calendars, chats, todo };
};
