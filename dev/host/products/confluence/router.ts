import type { AccountStates } from '../accounts';
import { json, type Handled } from '../http';
import type { AtlassianUser } from '../tenant';
import type { Who } from '../jira/permissions';
import type { ConfluenceSite } from './store';

const notFound = (title = 'Not Found'): Handled => ({ res: json(404, { errors: [{ status: 404, code: 'NOT_FOUND', title, detail: null }] }) });

/** Confluence's OperationCheckResult list for `expand=operations` (v1 user/current). */
const operations = (u: AtlassianUser | undefined) => [
  ...(u && (u.admin || u.groups.includes('confluence-users')) ? [{ operation: 'use', targetType: 'application' }, { operation: 'create_space', targetType: 'application' }] : []),
  ...(u?.admin ? [{ operation: 'administer', targetType: 'application' }] : []),
];

/**
 * Confluence Cloud REST: the current user (v1), pages and spaces (v2). A page in a space the
 * caller may not view, or behind a read restriction that does not list them, answers 404, as
 * Confluence does, so its existence does not leak.
 */
export function confluenceRouter(deps: { site: ConfluenceSite; accounts: AccountStates; siteUrl: string; userJson: (u: AtlassianUser) => Record<string, unknown>; userById?: (accountId: string) => AtlassianUser | undefined }) {
  const { site } = deps;
  return function route(who: Who, method: string, url: URL): Handled {
    const path = url.pathname;
    if (method === 'GET' && path === '/wiki/rest/api/user/current') {
      const expand = (url.searchParams.get('expand') ?? '').split(',').map((e) => e.trim());
      const withOperations = (body: Record<string, unknown>, u: AtlassianUser | undefined) => (expand.includes('operations') ? { ...body, operations: operations(u) } : { ...body, _expandable: { operations: '', personalSpace: '' } });
      if (who.kind !== 'user') return { res: json(200, withOperations({ type: 'anonymous', displayName: 'Anonymous' }, undefined)), objects: 1 };
      return { res: json(200, withOperations({ type: 'known', ...deps.userJson(who.user), publicName: who.user.displayName, email: who.user.email }, who.user)), objects: 1 };
    }
    // v1 "Get multiple users using ids": up to 100 repeated `accountId`s; ids it does not know are left out.
    if (method === 'GET' && path === '/wiki/rest/api/user/bulk') {
      if (who.kind === 'anonymous') return { res: json(401, { statusCode: 401, message: 'This request requires authentication.' }) };
      if (who.kind === 'user' && !(who.user.admin || who.user.groups.includes('confluence-users'))) return { res: json(403, { statusCode: 403, message: 'The calling user does not have permission to view users.' }) };
      const ids = url.searchParams.getAll('accountId').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
      if (ids.length === 0) return { res: json(400, { statusCode: 400, message: 'accountId is required.' }) };
      if (ids.length > 100) return { res: json(400, { statusCode: 400, message: 'Too many accountIds: at most 100.' }) };
      const results = ids.flatMap((id) => {
        const u = deps.userById?.(id);
        if (!u) return [];
        const j = deps.userJson(u);
        return [{ type: 'known', accountId: u.accountId, accountType: 'atlassian', displayName: j.displayName, publicName: j.displayName }];
      });
      return { res: json(200, { results, start: 0, limit: 200, size: results.length }), objects: results.length };
    }
    // v2 "Get pages" filtered by `id` (comma-separated, at most 250; `limit` 1–250, default 25): the pages
    // the caller may view, each as "Get page by id" answers it, those they may not view left out
    // (Confluence REST v2 OpenAPI, Page: Get pages). Paging by cursor is not emulated: more ids than `limit` is 400.
    if (method === 'GET' && path === '/wiki/api/v2/pages') {
      const ids = url.searchParams.getAll('id').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
      const limit = Number(url.searchParams.get('limit') ?? '25');
      if (ids.length === 0 || ids.length > 250 || ids.some((i) => !/^\d{1,18}$/.test(i)) || !Number.isInteger(limit) || limit < 1 || limit > 250 || ids.length > limit) {
        return { res: json(400, { errors: [{ status: 400, code: 'INVALID_REQUEST_PARAMETER', title: 'The local host emulates Get pages by id only: 1–250 ids, no more than limit (1–250).', detail: null }] }) };
      }
      // Who may view each page is decided exactly as "Get page by id" decides it.
      const results = ids.flatMap((id) => {
        const p = site.page(id);
        const space = p && site.space(p.spaceKey);
        if (!p || !space || route(who, 'GET', new URL(`/wiki/api/v2/pages/${id}`, url)).res.status !== 200) return [];
        return [{ id: p.id, status: 'current', title: p.title, spaceId: space.id, parentId: null, parentType: null, position: 0, authorId: p.authorId, ownerId: p.authorId, createdAt: new Date(p.createdAt).toISOString(), _links: { webui: `/spaces/${space.key}/pages/${p.id}`, tinyui: `/x/${p.id}` } }];
      });
      return { res: json(200, { results, _links: { base: `${deps.siteUrl}/wiki` } }), objects: results.length };
    }
    const page = /^\/wiki\/api\/v2\/pages\/(\d+)$/.exec(path);
    if (method === 'GET' && page) {
      const p = site.page(page[1] as string);
      const space = p && site.space(p.spaceKey);
      // "Permission to view the page and its corresponding space" (v2 OpenAPI, Get page by id): the space's
      // view permission and the page's read restriction, each answered with the missing page's 404.
      if (!p || !space || !site.canViewPage(who, p)) return notFound();
      const format = url.searchParams.get('body-format');
      const created = new Date(p.createdAt).toISOString();
      return {
        res: json(200, {
          id: p.id,
          status: 'current',
          title: p.title,
          spaceId: space.id,
          parentId: null,
          parentType: null,
          position: 0,
          authorId: p.authorId,
          ownerId: p.authorId,
          createdAt: created,
          version: { createdAt: created, message: '', number: 1, minorEdit: false, authorId: p.authorId },
          body: format === 'storage' ? { storage: { representation: 'storage', value: p.body } } : {},
          _links: { webui: `/spaces/${space.key}/pages/${p.id}`, editui: `/pages/resumedraft.action?draftId=${p.id}`, tinyui: `/x/${p.id}`, base: `${deps.siteUrl}/wiki` },
        }),
        objects: 1,
      };
    }
    const spaceMatch = /^\/wiki\/api\/v2\/spaces\/(\d+)$/.exec(path);
    if (method === 'GET' && spaceMatch) {
      const s = site.space(spaceMatch[1] as string);
      if (!s || !site.canView(who, s)) return notFound();
      const home = site.pages().find((p) => p.spaceKey === s.key);
      return { res: json(200, { id: s.id, key: s.key, name: s.name, type: 'global', status: 'current', homepageId: home?.id ?? null, _links: { webui: `/spaces/${s.key}`, base: `${deps.siteUrl}/wiki` } }), objects: 1 };
    }
    return notFound(`The local host does not emulate ${method} ${path}`);
  };
}
