import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import { ok, type Failure, type Result } from '../../core/result';
import { graphFailure, type GraphFailureInput } from './errors';
import {
  AuthMiddleware,
  DEFAULT_RETRY,
  FetchHandler,
  GraphCall,
  RetryMiddleware,
  type GraphFetch,
  type GraphResponse,
  type RetryPolicy,
  type TokenSource,
} from './middleware';
import { graphBase, requestPath } from './paths';

export interface GraphClientDeps {
  /** `https://graph.microsoft.com/v1.0` (Forge variable / settings); the emulator's in local runs. */
  baseUrl: string;
  token: TokenSource;
  fetch: GraphFetch;
  /** Milliseconds this function invocation has left (Forge: `getAppContext().invocationRemainingTimeInMillis()`). */
  remainingMs: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** `$select`; on `pages` it is sent with the first page only (nextLinks carry it). */
  select?: readonly string[];
}

export interface Page<T> {
  items: T[];
  /** Present when `maxPages` stopped the walk: a path under the base to continue from (already checked). */
  next?: string;
}

export type BatchMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface BatchPart {
  method?: BatchMethod;
  /** Below the version, e.g. graphPath`/me/messages/${id}`. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Keys of other parts this one waits for; Graph answers 424 for it when one of them failed. */
  dependsOn?: string[];
}

/** Graph's `$batch` limit (https://learn.microsoft.com/graph/json-batching). */
export const MAX_BATCH_PARTS = 20;

interface BatchAnswer {
  responses?: Array<{ id?: unknown; status?: unknown; headers?: unknown; body?: unknown }>;
}

const headerIn = (headers: unknown, name: string): string | undefined => {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const hit = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return typeof hit?.[1] === 'string' ? hit[1] : undefined;
};

/**
 * The server's Microsoft Graph client: the SDK's `Client` over our own middleware chain (token →
 * throttling waits → injected fetch), with every failure as the app's error value. Create one per
 * invocation and account (`forAccount` in ./forge.ts); it keeps that account's token between calls.
 *
 * @example
 * const graph = forAccount(services().accounts, context.accountId, settings);
 * const msg = await graph.get<Message>(graphPath`/me/messages/${id}`, { headers: immutableIds(), select: ['subject'] });
 * if (!msg.ok) return msg;
 */
