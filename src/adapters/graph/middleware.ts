import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { AppError, ok, type AppErrorBody, type Result } from '../../core/result';
import { graphFailure, retryAfterSeconds, THROTTLING_STATUSES } from './errors';
import type { GraphBase } from './paths';

/**
 * Where the access token comes from: the accounts service's `accessToken(accountId, { forceRefresh })`
 * in production. `refresh: true` is asked once, after Graph refused the token with 401.
 */
export type TokenSource = (opts: { refresh: boolean }) => Promise<Result<{ accessToken: string }>>;

/** The subset of a WHATWG `Response` that both Node's fetch and @forge/api's `fetch` give. */
export interface GraphResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** `fetch` from @forge/api in production (egress-checked); any WHATWG fetch in tests. */
export type GraphFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal; redirect?: 'manual' },
) => Promise<GraphResponse>;

export interface RetryPolicy {
  /** Retries after the first attempt; the SDK's RetryHandler also defaults to 3. */
  maxRetries: number;
  /** Time kept back for the caller to answer after the last Graph call; no wait or request may eat into it. */
  safetyMarginMs: number;
  /** First backoff when Graph sends no Retry-After; doubles per retry. */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, safetyMarginMs: 2_000, backoffMs: 1_000 };

/**
 * Per-request state, handed to the chain through the SDK's own per-request channel
 * (`GraphRequest.middlewareOptions` → `context.middlewareControl`). A middleware that cannot go on
 * records the app's error here and throws; the SDK wraps whatever is thrown into its GraphError and
 * loses the code, so the facade reads the failure from here instead.
 */
export class GraphCall implements MiddlewareOptions {
  failure?: AppErrorBody;
}

const callOf = (context: Context): GraphCall => {
  const call = context.middlewareControl?.getMiddlewareOptions(GraphCall);
  // Every request is built by the facade with a GraphCall; a chain used without one is a bug.
  if (!(call instanceof GraphCall)) throw new Error('Graph request sent without a GraphCall');
  return call;
};

// The SDK types `request` as DOM's RequestInfo; its GraphRequest always passes the URL string.
const urlOf = (context: Context): string => {
  const request: unknown = context.request;
  return typeof request === 'string' ? request : (request as { url: string }).url;
};

const stop = (call: GraphCall, failure: AppErrorBody): never => {
  call.failure = failure;
  throw new AppError(failure.code, failure.message);
};

/** Reads and drops a body we will not use, so the connection goes back to the pool. */
const discard = async (res: GraphResponse | undefined): Promise<void> => {
  await res?.text().catch(() => undefined);
};

/**
 * Shares one access token between the requests of one client (one invocation), and one refresh
 * between requests that were refused at the same time. Failures are not kept: the next request asks
 * again. Instances live only as long as the client, never in module scope.
 */
class TokenKeeper {
  private latest: string | undefined;
  private pending: Promise<Result<{ accessToken: string }>> | undefined;
  constructor(private readonly source: TokenSource) {}

  current(): Promise<Result<{ accessToken: string }>> {
    if (this.pending) return this.pending;
    if (this.latest !== undefined) return Promise.resolve(ok({ accessToken: this.latest }));
    return this.ask(false);
  }

  /** A token other than `rejected`: one someone else already got, or one fresh refresh. */
  renewed(rejected: string): Promise<Result<{ accessToken: string }>> {
    if (this.pending) return this.pending;
    if (this.latest !== undefined && this.latest !== rejected) return Promise.resolve(ok({ accessToken: this.latest }));
    return this.ask(true);
  }

  private ask(refresh: boolean): Promise<Result<{ accessToken: string }>> {
    const p = this.source({ refresh }).then((r) => {
      if (this.pending === p) this.pending = undefined;
      if (r.ok) this.latest = r.value.accessToken;
      return r;
    });
    this.pending = p;
    return p;
  }
}

