import { ok, refuse, type Result } from './result';

export const GRAPH_BASE = 'https://graph.microsoft.com/v1.0';

/**
 * A Graph call for the browser to make with the viewer's token. `path` is relative to the Graph base
 * (`/sites/…?$top=25`); the caller prefixes the base it was given with the session token.
 */
export interface GraphRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Sent with `$orderby`/`$filter` on list item fields: without it SharePoint refuses queries on columns
 * that are not indexed. On lists over the 5,000-item threshold the query may still fail; the view model
 * then falls back to sorting and searching the loaded page (see `serverQueryRejected`).
 */
export const PREFER_NON_INDEXED = { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' } as const;

export const MAX_SEARCH_LENGTH = 255;

/**
 * An OData string literal: single quotes doubled, wrapped in quotes. With {@link queryString} or
 * {@link encodeSegment} around it, user text can't end the literal or the query parameter.
 *
 * @example odataString("O'Brien") // "'O''Brien'"
 */
export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Search text as typed, made safe to send: controls removed, spaces collapsed, length capped. */
export function normaliseSearch(text: string): string {
  return text
    .replace(/[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2066-\u2069\uFEFF]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_SEARCH_LENGTH);
}

// encodeURIComponent, then un-escape characters that are legal inside a query value and keep OData
// readable (`$select=Title,Modified`). `&`, `#`, `+`, `%`, spaces and quotes-in-literals stay safe:
// `&`/`#`/`+`/`%`/space are always escaped, and quotes are doubled by odataString.
function encodeValue(v: string): string {
  return encodeURIComponent(v).replace(/%24/g, '$').replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%3D/g, '=');
}

/** `?k=v&…` from ordered pairs; values are encoded, keys are trusted constants like `$top`. */
export function queryString(params: ReadonlyArray<readonly [string, string]>): string {
  if (params.length === 0) return '';
  return '?' + params.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&');
}

/** Encodes one path segment (an id or a name). Commas stay as-is: Graph site ids contain them. */
export const encodeSegment = (v: string): string => encodeURIComponent(v).replace(/%2C/g, ',');

/**
 * Turns Graph's `@odata.nextLink` into the next request. The link must stay on the Graph base the app
 * was given (same origin and version path): a link elsewhere would send the viewer's token there.
 */
export function nextLinkRequest(link: unknown, previous: GraphRequest, graphBase: string = GRAPH_BASE): Result<GraphRequest> {
  if (typeof link !== 'string' || link.length > 8192) return refuse('invalid_next_link', 'SharePoint sent a next-page link the app could not use.');
  let url: URL;
  let base: URL;
  try {
    url = new URL(link);
    base = new URL(graphBase);
  } catch {
    return refuse('invalid_next_link', 'SharePoint sent a next-page link the app could not use.');
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  if (
    url.origin !== base.origin ||
    url.username !== '' ||
    url.password !== '' ||
    !url.pathname.startsWith(basePath + '/') ||
    /[\s\\]/.test(link)
  ) {
    return refuse('invalid_next_link', 'SharePoint sent a next-page link to another address; it was not followed.');
  }
  const req: GraphRequest = { method: 'GET', path: url.pathname.slice(basePath.length) + url.search };
  if (previous.headers !== undefined) req.headers = { ...previous.headers };
  return ok(req);
}
