/** What the `:x:` letter of a sharing link says about the shared item. */
export type SharingItemType = 'word' | 'excel' | 'powerpoint' | 'pdf' | 'onenote' | 'image' | 'video' | 'text' | 'folder' | 'list' | 'generic';

/**
 * A sharing link (`/:x:/s/site/EaBc…`). The token is opaque: the library, folder and file can only be learnt
 * from Graph (`GET /shares/{encoded}/driveItem`, or `/list` for Lists links), and only if the viewer may open it.
 */
export interface SharingLink {
  itemType: SharingItemType;
  /** The site the link was created in, when its form names one. A hint for the UI, never authoritative. */
  sitePathHint?: string;
  sharesPath: string;
  /** What could and couldn't be read from the link, for the editor. */
  note: string;
}

const LETTERS: Record<string, SharingItemType> = {
  w: 'word',
  x: 'excel',
  p: 'powerpoint',
  b: 'pdf',
  o: 'onenote',
  i: 'image',
  v: 'video',
  t: 'text',
  f: 'folder',
  l: 'list',
  u: 'generic',
};
const SITE_PREFIX: Record<string, string> = { s: 'sites', t: 'teams', p: 'personal' };
const TYPE_NAMES: Record<SharingItemType, string> = {
  word: 'a Word document',
  excel: 'an Excel workbook',
  powerpoint: 'a PowerPoint presentation',
  pdf: 'a PDF',
  onenote: 'a OneNote notebook',
  image: 'an image',
  video: 'a video',
  text: 'a text file',
  folder: 'a folder',
  list: 'a list',
  generic: 'a file',
};

/**
 * Encodes a sharing URL for Graph's `/shares/{shareId}` as documented: `u!` + unpadded base64url of the URL.
 */
export function encodeSharingUrl(url: string): string {
  const bytes = new TextEncoder().encode(url);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return 'u!' + btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * Recognises `/:{letter}:/{mode}/…` links. `r` ("redirect") links carry a real path, returned as
 * `redirectTo` for the ordinary path parser; the other modes carry only a token.
 */
export function sharingLinkInfo(
  segments: readonly string[],
  url: URL,
): { link: SharingLink; redirectTo?: undefined } | { redirectTo: string[]; link?: undefined } | undefined {
  const letter = /^:([a-z]):$/i.exec(segments[0] ?? '')?.[1]?.toLowerCase();
  if (letter === undefined) return undefined;
  const itemType = LETTERS[letter] ?? 'generic';
  const mode = segments[1]?.toLowerCase();
  if (mode === 'r' && segments.length > 2) return { redirectTo: segments.slice(2) };

  let sitePathHint: string | undefined;
  const prefix = mode === undefined ? undefined : SITE_PREFIX[mode];
  if (prefix !== undefined && segments.length >= 4) sitePathHint = `/${prefix}/${segments[2]}`;
  // `g` links spell the site's own path before the token.
  if (mode === 'g' && segments.length >= 4) sitePathHint = '/' + segments.slice(2, -1).join('/');

  const sharesPath = `/shares/${encodeSharingUrl(url.href)}/${itemType === 'list' ? 'list' : 'driveItem'}`;
  const where = sitePathHint === undefined ? '' : ` in the site ${sitePathHint}`;
  const note =
    `This is a sharing link to ${TYPE_NAMES[itemType]}${where}. The link doesn’t say which library or folder it is in; ` +
    'Microsoft Graph is asked to open it, which works only if you can open the link yourself. ' +
    'To show a whole list or library, paste its address instead.';
  const link: SharingLink = { itemType, sharesPath, note };
  if (sitePathHint !== undefined) link.sitePathHint = sitePathHint;
  return { link };
}

/** The `u!` form's inverse: the URL a share id encodes, or undefined when it is not one (unpadded base64url of UTF-8). */
export function decodeShareId(id: string): string | undefined {
  const b64 = /^u!([A-Za-z0-9_-]+)$/.exec(id)?.[1];
  if (b64 === undefined || b64.length % 4 === 1) return undefined;
  try {
    const binary = atob(b64.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64.length % 4)) % 4));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    return encodeSharingUrl(text) === id ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Longest share id a Document macro keeps: a sharing link is a host, a short site path and a token. */
export const SHARE_ID_MAX = 600;

/**
 * The share id a Document macro keeps for a sharing link (`/:x:/s/site/E…`), so that viewers who can open the
 * file only through that link can redeem it (src/core/sharepoint/document-access.ts). The query (`?e=…`,
 * a tracking token) and fragment are dropped, so the id names only the host, the site's path and the link's
 * opaque token — no library, folder or file. Undefined for `/r/` links (they spell the file's path) and for
 * anything that is not a sharing link.
 */
export function documentShareId(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return undefined;
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const info = sharingLinkInfo(segments, url);
  if (info?.link === undefined || info.link.itemType === 'folder' || info.link.itemType === 'list') return undefined;
  const id = encodeSharingUrl(`${url.origin}${url.pathname}`);
  return id.length <= SHARE_ID_MAX ? id : undefined;
}

/** Whether a stored share id is one {@link documentShareId} makes for a sharing link on `host`. */
export function isDocumentShareId(v: unknown, host: string): v is string {
  if (typeof v !== 'string' || v.length > SHARE_ID_MAX) return false;
  const text = decodeShareId(v);
  if (text === undefined) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return url.hostname.toLowerCase() === host.toLowerCase() && url.search === '' && url.hash === '' && documentShareId(text) === v;
}
