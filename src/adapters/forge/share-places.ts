import api, { route } from '@forge/api';
import { kvs } from '@forge/kvs';
import { isRecord, own } from '../../core/guards';
import { readSettings } from '../../core/settings/model';
import { ISSUE_ID, ISSUE_KEY } from '../../core/sharing/model';
import { mirrorIds } from '../../core/sharing/service';
import { PAGE_ID, placeKey } from '../../core/sharing/target';
import type { PlacesPort } from '../../core/sharing/my-shares';
import type { Product } from './product';
import { jiraIssues, writeMirror } from './jira-issues';
import { automationJira } from './automations';
import { confluencePages } from './confluence-pages';
import { shareStore } from './share-store';
import { keys } from './keys';
import { guardStorage } from './kvs-errors';

const JSON_HEADERS = { Accept: 'application/json' };

/**
 * The products as the caller (`asUser()`: a resolver acts only as its own invoker), for My shares and
 * hand-over. Jira: issue keys by JQL `id in (…)` (POST /rest/api/3/search/jql answers only issues the
 * caller may browse), people by GET /rest/api/3/user/search ("Browse users and groups"), project
 * admin by mypermissions. Confluence: the pages' titles, asked as the caller in one request
 * (GET /wiki/api/v2/pages?id=…), and one page (GET /wiki/api/v2/pages/{id}).
 * Jira and Confluence are separate installations with separate storage, so each lists its own places.
 */
export function sharePlaces(product: Product): PlacesPort {
  const me = (accountId: string) => ({ kind: 'user' as const, accountId });
  return {
    async describe(_accountId, targets) {
      const out = new Map<string, { label: string; url: string }>();
      const issueIds = [...new Set(targets.flatMap((t) => (t.product === 'jira' && ISSUE_ID.test(t.issueId) ? [t.issueId] : [])))];
      if (product === 'jira') {
        for (let i = 0; i < issueIds.length; i += 100) {
          const chunk = issueIds.slice(i, i + 100);
          const res = await api.asUser().requestJira(route`/rest/api/3/search/jql`, {
            method: 'POST',
            headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' },
            body: JSON.stringify({ jql: `id in (${chunk.join(',')})`, fields: ['key'], maxResults: 100 }),
          });
          if (!res.ok) continue;
          const body = (await res.json().catch(() => undefined)) as unknown;
          const issues = isRecord(body) ? own(body, 'issues') : undefined;
          if (!Array.isArray(issues)) continue;
          for (const is of issues) {
            const id = isRecord(is) ? own(is, 'id') : undefined;
            const key = isRecord(is) ? own(is, 'key') : undefined;
            if (typeof id === 'string' && chunk.includes(id) && typeof key === 'string' && ISSUE_KEY.test(key)) out.set(placeKey({ product: 'jira', issueId: id, projectId: '1' }), { label: key, url: `/browse/${key}` });
          }
        }
      } else {
        // One request for all pages (per 250): v2 "Get pages" by `id`, as the caller, answers only the pages
        // they may view (Confluence REST v2 OpenAPI, Page: Get pages); titles are read now, never stored.
        const pageIds = [...new Set(targets.flatMap((t) => (t.product === 'confluence' && PAGE_ID.test(t.pageId) ? [t.pageId] : [])))];
        for (let i = 0; i < pageIds.length; i += 250) {
          const chunk = pageIds.slice(i, i + 250);
          const params = new URLSearchParams({ id: chunk.join(','), status: 'current', limit: String(chunk.length) });
          const res = await api.asUser().requestConfluence(route`/wiki/api/v2/pages?${params}`, { headers: JSON_HEADERS });
          if (!res.ok) continue;
          const body = (await res.json().catch(() => undefined)) as unknown;
          const results = isRecord(body) ? own(body, 'results') : undefined;
          if (!Array.isArray(results)) continue;
          for (const p of results) {
            const id = isRecord(p) ? own(p, 'id') : undefined;
            const title = isRecord(p) ? own(p, 'title') : undefined;
            if (typeof id === 'string' && chunk.includes(id) && typeof title === 'string') {
              out.set(placeKey({ product: 'confluence', pageId: id, spaceId: '1' }), { label: title.slice(0, 255) || `Page ${id}`, url: `/wiki/pages/viewpage.action?pageId=${id}` });
            }
          }
        }
      }
      return out;
    },
    async canView(accountId, target) {
      if (target.product === 'jira') return product === 'jira' && (await jiraIssues.viewIssue(me(accountId), target.issueId)).ok;
      return product === 'confluence' && (await confluencePages.viewPage(me(accountId), target.pageId)).ok;
    },
    names: (accountId, ids) => (product === 'jira' ? jiraIssues.names(me(accountId), ids) : confluencePages.names(me(accountId), ids)),
    async searchPeople(_accountId, query) {
      if (product !== 'jira') return [];
      const res = await api.asUser().requestJira(route`/rest/api/3/user/search?${new URLSearchParams({ query: query.slice(0, 100), maxResults: '20' })}`, { headers: JSON_HEADERS });
      if (!res.ok) return [];
      const body = (await res.json().catch(() => undefined)) as unknown;
      if (!Array.isArray(body)) return [];
      return body.flatMap((u) => {
        const id = isRecord(u) ? own(u, 'accountId') : undefined;
        const name = isRecord(u) ? own(u, 'displayName') : undefined;
        const type = isRecord(u) ? own(u, 'accountType') : undefined;
        return typeof id === 'string' && /^[A-Za-z0-9:_-]{1,128}$/.test(id) && typeof name === 'string' && type === 'atlassian' && own(u as Record<string, unknown>, 'active') !== false ? [{ accountId: id, name: name.slice(0, 200) }] : [];
      });
    },
    isProjectAdmin: (accountId, projectId) => (product === 'jira' ? automationJira.isProjectAdmin({ accountId, live: true }, projectId) : Promise.resolve(false)),
    async refreshMirror(issueIds) {
      if (product !== 'jira' || issueIds.length === 0) return;
      const settings = readSettings(await guardStorage(() => kvs.get(keys.settings()))).settings;
      if (!settings.features.linkStore) return;
      for (const issueId of issueIds) {
        await writeMirror(issueId, mirrorIds(issueId, await shareStore.byIssue(issueId), settings.sharing.allowedScopes)).catch(() => undefined);
      }
    },
  };
}
