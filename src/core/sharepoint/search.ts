import type { ColumnRef } from './columns';
import { isRecord, nonEmptyString as str } from '../guards';
import { encodeSegment, queryString, type GraphRequest } from './odata';
import { driveBase, fieldName, type DriveRef } from './requests';
import { ok, refuse, type Result } from './result';

// Whole-list search above SharePoint's 5,000-item list view threshold, where `$filter` on a column that
// is not indexed is refused: Microsoft Search (`POST /search/query`, entity type `listItem`) finds the
// text, trimmed to what the viewer may read, and the rows are then read by id (ids are always indexed).
// Request and answer shapes: https://learn.microsoft.com/graph/search-concept-files (examples 2, 5, 6)
// and https://learn.microsoft.com/graph/api/resources/searchhit.

export const SEARCH_PATH = '/search/query';
/** Managed properties asked for on each hit: the item's id in its list, and the list (checked again here). */
export const LIST_SEARCH_FIELDS = ['listItemId', 'listId'] as const;
const MAX_TERMS = 12;

/** True for a Microsoft Search request made by {@link listSearchRequest}. */
export const isSearchRequest = (r: GraphRequest): boolean => r.method === 'POST' && r.path === SEARCH_PATH;

/**
 * The KQL for a viewer's text inside one list. Each word becomes a quoted prefix term (`"budg*"`), so no
 * typed `OR`, `ListId:` or parenthesis is read as KQL; words are ANDed as SharePoint does by default. The
 * list restriction is `ListId:{id}` (an exact, queryable managed property) rather than `path:` (a prefix
 * that also matches a sibling list whose address starts the same).
 */
