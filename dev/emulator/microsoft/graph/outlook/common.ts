import type { ExchangeItem } from '../../data/workloads';
import { GraphError } from '../errors';
import type { Caller, GraphResult, RouteContext } from '../types';

// What every Exchange-backed route shares: the Prefer header, ids shown per request, and Exchange's
// own error codes (which differ from SharePoint's and Teams').

const IMMUTABLE = 'IdType="ImmutableId"';

/** The preferences of one request, from every `Prefer` header (comma-separated, any case). */
export interface Preferences {
  immutableIds: boolean;
  /** `outlook.body-content-type`, when asked for. */
  bodyType: 'text' | 'html' | undefined;
  /** `outlook.allow-unsafe-html`: Graph returns the HTML body unfiltered. */
  unsafeHtml: boolean;
}

export const preferences = (headers: Headers): Preferences => {
  const prefs = (headers.get('prefer') ?? '').split(',').map((p) => p.trim().replace(/\s/g, '')).filter(Boolean);
  const body = prefs.map((p) => /^outlook\.body-content-type="?(text|html)"?$/i.exec(p)?.[1]?.toLowerCase()).find((x) => x !== undefined);
  return {
    immutableIds: prefs.some((p) => p.toLowerCase() === IMMUTABLE.toLowerCase()),
    bodyType: body === 'text' || body === 'html' ? body : undefined,
    unsafeHtml: prefs.some((p) => p.toLowerCase() === 'outlook.allow-unsafe-html'),
  };
};

export const wantsImmutableIds = (headers: Headers): boolean => preferences(headers).immutableIds;

/** `Preference-Applied` names what the answer honoured: immutable ids and the body content type. */
export const preferenceApplied = (p: Preferences, opts: { body: boolean }): Record<string, string> => {
  const applied = [
    ...(p.immutableIds ? [IMMUTABLE] : []),
    ...(opts.body && p.bodyType !== undefined ? [`outlook.body-content-type="${p.bodyType}"`] : []),
  ];
  return applied.length > 0 ? { 'Preference-Applied': applied.join(', ') } : {};
};

/** Exchange answers the same whether the id is a REST id or an immutable id; the header picks which it shows. */
export const exchangeResult = (ctx: RouteContext, body: unknown): GraphResult => ({
  status: 200,
  body,
  headers: preferenceApplied(preferences(ctx.req.headers), { body: false }),
});

export const showId = (ctx: RouteContext, x: ExchangeItem): Record<string, unknown> =>
  ({ ...x.resource, id: wantsImmutableIds(ctx.req.headers) ? x.immutableId : x.restId });

export const findById = <T extends ExchangeItem>(xs: readonly T[], id: string): T | undefined =>
  xs.find((x) => x.restId === id || x.immutableId === id);

export const noMailbox = (): GraphError =>
  new GraphError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');

/** Guests have no mailbox in the inviting tenant; Graph says so with this error. */
export const requireMailbox = (caller: Caller): string => {
  if (caller.principal.userType !== 'Member') throw noMailbox();
  return caller.principal.person;
};

export const exchangeNotFound = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

/** Exchange's 403, for a token without the permission and for someone else's mailbox alike. */
export const exchangeAccessDenied = (): GraphError =>
  new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

export const idMalformed = (): GraphError => new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
