import type { Result } from '../../../src/contract';
import type { GraphSender } from '../graph-send';

/**
 * The sharer's own calendars, upcoming events and Teams chats, listed by their browser with their own
 * token (as the mail picker lists mail). Only ids go to the server when they share; the server checks
 * again that each is theirs.
 */
export interface PickableCalendar {
  id: string;
  name: string;
  isDefault: boolean;
}
export interface PickableEvent {
  id: string;
  subject: string;
  start: string;
  isAllDay: boolean;
  isOnlineMeeting: boolean;
}
export interface PickableChat {
  id: string;
  title: string;
  chatType: string;
}

const str = (v: unknown, max = 300): string => (typeof v === 'string' ? v.slice(0, max) : '');
const rows = (v: unknown): Array<Record<string, unknown>> => {
  const value = typeof v === 'object' && v !== null ? (v as { value?: unknown }).value : undefined;
  return Array.isArray(value) ? value.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
};
/** Event ids are stored: ask for the ones that survive moving the event. */
const IMMUTABLE = { Prefer: 'IdType="ImmutableId"' };

export async function listCalendars(graph: GraphSender): Promise<Result<PickableCalendar[]>> {
  const r = await graph.send({ method: 'GET', path: '/me/calendars?$select=id,name,isDefaultCalendar&$top=50' });
  if (!r.ok) return r;
  return { ok: true, value: rows(r.value).filter((c) => typeof c.id === 'string').map((c) => ({ id: str(c.id, 600), name: str(c.name) || 'Calendar', isDefault: c.isDefaultCalendar === true })) };
}

/** Events from today for `days` days (occurrences of series included), by start, in UTC. */
export async function listEvents(graph: GraphSender, days = 30): Promise<Result<PickableEvent[]>> {
  const start = new Date();
  start.setUTCHours(0, 0, 0, 0);
  const end = new Date(start.getTime() + days * 86_400_000);
  const path = `/me/calendarView?startDateTime=${start.toISOString()}&endDateTime=${end.toISOString()}&$select=id,subject,start,isAllDay,isOnlineMeeting,isCancelled&$orderby=start/dateTime&$top=100`;
  const r = await graph.send({ method: 'GET', path, headers: IMMUTABLE });
  if (!r.ok) return r;
  return {
    ok: true,
    value: rows(r.value)
      .filter((e) => typeof e.id === 'string' && e.isCancelled !== true)
      .map((e) => {
        const s = (e.start ?? {}) as { dateTime?: unknown };
        return { id: str(e.id, 600), subject: str(e.subject) || '(no title)', start: `${str(s.dateTime, 23)}Z`, isAllDay: e.isAllDay === true, isOnlineMeeting: e.isOnlineMeeting === true };
      }),
  };
}

/** The caller's chats with their members' names (for 1:1 chats, which have no topic). */
export async function listChats(graph: GraphSender, myName: string): Promise<Result<PickableChat[]>> {
  const r = await graph.send({ method: 'GET', path: '/me/chats?$expand=members&$top=50' });
  if (!r.ok) return r;
  return {
    ok: true,
    value: rows(r.value)
      .filter((c) => typeof c.id === 'string')
      .map((c) => {
        const members = Array.isArray(c.members) ? (c.members as Array<{ displayName?: unknown }>).map((m) => str(m.displayName)).filter((n) => n && n !== myName) : [];
        return { id: str(c.id, 400), chatType: str(c.chatType, 20), title: str(c.topic) || members.join(', ') || 'Chat' };
      }),
  };
}
