import type { GraphDriveItem as DriveItem, GraphIdentitySet as IdentitySet, GraphListItem as ListItem } from './graph-shapes';
import { isRecord, nonEmptyString as str } from '../guards';
import { ok, refuse, type Result } from './result';

export interface PersonRef {
  name: string;
  email?: string;
}

/**
 * One table row, whether it came from a list item or a drive item, so cells format both the same way.
 * `fields` holds the list item's column values by internal name; for drive items the built-in library
 * columns (FileLeafRef, Modified, Created, FileSizeDisplay) are filled from the drive item itself.
 */
export interface TableRow {
  key: string;
  kind: 'item' | 'file' | 'folder';
  fields: Readonly<Record<string, unknown>>;
  webUrl?: string;
  createdBy?: PersonRef;
  modifiedBy?: PersonRef;
  name?: string;
  mimeType?: string;
  size?: number;
  childCount?: number;
  /** Drive item id, for entering folders and previews. */
  driveItemId?: string;
  /**
   * `parentReference.path` of a drive item, e.g. `/drives/b!…/root:/Reports`. Graph leaves it out of
   * search results: then `parentId` (the parent folder's id) is all there is.
   */
  parentPath?: string;
  parentId?: string;
  /** The library-relative folder, when learnt from the parent folder itself (search results). */
  folderPath?: string;
  packageType?: string;
  thumbnailUrl?: string;
}

const httpsOnly = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== undefined && /^https:\/\//i.test(s) ? s : undefined;
};

function person(set: IdentitySet | null | undefined): PersonRef | undefined {
  const id = set?.user ?? set?.group ?? set?.application ?? undefined;
  const name = str(id?.displayName);
  if (name === undefined) return undefined;
  const email = str(id?.email);
  return email === undefined ? { name } : { name, email };
}

/** A Graph `listItem` (with `$expand=fields`) as a row; undefined if it has no id. */
export function rowFromListItem(raw: unknown): TableRow | undefined {
  if (!isRecord(raw)) return undefined;
  const item = raw as ListItem;
  const key = str(item.id);
  if (key === undefined) return undefined;
  const fields = isRecord(item.fields) ? (item.fields) : {};
  const isFolder = item.contentType?.name === 'Folder' || fields['ContentType'] === 'Folder';
  const row: TableRow = { key, kind: isFolder ? 'folder' : 'item', fields };
  assign(row, 'webUrl', httpsOnly(item.webUrl));
  assign(row, 'createdBy', person(item.createdBy));
  assign(row, 'modifiedBy', person(item.lastModifiedBy));
  return row;
}

/** A Graph `driveItem` as a row; custom columns come from an expanded `listItem.fields`. */
export function rowFromDriveItem(raw: unknown): TableRow | undefined {
  if (!isRecord(raw)) return undefined;
  const item = raw as DriveItem;
  const key = str(item.id);
  if (key === undefined) return undefined;
  const listFields = isRecord(item.listItem?.fields) ? item.listItem.fields : {};
  const fields: Record<string, unknown> = { ...listFields };
  if (str(item.name) !== undefined) fields['FileLeafRef'] = item.name;
  if (str(item.lastModifiedDateTime) !== undefined) fields['Modified'] = item.lastModifiedDateTime;
  if (str(item.createdDateTime) !== undefined) fields['Created'] = item.createdDateTime;
  if (typeof item.size === 'number') fields['FileSizeDisplay'] = item.size;
  const isFolder = isRecord(item.folder);
  const row: TableRow = { key, kind: isFolder ? 'folder' : 'file', fields, driveItemId: key };
  assign(row, 'name', str(item.name));
  assign(row, 'webUrl', httpsOnly(item.webUrl));
  assign(row, 'createdBy', person(item.createdBy));
  assign(row, 'modifiedBy', person(item.lastModifiedBy));
  assign(row, 'mimeType', str(item.file?.mimeType));
  if (typeof item.size === 'number' && Number.isFinite(item.size) && item.size >= 0) row.size = item.size;
  if (typeof item.folder?.childCount === 'number') row.childCount = item.folder.childCount;
  assign(row, 'parentPath', str(item.parentReference?.path));
  assign(row, 'parentId', str(item.parentReference?.id));
  assign(row, 'packageType', str(item.package?.type));
  assign(row, 'thumbnailUrl', httpsOnly(item.thumbnails?.[0]?.small?.url ?? item.thumbnails?.[0]?.medium?.url));
  return row;
}

function assign<K extends keyof TableRow>(row: TableRow, key: K, value: TableRow[K] | undefined): void {
  if (value !== undefined) row[key] = value;
}

/** Reads a Graph collection answer (`{ value: [...], '@odata.nextLink'? }`) into rows. */
export function rowsFromCollection(body: unknown, source: 'list' | 'drive'): Result<{ rows: TableRow[]; nextLink?: string }> {
  if (!isRecord(body) || !Array.isArray(body['value'])) return refuse('invalid_response', 'SharePoint sent an answer the app could not read.');
  const toRow = source === 'list' ? rowFromListItem : rowFromDriveItem;
  const rows = (body['value'] as unknown[]).map(toRow).filter((r): r is TableRow => r !== undefined);
  const next = body['@odata.nextLink'];
  return ok(typeof next === 'string' ? { rows, nextLink: next } : { rows });
}
