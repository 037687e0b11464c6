import { createHash } from 'node:crypto';
import { isRecord, jiraError, ok, parseBody, type Handled } from '../http';
import { listParam, type JiraApi, type JiraRequest } from './api';
import { compileQuery, type Compiled, type SortKey } from './jql/compile';
import { parseJql } from './jql/parser';
import type { Issue } from './model';
import { canBrowse, projectPermission, passesSecurityLevel, type Who } from './permissions';
import { allFields, pickFields, selectFields } from './render';

/** search/jql: "It returns max 5000 issues", default 50 (jira.js, from Atlassian's OpenAPI text). */
export const MAX_RESULTS = 5000;
export const DEFAULT_MAX_RESULTS = 50;
/**
 * "Jira may return fewer items per page where a large number of fields are requested. The greatest
 * number of items returned per page is achieved when requesting id or key only." The host gives
 * the full 5,000 for id/key only and 100 otherwise (the cap Jira's older search applied).
 */
export const MAX_RESULTS_WITH_FIELDS = 100;
/** "A list of up to 5 issue properties"; "reconcileIssues … Accepts max 50 ids". */
export const MAX_PROPERTIES = 5;
export const MAX_RECONCILE = 50;
/** "This token will expire in 7 days." */
const TOKEN_LIFETIME_MS = 7 * 86_400_000;
export const UNBOUNDED = 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';
const BAD_TOKEN = 'The nextPageToken is invalid or has expired. Start the search again without it.';

const whoKey = (who: Who) => (who.kind === 'user' ? who.user.accountId : who.kind);

/**
 * Matching issues in order, for one caller and one query, cached until the site changes: the
 * pages of a search then cost a binary search and a slice, not a scan of every issue.
 */
export function searchEngine(api: JiraApi) {
  const cache = new Map<string, { version: number; rows: Issue[] }>();
  const CACHE_SIZE = 16;

  function run(who: Who, jql: string, compiled: Compiled): Issue[] {
    const cacheKey = `${whoKey(who)}\n${jql}`;
    const hit = cache.get(cacheKey);
    if (hit && hit.version === api.jira.version) return hit.rows;
    const matched: Issue[] = [];
    for (const p of api.jira.projects()) {
      if (compiled.projects && !compiled.projects.has(p.key)) continue;
      const projectWide = projectPermission(who, p, 'BROWSE_PROJECTS');
      if (!projectWide && !p.browseDependsOnIssue) continue;
      const perIssue = p.browseDependsOnIssue;
      for (const i of p.issues) {
        if (perIssue ? !canBrowse(who, p, i) : i.securityLevelId !== null && !passesSecurityLevel(who, p, i)) continue;
        if (compiled.predicate(i)) matched.push(i);
      }
    }
    const rows = compiled.sortIssues(matched);
    cache.delete(cacheKey);
    cache.set(cacheKey, { version: api.jira.version, rows });
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return rows;
  }

  return { run };
}

export type SearchEngine = ReturnType<typeof searchEngine>;

const tokenHash = (who: Who, jql: string) => createHash('sha256').update(`${whoKey(who)}\n${jql}`).digest('base64url').slice(0, 16);

function encodeToken(who: Who, jql: string, key: SortKey, now: number) {
  return Buffer.from(JSON.stringify({ v: 1, h: tokenHash(who, jql), k: key, t: now })).toString('base64url');
}

function decodeToken(token: string, who: Who, jql: string, now: number): SortKey | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; h?: unknown; k?: unknown; t?: unknown };
    if (t.v !== 1 || t.h !== tokenHash(who, jql) || !Array.isArray(t.k) || typeof t.t !== 'number' || now - t.t > TOKEN_LIFETIME_MS) return undefined;
    return t.k as SortKey;
  } catch {
    return undefined;
  }
}

interface SearchParams {
  jql: string;
  nextPageToken?: string;
  maxResults?: unknown;
  fields: string[];
  properties: string[];
  reconcileIssues: string[];
}

