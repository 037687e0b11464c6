import type { Hono } from 'hono';

/**
 * An emulated outside service the host serves on its own origin (Microsoft 365 today). The host
 * mounts `app` at `/`, `control` under `/__emulator`, and folds `reset`, `stats` and `faults`
 * into the control API; it knows nothing else about the service.
 */
export interface LocalService {
  /** Key of this service's counters in `/__emulator/state` → `stats`. */
  readonly name: string;
  readonly app: Hono;
  reset(): void | Promise<void>;
  stats?(): object;
  /** Injectable failures, under `faults[key]` in the state and in `POST /__emulator/faults`. */
  readonly faults?: { key: string; get(): unknown; set(patch: Record<string, unknown>): unknown };
  /** Service-specific control routes, mounted under `/__emulator`. */
  readonly control?: Hono;
}
