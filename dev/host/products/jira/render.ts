import { isoDay, jiraDateTime } from '../dates';
import { ISSUE_TYPE, RESOLUTION_DONE, priorityById, statusById, type CustomField, type Issue } from './model';

/** What rendering needs from the site: its URL, how users look to this caller, the project and custom fields. */
export interface RenderContext {
  siteUrl: string;
  user(accountId: string | null): Record<string, unknown> | null;
  project(key: string): { id: string; key: string; name: string; securityLevels: Array<{ id: string; name: string; description: string }> } | undefined;
  customFields: CustomField[];
}

/** Jira REST v3 answers rich text as Atlassian Document Format. */
export const adf = (text: string) => ({ type: 'doc', version: 1, content: text ? text.split(/\n{2,}/).map((p) => ({ type: 'paragraph', content: [{ type: 'text', text: p }] })) : [] });

export function statusJson(siteUrl: string, statusId: string) {
  const s = statusById(statusId);
  return {
    self: `${siteUrl}/rest/api/3/status/${s.id}`,
    description: '',
    iconUrl: `${siteUrl}/`,
    name: s.name,
    id: s.id,
    statusCategory: { self: `${siteUrl}/rest/api/3/statuscategory/${s.category.id}`, id: s.category.id, key: s.category.key, colorName: s.category.colorName, name: s.category.name },
  };
}

export function projectJson(siteUrl: string, p: { id: string; key: string; name: string }) {
  return {
    self: `${siteUrl}/rest/api/3/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: 'software',
    simplified: true,
    avatarUrls: { '48x48': `${siteUrl}/rest/api/3/universal_avatar/view/type/project/avatar/10400` },
  };
}

/** Every field of an issue, by field id, as GET /rest/api/3/issue returns them. */
export function allFields(ctx: RenderContext, issue: Issue): Record<string, unknown> {
  const project = ctx.project(issue.projectKey);
  const level = issue.securityLevelId ? project?.securityLevels.find((l) => l.id === issue.securityLevelId) : undefined;
  const priority = priorityById(issue.priorityId);
  const fields: Record<string, unknown> = {
    summary: issue.summary,
    description: issue.description ? adf(issue.description) : null,
    status: statusJson(ctx.siteUrl, issue.statusId),
    priority: { self: `${ctx.siteUrl}/rest/api/3/priority/${priority.id}`, iconUrl: `${ctx.siteUrl}/images/icons/priorities/${priority.name.toLowerCase()}.svg`, name: priority.name, id: priority.id },
    assignee: ctx.user(issue.assignee),
    reporter: ctx.user(issue.reporter),
    creator: ctx.user(issue.reporter),
    created: jiraDateTime(issue.created),
    updated: jiraDateTime(issue.updated),
    duedate: issue.duedate === null ? null : isoDay(issue.duedate),
    resolutiondate: issue.resolutiondate === null ? null : jiraDateTime(issue.resolutiondate),
    resolution: issue.resolutiondate === null ? null : { self: `${ctx.siteUrl}/rest/api/3/resolution/${RESOLUTION_DONE.id}`, ...RESOLUTION_DONE },
    labels: [...issue.labels],
    project: project ? projectJson(ctx.siteUrl, project) : null,
    issuetype: { self: `${ctx.siteUrl}/rest/api/3/issuetype/${ISSUE_TYPE.id}`, ...ISSUE_TYPE, iconUrl: `${ctx.siteUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318` },
    security: level ? { self: `${ctx.siteUrl}/rest/api/3/securitylevel/${level.id}`, id: level.id, description: level.description, name: level.name } : null,
  };
  for (const cf of ctx.customFields) {
    const v = issue.custom[cf.id] ?? null;
    fields[cf.id] = v === null ? null : cf.type === 'date' ? isoDay(v) : jiraDateTime(v);
  }
  return fields;
}

/**
 * Applies a `fields` list the way Jira reads it: ids, `*all`, `*navigable`, `-id` to leave one out.
 * Unknown ids are left out silently, as Jira does. `fallback` is the endpoint's default.
 */
export function selectFields(requested: string[], fallback: string[]): { ids: Set<string> | 'all'; exclude: Set<string> } {
  const list = requested.flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
  const effective = list.length ? list : fallback;
  const exclude = new Set(effective.filter((f) => f.startsWith('-')).map((f) => f.slice(1)));
  const include = effective.filter((f) => !f.startsWith('-'));
  if (include.includes('*all') || include.includes('*navigable') || include.length === 0) return { ids: 'all', exclude };
  return { ids: new Set(include), exclude };
}

export function pickFields(all: Record<string, unknown>, sel: ReturnType<typeof selectFields>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (sel.exclude.has(k)) continue;
    if (sel.ids === 'all' || sel.ids.has(k)) out[k] = v;
  }
  return out;
}
