import { ISSUE_NOT_FOUND, jiraError, json, ok, parseBody, type Handled } from '../http';
import { listParam, type JiraApi, type JiraRequest } from './api';
import { TRANSITIONS, type Issue } from './model';
import { issuePermission } from './permissions';
import { allFields, pickFields, selectFields, statusJson } from './render';

/** "The maximum length is 255 characters" (property key); "The maximum length is 32768 characters" (value). */
export const MAX_PROPERTY_KEY = 255;
export const MAX_PROPERTY_VALUE = 32_768;

const ISSUE_PATH = /^\/rest\/api\/3\/issue\/([^/]+)(\/.*)?$/;

function issueJson(api: JiraApi, i: Issue, req: JiraRequest) {
  const fields = pickFields(allFields(api.render, i), selectFields(listParam(req.url, 'fields'), ['*all']));
  const wanted = listParam(req.url, 'properties');
  const all = wanted.includes('*all');
  const properties = wanted.length ? { properties: Object.fromEntries([...i.properties.entries()].filter(([k]) => (all || wanted.includes(k)) && !wanted.includes(`-${k}`)).map(([k, v]) => [k, v.value])) } : {};
  return { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: i.id, self: `${api.siteUrl}/rest/api/3/issue/${i.id}`, key: i.key, fields, ...properties };
}

function transitionsJson(api: JiraApi, i: Issue) {
  return TRANSITIONS.filter((t) => t.to !== i.statusId).map((t) => ({ id: t.id, name: t.name, to: statusJson(api.siteUrl, t.to), hasScreen: false, isGlobal: true, isInitial: false, isAvailable: true, isConditional: false, isLooped: false }));
}

/**
 * One issue: GET it, its entity properties, its transitions. Whoever may not browse the issue
 * (project permission or security level) gets 404 with Jira's words, never a hint that it exists.
 */
export function issueRoutes(api: JiraApi, req: JiraRequest): Handled | undefined {
  const m = ISSUE_PATH.exec(req.url.pathname);
  if (!m) return undefined;
  const rest = m[2] ?? '';
  const { who, method } = req;
  const known = rest === '' || rest === '/transitions' || rest === '/properties' || /^\/properties\/[^/]+$/.test(rest);
  if (!known) return undefined;
  const issue = api.jira.issue(decodeURIComponent(m[1] as string));
  if (!issue || !api.jira.visible(who, issue)) return jiraError(404, ISSUE_NOT_FOUND);
  const project = api.jira.projectOf(issue);

  if (rest === '') {
    if (method !== 'GET') return undefined;
    return ok(issueJson(api, issue, req), 1);
  }

  if (rest === '/transitions') {
    if (method === 'GET') {
      // Without Transition Issues the list is empty: Jira offers no transition rather than refusing.
      const all = issuePermission(who, project, issue, 'TRANSITION_ISSUES') ? transitionsJson(api, issue) : [];
      const only = req.url.searchParams.get('transitionId');
      const transitions = only ? all.filter((t) => t.id === only) : all;
      return ok({ expand: 'transitions', transitions }, transitions.length);
    }
    if (method !== 'POST') return undefined;
    const body = parseBody(req.body) as { transition?: { id?: unknown } } | undefined;
    const raw = body?.transition?.id;
    if (raw === undefined || raw === null) return { ...jiraError(400, "Missing 'transition' identifier"), write: true };
    const id = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
    if (!/^\d+$/.test(id)) return { ...jiraError(400, "'transition' identifier must be an integer"), write: true };
    const available = issuePermission(who, project, issue, 'TRANSITION_ISSUES') && TRANSITIONS.some((t) => t.id === id && t.to !== issue.statusId);
    if (!available) return { ...jiraError(400, `Transition id '${id}' is not valid for this issue.`), write: true };
    const done = api.jira.transition(who, issue, id);
    if ('error' in done) return { ...jiraError(400, done.error), write: true };
    return { res: json(204, null), write: true };
  }

  if (rest === '/properties') {
    if (method !== 'GET') return undefined;
    const keys = [...issue.properties.keys()].map((key) => ({ self: `${api.siteUrl}/rest/api/3/issue/${issue.id}/properties/${encodeURIComponent(key)}`, key }));
    return ok({ keys }, keys.length);
  }

  const key = decodeURIComponent(rest.slice('/properties/'.length));
  if (method === 'GET') {
    const p = issue.properties.get(key);
    return p ? ok({ key, value: p.value }, 1) : jiraError(404, `The property with key '${key}' does not exist.`);
  }
  if (method !== 'PUT' && method !== 'DELETE') return undefined;
  // "Permissions required: Browse projects and Edit issues project permissions for the project containing the issue."
  if (!issuePermission(who, project, issue, 'EDIT_ISSUES')) return { ...jiraError(403, 'You do not have permission to edit this issue.'), write: true };
  if (method === 'DELETE') {
    if (!api.jira.deleteProperty(issue, key)) return { ...jiraError(404, `The property with key '${key}' does not exist.`), write: true };
    return { res: json(204, null), write: true };
  }
  if (!key || key.length > MAX_PROPERTY_KEY) return { ...jiraError(400, `The property key must be between 1 and ${MAX_PROPERTY_KEY} characters long.`), write: true };
  const raw = req.body ?? '';
  const value = parseBody(raw);
  if (value === undefined) return { ...jiraError(400, 'The property value must be a valid, non-empty JSON blob.'), write: true };
  const length = JSON.stringify(value).length;
  if (length > MAX_PROPERTY_VALUE) return { ...jiraError(400, `The property value is ${length} characters long; the maximum length is ${MAX_PROPERTY_VALUE} characters.`), write: true };
  const { created } = api.jira.setProperty(issue, key, value, length);
  return { res: new Response(null, { status: created ? 201 : 200 }), write: true };
}

