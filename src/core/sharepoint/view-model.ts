import type { GraphColumnDefinition as ColumnDefinition } from './graph-shapes';
import { cellSortKey, formatCell, type Cell, type FormatContext } from './cells';
import { pickableColumns, reconcileColumns, type ColumnRef } from './columns';
import type { ListMacroConfig, SortSpec } from './config';
import { fileIconKey, type FileIconKey } from './files';
import { GRAPH_BASE, nextLinkRequest, normaliseSearch, type GraphRequest } from './odata';
import { batchBody, listColumnsRequest, listRequest, type BatchPart } from './requests';
import type { SharePointReason } from './result';
import { rowsFromCollection, type TableRow } from './rows';
import { firstPageRequest, searchScope, sortScope, type Crumb, type TableSource } from './table-query';

export type { Crumb, TableSource } from './table-query';

/**
 * One page of the table. `next` is the request for the page after it: undefined until this page has
 * loaded, null on the last page. Rows may be evicted from far-away pages; the request stays, so going
 * back refetches only what was dropped.
 */
export interface PageSlot {
  request: GraphRequest;
  rows?: readonly TableRow[];
  next?: GraphRequest | null;
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
  /** Libraries: [start, …, current folder]. Lists: empty. */
  readonly crumbs: readonly Crumb[];
  /** Search results are kept only under this path (the configured folder); '' means the whole library. */
  readonly topPath: string;
  readonly pages: readonly PageSlot[];
  readonly pageIndex: number;
  readonly pending: { seq: number; request: GraphRequest } | null;
  readonly failed: { request: GraphRequest } | null;
  readonly problem: TableProblem | null;
  readonly seq: number;
  readonly graphBase: string;
  readonly maxCachedPages: number;
}

