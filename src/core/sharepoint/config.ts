import { COLUMN_TYPES, type CalculatedOutput, type ColumnFormat, type ColumnRef, type ColumnType, type ListKind } from './columns';
import { DEFAULT_HOST_POLICY, isSharePointHttpsUrl, type HostPolicy } from './hosts';
import { isColumnName, isDriveId, isDriveItemId, isGuid, siteIdHost } from './ids';
import { isRecord, own } from '../guards';
import { ok, refuse, type Result } from './result';
import { checkSegment, isCleanText } from './text';
import { isDocumentShareId } from './url-sharing';

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 25;
export const MAX_COLUMNS = 20;
/** 3: ids only (no site, list or folder names, no addresses). 1 and 2 are read, their names ignored. */
export const LIST_CONFIG_VERSION = 3;
/** 2: ids only (no file name, no address). 1 is read, its name and address ignored. */
export const DOCUMENT_CONFIG_VERSION = 2;

export type SortDirection = 'asc' | 'desc';
export interface SortSpec {
  column: string;
  direction: SortDirection;
}

/**
 * Where a library view starts: the folder's drive item id. Only a version 1/2 config saved before folders
 * were stored by id carries a `path` (relative to the library root) instead; it is read, never written.
 */
export type FolderRef = { id: string } | { path: string };

/**
 * What the SharePoint List macro stores: ids for Graph, column internal names and types (no display
 * names: {@link storedListConfig}), the view's settings. No site, list, folder or file name and no address: a page's stored settings can be read by
 * people SharePoint would not show the list to, and a name can be the secret. Every name a viewer sees
 * comes from Graph, with their own token, when the macro is shown.
 */
export interface ListMacroConfig {
  version: typeof LIST_CONFIG_VERSION;
  siteId: string;
  listId: string;
  kind: ListKind;
  /** The library's drive; when absent the viewer addresses it as `/sites/{siteId}/lists/{listId}/drive`. */
  driveId?: string;
  folder?: FolderRef;
  columns: ColumnRef[];
  sort?: SortSpec;
  pageSize: PageSize;
}

/** What the SharePoint Document macro stores: ids only (the file's name and address come from Graph at view time). */
export interface DocumentMacroConfig {
  version: typeof DOCUMENT_CONFIG_VERSION;
  siteId: string;
  driveId: string;
  itemId: string;
  /**
   * Set when the editor chose the file through a sharing link: that link as Graph's share id (`u!` +
   * base64url of the link without its query, url-sharing.ts `documentShareId`). An opaque id rather than a
   * name: it spells the host, the site's path and the link's token, never a library, folder or file name.
   * Viewers who can't read the file by id redeem it (document-access.ts).
   */
  shareId?: string;
}

const NAME_MAX = 255;
const FILE_NAME_MAX = 400;
const FOLDER_PATH_MAX = 1024;
const FORMAT_LOCALE = /^(?:[a-z]{2,3}(?:-[a-z0-9]{2,8}){0,2}|\d{1,5})$/i;
const OUTPUTS: readonly CalculatedOutput[] = ['text', 'number', 'currency', 'dateTime', 'boolean'];

type Raw = Record<string, unknown>;

class Issues {
  readonly list: string[] = [];
  add(path: string, problem: string): void {
    this.list.push(`${path} ${problem}`);
  }
  result<T>(value: () => T): Result<T> {
    if (this.list.length === 0) return ok(value());
    const shown = this.list.slice(0, 5).join('; ');
    const more = this.list.length > 5 ? ` (and ${this.list.length - 5} more)` : '';
    return refuse('invalid_config', `The macro settings are not valid: ${shown}${more}. Edit the macro and choose the list again.`);
  }
}

/**
 * The List macro's configuration as the page stores it: each column by its internal name, type and format —
 * no display name (see readColumn). What the settings dialog submits.
 */
export function storedListConfig(config: ListMacroConfig): Record<string, unknown> {
  return { ...config, columns: config.columns.map(({ displayName: _shownFromGraph, ...stored }) => stored) };
}

/**
 * Validates a stored List macro configuration. Never throws. Version 1 drafts (no `version`, columns as
 * plain names, `sortBy`/`sortDescending`, any page size) are upgraded where that can't show the wrong data;
 * ids, addresses and hosts are never repaired. Versions 1 and 2 stored names and addresses: they are
 * checked and dropped (a folder stored by path only keeps its path, read only). Version 3 refuses them.
 * A newer version than this code knows is refused.
 */
