/**
 * The scopes each Jira and Confluence REST endpoint the app (or the probe app) calls needs, so a product call is
 * refused, as Forge's API gateway refuses it, when the manifest lacks them.
 *
 * Sources: each operation's `x-atlassian-oauth2-scopes` in Atlassian's OpenAPI documents — Jira
 * `dac-static.atlassian.com/cloud/jira/platform/swagger-v3.v3.json` (read from the copy in salto-io/jira-swaggers,
 * `platform-swagger.v3.json`), Confluence `dac-static.atlassian.com/cloud/confluence/openapi-v2.v3.json` (v2) and
 * `…/swagger.v3.json` (v1) — the "Scopes" section of each operation's page in the REST docs. `Current` entries
 * are the classic scopes, `Beta` entries the granular set. An app passes with every classic scope, or with every
 * granular one ("Atlassian enforces an endpoint's granular scope set as all-of"; a missing one answers 401
 * `Unauthorized; scope does not match`, as Forge apps report it, e.g. shridhar-tl/jira-assistant#435).
 *
 * An endpoint not listed here is refused too, and logged: add it with its source rather than guess.
 */

export interface ScopeRule {
  method: string;
  /** The path, `{…}` standing for one segment. */
  path: string;
  /** Classic (`Current`) scopes; `[]` = the operation needs none. */
  classic: readonly string[];
  /** The granular (`Beta`) set, when the documents give one. */
  granular?: readonly string[];
  source: string;
}

const JIRA = 'Jira REST v3 OpenAPI';
const CONFLUENCE_V1 = 'Confluence REST v1 OpenAPI (swagger.v3.json)';
const CONFLUENCE_V2 = 'Confluence REST v2 OpenAPI (openapi-v2.v3.json)';
const USER_READ = ['read:application-role:jira', 'read:group:jira', 'read:user:jira', 'read:avatar:jira'];

export const PRODUCT_SCOPES: Record<'jira' | 'confluence', readonly ScopeRule[]> = {
  jira: [
    { method: 'GET', path: '/rest/api/3/myself', classic: ['read:jira-user'], granular: USER_READ, source: `${JIRA}, Myself: Get current user` },
    { method: 'GET', path: '/rest/api/3/mypermissions', classic: [], granular: ['read:permission:jira'], source: `${JIRA}, Permissions: Get my permissions` },
    { method: 'POST', path: '/rest/api/3/permissions/check', classic: [], granular: ['read:permission:jira'], source: `${JIRA}, Permissions: Get bulk permissions` },
    { method: 'GET', path: '/rest/api/3/user', classic: ['read:jira-user'], granular: USER_READ, source: `${JIRA}, Users: Get user` },
    { method: 'GET', path: '/rest/api/3/user/bulk', classic: ['read:jira-user'], granular: USER_READ, source: `${JIRA}, Users: Bulk get users` },
    { method: 'GET', path: '/rest/api/3/user/search', classic: ['read:jira-user'], granular: USER_READ, source: `${JIRA}, User search: Find users` },
    { method: 'GET', path: '/rest/api/3/user/groups', classic: ['read:jira-user'], granular: ['read:group:jira'], source: `${JIRA}, Users: Get user groups` },
    {
      method: 'GET',
      path: '/rest/api/3/issue/{}',
      classic: ['read:jira-work'],
      granular: ['read:issue-meta:jira', 'read:issue-security-level:jira', 'read:issue.vote:jira', 'read:issue.changelog:jira', 'read:avatar:jira', 'read:issue:jira', 'read:status:jira', 'read:user:jira', 'read:field-configuration:jira'],
      source: `${JIRA}, Issues: Get issue`,
    },
    { method: 'GET', path: '/rest/api/3/issue/{}/transitions', classic: ['read:jira-work'], granular: ['read:issue.transition:jira', 'read:status:jira', 'read:field-configuration:jira'], source: `${JIRA}, Issues: Get transitions` },
    { method: 'POST', path: '/rest/api/3/issue/{}/transitions', classic: ['write:jira-work'], granular: ['write:issue:jira', 'write:issue.property:jira'], source: `${JIRA}, Issues: Transition issue` },
    {
      method: 'GET',
      path: '/rest/api/3/issue/{}/properties',
      classic: ['read:jira-work'],
      granular: ['read:issue.property:jira', 'read:comment.property:jira', 'read:dashboard.property:jira', 'read:issue-type.property:jira', 'read:issue-worklog.property:jira', 'read:project.property:jira', 'read:user.property:jira', 'read:workflow.property:jira'],
      source: `${JIRA}, Issue properties: Get issue property keys`,
    },
    { method: 'GET', path: '/rest/api/3/issue/{}/properties/{}', classic: ['read:jira-work'], granular: ['read:issue.property:jira'], source: `${JIRA}, Issue properties: Get issue property` },
    { method: 'PUT', path: '/rest/api/3/issue/{}/properties/{}', classic: ['write:jira-work'], granular: ['write:issue.property:jira'], source: `${JIRA}, Issue properties: Set issue property` },
    { method: 'DELETE', path: '/rest/api/3/issue/{}/properties/{}', classic: ['write:jira-work'], granular: ['delete:issue.property:jira'], source: `${JIRA}, Issue properties: Delete issue property` },
    // The enhanced search (CHANGE-2046) replaced /search, which needed read:jira-work; the copy of the document read
    // here predates it, so its classic scope is taken from its predecessor and no granular set is offered.
    { method: 'GET', path: '/rest/api/3/search/jql', classic: ['read:jira-work'], source: `${JIRA}, Issue search: Search for issues using JQL enhanced search (classic scope of /search)` },
    { method: 'POST', path: '/rest/api/3/search/jql', classic: ['read:jira-work'], source: `${JIRA}, Issue search: Search for issues using JQL enhanced search (POST) (classic scope of /search)` },
    { method: 'GET', path: '/rest/api/3/search', classic: ['read:jira-work'], source: `${JIRA}, Issue search: Search for issues using JQL (removed, answers 410)` },
    { method: 'POST', path: '/rest/api/3/search', classic: ['read:jira-work'], source: `${JIRA}, Issue search: Search for issues using JQL (POST) (removed, answers 410)` },
    { method: 'POST', path: '/rest/api/3/jql/parse', classic: ['read:jira-work'], granular: ['read:field:jira', 'validate:jql:jira', 'read:jql:jira'], source: `${JIRA}, JQL: Parse JQL query` },
    {
      method: 'GET',
      path: '/rest/api/3/project/{}',
      classic: ['read:jira-work'],
      granular: ['read:issue-type:jira', 'read:project:jira', 'read:project.property:jira', 'read:user:jira', 'read:application-role:jira', 'read:avatar:jira', 'read:group:jira', 'read:issue-type-hierarchy:jira', 'read:project-category:jira', 'read:project-version:jira', 'read:project.component:jira'],
      source: `${JIRA}, Projects: Get project`,
    },
    { method: 'GET', path: '/rest/api/3/project/{}/role', classic: ['read:jira-work'], granular: ['read:project-role:jira'], source: `${JIRA}, Project roles: Get project roles for project` },
    {
      method: 'GET',
      path: '/rest/api/3/project/{}/role/{}',
      classic: ['read:jira-work'],
      granular: ['read:user:jira', 'read:group:jira', 'read:project-role:jira', 'read:project:jira', 'read:avatar:jira', 'read:project-category:jira'],
      source: `${JIRA}, Project roles: Get project role for project`,
    },
  ],
  confluence: [
    // A live site answers 200 on this v1 route to a token holding only read:confluence-user (markfluence's scope notes, 2026-08-20).
    { method: 'GET', path: '/wiki/rest/api/user/current', classic: ['read:confluence-user'], source: `${CONFLUENCE_V1}, Users: Get current user` },
    { method: 'GET', path: '/wiki/rest/api/user/bulk', classic: ['read:confluence-user'], source: `${CONFLUENCE_V1}, Users: Get multiple users using ids` },
    // v2 takes granular scopes only: a classic grant is refused there.
    { method: 'GET', path: '/wiki/api/v2/pages/{}', classic: ['read:page:confluence'], source: `${CONFLUENCE_V2}, Page: Get page by id` },
    { method: 'GET', path: '/wiki/api/v2/pages', classic: ['read:page:confluence'], source: `${CONFLUENCE_V2}, Page: Get pages` },
    { method: 'GET', path: '/wiki/api/v2/spaces/{}', classic: ['read:space:confluence'], source: `${CONFLUENCE_V2}, Space: Get space by id` },
  ],
};

