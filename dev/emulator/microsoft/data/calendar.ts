import { createHash } from 'node:crypto';
import type { AttendeeFixture, CalendarFixture, EventFixture, EventsGenerator, MicrosoftFixture, RecurrenceFixture, Weekday } from '../fixture';
import type { Directory } from './directory';
import { prng, resolveWhen, stableGuid } from './ids';
import { instantOfWallClock, outlookDateTime, UTC, wallClockMs, windowsNameOf, type Zone } from './timezones';

// Outlook calendars as Exchange stores them: single events, series masters with their occurrences
// and exceptions expanded once at start (cancelled occurrences left out), each event in its organizer's
// time zone. What depends on the request (ids, the time zone of start/end, body format) is rendered by
// graph/calendar/render.ts.

type Json = Record<string, unknown>;

export type EventType = 'singleInstance' | 'seriesMaster' | 'occurrence' | 'exception';

export interface EmailAddress {
  name: string;
  address: string;
}

export interface Attendee {
  type: 'required' | 'optional' | 'resource';
  response: 'none' | 'accepted' | 'tentativelyAccepted' | 'declined' | 'notResponded';
  respondedMs: number | null;
  emailAddress: EmailAddress;
  /** The user key when the attendee is a person of the fixture. */
  person: string | undefined;
}

/** One event as Exchange keeps it; `resource`, `startMs`, `endMs` keep the older shapes other modules read. */
export interface CalendarEvent {
  owner: string;
  /** The fixture key of the event (or of its series). */
  key: string;
  calendarId: string;
  restId: string;
  immutableId: string;
  type: EventType;
  /** The series this occurrence or exception belongs to. */
  master: CalendarEvent | undefined;
  /** The occurrence's place in its series (1-based); 0 for single events and masters. */
  occurrence: number;
  startMs: number;
  endMs: number;
  /** Occurrences and exceptions: where the pattern put them. */
  originalStartMs: number | undefined;
  /** The organizer's zone: `originalStartTimeZone` and the zone the recurrence is computed in. */
  zone: Zone;
  isAllDay: boolean;
  subject: string;
  /** HTML of the body's content (inside `<body>`); empty for no body. */
  bodyHtml: string;
  location: string;
  attendees: Attendee[];
  organizer: EmailAddress;
  isOrganizer: boolean;
  showAs: string;
  sensitivity: string;
  importance: string;
  categories: string[];
  isCancelled: boolean;
  online: boolean;
  joinUrl: string | null;
  /** The series' pattern, on masters only (Graph's patternedRecurrence, dates in the series' zone). */
  recurrence: Json | null;
  createdMs: number;
  modifiedMs: number;
  iCalUId: string;
  /** The event in UTC with its default id: the fields that do not depend on the request. */
  resource: Json;
}

export interface Calendar {
  owner: string;
  key: string;
  id: string;
  resource: Json;
  /** What `/events` lists: single events and series masters, by start. */
  events: CalendarEvent[];
  /** What `calendarView` expands to: single events, occurrences and exceptions, by start. */
  instances: CalendarEvent[];
}

export interface Calendars {
  /** By user key, the default calendar first. */
  byOwner: Map<string, Calendar[]>;
  /** Every event by default id and by immutable id (both are case-sensitive, as Exchange's). */
  byId(owner: string, id: string): CalendarEvent | undefined;
}

const DAY = 86_400_000;
const REST_HEADER = Buffer.from('AAMkAGE1M2IyNGNmLTI5MTktNDUyMi1hZDg0LTQ2ZTk2ZWE2MzA0NABGAAAAAAAA', 'base64');
const IMMUTABLE_HEADER = Buffer.from('AAkALgAAAAAAHYQDEapmEc2byACqAC/EWg0A', 'base64');
const CALENDAR_HEADER = Buffer.from('AAMkAGE1M2IyNGNmLTI5MTktNDUyMi1hZDg0LTQ2ZTk2ZWE2MzA0NAAuAAAA', 'base64');
/** Encodes as `+++/`: like mail ids, event ids carry `+` and `/`, so an unencoded id fails in a path. */
const MARKER = Buffer.from([0xfb, 0xef, 0xbf]);

