import type { GraphColumnDefinition as ColumnDefinition } from './graph-shapes';
import { cellSortKey, formatCell, type Cell, type FormatContext } from './cells';
import { pickableColumns, reconcileColumns, type ColumnRef } from './columns';
import type { SortSpec } from './config';
import { fileIconKey, type FileIconKey } from './files';
import { nextLinkRequest, normaliseSearch, type GraphRequest } from './odata';
import { rowsFromCollection, type TableRow } from './rows';
import { isSearchRequest, nextSearchRequest, type FolderInfo } from './search';
import { currentFolder, restart, type PageSlot, type TableProblem, type TableState } from './table-state';
import { canSortBy, isIndexed, searchScope, sortScope, type Crumb } from './table-query';

export type { Crumb, TableSource } from './table-query';
export { FIRST_PAINT_IDS, firstPaintBatch, firstPaintParts, initTable, thresholdProbe } from './table-state';
export type { PageSlot, TableOptions, TableProblem, TableState } from './table-state';

export type TableEvent =
  | { type: 'sort'; column: string }
  | { type: 'search'; text: string }
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'openFolder'; key: string }
  | { type: 'crumb'; index: number }
  | { type: 'up' }
  | { type: 'columns'; definitions: readonly ColumnDefinition[] }
  /** Graph described where the library view starts (its name, path and item count). */
  | { type: 'start'; folder: FolderInfo; libraryName?: string }
  /** Graph refused a query on a column that is not indexed: the list is above the threshold. */
  | { type: 'large' }
  | { type: 'loaded'; seq: number; body: unknown }
  | { type: 'failed'; seq: number }
  | { type: 'retry' }
  | { type: 'serverQueryRejected'; seq: number };


// Drops all pages and asks for the first one under the current sort, search and folder.
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
      // Sorting by another column replaces the sort; a column SharePoint can't sort by is not offered.
      if (!canSortBy(s, e.column)) return s;
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
      const indexed = e.definitions.filter((d) => d.indexed === true && typeof d.name === 'string').map((d) => d.name as string);
      return { ...s, columns, missingColumns: missing, indexed };
    }
    case 'start':
      return start(s, e.folder, e.libraryName);
    case 'large':
      if (s.source.kind !== 'list' || s.large) return s;
      if (s.sort !== null && !isIndexed(s.indexed, s.sort.column)) return { ...s, large: true, sort: null, sortNotApplied: s.sort.column };
      return { ...s, large: true };
    case 'loaded':
      return s.pending?.seq === e.seq ? loaded(s, e.body) : s;
    case 'failed':
      return s.pending?.seq === e.seq ? { ...s, failed: { request: s.pending.request }, pending: null } : s;
    case 'retry': {
      if (s.failed === null) return s;
      const seq = s.seq + 1;
      return { ...s, pending: { seq, request: s.failed.request }, failed: null, seq };
    }
    case 'serverQueryRejected': {
      if (s.pending?.seq !== e.seq) return s;
      // A list: above the threshold. Sort by indexed columns only; search through Microsoft Search.
      if (s.source.kind === 'list' && !s.large) return restart(reduceTable(s, { type: 'large' }));
      if (!s.serverQuery) return s;
      return restart({ ...s, serverQuery: false });
    }
  }
}

// The start folder as Graph describes it: the first crumb's name (the library's for its root), its path
// (for keeping search results inside it) and its item count.
function start(s: TableState, folder: FolderInfo, libraryName: string | undefined): TableState {
  if (s.source.kind !== 'library') return s;
  const top = s.crumbs[0];
  if (top === undefined || (top.id !== undefined && top.id !== folder.id && folder.path !== '')) return s;
  const name = folder.path === '' ? libraryName ?? top.name : folder.name ?? top.name;
  const crumb: Crumb = { ...top, name };
  if (folder.path !== undefined) crumb.path = folder.path;
  if (folder.childCount !== undefined) crumb.count = folder.childCount;
  const topPath = folder.path ?? s.topPath;
  // Crumbs below the start keep paths relative to it.
  return { ...s, crumbs: [crumb, ...s.crumbs.slice(1)], topPath };
}

/**
 * A page answer. Microsoft Search pages arrive as `{ value: listItems, total, more }` (the gateway reads
 * the hits' items by id); library search pages may carry `parentPaths` (parent folder id → path) for
 * results Graph gave without `parentReference.path`.
 */
