import type { Calendar, CalendarEvent } from '../../data/calendar';
import { isWellFormedId } from '../../data/mail';
import { GraphError } from '../errors';
import { option, selectOf } from '../odata';
import { exchangeAccessDenied, exchangeNotFound, idMalformed, noMailbox } from '../outlook/common';
import type { GraphResult, Route, RouteContext } from '../types';
import { calendarPreferences, preferenceApplied } from './prefer';
import { checkEventSelect, type EventView, renderCalendar, renderEvent } from './render';

// Outlook calendars on Graph v1.0, under /me/… and /users/{id | userPrincipalName}/…: calendars, the
// default calendar, calendarView (occurrences expanded), events and a series' instances. Sources per
// rule: README.md, "Calendars".

/** calendar-list-calendarview.md (Learn): Calendars.ReadBasic is the least privileged permission. */
const CALENDAR_BASIC = ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'];
const FULL = ['Calendars.Read', 'Calendars.ReadWrite', 'Calendars.Read.Shared', 'Calendars.ReadWrite.Shared'];
const SHARED = ['Calendars.Read.Shared', 'Calendars.ReadWrite.Shared'];

const PAGE_DEFAULT = 10;
/** "CalendarView with $top has a minimum value of 1 and maximum of 1000" (calendar-list-calendarview.md). */
const PAGE_MAX = 1000;

const has = (ctx: RouteContext, scopes: readonly string[]): boolean => scopes.some((s) => ctx.caller.scopes.has(s.toLowerCase()));

const userNamed = (ctx: RouteContext, ref: string) => {
  const r = ref.toLowerCase();
  return ctx.env.model.directory.principals.find((p) => p.tenantId === ctx.caller.tenant.id
    && (p.oid === r || p.userPrincipalName.toLowerCase() === r || p.mail.toLowerCase() === r));
};

/** The mailbox a route addresses, without judging access: for Outlook's per-mailbox throttling and counts. */
const addressedMailbox = (ctx: RouteContext): string | undefined => {
  const ref = ctx.params['user'];
  const p = ref === undefined ? ctx.caller.principal : userNamed(ctx, ref);
  return p && p.userType === 'Member' ? p.person : undefined;
};

/**
 * The person whose calendars the caller may read: their own. Another person's calendar needs a
 * *.Shared permission and a calendar shared with, or delegate access given to, the caller (event-get.md);
 * nobody in the demo tenant has shared one, so that is Exchange's 403 either way.
 */
const ownerOf = (ctx: RouteContext): string => {
  const ref = ctx.params['user'];
  if (ref === undefined) {
    if (ctx.caller.principal.userType !== 'Member') throw noMailbox();
    return ctx.caller.principal.person;
  }
  const p = userNamed(ctx, ref);
  if (!p) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${ref}' is invalid.`);
  if (p.person === ctx.caller.principal.person && p.oid === ctx.caller.principal.oid) {
    if (p.userType !== 'Member') throw noMailbox();
    return p.person;
  }
  throw exchangeAccessDenied();
};

const calendarsOf = (ctx: RouteContext, person: string): Calendar[] => ctx.env.model.workloads.calendars.get(person) ?? [];

/** Calendar ids are compared exactly; a raw `+` (a form decoder's space) or a non-base64 id is malformed. */
const pathId = (ctx: RouteContext, name: string, pattern: string): string => {
  const id = ctx.params[name] ?? '';
  const idx = pattern.split('/').indexOf(`{${name}}`);
  const raw = (ctx.req.path.split('?')[0] ?? '').split('/').filter((s) => s !== '')[idx] ?? '';
  if (raw.includes('+') || !isWellFormedId(id)) throw idMalformed();
  return id;
};

const calendarOf = (ctx: RouteContext, person: string, pattern: string): Calendar => {
  const all = calendarsOf(ctx, person);
  const cal = ctx.params['calendar'] === undefined
    ? all.find((c) => c.resource['isDefaultCalendar'] === true) ?? all[0]
    : all.find((c) => c.id === pathId(ctx, 'calendar', pattern));
  if (!cal) throw exchangeNotFound();
  return cal;
};

/** Query option names compared without case, as Graph does for startDateTime/StartDateTime. */
const queryValue = (q: URLSearchParams, name: string): string | undefined => {
  for (const [k, v] of q) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
};

const WINDOW_MISSING = 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.';

/**
 * "The values of startDateTime and endDateTime are interpreted using the timezone offset specified in the
 * value and are not impacted by the value of the Prefer: outlook.timezone header … If no timezone offset is
 * included in the value, it is interpreted as UTC" (calendar-list-calendarview.md).
 */
