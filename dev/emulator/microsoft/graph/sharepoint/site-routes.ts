import { allows } from '../../data/access';
import { itemNotFound } from '../errors';
import { applySelect, expansion, nextLink, pageByOffset, parseTop, selectOf } from '../odata';
import type { Route, RouteContext } from '../types';
import { queryItems } from './list-query';
import { renderColumn, renderDriveItem, renderFields, renderList, renderListItem, renderSite } from './render';
import { canSeeList, resolveList, resolveSite } from './resolve';

export const SITES_SCOPES = ['Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'];

const ok = (body: unknown) => ({ status: 200, body });

const siteOf = ({ env, caller, params }: RouteContext) => resolveSite(env, caller, params['site'] ?? '');
const listOf = (ctx: RouteContext) => resolveList(ctx.caller, siteOf(ctx), ctx.params['list'] ?? '');

const itemOf = (ctx: RouteContext) => {
  const list = listOf(ctx);
  const item = list.itemsById.get(Number(ctx.params['item']));
  if (!item || !allows(item.access, ctx.caller.principal)) throw itemNotFound('The resource could not be found.');
  return item;
};

/** `$expand=fields(...)` on items; `fields` with no select means "all default fields". */
const fieldsExpansion = (q: URLSearchParams): { select?: string[] } | undefined => {
  const e = expansion(q, 'fields');
  return e ? (e.select ? { select: e.select } : {}) : undefined;
};

const ITEM_KEEP = ['fields', 'fields@odata.context'];

export const siteRoutes: Route[] = [
  {
    method: 'GET', path: 'sites', scopes: SITES_SCOPES,
    handle: (ctx) => {
      const { env, caller, req } = ctx;
      const term = (req.query.get('search') ?? '').replace(/^"|"$/g, '').toLowerCase();
      const sites = env.model.sharePoint.sites.filter((s) => s.tenant.id === caller.tenant.id
        && allows(s.reach, caller.principal)
        && (term === '' || term === '*' || s.displayName.toLowerCase().includes(term) || s.name.toLowerCase().includes(term)));
      return ok(pageByOffset(env, req, sites, parseTop(req.query, 999, 200), (s) => applySelect(renderSite(s), selectOf(req.query))));
    },
  },
  {
    method: 'GET', path: 'sites/{site}', scopes: SITES_SCOPES,
    handle: (ctx) => ok(applySelect(renderSite(siteOf(ctx)), selectOf(ctx.req.query))),
  },
  {
    method: 'GET', path: 'sites/{site}/lists', scopes: SITES_SCOPES,
    handle: (ctx) => {
      const { env, caller, req } = ctx;
      const withSystem = (selectOf(req.query) ?? []).some((s) => s.toLowerCase() === 'system');
      const lists = siteOf(ctx).lists.filter((l) => canSeeList(caller, l) && (withSystem || !l.system));
      return ok(pageByOffset(env, req, lists, parseTop(req.query, 999, 200), (l) => applySelect(renderList(env, l), selectOf(req.query))));
    },
  },
  {
    method: 'GET', path: 'sites/{site}/lists/{list}', scopes: SITES_SCOPES,
    handle: (ctx) => ok(applySelect(renderList(ctx.env, listOf(ctx)), selectOf(ctx.req.query))),
  },
  {
    method: 'GET', path: 'sites/{site}/lists/{list}/columns', scopes: SITES_SCOPES,
    handle: (ctx) => ok({ value: listOf(ctx).columns.map((c) => applySelect(renderColumn(c), selectOf(ctx.req.query))) }),
  },
  {
    method: 'GET', path: 'sites/{site}/lists/{list}/items', scopes: SITES_SCOPES,
    handle: (ctx) => {
      const { env, caller, req } = ctx;
      const list = listOf(ctx);
      const top = parseTop(req.query, 5000, 200);
      const page = queryItems(list, caller.principal, req.query, req.headers, top);
      const fields = fieldsExpansion(req.query);
      return ok({
        value: page.items.map((it) => applySelect(renderListItem(env, it, fields), selectOf(req.query), ITEM_KEEP)),
        ...(page.next ? { '@odata.nextLink': nextLink(env, req, page.next) } : {}),
      });
    },
  },
  {
    method: 'GET', path: 'sites/{site}/lists/{list}/items/{item}', scopes: SITES_SCOPES,
    handle: (ctx) => ok(applySelect(renderListItem(ctx.env, itemOf(ctx), fieldsExpansion(ctx.req.query)), selectOf(ctx.req.query), ITEM_KEEP)),
  },
  {
    method: 'GET', path: 'sites/{site}/lists/{list}/items/{item}/fields', scopes: SITES_SCOPES,
    handle: (ctx) => ok(renderFields(ctx.env, itemOf(ctx), selectOf(ctx.req.query))),
  },
  {
    method: 'GET', path: 'sites/{site}/lists/{list}/items/{item}/driveItem', scopes: SITES_SCOPES,
    handle: (ctx) => {
      const d = itemOf(ctx).driveItem;
      if (!d) throw itemNotFound('This list item has no drive item.');
      return ok(applySelect(renderDriveItem(ctx.env, ctx.caller, d), selectOf(ctx.req.query)));
    },
  },
];