const opaqueId = (header: Buffer, ...parts: string[]): string =>
  Buffer.concat([header, MARKER, createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 20)]).toString('base64');

const WEEKDAYS: readonly Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const ISO_LOCAL = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?)?$/;

/**
 * A fixture time as the instant it names in `zone`: relative times and ISO date-times without an
 * offset are wall-clock times there; ISO instants with `Z` or an offset are absolute.
 */
export const resolveLocal = (when: string, zone: Zone, startDay: number): number => {
  const w = when.trim();
  const local = ISO_LOCAL.exec(w);
  if (local) {
    const wall = Date.UTC(Number(local[1]), Number(local[2]) - 1, Number(local[3]), Number(local[4] ?? 0), Number(local[5] ?? 0), Number(local[6] ?? 0));
    return instantOfWallClock(wall, zone.iana);
  }
  if (/^[+-]\d+[dhm]/.test(w)) return instantOfWallClock(resolveWhen(w, startDay), zone.iana);
  return resolveWhen(w, startDay);
};

const zones = new Map<string, Zone>();
const zoneOf = (iana: string | undefined): Zone => {
  if (iana === undefined || iana === 'UTC' || iana === 'Etc/UTC') return UTC;
  let z = zones.get(iana);
  if (!z) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: iana });
    } catch {
      throw new Error(`Fixture time zone not understood: ${iana}`);
    }
    z = { name: windowsNameOf(iana), iana };
    zones.set(iana, z);
  }
  return z;
};

const dayOf = (wallMs: number): number => wallMs - (((wallMs % DAY) + DAY) % DAY);

const wrapBody = (inner: string): string => inner === ''
  ? ''
  : `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${inner}</body></html>`;

interface Occurrence {
  n: number;
  startMs: number;
  endMs: number;
}

/** The pattern's occurrences, in the series' zone: the first one's wall-clock start and duration each time. */
const expand = (rec: RecurrenceFixture, first: { startMs: number; endMs: number }, zone: Zone, startDay: number): { occurrences: Occurrence[]; json: Json } => {
  const startWall = wallClockMs(first.startMs, zone.iana);
  const wallDuration = wallClockMs(first.endMs, zone.iana) - startWall;
  const firstDay = dayOf(startWall);
  const timeOfDay = startWall - firstDay;
  const interval = Math.max(1, rec.pattern.interval ?? 1);
  const firstDow = new Date(firstDay).getUTCDay();
  const days = rec.pattern.daysOfWeek ?? [WEEKDAYS[firstDow] ?? 'sunday'];
  const fdw = WEEKDAYS.indexOf(rec.pattern.firstDayOfWeek ?? 'sunday');
  const untilDay = rec.range.type === 'endDate' ? dayOf(wallClockMs(resolveLocal(rec.range.until, zone, startDay), zone.iana)) : undefined;
  const maxCount = rec.range.type === 'numbered' ? rec.range.count : Number.POSITIVE_INFINITY;
  const horizon = rec.range.type === 'noEnd' ? firstDay + 730 * DAY : untilDay ?? Number.POSITIVE_INFINITY;

  const dates: number[] = [];
  const push = (d: number): boolean => {
    if (d < firstDay) return true;
    if (d > horizon || dates.length >= maxCount) return false;
    dates.push(d);
    return true;
  };
  if (rec.pattern.type === 'daily') {
    for (let d = firstDay; push(d); d += interval * DAY) { /* push decides when to stop */ }
  } else if (rec.pattern.type === 'weekly') {
    const weekStart = firstDay - ((firstDow - fdw + 7) % 7) * DAY;
    const order = days.map((d) => (WEEKDAYS.indexOf(d) - fdw + 7) % 7).sort((a, b) => a - b);
    let going = true;
    for (let w = 0; going; w += interval) {
      for (const off of order) {
        going = push(weekStart + (w * 7 + off) * DAY);
        if (!going) break;
      }
    }
  } else {
    const dom = rec.pattern.dayOfMonth ?? new Date(firstDay).getUTCDate();
    const y0 = new Date(firstDay).getUTCFullYear();
    const m0 = new Date(firstDay).getUTCMonth();
    for (let k = 0; ; k += interval) {
      const d = Date.UTC(y0, m0 + k, dom);
      if (new Date(d).getUTCDate() !== dom) continue; // months without that day have no occurrence
      if (!push(d)) break;
    }
  }

  const occurrences = dates.map((d, i): Occurrence => {
    const wallStart = d + timeOfDay;
    return { n: i + 1, startMs: instantOfWallClock(wallStart, zone.iana), endMs: instantOfWallClock(wallStart + wallDuration, zone.iana) };
  });
  const isoDate = (d: number): string => new Date(d).toISOString().slice(0, 10);
  const json: Json = {
    pattern: {
      type: rec.pattern.type, interval, month: 0, dayOfMonth: rec.pattern.type === 'absoluteMonthly' ? rec.pattern.dayOfMonth ?? new Date(firstDay).getUTCDate() : 0,
      daysOfWeek: rec.pattern.type === 'weekly' ? days : [], firstDayOfWeek: rec.pattern.firstDayOfWeek ?? 'sunday', index: 'first',
    },
    range: {
      type: rec.range.type, startDate: isoDate(firstDay),
      endDate: rec.range.type === 'endDate' && untilDay !== undefined ? isoDate(untilDay) : '0001-01-01',
      recurrenceTimeZone: zone.name, numberOfOccurrences: rec.range.type === 'numbered' ? rec.range.count : 0,
    },
  };
  return { occurrences, json };
};

