import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { TenantModel } from '../data/model';
import type { Faults } from '../faults';
import type { TokenService } from '../identity/tokens';
import { authenticate } from './auth';
import { runBatch } from './batch';
import { buildRequest, dispatch, type Outcome } from './dispatch';
import { badRequest, toGraphError } from './errors';
import { answer, faultOutcome } from './respond';
import type { OutlookGate } from './outlook/throttle';
import type { Caller, GraphEnv, Route } from './types';
import type { UserStats } from './user-stats';

const PREFIX = '/graph/v1.0';

export interface GraphHttpDeps {
  env: GraphEnv;
  model: TenantModel;
  routes: readonly Route[];
  tokens: TokenService;
  faults: Faults;
  countRequest: () => void;
  countBatchPart: () => void;
  /** Outlook's per-mailbox concurrency and request counts. */
  outlook?: OutlookGate;
  /** Round trips and 429s per signed-in user. */
  users?: UserStats;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const readJson = async (req: Request): Promise<unknown> => {
  const text = await req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
};

/**
 * The request headers a browser may send Graph (the preflight's `Access-Control-Allow-Headers`): a fixed
 * list, not an echo of what was asked, so a header Graph would refuse fails the preflight here too. A
 * preflight names headers, never values: every `Prefer` value (`IdType="ImmutableId"`,
 * `HonorNonIndexedQueriesWarningMayFailRandomly`, `outlook.body-content-type=…`) passes it alike;
 * whether Graph honoured one shows in `Preference-Applied`. See dev/host/README.md ("The browser").
 */
export const GRAPH_CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Prefer', 'client-request-id', 'ConsistencyLevel', 'Accept', 'SdkVersion', 'Retry-Attempt'] as const;

/**
 * The response headers scripts may read, as Graph lists them (Graph docs' "Get photo" response:
 * `Access-Control-Expose-Headers: ETag, Location, Preference-Applied, Content-Range, request-id,
 * client-request-id`). `Retry-After` is NOT among them (microsoftgraph/microsoft-graph-docs#17488,
 * msgraph-sdk-design#76): browser code never learns how long to wait and must back off by itself.
 */
export const GRAPH_CORS_EXPOSE_HEADERS = ['ETag', 'Location', 'Preference-Applied', 'Content-Range', 'request-id', 'client-request-id'] as const;

/** Graph over HTTP: CORS for Custom UI iframes, injected faults, bearer auth, then the routes. */
export const graphHttp = (d: GraphHttpDeps): Hono => {
  const app = new Hono();
  app.use(`${PREFIX}/*`, cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: [...GRAPH_CORS_ALLOW_HEADERS],
    exposeHeaders: [...GRAPH_CORS_EXPOSE_HEADERS],
    maxAge: 3600,
  }));

  app.all(`${PREFIX}/*`, async (c) => {
    d.countRequest();
    const url = new URL(c.req.url);
    const pathWithQuery = url.pathname.slice(PREFIX.length) + url.search;
    const isBatch = /^\/\$batch\/?$/i.test(url.pathname.slice(PREFIX.length));

    // Authenticated and read before the latency, so an Outlook request holds its mailbox slot while it "travels".
    let caller: Caller | undefined;
    let early: unknown;
    let body: unknown;
    try {
      caller = authenticate(c.req.header('authorization'), d.tokens, d.model);
      body = c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : await readJson(c.req.raw);
    } catch (e) {
      early = e;
    }
    if (caller && early === undefined) {
      const parts = (body as { requests?: unknown } | undefined)?.requests;
      d.users?.request(caller, isBatch && Array.isArray(parts) ? parts.length : 0);
    }
    const lease = caller && early === undefined && d.outlook
      ? d.outlook.admit(caller, isBatch ? { batch: body } : { single: buildRequest(c.req.method, pathWithQuery, c.req.raw.headers, body) })
      : undefined;

    let outcome: Outcome;
    try {
      const latency = d.faults.get().latencyMs;
      if (latency > 0) await sleep(latency);
      // The whole request may be throttled; inside a batch the random throttling moves to the parts.
      const fault = d.faults.draw(!isBatch);
      if (fault) {
        outcome = faultOutcome(fault);
      } else {
        try {
          if (early !== undefined || !caller) throw early;
          if (lease?.refused) throw lease.refused;
          if (isBatch) {
            if (c.req.method !== 'POST') throw badRequest('$batch only accepts POST.');
            outcome = {
              ok: true,
              result: runBatch({
                routes: d.routes, env: d.env, caller, faults: d.faults, countPart: d.countBatchPart,
                refusedPart: (id) => lease?.refusedParts.get(id),
              }, body),
            };
          } else {
            outcome = dispatch(d.routes, d.env, caller, buildRequest(c.req.method, pathWithQuery, c.req.raw.headers, body));
          }
        } catch (e) {
          outcome = { ok: false, error: toGraphError(e) };
        }
      }
      if (lease && !lease.refused) await lease.settle();
    } finally {
      lease?.release();
    }
    const a = answer(outcome, c.req.header('client-request-id'), d.env.now());
    if (caller && early === undefined) {
      const parts = outcome.ok && isBatch ? (outcome.result.body as { responses?: Array<{ status?: number }> } | undefined)?.responses ?? [] : [];
      d.users?.throttled(caller, (a.status === 429 ? 1 : 0) + parts.filter((p) => p.status === 429).length);
    }
    // Bytes (hosted images) go out as an ArrayBuffer-backed copy: Node's BodyInit does not take a view over any ArrayBufferLike.
    const payload = a.body === undefined ? null : a.body instanceof Uint8Array ? new Uint8Array(a.body) : JSON.stringify(a.body);
    return new Response(payload, { status: a.status, headers: a.headers });
  });
  return app;
};
