/**
 * A calendar feed as its owner defines it: which issues (JQL inside a bounded date window), which
 * date(s) make the event, how the event reads, and who may subscribe. Input from a browser is
 * validated strictly (anything unknown or malformed refuses the save); stored definitions are read
 * tolerantly (a damaged one is reported, never served).
 */
import { isRecord, own } from '../guards';
import { fail, ok, type Result } from '../result';

/** A Jira field that holds a date (`date`) or a date and time (`datetime`). */
export interface DateField {
  id: string;
  type: 'date' | 'datetime';
}

export type DateSpec = { kind: 'single'; field: DateField } | { kind: 'range'; start: DateField; end: DateField };

export type UserFieldId = 'assignee' | 'reporter' | `customfield_${string}`;

/**
 * Who is admitted: everyone who may browse the issues, members of any of the groups, holders of any
 * of the project roles (each event only from projects where they hold one), or the people named in a
 * user field of each issue (each subscriber gets only their own issues). Browsing is always checked
 * on top, per issue, for the subscriber.
 */
export type AccessRule =
  | { kind: 'browse' }
  | { kind: 'groups'; groups: Array<{ groupId: string; name: string }> }
  | { kind: 'roles'; roles: Array<{ id: string; name: string }> }
  | { kind: 'userField'; field: UserFieldId };

/** What the description holds besides nothing: the link is the default and the minimum. */
export type DescriptionPart = 'link' | 'status' | 'assignee' | 'priority' | 'type';
export const DESCRIPTION_PARTS: readonly DescriptionPart[] = ['link', 'status', 'assignee', 'priority', 'type'];

export type Timing = { allDay: true } | { allDay: false; startTime: string; durationMinutes: number };

export interface FeedDefinition {
  id: string;
  name: string;
  ownerAccountId: string;
  /** Set for a feed made on a project's page: its JQL is limited to that project. */
  projectKey?: string;
  jql: string;
  window: { pastMonths: number; futureMonths: number };
  dates: DateSpec;
  timing: Timing;
  /** IANA time zone the all-day dates and local start times are read in. */
  timeZone: string;
  summaryTemplate: string;
  description: DescriptionPart[];
  access: AccessRule;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every change that alters which issues or events the feed holds. */
  version: number;
}

/** What the owner sends when creating or changing a feed. */
export type FeedInput = Pick<FeedDefinition, 'name' | 'jql' | 'window' | 'dates' | 'timing' | 'timeZone' | 'summaryTemplate' | 'description' | 'access'>;

