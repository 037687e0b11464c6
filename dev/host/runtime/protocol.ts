/** Messages between the host and the function worker (child process, like `forge tunnel`). */

export interface InvocationIdentity {
  accountId?: string;
  moduleKey: string;
  /** The installation the invocation runs in (`jira`, `confluence`): its storage, context ARI and installation id. */
  installation?: string;
}

export type HostToWorker =
  | { type: 'invoke'; id: string; handler: string; event: unknown; context: unknown; runtime: RuntimeInit; identity: InvocationIdentity; timeoutMs: number; clockOffsetMs: number }
  | { type: 'fetchResult'; id: number; status: number; headers: Array<[string, string]>; body: string };

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'result'; id: string; ok: true; value: unknown }
  | { type: 'result'; id: string; ok: false; error: { name: string; message: string; stack?: string } }
  | { type: 'forgeFetch'; id: number; invocationId: string; meta: Record<string, unknown>; path: string; method: string; headers: Record<string, string>; body?: string };

/** The serialisable part of `__forge_runtime__`; functions (metrics, remaining time) are added in the worker. */
export interface RuntimeInit {
  appContext: Record<string, unknown>;
  contextAri: string;
  proxy: { token: string; url: string };
  tracing: { traceId: string; spanId: string };
  externalAuth: unknown[];
}
