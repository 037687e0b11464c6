/**
 * From a cached issue row (ids and dates only) and, at serve time, the issue's text, to one calendar
 * event: which dates, all-day or timed, the title from the template, and a minimal description.
 */
import type { FeedDefinition, TemplateField } from './model';
import { addDays, localDate, parseDate, parseInstant, zonedInstant } from './time';

/**
 * One issue as the cache keeps it: identifiers, dates and versions — never Jira text. `start`/`end`
 * are `YYYY-MM-DD` for date fields and ISO instants for date-time fields.
 */
export interface FeedRow {
  id: string;
  key: string;
  projectId: string;
  start?: string;
  end?: string;
  /** Last update in Jira, ms since the epoch: LAST-MODIFIED and SEQUENCE come from it. */
  updated: number;
  /** The issue's security level id, when it has one (then browsing is checked per issue). */
  security?: string;
  /** Account ids in the access rule's user field (only for userField feeds). */
  people?: string[];
}

/** The text the serve step fetched for an issue, as the subscriber may see it. */
export type IssueText = Partial<Record<Exclude<TemplateField, 'key' | 'project'>, string>>;

export interface EventSpec {
  uid: string;
  allDay: boolean;
  /** All-day: UTC midnight of the local date; timed: the instant. */
  start: Date;
  /** All-day: exclusive (the day after the last day); timed: the instant. */
  end: Date;
  summary: string;
  description: string;
  url: string;
  lastModified: Date;
  sequence: number;
}

const DAY_MS = 86_400_000;
const SEQUENCE_EPOCH = Date.UTC(2020, 0, 1);

/** Control characters are not allowed in iCalendar TEXT (RFC 5545 §3.3.11) except tab; lone surrogates are not text. */
export function cleanText(s: string): string {
  return s
    .replace(/\r\n|\r|\n/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export const projectKeyOf = (issueKey: string): string => issueKey.slice(0, Math.max(0, issueKey.lastIndexOf('-')));

/** Fills `{key} {summary}`-style templates; missing values vanish, and an empty title falls back to the key. */
export function renderTemplate(template: string, key: string, text: IssueText): string {
  const out = template.replace(/\{([a-z]+)\}/g, (_m, name: string) => {
    if (name === 'key') return key;
    if (name === 'project') return projectKeyOf(key);
    return text[name as keyof IssueText] ?? '';
  });
  const tidy = cleanText(out).replace(/\n/g, ' ').replace(/\s+/g, ' ').trim();
  return tidy || key;
}

const DESCRIPTION_LABELS: Record<string, string> = { status: 'Status', assignee: 'Assignee', priority: 'Priority', type: 'Type' };

/** The event's dates, or undefined when the issue has none the feed uses (it then makes no event). */
export function eventDates(def: Pick<FeedDefinition, 'dates' | 'timing' | 'timeZone'>, row: Pick<FeedRow, 'start' | 'end'>): { allDay: boolean; start: Date; end: Date } | undefined {
  const type = def.dates.kind === 'single' ? def.dates.field.type : def.dates.start.type;
  const first = row.start ?? row.end;
  const last = row.end ?? row.start;
  if (first === undefined || last === undefined) return undefined;
  const tz = def.timeZone;
  if (type === 'date') {
    const a = parseDate(first);
    const b = parseDate(last);
    if (!a || !b) return undefined;
    const [from, to] = first <= last ? [first, last] : [first, first];
    if (def.timing.allDay) return { allDay: true, start: utcMidnight(from), end: utcMidnight(addDays(to, 1)) };
    const start = zonedInstant(from, def.timing.startTime, tz);
    const end = zonedInstant(to, def.timing.startTime, tz) + def.timing.durationMinutes * 60_000;
    return { allDay: false, start: new Date(start), end: new Date(end) };
  }
  const a = parseInstant(first);
  const b = parseInstant(last);
  if (a === undefined || b === undefined) return undefined;
  const to = b >= a ? b : a;
  if (def.timing.allDay) {
    const from = localDate(a, tz);
    return { allDay: true, start: utcMidnight(from), end: utcMidnight(addDays(localDate(to, tz), 1)) };
  }
  const minutes = def.timing.durationMinutes;
  return { allDay: false, start: new Date(a), end: new Date(to > a ? to : a + minutes * 60_000) };
}

function utcMidnight(d: string): Date {
  const p = parseDate(d);
  if (!p) throw new Error(`not a date: ${d}`);
  return new Date(Date.UTC(p[0], p[1] - 1, p[2]));
}

/** Distance of an event's first day from a day, in days: the size cap keeps the nearest events. */
export function daysFrom(row: Pick<FeedRow, 'start' | 'end'>, today: string): number {
  const v = row.start ?? row.end;
  if (v === undefined) return Number.POSITIVE_INFINITY;
  const d = parseDate(v.slice(0, 10));
  const t = parseDate(today);
  if (!d || !t) return Number.POSITIVE_INFINITY;
  return Math.abs(Date.UTC(d[0], d[1] - 1, d[2]) - Date.UTC(t[0], t[1] - 1, t[2])) / DAY_MS;
}

export interface EventContext {
  def: Pick<FeedDefinition, 'dates' | 'timing' | 'timeZone' | 'summaryTemplate' | 'description'>;
  siteUrl: string;
  /** The site's host name: UIDs are stable per issue and site. */
  siteHost: string;
}

export function toEvent(ctx: EventContext, row: FeedRow, text: IssueText): EventSpec | undefined {
  const dates = eventDates(ctx.def, row);
  if (!dates) return undefined;
  const url = `${ctx.siteUrl}/browse/${encodeURIComponent(row.key)}`;
  const lines: string[] = [];
  for (const part of ctx.def.description) {
    if (part === 'link') lines.push(url);
    else {
      const v = text[part];
      if (v) lines.push(`${DESCRIPTION_LABELS[part] ?? part}: ${cleanText(v).replace(/\n/g, ' ')}`);
    }
  }
  return {
    uid: `jira-issue-${row.id}@${ctx.siteHost}`,
    ...dates,
    summary: renderTemplate(ctx.def.summaryTemplate, row.key, text),
    description: lines.join('\n'),
    url,
    lastModified: new Date(row.updated),
    sequence: Math.max(0, Math.floor((row.updated - SEQUENCE_EPOCH) / 1000)),
  };
}
