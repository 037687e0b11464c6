import { checkSharePointHost, type HostPolicy } from './hosts';
import type { Result } from './result';

// Every id below ends up inside a Graph URL path or $select; these shapes leave no room for `/`, `?`, `#`, `%`,
// quotes or `..`, so a hostile stored config can't steer a request elsewhere.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// SharePoint drive ids: `b!` + base64url of the site and list ids (66 characters in practice).
const DRIVE_ID = /^b![A-Za-z0-9_-]{20,200}$/;
// Drive item ids are base32 (`01ABC…`, 34 characters) in SharePoint; allow a little more, but path-safe only.
const DRIVE_ITEM_ID = /^[A-Za-z0-9!_-]{1,200}$/;
// Internal names: letters, digits and `_` (SharePoint escapes everything else as `_x0020_`).
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export const isGuid = (v: unknown): v is string => typeof v === 'string' && GUID.test(v);
export const isDriveId = (v: unknown): v is string => typeof v === 'string' && DRIVE_ID.test(v);
export const isDriveItemId = (v: unknown): v is string => typeof v === 'string' && DRIVE_ITEM_ID.test(v) && v !== '..';
export const isColumnName = (v: unknown): v is string => typeof v === 'string' && COLUMN_NAME.test(v);

/** Graph site ids are `{hostname},{siteCollectionId},{webId}`; the hostname must itself be acceptable. */
export function siteIdHost(v: unknown, policy: HostPolicy): string | undefined {
  if (typeof v !== 'string' || v.length > 400) return undefined;
  const parts = v.split(',');
  if (parts.length !== 3) return undefined;
  const [host, collection, web] = parts as [string, string, string];
  if (!isGuid(collection) || !isGuid(web)) return undefined;
  const checked = checkSharePointHost(host, policy);
  return checked.ok ? checked.value : undefined;
}

/**
 * Whether a stored site id's host is still acceptable under `policy` (e.g. after the admin restricted
 * the tenants), with the host rule's own words when it is not.
 */
export function checkSiteHost(siteId: string, policy: HostPolicy): Result<string> {
  return checkSharePointHost(siteId.split(',', 1)[0] ?? '', policy);
}
