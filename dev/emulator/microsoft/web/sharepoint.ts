import { Hono } from 'hono';
import type { Context } from 'hono';
import type { SharePoint } from '../data/sharepoint';
import { extensionOf } from '../data/sharepoint';
import { escapeHtml as e, htmlPage } from '../html';
import type { UrlSigner } from '../signer';
import { THUMBNAIL_SIZES, thumbnailDocId } from '../graph/sharepoint/render';

// The pages behind preview `getUrl`s (on the item's own SharePoint host, `/sharepoint/<host>/…` here) and
// thumbnail URLs (on the thumbnail service, `/mediap/…` here). Both are capability URLs: whoever holds a valid,
// unexpired signature may look, exactly as with SharePoint's pre-authenticated links. The local host serves
// each on its own origin (dev/host/README.md, "One origin per Microsoft host").

const COLORS: Record<string, string> = { docx: '#185abd', xlsx: '#107c41', pptx: '#c43e1c', pdf: '#b30b00', txt: '#605e5c' };

// Meant to be framed by the app's Custom UI: no X-Frame-Options, any ancestor.
const EMBED_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors *",
  'Cache-Control': 'no-store',
};

export const sharePointWeb = (d: { sharePoint: SharePoint; signer: UrlSigner; now: () => number }): Hono => {
  const app = new Hono();

  const checked = (c: Context, subject: (uid: string) => string) => {
    const uid = c.req.query('UniqueId') ?? c.req.param('uid') ?? '';
    const expires = Number(c.req.query('e'));
    const sig = c.req.query('sig') ?? '';
    const item = d.sharePoint.driveItemByUniqueId(uid);
    if (!item || !Number.isFinite(expires) || !d.signer.verify(subject(item.uniqueId), expires, sig)) return { error: 'invalid' as const };
    if (expires <= d.now()) return { error: 'expired' as const };
    return { item };
  };

  app.get('/sharepoint/:host/_layouts/15/embed.aspx', (c) => {
    const r = checked(c, (uid) => `preview|${uid}`);
    // A preview lives on its own site's host: the same link on another tenant's host finds nothing.
    if (r.item && r.item.drive.list.site.hostname.toLowerCase() !== c.req.param('host').toLowerCase()) return c.notFound();
    if (!r.item) {
      const text = r.error === 'expired'
        ? 'This preview link has expired. Ask the app for a new one.'
        : 'This preview link is not valid.';
      return c.html(htmlPage('Access denied', `<h1>Access denied</h1><p class="error">${e(text)}</p>`), 403, EMBED_HEADERS);
    }
    const item = r.item;
    const ext = extensionOf(item.name);
    const body = item.text ?? `This is the emulated preview of ${item.name}.`;
    return c.html(htmlPage(item.name,
      `<p><span style="background:${COLORS[ext] ?? '#605e5c'};color:#fff;padding:2px 6px">${e(ext.toUpperCase() || 'FILE')}</span></p>` +
      `<h1>${e(item.name)}</h1><p>${e(item.drive.list.site.displayName)} › ${e(item.drive.list.displayName)}` +
      `${item.parent && item.parent.path !== '' ? ` › ${e(item.parent.path)}` : ''}</p>` +
      `<p>Modified ${e(item.modified)} · ${item.size.toLocaleString('en-US')} bytes</p><hr><p>${e(body)}</p>`), 200, EMBED_HEADERS);
  });

  const SIZE_OF_WIDTH = new Map(Object.entries(THUMBNAIL_SIZES).map(([size, px]) => [String(px), size as keyof typeof THUMBNAIL_SIZES]));

  /** `<region>-mediap.svc.ms/transform/thumbnail?provider=spo&docid=<the item's SharePoint URL>&w=<px>&tempauth=<token>`. */
  app.get('/mediap/transform/thumbnail', (c) => {
    const size = SIZE_OF_WIDTH.get(c.req.query('w') ?? '');
    const [expiresText = '', sig = ''] = (c.req.query('tempauth') ?? '').split('.');
    const expires = Number(expiresText);
    const item = docIdItem(d.sharePoint, c.req.query('docid') ?? '');
    if (c.req.query('provider') !== 'spo' || !size || !item || !Number.isFinite(expires) || !d.signer.verify(`thumb|${item.uniqueId}|${size}`, expires, sig)) {
      return c.text('Not a valid thumbnail link.', 403);
    }
    if (expires <= d.now()) return c.text('The thumbnail link has expired.', 403);
    const px = THUMBNAIL_SIZES[size];
    const ext = extensionOf(item.name);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 96 96">` +
      `<rect width="96" height="96" fill="${COLORS[ext] ?? '#605e5c'}"/>` +
      `<text x="48" y="58" font-family="Segoe UI,sans-serif" font-size="24" fill="#fff" text-anchor="middle">${e(ext.toUpperCase().slice(0, 4))}</text></svg>`;
    return c.body(svg, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'private, max-age=300' });
  });

  /**
   * Every other page on a SharePoint host — what an "Open in SharePoint" link (a site, list, folder or the file's
   * `_layouts/15/Doc.aspx`) reaches. SharePoint shows it only to a browser signed in to SharePoint with access;
   * the emulator signs no browser in to SharePoint, so it answers as for a visitor who is not: a page that names
   * nothing of the tenant's content, not even whether the address exists, and is not framed by anyone.
   * A host the tenant does not have is not found.
   */
  app.get('/sharepoint/:host/*', (c) => {
    const host = c.req.param('host').toLowerCase();
    if (!d.sharePoint.sites.some((s) => s.hostname.toLowerCase() === host)) return c.notFound();
    const url = new URL(c.req.url);
    const address = `https://${host}${url.pathname.slice(`/sharepoint/${c.req.param('host')}`.length) || '/'}${url.search}`;
    return c.html(htmlPage('SharePoint (emulated)',
      `<h1>SharePoint (emulated)</h1><p>You opened <code>${e(address)}</code>.</p>` +
      `<p>In Microsoft 365 this page signs you in and shows the item if you have access to it. ` +
      `The emulator does not sign browsers in to SharePoint, so it shows no SharePoint content here; ` +
      `what you may see is shown in the app's macros and panels.</p>`), 200, {
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'Cache-Control': 'no-store',
    });
  });

  return app;
};

/** The drive item a thumbnail's `docid` names, only in exactly the form Graph hands out. */
function docIdItem(sharePoint: SharePoint, docId: string) {
  const m = /^https:\/\/[^/]+:443\/_api\/v2\.0\/drives\/([^/?]+)\/items\/([^/?]+)\?version=Published$/.exec(docId);
  const item = m ? sharePoint.drive(m[1] ?? '')?.byId.get(m[2] ?? '') : undefined;
  return item && thumbnailDocId(item) === docId ? item : undefined;
}