export type ScopeVerdict = { ok: true } | { ok: false; unknown: boolean; needs: string };

const matchPath = (template: string, path: string): boolean => {
  const t = template.split('/');
  const p = path.split('/');
  return t.length === p.length && t.every((seg, i) => seg === '{}' ? (p[i] ?? '') !== '' : seg === p[i]);
};

/** Whether the manifest's scopes reach `method path` on `product`; an endpoint without a rule is refused. */
export function checkScopes(product: 'jira' | 'confluence', method: string, path: string, granted: readonly string[]): ScopeVerdict {
  const rule = PRODUCT_SCOPES[product].find((r) => r.method === method.toUpperCase() && matchPath(r.path, path.replace(/\/+$/, '')));
  if (!rule) return { ok: false, unknown: true, needs: 'a scope the local host does not know for this endpoint' };
  const has = (list: readonly string[]) => list.every((s) => granted.includes(s));
  if (has(rule.classic) || (rule.granular !== undefined && has(rule.granular))) return { ok: true };
  const needs = [rule.classic.join(' + '), ...(rule.granular ? [rule.granular.join(' + ')] : [])].join(', or ');
  return { ok: false, unknown: false, needs };
}

/** The gateway's answer to a call the app's scopes do not cover. */
export const scopeRefusal = (): Response =>
  new Response(JSON.stringify({ code: 401, message: 'Unauthorized; scope does not match' }), { status: 401, headers: { 'content-type': 'application/json' } });

/**
 * The gateway in front of the product REST proxy: the refusal when the manifest's scopes do not cover the call,
 * or undefined to let it through. Unknown endpoints are refused and reported, so the table grows with sources.
 */
export function scopeGate(product: 'jira' | 'confluence', method: string, url: URL, granted: readonly string[], log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Response | undefined {
  const verdict = checkScopes(product, method, url.pathname, granted);
  if (verdict.ok) return undefined;
  log(
    verdict.unknown
      ? `[host] refused ${method} ${url.pathname} (${product}): no scope rule for this endpoint in dev/host/scopes.ts — add it with its source`
      : `[host] refused ${method} ${url.pathname} (${product}): the manifest's permissions.scopes lack ${verdict.needs}`,
  );
  return scopeRefusal();
}
