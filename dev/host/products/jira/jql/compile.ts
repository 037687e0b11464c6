import { DAY, startOfUtcDay } from '../../dates';
import type { AtlassianUser } from '../../tenant';
import type { IndexedValue } from '../entity-properties';
import { PRIORITIES, STATUSES, STATUS_CATEGORIES, ISSUE_TYPE, priorityById, statusById, type Issue } from '../model';
import { APP_ACCOUNT_ID, projectPermission, type Who } from '../permissions';
import type { JiraSite } from '../store';
import { LIMITS, type Clause, type FieldRef, type Op, type Operand, type Query, type SortItem, type Term } from './parser';

export interface SearchContext {
  site: JiraSite;
  who: Who;
  now: number;
  users: AtlassianUser[];
}

export type Predicate = (i: Issue) => boolean;
export type SortKey = Array<number | string | null>;

export interface Compiled {
  predicate: Predicate;
  /** The values an issue sorts by, ending with its id: unique per issue, so a page can resume after one. */
  sortKey: (i: Issue) => SortKey;
  compareKeys: (a: SortKey, b: SortKey) => number;
  /** Sorts many issues at once: one column of values per sort key, no per-issue arrays. */
  sortIssues: (issues: Issue[]) => Issue[];
  /** The projects a query can match at all (from `project =`/`in` clauses); null when any. */
  projects: Set<string> | null;
}

export type CompileResult = { ok: true; compiled: Compiled } | { ok: false; errors: string[] };

type Kind = 'project' | 'key' | 'text' | 'status' | 'statusCategory' | 'priority' | 'user' | 'labels' | 'date' | 'resolution' | 'issuetype' | 'level' | 'property';

interface FieldDef {
  kind: Kind;
  /** Reads the compared value for date fields (ms) and users (account id). */
  get?: (i: Issue) => number | string | null;
  dateOnly?: boolean;
  /** Fields that always have a value cannot be searched for EMPTY. */
  nullable: boolean;
  /** Text fields: what `~` searches. */
  text?: (i: Issue) => string;
  /** Sorting: a comparable value (null sorts after every value). */
  sort?: (i: Issue) => number | string | null;
  property?: IndexedValue;
}

const SYSTEM_FIELDS: Record<string, FieldDef> = {
  project: { kind: 'project', nullable: false, sort: (i) => i.projectKey },
  key: { kind: 'key', nullable: false },
  issue: { kind: 'key', nullable: false },
  issuekey: { kind: 'key', nullable: false },
  id: { kind: 'key', nullable: false },
  summary: { kind: 'text', nullable: false, text: (i) => i.summary, sort: (i) => i.summary.toLowerCase() },
  description: { kind: 'text', nullable: true, text: (i) => i.description },
  text: { kind: 'text', nullable: false, text: (i) => `${i.summary}\n${i.description}` },
  status: { kind: 'status', nullable: false, sort: (i) => STATUSES.findIndex((s) => s.id === i.statusId) },
  statuscategory: { kind: 'statusCategory', nullable: false },
  priority: { kind: 'priority', nullable: true, sort: (i) => -Number(i.priorityId) },
  assignee: { kind: 'user', nullable: true, get: (i) => i.assignee },
  reporter: { kind: 'user', nullable: true, get: (i) => i.reporter },
  creator: { kind: 'user', nullable: true, get: (i) => i.reporter },
  labels: { kind: 'labels', nullable: true },
  created: { kind: 'date', nullable: false, get: (i) => i.created, sort: (i) => i.created },
  createddate: { kind: 'date', nullable: false, get: (i) => i.created, sort: (i) => i.created },
  updated: { kind: 'date', nullable: false, get: (i) => i.updated, sort: (i) => i.updated },
  updateddate: { kind: 'date', nullable: false, get: (i) => i.updated, sort: (i) => i.updated },
  due: { kind: 'date', nullable: true, dateOnly: true, get: (i) => i.duedate, sort: (i) => i.duedate },
  duedate: { kind: 'date', nullable: true, dateOnly: true, get: (i) => i.duedate, sort: (i) => i.duedate },
  resolved: { kind: 'date', nullable: true, get: (i) => i.resolutiondate, sort: (i) => i.resolutiondate },
  resolutiondate: { kind: 'date', nullable: true, get: (i) => i.resolutiondate, sort: (i) => i.resolutiondate },
  resolution: { kind: 'resolution', nullable: true, sort: (i) => (i.resolutiondate === null ? null : 0) },
  issuetype: { kind: 'issuetype', nullable: false },
  type: { kind: 'issuetype', nullable: false },
  level: { kind: 'level', nullable: true },
};