function params(req: JiraRequest): SearchParams | Handled {
  if (req.method === 'GET') {
    const u = req.url;
    return {
      jql: u.searchParams.get('jql') ?? '',
      ...(u.searchParams.has('nextPageToken') ? { nextPageToken: u.searchParams.get('nextPageToken') as string } : {}),
      ...(u.searchParams.has('maxResults') ? { maxResults: u.searchParams.get('maxResults') } : {}),
      fields: listParam(u, 'fields'),
      properties: listParam(u, 'properties'),
      reconcileIssues: listParam(u, 'reconcileIssues'),
    };
  }
  const body = parseBody(req.body);
  if (!isRecord(body)) return jiraError(400, 'The request body must be a JSON object.');
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : []).map((s) => s.trim()).filter(Boolean);
  return {
    jql: typeof body.jql === 'string' ? body.jql : '',
    ...(typeof body.nextPageToken === 'string' ? { nextPageToken: body.nextPageToken } : {}),
    ...(body.maxResults !== undefined ? { maxResults: body.maxResults } : {}),
    fields: list(body.fields),
    properties: list(body.properties),
    reconcileIssues: list(body.reconcileIssues),
  };
}

/** GET|POST /rest/api/3/search/jql. */
export function searchJql(api: JiraApi, engine: SearchEngine, req: JiraRequest): Handled {
  const p = params(req);
  if ('res' in p) return p;
  let max = DEFAULT_MAX_RESULTS;
  if (p.maxResults !== undefined && p.maxResults !== null) {
    const n = Number(p.maxResults);
    if (!Number.isInteger(n) || n < 1 || n > MAX_RESULTS) return jiraError(400, 'The max results parameter has to be between 1 and 5,000.');
    max = n;
  }
  if (p.properties.length > MAX_PROPERTIES) return jiraError(400, `At most ${MAX_PROPERTIES} issue properties can be requested.`);
  if (p.reconcileIssues.length > MAX_RECONCILE) return jiraError(400, `At most ${MAX_RECONCILE} issues can be reconciled.`);
  for (const id of p.reconcileIssues) if (!api.jira.issue(id)) return jiraError(400, `The issue with id '${id}' to reconcile does not exist.`);

  const parsed = parseJql(p.jql);
  if (!parsed.ok) return jiraError(400, parsed.error);
  if (!parsed.query.where) return jiraError(400, UNBOUNDED);
  const now = api.dir.now();
  const compiled = compileQuery(parsed.query, { site: api.jira, who: req.who, now, users: api.dir.fixture.users });
  if (!compiled.ok) return jiraError(400, ...compiled.errors);

  const rows = engine.run(req.who, p.jql, compiled.compiled);
  let start = 0;
  if (p.nextPageToken !== undefined) {
    const after = decodeToken(p.nextPageToken, req.who, p.jql, now);
    if (!after) return jiraError(400, BAD_TOKEN);
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compiled.compiled.compareKeys(compiled.compiled.sortKey(rows[mid] as Issue), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const idsOnly = p.fields.every((f) => f === 'id' || f === 'key');
  const pageSize = Math.min(max, idsOnly ? MAX_RESULTS : MAX_RESULTS_WITH_FIELDS);
  const page = rows.slice(start, start + pageSize);
  const last = start + page.length >= rows.length;
  const sel = selectFields(p.fields, ['id']);
  const issues = page.map((i) => {
    if (!p.fields.length || (p.fields.length === 1 && p.fields[0] === 'id')) return { id: i.id };
    const fields = pickFields(allFields(api.render, i), sel);
    const props = p.properties.length ? { properties: Object.fromEntries(p.properties.flatMap((k) => (i.properties.has(k) ? [[k, i.properties.get(k)?.value]] : []))) } : {};
    return { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: i.id, self: `${api.siteUrl}/rest/api/3/issue/${i.id}`, key: i.key, fields, ...props };
  });
  const lastRow = page[page.length - 1];
  return ok({ issues, ...(!last && lastRow ? { nextPageToken: encodeToken(req.who, p.jql, compiled.compiled.sortKey(lastRow), now) } : {}), isLast: last }, issues.length);
}
