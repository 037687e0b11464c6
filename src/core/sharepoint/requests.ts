import type { ColumnRef } from './columns';
import type { DocumentMacroConfig, SortDirection } from './config';
import { isEmbeddableUrl, type EmbedPolicy } from './embed';
import { encodeSegment, odataString, PREFER_NON_INDEXED, queryString, type GraphRequest } from './odata';
import { ok, refuse, type Result } from './result';
import { encodePath } from './url-path';

/** A library's drive: by id when stored, else through its list (`/sites/{s}/lists/{l}/drive`). */
export type DriveRef = { driveId: string } | { siteId: string; listId: string };

export const driveBase = (d: DriveRef): string =>
  'driveId' in d ? `/drives/${encodeSegment(d.driveId)}` : `/sites/${encodeSegment(d.siteId)}/lists/${encodeSegment(d.listId)}/drive`;

const listBase = (siteId: string, listId: string): string => `/sites/${encodeSegment(siteId)}/lists/${encodeSegment(listId)}`;

// Computed columns alias a stored field; Graph can select and sort the stored one.
const FIELD_ALIASES: Record<string, string> = {
  LinkTitle: 'Title',
  LinkTitleNoMenu: 'Title',
  LinkFilename: 'FileLeafRef',
  LinkFilenameNoMenu: 'FileLeafRef',
};
export const fieldName = (column: string): string => FIELD_ALIASES[column] ?? column;

const ITEM_SELECT = 'id,webUrl,createdBy,lastModifiedBy,contentType';
/** What a drive item row or the Document card needs. */
export const DRIVE_SELECT = 'id,name,size,webUrl,file,folder,package,createdDateTime,lastModifiedDateTime,createdBy,lastModifiedBy,parentReference';
/** Library columns the drive item itself carries; anything else needs `listItem/fields`. */
export const DRIVE_NATIVE_COLUMNS = new Set(['FileLeafRef', 'LinkFilename', 'LinkFilenameNoMenu', 'Modified', 'Created', 'Author', 'Editor', 'FileSizeDisplay']);

export interface ListItemsQuery {
  siteId: string;
  listId: string;
  columns: readonly ColumnRef[];
  pageSize: number;
  orderBy?: { column: string; direction: SortDirection };
  /** Prefix search: Graph's list items support `startswith` but not `contains`. */
  startsWith?: { column: string; text: string };
}

/** `GET /sites/{s}/lists/{l}/items?$expand=fields($select=…)&$top=N[&$orderby][&$filter]`. */
export function listItemsRequest(q: ListItemsQuery): GraphRequest {
  const fields = [...new Set(q.columns.map((c) => fieldName(c.name)))];
  const params: Array<[string, string]> = [
    ['$select', ITEM_SELECT],
    ['$expand', `fields($select=${fields.join(',')})`],
    ['$top', String(q.pageSize)],
  ];
  if (q.orderBy !== undefined) params.push(['$orderby', `fields/${fieldName(q.orderBy.column)} ${q.orderBy.direction}`]);
  if (q.startsWith !== undefined) params.push(['$filter', `startswith(fields/${fieldName(q.startsWith.column)},${odataString(q.startsWith.text)})`]);
  const req: GraphRequest = { method: 'GET', path: `${listBase(q.siteId, q.listId)}/items${queryString(params)}` };
  if (q.orderBy !== undefined || q.startsWith !== undefined) req.headers = { ...PREFER_NON_INDEXED };
  return req;
}

export type DriveOrderField = 'name' | 'lastModifiedDateTime' | 'size';

export interface DriveChildrenQuery {
  drive: DriveRef;
  /** Folder by drive item id, else by path relative to the library root; neither means the root. */
  folder: { id?: string; path?: string };
  columns: readonly ColumnRef[];
  pageSize: number;
  orderBy?: { field: DriveOrderField; direction: SortDirection };
}

function driveExpand(columns: readonly ColumnRef[]): string {
  const custom = [...new Set(columns.map((c) => c.name).filter((n) => !DRIVE_NATIVE_COLUMNS.has(n)))];
  return custom.length === 0 ? 'thumbnails' : `thumbnails,listItem($expand=fields($select=${custom.join(',')}))`;
}

/** `GET /drives/{d}/items/{id}/children?$select&$expand=thumbnails[,listItem(…)]&$top[&$orderby]`. */
export function driveChildrenRequest(q: DriveChildrenQuery): GraphRequest {
  const base = driveBase(q.drive);
  const path = q.folder.id !== undefined
    ? `${base}/items/${encodeSegment(q.folder.id)}/children`
    : q.folder.path !== undefined && q.folder.path !== ''
      ? `${base}/root:/${encodePath(q.folder.path)}:/children`
      : `${base}/root/children`;
  const params: Array<[string, string]> = [
    ['$select', DRIVE_SELECT],
    ['$expand', driveExpand(q.columns)],
    ['$top', String(q.pageSize)],
  ];
  if (q.orderBy !== undefined) params.push(['$orderby', `${q.orderBy.field} ${q.orderBy.direction}`]);
  return { method: 'GET', path: path + queryString(params) };
}

