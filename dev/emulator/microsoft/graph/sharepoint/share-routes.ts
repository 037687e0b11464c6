import { allows } from '../../data/access';
import { type DriveItem, isFolder, type Site, type SpList } from '../../data/sharepoint';
import { accessDenied, invalidRequest, itemNotFound } from '../errors';
import { applySelect, expansion, selectOf } from '../odata';
import type { Caller, GraphEnv, Route, RouteContext } from '../types';
import { FILES_SCOPES } from './drive-routes';
import { driveItemWebUrl, identityOf, renderDriveItem } from './render';
import { canSee, canSeeList, reachable, resolveDriveItem, sameTenant } from './resolve';

// `GET /shares/{u!…}`: a sharing link, or any absolute SharePoint URL of a file, encoded as `u!` + unpadded
// base64url of the URL. Three kinds of URL are understood:
//   - a sharing link of the fixture (`/:b:/s/phoenix/E…`): open to the file's readers and to whoever the link's
//     scope admits; anyone else, and any link the tenant never issued, gets 403 accessDenied with SharePoint's
//     "The sharing link no longer exists, or you do not have permission to access it." (SharePoint does not tell
//     an unknown link from a forbidden one). `/:x:/r/…` ("redirect") links carry a plain path and are read as one.
//   - an Office link (`…/_layouts/15/Doc.aspx?sourcedoc={guid}`): the file by its unique id, in that web;
//   - a plain path (`/sites/phoenix/Shared Documents/Specs/API design.docx`): site, library, then file.
// The last two are trimmed like every other SharePoint call: 403 for a site out of reach, 404 for anything in it
// the caller may not read. A malformed id (not `u!`, padded or non-url-safe base64, not an https URL) is 400.
//
// What a sharing link gives someone who can't read the file otherwise depends on `Prefer` (shares-get, "Prefer
// header values": learn.microsoft.com/graph/api/shares-get):
//   - `redeemSharingLink`: "grant the caller durable access to the item" — "equivalent to the caller navigating
//     to the sharing link in the browser (accepting the sharing gesture)". The emulator records the caller's
//     account on the file (DriveItem.redeemedBy); from then on `/drives/{d}/items/{i}` (preview, thumbnails,
//     search, path addressing) answer them too. Only them: a redemption adds one grantee, as SharePoint adds
//     whoever redeemed to the link's grantees (permission-revokegrants: "Recipients who already redeemed the
//     link … lose access").
//   - `redeemSharingLinkIfNecessary`: "access is only guaranteed to be granted for the duration of this
//     request", "to peek at the link's metadata" (the editor's look-up): the answer, nothing recorded.
//   - neither: no access through the link for someone who never redeemed it — 403 as for a forbidden link.
//     The documentation promises the link's access only with one of the two values, and developers report
//     exactly this: `/shares` fails for a link holder until they open the link once in a browser
//     (microsoftgraph/msgraph-sdk-javascript#490). The stricter reading.
// Scopes: the permissions table of shares-get lists Files.ReadWrite as least privileged, but developers report
// Files.Read.All / Sites.Read.All suffice (microsoft-graph-docs-contrib#448, #8511, unanswered), and the app asks
// for read scopes only. The emulator accepts the read scopes for both values, redemption included: whether
// production lets a read-only token redeem is not documented (README.md, "Known gaps", says so).

const MALFORMED = 'The request is malformed or incorrect.';
const LINK_REFUSED = 'The sharing link no longer exists, or you do not have permission to access it.';
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** `u!` + unpadded base64url → the URL it encodes; anything else is a malformed request. */
export const decodeShareId = (id: string): URL => {
  const b64 = /^u!([A-Za-z0-9_-]+)$/.exec(id)?.[1];
  if (b64 === undefined || b64.length % 4 === 1) throw invalidRequest(MALFORMED);
  const text = Buffer.from(b64, 'base64url').toString('utf8');
  // Node decodes leniently; a value that does not survive the round trip was not base64url of UTF-8.
  if (Buffer.from(text, 'utf8').toString('base64url') !== b64) throw invalidRequest(MALFORMED);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidRequest(MALFORMED);
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') throw invalidRequest(MALFORMED);
  return url;
};

const segmentsOf = (url: URL): string[] =>
  url.pathname.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw invalidRequest(MALFORMED);
    }
  });

const under = (path: string, prefix: string): string | undefined => {
  const p = path.toLowerCase();
  const x = prefix.toLowerCase().replace(/\/+$/, '');
  if (x === '') return path.replace(/^\/+/, '');
  if (p === x) return '';
  return p.startsWith(x + '/') ? path.slice(x.length + 1) : undefined;
};

const decodedPath = (webUrl: string): string => decodeURIComponent(new URL(webUrl).pathname);

/** The sites on the URL's host, after the tenant check: 400 for a host no tenant owns, 401 for another tenant's. */
const sitesOnHost = (env: GraphEnv, caller: Caller, url: URL): Site[] => {
  const host = url.hostname.toLowerCase();
  const sites = env.model.sharePoint.sites.filter((s) => s.hostname.toLowerCase() === host);
  const first = sites[0];
  if (!first) throw invalidRequest('Invalid hostname for this tenancy');
  sameTenant(caller, first);
  return sites;
};

