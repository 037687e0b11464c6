import { BatchRequestContent, BatchResponseContent, type BatchRequestStep, type GraphError } from '@microsoft/microsoft-graph-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphClient, graphFetch, type Running, signIn, startEmulator, type Tokens } from './support';

let run: Running;
let bob: Tokens;
let phoenixId: string;
const bobClient = () => graphClient(run, () => bob.access_token);

beforeAll(async () => {
  run = await startEmulator();
  bob = await signIn(run, 'bob@contoso.com');
  phoenixId = ((await bobClient().api('/sites/contoso.sharepoint.com:/sites/phoenix').get()) as { id: string }).id;
});
afterEach(() => { run.emu.faults.set({ latencyMs: 0, rate429: 0, rate503: 0, failNext: [] }); });
afterAll(async () => { await run.close(); });

const step = (id: string, path: string, dependsOn?: string[]): BatchRequestStep =>
  ({ id, request: new Request(`${run.origin}/graph/v1.0${path}`), ...(dependsOn ? { dependsOn } : {}) });

describe('$batch', () => {
  it('runs parts with dependsOn; dependents of a failed part get 424; the batch itself is 200', async () => {
    // The SDK only builds serial, parallel or same-dependency batches: this one is serial.
    const batch = new BatchRequestContent([
      step('me', '/me'),
      step('secret', `/sites/${phoenixId}/lists/SecretPlans`, ['me']),
      step('secret-items', `/sites/${phoenixId}/lists/SecretPlans/items`, ['secret']),
    ]);
    const before = run.emu.stats().graphBatchParts;
    const raw = await bobClient().api('/$batch').post(await batch.getContent()) as never;
    const parsed = new BatchResponseContent(raw);
    const me = parsed.getResponseById('me');
    expect(me?.status).toBe(200);
    expect(((await me?.json()) as { displayName: string }).displayName).toBe('Bob Brown');
    expect(parsed.getResponseById('secret')?.status).toBe(404);
    const failed = parsed.getResponseById('secret-items');
    expect(failed?.status).toBe(424);
    expect(await failed?.json()).toMatchObject({ error: { code: 'FailedDependency' } });
    expect(run.emu.stats().graphBatchParts - before).toBe(3);
  });

  it('accepts any dependency graph Graph accepts: only the dependents of the failure get 424', async () => {
    const body = {
      requests: [
        { id: 'a', method: 'GET', url: '/me' },
        { id: 'b', method: 'GET', url: `/sites/${phoenixId}/lists/SecretPlans` },
        { id: 'c', method: 'GET', url: `/sites/${phoenixId}/lists/SecretPlans/items`, dependsOn: ['b'] },
        { id: 'd', method: 'GET', url: '/me/messages?$top=1', dependsOn: ['a'] },
      ],
    };
    const res = await bobClient().api('/$batch').post(body) as { responses: Array<{ id: string; status: number; headers: Record<string, string> }> };
    const byId = Object.fromEntries(res.responses.map((r) => [r.id, r]));
    expect(Object.fromEntries(res.responses.map((r) => [r.id, r.status]))).toEqual({ a: 200, b: 404, c: 424, d: 200 });
    expect(byId['d']?.headers['Content-Type']).toMatch(/^application\/json/);
  });

  it('refuses a 21st request: BatchRequestContent will not build it and Graph answers 400', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => step(String(i + 1), '/me'));
    const batch = new BatchRequestContent(twenty);
    expect(() => batch.addRequest(step('21', '/me'))).toThrow();
    expect(() => new BatchRequestContent([...twenty, step('21', '/me')])).toThrow();
    const body = { requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/me' })) };
    const res = await graphFetch(run, bob.access_token, '/$batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BadRequest' } });
  });

  it('throttles parts individually: the batch is 200 while parts are 429 with Retry-After', async () => {
    run.emu.faults.set({ rate429: 1, retryAfterSeconds: 7 });
    const res = await bobClient().api('/$batch').post({ requests: [{ id: 'a', method: 'GET', url: '/me' }, { id: 'b', method: 'GET', url: '/me/messages' }] }) as {
      responses: Array<{ id: string; status: number; headers: Record<string, string> }>;
    };
    expect(res.responses.map((r) => r.status)).toEqual([429, 429]);
    expect(res.responses.every((r) => r.headers['Retry-After'] === '7')).toBe(true);
  });
});

