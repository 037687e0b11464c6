import type { CalendarEvent } from '../../data/workloads';
import { GraphError } from '../errors';
import { applySelect, pageByOffset, parseTop, selectOf } from '../odata';
import type { GraphResult, Route, RouteContext } from '../types';
import { exchangeNotFound, exchangeResult, findById, requireMailbox, showId } from './common';

const CALENDAR_SCOPES = ['Calendars.Read', 'Calendars.ReadWrite'];

const keepId = (ctx: RouteContext, o: Record<string, unknown>): Record<string, unknown> => applySelect(o, selectOf(ctx.req.query), ['id']);

const parseInstant = (name: string, raw: string | undefined): number => {
  const t = raw === undefined ? NaN : Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(raw) ? raw : `${raw}Z`);
  if (Number.isNaN(t)) {
    throw new GraphError(400, 'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.' +
      (raw !== undefined ? ` The value '${raw}' of ${name} is not a valid date.` : ''));
  }
  return t;
};

const calendarsOf = (ctx: RouteContext) => ctx.env.model.workloads.calendars.get(requireMailbox(ctx.caller)) ?? [];

const calendarOf = (ctx: RouteContext) => {
  const all = calendarsOf(ctx);
  const ref = ctx.params['calendar'];
  const cal = ref === undefined ? all.find((c) => c.resource['isDefaultCalendar'] === true) ?? all[0] : all.find((c) => c.id === ref);
  if (!cal) throw exchangeNotFound();
  return cal;
};

const calendarView = (ctx: RouteContext, events: readonly CalendarEvent[]): GraphResult => {
  const start = parseInstant('startDateTime', ctx.req.query.get('startDateTime') ?? ctx.req.query.get('StartDateTime') ?? undefined);
  const end = parseInstant('endDateTime', ctx.req.query.get('endDateTime') ?? ctx.req.query.get('EndDateTime') ?? undefined);
  const hits = events.filter((e) => e.startMs < end && e.endMs > start).sort((a, b) => a.startMs - b.startMs);
  return exchangeResult(ctx, pageByOffset(ctx.env, ctx.req, hits, parseTop(ctx.req.query, 1000, 10), (e) => keepId(ctx, showId(ctx, e))));
};

export const calendarRoutes: Route[] = [
  {
    method: 'GET', path: 'me/calendars', scopes: CALENDAR_SCOPES,
    handle: (ctx) => exchangeResult(ctx, pageByOffset(ctx.env, ctx.req, calendarsOf(ctx), parseTop(ctx.req.query, 1000, 10),
      (c) => keepId(ctx, c.resource))),
  },
  {
    method: 'GET', path: 'me/calendar', scopes: CALENDAR_SCOPES,
    handle: (ctx) => exchangeResult(ctx, keepId(ctx, calendarOf(ctx).resource)),
  },
  {
    method: 'GET', path: 'me/calendars/{calendar}', scopes: CALENDAR_SCOPES,
    handle: (ctx) => exchangeResult(ctx, keepId(ctx, calendarOf(ctx).resource)),
  },
  {
    method: 'GET', path: 'me/calendars/{calendar}/calendarView', scopes: CALENDAR_SCOPES,
    handle: (ctx) => calendarView(ctx, calendarOf(ctx).events),
  },
  {
    method: 'GET', path: 'me/calendarView', scopes: CALENDAR_SCOPES,
    handle: (ctx) => calendarView(ctx, calendarOf(ctx).events),
  },
  {
    method: 'GET', path: 'me/events', scopes: CALENDAR_SCOPES,
    handle: (ctx) => {
      const all = calendarsOf(ctx).flatMap((c) => c.events).sort((a, b) => a.startMs - b.startMs);
      return exchangeResult(ctx, pageByOffset(ctx.env, ctx.req, all, parseTop(ctx.req.query, 1000, 10), (e) => keepId(ctx, showId(ctx, e))));
    },
  },
  {
    method: 'GET', path: 'me/events/{event}', scopes: CALENDAR_SCOPES,
    handle: (ctx) => {
      const e = findById(calendarsOf(ctx).flatMap((c) => c.events), ctx.params['event'] ?? '');
      if (!e) throw exchangeNotFound();
      return exchangeResult(ctx, keepId(ctx, showId(ctx, e)));
    },
  },
];
