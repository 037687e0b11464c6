import type { CalendarEvent } from '../../data/calendar';
import { dateTimeTimeZone, outlookDateTime, wallClockMs } from '../../data/timezones';
import { GraphError } from '../errors';
import { exchangeAccessDenied } from '../outlook/common';
import { htmlToText, previewOf } from '../outlook/html';
import type { CalendarPreferences } from './prefer';

type Json = Record<string, unknown>;

/** Calendars.ReadBasic reads events "except for properties such as body, attachments, and extensions" (permissions reference). */
const NOT_BASIC = new Set(['body', 'bodypreview']);

/**
 * calendar-list-calendarview.md: "The createdDateTime and lastModifiedDateTime properties of event do not
 * support $select"; named in `$select`, they are not returned.
 */
const NOT_SELECTABLE = new Set(['createddatetime', 'lastmodifieddatetime']);

const EVENT_PROPERTIES = [
  'id', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'categories', 'transactionId', 'originalStartTimeZone',
  'originalEndTimeZone', 'iCalUId', 'reminderMinutesBeforeStart', 'isReminderOn', 'hasAttachments', 'subject', 'bodyPreview',
  'importance', 'sensitivity', 'isAllDay', 'isCancelled', 'isOrganizer', 'responseRequested', 'seriesMasterId', 'showAs', 'type',
  'webLink', 'onlineMeetingUrl', 'isOnlineMeeting', 'onlineMeetingProvider', 'allowNewTimeProposals', 'isDraft', 'hideAttendees',
  'originalStart', 'responseStatus', 'body', 'start', 'end', 'location', 'locations', 'recurrence', 'attendees', 'organizer',
  'onlineMeeting',
];
const KNOWN = new Map(EVENT_PROPERTIES.map((p) => [p.toLowerCase(), p]));

export interface EventView {
  prefs: CalendarPreferences;
  /** Only Calendars.ReadBasic among the caller's calendar permissions. */
  basicOnly: boolean;
  select: string[] | undefined;
}

/** `$select` against the event type: unknown names are 400, body under Calendars.ReadBasic is Exchange's 403. */
export const checkEventSelect = (select: string[] | undefined, basicOnly: boolean): string[] | undefined => {
  if (!select) return undefined;
  return select.map((s) => {
    const known = KNOWN.get(s.toLowerCase());
    if (!known) throw new GraphError(400, 'RequestBroker--ParseUri', `Could not find a property named '${s}' on type 'microsoft.graph.event'.`);
    if (basicOnly && NOT_BASIC.has(known.toLowerCase())) throw exchangeAccessDenied();
    return known;
  });
};

const idOf = (ev: CalendarEvent, immutable: boolean): string => (immutable ? ev.immutableId : ev.restId);

/**
 * An event as one request sees it. Times are in the requested zone (UTC by default); all-day events
 * keep their dates at midnight whatever the zone, as Outlook treats them as dates (Microsoft Q&A 1382503:
 * all-day events "are not obeying" `Prefer: outlook.timezone`). The body is not filtered: Graph's unsafe-HTML
 * filter is documented for the Message and Post entities only (see README, "Event bodies").
 */
export const renderEvent = (ev: CalendarEvent, view: EventView): Json => {
  const { prefs } = view;
  const id = idOf(ev, prefs.immutableIds);
  const stored = (ev.resource['body'] as { content?: unknown } | undefined)?.content;
  const html = typeof stored === 'string' ? stored : '';
  const time = (ms: number): Json => ev.isAllDay
    ? { dateTime: outlookDateTime(wallClockMs(ms, ev.zone.iana)), timeZone: prefs.zone.name }
    : dateTimeTimeZone(ms, prefs.zone);
  const full: Json = {
    ...ev.resource,
    id,
    bodyPreview: previewOf(ev.bodyHtml),
    seriesMasterId: ev.master ? idOf(ev.master, prefs.immutableIds) : null,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    body: prefs.bodyType === 'text' ? { contentType: 'text', content: htmlToText(html) } : { contentType: 'html', content: html },
    start: time(ev.startMs),
    end: time(ev.endMs),
  };
  if (view.basicOnly) {
    delete full['body'];
    delete full['bodyPreview'];
  }
  if (!view.select) return full;
  const wanted = new Set(view.select.map((s) => s.toLowerCase()).filter((s) => !NOT_SELECTABLE.has(s)));
  wanted.add('id');
  return Object.fromEntries(Object.entries(full).filter(([k]) => k.startsWith('@') || wanted.has(k.toLowerCase())));
};

export const renderCalendar = (resource: Json, select: string[] | undefined): Json => {
  if (!select) return resource;
  const wanted = new Set([...select, 'id'].map((s) => s.toLowerCase()));
  return Object.fromEntries(Object.entries(resource).filter(([k]) => wanted.has(k.toLowerCase())));
};
