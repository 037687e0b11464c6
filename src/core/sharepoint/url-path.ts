import { ok, refuse, type Result } from './result';
import { checkSegment } from './text';
import { encodeSharingUrl } from './url-sharing';

export type LocationKind = 'site' | 'list' | 'library' | 'folder' | 'file';

/**
 * Which list or library to pre-select. `path` hints come from the URL's path (`Lists/Tasks`,
 * `Shared Documents`); `id` hints from a `List={guid}` parameter on `_layouts` pages.
 */
export type ListHint =
  | { by: 'path'; kind: 'list' | 'library'; urlName: string; serverRelativePath: string }
  | { by: 'id'; id: string };

/**
 * A file the URL names. `path` is relative to the library root (decoded, `/`-separated, includes the name).
 * Office web links (`Doc.aspx?sourcedoc=`) give only `uniqueId` and `name`: resolve those with `sharesPath`.
 */
export interface FileHint {
  name?: string;
  path?: string;
  uniqueId?: string;
  sharesPath?: string;
}

/** One reading of the URL: where the site (web) ends and what lies below it. */
export interface SiteCandidate {
  kind: LocationKind;
  /** Decoded server-relative path of the web: `/sites/x`, `/sites/x/sub`, or `/` for the root site. */
  sitePath: string;
  /** Graph path that resolves the site; other segments may be appended (`…:/lists`). */
  graphSitePath: string;
  list?: ListHint;
  /** Folder relative to the list/library root, decoded, without leading or trailing `/`. */
  folderPath?: string;
  file?: FileHint;
}

// `/sites/` and `/teams/` (and OneDrive's `/personal/`) have exactly one segment for the site collection.
const MANAGED_PATHS = new Set(['sites', 'teams', 'personal']);
// Library URL names SharePoint creates itself; a subsite can't be called this, so the web ends before them.
const WELL_KNOWN_LIBRARIES = new Set(
  ['Shared Documents', 'SitePages', 'SiteAssets', 'Style Library', 'FormServerTemplates', 'SiteCollectionDocuments', 'SiteCollectionImages'].map((s) =>
    s.toLowerCase(),
  ),
);
const SYSTEM_FOLDERS = new Set(['_layouts', '_api', '_vti_bin', '_catalogs']);
const OFFICE_VIEWERS = new Set(['doc.aspx', 'doc2.aspx', 'wopiframe.aspx', 'wopiframe2.aspx', 'xlviewer.aspx', 'powerpoint.aspx', 'onenote.aspx']);
// Bounded so a pasted deep folder path never costs more than a handful of Graph look-ups.
const MAX_SUBSITE_DEPTH = 3;
const FILE_NAME = /\.[A-Za-z0-9]{1,10}$/;
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** Builds the Graph site path for a decoded server-relative web path. */
export function graphSitePath(hostname: string, sitePath: string): string {
  if (sitePath === '/') return `/sites/${hostname}`;
  return `/sites/${hostname}:${encodePath(sitePath)}:`;
}

/** Percent-encodes each segment of a decoded `/`-separated path, keeping the slashes. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

const join = (segs: readonly string[]): string => '/' + segs.join('/');
const isPage = (seg: string | undefined): boolean => seg !== undefined && /\.aspx$/i.test(seg);
const isFile = (seg: string | undefined): boolean => seg !== undefined && FILE_NAME.test(seg) && !isPage(seg);

/** Reads decoded path segments (and the view's query) into site candidates, deepest web first. */
export function pathCandidates(
  { hostname, href }: { hostname: string; href: string },
  segments: readonly string[],
  query: URLSearchParams,
): Result<{ candidates: SiteCandidate[]; notes: string[] }> {
  const notes: string[] = [];
  const first = segments[0]?.toLowerCase();
  const base = first !== undefined && MANAGED_PATHS.has(first) && segments.length >= 2 ? segments.slice(0, 2) : [];
  const rest = segments.slice(base.length);
  const site = (extra: readonly string[]): { sitePath: string; graphSitePath: string } => {
    const sitePath = base.length + extra.length === 0 ? '/' : join([...base, ...extra]);
    return { sitePath, graphSitePath: graphSitePath(hostname, sitePath) };
  };

  const marker = findMarker(rest, base[0]?.toLowerCase() === 'personal');
  if (marker !== undefined) {
    const web = site(rest.slice(0, marker.webEnd));
    const built = fromMarker(marker, rest, web, query, notes, href);
    if (!built.ok) return built;
    return ok({ candidates: [built.value], notes });
  }

  // No marker: every split between "subsite" and "library/folder" is possible. List them deepest first.
  const last = rest[rest.length - 1];
  const page = isPage(last);
  const file = isFile(last);
  const body = page ? rest.slice(0, -1) : rest;
  const candidates: SiteCandidate[] = [];
  for (let k = Math.min(body.length, MAX_SUBSITE_DEPTH); k >= 0; k--) {
    const web = site(body.slice(0, k));
    const below = body.slice(k);
    if (file && below.length < 2) continue; // a file always sits in a library below the web
    if (page || below.length === 0) {
      candidates.push({ kind: 'site', ...web });
      continue;
    }
    candidates.push(libraryCandidate(web, below[0] as string, below.slice(1), file));
  }
  if (body.length > MAX_SUBSITE_DEPTH) notes.push(`Only the first ${MAX_SUBSITE_DEPTH} names after the site were tried as subsites.`);
  if (candidates.length === 0) return refuse('invalid_url', 'That address doesn’t point at a SharePoint site, list, library, folder or file.');
  return ok({ candidates, notes });
}