const OPS: Record<Kind, Op[]> = {
  project: ['=', '!=', 'in', 'not in'],
  key: ['=', '!=', 'in', 'not in', '<', '>', '<=', '>='],
  text: ['~', '!~', 'is', 'is not'],
  status: ['=', '!=', 'in', 'not in'],
  statusCategory: ['=', '!=', 'in', 'not in'],
  priority: ['=', '!=', 'in', 'not in', '<', '>', '<=', '>=', 'is', 'is not'],
  user: ['=', '!=', 'in', 'not in', 'is', 'is not'],
  labels: ['=', '!=', 'in', 'not in', 'is', 'is not'],
  date: ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not'],
  resolution: ['=', '!=', 'in', 'not in', 'is', 'is not'],
  issuetype: ['=', '!=', 'in', 'not in'],
  level: ['=', '!=', 'in', 'not in', 'is', 'is not'],
  property: [],
};

const PROPERTY_OPS: Record<IndexedValue['type'], Op[]> = {
  number: ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not'],
  string: ['=', '!=', 'in', 'not in', 'is', 'is not'],
  text: ['~', '!~', 'is', 'is not'],
  user: ['=', '!=', 'in', 'not in', 'is', 'is not'],
  date: ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not'],
};

const opName = (op: Op) => (/^[a-z]/.test(op) ? op.toUpperCase() : op);
export const fieldName = (f: FieldRef) => (f.kind === 'name' ? f.name : f.kind === 'cf' ? `cf[${f.id}]` : `issue.property[${f.key}].${f.path}`);
const DATE_FORMATS = "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";
const UNIT: Record<string, number> = { w: 7 * DAY, d: DAY, h: 3_600_000, m: 60_000 };

/** Absolute JQL dates and periods ("-5d", "4w 2d", a bare number is minutes). Every user's time zone is UTC here. */
export function parseDate(text: string, now: number): number | undefined {
  const abs = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (abs) {
    const [y, mo, d, h, mi] = [Number(abs[1]), Number(abs[2]), Number(abs[3]), Number(abs[4] ?? 0), Number(abs[5] ?? 0)];
    const t = Date.UTC(y, mo - 1, d, h, mi);
    const check = new Date(t);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
    return t;
  }
  const rel = /^([+-])?\s*((?:\d+\s*[wdhm]?\s*)+)$/.exec(text.trim());
  if (!rel || !rel[2]) return undefined;
  let total = 0;
  for (const part of rel[2].matchAll(/(\d+)\s*([wdhm]?)/g)) {
    total += Number(part[1]) * (UNIT[part[2] || 'm'] ?? 60_000);
    if (!Number.isSafeInteger(total)) return undefined;
  }
  return now + (rel[1] === '-' ? -total : total);
}

const FN_UNITS: Record<string, number> = { y: 365 * DAY, M: 30 * DAY, w: 7 * DAY, d: DAY, h: 3_600_000, m: 60_000 };