export function parseListMacroConfig(raw: unknown, opts: HostPolicy = DEFAULT_HOST_POLICY): Result<ListMacroConfig> {
  try {
    return parseList(raw, opts);
  } catch {
    return refuse('invalid_config', 'The macro settings could not be read. Edit the macro and choose the list again.');
  }
}

function parseList(raw: unknown, policy: HostPolicy): Result<ListMacroConfig> {
  if (!isRecord(raw)) return refuse('invalid_config', 'The macro has no settings yet. Edit the macro to choose a list.');
  const version = own(raw, 'version') ?? 1;
  if (version !== 1 && version !== 2 && version !== LIST_CONFIG_VERSION) {
    if (typeof version === 'number' && Number.isInteger(version) && version > LIST_CONFIG_VERSION) {
      return refuse('unsupported_version', 'This macro was saved by a newer version of the app. Reload the page, or ask an admin to update the app.');
    }
    return refuse('invalid_config', 'The macro settings have an unknown version. Edit the macro and choose the list again.');
  }
  const legacy = version === 1;
  const named = version !== LIST_CONFIG_VERSION;
  const issues = new Issues();

  const siteId = readSite(raw, policy, named, legacy, issues);
  const listId = own(raw, 'listId');
  if (!isGuid(listId)) issues.add('listId', 'is not a list id');
  if (named) readName(raw, 'listName', legacy, issues);
  else refuseNames(raw, ['siteName', 'siteWebUrl', 'listName'], issues);

  const rawKind = own(raw, 'kind');
  let kind: ListKind = 'list';
  if (rawKind === 'list' || rawKind === 'library') kind = rawKind;
  // A version 1 draft without `kind` shows as a list: Graph's list-items view works for libraries too.
  else if (!(legacy && rawKind === undefined)) issues.add('kind', 'must be "list" or "library"');

  const driveId = own(raw, 'driveId');
  if (driveId !== undefined && !isDriveId(driveId)) issues.add('driveId', 'is not a drive id');
  if (driveId !== undefined && kind !== 'library') issues.add('driveId', 'is only allowed for libraries');

  const folder = readFolder(own(raw, 'folder'), kind, named, issues);
  const columns = readColumns(own(raw, 'columns'), legacy, issues);
  const sort = readSort(raw, legacy, issues);
  const pageSize = readPageSize(own(raw, 'pageSize'), legacy, issues);

  return issues.result(() => {
    const config: ListMacroConfig = {
      version: LIST_CONFIG_VERSION,
      siteId: siteId as string,
      listId: listId as string,
      kind,
      columns,
      pageSize,
    };
    if (typeof driveId === 'string') config.driveId = driveId;
    if (folder !== undefined) config.folder = folder;
    if (sort !== undefined) config.sort = sort;
    return config;
  });
}

/**
 * The site id. A version 1/2 config also carries the site's name and address: they are still checked (a
 * damaged or hostile old config is refused, not half-read) but never returned.
 */
function readSite(raw: Raw, policy: HostPolicy, named: boolean, legacy: boolean, issues: Issues): unknown {
  const siteId = own(raw, 'siteId');
  const host = siteIdHost(siteId, policy);
  if (host === undefined) issues.add('siteId', 'is not a SharePoint site id on an allowed host');
  if (named) {
    checkWebUrl('siteWebUrl', own(raw, 'siteWebUrl'), host, policy, issues);
    readName(raw, 'siteName', legacy, issues);
  }
  return siteId;
}

/** Ids-only versions refuse names and addresses outright, so a name can't creep back into a page. */
function refuseNames(raw: Raw, keys: readonly string[], issues: Issues): void {
  for (const key of keys) if (own(raw, key) !== undefined) issues.add(key, 'must not be stored (the macro stores ids only)');
}

function checkWebUrl(path: string, value: unknown, host: string | undefined, policy: HostPolicy, issues: Issues): void {
  if (typeof value !== 'string' || value.length > 2048 || !isSharePointHttpsUrl(value, policy)) {
    issues.add(path, 'is not an https SharePoint address on an allowed host');
    return;
  }
  // The link shown to readers must go to the same tenant the ids point at.
  if (host !== undefined && new URL(value).hostname !== host.toLowerCase()) issues.add(path, 'is on a different host than the site id');
}

function readName(raw: Raw, key: string, legacy: boolean, issues: Issues): void {
  const v = own(raw, key);
  // A version 1 draft may lack the name; one that has a name must have a sane one.
  if (isCleanText(v, NAME_MAX) || (legacy && v === undefined)) return;
  issues.add(key, `must be a name of 1–${NAME_MAX} visible characters`);
}