function libraryCandidate(
  web: { sitePath: string; graphSitePath: string },
  urlName: string,
  below: readonly string[],
  lastIsFile: boolean,
): SiteCandidate {
  const list: ListHint = { by: 'path', kind: 'library', urlName, serverRelativePath: libraryPath(web.sitePath, urlName) };
  if (lastIsFile) {
    const name = below[below.length - 1] as string;
    const folder = below.slice(0, -1);
    return { kind: 'file', ...web, list, ...(folder.length > 0 ? { folderPath: folder.join('/') } : {}), file: { name, path: below.join('/') } };
  }
  if (below.length === 0) return { kind: 'library', ...web, list };
  return { kind: 'folder', ...web, list, folderPath: below.join('/') };
}

const libraryPath = (sitePath: string, urlName: string): string => (sitePath === '/' ? '' : sitePath) + '/' + urlName;

type Marker =
  | { type: 'system'; index: number; webEnd: number }
  | { type: 'lists'; index: number; webEnd: number }
  | { type: 'forms'; index: number; webEnd: number }
  | { type: 'library'; index: number; webEnd: number };

// The earliest segment that settles where the web ends.
function findMarker(rest: readonly string[], personal: boolean): Marker | undefined {
  for (let i = 0; i < rest.length; i++) {
    const seg = (rest[i] as string).toLowerCase();
    if (SYSTEM_FOLDERS.has(seg)) return { type: 'system', index: i, webEnd: i };
    if (seg === 'lists' && i + 1 < rest.length) return { type: 'lists', index: i, webEnd: i };
    // `<Library>/Forms/<View>.aspx` is a library view, whatever the library is called.
    if (rest[i + 1]?.toLowerCase() === 'forms' && (i + 2 === rest.length || isPage(rest[i + 2]))) {
      return { type: 'forms', index: i + 1, webEnd: i };
    }
    if (WELL_KNOWN_LIBRARIES.has(seg) || (personal && seg === 'documents')) return { type: 'library', index: i, webEnd: i };
  }
  return undefined;
}

function fromMarker(
  marker: Marker,
  rest: readonly string[],
  web: { sitePath: string; graphSitePath: string },
  query: URLSearchParams,
  notes: string[],
  href: string,
): Result<SiteCandidate> {
  if (marker.type === 'system') return ok(systemPage(rest.slice(marker.index + 1), web, query, notes, href));

  if (marker.type === 'lists') {
    const urlName = rest[marker.index + 1] as string;
    const list: ListHint = { by: 'path', kind: 'list', urlName, serverRelativePath: libraryPath(web.sitePath, `Lists/${urlName}`) };
    const below = rest.slice(marker.index + 2);
    const folder = isPage(below[below.length - 1]) ? below.slice(0, -1) : below;
    const fromQuery = folderFromQuery(query, list.serverRelativePath, notes);
    const folderPath = fromQuery?.folderPath ?? (folder.length > 0 ? folder.join('/') : undefined);
    return ok(folderPath === undefined ? { kind: 'list', ...web, list } : { kind: 'folder', ...web, list, folderPath });
  }

  const libIndex = marker.type === 'forms' ? marker.index - 1 : marker.index;
  const urlName = rest[libIndex] as string;
  const below = marker.type === 'forms' ? [] : rest.slice(libIndex + 1);
  // Site pages (`SitePages/Home.aspx`) identify the site, not something to show in a table.
  if (isPage(below[below.length - 1])) return ok({ kind: 'site', ...web });
  const candidate = libraryCandidate(web, urlName, below, isFile(below[below.length - 1]));
  if (below.length > 0 || candidate.list?.by !== 'path') return ok(candidate);

  const fromQuery = folderFromQuery(query, candidate.list.serverRelativePath, notes);
  if (fromQuery === undefined) return ok(candidate);
  if (fromQuery.fileName !== undefined) {
    const parts = fromQuery.folderPath.split('/');
    const folder = parts.slice(0, -1).join('/');
    return ok({
      kind: 'file',
      ...web,
      list: candidate.list,
      ...(folder !== '' ? { folderPath: folder } : {}),
      file: { name: fromQuery.fileName, path: fromQuery.folderPath },
    });
  }
  return ok({ kind: 'folder', ...web, list: candidate.list, folderPath: fromQuery.folderPath });
}