function dateFunction(name: string, args: string[], now: number, errors: string[]): number | undefined {
  const lower = name.toLowerCase();
  if (lower === 'now') {
    if (args.length) errors.push(`Function 'now' expected '0' arguments but received '${args.length}'.`);
    return now;
  }
  const m = /^(start|end)of(day|week|month|year)$/.exec(lower);
  if (!m) return undefined;
  if (args.length > 1) {
    errors.push(`Function '${name}' expected between '0' and '1' arguments but received '${args.length}'.`);
    return now;
  }
  const unit = m[2] as 'day' | 'week' | 'month' | 'year';
  const d = new Date(now);
  const arg = args[0];
  if (arg !== undefined) {
    const inc = /^([+-]?)(\d+)([yMwdhm]?)$/.exec(arg.trim());
    if (!inc) {
      errors.push(`The argument '${arg}' of function '${name}' is not a valid period.`);
      return now;
    }
    const n = Number(inc[2]) * (inc[1] === '-' ? -1 : 1);
    const u = inc[3] || { day: 'd', week: 'w', month: 'M', year: 'y' }[unit];
    if (u === 'M') d.setUTCMonth(d.getUTCMonth() + n);
    else if (u === 'y') d.setUTCFullYear(d.getUTCFullYear() + n);
    else d.setTime(d.getTime() + n * (FN_UNITS[u] ?? DAY));
  }
  let start: Date;
  let end: Date;
  if (unit === 'day') {
    start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
    end = new Date(start.getTime() + DAY);
  } else if (unit === 'week') {
    // en_US weeks start on Sunday, as Jira's default locale has them.
    const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    start = new Date(day - d.getUTCDay() * DAY);
    end = new Date(start.getTime() + 7 * DAY);
  } else if (unit === 'month') {
    start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  } else {
    start = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
    end = new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1));
  }
  return m[1] === 'start' ? start.getTime() : end.getTime() - 1;
}

const flatten = (o: Operand): Operand[] => (o.kind === 'list' ? o.items.flatMap(flatten) : [o]);
const fnText = (o: Extract<Operand, { kind: 'function' }>) => `${o.name}(${o.args.join(', ')})`;

/** Words of a text for `~`: case-folded letters and digits. */
const words = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * `~` as the host reads it: every term must be present (terms are AND-ed, as in Jira), a trailing
 * `*` matches a word's start, a quoted phrase must appear as written. No stemming.
 */
function textMatcher(query: string): (text: string) => boolean {
  const phrases: string[] = [];
  const rest = query.replace(/"([^"]*)"/g, (_m, p: string) => {
    phrases.push(words(p).join(' '));
    return ' ';
  });
  const terms = rest
    .split(/\s+/)
    .map((t) => t.trim())
    .filter((t) => t && !['and', '&&', '+'].includes(t.toLowerCase()))
    .map((t) => t.replace(/^\+/, ''))
    .map((t) => ({ prefix: t.endsWith('*'), word: words(t.replace(/\*+$/, '')).join(' ') }))
    .filter((t) => t.word);
  return (text) => {
    const ws = words(text);
    const joined = ws.join(' ');
    return terms.every((t) => (t.prefix ? ws.some((w) => w.startsWith(t.word)) : t.word.includes(' ') ? joined.includes(t.word) : ws.includes(t.word))) && phrases.every((p) => joined.includes(p));
  };
}

/** The value at a dotted path of a property value; arrays contribute each element. */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const c of current) {
      const items: unknown[] = Array.isArray(c) ? c : [c];
      for (const it of items) if (it && typeof it === 'object' && !Array.isArray(it) && part in it) next.push((it as Record<string, unknown>)[part]);
    }
    current = next;
  }
  return current.flatMap((v): unknown[] => (Array.isArray(v) ? v : [v])).filter((v) => v !== null && v !== undefined);
}