function readFolder(v: unknown, kind: ListKind, named: boolean, issues: Issues): FolderRef | undefined {
  if (v === undefined) return undefined;
  if (kind !== 'library') {
    issues.add('folder', 'is only allowed for libraries');
    return undefined;
  }
  if (!isRecord(v)) {
    issues.add('folder', named ? 'must be an object with a path' : 'must be an object with an id');
    return undefined;
  }
  const id = own(v, 'id');
  const path = own(v, 'path');
  if (id !== undefined && !isDriveItemId(id)) issues.add('folder.id', 'is not a drive item id');
  if (!named) {
    if (path !== undefined) issues.add('folder.path', 'must not be stored (the macro stores the folder id only)');
    if (id === undefined) issues.add('folder.id', 'is missing');
    return typeof id === 'string' && isDriveItemId(id) ? { id } : undefined;
  }
  // Versions 1/2: the id when there is one (the path, a name, is dropped); else the path, read only.
  if (typeof path !== 'string' || path.length > FOLDER_PATH_MAX) {
    issues.add('folder.path', 'must be a folder path');
    return undefined;
  }
  const parts = path.split('/');
  if (path !== '' && parts.some((p) => p === '' || checkSegment(p) !== undefined)) {
    issues.add('folder.path', 'must be a relative path of folder names without “.”, “..”, empty names or control characters');
    return undefined;
  }
  return typeof id === 'string' ? { id } : { path };
}

function readColumns(v: unknown, legacy: boolean, issues: Issues): ColumnRef[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_COLUMNS) {
    issues.add('columns', `must list 1–${MAX_COLUMNS} columns`);
    return [];
  }
  const out: ColumnRef[] = [];
  const seen = new Set<string>();
  v.forEach((item: unknown, i) => {
    const col = legacy && typeof item === 'string' ? { name: item } : item;
    const parsed = readColumn(col, legacy, `columns[${i}]`, issues);
    if (parsed === undefined) return;
    if (seen.has(parsed.name.toLowerCase())) {
      issues.add(`columns[${i}]`, `repeats the column ${parsed.name}`);
      return;
    }
    seen.add(parsed.name.toLowerCase());
    out.push(parsed);
  });
  return out;
}

function readColumn(v: unknown, legacy: boolean, path: string, issues: Issues): ColumnRef | undefined {
  if (!isRecord(v)) {
    issues.add(path, 'must be a column');
    return undefined;
  }
  const name = own(v, 'name');
  if (!isColumnName(name)) {
    issues.add(`${path}.name`, 'is not a SharePoint column name');
    return undefined;
  }
  const type = own(v, 'type');
  // A column's display name is never read from the page: it can say more than the list's readers should
  // (a column named after a client, "Salary band"), and the table takes it from Graph with the viewer's token
  // (reconcileColumns). Until then — and for a column SharePoint no longer has — the internal name stands in.
  // Macros saved before this stored one; it is dropped here and gone from the page at their next save.
  let col: ColumnRef;
  if (legacy && type === undefined) {
    // Version 1 stored names only; `unknown` renders values as plain text, never as links or HTML.
    col = { name, displayName: name, type: 'unknown' };
  } else {
    if (!COLUMN_TYPES.includes(type as ColumnType)) issues.add(`${path}.type`, 'is not a known column type');
    col = { name, displayName: name, type: type as ColumnType };
  }
  const format = readFormat(own(v, 'format'), `${path}.format`, issues);
  if (format !== undefined) col.format = format;
  return col;
}

function readFormat(v: unknown, path: string, issues: Issues): ColumnFormat | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v)) {
    issues.add(path, 'must be an object');
    return undefined;
  }
  const f: ColumnFormat = {};
  const flag = (key: 'dateOnly' | 'percentage' | 'richText' | 'multi'): void => {
    const b = own(v, key);
    if (b === undefined) return;
    if (typeof b === 'boolean') f[key] = b;
    else issues.add(`${path}.${key}`, 'must be true or false');
  };
  flag('dateOnly');
  flag('percentage');
  flag('richText');
  flag('multi');
  const decimals = own(v, 'decimals');
  if (decimals !== undefined) {
    if (typeof decimals === 'number' && Number.isInteger(decimals) && decimals >= 0 && decimals <= 5) f.decimals = decimals;
    else issues.add(`${path}.decimals`, 'must be a whole number from 0 to 5');
  }
  const locale = own(v, 'currencyLocale');
  if (locale !== undefined) {
    if (typeof locale === 'string' && FORMAT_LOCALE.test(locale)) f.currencyLocale = locale.toLowerCase();
    else issues.add(`${path}.currencyLocale`, 'must be a locale like en-us or an LCID like 1033');
  }
  const output = own(v, 'outputType');
  if (output !== undefined) {
    if (OUTPUTS.includes(output as CalculatedOutput)) f.outputType = output as CalculatedOutput;
    else issues.add(`${path}.outputType`, 'is not a calculated output type');
  }
  return f;
}