describe('faults and throttling', () => {
  it('refuses a fault it cannot carry out, and keeps what was set (a queued 403 once crashed the next request)', async () => {
    run.emu.faults.set({ latencyMs: 5 });
    expect(() => run.emu.faults.set({ failNext: [{ status: 403 as never }] })).toThrow(/403 cannot be injected/);
    expect(() => run.emu.faults.set({ rate429: 2 })).toThrow(/rate429/);
    expect(() => run.emu.faults.set({ latencyMs: -1 })).toThrow(/latencyMs/);
    expect(run.emu.faults.get()).toMatchObject({ latencyMs: 5, rate429: 0, failNext: [] });
    const me = await graphFetch(run, bob.access_token, '/me');
    expect(me.status).toBe(200);
  });

  it('RetryHandler waits for Retry-After on a 429 and then succeeds', async () => {
    run.emu.faults.set({ failNext: [{ status: 429, retryAfterSeconds: 1 }] });
    const before = run.emu.stats().graphRequests;
    const started = Date.now();
    const me = await bobClient().api('/me').get() as { mail: string };
    expect(me.mail).toBe('bob@contoso.com');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(run.emu.stats().graphRequests - before).toBe(2);
    expect(run.emu.faults.get().failNext).toEqual([]);
  });

  it('a 429 carries Graph’s error body, Retry-After and request ids', async () => {
    run.emu.faults.set({ failNext: [{ status: 429, retryAfterSeconds: 3 }] });
    const res = await graphFetch(run, bob.access_token, '/me', { headers: { 'client-request-id': 'abc-123' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('request-id')).toBeTruthy();
    expect(res.headers.get('client-request-id')).toBe('abc-123');
    expect(await res.json()).toMatchObject({ error: { code: 'TooManyRequests', innerError: { 'client-request-id': 'abc-123', date: expect.any(String) } } });
  });

  it('a 500 is not retried and reaches the caller as a GraphError', async () => {
    run.emu.faults.set({ failNext: [{ status: 500 }] });
    const err = await bobClient().api('/me').get().catch((e: unknown) => e) as GraphError;
    expect(err.statusCode).toBe(500);
  });

  it('adds latency to Graph but not to the identity endpoints', async () => {
    run.emu.faults.set({ latencyMs: 200 });
    let t = Date.now();
    await graphFetch(run, bob.access_token, '/me');
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    t = Date.now();
    await fetch(`${run.origin}/login/common/v2.0/.well-known/openid-configuration`);
    expect(Date.now() - t).toBeLessThan(150);
  });
});

describe('authorization on Graph', () => {
  it('a token without the needed scope gets 403 accessDenied, while its own scopes work', async () => {
    const narrow = await signIn(run, 'alice@contoso.com', { scope: 'openid User.Read' });
    expect((await graphFetch(run, narrow.access_token, '/me')).status).toBe(200);
    const res = await graphFetch(run, narrow.access_token, `/sites/${phoenixId}`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'accessDenied' } });
    const err = await graphClient(run, () => narrow.access_token).api('/me/messages').get().catch((e: unknown) => e) as GraphError;
    expect(err.statusCode).toBe(403);
  });

  it('no token → 401 with a Bearer challenge', async () => {
    const res = await fetch(`${run.origin}/graph/v1.0/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('unknown segments get Graph’s 400', async () => {
    const res = await graphFetch(run, bob.access_token, '/me/nothingHere');
    expect(res.status).toBe(400);
  });
});

describe('CORS for Custom UI iframes', () => {
  it('answers the preflight for any origin with the headers Graph clients send', async () => {
    const res = await fetch(`${run.origin}/graph/v1.0/me`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://abc.cdn.prod.atlassian-dev.net', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,prefer,client-request-id,consistencylevel' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['authorization', 'content-type', 'prefer', 'client-request-id', 'consistencylevel']) expect(allowed).toContain(h);
  });

  it('allows only the headers Graph allows: a fixed list, never an echo of what the page asked', async () => {
    const res = await fetch(`${run.origin}/graph/v1.0/sites/root/lists`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://abc.cdn.prod.atlassian-dev.net', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,prefer,x-anything,cookie' },
    });
    expect(res.status).toBe(204);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    // The browser refuses the real request when a header it asked for is not listed.
    expect(allowed).toContain('prefer');
    expect(allowed).not.toContain('x-anything');
    expect(allowed).not.toContain('cookie');
    expect(allowed.sort()).toEqual(['accept', 'authorization', 'client-request-id', 'consistencylevel', 'content-type', 'prefer', 'retry-attempt', 'sdkversion']);
  });

  it('exposes what Graph exposes — request-id, Preference-Applied, ETag … — but not Retry-After', async () => {
    run.emu.faults.set({ failNext: [{ status: 503, retryAfterSeconds: 2 }] });
    const res = await graphFetch(run, bob.access_token, '/me', { headers: { Origin: 'https://x.example' } });
    expect(res.status).toBe(503);
    // Sent (a server reads it), but a script in a page cannot: it is not in the expose list.
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(exposed).not.toContain('retry-after');
    expect(exposed.sort()).toEqual(['client-request-id', 'content-range', 'etag', 'location', 'preference-applied', 'request-id']);
  });
});