/**
 * `GET /drives/{d}/root/search(q='…')`. Graph searches the whole library (there is no folder-scoped
 * search in v1.0); the view model keeps only results under the configured folder.
 */
export function driveSearchRequest(q: { drive: DriveRef; text: string; pageSize: number }): GraphRequest {
  const params: Array<[string, string]> = [
    ['$select', DRIVE_SELECT],
    ['$expand', 'thumbnails'],
    ['$top', String(q.pageSize)],
  ];
  return { method: 'GET', path: `${driveBase(q.drive)}/root/search(q=${encodeURIComponent(odataString(q.text))})${queryString(params)}` };
}

/** The list's own metadata: tells a renamed list from a deleted one and gives its SharePoint link. */
export const listRequest = (siteId: string, listId: string): GraphRequest => ({
  method: 'GET',
  path: `${listBase(siteId, listId)}${queryString([['$select', 'id,name,displayName,webUrl,list']])}`,
});

export const listColumnsRequest = (siteId: string, listId: string): GraphRequest => ({
  method: 'GET',
  path: `${listBase(siteId, listId)}/columns`,
});

/**
 * One person behind a `LookupId`, from the site's User Information List (best effort: readable by site
 * members; for others the person stays unresolved).
 */
export const userInfoRequest = (siteId: string, lookupId: string): GraphRequest => ({
  method: 'GET',
  path: `/sites/${encodeSegment(siteId)}/lists/${encodeSegment('User Information List')}/items/${encodeSegment(lookupId)}${queryString([
    ['$expand', 'fields($select=Title,EMail)'],
  ])}`,
});

/** The Document macro's file, with what its card shows. */
export const documentItemRequest = (c: DocumentMacroConfig): GraphRequest => ({
  method: 'GET',
  path: `/drives/${encodeSegment(c.driveId)}/items/${encodeSegment(c.itemId)}${queryString([
    ['$select', DRIVE_SELECT],
    ['$expand', 'thumbnails'],
  ])}`,
});

/** `POST /drives/{d}/items/{i}/preview`: a short-lived embeddable URL; ask again when it expires. */
export const previewRequest = (c: DocumentMacroConfig): GraphRequest => ({
  method: 'POST',
  path: `/drives/${encodeSegment(c.driveId)}/items/${encodeSegment(c.itemId)}/preview`,
  body: {},
});

/**
 * The preview's `getUrl`, accepted only as https on an accepted SharePoint host (or an origin the session
 * says serves one, see {@link isEmbeddableUrl}): it goes into an iframe.
 */
export function readPreviewUrl(body: unknown, policy: EmbedPolicy): Result<string> {
  const url = typeof body === 'object' && body !== null ? (body as { getUrl?: unknown }).getUrl : undefined;
  if (isEmbeddableUrl(url, policy)) return ok(url);
  return refuse('invalid_response', 'SharePoint did not return a preview for this document.');
}

export interface BatchPart {
  id: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A `$batch` body (≤ 20 parts, checked) from named requests; ids are the names. */
export function batchBody(parts: Readonly<Record<string, GraphRequest>>): { requests: BatchPart[] } {
  const entries = Object.entries(parts);
  if (entries.length > 20) throw new Error('Graph $batch accepts at most 20 requests');
  return {
    requests: entries.map(([id, r]) => {
      const part: BatchPart = { id, method: r.method, url: r.path };
      if (r.headers !== undefined) part.headers = { ...r.headers };
      if (r.body !== undefined) {
        part.body = r.body;
        part.headers = { ...part.headers, 'Content-Type': 'application/json' };
      }
      return part;
    }),
  };
}

/** `POST /$batch` with named requests: the one shape every batch goes out in (the gateway, a macro's early start). */
export const batchRequest = (parts: Readonly<Record<string, GraphRequest>>): GraphRequest => ({ method: 'POST', path: '/$batch', body: batchBody(parts) });

export interface BatchResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Reads a `$batch` answer into parts by id. The batch is 200 even when parts fail: check each status. */
export function parseBatchResponse(body: unknown): Result<Record<string, BatchResult>> {
  const responses = typeof body === 'object' && body !== null ? (body as { responses?: unknown }).responses : undefined;
  if (!Array.isArray(responses)) return refuse('invalid_response', 'SharePoint sent a batch answer the app could not read.');
  const out: Record<string, BatchResult> = Object.create(null) as Record<string, BatchResult>;
  for (const r of responses as unknown[]) {
    if (typeof r !== 'object' || r === null) continue;
    const { id, status, headers, body: partBody } = r as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown };
    if (typeof id !== 'string' || typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) continue;
    const h: Record<string, string> = {};
    if (typeof headers === 'object' && headers !== null) {
      for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') h[k.toLowerCase()] = v;
    }
    out[id] = { status, headers: h, body: partBody };
  }
  return ok(out);
}
