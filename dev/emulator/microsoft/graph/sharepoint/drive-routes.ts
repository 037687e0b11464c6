import { type DriveItem, isFolder } from '../../data/sharepoint';
import { invalidRequest, itemNotFound } from '../errors';
import { applySelect, expansion, option, pageByOffset, parseTop, selectOf } from '../odata';
import type { Route, RouteContext } from '../types';
import { renderDrive, renderDriveItem, renderList, renderListItem } from './render';
import { canSee, canSeeList, redeemedItem, resolveDrive, resolveDriveItem, resolveSite } from './resolve';
import { SITES_SCOPES } from './site-routes';

export const FILES_SCOPES = ['Files.Read.All', 'Files.ReadWrite.All', ...SITES_SCOPES];
export const PREVIEW_LIFETIME_MS = 10 * 60_000;

const ok = (body: unknown) => ({ status: 200, body });

const driveOf = ({ env, caller, params }: RouteContext) => resolveDrive(env, caller, params['drive'] ?? '');
const itemOf = (ctx: RouteContext) =>
  redeemedItem(ctx.env, ctx.caller, ctx.params['drive'] ?? '', ctx.params['item'] ?? '')
  ?? resolveDriveItem(ctx.caller, driveOf(ctx), ctx.params['item'] ?? '');

const render = (ctx: RouteContext, d: DriveItem) =>
  applySelect(renderDriveItem(ctx.env, ctx.caller, d, { thumbnails: expansion(ctx.req.query, 'thumbnails') !== undefined }),
    selectOf(ctx.req.query), ['thumbnails', 'children']);

const ORDER_KEYS: Record<string, (d: DriveItem) => string | number> = {
  name: (d) => d.name.toLowerCase(),
  lastmodifieddatetime: (d) => d.modified,
  createddatetime: (d) => d.created,
  size: (d) => d.size,
};

/** Visible children, by name unless `$orderby` says otherwise (name, dates or size). */
const childrenOf = (ctx: RouteContext, folder: DriveItem): DriveItem[] => {
  const kids = (folder.children ?? []).filter((c) => canSee(ctx.caller, c));
  const [field = 'name', dir = 'asc'] = (option(ctx.req.query, 'orderby') ?? 'name').trim().split(/\s+/);
  const key = ORDER_KEYS[field.toLowerCase()];
  if (!key) throw invalidRequest(`Sorting by '${field}' is not supported for drive items.`);
  const sign = dir.toLowerCase() === 'desc' ? -1 : 1;
  return [...kids].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : a.name.localeCompare(b.name)) * sign;
  });
};

const descendants = (folder: DriveItem, out: DriveItem[] = []): DriveItem[] => {
  for (const c of folder.children ?? []) {
    out.push(c);
    if (isFolder(c)) descendants(c, out);
  }
  return out;
};

/**
 * Search results name their parent by id only: Graph leaves `parentReference.path` out of them (issue 7's
 * audit; driveitem-search's documented answers carry no path either:
 * https://learn.microsoft.com/graph/api/driveitem-search). Clients must check ancestry by ids.
 */
const searchResultOf = (item: Record<string, unknown>): Record<string, unknown> => {
  const ref = item['parentReference'];
  if (typeof ref !== 'object' || ref === null) return item;
  const { path: _path, ...rest } = ref as Record<string, unknown>;
  return { ...item, parentReference: rest };
};