function readSort(raw: Raw, legacy: boolean, issues: Issues): SortSpec | undefined {
  const sort = own(raw, 'sort');
  if (sort === undefined) {
    if (!legacy) return undefined;
    const by = own(raw, 'sortBy');
    if (by === undefined) return undefined;
    if (!isColumnName(by)) {
      issues.add('sortBy', 'is not a SharePoint column name');
      return undefined;
    }
    return { column: by, direction: own(raw, 'sortDescending') === true ? 'desc' : 'asc' };
  }
  if (!isRecord(sort)) {
    issues.add('sort', 'must be an object with column and direction');
    return undefined;
  }
  const column = own(sort, 'column');
  const direction = own(sort, 'direction');
  if (!isColumnName(column)) issues.add('sort.column', 'is not a SharePoint column name');
  if (direction !== 'asc' && direction !== 'desc') issues.add('sort.direction', 'must be "asc" or "desc"');
  return isColumnName(column) && (direction === 'asc' || direction === 'desc') ? { column, direction } : undefined;
}

function readPageSize(v: unknown, legacy: boolean, issues: Issues): PageSize {
  if (PAGE_SIZES.includes(v as PageSize)) return v as PageSize;
  if (legacy) {
    // Drafts allowed any size; snap to the nearest allowed one so paging never asks Graph for more than 100.
    if (v === undefined) return DEFAULT_PAGE_SIZE;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
      return PAGE_SIZES.reduce<PageSize>((best, s) => (Math.abs(s - v) < Math.abs(best - v) ? s : best), DEFAULT_PAGE_SIZE);
    }
  }
  issues.add('pageSize', `must be one of ${PAGE_SIZES.join(', ')}`);
  return DEFAULT_PAGE_SIZE;
}

/**
 * Validates a stored Document macro configuration. Never throws. A missing `version` is read as 1; a
 * version 1 config's name and address are checked and dropped; every field is still checked.
 */
export function parseDocumentMacroConfig(raw: unknown, opts: HostPolicy = DEFAULT_HOST_POLICY): Result<DocumentMacroConfig> {
  try {
    if (!isRecord(raw)) return refuse('invalid_config', 'The macro has no settings yet. Edit the macro to choose a document.');
    const version = own(raw, 'version') ?? 1;
    if (version !== 1 && version !== DOCUMENT_CONFIG_VERSION) {
      if (typeof version === 'number' && Number.isInteger(version) && version > DOCUMENT_CONFIG_VERSION) {
        return refuse('unsupported_version', 'This macro was saved by a newer version of the app. Reload the page, or ask an admin to update the app.');
      }
      return refuse('invalid_config', 'The macro settings have an unknown version. Edit the macro and choose the document again.');
    }
    const issues = new Issues();
    const siteId = own(raw, 'siteId');
    const host = siteIdHost(siteId, opts);
    if (host === undefined) issues.add('siteId', 'is not a SharePoint site id on an allowed host');
    const driveId = own(raw, 'driveId');
    if (!isDriveId(driveId)) issues.add('driveId', 'is not a drive id');
    const itemId = own(raw, 'itemId');
    if (!isDriveItemId(itemId)) issues.add('itemId', 'is not a drive item id');
    if (version === 1) {
      // Version 1 also stored the file's name and address: checked, then dropped.
      const name = own(raw, 'name');
      if (!isCleanText(name, FILE_NAME_MAX) || checkSegment(name) !== undefined) issues.add('name', 'must be a file name');
      checkWebUrl('webUrl', own(raw, 'webUrl'), host, opts, issues);
    } else {
      refuseNames(raw, ['name', 'webUrl'], issues);
    }
    const shareId = own(raw, 'shareId');
    if (shareId !== undefined && (version === 1 || host === undefined || !isDocumentShareId(shareId, host))) {
      issues.add('shareId', 'is not a sharing link of the site’s host');
    }
    return issues.result(() => ({
      version: DOCUMENT_CONFIG_VERSION,
      siteId: siteId as string,
      driveId: driveId as string,
      itemId: itemId as string,
      ...(typeof shareId === 'string' ? { shareId } : {}),
    }));
  } catch {
    return refuse('invalid_config', 'The macro settings could not be read. Edit the macro and choose the document again.');
  }
}
