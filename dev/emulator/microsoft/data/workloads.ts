import type { MicrosoftFixture } from '../fixture';
import type { Directory } from './directory';
import { buildCalendars, type Calendar, type Calendars } from './calendar';
import { buildChats, type Chat } from './chats';
import { exchangeId, resolveWhen, stableGuid } from './ids';

// To Do, rendered once into Graph's shapes at start, and the calendars (data/calendar.ts) and Teams chats
// (data/chats.ts) built beside it; mail is data/mail.ts.

type Json = Record<string, unknown>;

/** An Exchange item reachable by either its REST id or its immutable id. */
export interface ExchangeItem {
  owner: string;
  restId: string;
  immutableId: string;
  resource: Json;
}

export type { Calendar, CalendarEvent } from './calendar';
export type { Chat } from './chats';

export interface TodoList {
  owner: string;
  id: string;
  resource: Json;
  tasks: Json[];
}

export interface Workloads {
  /** Calendars by owner (default first): data/calendar.ts. */
  calendars: Map<string, Calendar[]>;
  /** The same calendars with an index of every event id. */
  calendarIndex: Calendars;
  /** data/chats.ts. */
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
  const oidOf = (who: string): string => dir.home(who)?.oid ?? who;

  const calendarIndex = buildCalendars(fx, dir, startDay);
  const calendars = calendarIndex.byOwner;
  const chats = buildChats(fx, dir, startDay, calendarIndex);

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

  return { calendars, calendarIndex, chats, todo };
};