export function listSearchKql(listId: string, text: string): string {
  const words = text
    .replace(/["\\*]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '')
    .slice(0, MAX_TERMS);
  return [...words.map((w) => `"${w}*"`), `ListId:${listId}`].join(' ');
}

export interface ListSearchQuery {
  listId: string;
  text: string;
  from: number;
  size: number;
}

/** `POST /search/query` for one page of list items matching `text` in one list. */
export function listSearchRequest(q: ListSearchQuery): GraphRequest {
  return {
    method: 'POST',
    path: SEARCH_PATH,
    body: {
      requests: [
        {
          entityTypes: ['listItem'],
          query: { queryString: listSearchKql(q.listId, q.text) },
          from: q.from,
          size: q.size,
          fields: [...LIST_SEARCH_FIELDS],
        },
      ],
    },
  };
}

export interface SearchPage {
  /** List item ids (`listItemId`), in Microsoft Search's order of relevance. */
  ids: string[];
  /** Graph's estimate of all matches the viewer may see. */
  total: number | undefined;
  more: boolean;
}

/**
 * Reads a `/search/query` answer: the first hits container's list item ids, only those of `listId`
 * (a hit from elsewhere is dropped, never shown).
 */
export function readListSearch(body: unknown, listId: string): Result<SearchPage> {
  const value = isRecord(body) ? body['value'] : undefined;
  const first: unknown = Array.isArray(value) ? value[0] : undefined;
  if (!isRecord(first)) return refuse('invalid_response', 'SharePoint sent search results the app could not read.');
  const containers = first['hitsContainers'];
  const container: unknown = Array.isArray(containers) ? containers[0] : undefined;
  // No container: nothing matched.
  if (container === undefined) return ok({ ids: [], total: 0, more: false });
  if (!isRecord(container)) return refuse('invalid_response', 'SharePoint sent search results the app could not read.');
  const hits = Array.isArray(container['hits']) ? (container['hits'] as unknown[]) : [];
  const ids: string[] = [];
  for (const hit of hits) {
    const resource = isRecord(hit) ? hit['resource'] : undefined;
    const fields = isRecord(resource) ? resource['fields'] : undefined;
    if (!isRecord(fields)) continue;
    const hitList = str(fields['listId']);
    const id = fields['listItemId'];
    const itemId = typeof id === 'number' && Number.isInteger(id) ? String(id) : str(id);
    if (itemId === undefined || !/^\d{1,10}$/.test(itemId)) continue;
    if (hitList !== undefined && hitList.replace(/[{}]/g, '').toLowerCase() !== listId.toLowerCase()) continue;
    if (!ids.includes(itemId)) ids.push(itemId);
  }
  const total = typeof container['total'] === 'number' && container['total'] >= 0 ? container['total'] : undefined;
  return ok({ ids, total, more: container['moreResultsAvailable'] === true });
}

/** The same search, the next page along. */
export function nextSearchRequest(r: GraphRequest, size: number): GraphRequest {
  const body = r.body as { requests: Array<{ from: number } & Record<string, unknown>> };
  const req = body.requests[0];
  if (req === undefined) return r;
  return { ...r, body: { requests: [{ ...req, from: req.from + size }] } };
}

/** The rows behind search hits, read by id: `GET /sites/{s}/lists/{l}/items/{id}?$expand=fields(…)`. */
export function listItemRequest(siteId: string, listId: string, itemId: string, columns: readonly ColumnRef[]): GraphRequest {
  const fields = [...new Set(columns.map((c) => fieldName(c.name)))];
  return {
    method: 'GET',
    path: `/sites/${encodeSegment(siteId)}/lists/${encodeSegment(listId)}/items/${encodeSegment(itemId)}${queryString([
      ['$select', 'id,webUrl,createdBy,lastModifiedBy,contentType'],
      ['$expand', `fields($select=${fields.join(',')})`],
    ])}`,
  };
}

/**
 * A drive item's folder, for checking a search result's ancestry: Graph's search results carry
 * `parentReference.id` but no `parentReference.path`, so the parent is read by id (a plain GET of an item
 * does carry its own `parentReference.path`).
 */
export const folderRequest = (drive: DriveRef, itemId: string): GraphRequest => ({
  method: 'GET',
  path: `${driveBase(drive)}/items/${encodeSegment(itemId)}${queryString([['$select', 'id,name,webUrl,folder,parentReference,root']])}`,
});

/** A drive's root or one of its folders, with the same fields as {@link folderRequest}. */
export const startFolderRequest = (drive: DriveRef, folderId: string | undefined): GraphRequest =>
  folderRequest(drive, folderId ?? 'root');

export interface FolderInfo {
  id: string;
  /** The folder's name; undefined for the library root (its name is the library's). */
  name?: string;
  /** Relative to the library root ('' for the root); undefined when Graph gave no path. */
  path?: string;
  childCount?: number;
  webUrl?: string;
}

/** Reads a drive item answer ({@link folderRequest}) as a folder; undefined if it is not one. */
export function readFolder(body: unknown): FolderInfo | undefined {
  if (!isRecord(body)) return undefined;
  const id = str(body['id']);
  if (id === undefined || !isRecord(body['folder'])) return undefined;
  const info: FolderInfo = { id };
  const count = body['folder']['childCount'];
  if (typeof count === 'number' && Number.isInteger(count) && count >= 0) info.childCount = count;
  const webUrl = str(body['webUrl']);
  if (webUrl !== undefined && /^https:\/\//i.test(webUrl)) info.webUrl = webUrl;
  if (isRecord(body['root'])) {
    info.path = '';
    return info;
  }
  const name = str(body['name']);
  if (name !== undefined) info.name = name;
  const parent = isRecord(body['parentReference']) ? str(body['parentReference']['path']) : undefined;
  const at = parent?.indexOf('root:') ?? -1;
  if (parent !== undefined && at !== -1 && name !== undefined) {
    let rest = parent.slice(at + 'root:'.length).replace(/^\/+|\/+$/g, '');
    try {
      rest = decodeURIComponent(rest);
    } catch {
      // keep as sent
    }
    info.path = rest === '' ? name : `${rest}/${name}`;
  }
  return info;
}