export const driveRoutes: Route[] = [
  {
    method: 'GET', path: 'sites/{site}/drives', scopes: FILES_SCOPES,
    handle: (ctx) => {
      const drives = resolveSite(ctx.env, ctx.caller, ctx.params['site'] ?? '').lists
        .filter((l) => l.drive && canSeeList(ctx.caller, l))
        .flatMap((l) => (l.drive ? [l.drive] : []));
      return ok(pageByOffset(ctx.env, ctx.req, drives, parseTop(ctx.req.query, 999, 200),
        (d) => applySelect(renderDrive(ctx.env, d), selectOf(ctx.req.query))));
    },
  },
  {
    method: 'GET', path: 'drives/{drive}', scopes: FILES_SCOPES,
    handle: (ctx) => ok(applySelect(renderDrive(ctx.env, driveOf(ctx)), selectOf(ctx.req.query))),
  },
  {
    method: 'GET', path: 'drives/{drive}/list', scopes: FILES_SCOPES,
    handle: (ctx) => ok(applySelect(renderList(ctx.env, driveOf(ctx).list), selectOf(ctx.req.query))),
  },
  {
    method: 'GET', path: 'drives/{drive}/items/{item}', scopes: FILES_SCOPES,
    handle: (ctx) => {
      const d = itemOf(ctx);
      const out = render(ctx, d);
      if (expansion(ctx.req.query, 'children') && isFolder(d)) {
        out['children'] = childrenOf(ctx, d).slice(0, 200).map((c) => renderDriveItem(ctx.env, ctx.caller, c));
      }
      return ok(out);
    },
  },
  {
    method: 'GET', path: 'drives/{drive}/items/{item}/children', scopes: FILES_SCOPES,
    handle: (ctx) => {
      const d = itemOf(ctx);
      if (!isFolder(d)) return ok({ value: [] });
      return ok(pageByOffset(ctx.env, ctx.req, childrenOf(ctx, d), parseTop(ctx.req.query, 1000, 200), (c) => render(ctx, c)));
    },
  },
  {
    method: 'GET', path: 'drives/{drive}/items/{item}/search/{q}', scopes: FILES_SCOPES,
    handle: (ctx) => {
      // v1.0 searches a drive from its root only (driveitem-search: `GET /drives/{drive-id}/root/search(q=…)`).
      if ((ctx.params['item'] ?? '').toLowerCase() !== 'root') throw invalidRequest('Search is supported on the drive root only.');
      const words = (ctx.params['q'] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const hits = descendants(itemOf(ctx)).filter((d) => canSee(ctx.caller, d)
        && words.every((w) => d.name.toLowerCase().includes(w)));
      return ok(pageByOffset(ctx.env, ctx.req, hits, parseTop(ctx.req.query, 1000, 200),
        (d) => searchResultOf({ ...render(ctx, d), searchResult: {} })));
    },
  },
  {
    method: 'GET', path: 'drives/{drive}/items/{item}/thumbnails', scopes: FILES_SCOPES,
    handle: (ctx) => ok({ value: renderDriveItem(ctx.env, ctx.caller, itemOf(ctx), { thumbnails: true })['thumbnails'] }),
  },
  {
    method: 'GET', path: 'drives/{drive}/items/{item}/listItem', scopes: FILES_SCOPES,
    handle: (ctx) => {
      const li = itemOf(ctx).listItem;
      if (!li) throw itemNotFound('The drive root has no list item.');
      const fields = expansion(ctx.req.query, 'fields');
      return ok(renderListItem(ctx.env, li, fields ? (fields.select ? { select: fields.select } : {}) : undefined));
    },
  },
  {
    method: 'POST', path: 'drives/{drive}/items/{item}/preview', scopes: FILES_SCOPES,
    handle: (ctx) => {
      const d = itemOf(ctx);
      if (isFolder(d)) throw invalidRequest('Preview is not supported for folders.');
      const expires = ctx.env.now() + PREVIEW_LIFETIME_MS;
      const sig = ctx.env.signer.sign(`preview|${d.uniqueId}`, expires);
      const getUrl = `${ctx.env.sharePointBase(d.drive.list.site.hostname)}/_layouts/15/embed.aspx` +
        `?UniqueId=${d.uniqueId}&e=${expires}&sig=${sig}`;
      return ok({ getUrl, postParameters: null, postUrl: null });
    },
  },
];
