// Rich-text notes arrive as HTML (`<div class="ExternalClass…"><p>…</p></div>`). The table shows text only,
// so tags are dropped rather than sanitised. A linear scan, not nested regexes: the HTML is authored by
// anyone who can edit the list and must not be able to stall the viewer's browser.

const BLOCK_TAGS = new Set(['p', 'div', 'br', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'ul', 'ol', 'table', 'hr']);
const SKIP_CONTENT = new Set(['script', 'style', 'template', 'noscript', 'title']);
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', lsquo: '‘',
  rsquo: '’', ldquo: '“', rdquo: '”', bull: '•', middot: '·', copy: '©', reg: '®', trade: '™', euro: '€',
  pound: '£', yen: '¥', cent: '¢', sect: '§', deg: '°', plusmn: '±', times: '×', divide: '÷', laquo: '«',
  raquo: '»', frac12: '½', frac14: '¼', frac34: '¾', shy: '',
};
export const MAX_NOTE_INPUT = 100_000;

/** Plain text from a SharePoint rich-text value: block ends become line breaks, entities are decoded. */
export function htmlToText(html: string): string {
  const src = html.length > MAX_NOTE_INPUT ? html.slice(0, MAX_NOTE_INPUT) : html;
  const lower = src.toLowerCase();
  let out = '';
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt === -1) {
      out += src.slice(i);
      break;
    }
    out += src.slice(i, lt);
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      i = end === -1 ? src.length : end + 3;
      continue;
    }
    const gt = src.indexOf('>', lt + 1);
    if (gt === -1) {
      // No `>` anywhere after this point, so no more tags: the rest is text.
      out += src.slice(lt);
      break;
    }
    const name = /^<\/?([a-z][a-z0-9]*)/i.exec(src.slice(lt, lt + 20))?.[1]?.toLowerCase();
    if (name === undefined) {
      // A stray `<` (as in "a < b") is text.
      out += '<';
      i = lt + 1;
      continue;
    }
    const closing = src[lt + 1] === '/';
    if (!closing && SKIP_CONTENT.has(name)) {
      const end = lower.indexOf(`</${name}`, gt + 1);
      const close = end === -1 ? -1 : src.indexOf('>', end);
      i = close === -1 ? src.length : close + 1;
      continue;
    }
    if (BLOCK_TAGS.has(name) && (closing || name === 'br' || name === 'hr')) out += '\n';
    if (!closing && name === 'li') out += '• ';
    i = gt + 1;
  }
  return tidy(decodeEntities(out));
}

/** Decodes HTML character references; invalid or control code points are dropped. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,9});/gi, (whole, ref: string) => {
    if (!ref.startsWith('#')) return ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
    if ((code < 0x20 && code !== 0x0a && code !== 0x09) || (code >= 0x7f && code < 0xa0)) return '';
    return String.fromCodePoint(code);
  });
}

/** Removes control characters (keeping line breaks and tabs) that would garble a table cell. */
export const stripControls = (s: string): string => s.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '');

function tidy(text: string): string {
  return stripControls(text)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00A0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