/** Exactly `count` events over `days` days: overlapping, all-day, private, free, tentative and online ones. */
export const generateEvents = (g: EventsGenerator): EventFixture[] => {
  const rand = prng(g.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const durations = [15, 30, 30, 30, 45, 60, 60, 60, 90, 120];
  const out: EventFixture[] = [];
  const base = /^[+-]\d+d$/.test(g.from.trim()) ? Number(g.from.trim().slice(0, -1)) : undefined;
  const dayRef = (d: number): string => (base !== undefined ? `${base + d >= 0 ? '+' : ''}${base + d}d` : g.from);
  const hhmm = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
  for (let i = 0; i < g.count; i++) {
    const day = Math.floor((i * g.days) / g.count);
    const n = i + 1;
    const subject = `${pick(g.subjects)} #${String(n).padStart(3, '0')}`;
    const attendees = g.people.filter(() => rand() < 0.35);
    if (n % 41 === 0) {
      out.push({ key: `gen-${n}`, subject, start: dayRef(day), end: dayRef(day + 1), isAllDay: true, showAs: n % 2 === 0 ? 'oof' : 'free', ...(g.timeZone ? { timeZone: g.timeZone } : {}) });
      continue;
    }
    const startMin = 8 * 60 + Math.floor(rand() * 40) * 15;
    const duration = Math.min(pick(durations), 19 * 60 - startMin);
    out.push({
      key: `gen-${n}`, subject, start: `${dayRef(day)} ${hhmm(startMin)}`, end: `${dayRef(day)} ${hhmm(startMin + duration)}`,
      ...(g.timeZone ? { timeZone: g.timeZone } : {}),
      ...(g.locations && rand() < 0.5 ? { location: pick(g.locations) } : {}),
      ...(attendees.length > 0 ? { attendees } : {}),
      ...(n % 3 === 0 ? { online: true } : {}),
      ...(n % 23 === 0 ? { sensitivity: 'private' as const } : {}),
      ...(n % 29 === 0 ? { sensitivity: 'confidential' as const } : {}),
      ...(n % 7 === 0 ? { showAs: 'tentative' as const } : n % 11 === 0 ? { showAs: 'free' as const } : n % 53 === 0 ? { showAs: 'oof' as const } : {}),
      ...(n % 5 === 0 ? { body: `<p>Agenda for ${subject}: status, risks, next steps.</p>` } : {}),
    });
  }
  return out;
};

// Calendars are only read once built, so reset() (which rebuilds the workloads) can have the same ones again.
const built = new WeakMap<MicrosoftFixture, WeakMap<Directory, Map<number, Calendars>>>();

export const buildCalendars = (fx: MicrosoftFixture, dir: Directory, startDay: number): Calendars => {
  const byDir = built.get(fx) ?? new WeakMap<Directory, Map<number, Calendars>>();
  built.set(fx, byDir);
  const byDay = byDir.get(dir) ?? new Map<number, Calendars>();
  byDir.set(dir, byDay);
  const known = byDay.get(startDay);
  if (known) return known;
  const fresh = assemble(fx, dir, startDay);
  byDay.set(startDay, fresh);
  return fresh;
};

const assemble = (fx: MicrosoftFixture, dir: Directory, startDay: number): Calendars => {
  const address = (who: string, name?: string): EmailAddress => {
    const p = dir.home(who);
    return p ? { name: p.displayName, address: p.mail } : { name: name ?? who, address: who };
  };
  const personOf = (who: string): string | undefined => (dir.home(who) ? who : undefined);
  const oidOf = (who: string): string => dir.home(who)?.oid ?? who;

  const byOwner = new Map<string, Calendar[]>();
  const index = new Map<string, CalendarEvent>();

  const buildOne = (c: CalendarFixture): Calendar => {
    const oid = oidOf(c.owner);
    const calId = opaqueId(CALENDAR_HEADER, 'calendar', oid, c.key);
    const ownerAddress = address(c.owner);
    const events: CalendarEvent[] = [];
    const instances: CalendarEvent[] = [];

    const makeEvent = (e: EventFixture, part: { type: EventType; n: number; startMs: number; endMs: number; master?: CalendarEvent; originalStartMs?: number; recurrence?: Json | null; override?: { subject?: string; location?: string; body?: string } }): CalendarEvent => {
      const zone = zoneOf(e.timeZone);
      const idParts = part.type === 'singleInstance' || part.type === 'seriesMaster' ? [e.key] : [e.key, part.type, String(part.n)];
      const restId = opaqueId(REST_HEADER, 'event', oid, c.key, ...idParts);
      const immutableId = opaqueId(IMMUTABLE_HEADER, 'event', oid, c.key, ...idParts);
      const organizerKey = e.organizer ?? c.owner;
      const isOrganizer = organizerKey === c.owner;
      const attendees = (e.attendees ?? []).map((a): Attendee => {
        const spec: AttendeeFixture = typeof a === 'string' ? { user: a } : a;
        return {
          type: spec.type ?? 'required',
          response: spec.response ?? 'none',
          respondedMs: spec.response && spec.response !== 'none' && spec.response !== 'notResponded'
            ? (spec.responded !== undefined ? resolveWhen(spec.responded, startDay) : part.startMs - DAY) : null,
          emailAddress: address(spec.user, spec.name),
          person: personOf(spec.user),
        };
      });
      const created = Math.min(part.startMs, startDay) - 14 * DAY;
      const subject = part.override?.subject ?? e.subject;
      return {
        owner: c.owner, key: e.key, calendarId: calId, restId, immutableId, type: part.type, master: part.master, occurrence: part.n,
        startMs: part.startMs, endMs: part.endMs, originalStartMs: part.originalStartMs, zone, isAllDay: e.isAllDay ?? false,
        subject: e.isCancelled ? `Canceled: ${subject}` : subject,
        bodyHtml: part.override?.body ?? e.body ?? '',
        location: part.override?.location ?? e.location ?? '',
        attendees, organizer: address(organizerKey), isOrganizer,
        showAs: e.showAs ?? (e.isAllDay ? 'free' : 'busy'), sensitivity: e.sensitivity ?? 'normal', importance: e.importance ?? 'normal',
        categories: [...(e.categories ?? [])], isCancelled: e.isCancelled ?? false, online: e.online ?? false,
        // The join link belongs to the meeting, so occurrences share their master's.
        joinUrl: e.online ? `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${stableGuid(oidOf(organizerKey), e.key).replaceAll('-', '').slice(0, 32)}%40thread.v2/0?context=%7b%22Tid%22%3a%22${dir.home(organizerKey)?.tenantId ?? ''}%22%2c%22Oid%22%3a%22${oidOf(organizerKey)}%22%7d` : null,
        recurrence: part.recurrence ?? null,
        createdMs: created, modifiedMs: part.type === 'exception' ? created + DAY : created,
        // One meeting, one iCalUId in every calendar that has a copy of it ("a unique identifier for an event
        // across calendars. This ID is different for each occurrence in a recurring series", resources/event.md):
        // derived from the organizer and the meeting's key, not from the copy's owner.
        iCalUId: `040000008200E00074C5B7101A82E008${stableGuid(oidOf(organizerKey), ...idParts).replaceAll('-', '').toUpperCase()}`,
        resource: {},
      };
    };

    const fixtures = [...c.events, ...(c.generateEvents ? generateEvents(c.generateEvents) : [])];
    for (const e of fixtures) {
      const zone = zoneOf(e.timeZone);
      const startMs = resolveLocal(e.start, zone, startDay);
      const endMs = resolveLocal(e.end, zone, startDay);
      if (endMs < startMs) throw new Error(`Event ${c.key}/${e.key} ends before it starts`);
      if (!e.recurrence) {
        const ev = makeEvent(e, { type: 'singleInstance', n: 0, startMs, endMs });
        events.push(ev);
        instances.push(ev);
        continue;
      }
      const { occurrences, json } = expand(e.recurrence, { startMs, endMs }, zone, startDay);
      const master = makeEvent(e, { type: 'seriesMaster', n: 0, startMs, endMs, recurrence: json });
      events.push(master);
      const cancelled = new Set(e.recurrence.cancelled ?? []);
      for (const o of occurrences) {
        if (cancelled.has(o.n)) continue;
        const x = e.recurrence.exceptions?.find((ex) => ex.occurrence === o.n);
        const ev = x
          ? makeEvent(e, {
            type: 'exception', n: o.n, master, originalStartMs: o.startMs,
            startMs: x.start !== undefined ? resolveLocal(x.start, zone, startDay) : o.startMs,
            endMs: x.end !== undefined ? resolveLocal(x.end, zone, startDay) : o.endMs,
            override: { ...(x.subject !== undefined ? { subject: x.subject } : {}), ...(x.location !== undefined ? { location: x.location } : {}), ...(x.body !== undefined ? { body: x.body } : {}) },
          })
          : makeEvent(e, { type: 'occurrence', n: o.n, master, originalStartMs: o.startMs, startMs: o.startMs, endMs: o.endMs });
        instances.push(ev);
      }
    }
    const byStart = (a: CalendarEvent, b: CalendarEvent): number => a.startMs - b.startMs || a.endMs - b.endMs || a.restId.localeCompare(b.restId);
    events.sort(byStart);
    instances.sort(byStart);
    for (const ev of [...events, ...instances]) {
      ev.resource = baseResource(ev);
      index.set(`${c.owner}\u0000${ev.restId}`, ev);
      index.set(`${c.owner}\u0000${ev.immutableId}`, ev);
    }
    return {
      owner: c.owner, key: c.key, id: calId, events, instances,
      resource: {
        id: calId, name: c.name, color: c.color ?? 'auto', hexColor: '', isDefaultCalendar: c.isDefault ?? false,
        changeKey: stableGuid(calId).slice(0, 24), canShare: true, canViewPrivateItems: true, canEdit: true,
        isRemovable: !(c.isDefault ?? false), isTallyingResponses: true,
        allowedOnlineMeetingProviders: ['teamsForBusiness'], defaultOnlineMeetingProvider: 'teamsForBusiness',
        owner: ownerAddress,
      },
    };
  };

  for (const c of fx.calendars ?? []) {
    const cal = buildOne(c);
    const xs = byOwner.get(c.owner) ?? [];
    xs.push(cal);
    byOwner.set(c.owner, xs);
  }
  // A calendar shared with someone, as they see it in their own mailbox (outlook-get-shared-events-calendars.md,
  // "from the share recipient's mailbox"; resources/calendar.md `owner`: "the person who shared that calendar
  // with the user"; `canShare` only for the owner): its own id there, the owner's events, read-only.
  for (const c of fx.calendars ?? []) {
    const own = byOwner.get(c.owner)?.find((x) => x.key === c.key);
    for (const who of c.sharedWith ?? []) {
      if (!own || !dir.home(who)) continue;
      const id = opaqueId(CALENDAR_HEADER, 'calendar', oidOf(who), 'shared', oidOf(c.owner), c.key);
      const view: Calendar = {
        owner: who, key: `shared:${c.owner}:${c.key}`, id, events: own.events, instances: own.instances,
        resource: { ...own.resource, id, changeKey: stableGuid(id).slice(0, 24), isDefaultCalendar: false, canShare: false, canEdit: false, canViewPrivateItems: false, isRemovable: true, isTallyingResponses: false },
      };
      byOwner.set(who, [...(byOwner.get(who) ?? []), view]);
    }
  }
  for (const xs of byOwner.values()) xs.sort((a, b) => Number(b.resource['isDefaultCalendar'] === true) - Number(a.resource['isDefaultCalendar'] === true));
  return { byOwner, byId: (owner, id) => index.get(`${owner}\u0000${id}`) };
};

const utcTime = (ms: number): string => outlookDateTime(ms);
const isoZ = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

/** The event with its default id and UTC times, in the order Graph writes the properties. */
const baseResource = (ev: CalendarEvent): Json => {
  const changeKey = stableGuid(ev.restId, String(ev.modifiedMs)).replaceAll('-', '').slice(0, 24);
  return {
    '@odata.etag': `W/"${changeKey}"`,
    id: ev.restId,
    createdDateTime: isoZ(ev.createdMs),
    lastModifiedDateTime: isoZ(ev.modifiedMs),
    changeKey,
    categories: ev.categories,
    transactionId: null,
    originalStartTimeZone: ev.zone.name,
    originalEndTimeZone: ev.zone.name,
    iCalUId: ev.iCalUId,
    reminderMinutesBeforeStart: ev.isAllDay ? 1080 : 15,
    isReminderOn: !ev.isAllDay && ev.showAs !== 'free',
    hasAttachments: false,
    subject: ev.subject,
    bodyPreview: '',
    importance: ev.importance,
    sensitivity: ev.sensitivity,
    isAllDay: ev.isAllDay,
    isCancelled: ev.isCancelled,
    isOrganizer: ev.isOrganizer,
    responseRequested: true,
    seriesMasterId: ev.master?.restId ?? null,
    showAs: ev.showAs,
    type: ev.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(ev.restId)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: ev.online,
    onlineMeetingProvider: ev.online ? 'teamsForBusiness' : 'unknown',
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    ...(ev.originalStartMs !== undefined ? { originalStart: new Date(ev.originalStartMs).toISOString().replace('.000Z', 'Z') } : {}),
    responseStatus: ev.isOrganizer
      ? { response: 'organizer', time: '0001-01-01T00:00:00Z' }
      : (() => {
        const me = ev.attendees.find((a) => a.person === ev.owner);
        return { response: me?.response ?? 'none', time: me?.respondedMs != null ? new Date(me.respondedMs).toISOString().replace('.000Z', 'Z') : '0001-01-01T00:00:00Z' };
      })(),
    body: { contentType: 'html', content: wrapBody(ev.bodyHtml) },
    start: { dateTime: utcTime(ev.startMs), timeZone: 'UTC' },
    end: { dateTime: utcTime(ev.endMs), timeZone: 'UTC' },
    location: ev.location === ''
      ? { displayName: '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} }
      : { displayName: ev.location, locationType: 'default', uniqueId: ev.location, uniqueIdType: 'private' },
    locations: ev.location === '' ? [] : [{ displayName: ev.location, locationType: 'default', uniqueId: ev.location, uniqueIdType: 'private' }],
    recurrence: ev.recurrence,
    attendees: ev.attendees.map((a) => ({
      type: a.type,
      status: { response: a.response, time: a.respondedMs !== null ? new Date(a.respondedMs).toISOString().replace('.000Z', 'Z') : '0001-01-01T00:00:00Z' },
      emailAddress: a.emailAddress,
    })),
    organizer: { emailAddress: ev.organizer },
    onlineMeeting: ev.joinUrl !== null ? { joinUrl: ev.joinUrl } : null,
  };
};
