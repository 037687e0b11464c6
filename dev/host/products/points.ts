import { json, type Handled } from './http';

const HOUR = 3_600_000;

/**
 * Atlassian's points quota for app traffic to Jira and Confluence (see products/README.md): every
 * request costs 1 point plus 1 per object it returns, writes cost 1; the budget is per hour, for
 * the app (the Tier 1 global pool, shared by all the app's sites) and per site (Tier 2). The host
 * serves one app on one site, so both count the same requests; each has its own budget.
 */
export const DEFAULT_APP_POINTS_PER_HOUR = 65_000;
/** Tier 2 quotas depend on the site's edition and user count; this is one observed value. */
export const DEFAULT_SITE_POINTS_PER_HOUR = 100_100;

export interface PointsBudget {
  appPerHour: number;
  sitePerHour: number;
}

export function pointsMeter(product: 'jira' | 'confluence', now: () => number) {
  let budget: PointsBudget = { appPerHour: DEFAULT_APP_POINTS_PER_HOUR, sitePerHour: DEFAULT_SITE_POINTS_PER_HOUR };
  let windowStart = Math.floor(now() / HOUR) * HOUR;
  let used = 0;
  let requests = 0;
  let rejected = 0;
  let totalPoints = 0;
  let totalRequests = 0;
  /** Writes served (Handled.write): a read-only feature's tests assert this stays 0. */
  let totalWrites = 0;

  const roll = () => {
    const start = Math.floor(now() / HOUR) * HOUR;
    if (start !== windowStart) {
      windowStart = start;
      used = 0;
      requests = 0;
    }
  };
  const resetIso = () => new Date(windowStart + HOUR).toISOString().slice(0, 16) + 'Z';
  const remaining = () => Math.max(0, Math.min(budget.appPerHour, budget.sitePerHour) - used);

  return {
    product,
    /** A 429 when this hour's budget is spent; the refused request costs nothing. */
    admit(): Response | undefined {
      roll();
      const app = used >= budget.appPerHour;
      const site = used >= budget.sitePerHour;
      if (!app && !site) return undefined;
      rejected++;
      const retryAfter = Math.max(1, Math.ceil((windowStart + HOUR - now()) / 1000));
      const limit = app ? budget.appPerHour : budget.sitePerHour;
      return json(
        429,
        { errorMessages: [`Rate limit exceeded: this app has used its ${limit} points for this hour.`], errors: {} },
        {
          'Retry-After': String(retryAfter),
          'X-RateLimit-Reset': resetIso(),
          'X-RateLimit-Limit': String(limit),
          'X-RateLimit-Remaining': '0',
          'RateLimit-Reason': app ? `${product}-quota-global-based` : `${product}-quota-tenant-based`,
        },
      );
    },
    /** Counts a served request and returns what it cost. */
    charge(h: Handled): number {
      roll();
      const cost = h.write ? 1 : 1 + Math.max(0, h.objects ?? 0);
      if (h.write) totalWrites++;
      used += cost;
      requests++;
      totalPoints += cost;
      totalRequests++;
      return cost;
    },
    /** Headers every answer carries: near the limit (under 20 % left) Jira says so. */
    headers(): Record<string, string> {
      const least = Math.min(budget.appPerHour, budget.sitePerHour);
      return remaining() < least * 0.2 ? { 'X-RateLimit-NearLimit': 'true' } : {};
    },
    configure(patch: Partial<PointsBudget>) {
      budget = { ...budget, ...patch };
      return budget;
    },
    reset() {
      budget = { appPerHour: DEFAULT_APP_POINTS_PER_HOUR, sitePerHour: DEFAULT_SITE_POINTS_PER_HOUR };
      windowStart = Math.floor(now() / HOUR) * HOUR;
      used = requests = rejected = totalPoints = totalRequests = totalWrites = 0;
    },
    snapshot() {
      roll();
      return {
        ...budget,
        windowStart: new Date(windowStart).toISOString(),
        windowEnd: new Date(windowStart + HOUR).toISOString(),
        used,
        remaining: remaining(),
        requests,
        rejected,
        totalPoints,
        totalRequests,
        totalWrites,
      };
    },
  };
}

export type PointsMeter = ReturnType<typeof pointsMeter>;

export function pointsMeters(now: () => number) {
  const jira = pointsMeter('jira', now);
  const confluence = pointsMeter('confluence', now);
  return {
    jira,
    confluence,
    reset() {
      jira.reset();
      confluence.reset();
    },
    snapshot: () => ({ jira: jira.snapshot(), confluence: confluence.snapshot() }),
  };
}

export type PointsMeters = ReturnType<typeof pointsMeters>;
