/**
 * Graph's "unsafe HTML" filter on message bodies, as far as Microsoft documents it: script is
 * removed unless the request says `Prefer: outlook.allow-unsafe-html` (Microsoft 365 Developer Blog,
 * "Message Body property will filter unsafe HTML by default", 2015; the message resource page:
 * "any potentially unsafe HTML (for example, JavaScript) … would be removed"). Which other constructs
 * Exchange removes is not documented (microsoft-graph-docs-contrib #4734 asks and has no answer), so
 * the emulator removes `<script>` elements only and keeps everything else: a client that relied on
 * Graph removing more would be safe here only if it is safe anyway. See README.md, "Mail HTML".
 */
export const filterUnsafeHtml = (html: string): string =>
  html
    .replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, '')
    // An unclosed or self-closed script tag still goes; what follows it stays.
    .replace(/<script\b[^>]*\/?>/gi, '');

const ENTITIES: Record<string, string> = { nbsp: '\u00a0', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const decodeEntities = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });

/**
 * The text Exchange gives for `Prefer: outlook.body-content-type="text"`: blocks become CRLF-separated
 * lines, a rule becomes a line of underscores, images their `[alt]`, and no markup is left.
 */
export const htmlToText = (html: string): string => {
  const flat = html
    .replace(/<(script|style|head|title|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    // Line ends in the source are spaces in HTML; only markup breaks lines.
    .replace(/\s+/g, ' ')
    .replace(/<br\b[^>]*>/gi, '\n')
    .replace(/<hr\b[^>]*>/gi, '\n________________________________\n')
    .replace(/<img\b[^>]*\balt\s*=\s*"([^"]*)"[^>]*>/gi, '[$1]')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|blockquote|ol|ul|pre|form)\s*>/gi, '\n')
    .replace(/<(p|div|h[1-6]|tr|table|blockquote|ol|ul|pre)\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n  *  ')
    .replace(/<[^>]*>/g, '');
  const lines = decodeEntities(flat).split('\n').map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim());
  const out: string[] = [];
  for (const l of lines) if (l !== '' || (out.length > 0 && out.at(-1) !== '')) out.push(l);
  while (out.at(-1) === '') out.pop();
  return out.join('\r\n');
};

/** bodyPreview: the first 255 characters of the body as text. */
export const previewOf = (html: string): string => htmlToText(html).slice(0, 255);
