/** The dates of the "Ends on" field (./ends-on.tsx), kept pure so they are tested against the server's rule. */
const DAY_MS = 86_400_000;
const pad = (n: number): string => String(n).padStart(2, '0');
/** A date input's value for `d` in the viewer's own zone. */
export const ymd = (d: Date): string => `${String(d.getFullYear())}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/**
 * The moment a share picked to end "on" a day ends: the end of that day in the viewer's zone, in UTC
 * (the server takes ISO instants only). Empty or unreadable: no end date.
 */
export function endOfDay(day: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const at = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1, 0, 0, 0, 0);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/**
 * The last day a Public share may be picked to end on when the admin allows `maxDays`: the server
 * refuses an end later than now + maxDays (src/core/sharing/lifecycle.ts `endDate`), and a picked day
 * ends at the following midnight, so it is the day before the one the limit falls on.
 */
export function latestEndDay(maxDays: number, now: Date = new Date()): string {
  const limit = new Date(now.getTime() + maxDays * DAY_MS);
  // maxDays ≥ 1, so this is today at the earliest.
  return ymd(new Date(limit.getFullYear(), limit.getMonth(), limit.getDate() - 1));
}
