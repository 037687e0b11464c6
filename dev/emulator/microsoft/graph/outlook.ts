import type { CalendarEvent, ExchangeItem, MailMessage } from '../data/workloads';
import { badRequest, GraphError } from './errors';
import { applySelect, option, pageByOffset, parseTop, selectOf } from './odata';
import type { Caller, GraphResult, Route, RouteContext } from './types';

const MAIL_SCOPES = ['Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic'];
const CALENDAR_SCOPES = ['Calendars.Read', 'Calendars.ReadWrite'];

const IMMUTABLE = 'IdType="ImmutableId"';

export const wantsImmutableIds = (headers: Headers): boolean =>
  (headers.get('prefer') ?? '').split(',').some((p) => p.trim().replace(/\s/g, '').toLowerCase() === IMMUTABLE.toLowerCase());

/** Exchange answers the same whether the id is a REST id or an immutable id; the header picks which it shows. */
export const exchangeResult = (ctx: RouteContext, body: unknown): GraphResult => ({
  status: 200,
  body,
  ...(wantsImmutableIds(ctx.req.headers) ? { headers: { 'Preference-Applied': IMMUTABLE } } : {}),
});

export const showId = (ctx: RouteContext, x: ExchangeItem): Record<string, unknown> =>
  ({ ...x.resource, id: wantsImmutableIds(ctx.req.headers) ? x.immutableId : x.restId });

export const findById = <T extends ExchangeItem>(xs: readonly T[], id: string): T | undefined =>
  xs.find((x) => x.restId === id || x.immutableId === id);

/** Guests have no mailbox in the inviting tenant; Graph says so with this error. */
export const requireMailbox = (caller: Caller): string => {
  if (caller.principal.userType !== 'Member') {
    throw new GraphError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
  }
  return caller.principal.person;
};

export const exchangeNotFound = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

const keepId = (ctx: RouteContext, o: Record<string, unknown>): Record<string, unknown> => applySelect(o, selectOf(ctx.req.query), ['id']);

const messagesOf = (ctx: RouteContext): MailMessage[] => ctx.env.model.workloads.messages.get(requireMailbox(ctx.caller)) ?? [];

const filterMessages = (ctx: RouteContext, all: MailMessage[]): MailMessage[] => {
  const filter = option(ctx.req.query, 'filter');
  const orderby = option(ctx.req.query, 'orderby');
  let out = all;
  if (filter !== undefined) {
    if (orderby !== undefined) {
      throw new GraphError(400, 'InefficientFilter', 'The restriction or sort order is too complex for this operation.');
    }
    const conv = /^\s*conversationId\s+eq\s+'([^']*)'\s*$/i.exec(filter);
    const read = /^\s*isRead\s+eq\s+(true|false)\s*$/i.exec(filter);
    if (conv) out = all.filter((m) => m.conversationId === conv[1]);
    else if (read) out = all.filter((m) => m.resource['isRead'] === (read[1]?.toLowerCase() === 'true'));
    else throw new GraphError(400, 'ErrorInvalidUrlQueryFilter', `The filter '${filter}' is not supported by the emulator.`);
  }
  if (orderby !== undefined) {
    const m = /^\s*receivedDateTime(?:\s+(asc|desc))?\s*$/i.exec(orderby);
    if (!m) throw badRequest(`Sorting by '${orderby}' is not supported by the emulator.`);
    if ((m[1] ?? 'asc').toLowerCase() === 'asc') out = [...out].reverse();
  }
  return out;
};

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

export const outlookRoutes: Route[] = [
  {
    method: 'GET', path: 'me/messages', scopes: MAIL_SCOPES,
    handle: (ctx) => exchangeResult(ctx, pageByOffset(ctx.env, ctx.req, filterMessages(ctx, messagesOf(ctx)),
      parseTop(ctx.req.query, 1000, 10), (m) => keepId(ctx, showId(ctx, m)))),
  },
  {
    method: 'GET', path: 'me/messages/{message}', scopes: MAIL_SCOPES,
    handle: (ctx) => {
      const m = findById(messagesOf(ctx), ctx.params['message'] ?? '');
      if (!m) throw exchangeNotFound();
      return exchangeResult(ctx, keepId(ctx, showId(ctx, m)));
    },
  },
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
