import { isRecord, nonEmptyString as str } from '../guards';
import { parseDocumentMacroConfig, type DocumentMacroConfig } from './config';
import type { HostPolicy } from './hosts';
import { encodeSegment, queryString, type GraphRequest } from './odata';
import { DRIVE_SELECT } from './requests';
import { fail, ok, type Result } from './result';
import { findHintedList, pickCandidate, type SharePointLocation } from './url';
import { encodePath, type SiteCandidate } from './url-path';

/**
 * One Graph call made by the editor's browser with the editor's token. `status` 0 means no answer
 * (network failure, or no Microsoft 365 session). Throttling is retried by the caller before answering.
 */
export type GraphAnswer = { ok: true; body: unknown } | { ok: false; status: number };
export type GraphCall = (req: GraphRequest) => Promise<GraphAnswer>;

export type ResolveErrorCode = 'NOT_A_FILE' | 'NOT_FOUND' | 'NO_ACCESS' | 'SIGN_IN_REQUIRED' | 'UNAVAILABLE' | 'INVALID_RESPONSE';

export interface ResolvedDocument {
  /** What the macro stores: ids, name and webUrl only. */
  config: DocumentMacroConfig;
  /** The drive item as Graph returned it (with thumbnails), for the editor's card. */
  item: unknown;
}

const ITEM_QUERY = queryString([
  ['$select', DRIVE_SELECT],
  ['$expand', 'thumbnails'],
]);

const KIND_NAMES: Record<string, string> = { site: 'a site', list: 'a list', library: 'a library', folder: 'a folder' };

const notAFile = (what: string) =>
  fail<ResolveErrorCode>(
    'NOT_A_FILE',
    `That address points at ${what}, not a file. Open the document in SharePoint and copy its address, or use “Copy link” on the file.`,
  );

function failed(status: number, what: string): { ok: false; error: { code: ResolveErrorCode; message: string } } {
  if (status === 401 || status === 0) {
    return fail('SIGN_IN_REQUIRED', 'Your Microsoft 365 connection has ended or SharePoint couldn’t be reached. Connect again and retry.');
  }
  if (status === 403) return fail('NO_ACCESS', `You don’t have access to ${what} in SharePoint.`);
  if (status === 404 || status === 410) return fail('NOT_FOUND', `SharePoint couldn’t find ${what}, or you can’t open it.`);
  return fail('UNAVAILABLE', `SharePoint couldn’t look up ${what} right now (error ${status}). Try again in a moment.`);
}


/**
 * Finds the file a pasted address points at, with the editor's Graph access, and returns what the
 * Document macro stores. Paths are resolved site first (`GET /sites/{host}:/{path}:`, deepest reading
 * first, a 404 meaning "next reading"), then the library's drive (`GET /sites/{id}/drives`), then the
 * file (`GET /drives/{id}/root:/{path}:`). Sharing links and Office links, which name no path, go
 * through `GET /shares/{u!…}/driveItem`. Folders, lists and sites are refused: the macro shows one file.
 */
export async function resolveDocument(
  location: SharePointLocation,
  call: GraphCall,
  policy: HostPolicy,
): Promise<Result<ResolvedDocument, ResolveErrorCode>> {
  if (location.type === 'sharingLink') {
    const t = location.link.itemType;
    if (t === 'folder' || t === 'list') return notAFile(t === 'folder' ? 'a folder' : 'a list');
    return viaShares(location.link.sharesPath, call, policy);
  }
  const files = location.candidates.filter((c) => c.kind === 'file');
  if (files.length === 0) return notAFile(KIND_NAMES[location.candidates[0]?.kind ?? 'site'] ?? 'a site');
  const office = files.find((c) => c.file?.sharesPath !== undefined && c.file.path === undefined);
  if (office?.file?.sharesPath !== undefined) return viaShares(office.file.sharesPath, call, policy);

  let lastFailure: { ok: false; error: { code: ResolveErrorCode; message: string } } | undefined;
  for (const candidate of files) {
    const r = await viaPath(location, candidate, call, policy);
    if (r === 'next') continue;
    if (r.ok || r.error.code !== 'NOT_FOUND') return r;
    lastFailure = r;
  }
  return lastFailure ?? fail('NOT_FOUND', 'No SharePoint site at that address could be opened with your Microsoft 365 account.');
}

async function viaShares(sharesPath: string, call: GraphCall, policy: HostPolicy): Promise<Result<ResolvedDocument, ResolveErrorCode>> {
  const item = await call({ method: 'GET', path: sharesPath + ITEM_QUERY });
  if (!item.ok) return failed(item.status, 'the shared file (the link may have expired, or not be shared with you)');
  return toResolved(item.body, undefined, policy);
}

async function viaPath(
  location: SharePointLocation,
  c: SiteCandidate,
  call: GraphCall,
  policy: HostPolicy,
): Promise<Result<ResolvedDocument, ResolveErrorCode> | 'next'> {
  const filePath = c.file?.path;
  if (filePath === undefined) return 'next';
  const site = await call({ method: 'GET', path: `${c.graphSitePath}${queryString([['$select', 'id,webUrl,displayName']])}` });
  if (!site.ok) return site.status === 404 ? 'next' : failed(site.status, `the site ${c.sitePath}`);
  const siteId = isRecord(site.body) ? str(site.body['id']) : undefined;
  const webUrl = isRecord(site.body) ? str(site.body['webUrl']) : undefined;
  if (siteId === undefined || webUrl === undefined) return fail('INVALID_RESPONSE', 'SharePoint sent a site the app could not read.');
  // Graph may answer a deeper path with an enclosing web: then this reading was wrong.
  if (pickCandidate(location, webUrl)?.sitePath !== c.sitePath) return 'next';

  const libraryName = c.list?.by === 'path' ? `the library “${c.list.urlName}”` : 'the library';
  const drives = await call({ method: 'GET', path: `/sites/${encodeSegment(siteId)}/drives${queryString([['$select', 'id,name,webUrl']])}` });
  if (!drives.ok) return failed(drives.status, libraryName);
  const list = isRecord(drives.body) && Array.isArray(drives.body['value']) ? (drives.body['value'] as unknown[]).filter(isRecord) : [];
  const drive = findHintedList(list as { id?: string | null; webUrl?: string | null }[], c);
  const driveId = str(drive?.id);
  if (driveId === undefined) return fail('NOT_FOUND', `SharePoint couldn’t find ${libraryName} in ${c.sitePath}, or you can’t open it.`);

  const item = await call({ method: 'GET', path: `/drives/${encodeSegment(driveId)}/root:/${encodePath(filePath)}:${ITEM_QUERY}` });
  if (!item.ok) return failed(item.status, `“${c.file?.name ?? filePath}” in ${libraryName}`);
  return toResolved(item.body, siteId, policy);
}

function toResolved(item: unknown, siteId: string | undefined, policy: HostPolicy): Result<ResolvedDocument, ResolveErrorCode> {
  if (!isRecord(item)) return fail('INVALID_RESPONSE', 'SharePoint sent a document the app could not read.');
  if (isRecord(item['folder'])) return notAFile('a folder');
  const parent = isRecord(item['parentReference']) ? item['parentReference'] : {};
  const config = parseDocumentMacroConfig(
    { version: 1, siteId: siteId ?? parent['siteId'], driveId: parent['driveId'], itemId: item['id'], name: item['name'], webUrl: item['webUrl'] },
    policy,
  );
  if (!config.ok) return fail('INVALID_RESPONSE', 'SharePoint described this document in a way the app can’t store; choose another file.');
  return ok({ config: config.value, item });
}
