import type { Access } from './access';
import type { Column } from './columns';
import type { Tenant } from './directory';

export interface Site {
  key: string;
  tenant: Tenant;
  hostname: string;
  /** Server-relative path, `/` or `/sites/phoenix`. */
  path: string;
  id: string;
  collectionId: string;
  webId: string;
  name: string;
  displayName: string;
  description: string;
  webUrl: string;
  created: string;
  owners: ReadonlySet<string>;
  readers: Access;
  /** Everyone who can reach anything in the site: SharePoint's "limited access". */
  reach: Access;
  lists: SpList[];
  /** Person key → id in the site's User Information List (what `AuthorLookupId` holds). */
  userLookupIds: ReadonlyMap<string, number>;
}

export interface SpList {
  site: Site;
  id: string;
  name: string;
  displayName: string;
  template: 'genericList' | 'documentLibrary';
  hidden: boolean;
  /** System lists (the User Information List) are left out of `/lists` unless `$select` names `system`. */
  system: boolean;
  description: string;
  webUrl: string;
  created: string;
  modified: string;
  access: Access;
  columns: Column[];
  /** Ascending by id, so paging by `p_ID` is a binary search. */
  items: ListItem[];
  itemsById: Map<number, ListItem>;
  /** Indexed column → value → items (ascending by id). */
  index: Map<string, Map<string, ListItem[]>>;
  drive?: Drive;
}

export interface ListItem {
  list: SpList;
  id: number;
  uniqueId: string;
  /** Person columns hold person keys, lookups the target item id. */
  fields: Record<string, unknown>;
  access: Access;
  contentType: 'Item' | 'Document' | 'Folder';
  created: string;
  modified: string;
  author: string;
  editor: string;
  driveItem?: DriveItem;
}

export interface Drive {
  id: string;
  list: SpList;
  root: DriveItem;
  byId: Map<string, DriveItem>;
}

export interface DriveItem {
  id: string;
  uniqueId: string;
  drive: Drive;
  name: string;
  /** Path below the drive root without leading slash; `''` for the root. */
  path: string;
  parent?: DriveItem;
  children?: DriveItem[];
  size: number;
  created: string;
  modified: string;
  author: string;
  editor: string;
  access: Access;
  /**
   * Who redeemed a sharing link to this file (`Prefer: redeemSharingLink` on `/shares/{id}`), by account
   * `oid`: SharePoint adds them to the link's grantees, so they read the file by id from then on. The one
   * part of the SharePoint model that requests change; `SharePoint.resetRedemptions` empties it.
   */
  redeemedBy?: Set<string>;
  listItem?: ListItem;
  text?: string;
}

/** A sharing link to one file: `access` says who may open it beyond the file's own readers. */
export interface SharingLink {
  url: string;
  /** `host` (lower case) + decoded path without trailing slash: how a requested URL is matched. */
  key: string;
  item: DriveItem;
  scope: 'organization' | 'users' | 'anonymous' | 'existingAccess';
  type: 'view' | 'edit';
  access: Access;
}

/** The lookup key of a SharePoint URL: lower-cased host + decoded path, no query, no trailing slash. */
export const sharingKey = (url: URL): string => {
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  return url.hostname.toLowerCase() + path.replace(/\/+$/, '');
};

export interface SharePoint {
  sites: Site[];
  sharingLinks: SharingLink[];
  sharingLink(url: URL): SharingLink | undefined;
  /** Forgets every redemption (the emulator's reset): back to the fixture's permissions. */
  resetRedemptions(): void;
  siteById(id: string): Site | undefined;
  siteByPath(hostname: string, path: string): Site | undefined;
  rootSite(tenantId: string): Site | undefined;
  drive(id: string): Drive | undefined;
  driveItemByUniqueId(uniqueId: string): DriveItem | undefined;
}

const MIME: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  png: 'image/png',
  jpg: 'image/jpeg',
  csv: 'text/csv',
  zip: 'application/zip',
};

export const extensionOf = (name: string): string => {
  const i = name.lastIndexOf('.');
  return i < 0 ? '' : name.slice(i + 1).toLowerCase();
};

export const mimeTypeOf = (name: string): string => MIME[extensionOf(name)] ?? 'application/octet-stream';

export const isFolder = (d: DriveItem): boolean => d.children !== undefined;

export const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

/**
 * What building one site's lists needs: dates resolved against the start day, a default author, and
 * every unique permission met on the way, from which the site's "limited access" is computed.
 */
export interface BuildContext {
  site: Site;
  when: (w: string | undefined, fallback: string) => string;
  defaultAuthor: string;
  uniques: Access[];
}

export const trimPath = (p: string): string => p.replace(/^\/+|\/+$/g, '');

export const systemFields = (item: ListItem): Record<string, unknown> => ({
  ContentType: item.contentType,
  Created: item.created,
  Modified: item.modified,
  Author: item.author,
  Editor: item.editor,
  _UIVersionString: '1.0',
  Edit: '',
  ...(item.contentType === 'Item' ? { Attachments: false, ItemChildCount: '0', FolderChildCount: '0' } : {}),
});
