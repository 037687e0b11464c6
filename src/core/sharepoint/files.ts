import { isSharePointHttpsUrl, type HostPolicy } from './hosts';

export type FileIconKey =
  | 'word'
  | 'excel'
  | 'powerpoint'
  | 'pdf'
  | 'image'
  | 'video'
  | 'audio'
  | 'zip'
  | 'code'
  | 'text'
  | 'onenote'
  | 'visio'
  | 'folder'
  | 'generic';

/** How each icon is drawn and announced: a short badge text and the name a screen reader reads. */
export const FILE_ICONS: Readonly<Record<FileIconKey, { label: string; text: string }>> = {
  word: { label: 'Word document', text: 'W' },
  excel: { label: 'Excel workbook', text: 'X' },
  powerpoint: { label: 'PowerPoint presentation', text: 'P' },
  pdf: { label: 'PDF document', text: 'PDF' },
  image: { label: 'Image', text: 'IMG' },
  video: { label: 'Video', text: 'VID' },
  audio: { label: 'Audio', text: 'AUD' },
  zip: { label: 'Archive', text: 'ZIP' },
  code: { label: 'Code', text: '</>' },
  text: { label: 'Text file', text: 'TXT' },
  onenote: { label: 'OneNote notebook', text: 'N' },
  visio: { label: 'Visio drawing', text: 'V' },
  folder: { label: 'Folder', text: 'DIR' },
  generic: { label: 'File', text: 'FILE' },
};

const BY_EXTENSION: Record<string, FileIconKey> = {};
const add = (key: FileIconKey, exts: string): void => {
  for (const e of exts.split(' ')) BY_EXTENSION[e] = key;
};
add('word', 'doc docx docm dot dotx dotm odt rtf');
add('excel', 'xls xlsx xlsm xlsb xlt xltx xltm ods csv');
add('powerpoint', 'ppt pptx pptm pps ppsx ppsm pot potx potm odp');
add('pdf', 'pdf');
add('image', 'png jpg jpeg gif bmp tif tiff svg webp heic heif ico avif');
add('video', 'mp4 mov avi wmv mkv webm m4v mpg mpeg 3gp');
add('audio', 'mp3 wav m4a wma aac flac ogg oga opus');
add('zip', 'zip 7z rar tar gz tgz bz2 xz cab');
add('code', 'js mjs cjs ts tsx jsx json xml html htm css scss less py java cs cpp cc c h hpp go rb php sh ps1 psm1 sql yaml yml kt swift rs');
add('text', 'txt md log ini cfg');
add('onenote', 'one onetoc2 onepkg');
add('visio', 'vsd vsdx vsdm vss vssx vst vstx');

const BY_MIME: Array<[RegExp, FileIconKey]> = [
  [/^application\/pdf$/, 'pdf'],
  [/^image\//, 'image'],
  [/^video\//, 'video'],
  [/^audio\//, 'audio'],
  [/wordprocessingml|msword/, 'word'],
  [/spreadsheetml|ms-excel/, 'excel'],
  [/presentationml|ms-powerpoint/, 'powerpoint'],
  [/visio/, 'visio'],
  [/onenote/, 'onenote'],
  [/zip|compressed|x-tar|gzip/, 'zip'],
  [/^text\/plain$/, 'text'],
  [/^text\/|javascript|json|xml/, 'code'],
];

export interface FileLike {
  name?: string | null;
  mimeType?: string | null;
  isFolder?: boolean;
  /** `package.type` of a drive item: OneNote notebooks are folders with `oneNote`. */
  packageType?: string | null;
}

/** The icon to show for a file or folder: by extension first (SharePoint's own rule), then MIME type. */
export function fileIconKey(item: FileLike): FileIconKey {
  if (item.packageType === 'oneNote') return 'onenote';
  if (item.isFolder === true) return 'folder';
  const ext = /\.([A-Za-z0-9]{1,10})$/.exec(item.name ?? '')?.[1]?.toLowerCase();
  const byExt = ext === undefined ? undefined : BY_EXTENSION[ext];
  if (byExt !== undefined) return byExt;
  const mime = (item.mimeType ?? '').toLowerCase();
  for (const [re, key] of BY_MIME) if (re.test(mime)) return key;
  return 'generic';
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Size as SharePoint shows it: binary multiples, one decimal above 1 KB (`12.3 KB`, `1 MB`). */
export function formatFileSize(bytes: number, locale = 'en-US'): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : 1;
  let text: string;
  try {
    text = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  } catch {
    text = value.toFixed(digits).replace(/\.0$/, '');
  }
  return `${text} ${unit === 0 && bytes === 1 ? 'byte' : UNITS[unit]}`;
}

export interface OpenLink {
  kind: 'office-web' | 'sharepoint' | 'office-desktop';
  label: string;
  href: string;
}

const OFFICE_APPS: Partial<Record<FileIconKey, { app: string; scheme: string }>> = {
  word: { app: 'Word', scheme: 'ms-word' },
  excel: { app: 'Excel', scheme: 'ms-excel' },
  powerpoint: { app: 'PowerPoint', scheme: 'ms-powerpoint' },
  visio: { app: 'Visio', scheme: 'ms-visio' },
};

/**
 * The links a row or card offers, best first. Office files open in Office for the web (their Graph
 * `webUrl` already does that), everything else in SharePoint. A desktop-app link (`ms-word:ofe|u|…`) is
 * added only when `webUrl` is the file's own address: Graph often gives `_layouts/15/Doc.aspx?…` for
 * Office files, which the desktop apps can't open. Nothing is offered for a `webUrl` that is not https
 * on an accepted SharePoint host.
 */
export function openLinks(item: FileLike & { webUrl?: string | null }, policy: HostPolicy): OpenLink[] {
  const webUrl = item.webUrl;
  if (typeof webUrl !== 'string' || !isSharePointHttpsUrl(webUrl, policy)) return [];
  const icon = fileIconKey(item);
  const office = OFFICE_APPS[icon];
  if (office === undefined || item.isFolder === true) {
    return [{ kind: 'sharepoint', label: 'Open in SharePoint', href: webUrl }];
  }
  const links: OpenLink[] = [{ kind: 'office-web', label: `Open in ${office.app} for the web`, href: webUrl }];
  const path = new URL(webUrl).pathname;
  const name = item.name ?? '';
  if (name !== '' && !/\/_layouts\//i.test(path) && safeDecode(path).endsWith('/' + name)) {
    links.push({ kind: 'office-desktop', label: `Open in ${office.app}`, href: `${office.scheme}:ofe|u|${webUrl}` });
  }
  return links;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