const windowOf = (ctx: RouteContext): { start: number; end: number } => {
  const parse = (name: string): number => {
    const raw = queryValue(ctx.req.query, name);
    if (raw === undefined || raw.trim() === '') throw new GraphError(400, 'ErrorInvalidParameter', WINDOW_MISSING);
    const s = raw.trim();
    if (!/^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?$/i.test(s)) {
      throw new GraphError(400, 'ErrorInvalidParameter', `The value '${raw}' of parameter '${name === 'startDateTime' ? 'StartDateTime' : 'EndDateTime'}' is invalid.`);
    }
    const t = Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(s) ? s : /T/.test(s) ? `${s}Z` : `${s}T00:00:00Z`);
    if (Number.isNaN(t)) throw new GraphError(400, 'ErrorInvalidParameter', `The value '${raw}' of parameter '${name}' is invalid.`);
    return t;
  };
  return { start: parse('startDateTime'), end: parse('endDateTime') };
};

const topOf = (ctx: RouteContext, max: number): number => {
  const raw = option(ctx.req.query, 'top');
  if (raw === undefined) return PAGE_DEFAULT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new GraphError(400, 'ErrorInvalidParameter', `The value '${raw}' of $top is invalid: it must be between 1 and ${max}.`);
  }
  return Number(raw);
};

const skipOf = (ctx: RouteContext): number => {
  const raw = option(ctx.req.query, 'skip');
  if (raw === undefined) return 0;
  if (!/^\d+$/.test(raw)) throw new GraphError(400, 'BadRequest', `Invalid value '${raw}' for $skip query option found.`);
  return Number(raw);
};

