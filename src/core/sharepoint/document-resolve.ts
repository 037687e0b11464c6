import { isRecord, nonEmptyString as str } from '../guards';
import { fail, ok, type AppErrorBody, type Failure, type Result } from '../result';
import { parseDocumentMacroConfig, type DocumentMacroConfig } from './config';
import type { HostPolicy } from './hosts';
import { encodeSegment, queryString } from './odata';
import { DRIVE_SELECT } from './requests';
import { resolveCandidateSite, type GraphCall } from './site-resolve';
import { GRAPH_REASONS } from './states';
import { findHintedList, type SharePointLocation } from './url';
import { encodePath, type SiteCandidate } from './url-path';
import { documentShareId } from './url-sharing';

export type { GraphCall } from './site-resolve';

export interface ResolvedDocument {
  /** What the macro stores: ids only. The file's name and address are in `item`, for the editor's eyes. */
  config: DocumentMacroConfig;
  /** The drive item as Graph returned it (with thumbnails), for the editor's card. */
  item: unknown;
  /** For the editor, when the config keeps the sharing link ({@link LINK_KEPT}). */
  linkNote?: string;
}

const ITEM_QUERY = queryString([
  ['$select', DRIVE_SELECT],
  ['$expand', 'thumbnails'],
]);

const KIND_NAMES: Record<string, string> = { site: 'a site', list: 'a list', library: 'a library', folder: 'a folder' };

const notAFile = (what: string): Failure =>
  fail('BAD_REQUEST', `That address points at ${what}, not a file. Open the document in SharePoint and copy its address, or use “Copy link” on the file.`, { reason: 'not_a_file' });

const unreadable = (what: string): Failure => fail('MS_UNAVAILABLE', `SharePoint sent ${what} the app could not read.`, { reason: 'invalid_response' });

/** The editor's words for a failed step, naming what was being looked up; code and reason stay. */
function failed(e: AppErrorBody, what: string): Failure {
  const keep = { ...(e.reason !== undefined ? { reason: e.reason } : {}), ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}) };
  switch (e.code) {
    case 'FORBIDDEN':
      return e.reason === GRAPH_REASONS.itemNotFound
        ? fail('FORBIDDEN', `SharePoint couldn’t find ${what}, or you can’t open it.`, keep)
        : fail('FORBIDDEN', `You don’t have access to ${what} in SharePoint.`, keep);
    case 'NOT_FOUND':
      return fail('NOT_FOUND', `SharePoint couldn’t find ${what}, or you can’t open it.`, keep);
    case 'MS_UNAVAILABLE':
    case 'THROTTLED':
      return fail(e.code, `SharePoint couldn’t look up ${what} right now. Try again in a moment.`, keep);
    default:
      // Sign-in, consent, a switched-off feature: the vocabulary's own words say what to do.
      return { ok: false, error: e };
  }
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
): Promise<Result<ResolvedDocument>> {
  if (location.type === 'sharingLink') {
    const t = location.link.itemType;
    if (t === 'folder' || t === 'list') return notAFile(t === 'folder' ? 'a folder' : 'a list');
    return viaShares(location.link.sharesPath, call, policy, documentShareId(location.href));
  }
  const files = location.candidates.filter((c) => c.kind === 'file');
  if (files.length === 0) return notAFile(KIND_NAMES[location.candidates[0]?.kind ?? 'site'] ?? 'a site');
  const office = files.find((c) => c.file?.sharesPath !== undefined && c.file.path === undefined);
  if (office?.file?.sharesPath !== undefined) return viaShares(office.file.sharesPath, call, policy);

  let lastFailure: Failure | undefined;
  for (const candidate of files) {
    const r = await viaPath(location, candidate, call, policy);
    if (r === 'next') continue;
    if (r.ok || r.error.reason !== GRAPH_REASONS.itemNotFound) return r;
    lastFailure = r;
  }
  return lastFailure ?? fail('NOT_FOUND', 'No SharePoint site at that address could be opened with your Microsoft 365 account.', { reason: 'no_site' });
}

