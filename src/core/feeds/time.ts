/**
 * Calendar dates and wall-clock times in an IANA time zone, with the platform's own time zone data
 * (`Intl`, which Node and browsers ship): no offsets are hard-coded, so daylight saving time is
 * whatever the zone's rules say on that day.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall clock in `tz` at an instant, as UTC-based milliseconds (so the difference is the offset). */
function wallClockMs(ms: number, tz: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export const offsetAt = (ms: number, tz: string): number => wallClockMs(Math.floor(ms / 1000) * 1000, tz) - Math.floor(ms / 1000) * 1000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → [year, month (1–12), day], or undefined for anything else. */
export function parseDate(d: string): [number, number, number] | undefined {
  const m = DATE.exec(d);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const da = Number(m[3]);
  const check = new Date(Date.UTC(y, mo - 1, da));
  return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === da ? [y, mo, da] : undefined;
}

/** The calendar date in `tz` at an instant. */
export function localDate(ms: number, tz: string): string {
  return isoDate(wallClockMs(ms, tz));
}

/** `YYYY-MM-DD` of a UTC-midnight-based millisecond value. */
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Days added to a `YYYY-MM-DD` date. */
export function addDays(d: string, days: number): string {
  const p = parseDate(d);
  if (!p) throw new Error(`not a date: ${d}`);
  return isoDate(Date.UTC(p[0], p[1] - 1, p[2]) + days * DAY_MS);
}

/** Months added to a `YYYY-MM-DD` date, clamped to the month's last day. */
export function addMonths(d: string, months: number): string {
  const p = parseDate(d);
  if (!p) throw new Error(`not a date: ${d}`);
  const first = new Date(Date.UTC(p[0], p[1] - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return isoDate(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(p[2], last)));
}

export const firstOfMonth = (d: string): string => `${d.slice(0, 7)}-01`;

/**
 * The instant a wall-clock time on a date happens in `tz`. A time skipped by a DST change (02:30 on
 * the day clocks go forward) moves forward by the gap, as clocks do; a time that happens twice (the
 * day clocks go back) is its first occurrence.
 */
export function zonedInstant(date: string, time: string, tz: string): number {
  const p = parseDate(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!p || !t) throw new Error(`not a date and time: ${date} ${time}`);
  const wall = Date.UTC(p[0], p[1] - 1, p[2], Number(t[1]), Number(t[2]));
  // The offset before the wall time decides the first occurrence; a second pass corrects a guess
  // that crossed the change.
  const before = offsetAt(wall - DAY_MS / 2, tz);
  const after = offsetAt(wall + DAY_MS / 2, tz);
  const first = wall - before;
  if (offsetAt(first, tz) === before) return first;
  const second = wall - after;
  if (offsetAt(second, tz) === after) return second;
  // In the gap: the wall time does not exist; clocks jumped over it by (after - before).
  return wall - before;
}

/** An ISO date-time from Jira (`2025-03-30T23:30:00.000+0000`, with or without a colon) → ms, or undefined. */
export function parseInstant(v: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(v);
  if (!m) return undefined;
  const p = parseDate(m[1] ?? '');
  if (!p) return undefined;
  const zone = m[6] ?? 'Z';
  let offsetMin = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const ms = Date.UTC(p[0], p[1] - 1, p[2], Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number((m[5] ?? '0').padEnd(3, '0')));
  return Number.isFinite(ms) ? ms - offsetMin * 60_000 : undefined;
}