const withAuthorization = (context: Context, token: string): void => {
  const headers = { ...(context.options?.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` };
  context.options = { ...context.options, headers };
};

/**
 * Puts the account's token on requests under the configured Graph base — and refuses to send anything
 * else, so a URL built from a hostile nextLink (or the SDK's own host switching) never carries it.
 * On 401 it asks one refreshed token and sends once more; a second 401 is the caller's answer.
 */
export class AuthMiddleware implements Middleware {
  private next: Middleware | undefined;
  private readonly tokens: TokenKeeper;
  constructor(private readonly base: GraphBase, source: TokenSource) {
    this.tokens = new TokenKeeper(source);
  }

  async execute(context: Context): Promise<void> {
    const call = callOf(context);
    if (this.base.relative(urlOf(context)) === undefined) return stop(call, graphFailure({ kind: 'foreign_url' }).toBody());
    const first = await this.tokens.current();
    if (!first.ok) return stop(call, first.error);
    withAuthorization(context, first.value.accessToken);
    await this.forward(context);
    if (context.response?.status !== 401) return;

    const second = await this.tokens.renewed(first.value.accessToken);
    if (!second.ok) return stop(call, second.error);
    await discard(context.response);
    withAuthorization(context, second.value.accessToken);
    await this.forward(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  private async forward(context: Context): Promise<void> {
    if (!this.next) throw new Error('AuthMiddleware has no next middleware');
    await this.next.execute(context);
  }
}

/** RFC 9110 §9.2.2: a repeated request has the same effect. A 504 may hide a POST that was carried out. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export interface RetryDeps {
  policy: RetryPolicy;
  remainingMs: () => number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/**
 * Waits out 429/503/504 as Graph's throttling guidance says (Retry-After, else backoff) — but only
 * while the wait still fits in the function's remaining time less the safety margin. When it does not
 * fit, or after `maxRetries`, the throttled answer goes back to the caller at once (→ THROTTLED with
 * retryAfterSeconds), so a resolver never dies mid-wait at its 25 s limit.
 */
export class RetryMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly d: RetryDeps) {}

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('RetryMiddleware has no next middleware');
    const method = (context.options?.method ?? 'GET').toUpperCase();
    for (let attempt = 0; ; attempt++) {
      await this.next.execute(context);
      const res: GraphResponse | undefined = context.response;
      if (!res || !THROTTLING_STATUSES.has(res.status)) return;
      if (res.status === 504 && !IDEMPOTENT.has(method)) return;
      if (attempt >= this.d.policy.maxRetries) return;
      const told = retryAfterSeconds(res.headers.get('retry-after'), this.d.now());
      const waitMs = told !== undefined ? told * 1000 : this.d.policy.backoffMs * 2 ** attempt;
      if (waitMs + this.d.policy.safetyMarginMs > this.d.remainingMs()) return;
      await discard(res);
      await this.d.sleep(waitMs);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * The end of the chain: the injected fetch, bounded by the function's remaining time less the safety
 * margin, so a hanging Graph call ends as MS_UNAVAILABLE (timeout) while the function can still answer.
 */
export class FetchHandler implements Middleware {
  constructor(private readonly fetch: GraphFetch, private readonly d: Pick<RetryDeps, 'policy' | 'remainingMs'>) {}

  async execute(context: Context): Promise<void> {
    const call = callOf(context);
    const budgetMs = this.d.remainingMs() - this.d.policy.safetyMarginMs;
    if (budgetMs <= 0) return stop(call, graphFailure({ kind: 'timeout' }).toBody());
    const o = context.options ?? {};
    // The facade sends JSON only; the SDK has serialised it to a string by now.
    if (o.body !== undefined && o.body !== null && typeof o.body !== 'string') throw new TypeError('Graph request body must be a JSON string');
    const body = typeof o.body === 'string' ? o.body : undefined;
    try {
      context.response = (await this.fetch(urlOf(context), {
        method: o.method ?? 'GET',
        headers: { ...(o.headers as Record<string, string> | undefined) },
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(budgetMs),
        // Graph's JSON API does not redirect; a redirect is not followed, so the token cannot travel with it.
        redirect: 'manual',
      })) as unknown as Response;
    } catch (e) {
      return stop(call, graphFailure({ kind: 'network', error: e }).toBody());
    }
  }
}
