/**
 * The function runtime: a child process that provides what Forge's runtime provides
 * (`__forge_runtime__`, `__forge_fetch__`, an egress-filtering `fetch`) and then loads the app's
 * bundle unmodified. Invocations run concurrently, each with its own runtime object
 * (AsyncLocalStorage), because @forge/api reads the global at call time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { HostToWorker, RuntimeInit, WorkerToHost } from './protocol';

const require = createRequire(import.meta.url);
const send = (m: WorkerToHost) => process.send?.(m);
const als = new AsyncLocalStorage<{ id: string; runtime: Record<string, unknown>; egress: { used: number; limit: number } }>();
const nativeFetch = globalThis.fetch;

// --- __forge_fetch__: product, KVS and platform calls go to the host over IPC -------------------
let seq = 0;
const pendingFetches = new Map<number, (r: Extract<HostToWorker, { type: 'fetchResult' }>) => void>();

Object.defineProperty(globalThis, '__forge_runtime__', { get: () => als.getStore()?.runtime, configurable: true });

(globalThis as any).__forge_fetch__ = async (meta: Record<string, unknown>, path: string, init: RequestInit = {}) => {
  const store = als.getStore();
  if (!store) throw new Error('Forge runtime not found: __forge_fetch__ called outside an invocation.');
  const id = ++seq;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  const body = init.body == null ? undefined : typeof init.body === 'string' ? init.body : await new Response(init.body as ConstructorParameters<typeof Response>[0]).text();
  const reply = await new Promise<Extract<HostToWorker, { type: 'fetchResult' }>>((resolve) => {
    pendingFetches.set(id, resolve);
    send({ type: 'forgeFetch', id, invocationId: store.id, meta, path, method: init.method ?? 'GET', headers, ...(body === undefined ? {} : { body }) });
  });
  return new Response(reply.status === 204 || reply.status === 304 ? null : reply.body, { status: reply.status, headers: reply.headers });
};

// --- clock: the function sees the host clock (moved by /__emulator/clock), as the KVS and Microsoft do ---
// The offset comes with each invocation; a Proxy keeps \`instanceof Date\`, \`Date()\` and \`Date.parse\` intact.
const RealDate = Date;
let clockOffsetMs = 0;
const hostNow = () => RealDate.now() + clockOffsetMs;
globalThis.Date = new Proxy(RealDate, {
  construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [hostNow()] : args, newTarget),
  apply: () => new RealDate(hostNow()).toString(),
  get: (target, prop, receiver) => (prop === 'now' ? hostNow : Reflect.get(target, prop, receiver)),
});

// --- egress: installed before the app (and @forge/api, which captures global fetch) loads -------
const allowed: string[] = JSON.parse(process.env.FORGE_LOCAL_EGRESS ?? '[]');
const { EgressFilteringService } = require('@forge/egress') as typeof import('@forge/egress');
const egress = new EgressFilteringService(allowed);

const refuse = (url: string): never => {
  const { ExternalEndpointNotAllowedError } = require('@forge/api') as typeof import('@forge/api');
  throw new ExternalEndpointNotAllowedError(url);
};

/**
 * limits-invocation: "Egress requests | 100 per runtime minute (rounded up) | Number of network requests per
 * invocation, excluding those made using requestJira or requestConfluence" (a 25 s or 55 s function: 100).
 */
function countEgress(url: string): void {
  const budget = als.getStore()?.egress;
  if (!budget) return;
  budget.used++;
  if (budget.used > budget.limit) throw new Error(`Egress request limit exceeded: at most ${budget.limit} network requests per invocation (${url}).`);
}

const MAX_REDIRECTS = 20;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/**
 * Every hop is checked, not only the first: a redirect from an allowed host to one the manifest does not list
 * fails as the first request would (Forge's egress control sees each request the function's runtime makes).
 */
globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
  const first = input instanceof Request ? input : undefined;
  let url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!egress.isValidUrl(url)) refuse(url);
  countEgress(url);
  const mode = init?.redirect ?? first?.redirect ?? 'follow';
  if (mode !== 'follow') return nativeFetch(input, init);
  let method = (init?.method ?? first?.method ?? 'GET').toUpperCase();
  const headers = new Headers(init?.headers ?? first?.headers);
  let body: ArrayBuffer | string | undefined =
    init?.body == null ? (first && method !== 'GET' && method !== 'HEAD' ? await first.clone().arrayBuffer() : undefined) : typeof init.body === 'string' ? init.body : await new Response(init.body as ConstructorParameters<typeof Response>[0]).arrayBuffer();
  for (let hops = 0; ; hops++) {
    const res = await nativeFetch(url, { ...init, method, headers, ...(body === undefined ? {} : { body }), redirect: 'manual', signal: init?.signal ?? first?.signal ?? null });
    const location = res.headers.get('location');
    if (!REDIRECT.has(res.status) || !location) return res;
    if (hops >= MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
    url = new URL(location, url).href;
    if (!egress.isValidUrl(url)) refuse(url);
    countEgress(url);
    // The fetch standard's method rewrite: 303 → GET, and 301/302 turn POST into GET.
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers.delete('content-type');
      headers.delete('content-length');
    }
    await res.body?.cancel();
  }
};

/**
 * Clients other than fetch: `http(s).request` and `http(s).get` to a host the manifest does not list throw the
 * same error, loudly, instead of quietly reaching the network.
 */
function targetOf(args: unknown[], protocol: 'http:' | 'https:'): string {
  const [a, b] = args;
  if (typeof a === 'string') return new URL(a).href;
  if (a instanceof URL) return a.href;
  const o = { ...(a && typeof a === 'object' ? a : {}), ...(b && typeof b === 'object' && typeof b !== 'function' ? b : {}) } as { protocol?: string; hostname?: string; host?: string; port?: number | string; path?: string };
  const host = o.hostname ?? (o.host ?? 'localhost').replace(/:\d+$/, '');
  return `${o.protocol ?? protocol}//${host}${o.port ? `:${o.port}` : ''}${o.path ?? '/'}`;
}
for (const [mod, protocol] of [[require('node:http'), 'http:'], [require('node:https'), 'https:']] as const) {
  for (const name of ['request', 'get'] as const) {
    const original = (mod as Record<string, (...a: unknown[]) => unknown>)[name] as (...a: unknown[]) => unknown;
    (mod as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      const url = targetOf(args, protocol);
      if (!egress.isValidUrl(url)) refuse(url);
      countEgress(url);
      return original.apply(this, args);
    };
  }
}

// --- invocations -------------------------------------------------------------------------------
const bundles = new Map<string, Record<string, unknown>>();
function resolveHandler(handler: string): (...args: unknown[]) => unknown {
  const dot = handler.lastIndexOf('.');
  const file = handler.slice(0, dot);
  const exported = handler.slice(dot + 1);
  let mod = bundles.get(file);
  if (!mod) {
    mod = require(`${process.env.FORGE_LOCAL_BUILD}/${file}.cjs`) as Record<string, unknown>;
    bundles.set(file, mod);
  }
  const fn = mod[exported];
  if (typeof fn !== 'function') throw new Error(`Handler '${handler}' is not an exported function.`);
  return fn as (...args: unknown[]) => unknown;
}

function runtimeFor(init: RuntimeInit, deadline: number): Record<string, unknown> {
  const noop = { incr: () => {}, decr: () => {} };
  return {
    ...init,
    lambdaContext: { getRemainingTimeInMillis: () => Math.max(0, deadline - RealDate.now()) },
    metrics: { counter: () => noop, timing: () => ({ measure: () => ({ stop: () => {} }) }) },
  };
}

const serialiseError = (e: unknown) => {
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
};

process.on('message', (m: HostToWorker) => {
  if (m.type === 'fetchResult') {
    pendingFetches.get(m.id)?.(m);
    pendingFetches.delete(m.id);
    return;
  }
  if (m.type !== 'invoke') return;
  clockOffsetMs = m.clockOffsetMs;
  const runtime = runtimeFor(m.runtime, RealDate.now() + m.timeoutMs);
  const egressLimit = 100 * Math.max(1, Math.ceil(m.timeoutMs / 60_000));
  void als.run({ id: m.id, runtime, egress: { used: 0, limit: egressLimit } }, async () => {
    try {
      const value = await resolveHandler(m.handler)(m.event, m.context);
      send({ type: 'result', id: m.id, ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
    } catch (e) {
      send({ type: 'result', id: m.id, ok: false, error: serialiseError(e) });
    }
  });
});

process.on('unhandledRejection', (e) => console.error('[forge function] unhandled rejection:', e));
send({ type: 'ready' });