/** Outlook pages calendar collections with `$skip` in the nextLink, keeping every other option. */
const page = <T>(ctx: RouteContext, all: readonly T[], top: number, render: (x: T) => unknown): Record<string, unknown> => {
  const skip = skipOf(ctx);
  const out: Record<string, unknown> = { value: all.slice(skip, skip + top).map(render) };
  if (skip + top < all.length) {
    const q = new URLSearchParams(ctx.req.query);
    for (const k of [...q.keys()]) if (k.toLowerCase() === '$skip' || k.toLowerCase() === 'skip') q.delete(k);
    q.set('$skip', String(skip + top));
    out['@odata.nextLink'] = `${ctx.env.origin}/graph/v1.0${ctx.req.path.split('?')[0] ?? ''}?${q.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
  }
  return out;
};

const ORDER_KEYS: Record<string, (e: CalendarEvent) => number | string> = {
  'start/datetime': (e) => e.startMs,
  'end/datetime': (e) => e.endMs,
  subject: (e) => e.subject.toLowerCase(),
};

/**
 * The one `$filter` the emulator evaluates on event lists: `iCalUId eq '…'`, OR-ed — how a meeting is
 * found in an attendee's own calendar, where its id differs (event ids are unique per mailbox,
 * microsoft-graph-docs#14370; `GET /me/events?$filter=iCalUId eq '040000…'` answered by v1.0 in
 * microsoft-graph-docs-contrib#6348). Undefined when there is no `$filter`.
 */
const iCalUIdsOf = (ctx: RouteContext, allowed: boolean): Set<string> | undefined => {
  const raw = option(ctx.req.query, 'filter');
  if (raw === undefined) return undefined;
  const one = /^\s*iCalUId\s+eq\s+'((?:[^']|'')*)'\s*$/i;
  const terms = raw.split(/\s+or\s+/i).map((t) => one.exec(t)?.[1]);
  if (!allowed || terms.some((t) => t === undefined)) {
    throw new GraphError(400, 'ErrorInvalidUrlQueryFilter', 'The emulator evaluates only iCalUId eq \'…\' (OR-ed) on event lists; narrow the time window instead.');
  }
  return new Set(terms.map((t) => (t ?? '').replace(/''/g, "'")));
};

/** `$orderby` on start, end or subject; other sort keys and any other `$filter` are not emulated (400, stricter than Graph). */
const ordered = (ctx: RouteContext, all: readonly CalendarEvent[], filterable = false): CalendarEvent[] => {
  const uids = iCalUIdsOf(ctx, filterable);
  const xs = uids ? all.filter((e) => uids.has(e.iCalUId)) : all;
  const raw = option(ctx.req.query, 'orderby');
  if (raw === undefined) return [...xs];
  const m = /^\s*([\w/]+)(?:\s+(asc|desc))?\s*$/i.exec(raw);
  const key = m?.[1] !== undefined ? ORDER_KEYS[m[1].toLowerCase()] : undefined;
  if (!m || !key) throw new GraphError(400, 'ErrorInvalidProperty', `The emulator sorts events by start/dateTime, end/dateTime or subject, not by '${raw}'.`);
  const sign = m[2]?.toLowerCase() === 'desc' ? -1 : 1;
  return [...xs].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return (ka < kb ? -1 : ka > kb ? 1 : a.startMs - b.startMs) * sign;
  });
};

const viewOf = (ctx: RouteContext): EventView => {
  const prefs = calendarPreferences(ctx.req.headers);
  const basicOnly = !has(ctx, FULL);
  return { prefs, basicOnly, select: checkEventSelect(selectOf(ctx.req.query), basicOnly) };
};

const eventsAnswer = (ctx: RouteContext, view: EventView, events: readonly CalendarEvent[], max: number, filterable = false): GraphResult => ({
  status: 200,
  body: page(ctx, ordered(ctx, events, filterable), topOf(ctx, max), (e) => renderEvent(e, view)),
  headers: preferenceApplied(view.prefs, { events: true }),
});

/** Events overlapping the window; a zero-length event counts when it starts inside it. */
const inWindow = (events: readonly CalendarEvent[], w: { start: number; end: number }): CalendarEvent[] =>
  events.filter((e) => (e.endMs > e.startMs ? e.startMs < w.end && e.endMs > w.start : e.startMs >= w.start && e.startMs < w.end));

const eventOf = (ctx: RouteContext, person: string, pattern: string, cal?: Calendar): CalendarEvent => {
  const id = pathId(ctx, 'event', pattern);
  const ev = ctx.env.model.workloads.calendarIndex.byId(person, id);
  if (!ev || (cal && ev.calendarId !== cal.id)) throw exchangeNotFound();
  return ev;
};

type Handler = (ctx: RouteContext, person: string, pattern: string) => GraphResult;

const calendarView: Handler = (ctx, person, pattern) => {
  const cal = calendarOf(ctx, person, pattern);
  const view = viewOf(ctx);
  return eventsAnswer(ctx, view, inWindow(cal.instances, windowOf(ctx)), PAGE_MAX);
};

const listEvents: Handler = (ctx, person, pattern) => eventsAnswer(ctx, viewOf(ctx), calendarOf(ctx, person, pattern).events, PAGE_MAX, true);

const getEvent = (scoped: boolean): Handler => (ctx, person, pattern) => {
  const view = viewOf(ctx);
  const ev = eventOf(ctx, person, pattern, scoped ? calendarOf(ctx, person, pattern) : undefined);
  return { status: 200, body: renderEvent(ev, view), headers: preferenceApplied(view.prefs, { events: true }) };
};

/** event-list-instances.md: a series master's occurrences and exceptions in the window; cancelled ones are gone. */
const instances: Handler = (ctx, person, pattern) => {
  const view = viewOf(ctx);
  const ev = eventOf(ctx, person, pattern);
  const window = windowOf(ctx);
  const cal = calendarsOf(ctx, person).find((c) => c.id === ev.calendarId);
  const members = ev.type === 'seriesMaster' ? (cal?.instances ?? []).filter((i) => i.master === ev) : [];
  return eventsAnswer(ctx, view, inWindow(members, window), PAGE_MAX);
};

const listCalendars: Handler = (ctx, person) => {
  const prefs = calendarPreferences(ctx.req.headers);
  return {
    status: 200,
    body: page(ctx, calendarsOf(ctx, person), topOf(ctx, PAGE_MAX), (c) => renderCalendar(c.resource, selectOf(ctx.req.query))),
    headers: preferenceApplied(prefs, { events: false }),
  };
};

const getCalendar: Handler = (ctx, person, pattern) => ({
  status: 200, body: renderCalendar(calendarOf(ctx, person, pattern).resource, selectOf(ctx.req.query)),
});

const both = (path: string, handle: Handler): Route[] => [
  { prefix: 'me', scopes: CALENDAR_BASIC },
  { prefix: 'users/{user}', scopes: [...CALENDAR_BASIC, ...SHARED] },
].map(({ prefix, scopes }) => {
  const pattern = `${prefix}/${path}`;
  return {
    method: 'GET' as const, path: pattern, scopes, denied: exchangeAccessDenied, outlookMailbox: addressedMailbox,
    handle: (ctx: RouteContext) => handle(ctx, ownerOf(ctx), pattern),
  };
});

export const calendarRoutes: Route[] = [
  ...both('calendars', listCalendars),
  ...both('calendars/{calendar}', getCalendar),
  ...both('calendar', getCalendar),
  ...both('calendarView', calendarView),
  ...both('calendar/calendarView', calendarView),
  ...both('calendars/{calendar}/calendarView', calendarView),
  ...both('events', listEvents),
  ...both('calendar/events', listEvents),
  ...both('calendars/{calendar}/events', listEvents),
  ...both('events/{event}', getEvent(false)),
  ...both('calendar/events/{event}', getEvent(true)),
  ...both('calendars/{calendar}/events/{event}', getEvent(true)),
  ...both('events/{event}/instances', instances),
];
