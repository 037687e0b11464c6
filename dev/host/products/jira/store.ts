import { fixtureInstant, startOfUtcDay } from '../dates';
import type { AtlassianUser, Directory, Grant, IssueFixture, ProjectFixture } from '../tenant';
import { entityPropertyIndex, type EntityPropertyIndex } from './entity-properties';
import { PRIORITIES, STATUSES, TRANSITIONS, priorityById, statusById, type CustomField, type Issue } from './model';
import { ADDONS_ROLE, APP_ACCOUNT_ID, browseDependsOnIssue, canBrowse, type PermissionProject, type ProjectRoleActors, type ResolvedGrant, type Who } from './permissions';

export interface JiraProject extends PermissionProject {
  name: string;
  /** In creation order; searches walk these, never the whole site. */
  issues: Issue[];
  nextNum: number;
  browseDependsOnIssue: boolean;
}

export interface ChangeItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export type IssueEventType = 'avi:jira:created:issue' | 'avi:jira:updated:issue';

/** A change to an issue, in the shape Forge's product events carry (see products/README.md). */
export interface IssueEvent {
  seq: number;
  type: IssueEventType;
  eventType: IssueEventType;
  timestamp: string;
  atlassianId: string | null;
  issue: { id: string; key: string; fields: Record<string, unknown> };
  changelog?: { id: string; items: ChangeItem[] };
}

export type IssueEventListener = (e: IssueEvent) => void;

const MAX_SUMMARY = 255;
const EVENT_LOG = 1000;
const DEFAULT_ROLES = [
  { id: '10002', name: 'Administrators', description: 'A project role that represents administrators in a project' },
  { id: '10001', name: 'Developers', description: 'A project role that represents developers in a project' },
  { id: '10000', name: 'Users', description: 'A project role that represents users in a project' },
];

/** Field values as the control API and the fixture give them: user keys or account ids, names or ids, `now±Nd` dates. */
export type FieldInput = Record<string, unknown>;

const actorId = (who: Who) => (who.kind === 'user' ? who.user.accountId : who.kind === 'app' ? APP_ACCOUNT_ID : null);

/**
 * The Jira side of the site: projects with their roles, permission schemes and security levels,
 * issues (indexed by id, by key and per project), entity properties, and the change events.
 * Everything lives in memory; `reset` goes back to the fixture.
 */
