import { prng } from './data/ids';

export interface GraphFaults {
  latencyMs: number;
  rate429: number;
  rate503: number;
  retryAfterSeconds: number;
  failNext: Array<{ status: 429 | 503 | 500; retryAfterSeconds?: number }>;
}

export interface InjectedFault {
  status: 429 | 503 | 500;
  retryAfterSeconds?: number;
}

export interface Faults {
  get(): GraphFaults;
  set(patch: Partial<GraphFaults>): GraphFaults;
  /** For one HTTP request: a queued `failNext` first, then the random rates unless `randomToo` is false. */
  draw(randomToo: boolean): InjectedFault | undefined;
  /** For one `$batch` part: only the random rates (the queue belongs to whole HTTP requests). */
  drawRandom(): InjectedFault | undefined;
  reset(): void;
}

const NONE: GraphFaults = { latencyMs: 0, rate429: 0, rate503: 0, retryAfterSeconds: 1, failNext: [] };

/** The statuses the queue can inject (respond.ts answers each with Graph's own error code). */
const INJECTABLE: ReadonlyArray<InjectedFault['status']> = [429, 503, 500];

/**
 * Refuses a patch the emulator cannot carry out, before anything changes (the control answers 400 with this
 * message): a queued status it has no Graph error for (a 403 once crashed the next Graph request instead), a
 * rate outside 0–1, a negative wait. Other refusals (403 and the like) are the tenant's, not a fault: revoke a
 * consent or remove a permission in the emulator instead.
 */
function checkPatch(patch: Partial<GraphFaults>): void {
  const number = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
  for (const k of ['rate429', 'rate503'] as const) if (patch[k] !== undefined && !number(patch[k], 0, 1)) throw new Error(`${k} must be a number from 0 to 1`);
  for (const k of ['latencyMs', 'retryAfterSeconds'] as const) if (patch[k] !== undefined && !number(patch[k], 0, 3_600_000)) throw new Error(`${k} must be a number ≥ 0`);
  if (patch.failNext === undefined) return;
  if (!Array.isArray(patch.failNext)) throw new Error('failNext must be a list of { status, retryAfterSeconds? }');
  for (const f of patch.failNext as unknown[]) {
    const status = typeof f === 'object' && f !== null ? (f as { status?: unknown }).status : undefined;
    if (!INJECTABLE.includes(status as InjectedFault['status'])) throw new Error(`failNext status ${JSON.stringify(status)} cannot be injected: use ${INJECTABLE.join(', ')}`);
    const wait = (f as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (wait !== undefined && !number(wait, 0, 3600)) throw new Error('failNext retryAfterSeconds must be a number ≥ 0');
  }
}

// A fixed seed keeps "random" throttling reproducible from one test run to the next.
const SEED = 0x5eed;

export const createFaults = (): Faults => {
  let state: GraphFaults = { ...NONE, failNext: [] };
  let rand = prng(SEED);

  const drawRandom = (): InjectedFault | undefined => {
    const r = rand();
    if (r < state.rate429) return { status: 429, retryAfterSeconds: state.retryAfterSeconds };
    if (r < state.rate429 + state.rate503) return { status: 503, retryAfterSeconds: state.retryAfterSeconds };
    return undefined;
  };

  return {
    get: () => ({ ...state, failNext: state.failNext.map((f) => ({ ...f })) }),
    set: (patch) => {
      checkPatch(patch);
      state = { ...state, ...patch, failNext: (patch.failNext ?? state.failNext).map((f) => ({ ...f })) };
      return { ...state, failNext: state.failNext.map((f) => ({ ...f })) };
    },
    draw: (randomToo) => {
      const queued = state.failNext.shift();
      if (queued) return { ...queued, retryAfterSeconds: queued.retryAfterSeconds ?? state.retryAfterSeconds };
      return randomToo ? drawRandom() : undefined;
    },
    drawRandom,
    reset: () => {
      state = { ...NONE, failNext: [] };
      rand = prng(SEED);
    },
  };
};