// Reads the folder a library/list view was showing (`?id=` in modern views, `?RootFolder=` in classic ones).
// With `&parent=` the `id` is a file opened in the viewer. Paths outside the list are ignored, with a note.
function folderFromQuery(
  query: URLSearchParams,
  listPath: string,
  notes: string[],
): { folderPath: string; fileName?: string } | undefined {
  const value = query.get('id') ?? query.get('RootFolder') ?? query.get('rootfolder');
  if (value === null || value === '') return undefined;
  const path = value.replace(/\/+$/, '');
  const prefix = listPath.toLowerCase() + '/';
  if (path.toLowerCase() === listPath.toLowerCase()) return undefined;
  if (!path.toLowerCase().startsWith(prefix)) {
    notes.push('The folder in the address belongs to another list or library, so it was ignored.');
    return undefined;
  }
  const parts = path.slice(prefix.length).split('/').filter((p) => p !== '');
  for (const part of parts) {
    const bad = checkSegment(part);
    if (bad !== undefined) {
      notes.push(`The folder in the address was ignored: ${bad}`);
      return undefined;
    }
  }
  if (parts.length === 0) return undefined;
  const folderPath = parts.join('/');
  if (query.has('parent') && isFile(parts[parts.length - 1])) return { folderPath, fileName: parts[parts.length - 1] as string };
  return { folderPath };
}

// `_layouts/15/…` pages: the site is certain; Office viewers name a file, list settings pages a list id.
function systemPage(
  below: readonly string[],
  web: { sitePath: string; graphSitePath: string },
  query: URLSearchParams,
  notes: string[],
  href: string,
): SiteCandidate {
  const page = below[below.length - 1]?.toLowerCase() ?? '';
  const sourceDoc = GUID.exec(query.get('sourcedoc') ?? '')?.[1];
  if (OFFICE_VIEWERS.has(page) && sourceDoc !== undefined) {
    const name = (query.get('file') ?? '').trim();
    notes.push('This Office link names the file by its id only; it is looked up through Microsoft Graph when you continue.');
    const file: FileHint = { uniqueId: sourceDoc.toLowerCase(), sharesPath: `/shares/${encodeSharingUrl(href)}/driveItem` };
    if (name !== '' && checkSegment(name) === undefined) file.name = name;
    return { kind: 'file', ...web, file };
  }
  const listId = GUID.exec(query.get('List') ?? query.get('list') ?? query.get('ListId') ?? '')?.[1];
  if (listId !== undefined) return { kind: 'list', ...web, list: { by: 'id', id: listId.toLowerCase() } };
  // OneDrive and some library pages (`_layouts/15/onedrive.aspx?id=/personal/a/Documents/Reports`)
  // carry the folder's server-relative path; its first segment below the web is the library.
  const inWeb = pathBelowWeb(query.get('id'), web.sitePath);
  if (inWeb !== undefined && inWeb.length > 0) {
    const last = inWeb[inWeb.length - 1];
    return libraryCandidate(web, inWeb[0] as string, inWeb.slice(1), inWeb.length > 1 && isFile(last));
  }
  return { kind: 'site', ...web };
}

function pathBelowWeb(value: string | null, sitePath: string): string[] | undefined {
  if (value === null) return undefined;
  const prefix = sitePath === '/' ? '/' : sitePath.toLowerCase() + '/';
  if (!value.toLowerCase().startsWith(prefix)) return undefined;
  const parts = value.slice(prefix.length).split('/').filter((p) => p !== '');
  return parts.every((p) => checkSegment(p) === undefined) ? parts : undefined;
}
