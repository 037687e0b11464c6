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