export const DEFAULT_TEMPLATE = '{key} {summary}';
export const TEMPLATE_FIELDS = ['key', 'summary', 'status', 'assignee', 'priority', 'type', 'project'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** Jira's role for apps: its members are apps, never people, so it is no audience for a feed. */
export const APPS_ROLE = 'atlassian-addons-project-access';

/** The project roles a feed may be opened to: Jira's, without the apps' role. */
export const audienceRoles = <R extends { name: string }>(roles: readonly R[]): R[] => roles.filter((r) => r.name !== APPS_ROLE);

export const LIMITS = { name: 80, jql: 2000, template: 200, pastMonths: 24, futureMonths: 36, groups: 20, roles: 20, durationMinutes: 24 * 60 } as const;

export const defaultFeedInput = (): FeedInput => ({
  name: '',
  jql: '',
  window: { pastMonths: 3, futureMonths: 12 },
  dates: { kind: 'single', field: { id: 'duedate', type: 'date' } },
  timing: { allDay: true },
  timeZone: 'UTC',
  summaryTemplate: DEFAULT_TEMPLATE,
  description: ['link'],
  access: { kind: 'browse' },
});

/** The system fields a feed can take dates from, with their JQL names; custom fields are `cf[n]`. */
export const SYSTEM_DATE_FIELDS: Readonly<Record<string, { type: 'date' | 'datetime'; jql: string; label: string }>> = {
  duedate: { type: 'date', jql: 'duedate', label: 'Due date' },
  created: { type: 'datetime', jql: 'created', label: 'Created' },
  updated: { type: 'datetime', jql: 'updated', label: 'Updated' },
  resolutiondate: { type: 'datetime', jql: 'resolved', label: 'Resolved' },
};

const CUSTOM_FIELD = /^customfield_(\d{1,12})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const GROUP_ID = /^[A-Za-z0-9:._-]{1,128}$/;
const ROLE_ID = /^\d{1,12}$/;

export const jqlFieldName = (fieldId: string): string => {
  const system = SYSTEM_DATE_FIELDS[fieldId];
  if (system) return system.jql;
  const m = CUSTOM_FIELD.exec(fieldId);
  if (m) return `cf[${m[1] ?? ''}]`;
  throw new Error(`not a date field: ${fieldId}`);
};

/** Time zones Intl knows (every IANA zone Node and browsers ship). */
export function validTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const bad = (message: string) => fail('BAD_REQUEST', message);

function dateField(v: unknown, what: string): Result<DateField> {
  if (!isRecord(v) || typeof v.id !== 'string') return bad(`Choose the ${what} date field.`);
  const system = SYSTEM_DATE_FIELDS[v.id];
  if (system) return ok({ id: v.id, type: system.type });
  if (!CUSTOM_FIELD.test(v.id)) return bad(`“${v.id.slice(0, 40)}” is not a date field. Use a field id like duedate or customfield_10015.`);
  if (v.type !== 'date' && v.type !== 'datetime') return bad(`Say whether ${v.id} holds a date or a date and time.`);
  return ok({ id: v.id, type: v.type });
}

/** JQL the feed may not contain: its results must not depend on who asks, and it is wrapped in more JQL. */
export function jqlProblem(jql: string): string | undefined {
  if (/\bcurrentuser\s*\(/i.test(jql)) return 'Feeds run for many people, so currentUser() cannot be used. To give each subscriber only their own issues, choose “People named in a user field” under “Who may subscribe”.';
  if (/\border\s+by\b/i.test(jql)) return 'Leave out ORDER BY: events are sorted by date.';
  return undefined;
}

/** Strict: every field must be present and valid; anything else refuses the whole save. */
export function parseFeedInput(raw: unknown): Result<FeedInput> {
  if (!isRecord(raw)) return bad('The feed was not understood.');
  const allowed = new Set(['name', 'jql', 'window', 'dates', 'timing', 'timeZone', 'summaryTemplate', 'description', 'access']);
  const unknown = Object.keys(raw).filter((k) => !allowed.has(k));
  if (unknown.length) return bad(`Unknown feed setting: ${unknown.slice(0, 3).join(', ').slice(0, 80)}.`);

  const name = typeof raw.name === 'string' ? raw.name.trim() : '';
  if (!name || name.length > LIMITS.name || /[\u0000-\u001f\u007f]/.test(name)) return bad(`Give the feed a name of at most ${LIMITS.name} characters.`);

  const jql = typeof raw.jql === 'string' ? raw.jql.trim() : '';
  if (jql.length > LIMITS.jql) return bad(`The JQL may be at most ${LIMITS.jql} characters.`);
  const problem = jqlProblem(jql);
  if (problem) return bad(problem);

  const w = raw.window;
  if (!isRecord(w) || !Number.isInteger(w.pastMonths) || !Number.isInteger(w.futureMonths)) return bad('Choose how many months back and ahead the feed covers.');
  const pastMonths = w.pastMonths as number;
  const futureMonths = w.futureMonths as number;
  if (pastMonths < 0 || pastMonths > LIMITS.pastMonths || futureMonths < 0 || futureMonths > LIMITS.futureMonths || pastMonths + futureMonths === 0) {
    return bad(`The date window is 0–${LIMITS.pastMonths} months back and 0–${LIMITS.futureMonths} months ahead, and not empty.`);
  }

  const d = raw.dates;
  let dates: DateSpec;
  if (isRecord(d) && d.kind === 'single') {
    const f = dateField(d.field, 'event');
    if (!f.ok) return f;
    dates = { kind: 'single', field: f.value };
  } else if (isRecord(d) && d.kind === 'range') {
    const s = dateField(d.start, 'start');
    if (!s.ok) return s;
    const e = dateField(d.end, 'end');
    if (!e.ok) return e;
    if (s.value.id === e.value.id) return bad('The start and end fields must differ.');
    if (s.value.type !== e.value.type) return bad('The start and end fields must both be dates, or both dates with times.');
    dates = { kind: 'range', start: s.value, end: e.value };
  } else return bad('Choose which date makes the event.');

  const t = raw.timing;
  let timing: Timing;
  if (isRecord(t) && t.allDay === true) timing = { allDay: true };
  else if (isRecord(t) && t.allDay === false) {
    const startTime = typeof t.startTime === 'string' ? t.startTime : '';
    if (!TIME.test(startTime)) return bad('Give the start time as HH:MM, e.g. 09:00.');
    const minutes = t.durationMinutes;
    if (!Number.isInteger(minutes) || (minutes as number) < 1 || (minutes as number) > LIMITS.durationMinutes) return bad('The duration is 1 minute to 24 hours.');
    timing = { allDay: false, startTime, durationMinutes: minutes as number };
  } else return bad('Choose all-day or timed events.');

  if (!validTimeZone(raw.timeZone)) return bad('Choose a time zone such as Europe/Berlin.');
  const timeZone = raw.timeZone;

  const summaryTemplate = typeof raw.summaryTemplate === 'string' ? raw.summaryTemplate.trim() : '';
  const templateCheck = checkTemplate(summaryTemplate);
  if (templateCheck) return bad(templateCheck);

  const desc = raw.description;
  if (!Array.isArray(desc) || desc.some((p) => !(DESCRIPTION_PARTS as readonly unknown[]).includes(p))) return bad(`The description holds any of: ${DESCRIPTION_PARTS.join(', ')}.`);
  const description = DESCRIPTION_PARTS.filter((p) => desc.includes(p));

  const access = parseAccess(raw.access);
  if (!access.ok) return access;

  return ok({ name, jql, window: { pastMonths, futureMonths }, dates, timing, timeZone, summaryTemplate, description, access: access.value });
}

export function checkTemplate(template: string): string | undefined {
  if (!template || template.length > LIMITS.template || /[\u0000-\u001f\u007f]/.test(template)) return `The event title template needs 1–${LIMITS.template} characters, e.g. ${DEFAULT_TEMPLATE}.`;
  for (const m of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(m[1] ?? '')) return `{${(m[1] ?? '').slice(0, 30)}} is not a field the title can show. Use ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(' ')}.`;
  }
  return undefined;
}

function parseAccess(v: unknown): Result<AccessRule> {
  if (!isRecord(v)) return bad('Choose who may subscribe.');
  switch (v.kind) {
    case 'browse':
      return ok({ kind: 'browse' });
    case 'groups': {
      const groups = v.groups;
      if (!Array.isArray(groups) || groups.length === 0 || groups.length > LIMITS.groups) return bad(`Name 1–${LIMITS.groups} groups.`);
      const out: Array<{ groupId: string; name: string }> = [];
      for (const g of groups) {
        if (!isRecord(g) || typeof g.groupId !== 'string' || !GROUP_ID.test(g.groupId) || typeof g.name !== 'string' || !g.name || g.name.length > 255) return bad('A group was not understood; pick it from the list again.');
        if (!out.some((x) => x.groupId === g.groupId)) out.push({ groupId: g.groupId, name: g.name });
      }
      return ok({ kind: 'groups', groups: out });
    }
    case 'roles': {
      const roles = v.roles;
      if (!Array.isArray(roles) || roles.length === 0 || roles.length > LIMITS.roles) return bad(`Name 1–${LIMITS.roles} project roles.`);
      const out: Array<{ id: string; name: string }> = [];
      for (const r of roles) {
        if (!isRecord(r) || typeof r.id !== 'string' || !ROLE_ID.test(r.id) || typeof r.name !== 'string' || !r.name || r.name.length > 255) return bad('A project role was not understood; pick it from the list again.');
        if (!out.some((x) => x.id === r.id)) out.push({ id: r.id, name: r.name });
      }
      return ok({ kind: 'roles', roles: out });
    }
    case 'userField': {
      const f = v.field;
      if (f === 'assignee' || f === 'reporter' || (typeof f === 'string' && CUSTOM_FIELD.test(f))) return ok({ kind: 'userField', field: f as UserFieldId });
      return bad('Choose the user field: assignee, reporter or a custom user field id like customfield_10020.');
    }
    default:
      return bad('Choose who may subscribe.');
  }
}

/** Tolerant read of a stored definition: anything damaged is `undefined` (the feed is reported, not served). */
export function readFeed(raw: unknown): FeedDefinition | undefined {
  if (!isRecord(raw)) return undefined;
  const input = parseFeedInput(Object.fromEntries(['name', 'jql', 'window', 'dates', 'timing', 'timeZone', 'summaryTemplate', 'description', 'access'].map((k) => [k, own(raw, k)])));
  if (!input.ok) return undefined;
  const { id, ownerAccountId, projectKey, createdAt, updatedAt, version } = raw;
  if (typeof id !== 'string' || !FEED_ID.test(id) || typeof ownerAccountId !== 'string' || !ownerAccountId || typeof createdAt !== 'string' || typeof updatedAt !== 'string' || !Number.isInteger(version)) return undefined;
  if (projectKey !== undefined && (typeof projectKey !== 'string' || !PROJECT_KEY.test(projectKey))) return undefined;
  return { ...input.value, id, ownerAccountId, ...(projectKey === undefined ? {} : { projectKey }), createdAt, updatedAt, version: version as number };
}

export const FEED_ID = /^[A-Za-z0-9_-]{8,40}$/;
export const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,19}$/;

/** Does a change alter which issues or events the feed holds (so its cache must be rebuilt)? */
export function changesContent(a: FeedInput, b: FeedInput): boolean {
  const pick = (x: FeedInput) => JSON.stringify([x.jql, x.window, x.dates, x.access.kind === 'userField' ? x.access.field : '']);
  return pick(a) !== pick(b);
}

/** The text fields the serve step must fetch for the title and description (nothing for `{key}` alone). */
export function textFieldsNeeded(def: Pick<FeedDefinition, 'summaryTemplate' | 'description'>): string[] {
  const out = new Set<string>();
  const map: Record<string, string> = { summary: 'summary', status: 'status', assignee: 'assignee', priority: 'priority', type: 'issuetype' };
  for (const m of def.summaryTemplate.matchAll(/\{([a-z]+)\}/g)) {
    const f = map[m[1] ?? ''];
    if (f) out.add(f);
  }
  for (const p of def.description) {
    const f = map[p];
    if (f) out.add(f);
  }
  return [...out];
}
