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