/**
 * The editor only looks: `Prefer: redeemSharingLinkIfNecessary` is "intended for scenarios where the intention
 * is simply to peek at the link's metadata" and grants nothing beyond the request
 * (learn.microsoft.com/graph/api/shares-get); without a `Prefer` value Graph promises no access through the
 * link at all. Viewers redeem the kept link for good (document-access.ts).
 */
async function viaShares(sharesPath: string, call: GraphCall, policy: HostPolicy, shareId?: string): Promise<Result<ResolvedDocument>> {
  const item = await call({ method: 'GET', path: sharesPath + ITEM_QUERY, headers: { Prefer: 'redeemSharingLinkIfNecessary' } });
  if (!item.ok) return failed(item.error, 'the shared file (the link may have expired, or not be shared with you)');
  const r = toResolved(item.value, undefined, policy, shareId);
  return r.ok && r.value.config.shareId !== undefined ? ok({ ...r.value, linkNote: LINK_KEPT }) : r;
}

/** Said to the editor when the macro keeps the link: viewing the page redeems it, as opening the link would. */
export const LINK_KEPT =
  'The macro keeps this sharing link, so that people who can open the file only through the link can view it here. ' +
  'The first time they do, SharePoint adds them to the people the link was used by, as when they open the link themselves.';

async function viaPath(
  location: SharePointLocation,
  c: SiteCandidate,
  call: GraphCall,
  policy: HostPolicy,
): Promise<Result<ResolvedDocument> | 'next'> {
  const filePath = c.file?.path;
  if (filePath === undefined) return 'next';
  const site = await resolveCandidateSite(location, c, call);
  if (site === 'next') return 'next';
  if (!site.ok) return failed(site.error, `the site ${c.sitePath}`);
  const siteId = site.value.id;

  const libraryName = c.list?.by === 'path' ? `the library “${c.list.urlName}”` : 'the library';
  const drives = await call({ method: 'GET', path: `/sites/${encodeSegment(siteId)}/drives${queryString([['$select', 'id,name,webUrl']])}` });
  if (!drives.ok) return failed(drives.error, libraryName);
  const list = isRecord(drives.value) && Array.isArray(drives.value['value']) ? (drives.value['value'] as unknown[]).filter(isRecord) : [];
  const drive = findHintedList(list as Array<{ id?: string | null; webUrl?: string | null }>, c);
  const driveId = str(drive?.id);
  if (driveId === undefined) return fail('NOT_FOUND', `SharePoint couldn’t find ${libraryName} in ${c.sitePath}, or you can’t open it.`, { reason: GRAPH_REASONS.itemNotFound });

  const item = await call({ method: 'GET', path: `/drives/${encodeSegment(driveId)}/root:/${encodePath(filePath)}:${ITEM_QUERY}` });
  if (!item.ok) return failed(item.error, `“${c.file?.name ?? filePath}” in ${libraryName}`);
  return toResolved(item.value, siteId, policy);
}

function toResolved(item: unknown, siteId: string | undefined, policy: HostPolicy, shareId?: string): Result<ResolvedDocument> {
  if (!isRecord(item)) return unreadable('a document');
  if (isRecord(item['folder'])) return notAFile('a folder');
  const parent = isRecord(item['parentReference']) ? item['parentReference'] : {};
  const config = parseDocumentMacroConfig(
    { version: 2, siteId: siteId ?? parent['siteId'], driveId: parent['driveId'], itemId: item['id'], ...(shareId !== undefined ? { shareId } : {}) },
    policy,
  );
  if (!config.ok) return fail('MS_UNAVAILABLE', 'SharePoint described this document in a way the app can’t store; choose another file.', { reason: 'invalid_response' });
  return ok({ config: config.value, item });
}