export function compileQuery(q: Query, ctx: SearchContext): CompileResult {
  const errors: string[] = [];
  const { site, who } = ctx;
  const anonymous = who.kind === 'anonymous';
  const visibleProjects = site.projects().filter((p) => projectPermission(who, p, 'BROWSE_PROJECTS') || p.browseDependsOnIssue);
  const currentUserId = who.kind === 'user' ? who.user.accountId : who.kind === 'app' ? APP_ACCOUNT_ID : null;

  function resolveField(f: FieldRef): FieldDef | undefined {
    const missing = () => {
      errors.push(anonymous ? `Field '${fieldName(f)}' does not exist or this field cannot be viewed by anonymous users.` : `Field '${fieldName(f)}' does not exist or you do not have permission to view it.`);
      return undefined;
    };
    if (f.kind === 'property') {
      const v = site.index.find(f.key, f.path);
      return v ? { kind: 'property', nullable: true, property: v } : missing();
    }
    if (f.kind === 'cf') {
      const cf = site.customFields.find((c) => c.id === `customfield_${f.id}`);
      return cf ? customDef(cf.id, cf.type) : missing();
    }
    const lower = f.name.toLowerCase();
    const sys = SYSTEM_FIELDS[lower];
    if (sys) return sys;
    const cf = site.customFields.find((c) => c.name.toLowerCase() === lower);
    if (cf) return customDef(cf.id, cf.type);
    const alias = site.index.byAlias.get(lower);
    if (alias) return { kind: 'property', nullable: true, property: alias };
    return missing();
  }

  function customDef(id: string, type: 'date' | 'datetime'): FieldDef {
    const get = (i: Issue) => i.custom[id] ?? null;
    return { kind: 'date', nullable: true, dateOnly: type === 'date', get, sort: get };
  }

  const never: Predicate = () => false;

  function term(t: Term): Predicate {
    const name = fieldName(t.field);
    const def = resolveField(t.field);
    if (!def) return never;
    if (t.op.startsWith('was') || t.op === 'changed') {
      errors.push(`The operator '${opName(t.op)}' is not supported by the local host: issue history is not emulated.`);
      return never;
    }
    const allowed = def.kind === 'property' && def.property ? PROPERTY_OPS[def.property.type] : OPS[def.kind];
    if (!allowed.includes(t.op)) {
      errors.push(`The operator '${opName(t.op)}' is not supported by the '${name}' field.`);
      return never;
    }
    const operands = flatten(t.operand);
    const positive = t.op === '=' || t.op === 'in' || t.op === 'is' || t.op === '~';
    const negative = t.op === '!=' || t.op === 'not in' || t.op === 'is not' || t.op === '!~';
    const hasEmpty = operands.some((o) => o.kind === 'empty');
    if (hasEmpty && !def.nullable) {
      errors.push(`The field '${name}' does not support searching for EMPTY values.`);
      return never;
    }
    if ((t.op === 'is' || t.op === 'is not') && !(operands.length === 1 && hasEmpty)) {
      const o = operands[0];
      errors.push(`The operator '${opName(t.op)}' can only be used with EMPTY or NULL, not with '${o?.kind === 'value' ? o.text : o?.kind === 'function' ? fnText(o) : ''}'.`);
      return never;
    }
    const unknownFunction = (o: Extract<Operand, { kind: 'function' }>) => {
      errors.push(`Unable to find JQL function '${fnText(o)}'.`);
    };
    const empty = (i: Issue) => isEmpty(def, i);
    const finish = (match: Predicate): Predicate => {
      // `!=`, `NOT IN` and `!~` leave out issues whose field is empty, as in Jira.
      if (positive) return hasEmpty ? (i) => empty(i) || match(i) : match;
      if (negative) return hasEmpty ? (i) => !empty(i) && !match(i) : (i) => !empty(i) && !match(i);
      return match;
    };
    const values = operands.filter((o) => o.kind !== 'empty');

    switch (def.kind) {
      case 'project': {
        const keys = new Set<string>();
        for (const o of values) {
          if (o.kind === 'function') unknownFunction(o);
          else if (o.kind === 'value') {
            const p = visibleProjects.find((x) => x.key.toLowerCase() === o.text.toLowerCase() || x.id === o.text || x.name.toLowerCase() === o.text.toLowerCase());
            if (p) keys.add(p.key);
            else errors.push(`The value '${o.text}' does not exist for the field '${name}'.`);
          }
        }
        return finish((i) => keys.has(i.projectKey));
      }
      case 'key': {
        const ids = new Set<string>();
        const ranges: Array<(i: Issue) => boolean> = [];
        for (const o of values) {
          if (o.kind === 'function') {
            unknownFunction(o);
            continue;
          }
          if (o.kind !== 'value') continue;
          const text = o.text.trim();
          if (!/^[A-Za-z][A-Za-z0-9_]*-\d+$/.test(text) && !/^\d+$/.test(text)) {
            errors.push(`The issue key '${o.text}' for field '${name}' is invalid.`);
            continue;
          }
          const issue = site.issue(text);
          if (t.op === '<' || t.op === '>' || t.op === '<=' || t.op === '>=') {
            const [projectKey, n] = /^\d+$/.test(text) ? [issue?.projectKey, issue?.num] : [text.slice(0, text.lastIndexOf('-')).toUpperCase(), Number(text.slice(text.lastIndexOf('-') + 1))];
            if (projectKey === undefined || n === undefined || !site.project(projectKey)) {
              errors.push(`An issue with key '${o.text}' does not exist for field '${name}'.`);
              continue;
            }
            const op = t.op;
            ranges.push((i) => i.projectKey === projectKey && (op === '<' ? i.num < n : op === '>' ? i.num > n : op === '<=' ? i.num <= n : i.num >= n));
            continue;
          }
          if (!issue || !site.visible(who, issue)) errors.push(`An issue with key '${o.text}' does not exist for field '${name}'.`);
          else ids.add(issue.id);
        }
        if (ranges.length) return (i) => ranges.every((r) => r(i));
        return finish((i) => ids.has(i.id));
      }
      case 'text': {
        const get = def.text as (i: Issue) => string;
        if (t.op === 'is' || t.op === 'is not') return finish(never);
        const matchers = values.flatMap((o) => {
          if (o.kind === 'function') {
            unknownFunction(o);
            return [];
          }
          return o.kind === 'value' ? [textMatcher(o.text)] : [];
        });
        return finish((i) => matchers.every((m) => m(get(i))));
      }
      case 'status': {
        const ids = new Set<string>();
        for (const o of values) {
          if (o.kind === 'function') unknownFunction(o);
          else if (o.kind === 'value') {
            const s = STATUSES.find((x) => x.name.toLowerCase() === o.text.toLowerCase() || x.id === o.text);
            if (s) ids.add(s.id);
            else errors.push(`The value '${o.text}' does not exist for the field '${name}'.`);
          }
        }
        return finish((i) => ids.has(i.statusId));
      }
      case 'statusCategory': {
        const keys = new Set<string>();
        for (const o of values) {
          if (o.kind === 'function') unknownFunction(o);
          else if (o.kind === 'value') {
            const c = STATUS_CATEGORIES.find((x) => x.name.toLowerCase() === o.text.toLowerCase() || x.key === o.text.toLowerCase() || String(x.id) === o.text);
            if (c) keys.add(c.key);
            else errors.push(`The value '${o.text}' does not exist for the field '${name}'.`);
          }
        }
        return finish((i) => keys.has(statusById(i.statusId).category.key));
      }
      case 'priority': {
        const ranks: number[] = [];
        for (const o of values) {
          if (o.kind === 'function') unknownFunction(o);
          else if (o.kind === 'value') {
            const p = PRIORITIES.find((x) => x.name.toLowerCase() === o.text.toLowerCase() || x.id === o.text);
            if (p) ranks.push(Number(p.id));
            else errors.push(`The value '${o.text}' does not exist for the field '${name}'.`);
          }
        }
        const rank = (i: Issue) => Number(priorityById(i.priorityId).id);
        const r = ranks[0] ?? 0;
        // A smaller id is a higher priority: `priority > Medium` is High and Highest.
        if (t.op === '>') return (i) => rank(i) < r;
        if (t.op === '>=') return (i) => rank(i) <= r;
        if (t.op === '<') return (i) => rank(i) > r;
        if (t.op === '<=') return (i) => rank(i) >= r;
        return finish((i) => ranks.includes(rank(i)));
      }
      case 'user': {
        const ids = new Set<string>();
        for (const o of values) {
          if (o.kind === 'function') {
            const fn = o.name.toLowerCase();
            if (fn === 'currentuser') {
              if (o.args.length) errors.push(`Function 'currentUser' expected '0' arguments but received '${o.args.length}'.`);
              if (currentUserId) ids.add(currentUserId);
            } else if (fn === 'membersof') {
              const group = o.args[0] ?? '';
              const members = ctx.users.filter((u) => u.groups.includes(group));
              if (!members.length) errors.push(`Function 'membersOf' can not generate a list of usernames for group '${group}'; the group does not exist.`);
              for (const u of members) ids.add(u.accountId);
            } else unknownFunction(o);
          } else if (o.kind === 'value') {
            const u = ctx.users.find((x) => x.accountId === o.text || x.email.toLowerCase() === o.text.toLowerCase());
            if (u) ids.add(u.accountId);
            else errors.push(`The value '${o.text}' does not exist for the field '${name}'.`);
          }
        }
        const get = def.get as (i: Issue) => string | null;
        return finish((i) => {
          const v = get(i);
          return v !== null && ids.has(v);
        });
      }
      case 'labels': {
        const wanted = new Set<string>();
        for (const o of values) {
          if (o.kind === 'function') unknownFunction(o);
          else if (o.kind === 'value') wanted.add(o.text);
        }
        return finish((i) => i.labels.some((l) => wanted.has(l)));
      }
      case 'date': {
        const instants: number[] = [];
        for (const o of values) {
          let v: number | undefined;
          if (o.kind === 'function') {
            v = dateFunction(o.name, o.args, ctx.now, errors);
            if (v === undefined) errors.push(`Unable to find JQL function '${fnText(o)}'.`);
          } else if (o.kind === 'value') {
            v = parseDate(o.text, ctx.now);
            if (v === undefined) errors.push(`Date value '${o.text}' for field '${name}' is invalid. ${DATE_FORMATS}`);
          }
          if (v !== undefined) instants.push(def.dateOnly ? startOfUtcDay(v) : v);
        }
        const get = def.get as (i: Issue) => number | null;
        const x = instants[0] ?? 0;
        const cmp = (op: Op): Predicate => {
          switch (op) {
            case '<':
              return (i) => ((v) => v !== null && v < x)(get(i));
            case '>':
              return (i) => ((v) => v !== null && v > x)(get(i));
            case '<=':
              return (i) => ((v) => v !== null && v <= x)(get(i));
            case '>=':
              return (i) => ((v) => v !== null && v >= x)(get(i));
            default:
              return (i) => ((v) => v !== null && instants.includes(v))(get(i));
          }
        };
        return ['<', '>', '<=', '>='].includes(t.op) ? cmp(t.op) : finish(cmp('='));
      }
      case 'resolution': {
        let done = false;
        let unresolved = false;
        for (const o of values) {
          if (o.kind === 'function') unknownFunction(o);
          else if (o.kind === 'value') {
            const v = o.text.toLowerCase();
            if (v === 'done' || v === '10000') done = true;
            else if (v === 'unresolved') unresolved = true;
            else errors.push(`The value '${o.text}' does not exist for the field '${name}'.`);
          }
        }
        if (unresolved && (t.op === '=' || t.op === 'in')) return (i) => i.resolutiondate === null || (done && i.resolutiondate !== null);
        if (unresolved) return (i) => i.resolutiondate !== null && !done;
        return finish((i) => done && i.resolutiondate !== null);
      }
      case 'issuetype': {
        for (const o of values) {
          if (o.kind === 'function') unknownFunction(o);
          else if (o.kind === 'value' && o.text.toLowerCase() !== ISSUE_TYPE.name.toLowerCase() && o.text !== ISSUE_TYPE.id) errors.push(`The value '${o.text}' does not exist for the field '${name}'.`);
        }
        return finish(() => true);
      }
      case 'level': {
        const ids = new Set<string>();
        const levels = site.projects().flatMap((p) => p.securityLevels);
        for (const o of values) {
          if (o.kind === 'function') unknownFunction(o);
          else if (o.kind === 'value') {
            const found = levels.filter((l) => l.name.toLowerCase() === o.text.toLowerCase() || l.id === o.text);
            if (!found.length) errors.push(`The value '${o.text}' does not exist for the field '${name}'.`);
            for (const l of found) ids.add(l.id);
          }
        }
        return finish((i) => i.securityLevelId !== null && ids.has(i.securityLevelId));
      }
      case 'property': {
        const prop = def.property as IndexedValue;
        const get = (i: Issue) => valuesAt(i.properties.get(prop.propertyKey)?.value, prop.path);
        if (prop.type === 'text') {
          const matchers = values.flatMap((o) => (o.kind === 'value' ? [textMatcher(o.text)] : []));
          return finish((i) => get(i).some((v) => matchers.every((m) => m(String(v)))));
        }
        if (prop.type === 'number' || prop.type === 'date') {
          const xs = values.flatMap((o) => {
            if (o.kind === 'function') {
              const v = prop.type === 'date' ? dateFunction(o.name, o.args, ctx.now, errors) : undefined;
              if (v === undefined) unknownFunction(o);
              return v === undefined ? [] : [v];
            }
            if (o.kind !== 'value') return [];
            const v = prop.type === 'number' ? Number(o.text) : parseDate(o.text, ctx.now);
            if (v === undefined || Number.isNaN(v)) {
              errors.push(prop.type === 'date' ? `Date value '${o.text}' for field '${name}' is invalid. ${DATE_FORMATS}` : `The value '${o.text}' for field '${name}' is not a number.`);
              return [];
            }
            return [v];
          });
          const num = (v: unknown) => (prop.type === 'number' ? (typeof v === 'number' ? v : Number(v)) : typeof v === 'string' ? (parseDate(v.slice(0, 16).replace('T', ' '), ctx.now) ?? Date.parse(v)) : Number.NaN);
          const x = xs[0] ?? 0;
          const test = (v: number) => (t.op === '<' ? v < x : t.op === '>' ? v > x : t.op === '<=' ? v <= x : t.op === '>=' ? v >= x : xs.includes(v));
          const match: Predicate = (i) => get(i).some((v) => ((n) => !Number.isNaN(n) && test(n))(num(v)));
          return ['<', '>', '<=', '>='].includes(t.op) ? match : finish(match);
        }
        const wanted = new Set<string>();
        for (const o of values) {
          if (o.kind === 'function') {
            if (prop.type === 'user' && o.name.toLowerCase() === 'currentuser') {
              if (currentUserId) wanted.add(currentUserId);
            } else unknownFunction(o);
          } else if (o.kind === 'value') wanted.add(o.text);
        }
        return finish((i) => get(i).some((v) => wanted.has(String(v))));
      }
    }
  }

  function isEmpty(def: FieldDef, i: Issue): boolean {
    switch (def.kind) {
      case 'labels':
        return i.labels.length === 0;
      case 'text':
        return !(def.text as (i: Issue) => string)(i).trim();
      case 'resolution':
        return i.resolutiondate === null;
      case 'level':
        return i.securityLevelId === null;
      case 'property':
        return valuesAt(i.properties.get((def.property as IndexedValue).propertyKey)?.value, (def.property as IndexedValue).path).length === 0;
      default:
        return def.get ? def.get(i) === null : false;
    }
  }

  function clause(c: Clause): Predicate {
    if (c.kind === 'term') return term(c);
    if (c.kind === 'not') {
      const inner = clause(c.clause);
      return (i) => !inner(i);
    }
    const parts = c.clauses.map(clause);
    return c.kind === 'and' ? (i) => parts.every((p) => p(i)) : (i) => parts.some((p) => p(i));
  }

  /** The projects a clause can match; null when it can match any. */
  function narrow(c: Clause | null): Set<string> | null {
    if (!c) return null;
    if (c.kind === 'term') {
      const isProject = c.field.kind === 'name' && c.field.name.toLowerCase() === 'project' && (c.op === '=' || c.op === 'in');
      if (!isProject) return null;
      const keys = new Set<string>();
      for (const o of flatten(c.operand)) {
        if (o.kind !== 'value') return null;
        const p = site.projects().find((x) => x.key.toLowerCase() === o.text.toLowerCase() || x.id === o.text || x.name.toLowerCase() === o.text.toLowerCase());
        if (p) keys.add(p.key);
      }
      return keys;
    }
    if (c.kind === 'not') return null;
    const sets = c.clauses.map(narrow);
    if (c.kind === 'and') {
      const known = sets.filter((s): s is Set<string> => s !== null);
      if (!known.length) return null;
      return known.reduce((a, b) => new Set([...a].filter((k) => b.has(k))));
    }
    if (sets.some((s) => s === null)) return null;
    return new Set(sets.flatMap((s) => [...(s as Set<string>)]));
  }

  function sorter(items: SortItem[]): Pick<Compiled, 'sortKey' | 'compareKeys' | 'sortIssues'> {
    if (items.length > LIMITS.orderBy) errors.push(`The ORDER BY clause can contain at most ${LIMITS.orderBy} fields.`);
    const keys: Array<{ get: (i: Issue) => number | string | null; dir: 1 | -1 }> = [];
    for (const s of items) {
      const name = fieldName(s.field).toLowerCase();
      if (name === 'key' || name === 'issuekey' || name === 'issue') {
        const dir = s.direction === 'desc' ? -1 : 1;
        keys.push({ get: (i) => i.projectKey, dir });
        keys.push({ get: (i) => i.num, dir });
        continue;
      }
      if (name === 'id') {
        keys.push({ get: (i) => Number(i.id), dir: s.direction === 'desc' ? -1 : 1 });
        continue;
      }
      const def = SYSTEM_FIELDS[name] ?? (s.field.kind === 'cf' || site.customFields.some((c) => c.name.toLowerCase() === name) ? resolveField(s.field) : undefined);
      const sortBy = def?.sort;
      if (!sortBy) {
        errors.push(`Not able to sort using field '${fieldName(s.field)}'.`);
        continue;
      }
      // Priority sorts highest first unless told otherwise: Jira's default order for it is descending.
      const dir = s.direction ? (s.direction === 'desc' ? -1 : 1) : name === 'priority' ? -1 : 1;
      keys.push({ get: sortBy, dir });
    }
    // Without ORDER BY: newest first. Ties always fall back to the issue id, so paging is stable.
    if (!keys.length) keys.push({ get: (i) => i.created, dir: -1 }, { get: (i) => Number(i.id), dir: -1 });
    else keys.push({ get: (i) => Number(i.id), dir: 1 });
    const dirs = keys.map((k) => k.dir);
    const order = (x: number | string | null, y: number | string | null, dir: number) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : (x < y ? -1 : 1) * dir);
    return {
      sortKey: (i) => keys.map((k) => k.get(i)),
      sortIssues(issues) {
        const n = issues.length;
        const cols = keys.map((k) => {
          const col = new Array<number | string | null>(n);
          for (let r = 0; r < n; r++) col[r] = k.get(issues[r] as Issue);
          return col;
        });
        const idx = new Uint32Array(n);
        for (let r = 0; r < n; r++) idx[r] = r;
        idx.sort((a, b) => {
          for (let c = 0; c < cols.length; c++) {
            const col = cols[c] as Array<number | string | null>;
            const r = order(col[a] as number | string | null, col[b] as number | string | null, dirs[c] as number);
            if (r) return r;
          }
          return 0;
        });
        const out = new Array<Issue>(n);
        for (let r = 0; r < n; r++) out[r] = issues[idx[r] as number] as Issue;
        return out;
      },
      compareKeys: (a, b) => {
        for (let n = 0; n < dirs.length; n++) {
          const x = a[n] ?? null;
          const y = b[n] ?? null;
          if (x === y) continue;
          // Empty values sort after every value, whichever the direction.
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * (dirs[n] as number);
        }
        return 0;
      },
    };
  }

  const predicate = q.where ? clause(q.where) : () => true;
  const order = sorter(q.orderBy);
  if (errors.length) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, compiled: { predicate, ...order, projects: narrow(q.where) } };
}
