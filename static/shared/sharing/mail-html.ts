import DOMPurify from 'dompurify';
import type { MailView } from '../../../src/contracts/sharing';

/**
 * Mail HTML made safe to show, in three layers (Graph already strips scripts from `body` unless asked
 * not to — we never ask):
 *  1. DOMPurify with an e-mail profile: no script, event handlers, SVG/MathML, forms, frames, `<base>`,
 *     `<meta>` (refresh), `<link>`, `<style>`, `srcset`/`background`/`ping`; links only http(s)/mailto
 *     and they open a new tab; inline styles that load (`url()`, `@import`) or lay boxes over
 *     the mail (`position` other than static/relative) are dropped.
 *  2. Images: `cid:` becomes the `data:` URL the server sent (size-capped); `data:` raster images stay;
 *     every other source (remote, tracking pixels) is removed and counted, so the viewer is told.
 *  3. The result is shown in a sandboxed frame without `allow-scripts`, whose own CSP allows nothing
 *     to be fetched (`default-src 'none'; img-src data:`): even a sanitiser miss runs nothing and
 *     sends no request.
 */
export interface CleanMail {
  /** A whole document for the frame's `srcdoc`. */
  doc: string;
  remoteImagesHidden: number;
  /** `cid:` images the server did not send (too large, or not an image it shows). */
  inlineImagesMissing: number;
}

const FORBID_TAGS = ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'optgroup', 'fieldset', 'base', 'meta', 'link', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'audio', 'video', 'source', 'track', 'picture', 'template', 'dialog', 'portal', 'svg', 'math', 'noscript', 'title', 'marquee'];
/** The mail's own `target` goes too: the hook above sets it on the links it keeps (a new tab). */
const FORBID_ATTR = ['srcset', 'action', 'formaction', 'background', 'ping', 'poster', 'xlink:href', 'lowsrc', 'dynsrc', 'longdesc', 'usemap', 'id', 'name', 'form', 'target'];
/** Styles that fetch (`url()`, `@import`), run (`expression`, bindings) or lay something over the mail (positioned boxes). */
const LOADS_OR_OVERLAYS = /url\s*\(|image-set|expression\s*\(|@import|behavior\s*:|-moz-binding|position\s*:\s*(?!static|relative)/i;
const RASTER_DATA = /^data:image\/(png|jpeg|gif|webp|bmp);base64,[a-z0-9+/]+=*$/i;
const FRAME_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'";
// A mail keeps the light paper its sender wrote it on (its colours assume white), with room around the text, in
// the dark theme too — as Outlook's reading pane shows a mail "with a light background".
const FRAME_STYLE = 'html{background:#fff;color-scheme:light}body{margin:0;padding:8px 12px;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;color:#172b4d;overflow-wrap:anywhere}img{max-width:100%;height:auto}pre{white-space:pre-wrap;font:inherit;margin:0}table{max-width:100%}blockquote{margin:0 0 0 8px;padding-left:8px;border-left:2px solid #dfe1e6}';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);

const frameDoc = (body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${FRAME_CSP}"><style>${FRAME_STYLE}</style></head><body>${body}</body></html>`;

function cidOf(src: string): string {
  const raw = src.slice(4);
  try {
    return decodeURIComponent(raw).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

export function cleanMail(body: MailView['body'], inlineImages: MailView['inlineImages']): CleanMail {
  if (body.type === 'text') return { doc: frameDoc(`<pre>${escapeHtml(body.content)}</pre>`), remoteImagesHidden: 0, inlineImagesMissing: 0 };
  // A fresh instance per mail: hooks count for this mail only and never pile up.
  const purify = DOMPurify(window);
  let remote = 0;
  let missing = 0;
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName === 'style' && LOADS_OR_OVERLAYS.test(data.attrValue)) data.keepAttr = false;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'IMG') {
      const src = (node.getAttribute('src') ?? '').trim();
      if (/^cid:/i.test(src)) {
        const data = Object.hasOwn(inlineImages, cidOf(src)) ? inlineImages[cidOf(src)] : undefined;
        if (data !== undefined && RASTER_DATA.test(data)) node.setAttribute('src', data);
        else {
          node.removeAttribute('src');
          missing++;
        }
      } else if (!RASTER_DATA.test(src)) {
        node.removeAttribute('src');
        if (src !== '') remote++;
      }
    }
    if (node.tagName === 'A') {
      const href = (node.getAttribute('href') ?? '').trim();
      if (/^(https?:|mailto:)/i.test(href)) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      } else node.removeAttribute('href');
    }
  });
  const clean = purify.sanitize(body.content, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: true,
  });
  return { doc: frameDoc(clean), remoteImagesHidden: remote, inlineImagesMissing: missing };
}
