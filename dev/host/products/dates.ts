const DAY = 86_400_000;
const UNIT_MS: Record<string, number> = { w: 7 * DAY, d: DAY, h: 3_600_000, m: 60_000 };

/**
 * A fixture date: ISO-8601, or `now±N(w|d|h|m)` from the host clock, so the demo issues stay
 * current (due next week, updated yesterday) whenever the host starts.
 */
export function fixtureInstant(value: string, now: number): number {
  const rel = /^now(?:([+-])(\d+)([wdhm]))?$/.exec(value.trim());
  if (rel) return rel[1] ? now + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * (UNIT_MS[rel[3] ?? 'd'] ?? DAY) : now;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`Fixture date '${value}' is neither ISO-8601 nor now±N(w|d|h|m)`);
  return t;
}

/** The UTC day of an instant, as Jira writes date fields: `yyyy-MM-dd`. The host runs every user in UTC. */
export const isoDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

export const startOfUtcDay = (t: number): number => Math.floor(t / DAY) * DAY;

/** Jira's date-time format in REST answers: `2024-05-01T10:15:30.000+0000`. */
export const jiraDateTime = (t: number): string => new Date(t).toISOString().replace('Z', '+0000');

export { DAY, UNIT_MS };