export function graphClient(deps: GraphClientDeps) {
  const base = graphBase(deps.baseUrl);
  const now = deps.now ?? Date.now;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...deps.retry };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const auth = new AuthMiddleware(base, deps.token);
  const retry = new RetryMiddleware({ policy, remainingMs: deps.remainingMs, sleep, now });
  auth.setNext(retry);
  retry.setNext(new FetchHandler(deps.fetch, { policy, remainingMs: deps.remainingMs }));
  const client = Client.initWithMiddleware({ middleware: auth, baseUrl: base.host, defaultVersion: base.version });
  const failed = (input: GraphFailureInput): Failure => ({ ok: false, error: graphFailure(input, now).toBody() });

  async function read<T>(res: GraphResponse, path: string): Promise<Result<T>> {
    const text = await res.text();
    let body: unknown = text;
    const json = /\bjson\b/i.test(res.headers.get('content-type') ?? '');
    if (json && text !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        if (res.status >= 200 && res.status < 300) return failed({ kind: 'bad_body', status: res.status });
        body = undefined;
      }
    }
    if (res.status >= 200 && res.status < 300) return ok((text === '' ? undefined : body) as T);
    return failed({ kind: 'response', status: res.status, retryAfter: res.headers.get('retry-after'), body, path });
  }

  async function send<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions & { body?: unknown } = {}): Promise<Result<T>> {
    const p = requestPath(path);
    const call = new GraphCall();
    const request = client.api(p).middlewareOptions([call]).responseType(ResponseType.RAW);
    if (opts.headers) request.headers(opts.headers);
    if (opts.select && opts.select.length > 0) request.select([...opts.select]);
    let res: GraphResponse;
    try {
      res = (await (method === 'GET' ? request.get() : method === 'POST' ? request.post(opts.body) : method === 'PATCH' ? request.patch(opts.body) : request.delete())) as GraphResponse;
    } catch (e) {
      // The chain recorded why it stopped; anything else is a bug in the chain or the SDK.
      if (call.failure) return { ok: false, error: call.failure };
      throw e;
    }
    return read<T>(res, p);
  }

  /**
   * Follows `@odata.nextLink` itself (the SDK's PageIterator mis-joins http links) for at most
   * `maxPages` pages (one at least). A nextLink outside the configured base is refused before anything is sent.
   */
  async function pages<T>(path: string, opts: RequestOptions & { maxPages: number }): Promise<Result<Page<T>>> {
    const items: T[] = [];
    let current = path;
    for (let n = 1; ; n++) {
      const r = await send<{ value?: unknown; '@odata.nextLink'?: unknown } | undefined>('GET', current, n === 1 ? opts : { ...(opts.headers ? { headers: opts.headers } : {}) });
      if (!r.ok) return r;
      const page = r.value?.value;
      if (!Array.isArray(page)) return failed({ kind: 'bad_body', status: 200 });
      items.push(...(page as T[]));
      const link = r.value?.['@odata.nextLink'];
      if (link === undefined) return ok({ items });
      const next = typeof link === 'string' ? base.relative(link) : undefined;
      if (next === undefined) return failed({ kind: 'foreign_url' });
      if (n >= opts.maxPages) return ok({ items, next });
      current = next;
    }
  }

  /**
   * One `$batch` round trip; each part answers with its own Result, mapped like a single request.
   * Graph answers 200 even when parts fail, and throttles parts one by one: a throttled part comes back
   * as THROTTLED with its own Retry-After and is not retried here.
   */
  async function batch<T extends Record<string, unknown>>(parts: Record<keyof T & string, BatchPart>): Promise<Result<{ [K in keyof T]: Result<T[K]> }>> {
    const ids = Object.keys(parts) as Array<keyof T & string>;
    if (ids.length > MAX_BATCH_PARTS) throw new RangeError(`A Graph $batch holds at most ${String(MAX_BATCH_PARTS)} requests, not ${String(ids.length)}`);
    const out = {} as { [K in keyof T]: Result<T[K]> };
    if (ids.length === 0) return ok(out);
    const requests = ids.map((id) => {
      const p = parts[id];
      const headers = { ...(p.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...p.headers };
      return {
        id,
        method: p.method ?? 'GET',
        url: requestPath(p.path),
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        ...(p.body !== undefined ? { body: p.body } : {}),
        ...(p.dependsOn ? { dependsOn: p.dependsOn } : {}),
      };
    });
    const r = await send<BatchAnswer | undefined>('POST', '/$batch', { body: { requests } });
    if (!r.ok) return r;
    const answers = Array.isArray(r.value?.responses) ? r.value.responses : [];
    for (const id of ids) {
      const a = answers.find((x) => x.id === id);
      const status = typeof a?.status === 'number' ? a.status : undefined;
      if (!a || status === undefined) {
        out[id] = failed({ kind: 'bad_body', status: 200 });
      } else if (status >= 200 && status < 300) {
        out[id] = ok(a.body as T[typeof id]);
      } else {
        out[id] = failed({ kind: 'response', status, retryAfter: headerIn(a.headers, 'retry-after'), body: a.body, path: parts[id].path });
      }
    }
    return ok(out);
  }

  return {
    get: <T>(path: string, opts?: RequestOptions) => send<T>('GET', path, opts),
    post: <T>(path: string, body: unknown, opts?: Pick<RequestOptions, 'headers'>) => send<T>('POST', path, { ...opts, body }),
    patch: <T>(path: string, body: unknown, opts?: Pick<RequestOptions, 'headers'>) => send<T>('PATCH', path, { ...opts, body }),
    delete: (path: string, opts?: Pick<RequestOptions, 'headers'>) => send<undefined>('DELETE', path, opts),
    pages,
    batch,
  };
}

export type GraphClient = ReturnType<typeof graphClient>;