const byPath = (env: GraphEnv, caller: Caller, url: URL, segs: readonly string[]): DriveItem => {
  const path = '/' + segs.join('/');
  const site = sitesOnHost(env, caller, url)
    .filter((s) => under(path, s.path) !== undefined)
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!site) throw itemNotFound('The resource could not be found.');
  reachable(caller, site);
  const rest = under(path, site.path) ?? '';
  let library: SpList | undefined;
  let inLibrary = '';
  for (const l of site.lists) {
    if (!l.drive) continue;
    const r = under(path, decodedPath(l.webUrl));
    if (r !== undefined) {
      library = l;
      inLibrary = r;
      break;
    }
  }
  if (!library?.drive || !canSeeList(caller, library) || rest === '') throw itemNotFound('The resource could not be found.');
  return resolveDriveItem(caller, library.drive, inLibrary === '' ? 'root' : `root:/${inLibrary}`);
};

const byOfficeLink = (env: GraphEnv, caller: Caller, url: URL, webSegs: readonly string[]): DriveItem => {
  const uid = GUID.exec(url.searchParams.get('sourcedoc') ?? url.searchParams.get('sourceDoc') ?? '')?.[1];
  const sites = sitesOnHost(env, caller, url);
  const webPath = '/' + webSegs.join('/');
  const site = sites.find((s) => s.path.toLowerCase() === (webPath === '/' ? '/' : webPath.toLowerCase()));
  if (!site) throw itemNotFound('Requested site could not be found');
  reachable(caller, site);
  const item = uid === undefined ? undefined : env.model.sharePoint.driveItemByUniqueId(uid);
  if (!item || item.drive.list.site !== site || !canSeeList(caller, item.drive.list) || !canSee(caller, item)) {
    throw itemNotFound('The resource could not be found.');
  }
  return item;
};

/** What the request's `Prefer` asks of a sharing link (preference names are case-insensitive: RFC 7240 §2). */
export type Redeem = 'durable' | 'request' | 'none';
export const redeemPreference = (headers: Headers): Redeem => {
  const prefs = (headers.get('prefer') ?? '').split(',').map((p) => p.split(';')[0]?.trim().toLowerCase());
  if (prefs.includes('redeemsharinglink')) return 'durable';
  if (prefs.includes('redeemsharinglinkifnecessary')) return 'request';
  return 'none';
};

/** The shared item, if the caller may open it through this URL (redeeming a sharing link if `redeem` says so). */
export const resolveShare = (env: GraphEnv, caller: Caller, shareId: string, redeem: Redeem = 'none'): { item: DriveItem; webUrl: string } => {
  const url = decodeShareId(shareId);
  const segs = segmentsOf(url);
  const letter = /^:[a-z]:$/i.test(segs[0] ?? '');
  if (letter && segs[1]?.toLowerCase() === 'r' && segs.length > 2) {
    return { item: byPath(env, caller, url, segs.slice(2)), webUrl: url.href };
  }
  if (letter) {
    sitesOnHost(env, caller, url);
    const link = env.model.sharePoint.sharingLink(url);
    if (!link) throw accessDenied(LINK_REFUSED);
    const { item } = link;
    sameTenant(caller, item.drive.list.site);
    // Someone who redeemed the link before reads the file like its own readers (Limited Access above it).
    const existing = (allows(item.drive.list.site.reach, caller.principal) && canSeeList(caller, item.drive.list) && canSee(caller, item))
      || item.redeemedBy?.has(caller.principal.oid) === true;
    if (!existing) {
      if (!allows(link.access, caller.principal) || redeem === 'none') throw accessDenied(LINK_REFUSED);
      if (redeem === 'durable') (item.redeemedBy ??= new Set()).add(caller.principal.oid);
    }
    return { item, webUrl: link.url };
  }
  const layouts = segs.findIndex((s) => s.toLowerCase() === '_layouts');
  if (layouts >= 0) return { item: byOfficeLink(env, caller, url, segs.slice(0, layouts)), webUrl: url.href };
  const item = byPath(env, caller, url, segs);
  return { item, webUrl: driveItemWebUrl(item) };
};

const render = (ctx: RouteContext, d: DriveItem) =>
  applySelect(renderDriveItem(ctx.env, ctx.caller, d, { thumbnails: expansion(ctx.req.query, 'thumbnails') !== undefined }),
    selectOf(ctx.req.query), ['thumbnails']);

const shareOf = (ctx: RouteContext) => resolveShare(ctx.env, ctx.caller, ctx.params['share'] ?? '', redeemPreference(ctx.req.headers));

export const shareRoutes: Route[] = [
  {
    method: 'GET', path: 'shares/{share}', scopes: FILES_SCOPES,
    handle: (ctx) => {
      const { item, webUrl } = shareOf(ctx);
      const site = item.drive.list.site;
      const body: Record<string, unknown> = {
        id: ctx.params['share'], name: item.name, webUrl, owner: identityOf(ctx.env.model.directory, site, item.author),
      };
      const expand = expansion(ctx.req.query, 'driveItem');
      if (expand) body['driveItem'] = applySelect(renderDriveItem(ctx.env, ctx.caller, item), expand.select);
      return { status: 200, body: applySelect(body, selectOf(ctx.req.query), ['driveItem']) };
    },
  },
  {
    method: 'GET', path: 'shares/{share}/driveItem', scopes: FILES_SCOPES,
    handle: (ctx) => {
      const { item } = shareOf(ctx);
      const out = render(ctx, item);
      if (expansion(ctx.req.query, 'children') && isFolder(item)) {
        out['children'] = (item.children ?? []).filter((c) => canSee(ctx.caller, c)).slice(0, 200)
          .map((c) => renderDriveItem(ctx.env, ctx.caller, c));
      }
      return { status: 200, body: out };
    },
  },
];