function loaded(s: TableState, body: unknown): TableState {
  const source = s.source.kind === 'list' ? 'list' : 'drive';
  const read = rowsFromCollection(body, source);
  const slot = s.pages[s.pageIndex];
  if (slot === undefined) return s;
  if (!read.ok) return { ...s, pending: null, failed: { request: slot.request }, problem: 'invalid_response' };
  let next: GraphRequest | null = null;
  let problem: TableProblem | null = null;
  let total: number | undefined;
  const b = body as { total?: unknown; more?: unknown; parentPaths?: unknown };
  if (isSearchRequest(slot.request)) {
    if (b.more === true) next = nextSearchRequest(slot.request, s.pageSize);
    if (typeof b.total === 'number') total = b.total;
  } else if (read.value.nextLink !== undefined) {
    const req = nextLinkRequest(read.value.nextLink, slot.request, s.graphBase);
    if (req.ok) next = req.value;
    else problem = 'invalid_next_link';
  }
  let rows = read.value.rows;
  if (typeof b.parentPaths === 'object' && b.parentPaths !== null) {
    const paths = b.parentPaths as Record<string, unknown>;
    rows = rows.map((r) => {
      const p = r.parentId !== undefined && Object.prototype.hasOwnProperty.call(paths, r.parentId) ? paths[r.parentId] : undefined;
      return typeof p === 'string' && r.folderPath === undefined ? { ...r, folderPath: p } : r;
    });
  }
  const filled: PageSlot = { request: slot.request, rows, next, ...(total !== undefined ? { total } : {}) };
  const pages = s.pages.map((p, i) => (i === s.pageIndex ? filled : p));
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
    crumbs = [...s.crumbs, { name: row.name, id: row.driveItemId, ...(path !== undefined ? { path } : {}), ...(row.childCount !== undefined ? { count: row.childCount } : {}) }];
  } else {
    crumbs = crumbsFromSearch(s, row);
  }
  return restart({ ...s, crumbs, search: '' });
}

// Breadcrumbs for a folder found by search: the start crumb, then each folder between it and the result.
function crumbsFromSearch(s: TableState, row: TableRow): Crumb[] {
  const top = s.crumbs[0] as Crumb;
  const parent = folderOf(row);
  const target: Crumb = { name: row.name as string, id: row.driveItemId, ...(row.childCount !== undefined ? { count: row.childCount } : {}) };
  if (parent === undefined || s.topPath === undefined) return [top, target];
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

/** A drive item's folder relative to the library root: from its path when Graph gave one, else from its parent's. */
const folderOf = (row: TableRow): string | undefined => row.folderPath ?? drivePath(row.parentPath);

const underTop = (s: TableState, row: TableRow): boolean => {
  if (s.topPath === '') return true;
  if (s.topPath === undefined) return false;
  const parent = folderOf(row);
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
  /** Columns whose header offers sorting (above the threshold: the indexed ones only). */
  sortable: readonly string[];
  /** Above the list view threshold: SharePoint sorts and filters by indexed columns only. */
  large: boolean;
  /** The macro's default sort column SharePoint refused (a big list, a column not indexed), until the viewer sorts. */
  sortNotApplied?: ColumnRef;
  search: { text: string; scope: 'all' | 'page'; microsoftSearch: boolean };
  /**
   * `first`–`last` of `total` when SharePoint gave a count (a folder's item count, Microsoft Search's
   * total), else the page number; `single` when there is only this page (no Previous/Next to show).
   */
  page: { number: number; first: number; last: number; total?: number; canPrevious: boolean; canNext: boolean; single: boolean };
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
  // Folders before files, as SharePoint lists them (within the page: Graph orders children by name only).
  if (s.source.kind === 'library') views = [...views.filter((v) => v.row.kind === 'folder'), ...views.filter((v) => v.row.kind !== 'folder')];
  const first = s.pageIndex * s.pageSize + 1;
  const crumb = currentFolder(s);
  const total = s.search !== '' ? slot?.total : s.source.kind === 'library' ? crumb?.count : undefined;
  const canNext = slot?.next != null && s.pending === null;
  const page: TableView['page'] = {
    number: s.pageIndex + 1,
    first: views.length === 0 ? 0 : first,
    last: views.length === 0 ? 0 : first + views.length - 1,
    canPrevious: s.pageIndex > 0 && s.pending === null,
    canNext,
    single: s.pageIndex === 0 && slot?.next === null,
  };
  // A count is shown only when it agrees with what is on screen: rows shown, none dropped from this page,
  // and on the last page exactly as many as counted (SharePoint's count may include what this viewer can't see).
  const consistent = views.length > 0 && views.length === (slot?.rows?.length ?? -1) && (slot?.next === null ? total === page.last : total !== undefined && total > page.last);
  if (total !== undefined && consistent) page.total = total;
  return {
    columns: s.columns,
    missingColumns: s.missingColumns,
    rows: views,
    sort: s.sort === null ? null : { ...s.sort, scope: sScope },
    sortable: s.columns.filter((c) => canSortBy(s, c.name)).map((c) => c.name),
    large: s.source.kind === 'list' && s.large,
    ...(s.sortNotApplied !== undefined && s.sort === null ? { sortNotApplied: s.columns.find((c) => c.name === s.sortNotApplied) ?? { name: s.sortNotApplied, displayName: s.sortNotApplied, type: 'text' as const } } : {}),
    search: { text: s.search, scope: qScope, microsoftSearch: s.source.kind === 'list' && s.large && s.search !== '' },
    page,
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

