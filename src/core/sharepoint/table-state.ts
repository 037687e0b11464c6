import type { ColumnRef } from './columns';
import type { ListMacroConfig, SortSpec } from './config';
import { GRAPH_BASE, type GraphRequest } from './odata';
import { batchBody, listColumnsRequest, listRequest, listItemsRequest, type BatchPart } from './requests';
import type { SharePointReason } from './result';
import type { TableRow } from './rows';
import { startFolderRequest } from './search';
import { firstPageRequest, searchColumn, type Crumb, type TableSource } from './table-query';

/**
 * A List macro table's state and where it starts: the first page pending and the first paint's `$batch`.
 * Apart from the reducer (view-model.ts) because a macro's entry module needs only this much to start its
 * first request before the view has loaded (first-requests.ts, static/shared/sharepoint/early.ts).
 */

/**
 * One page of the table. `next` is the request for the page after it: undefined until this page has
 * loaded, null on the last page. Rows may be evicted from far-away pages; the request stays, so going
 * back refetches only what was dropped.
 */
export interface PageSlot {
  request: GraphRequest;
  rows?: readonly TableRow[];
  next?: GraphRequest | null;
  /** How many matches SharePoint counted for the whole search, when it said (Microsoft Search does). */
  total?: number;
}

/** Why the last answer was not (fully) used; the `reason` of the refusal in the one vocabulary. */
export type TableProblem = Extract<SharePointReason, 'invalid_response' | 'invalid_next_link'>;

/**
 * The whole state of a List macro table. Pure data: the UI keeps it, dispatches events to
 * {@link reduceTable}, and whenever `pending` changes makes that Graph call and dispatches `loaded`
 * or `failed` with the same `seq` (answers to superseded requests are ignored).
 */
export interface TableState {
  readonly source: TableSource;
  readonly columns: readonly ColumnRef[];
  readonly missingColumns: readonly ColumnRef[];
  readonly pageSize: number;
  readonly sort: SortSpec | null;
  readonly search: string;
  readonly serverQuery: boolean;
  /** Above SharePoint's 5,000-item list view threshold (see `QueryInputs.large`). */
  readonly large: boolean;
  /** Internal names of indexed columns. */
  readonly indexed: readonly string[];
  /**
   * The stored default sort's column when the list turned out to be above the threshold and that column is not
   * indexed: SharePoint refuses the sort, so the table is in SharePoint's order — and says why.
   */
  readonly sortNotApplied?: string;
  /** Libraries: [start, …, current folder]. Lists: empty. The start's name comes from Graph (`start`). */
  readonly crumbs: readonly Crumb[];
  /**
   * Search results are kept only under this path (the configured folder); '' means the whole library;
   * undefined until Graph has described the configured folder (then no search result is shown).
   */
  readonly topPath: string | undefined;
  readonly pages: readonly PageSlot[];
  readonly pageIndex: number;
  readonly pending: { seq: number; request: GraphRequest } | null;
  readonly failed: { request: GraphRequest } | null;
  readonly problem: TableProblem | null;
  readonly seq: number;
  readonly graphBase: string;
  readonly maxCachedPages: number;
}

export interface TableOptions {
  graphBase?: string;
  /** Pages whose rows stay in memory; older ones keep only their request. */
  maxCachedPages?: number;
}

/** The starting state for a validated configuration, with the first page already pending. */
export function initTable(config: ListMacroConfig, opts: TableOptions = {}): TableState {
  const source: TableSource =
    config.kind === 'library'
      ? {
          kind: 'library',
          siteId: config.siteId,
          listId: config.listId,
          drive: config.driveId !== undefined ? { driveId: config.driveId } : { siteId: config.siteId, listId: config.listId },
        }
      : { kind: 'list', siteId: config.siteId, listId: config.listId };
  // Ids only are stored: names, the start folder's path and counts come from Graph (`start`).
  const folder = config.kind === 'library' ? config.folder : undefined;
  const topPath = folder === undefined ? '' : 'path' in folder ? folder.path : undefined;
  const crumbs: Crumb[] = [];
  if (config.kind === 'library') {
    const top: Crumb = { name: topPath === undefined || topPath === '' ? '' : (topPath.split('/').pop() as string) };
    if (topPath !== undefined) top.path = topPath;
    if (folder !== undefined && 'id' in folder) top.id = folder.id;
    crumbs.push(top);
  }
  const base: TableState = {
    source,
    columns: config.columns,
    missingColumns: [],
    pageSize: config.pageSize,
    sort: config.sort ?? null,
    search: '',
    serverQuery: true,
    large: false,
    indexed: [],
    crumbs,
    topPath,
    pages: [],
    pageIndex: 0,
    pending: null,
    failed: null,
    problem: null,
    seq: 0,
    graphBase: opts.graphBase ?? GRAPH_BASE,
    maxCachedPages: Math.max(2, opts.maxCachedPages ?? 10),
  };
  return restart(base);
}

export const currentFolder = (s: TableState): Crumb | undefined => s.crumbs[s.crumbs.length - 1];

/** The table back at its first page for the current sort, search and folder, that page pending. */
export function restart(s: TableState): TableState {
  const request = firstPageRequest({ ...s, folder: currentFolder(s) });
  const seq = s.seq + 1;
  return { ...s, pages: [{ request }], pageIndex: 0, pending: { seq, request }, failed: null, problem: null, seq };
}

/** Batch ids used by {@link firstPaintBatch}. */
export const FIRST_PAINT_IDS = { list: 'list', columns: 'columns', page: 'page', probe: 'probe', start: 'start' } as const;

/**
 * The first paint in one round trip: the list's metadata, its columns and the pending first page, as
 * named requests for one `$batch` ({@link batchRequest}). Dispatch `{type:'columns'}` with the `columns`
 * part's `value` and `{type:'loaded', seq}` with the `page` part's body (or map a failed part through
 * `states.ts`).
 */
export function firstPaintParts(s: TableState): { parts: Record<string, GraphRequest>; seq: number } | undefined {
  if (s.pending === null) return undefined;
  const parts: Record<string, GraphRequest> = {
    [FIRST_PAINT_IDS.list]: listRequest(s.source.siteId, s.source.listId),
    [FIRST_PAINT_IDS.columns]: listColumnsRequest(s.source.siteId, s.source.listId),
    [FIRST_PAINT_IDS.page]: s.pending.request,
  };
  const probe = thresholdProbe(s);
  if (probe !== undefined) parts[FIRST_PAINT_IDS.probe] = probe;
  if (s.source.kind === 'library') parts[FIRST_PAINT_IDS.start] = startFolderRequest(s.source.drive, s.crumbs[0]?.id);
  return { parts, seq: s.pending.seq };
}

/** {@link firstPaintParts} as the `$batch` body Graph receives. */
export function firstPaintBatch(s: TableState): { body: { requests: BatchPart[] }; seq: number } | undefined {
  const b = firstPaintParts(s);
  return b && { body: batchBody(b.parts), seq: b.seq };
}

/**
 * Whether a text search by `startswith` would be refused (the list is above the 5,000-item threshold and
 * its search column is not indexed), asked in the first paint's batch so the first search needs no
 * failed round trip: one item, filtered like a search. A refusal (`query_refused`) → dispatch `large`.
 */
export function thresholdProbe(s: TableState): GraphRequest | undefined {
  if (s.source.kind !== 'list') return undefined;
  const column = searchColumn(s.columns);
  if (column === undefined) return undefined;
  return listItemsRequest({ siteId: s.source.siteId, listId: s.source.listId, columns: s.columns.filter((c) => c.name === column), pageSize: 1, startsWith: { column, text: 'a' } });
}
