import type { ColumnRef } from './columns';
import type { SortSpec } from './config';
import type { GraphRequest } from './odata';
import { driveChildrenRequest, driveSearchRequest, listItemsRequest, type DriveOrderField, type DriveRef } from './requests';

/** What the table reads from: list items, or a library's drive (which is what gives folder navigation). */
export type TableSource =
  | { kind: 'list'; siteId: string; listId: string }
  | { kind: 'library'; siteId: string; listId: string; drive: DriveRef };

/** A breadcrumb. The first is where the macro starts (library root or its configured folder). */
export interface Crumb {
  name: string;
  /** Drive item id, when known; otherwise the folder is addressed by `path`. */
  id?: string;
  /** Relative to the library root; unknown for folders reached from search results outside a known path. */
  path?: string;
}

// Graph sorts list items by a field only for single-valued scalar columns. Person and lookup fields hold
// ids (sorting by them would order by user id), multi-value and note fields can't be ordered at all.
const LIST_SERVER_SORTABLE = new Set(['title', 'text', 'number', 'currency', 'dateTime', 'boolean', 'choice', 'counter', 'fileName']);
const BUILT_IN_TYPES: Record<string, ColumnRef['type']> = {
  Title: 'title',
  Modified: 'dateTime',
  Created: 'dateTime',
  ID: 'counter',
  FileLeafRef: 'fileName',
  FileSizeDisplay: 'fileSize',
};
const DRIVE_ORDER: Record<string, DriveOrderField> = {
  FileLeafRef: 'name',
  LinkFilename: 'name',
  Modified: 'lastModifiedDateTime',
  FileSizeDisplay: 'size',
};

/** The column type used to decide sorting; for a sort column not shown in the table, a built-in guess. */
export function columnType(columns: readonly ColumnRef[], name: string): ColumnRef['type'] | undefined {
  return columns.find((c) => c.name === name)?.type ?? BUILT_IN_TYPES[name];
}

/**
 * Whether Graph can sort the whole collection by this column. Lists: `$orderby=fields/X` for scalar
 * columns (unknown types are tried too; a refusal falls back to page sorting). Libraries: drive
 * children sort only by name, modified time and size.
 */
export function canSortOnServer(source: TableSource, columns: readonly ColumnRef[], column: string): boolean {
  if (source.kind === 'library') return DRIVE_ORDER[column] !== undefined;
  const type = columnType(columns, column);
  return type === undefined || LIST_SERVER_SORTABLE.has(type);
}

/** The list column searched with `startswith`: Title if shown, else the first single-line text column. */
export function searchColumn(columns: readonly ColumnRef[]): string | undefined {
  return (columns.find((c) => c.type === 'title') ?? columns.find((c) => c.type === 'text') ?? columns.find((c) => c.type === 'fileName'))?.name;
}

export interface QueryInputs {
  source: TableSource;
  columns: readonly ColumnRef[];
  pageSize: number;
  sort: SortSpec | null;
  search: string;
  /** False once Graph refused `$orderby`/`$filter` for this table: everything is done on the page. */
  serverQuery: boolean;
  folder: Crumb | undefined;
}

/** Where search happens: `all` (server, whole list/library) or `page` (the loaded page only). */
export function searchScope(q: Pick<QueryInputs, 'source' | 'columns' | 'serverQuery'>): 'all' | 'page' {
  if (!q.serverQuery) return 'page';
  return q.source.kind === 'library' || searchColumn(q.columns) !== undefined ? 'all' : 'page';
}

/** Where sorting happens for the current sort: `all` (Graph orders every page) or `page`. */
export function sortScope(q: Pick<QueryInputs, 'source' | 'columns' | 'serverQuery' | 'sort' | 'search'>): 'all' | 'page' {
  if (q.sort === null) return 'all';
  // Drive search results can't be ordered by Graph.
  if (!q.serverQuery || (q.source.kind === 'library' && q.search !== '')) return 'page';
  return canSortOnServer(q.source, q.columns, q.sort.column) ? 'all' : 'page';
}

/** The first-page request for the current sort, search and folder. */
export function firstPageRequest(q: QueryInputs): GraphRequest {
  const serverSort = q.sort !== null && sortScope(q) === 'all' ? q.sort : undefined;
  const serverSearch = q.search !== '' && searchScope(q) === 'all' ? q.search : undefined;
  if (q.source.kind === 'list') {
    const column = searchColumn(q.columns);
    return listItemsRequest({
      siteId: q.source.siteId,
      listId: q.source.listId,
      columns: q.columns,
      pageSize: q.pageSize,
      ...(serverSort !== undefined ? { orderBy: serverSort } : {}),
      ...(serverSearch !== undefined && column !== undefined ? { startsWith: { column, text: serverSearch } } : {}),
    });
  }
  if (serverSearch !== undefined) return driveSearchRequest({ drive: q.source.drive, text: serverSearch, pageSize: q.pageSize });
  const folder: { id?: string; path?: string } = {};
  if (q.folder?.id !== undefined) folder.id = q.folder.id;
  else if (q.folder?.path !== undefined) folder.path = q.folder.path;
  const field = serverSort === undefined ? undefined : DRIVE_ORDER[serverSort.column];
  return driveChildrenRequest({
    drive: q.source.drive,
    folder,
    columns: q.columns,
    pageSize: q.pageSize,
    ...(field !== undefined && serverSort !== undefined ? { orderBy: { field, direction: serverSort.direction } } : {}),
  });
}