export function jiraSite(dir: Directory, index: EntityPropertyIndex = entityPropertyIndex([])) {
  const fx = dir.fixture.jira;
  const customFields: CustomField[] = (fx.fields ?? []).map((f) => ({ id: f.id, name: f.name, type: f.type }));
  const roleDefs = [...(fx.roles ?? DEFAULT_ROLES).map((r) => ({ id: r.id, name: r.name, description: r.description ?? '' })), ADDONS_ROLE];
  let projects = new Map<string, JiraProject>();
  let byId = new Map<string, Issue>();
  let byKey = new Map<string, Issue>();
  let nextId = 1;
  let version = 0;
  let events: IssueEvent[] = [];
  let seq = 0;
  const listeners = new Set<IssueEventListener>();
  const settings = { appMayCheckOtherUsers: false };

  const findUser = (ref: string): AtlassianUser | undefined => dir.userByKey(ref) ?? dir.userById(ref);
  const resolveGrant = (g: Grant, where: string): ResolvedGrant => {
    if (g.type !== 'user') return g;
    const u = findUser(g.user);
    if (!u) throw new Error(`${where}: no user '${g.user}'`);
    return { type: 'user', accountId: u.accountId };
  };

  function buildProject(p: ProjectFixture): JiraProject {
    const schemeFx = (fx.permissionSchemes ?? {})[p.permissionScheme ?? ''] ?? {};
    const scheme = Object.fromEntries(Object.entries(schemeFx).map(([perm, grants]) => [perm, grants.map((g) => resolveGrant(g, `project ${p.key} ${perm}`))]));
    const roles = new Map<string, ProjectRoleActors>();
    for (const r of roleDefs) roles.set(r.name, { users: new Set(), groups: new Set(), app: r.name === ADDONS_ROLE.name });
    for (const [name, actors] of Object.entries(p.roles ?? {})) {
      const role = roles.get(name);
      if (!role) throw new Error(`project ${p.key}: no project role '${name}'`);
      for (const u of actors.users ?? []) {
        const user = findUser(u);
        if (!user) throw new Error(`project ${p.key} role ${name}: no user '${u}'`);
        role.users.add(user.accountId);
      }
      for (const g of actors.groups ?? []) role.groups.add(g);
    }
    const project: JiraProject = {
      key: p.key,
      id: p.id,
      name: p.name,
      lead: p.lead ? (findUser(p.lead)?.accountId ?? null) : null,
      scheme,
      roles,
      securityLevels: (p.securityLevels ?? []).map((l) => ({ id: l.id, name: l.name, description: l.description ?? '', members: l.members.map((g) => resolveGrant(g, `security level ${l.name}`)) })),
      issues: [],
      nextNum: 1,
      browseDependsOnIssue: false,
    };
    project.browseDependsOnIssue = browseDependsOnIssue(project);
    return project;
  }

  const userRef = (v: unknown, field: string): string | null | { error: string } => {
    if (v === null || v === undefined || v === '') return null;
    const inner = typeof v === 'object' && 'accountId' in v ? v.accountId : undefined;
    const ref = typeof v === 'string' ? v : typeof inner === 'string' ? inner : undefined;
    const u = ref === undefined ? undefined : findUser(ref);
    return u ? u.accountId : { error: `The user '${ref ?? JSON.stringify(v)}' for the field '${field}' does not exist.` };
  };
  const nameOrId = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (typeof v !== 'object' || v === null) return undefined;
    const named = 'name' in v ? v.name : 'id' in v ? v.id : undefined;
    return typeof named === 'string' ? named : undefined;
  };
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v));
  const instant = (v: unknown, field: string): number | null | { error: string } => {
    if (v === null || v === undefined || v === '') return null;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    try {
      return fixtureInstant(text(v), dir.now());
    } catch {
      return { error: `The value '${text(v)}' for the field '${field}' is not a date.` };
    }
  };

  /** Applies field values to an issue; collects what changed. Returns an error message for a bad value. */
  function applyFields(issue: Issue, project: JiraProject, fields: FieldInput, changes: ChangeItem[]): string | undefined {
    const change = (field: string, fieldId: string, from: unknown, to: unknown, fieldtype: 'jira' | 'custom' = 'jira') => {
      const s = (v: unknown) => (v === null || v === undefined ? null : Array.isArray(v) ? v.map(text).join(' ') : text(v));
      if (s(from) !== s(to)) changes.push({ field, fieldtype, fieldId, from: s(from), fromString: s(from), to: s(to), toString: s(to) });
    };
    for (const [name, value] of Object.entries(fields)) {
      switch (name) {
        case 'summary': {
          if (typeof value !== 'string' || !value.trim()) return 'You must specify a summary of the issue.';
          if (value.length > MAX_SUMMARY) return `Summary must be less than ${MAX_SUMMARY} characters.`;
          change('summary', 'summary', issue.summary, value);
          issue.summary = value;
          break;
        }
        case 'description': {
          const text = value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
          change('description', 'description', issue.description, text);
          issue.description = text;
          break;
        }
        case 'priority': {
          const ref = nameOrId(value);
          const p = PRIORITIES.find((x) => x.id === ref || x.name.toLowerCase() === ref?.toLowerCase());
          if (!p) return `The priority '${String(ref)}' does not exist.`;
          change('priority', 'priority', priorityById(issue.priorityId).name, p.name);
          issue.priorityId = p.id;
          break;
        }
        case 'assignee':
        case 'reporter': {
          const r = userRef(value, name);
          if (r !== null && typeof r === 'object') return r.error;
          change(name, name, issue[name], r);
          issue[name] = r;
          break;
        }
        case 'duedate':
        case 'created':
        case 'updated':
        case 'resolutiondate': {
          const t = instant(value, name);
          if (t !== null && typeof t === 'object') return t.error;
          if ((name === 'created' || name === 'updated') && t === null) return `The field '${name}' cannot be empty.`;
          const v = name === 'duedate' && t !== null ? startOfUtcDay(t) : t;
          change(name, name, issue[name], v);
          (issue as unknown as Record<string, number | null>)[name] = v;
          break;
        }
        case 'labels': {
          if (!Array.isArray(value) || value.some((l) => typeof l !== 'string')) return 'The field \'labels\' takes a list of labels.';
          const bad = (value as string[]).find((l) => /\s/.test(l) || !l);
          if (bad !== undefined) return `The label '${bad}' contains spaces which is invalid.`;
          change('labels', 'labels', issue.labels, value);
          issue.labels = [...(value as string[])];
          break;
        }
        case 'security':
        case 'securityLevel': {
          if (value === null) {
            change('security', 'security', issue.securityLevelId, null);
            issue.securityLevelId = null;
            break;
          }
          const ref = nameOrId(value);
          const level = project.securityLevels.find((l) => l.id === ref || l.name === ref);
          if (!level) return `The security level '${String(ref)}' does not exist in project ${project.key}.`;
          change('security', 'security', issue.securityLevelId, level.id);
          issue.securityLevelId = level.id;
          break;
        }
        default: {
          const cf = customFields.find((f) => f.id === name);
          if (!cf) return `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`;
          const t = instant(value, cf.name);
          if (t !== null && typeof t === 'object') return t.error;
          const v = cf.type === 'date' && t !== null ? startOfUtcDay(t) : t;
          change(cf.name, cf.id, issue.custom[cf.id] ?? null, v, 'custom');
          issue.custom[cf.id] = v;
        }
      }
    }
    return undefined;
  }

  function blankIssue(project: JiraProject, id: string, num: number, at: number): Issue {
    return {
      id,
      key: `${project.key}-${num}`,
      num,
      projectKey: project.key,
      summary: '',
      description: '',
      statusId: STATUSES[0]!.id,
      priorityId: '3',
      assignee: null,
      reporter: null,
      created: at,
      updated: at,
      duedate: null,
      resolutiondate: null,
      labels: [],
      securityLevelId: null,
      custom: {},
      properties: new Map(),
    };
  }

  function add(project: JiraProject, issue: Issue) {
    project.issues.push(issue);
    project.nextNum = Math.max(project.nextNum, issue.num + 1);
    byId.set(issue.id, issue);
    byKey.set(issue.key, issue);
    nextId = Math.max(nextId, Number(issue.id) + 1);
  }

  function statusFor(name: string | undefined) {
    if (name === undefined) return STATUSES[0]!;
    const s = STATUSES.find((x) => x.name.toLowerCase() === name.toLowerCase() || x.id === name);
    if (!s) throw new Error(`Fixture status '${name}' is not one of ${STATUSES.map((x) => x.name).join(', ')}`);
    return s;
  }

  function load() {
    projects = new Map(fx.projects.map((p) => [p.key, buildProject(p)]));
    byId = new Map();
    byKey = new Map();
    nextId = 1;
    events = [];
    seq = 0;
    const now = dir.now();
    for (const f of fx.issues) loadIssue(f, now);
    version++;
  }

  function loadIssue(f: IssueFixture, now: number) {
    const project = projects.get(f.projectKey);
    if (!project) throw new Error(`Fixture issue ${f.key}: no project ${f.projectKey}`);
    const num = Number(f.key.slice(f.projectKey.length + 1));
    const issue = blankIssue(project, f.id, num, now);
    const { id: _id, key: _key, projectKey: _p, status, securityLevel, ...rest } = f;
    const fields: FieldInput = { ...rest, ...(securityLevel ? { security: securityLevel } : {}) };
    const error = applyFields(issue, project, fields, []);
    if (error) throw new Error(`Fixture issue ${f.key}: ${error}`);
    issue.statusId = statusFor(status).id;
    if (statusById(issue.statusId).category.key === 'done' && issue.resolutiondate === null) issue.resolutiondate = issue.updated;
    add(project, issue);
  }

  function emit(type: IssueEventType, who: Who, issue: Issue, items?: ChangeItem[]) {
    const event: IssueEvent = {
      seq: ++seq,
      type,
      eventType: type,
      timestamp: new Date(dir.now()).toISOString(),
      atlassianId: actorId(who),
      issue: {
        id: issue.id,
        key: issue.key,
        fields: { summary: issue.summary, status: { id: issue.statusId, name: statusById(issue.statusId).name }, project: { id: projects.get(issue.projectKey)?.id, key: issue.projectKey }, assignee: issue.assignee ? { accountId: issue.assignee } : null, updated: issue.updated },
      },
      ...(items ? { changelog: { id: String(seq), items } } : {}),
    };
    events.push(event);
    if (events.length > EVENT_LOG) events = events.slice(-EVENT_LOG);
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is the listener's business; the change has happened.
      }
    }
  }

  load();

  const issue = (keyOrId: string): Issue | undefined => byId.get(keyOrId) ?? byKey.get(keyOrId.toUpperCase());
  const project = (keyOrId: string): JiraProject | undefined => projects.get(keyOrId.toUpperCase()) ?? [...projects.values()].find((p) => p.id === keyOrId);
  const projectOf = (i: Issue) => projects.get(i.projectKey) as JiraProject;

  return {
    customFields,
    roleDefs,
    settings,
    index,
    /** Bumped by every change: search caches key on it. */
    get version() {
      return version;
    },
    issue,
    project,
    projectOf,
    /** Whether the caller may see the issue: Browse Projects for it, and its security level. */
    visible: (who: Who, i: Issue) => canBrowse(who, projectOf(i), i),
    projects: () => [...projects.values()],
    issueCount: () => byId.size,
    findUser,

    create(who: Who, projectKey: string, fields: FieldInput): Issue | { error: string } {
      const p = project(projectKey);
      if (!p) return { error: `Specify a valid project ID or key` };
      const at = dir.now();
      const i = blankIssue(p, String(nextId), p.nextNum, at);
      if (who.kind === 'user') i.reporter = who.user.accountId;
      const error = applyFields(i, p, { ...fields }, []);
      if (error) return { error };
      if (!i.summary) return { error: 'You must specify a summary of the issue.' };
      add(p, i);
      version++;
      emit('avi:jira:created:issue', who, i);
      return i;
    },

    update(who: Who, i: Issue, fields: FieldInput): { changes: ChangeItem[] } | { error: string } {
      const copy: Issue = { ...i, labels: [...i.labels], custom: { ...i.custom } };
      const changes: ChangeItem[] = [];
      const error = applyFields(copy, projectOf(i), fields, changes);
      if (error) return { error };
      Object.assign(i, copy, { updated: 'updated' in fields ? copy.updated : dir.now() });
      version++;
      if (changes.length) emit('avi:jira:updated:issue', who, i, changes);
      return { changes };
    },

    /** Moves an issue to a status through the workflow's transition (global transitions: any status to any other). */
    transition(who: Who, i: Issue, transitionId: string): { error: string } | { changes: ChangeItem[] } {
      const t = TRANSITIONS.find((x) => x.id === transitionId);
      if (!t || t.to === i.statusId) return { error: `Transition id '${transitionId}' is not valid for this issue.` };
      const from = statusById(i.statusId);
      const to = statusById(t.to);
      const changes: ChangeItem[] = [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: from.id, fromString: from.name, to: to.id, toString: to.name }];
      const at = dir.now();
      if (to.category.key === 'done' && from.category.key !== 'done') {
        changes.push({ field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: null, fromString: null, to: '10000', toString: 'Done' });
        i.resolutiondate = at;
      } else if (to.category.key !== 'done' && i.resolutiondate !== null) {
        changes.push({ field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: '10000', fromString: 'Done', to: null, toString: null });
        i.resolutiondate = null;
      }
      i.statusId = to.id;
      i.updated = at;
      version++;
      emit('avi:jira:updated:issue', who, i, changes);
      return { changes };
    },

    setProperty(i: Issue, key: string, value: unknown, length: number): { created: boolean } {
      const created = !i.properties.has(key);
      i.properties.set(key, { value, length });
      version++;
      return { created };
    },
    deleteProperty(i: Issue, key: string): boolean {
      const had = i.properties.delete(key);
      if (had) version++;
      return had;
    },

    /** Adds or removes a role actor: a user (key or account id), a group, or `app` for the add-ons role. */
    changeRole(projectKey: string, roleName: string, op: 'add' | 'remove', actor: { user?: string; group?: string }): string | undefined {
      const p = project(projectKey);
      if (!p) return `No project could be found with key '${projectKey}'.`;
      const def = roleDefs.find((r) => r.name === roleName || r.id === roleName);
      const role = def && p.roles.get(def.name);
      if (!role) return `No project role '${roleName}'.`;
      if (actor.user === 'app') role.app = op === 'add';
      else if (actor.user) {
        const u = findUser(actor.user);
        if (!u) return `No user '${actor.user}'.`;
        if (op === 'add') role.users.add(u.accountId);
        else role.users.delete(u.accountId);
      } else if (actor.group) {
        if (op === 'add') role.groups.add(actor.group);
        else role.groups.delete(actor.group);
      } else return 'Say which user or group.';
      version++;
      return undefined;
    },

    /**
     * Synthetic issues for load tests, made in one pass without events: deterministic for a seed,
     * spread over the last year (created), the coming months (due), statuses, priorities, assignees.
     */
    bulk(projectKey: string, count: number, seed = 1): { first: Issue; last: Issue } | { error: string } {
      const p = project(projectKey);
      if (!p) return { error: `No project could be found with key '${projectKey}'.` };
      let state = seed >>> 0 || 1;
      const rand = () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 4294967296;
      };
      const people = [...new Set([...(p.roles.get('Developers')?.users ?? []), ...(p.roles.get('Administrators')?.users ?? [])])];
      const labels = ['alpha', 'beta', 'customer', 'ops', 'release'];
      const now = dir.now();
      const day = 86_400_000;
      let first: Issue | undefined;
      let last: Issue | undefined;
      for (let n = 0; n < count; n++) {
        const created = now - Math.floor(rand() * 365 * day);
        const i = blankIssue(p, String(nextId), p.nextNum, created);
        i.summary = `Synthetic issue ${i.num} for load tests`;
        i.updated = Math.min(now, created + Math.floor(rand() * 30 * day));
        const r = rand();
        i.statusId = r < 0.6 ? '10000' : r < 0.85 ? '3' : '10001';
        if (i.statusId === '10001') i.resolutiondate = i.updated;
        i.priorityId = String(1 + Math.floor(rand() * 5));
        i.assignee = rand() < 0.8 && people.length ? (people[Math.floor(rand() * people.length)] ?? null) : null;
        i.reporter = people[0] ?? null;
        if (rand() < 0.8) i.duedate = startOfUtcDay(now + Math.floor((rand() * 360 - 90) * day));
        if (rand() < 0.5) i.custom.customfield_10015 = startOfUtcDay(created + Math.floor(rand() * 10) * day);
        if (rand() < 0.3) i.labels = [labels[Math.floor(rand() * labels.length)] as string];
        add(p, i);
        first ??= i;
        last = i;
      }
      version++;
      if (!first || !last) return { error: 'count must be at least 1' };
      return { first, last };
    },

    onIssueEvent(listener: IssueEventListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    events: (since = 0) => events.filter((e) => e.seq > since),

    reset() {
      settings.appMayCheckOtherUsers = false;
      load();
    },
  };
}

export type JiraSite = ReturnType<typeof jiraSite>;
