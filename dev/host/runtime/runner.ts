import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { HostToWorker, InvocationIdentity, RuntimeInit, WorkerToHost } from './protocol';

export type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; kind: 'timeout' | 'function' | 'crash'; error: { name: string; message: string; stack?: string } };

export interface PlatformRequest {
  identity: InvocationIdentity;
  meta: Record<string, unknown>;
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RunnerOptions {
  buildDir: string;
  nodePath: string;
  egress: string[];
  /** Forge environment variables, as `forge variables set` would provide them. */
  variables: Record<string, string>;
  runtimeInit: (invocationId: string, identity: InvocationIdentity) => RuntimeInit;
  /** Serves the worker's `__forge_fetch__` calls (KVS, product REST, platform GraphQL). */
  platform: (req: PlatformRequest) => Promise<Response>;
  /** How far the host clock is ahead of real time; the function's `Date` follows it. */
  clockOffsetMs?: () => number;
  /**
   * On average one invocation in `freshEvery` gets a new process (0 or undefined: always reuse), chosen by a PRNG
   * seeded with `seed`, so the same seed replays the same sequence. Forge "may reuse a warm execution process across
   * multiple tenant invocations without clearing module-level state" and starts cold ones too (shared
   * responsibility model, Tenant safety): module state that leaks between invocations shows up here.
   */
  freshEvery?: number;
  seed?: number;
  log?: (line: string) => void;
}

interface Pending {
  resolve: (o: Outcome) => void;
  timer: NodeJS.Timeout;
  identity: InvocationIdentity;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/**
 * Runs app functions in a child process, as `forge tunnel` does, so the host's own traffic never
 * passes through the app's egress filter. A function that overruns its time limit gets the
 * platform's timeout and its process is replaced: runaway code does not keep running.
 */
export function createRunner(opts: RunnerOptions) {
  let child: ChildProcess | undefined;
  let ready: Promise<void> | undefined;
  const pending = new Map<string, Pending>();
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const random = seededRandom(opts.seed ?? 1);
  let freshProcesses = 0;

  function start(): Promise<void> {
    const proc = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        PATH: process.env.PATH ?? '',
        NODE_PATH: opts.nodePath,
        NODE_OPTIONS: '',
        FORGE_LOCAL_BUILD: opts.buildDir,
        FORGE_LOCAL_EGRESS: JSON.stringify(opts.egress),
        ...opts.variables,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child = proc;
    proc.stdout?.on('data', (d: Buffer) => log(`[app] ${d.toString().trimEnd()}`));
    proc.stderr?.on('data', (d: Buffer) => log(`[app] ${d.toString().trimEnd()}`));
    const started = new Promise<void>((resolve, reject) => {
      proc.once('error', reject);
      proc.on('message', (m: WorkerToHost) => {
        if (m.type === 'ready') resolve();
        else void onMessage(proc, m);
      });
      proc.once('exit', (code) => {
        reject(new Error(`function runtime exited (${code}) before it was ready`));
        // Only an unexpected exit fails what is in flight; restart() and close() already did.
        if (child === proc) {
          child = undefined;
          ready = undefined;
          failAll('crash', `The function runtime stopped unexpectedly (exit ${code}).`);
        }
      });
    });
    return started;
  }

  function failAll(kind: 'crash' | 'timeout', message: string) {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, kind, error: { name: kind === 'timeout' ? 'TIMEOUT' : 'FUNCTION_ERR', message } });
      pending.delete(id);
    }
  }

  async function onMessage(proc: ChildProcess, m: WorkerToHost) {
    if (m.type === 'result') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      p.resolve(m.ok ? { ok: true, value: m.value } : { ok: false, kind: 'function', error: m.error });
      return;
    }
    if (m.type === 'forgeFetch') {
      const identity = pending.get(m.invocationId)?.identity ?? { moduleKey: 'unknown' };
      let reply: HostToWorker;
      try {
        const res = await opts.platform({ identity, meta: m.meta, path: m.path, method: m.method, headers: m.headers, ...(m.body === undefined ? {} : { body: m.body }) });
        reply = { type: 'fetchResult', id: m.id, status: res.status, headers: [...res.headers.entries()], body: await res.text() };
      } catch (e) {
        reply = { type: 'fetchResult', id: m.id, status: 500, headers: [['content-type', 'application/json']], body: JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: (e as Error).message }) };
      }
      if (proc.connected) proc.send(reply);
    }
  }

  async function invoke(req: { handler: string; event: unknown; context: unknown; identity: InvocationIdentity; timeoutMs: number }): Promise<Outcome> {
    // A cold start for this invocation, when the dice say so and nothing else runs in the warm process.
    if (opts.freshEvery && opts.freshEvery > 0 && child && pending.size === 0 && random() < 1 / opts.freshEvery) {
      const old = child;
      child = undefined;
      ready = undefined;
      freshProcesses++;
      old.kill('SIGTERM');
    }
    if (!ready) ready = start();
    try {
      await ready;
    } catch (e) {
      ready = undefined;
      return { ok: false, kind: 'crash', error: { name: 'FUNCTION_ERR', message: (e as Error).message } };
    }
    const proc = child;
    if (!proc?.connected) return { ok: false, kind: 'crash', error: { name: 'FUNCTION_ERR', message: 'The function runtime is not running.' } };
    const id = randomUUID();
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({ ok: false, kind: 'timeout', error: { name: 'TIMEOUT', message: `The function did not finish within ${Math.round(req.timeoutMs / 1000)} seconds and was stopped.` } });
        log(`[host] ${req.handler} timed out after ${req.timeoutMs} ms; restarting the function runtime`);
        restart();
      }, req.timeoutMs);
      pending.set(id, { resolve, timer, identity: req.identity });
      const msg: HostToWorker = { type: 'invoke', id, handler: req.handler, event: req.event, context: req.context, identity: req.identity, timeoutMs: req.timeoutMs, clockOffsetMs: opts.clockOffsetMs?.() ?? 0, runtime: opts.runtimeInit(id, req.identity) };
      proc.send(msg);
    });
  }

  function restart() {
    const old = child;
    child = undefined;
    ready = undefined;
    failAll('crash', 'The function runtime was restarted after another invocation timed out.');
    old?.kill('SIGKILL');
  }

  async function close() {
    const old = child;
    child = undefined;
    ready = undefined;
    failAll('crash', 'The host is shutting down.');
    if (old && old.exitCode === null) {
      const exited = new Promise((r) => old.once('exit', r));
      old.kill('SIGTERM');
      await exited;
    }
  }

  return { invoke, close, restart, stats: () => ({ freshProcesses }) };
}

/** mulberry32: small, fast and the same on every machine for a given seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

export type Runner = ReturnType<typeof createRunner>;
