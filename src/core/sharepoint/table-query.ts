import type { ColumnRef } from './columns';
import type { SortSpec } from './config';
import type { GraphRequest } from './odata';
import { driveChildrenRequest, driveSearchRequest, fieldName, listItemsRequest, type DriveOrderField, type DriveRef } from './requests';
import { listSearchRequest } from './search';

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
  /** How many items SharePoint says the folder holds (`folder.childCount`), when it said. */
  count?: number;
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

/** Whether the column is indexed in SharePoint (`ID` always is). */
export const isIndexed = (indexed: readonly string[], column: string): boolean => {
  const name = fieldName(column).toLowerCase();
  return name === 'id' || indexed.some((c) => c.toLowerCase() === name);
};

/**
 * Whether Graph can sort the whole collection by this column. Lists: `$orderby=fields/X` for scalar
 * columns (unknown types are tried too); above the list view threshold (`large`) only indexed ones.
 * Libraries: drive children sort only by name, modified time and size.
 */
export function canSortOnServer(source: TableSource, columns: readonly ColumnRef[], column: string, large = false, indexed: readonly string[] = []): boolean {
  if (source.kind === 'library') return DRIVE_ORDER[column] !== undefined;
  if (large && !isIndexed(indexed, column)) return false;
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
  /** False once Graph refused `$orderby`/`$filter` for this library: everything is done on the page. */
  serverQuery: boolean;
  /**
   * The list is above SharePoint's 5,000-item list view threshold (Graph refused a query on a column
   * that is not indexed): sort only by indexed columns, find text with Microsoft Search.
   */
  large: boolean;
  /** Internal names of the list's indexed columns (from its column definitions). */
  indexed: readonly string[];
  folder: Crumb | undefined;
}

type ScopeInputs = Pick<QueryInputs, 'source' | 'columns' | 'serverQuery' | 'large' | 'indexed'>;

/** Where search happens: `all` (server, whole list/library) or `page` (the loaded page only). */
export function searchScope(q: ScopeInputs): 'all' | 'page' {
  if (q.source.kind === 'list' && q.large) return 'all';
  if (!q.serverQuery) return 'page';
  return q.source.kind === 'library' || searchColumn(q.columns) !== undefined ? 'all' : 'page';
}

/** Whether a search runs through Microsoft Search (a list above the threshold). */
export const usesMicrosoftSearch = (q: ScopeInputs & Pick<QueryInputs, 'search'>): boolean => q.source.kind === 'list' && q.large && q.search !== '';

/**
 * Whether the header of this column offers sorting at all: above the threshold a list sorts only by
 * indexed columns (SharePoint refuses the rest), so the others are not offered.
 */
export function canSortBy(q: ScopeInputs, column: string): boolean {
  if (q.source.kind === 'list' && q.large) return isIndexed(q.indexed, column);
  return true;
}

/** Where sorting happens for the current sort: `all` (Graph orders every page) or `page`. */
export function sortScope(q: ScopeInputs & Pick<QueryInputs, 'sort' | 'search'>): 'all' | 'page' {
  if (q.sort === null) return 'all';
  // Drive search results and Microsoft Search results come in their own order.
  if (!q.serverQuery || (q.source.kind === 'library' && q.search !== '') || usesMicrosoftSearch(q)) return 'page';
  return canSortOnServer(q.source, q.columns, q.sort.column, q.large, q.indexed) ? 'all' : 'page';
}

/** The first-page request for the current sort, search and folder. */
export function firstPageRequest(q: QueryInputs): GraphRequest {
  const serverSort = q.sort !== null && sortScope(q) === 'all' ? q.sort : undefined;
  const serverSearch = q.search !== '' && searchScope(q) === 'all' ? q.search : undefined;
  if (q.source.kind === 'list') {
    if (serverSearch !== undefined && q.large) return listSearchRequest({ listId: q.source.listId, text: serverSearch, from: 0, size: q.pageSize });
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
