/**
 * Who may subscribe to a feed, and which of its events each subscriber gets. Checked against Jira on
 * every fetch — membership now, browse permission now — so a person removed from a role, a group or a
 * project stops getting events on their next fetch, whatever their calendar app cached before.
 */
import type { FeedRow } from './events';
import type { AccessRule, FeedDefinition } from './model';
import type { JiraFailure, JiraPort } from './ports';

/** Jira's limits for one POST /rest/api/3/permissions/check: 1,000 projects and 1,000 issues. */
export const PERMISSION_CHECK_MAX = 1000;

export interface Subscriber {
  accountId: string;
  /** Admitted by the feed's rule (for `browse`: may browse at least one of its projects). */
  admitted: boolean;
  /** Why not, in words the feed page and the calendar can show. */
  reason?: string;
  /** Project ids the subscriber may browse. */
  projects: Set<string>;
  /** Secured issue ids (with a security level) the subscriber may browse. */
  secured: Set<string>;
  /** For a `roles` feed: the project ids where the subscriber holds one of the roles. */
  roleProjects?: Set<string>;
}

export interface CheckCost {
  requests: number;
  points: number;
}

/** A subscriber's admission and browse rights now, asked as them (and, for roles, as the feed's owner). */
export async function checkSubscriber(
  jira: JiraPort,
  def: Pick<FeedDefinition, 'access' | 'ownerAccountId'>,
  feed: { projects: Array<{ id: string; key: string }>; secured: string[] },
  accountId: string,
  cost: CheckCost,
): Promise<{ ok: true; value: Subscriber } | { ok: false; failure: JiraFailure }> {
  const sub: Subscriber = { accountId, admitted: true, projects: new Set(), secured: new Set() };
  const rule = def.access;
  let groups: Array<{ groupId: string; name: string }> | undefined;
  const myGroups = async () => {
    if (groups) return { ok: true as const, value: groups };
    const g = await jira.groupsOf(accountId);
    cost.requests++;
    if (!g.ok) return g;
    cost.points += 1 + g.value.length;
    groups = g.value;
    return { ok: true as const, value: groups };
  };

  if (rule.kind === 'groups') {
    const g = await myGroups();
    if (!g.ok) return g;
    const member = rule.groups.some((want) => g.value.some((have) => have.groupId === want.groupId || have.name === want.name));
    if (!member) return { ok: true, value: { ...sub, admitted: false, reason: `Only members of ${rule.groups.map((x) => x.name).join(', ')} get this feed.` } };
  }
  if (rule.kind === 'roles') {
    const roleProjects = new Set<string>();
    for (const p of feed.projects) {
      for (const role of rule.roles) {
        const actors = await jira.roleActors(def.ownerAccountId, p.key, role.id);
        cost.requests++;
        if (!actors.ok) return actors;
        cost.points += 1 + actors.value.accountIds.length + actors.value.groups.length;
        let holds = actors.value.accountIds.includes(accountId);
        if (!holds && actors.value.groups.length) {
          const g = await myGroups();
          if (!g.ok) return g;
          holds = actors.value.groups.some((want) => g.value.some((have) => (want.groupId !== undefined && have.groupId === want.groupId) || have.name === want.name));
        }
        if (holds) {
          roleProjects.add(p.id);
          break;
        }
      }
    }
    sub.roleProjects = roleProjects;
    if (feed.projects.length && roleProjects.size === 0) return { ok: true, value: { ...sub, admitted: false, reason: `Only people in the project role ${rule.roles.map((r) => r.name).join(' or ')} get this feed.` } };
  }

  // Browse permission, as the subscriber themself: projects, then issues with a security level.
  const projectIds = feed.projects.map((p) => p.id);
  const issueIds = feed.secured;
  for (let i = 0, j = 0; i < projectIds.length || j < issueIds.length || (i === 0 && j === 0); ) {
    const projects = projectIds.slice(i, i + PERMISSION_CHECK_MAX);
    const issues = issueIds.slice(j, j + PERMISSION_CHECK_MAX);
    if (!projects.length && !issues.length) break;
    const r = await jira.browsable(accountId, { projects, issues });
    cost.requests++;
    if (!r.ok) return r;
    cost.points += 1 + r.value.projects.length + r.value.issues.length;
    for (const p of r.value.projects) sub.projects.add(p);
    for (const x of r.value.issues) sub.secured.add(x);
    i += projects.length;
    j += issues.length;
  }
  if (rule.kind === 'browse' && feed.projects.length && sub.projects.size === 0) return { ok: true, value: { ...sub, admitted: false, reason: 'You may not browse the projects this feed shows.' } };
  return { ok: true, value: sub };
}

/** The rows one subscriber gets: browsable now, and passing the feed's rule issue by issue. */
export function visibleRows(rows: Iterable<FeedRow>, rule: AccessRule, sub: Subscriber): FeedRow[] {
  if (!sub.admitted) return [];
  const out: FeedRow[] = [];
  for (const r of rows) {
    if (!sub.projects.has(r.projectId)) continue;
    if (r.security !== undefined && !sub.secured.has(r.id)) continue;
    if (rule.kind === 'roles' && !sub.roleProjects?.has(r.projectId)) continue;
    if (rule.kind === 'userField' && !r.people?.includes(sub.accountId)) continue;
    out.push(r);
  }
  return out;
}

/** What decides a subscriber's view besides the cache version: part of their ETag. */
export function subscriberFingerprint(rule: AccessRule, sub: Subscriber): string {
  const sorted = (s: Set<string> | undefined) => [...(s ?? [])].sort().join(',');
  return [sub.admitted ? 'in' : 'out', sorted(sub.projects), sorted(sub.secured), rule.kind === 'roles' ? sorted(sub.roleProjects) : '', rule.kind === 'userField' ? sub.accountId : ''].join('|');
}
