import api, { route, type APIResponse } from '@forge/api';
import { AppError, failWith, ok, type Result } from '../../core/result';
import { isRecord, own } from '../../core/guards';
import { PAGE_ID } from '../../core/sharing/target';
import type { ConfluencePort, PageRef, Viewer } from '../../core/sharing/ports';

type ConfluenceFetch = typeof api.requestConfluence;

/**
 * Confluence as the viewer: `asUser()` for a logged-in user; for an anonymous visitor the product API
 * without credentials (`api.requestConfluence`, @forge/api's unauthenticated call), which Confluence
 * answers as it answers any anonymous visitor — pages of spaces open to anyone, nothing else.
 */
const as = (viewer: Viewer): ConfluenceFetch => (viewer.kind === 'user' ? api.asUser().requestConfluence : api.requestConfluence);

const JSON_HEADERS = { Accept: 'application/json' };

function unexpected(res: APIResponse, what: string): never {
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after'));
    throw AppError.of('THROTTLED', 'confluence_busy', Number.isFinite(after) && after > 0 ? { retryAfterSeconds: Math.ceil(after) } : {});
  }
  throw new AppError('INTERNAL', 'Confluence did not answer as expected.', {}, { cause: new Error(`${what}: HTTP ${String(res.status)}`) });
}

async function json(res: APIResponse): Promise<unknown> {
  try {
    return (await res.json()) as unknown;
  } catch {
    return undefined;
  }
}

export const confluencePages: ConfluencePort = {
  /**
   * `GET /wiki/api/v2/pages/{id}` as the viewer. Confluence requires "Permission to view the page and
   * its corresponding space" (REST v2 OpenAPI, Page: Get page by id), so page restrictions count too,
   * and it answers 404 both for a missing page and one the caller may not view.
   */
  async viewPage(viewer, pageId): Promise<Result<PageRef>> {
    if (!PAGE_ID.test(pageId)) return failWith('NOT_FOUND', 'page_hidden');
    const res = await as(viewer)(route`/wiki/api/v2/pages/${pageId}`, { headers: JSON_HEADERS });
    if (res.status === 404 || res.status === 403 || res.status === 401) return failWith('NOT_FOUND', 'page_hidden');
    if (!res.ok) unexpected(res, 'GET page');
    const body = await json(res);
    const id = isRecord(body) ? own(body, 'id') : undefined;
    const spaceId = isRecord(body) ? own(body, 'spaceId') : undefined;
    const status = isRecord(body) ? own(body, 'status') : undefined;
    // A draft, archived or trashed page is not a place to show shares (v2 answers `current` for a live page).
    if (status !== undefined && status !== 'current') return failWith('NOT_FOUND', 'page_hidden');
    if (typeof id !== 'string' || id !== pageId || typeof spaceId !== 'string' || !PAGE_ID.test(spaceId)) {
      throw new AppError('INTERNAL', 'Confluence did not answer as expected.', {}, { cause: new Error('GET page: unexpected body') });
    }
    return ok({ id, spaceId });
  },

  /**
   * Display names now, from Confluence's `GET /wiki/rest/api/user/bulk` (up to 100 `accountId`s,
   * scope read:confluence-user). Anonymous visitors cannot read users, so the app asks for them: a
   * sharer's name is shown next to what they shared on a page the visitor may view. So too for a logged-in
   * viewer Confluence refuses (a guest without the right to read users).
   */
  async names(viewer, accountIds) {
    const out = new Map<string, string>();
    for (let i = 0; i < accountIds.length; i += 100) {
      const params = new URLSearchParams(accountIds.slice(i, i + 100).map((a): [string, string] => ['accountId', a]));
      const path = route`/wiki/rest/api/user/bulk?${params}`;
      let res = await (viewer.kind === 'user' ? api.asUser() : api.asApp()).requestConfluence(path, { headers: JSON_HEADERS });
      if (viewer.kind === 'user' && (res.status === 401 || res.status === 403)) res = await api.asApp().requestConfluence(path, { headers: JSON_HEADERS });
      if (!res.ok) continue;
      const body = await json(res);
      const results = isRecord(body) ? own(body, 'results') : undefined;
      if (!Array.isArray(results)) continue;
      for (const u of results) {
        if (!isRecord(u)) continue;
        const accountId = own(u, 'accountId');
        const name = own(u, 'displayName') ?? own(u, 'publicName');
        if (typeof accountId === 'string' && typeof name === 'string') out.set(accountId, name.slice(0, 200));
      }
    }
    return out;
  },
};
