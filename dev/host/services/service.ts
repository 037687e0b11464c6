import type { Hono } from 'hono';

/**
 * An emulated outside service (Microsoft 365 today). The host serves `app` on the service's own origins
 * (`ownOrigins`) or mounts it at `/`, `control` under `/__emulator`, and folds `reset`, `stats` and `faults`
 * into the control API; it knows nothing else about the service.
 */
export interface LocalService {
  /** Key of this service's counters in `/__emulator/state` → `stats`. */
  readonly name: string;
  readonly app: Hono;
  /** True when `app` is served on the service's own origins (one per host it emulates), not mounted on the host's. */
  readonly ownOrigins?: boolean;
  reset(): void | Promise<void>;
  stats?(): object;
  /** Injectable failures, under `faults[key]` in the state and in `POST /__emulator/faults`. */
  readonly faults?: { key: string; get(): unknown; set(patch: Record<string, unknown>): unknown };
  /** Service-specific control routes, mounted under `/__emulator`. */
  readonly control?: Hono;
}
