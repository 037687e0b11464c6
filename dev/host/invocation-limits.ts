import { Hono } from 'hono';
import type { LocalService } from './services/service';

/**
 * Forge's rate limits on user-led invocations (a Custom UI `invoke`), on a fixed one-minute window
 * (limits-invocation, "User-led invocations have the following rate limits, which are applied on a
 * fixed one-minute window"): per user on one installation, per installation across its users, per app
 * across all installations of the environment.
 */
export interface InvocationRateLimits {
  perUserPerInstallation: number;
  perInstallation: number;
  perApp: number;
}

/** limits-invocation: "Per user 1,200", "Per install 5,000", "Per app 30,000" invocations per minute. */
export const DEFAULT_INVOCATION_RATE_LIMITS: InvocationRateLimits = { perUserPerInstallation: 1200, perInstallation: 5000, perApp: 30_000 };

const WINDOW_MS = 60_000;

export type Admission = { ok: true } | { ok: false; limit: keyof InvocationRateLimits; max: number; retryAfterSeconds: number };

export interface InvocationLimiter extends LocalService {
  /** Counts one invocation by `user` (account id, or the anonymous one) on `installation`, or refuses it. */
  admit(user: string, installation: string): Admission;
}

function checkLimits(patch: Record<string, unknown>, current: InvocationRateLimits): InvocationRateLimits {
  const next = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (!(k in DEFAULT_INVOCATION_RATE_LIMITS)) throw new Error(`invocations: unknown limit "${k}" (known: ${Object.keys(DEFAULT_INVOCATION_RATE_LIMITS).join(', ')})`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`invocations: ${k} must be a whole number ≥ 1`);
    next[k as keyof InvocationRateLimits] = v;
  }
  return next;
}

/**
 * The limiter, as a local service so the control API shows its counters (`stats.invocations`) and can
 * lower its limits (`POST /__emulator/faults {"invocations":{"limits":{…}}}`) to meet a refusal sooner.
 * A refused invocation runs nothing. `now` is the host clock, so a clock jump starts a new window.
 */
export function invocationLimiter(now: () => number): InvocationLimiter {
  let limits: InvocationRateLimits = { ...DEFAULT_INVOCATION_RATE_LIMITS };
  let window = -1;
  let perUser = new Map<string, number>();
  let perInstallation = new Map<string, number>();
  let perApp = 0;
  let admitted = 0;
  let limited = 0;

  const roll = () => {
    const w = Math.floor(now() / WINDOW_MS);
    if (w === window) return;
    window = w;
    perUser = new Map();
    perInstallation = new Map();
    perApp = 0;
  };

  return {
    name: 'invocations',
    app: new Hono(),
    admit(user, installation) {
      roll();
      const userKey = `${installation}\u0000${user}`;
      const u = perUser.get(userKey) ?? 0;
      const i = perInstallation.get(installation) ?? 0;
      const refuse = (limit: keyof InvocationRateLimits): Admission => {
        limited++;
        return { ok: false, limit, max: limits[limit], retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now()) / 1000)) };
      };
      if (u >= limits.perUserPerInstallation) return refuse('perUserPerInstallation');
      if (i >= limits.perInstallation) return refuse('perInstallation');
      if (perApp >= limits.perApp) return refuse('perApp');
      perUser.set(userKey, u + 1);
      perInstallation.set(installation, i + 1);
      perApp++;
      admitted++;
      return { ok: true };
    },
    reset() {
      window = -1;
      admitted = 0;
      limited = 0;
      limits = { ...DEFAULT_INVOCATION_RATE_LIMITS };
    },
    stats: () => ({ admitted, limited }),
    faults: {
      key: 'invocations',
      get: () => ({ limits: { ...limits } }),
      set(patch) {
        const l = patch.limits;
        if (l !== undefined) {
          if (typeof l !== 'object' || l === null || Array.isArray(l)) throw new Error('invocations: limits must be an object');
          limits = checkLimits(l as Record<string, unknown>, limits);
        }
        return { limits: { ...limits } };
      },
    },
  };
}