export type TableEvent =
  | { type: 'sort'; column: string }
  | { type: 'search'; text: string }
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'openFolder'; key: string }
  | { type: 'crumb'; index: number }
  | { type: 'up' }
  | { type: 'columns'; definitions: readonly ColumnDefinition[] }
  | { type: 'loaded'; seq: number; body: unknown }
  | { type: 'failed'; seq: number }
  | { type: 'retry' }
  | { type: 'serverQueryRejected'; seq: number };

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
  const topPath = config.kind === 'library' ? config.folder?.path ?? '' : '';
  const crumbs: Crumb[] = [];
  if (config.kind === 'library') {
    const top: Crumb = { name: topPath === '' ? config.listName : (topPath.split('/').pop() as string), path: topPath };
    if (config.folder?.id !== undefined) top.id = config.folder.id;
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

const currentFolder = (s: TableState): Crumb | undefined => s.crumbs[s.crumbs.length - 1];

// Drops all pages and asks for the first one under the current sort, search and folder.
function restart(s: TableState): TableState {
  const request = firstPageRequest({ ...s, folder: currentFolder(s) });
  const seq = s.seq + 1;
  return { ...s, pages: [{ request }], pageIndex: 0, pending: { seq, request }, failed: null, problem: null, seq };
}

// Moves to page `index`, fetching it only if its rows are not in memory.
function goTo(s: TableState, index: number): TableState {
  const slot = s.pages[index];
  if (slot === undefined) return s;
  if (slot.rows !== undefined) return { ...s, pageIndex: index, pending: null, failed: null };
  const seq = s.seq + 1;
  return { ...s, pageIndex: index, pending: { seq, request: slot.request }, failed: null, seq };
}

export function reduceTable(s: TableState, e: TableEvent): TableState {
  switch (e.type) {
    case 'sort': {
      const sort: SortSpec =
        s.sort?.column === e.column ? { column: e.column, direction: s.sort.direction === 'asc' ? 'desc' : 'asc' } : { column: e.column, direction: 'asc' };
      const next = { ...s, sort };
      // Page sorting reorders what is loaded; only a server sort needs new pages.
      return sortScope(next) === 'all' ? restart(next) : next;
    }
    case 'search': {
      const search = normaliseSearch(e.text);
      if (search === s.search) return s;
      const next = { ...s, search };
      return searchScope(next) === 'all' || sortScope(s) !== sortScope(next) ? restart(next) : next;
    }
    case 'next': {
      const slot = s.pages[s.pageIndex];
      if (slot?.next == null || s.pending !== null) return s;
      const pages = s.pages[s.pageIndex + 1] === undefined ? [...s.pages, { request: slot.next }] : s.pages;
      return goTo({ ...s, pages }, s.pageIndex + 1);
    }
    case 'previous':
      return s.pageIndex === 0 ? s : goTo(s, s.pageIndex - 1);
    case 'openFolder':
      return openFolder(s, e.key);
    case 'crumb': {
      if (s.source.kind !== 'library' || e.index < 0 || e.index >= s.crumbs.length) return s;
      if (e.index === s.crumbs.length - 1 && s.search === '') return s;
      return restart({ ...s, crumbs: s.crumbs.slice(0, e.index + 1), search: '' });
    }
    case 'up':
      return s.crumbs.length > 1 ? reduceTable(s, { type: 'crumb', index: s.crumbs.length - 2 }) : s;
    case 'columns': {
      const { columns, missing } = reconcileColumns(s.columns, pickableColumns(e.definitions, s.source.kind));
      return { ...s, columns, missingColumns: missing };
    }
    case 'loaded':
      return s.pending?.seq === e.seq ? loaded(s, e.body) : s;
    case 'failed':
      return s.pending?.seq === e.seq ? { ...s, failed: { request: s.pending.request }, pending: null } : s;
    case 'retry': {
      if (s.failed === null) return s;
      const seq = s.seq + 1;
      return { ...s, pending: { seq, request: s.failed.request }, failed: null, seq };
    }
    case 'serverQueryRejected':
      if (s.pending?.seq !== e.seq || !s.serverQuery) return s;
      return restart({ ...s, serverQuery: false });
  }
}

function loaded(s: TableState, body: unknown): TableState {
  const source = s.source.kind === 'list' ? 'list' : 'drive';
  const read = rowsFromCollection(body, source);
  const slot = s.pages[s.pageIndex];
  if (slot === undefined) return s;
  if (!read.ok) return { ...s, pending: null, failed: { request: slot.request }, problem: 'invalid_response' };
  let next: GraphRequest | null = null;
  let problem: TableProblem | null = null;
  if (read.value.nextLink !== undefined) {
    const req = nextLinkRequest(read.value.nextLink, slot.request, s.graphBase);
    if (req.ok) next = req.value;
    else problem = 'invalid_next_link';
  }
  const pages = s.pages.map((p, i) => (i === s.pageIndex ? { request: p.request, rows: read.value.rows, next } : p));
  return { ...s, pages: evict(pages, s.pageIndex, s.maxCachedPages), pending: null, failed: null, problem };
}

// Keeps rows for at most `max` pages, dropping those farthest from the current one.
function evict(pages: PageSlot[], current: number, max: number): PageSlot[] {
  const loadedIdx = pages.map((p, i) => (p.rows !== undefined ? i : -1)).filter((i) => i >= 0);
  if (loadedIdx.length <= max) return pages;
  const drop = new Set(loadedIdx.sort((a, b) => Math.abs(b - current) - Math.abs(a - current)).slice(0, loadedIdx.length - max));
  return pages.map((p, i) => (drop.has(i) ? (p.next === undefined ? { request: p.request } : { request: p.request, next: p.next }) : p));
}

function openFolder(s: TableState, key: string): TableState {
  if (s.source.kind !== 'library' || s.pending !== null) return s;
  const row = s.pages[s.pageIndex]?.rows?.find((r) => r.key === key);
  if (row?.kind !== 'folder' || row.driveItemId === undefined || row.name === undefined) return s;
  const here = currentFolder(s);
  let crumbs: Crumb[];
  if (s.search === '') {
    const path = here?.path === undefined ? undefined : here.path === '' ? row.name : `${here.path}/${row.name}`;
    crumbs = [...s.crumbs, { name: row.name, id: row.driveItemId, ...(path !== undefined ? { path } : {}) }];
  } else {
    crumbs = crumbsFromSearch(s, row);
  }
  return restart({ ...s, crumbs, search: '' });
}

// Breadcrumbs for a folder found by search: the start crumb, then each folder between it and the result.
function crumbsFromSearch(s: TableState, row: TableRow): Crumb[] {
  const top = s.crumbs[0] as Crumb;
  const parent = drivePath(row.parentPath);
  const target: Crumb = { name: row.name as string, id: row.driveItemId };
  if (parent === undefined) return [top, target];
  const full = parent === '' ? target.name : `${parent}/${target.name}`;
  target.path = full;
  const rel = s.topPath === '' ? full : full.slice(s.topPath.length + 1);
  const middle = rel.split('/').slice(0, -1);
  const crumbs: Crumb[] = [top];
  let path = s.topPath;
  for (const name of middle) {
    path = path === '' ? name : `${path}/${name}`;
    crumbs.push({ name, path });
  }
  crumbs.push(target);
  return crumbs;
}

/** The library-relative folder of a drive item's `parentReference.path` (`/drives/…/root:/A/B` → `A/B`). */
export function drivePath(parentPath: string | undefined): string | undefined {
  if (parentPath === undefined) return undefined;
  const at = parentPath.indexOf('root:');
  if (at === -1) return undefined;
  const rest = parentPath.slice(at + 'root:'.length).replace(/^\/+|\/+$/g, '');
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

const underTop = (s: TableState, row: TableRow): boolean => {
  if (s.topPath === '') return true;
  const parent = drivePath(row.parentPath);
  if (parent === undefined) return false;
  const top = s.topPath.toLowerCase();
  const p = parent.toLowerCase();
  return p === top || p.startsWith(top + '/');
};

export interface TableRowView {
  key: string;
  row: TableRow;
  cells: Cell[];
  /** File-type icon for library rows. */
  icon?: FileIconKey;
}

/** What the table renders now. */
export interface TableView {
  columns: readonly ColumnRef[];
  missingColumns: readonly ColumnRef[];
  rows: TableRowView[];
  sort: (SortSpec & { scope: 'all' | 'page' }) | null;
  search: { text: string; scope: 'all' | 'page' };
  page: { number: number; canPrevious: boolean; canNext: boolean };
  crumbs: readonly Crumb[];
  canGoUp: boolean;
  loading: boolean;
  failed: boolean;
  problem: TableProblem | null;
}

/**
 * Derives the rendered table: the current page's rows, filtered and sorted on the page when the
 * server can't (see `sort.scope` / `search.scope` to tell the reader), with formatted cells.
 */
export function tableView(s: TableState, ctx: FormatContext): TableView {
  const slot = s.pages[s.pageIndex];
  let rows = [...(slot?.rows ?? [])];
  const sScope = sortScope(s);
  const qScope = searchScope(s);
  if (s.source.kind === 'library' && s.search !== '' && qScope === 'all') rows = rows.filter((r) => underTop(s, r));
  let views: TableRowView[] = rows.map((row) => {
    const view: TableRowView = { key: row.key, row, cells: s.columns.map((c) => formatCell(c, row, ctx)) };
    if (s.source.kind === 'library') view.icon = fileIconKey({ name: row.name ?? null, mimeType: row.mimeType ?? null, isFolder: row.kind === 'folder', packageType: row.packageType ?? null });
    return view;
  });
  if (s.search !== '' && qScope === 'page') {
    const needle = s.search.toLocaleLowerCase(ctx.locale);
    views = views.filter((v) => v.cells.some((c) => c.text.toLocaleLowerCase(ctx.locale).includes(needle)));
  }
  if (s.sort !== null && sScope === 'page') views = sortRows(views, s.sort, s.columns, ctx);
  return {
    columns: s.columns,
    missingColumns: s.missingColumns,
    rows: views,
    sort: s.sort === null ? null : { ...s.sort, scope: sScope },
    search: { text: s.search, scope: qScope },
    page: { number: s.pageIndex + 1, canPrevious: s.pageIndex > 0 && s.pending === null, canNext: slot?.next != null && s.pending === null },
    crumbs: s.crumbs,
    canGoUp: s.crumbs.length > 1,
    loading: s.pending !== null,
    failed: s.failed !== null,
    problem: s.problem,
  };
}

function sortRows(views: TableRowView[], sort: SortSpec, columns: readonly ColumnRef[], ctx: FormatContext): TableRowView[] {
  const column: ColumnRef = columns.find((c) => c.name === sort.column) ?? { name: sort.column, displayName: sort.column, type: 'text' };
  const collator = new Intl.Collator(ctx.locale, { numeric: true, sensitivity: 'base' });
  const keyed = views.map((v) => ({ v, k: cellSortKey(column, v.row, ctx) }));
  const sign = sort.direction === 'asc' ? 1 : -1;
  keyed.sort((a, b) => {
    if (a.k === null || b.k === null) return a.k === b.k ? 0 : a.k === null ? 1 : -1;
    if (typeof a.k === 'number' && typeof b.k === 'number') return sign * (a.k - b.k);
    if (typeof a.k === 'number') return -1 * sign;
    if (typeof b.k === 'number') return 1 * sign;
    return sign * collator.compare(a.k, b.k);
  });
  return keyed.map((x) => x.v);
}

/** Batch ids used by {@link firstPaintBatch}. */
export const FIRST_PAINT_IDS = { list: 'list', columns: 'columns', page: 'page' } as const;

/**
 * The first paint in one round trip: the list's metadata, its columns and the pending first page.
 * Dispatch `{type:'columns'}` with the `columns` part's `value` and `{type:'loaded', seq}` with the
 * `page` part's body (or map a failed part through `states.ts`).
 */
export function firstPaintBatch(s: TableState): { body: { requests: BatchPart[] }; seq: number } | undefined {
  if (s.pending === null) return undefined;
  return {
    body: batchBody({
      [FIRST_PAINT_IDS.list]: listRequest(s.source.siteId, s.source.listId),
      [FIRST_PAINT_IDS.columns]: listColumnsRequest(s.source.siteId, s.source.listId),
      [FIRST_PAINT_IDS.page]: s.pending.request,
    }),
    seq: s.pending.seq,
  };
}
