import { isRecord, jiraError, ok, parseBody, type Handled } from '../http';
import type { JiraApi, JiraRequest } from './api';
import { compileQuery } from './jql/compile';
import { parseJql } from './jql/parser';
import { jqlStructure } from './jql/structure';

/** Queries in one parse request: the host's bound (Jira documents none). */
export const MAX_PARSE_QUERIES = 100;

/**
 * POST /rest/api/3/jql/parse?validation=strict|warn|none. strict: errors and no structure when
 * validation fails; warn: errors and the structure of a well-formed query; none: structure only.
 * Validation is done as the caller, so a project they cannot see "does not exist".
 */
export function jqlRoutes(api: JiraApi, req: JiraRequest): Handled | undefined {
  if (req.method !== 'POST' || req.url.pathname !== '/rest/api/3/jql/parse') return undefined;
  const validation = req.url.searchParams.get('validation') ?? 'strict';
  if (!['strict', 'warn', 'none'].includes(validation)) return jiraError(400, `The validation parameter must be strict, warn or none, not '${validation}'.`);
  const body = parseBody(req.body);
  if (!isRecord(body) || !Array.isArray(body.queries) || body.queries.some((q) => typeof q !== 'string')) return jiraError(400, 'The request body must be {"queries": ["…"]}.');
  if (body.queries.length > MAX_PARSE_QUERIES) return jiraError(400, `At most ${MAX_PARSE_QUERIES} queries can be parsed in one request.`);
  const now = api.dir.now();
  const queries = (body.queries as string[]).map((query) => {
    const parsed = parseJql(query);
    if (!parsed.ok) return { query, errors: [parsed.error] };
    const structure = jqlStructure(parsed.query);
    if (validation === 'none') return { query, structure };
    const compiled = compileQuery(parsed.query, { site: api.jira, who: req.who, now, users: api.dir.fixture.users });
    if (compiled.ok) return { query, structure };
    return validation === 'warn' ? { query, structure, errors: compiled.errors } : { query, errors: compiled.errors };
  });
  return ok({ queries }, queries.length);
}
