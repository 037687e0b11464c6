import { Client } from '@microsoft/microsoft-graph-client';
import type { Message, User } from '@microsoft/microsoft-graph-types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphClient, type GraphClientDeps } from '../../src/adapters/graph/client';
import { graphFailure, retryAfterSeconds } from '../../src/adapters/graph/errors';
import { forAccount } from '../../src/adapters/graph/forge';
import { AuthMiddleware, DEFAULT_RETRY, FetchHandler, GraphCall, type GraphFetch } from '../../src/adapters/graph/middleware';
import { graphBase, graphPath, immutableIds } from '../../src/adapters/graph/paths';
import { ok } from '../../src/core/result';
import { startEmulator, type Running } from '../emulator/support';
import { connectedAccount, fetchWithNextLink, nodeFetch, startForeignHost, tokenSourceOf, type ConnectedAccount } from '../support/graph-server';

// The server's Graph client (SDK Client + our middleware chain) against the Microsoft 365 emulator,
// with tokens the emulator issued through a real sign-in.

const PHOENIX = 'contoso.sharepoint.com,8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a,e4d3c2b1-a0f9-4e8d-8c7b-6a5f4e3d2c1b';
const PARTNERS = 'contoso.sharepoint.com,c5b4a392-8170-4f6e-9d5c-4b3a29180f7e,7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';
const TASKS = '22222222-aaaa-4bbb-8ccc-000000000002';

const noWait = (): Promise<void> => Promise.resolve();

let run: Running;
let foreign: Awaited<ReturnType<typeof startForeignHost>>;

const client = (account: ConnectedAccount, over: Partial<GraphClientDeps> = {}) =>
  graphClient({
    baseUrl: `${run.origin}/graph/v1.0`,
    token: tokenSourceOf(account),
    fetch: nodeFetch,
    remainingMs: () => 20_000,
    ...over,
  });

beforeAll(async () => {
  run = await startEmulator();
  foreign = await startForeignHost();
});
afterEach(() => {
  run.emu.faults.set({ latencyMs: 0, rate429: 0, rate503: 0, failNext: [] });
  run.clock.offsetMs = 0;
});
afterAll(async () => {
  await foreign.close();
  await run.close();
});

describe('reading Graph with the account’s own token', () => {
  it('GET /me answers the signed-in person', async () => {
    const me = await client(await connectedAccount(run, 'alice@contoso.com')).get<User>('/me', { select: ['displayName', 'mail'] });
    expect(me).toEqual(ok(expect.objectContaining({ displayName: 'Alice Adams', mail: 'alice@contoso.com' })));
  });

  it('immutable ids: read with Prefer, encoded into the path, the same message comes back', async () => {
    const graph = client(await connectedAccount(run, 'alice@contoso.com'));
    const list = await graph.get<{ value: Message[] }>('/me/messages?$top=1', { headers: immutableIds(), select: ['id', 'subject'] });
    const first = list.ok ? list.value.value[0] : undefined;
    expect(first?.id).toMatch(/^AAkAL.*=$/);
    const again = await graph.get<Message>(graphPath`/me/messages/${first?.id ?? ''}`, { headers: immutableIds(), select: ['subject'] });
    expect(again.ok && again.value.subject).toBe(first?.subject);
  });
});

describe('tokens', () => {
  it('an expired access token costs exactly one refresh, then the request succeeds', async () => {
    const alice = await connectedAccount(run, 'alice@contoso.com');
    const graph = client(alice);
    expect((await graph.get('/me')).ok).toBe(true);
    run.clock.offsetMs = 2 * 3600_000;
    const tokenRequests = run.emu.stats().tokenRequests;

    const me = await graph.get<User>('/me');

    expect(me.ok && me.value.displayName).toBe('Alice Adams');
    expect(alice.refreshes).toBe(1);
    expect(run.emu.stats().tokenRequests - tokenRequests).toBe(1);
  });

  it('requests refused at the same time share one refresh', async () => {
    const alice = await connectedAccount(run, 'alice@contoso.com');
    const graph = client(alice);
    run.clock.offsetMs = 2 * 3600_000;
    const answers = await Promise.all([graph.get('/me'), graph.get('/me/messages?$top=1'), graph.get('/me/calendars')]);
    expect(answers.map((a) => a.ok)).toEqual([true, true, true]);
    expect(alice.refreshes).toBe(1);
  });

  it('a revoked refresh token: the accounts service’s MS_SIGN_IN_REQUIRED (revoked) reaches the caller unchanged', async () => {
    const bob = await connectedAccount(run, 'bob@contoso.com');
    run.emu.revokeRefreshTokens('bob@contoso.com');
    run.clock.offsetMs = 2 * 3600_000;
    const me = await client(bob).get('/me');
    expect(me).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'revoked' } });
    expect(bob.refreshes).toBe(1);
  });

  it('a token Graph refuses even after the refresh → MS_SIGN_IN_REQUIRED (token_rejected), and the token is in no error', async () => {
    const asked: boolean[] = [];
    const graph = client(await connectedAccount(run, 'carol@contoso.com'), {
      token: ({ refresh }) => {
        asked.push(refresh);
        return Promise.resolve(ok({ accessToken: 'eyJ.forged.token-value' }));
      },
    });
    const me = await graph.get('/me');
    expect(me.ok ? undefined : me.error).toMatchObject({ code: 'MS_SIGN_IN_REQUIRED', reason: 'token_rejected' });
    expect(asked).toEqual([false, true]);
    expect(JSON.stringify(me)).not.toContain('forged');
  });
});

describe('throttling within the function’s remaining time', () => {
  it('429 with Retry-After: 1 is waited out and the request succeeds', async () => {
    const graph = client(await connectedAccount(run, 'alice@contoso.com'));
    run.emu.faults.set({ failNext: [{ status: 429, retryAfterSeconds: 1 }] });
    const started = Date.now();
    const me = await graph.get<User>('/me');
    expect(me.ok && me.value.displayName).toBe('Alice Adams');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a Retry-After longer than the time left fails fast with THROTTLED and its retryAfterSeconds, without waiting', async () => {
    const sleeps: number[] = [];
    const graph = client(await connectedAccount(run, 'alice@contoso.com'), { remainingMs: () => 10_000, sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    } });
    run.emu.faults.set({ failNext: [{ status: 429, retryAfterSeconds: 30 }] });
    const graphRequests = run.emu.stats().graphRequests;
    const me = await graph.get('/me');
    expect(me).toMatchObject({ ok: false, error: { code: 'THROTTLED', retryAfterSeconds: 30 } });
    expect(sleeps).toEqual([]);
    expect(run.emu.stats().graphRequests - graphRequests).toBe(1);
  });

  it('gives up after maxRetries and says THROTTLED', async () => {
    const graph = client(await connectedAccount(run, 'alice@contoso.com'), { sleep: noWait, retry: { maxRetries: 2 } });
    run.emu.faults.set({ failNext: [{ status: 503, retryAfterSeconds: 2 }, { status: 503, retryAfterSeconds: 2 }, { status: 503, retryAfterSeconds: 2 }, { status: 503, retryAfterSeconds: 2 }] });
    const graphRequests = run.emu.stats().graphRequests;
    const me = await graph.get('/me');
    expect(me.ok ? undefined : me.error).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 2 });
    expect(run.emu.stats().graphRequests - graphRequests).toBe(3);
  });

  it('a 504 on a POST is not repeated (the POST may have been carried out); on a GET it is', async () => {
    const alice = await connectedAccount(run, 'alice@contoso.com');
    let answered = 0;
    const gatewayTimeoutFirst: GraphFetch = async (url, init) => (answered++ === 0 ? new Response('', { status: 504 }) : fetch(url, init));
    const post = await client(alice, { fetch: gatewayTimeoutFirst, sleep: noWait }).batch({ me: { path: '/me' } });
    expect(post.ok ? undefined : post.error).toMatchObject({ code: 'THROTTLED' });
    answered = 0;
    const get = await client(alice, { fetch: gatewayTimeoutFirst, sleep: noWait }).get<User>('/me');
    expect(get.ok && get.value.displayName).toBe('Alice Adams');
  });

  it('a 500 is not retried: MS_UNAVAILABLE with Graph’s code', async () => {
    const graph = client(await connectedAccount(run, 'alice@contoso.com'));
    run.emu.faults.set({ failNext: [{ status: 500 }] });
    const me = await graph.get('/me');
    expect(me.ok ? undefined : me.error).toMatchObject({ code: 'MS_UNAVAILABLE', reason: 'generalException' });
  });

  it('a Graph call that outlives the time left ends as MS_UNAVAILABLE (timeout) while the function can still answer', async () => {
    const graph = client(await connectedAccount(run, 'alice@contoso.com'), { remainingMs: () => 2_400 });
    run.emu.faults.set({ latencyMs: 3_000 });
    const started = Date.now();
    const me = await graph.get('/me');
    expect(me.ok ? undefined : me.error).toMatchObject({ code: 'MS_UNAVAILABLE', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe('403 and 404', () => {
  it('a site the person may not open → FORBIDDEN with Graph’s code', async () => {
    const r = await client(await connectedAccount(run, 'carol@contoso.com')).get(graphPath`/sites/${PARTNERS}`);
    expect(r.ok ? undefined : r.error).toMatchObject({ code: 'FORBIDDEN', reason: 'accessDenied' });
  });

  it('a token without the scope → the consent code', async () => {
    const narrow = await connectedAccount(run, 'alice@contoso.com', { scope: 'openid offline_access User.Read' });
    const r = await client(narrow).get('/me/messages');
    expect(r.ok ? undefined : r.error).toMatchObject({ code: 'MS_CONSENT_REQUIRED', reason: 'consent' });
  });

  it('an item the person may not read → NOT_FOUND (itemNotFound); an unknown message id → NOT_FOUND (ErrorItemNotFound)', async () => {
    const graph = client(await connectedAccount(run, 'alice@contoso.com'));
    const trimmed = await graph.get(graphPath`/sites/${PHOENIX}/lists/${TASKS}/items/${9}`);
    expect(trimmed.ok ? undefined : trimmed.error).toMatchObject({ code: 'NOT_FOUND', reason: 'itemNotFound' });
    const unknown = await graph.get(graphPath`/me/messages/${'AAMkAG+no/such=='}`);
    expect(unknown.ok ? undefined : unknown.error).toMatchObject({ code: 'NOT_FOUND', reason: 'ErrorItemNotFound' });
  });
});

describe('paging', () => {
  const tasksPath = graphPath`/sites/${PHOENIX}/lists/${TASKS}/items` + '?$top=10';

  it('follows nextLink, stops at maxPages and hands back where to continue', async () => {
    const graph = client(await connectedAccount(run, 'alice@contoso.com'));
    const first = await graph.pages<{ id: string }>(tasksPath, { maxPages: 2 });
    expect(first.ok && first.value.items).toHaveLength(20);
    const next = first.ok ? first.value.next : undefined;
    expect(next).toMatch(/^\/sites\/.*\$skiptoken=/);
    const rest = await graph.pages<{ id: string }>(next ?? '', { maxPages: 10 });
    expect(rest.ok && rest.value.next).toBeUndefined();
    const ids = [...(first.ok ? first.value.items : []), ...(rest.ok ? rest.value.items : [])].map((i) => i.id);
    expect(new Set(ids).size).toBe(49);
  });

  it.each([
    ['another host', (o: string) => `${o}/graph/v1.0/sites/x/items?$skiptoken=1`],
    ['a userinfo trick', (o: string) => `http://${run.origin.slice('http://'.length)}@${o.slice('http://'.length)}/graph/v1.0/sites`],
    ['a look-alike path', (o: string) => `${run.origin}/graph/v1.0.evil/../../x?next=${o}`],
    ['a climb out of the version', () => `${run.origin}/graph/v1.0/%2e%2e/beta/me`],
  ])('a nextLink to %s is refused and nothing is sent there', async (_name, hostile) => {
    const link = hostile(foreign.origin);
    const graph = client(await connectedAccount(run, 'alice@contoso.com'), { fetch: fetchWithNextLink(link) });
    const graphRequests = run.emu.stats().graphRequests;
    const r = await graph.pages(tasksPath, { maxPages: 5 });
    expect(r.ok ? undefined : r.error).toMatchObject({ code: 'MS_UNAVAILABLE', reason: 'foreign_url' });
    expect(foreign.connections).toBe(0);
    expect(run.emu.stats().graphRequests - graphRequests).toBe(1);
  });

  it('a path that names another https host in its query still goes to Graph', async () => {
    const graph = client(await connectedAccount(run, 'alice@contoso.com'));
    const r = await graph.get(`/me/messages?$filter=webLink eq '${foreign.origin.replace('http://', 'https://')}/x'`);
    expect(r.ok ? undefined : r.error).toMatchObject({ code: 'MS_UNAVAILABLE', reason: 'ErrorInvalidUrlQueryFilter' });
    expect(foreign.connections).toBe(0);
  });

  it('the auth middleware itself sends nothing, token or not, to a URL outside the base', async () => {
    // The SDK's GraphRequest re-targets any path containing https:// to that host; the facade encodes
    // that away, and this is the layer behind it.
    const asked: boolean[] = [];
    const auth = new AuthMiddleware(graphBase(`${run.origin}/graph/v1.0`), ({ refresh }) => {
      asked.push(refresh);
      return Promise.resolve(ok({ accessToken: 'secret-token' }));
    });
    auth.setNext(new FetchHandler(nodeFetch, { policy: DEFAULT_RETRY, remainingMs: () => 20_000 }));
    const sdk = Client.initWithMiddleware({ middleware: auth, baseUrl: `${run.origin}/graph`, defaultVersion: 'v1.0' });
    const call = new GraphCall();
    await expect(sdk.api(`${foreign.origin.replace('http://', 'https://')}/v1.0/me`).middlewareOptions([call]).get()).rejects.toBeTruthy();
    expect(call.failure).toMatchObject({ code: 'MS_UNAVAILABLE', reason: 'foreign_url' });
    expect(asked).toEqual([]);
    expect(foreign.connections).toBe(0);
  });
});

describe('$batch', () => {
  it('two parts in one round trip, each with its own answer', async () => {
    const graph = client(await connectedAccount(run, 'bob@contoso.com'));
    const graphRequests = run.emu.stats().graphRequests;
    const r = await graph.batch<{ me: User; secret: unknown }>({
      me: { path: '/me' },
      secret: { path: graphPath`/sites/${PHOENIX}/lists/${'SecretPlans'}` },
    });
    expect(run.emu.stats().graphRequests - graphRequests).toBe(1);
    expect(r.ok && r.value.me).toEqual(ok(expect.objectContaining({ displayName: 'Bob Brown' })));
    expect(r.ok && r.value.secret).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'itemNotFound' } });
  });

  it('parts throttled one by one come back THROTTLED with their own Retry-After', async () => {
    const graph = client(await connectedAccount(run, 'bob@contoso.com'));
    run.emu.faults.set({ rate429: 1, retryAfterSeconds: 7 });
    const r = await graph.batch({ a: { path: '/me' }, b: { path: '/me/messages' } });
    expect(r.ok && r.value.a).toMatchObject({ ok: false, error: { code: 'THROTTLED', retryAfterSeconds: 7 } });
    expect(r.ok && r.value.b).toMatchObject({ ok: false, error: { code: 'THROTTLED', retryAfterSeconds: 7 } });
  });
});

describe('forAccount: wired to Forge’s fetch and the invocation’s remaining time', () => {
  const runtime = globalThis as { __forge_runtime__?: unknown };
  let left = 20_000;
  beforeAll(() => {
    runtime.__forge_runtime__ = {
      appContext: { appId: 'app', environmentId: 'env', installationId: 'inst', invocationId: 'inv', moduleKey: 'm' },
      lambdaContext: { getRemainingTimeInMillis: () => left },
    };
  });
  afterAll(() => {
    delete runtime.__forge_runtime__;
  });

  it('reads Graph as the account', async () => {
    left = 20_000;
    const me = await forAccount(await connectedAccount(run, 'bob@contoso.com'), 'acct-bob', { graphBaseUrl: `${run.origin}/graph/v1.0` }).get<User>('/me');
    expect(me.ok && me.value.mail).toBe('bob@contoso.com');
  });

  it('does not wait past what the runtime says is left', async () => {
    left = 2_900;
    run.emu.faults.set({ failNext: [{ status: 429, retryAfterSeconds: 1 }] });
    const started = Date.now();
    const me = await forAccount(await connectedAccount(run, 'bob@contoso.com'), 'acct-bob', { graphBaseUrl: `${run.origin}/graph/v1.0` }).get('/me');
    expect(me.ok ? undefined : me.error).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 1 });
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe('paths', () => {
  it('graphPath encodes each value as one segment: + / = , survive', () => {
    expect(graphPath`/me/messages/${'AAMk+a/b=='}/attachments`).toBe('/me/messages/AAMk%2Ba%2Fb%3D%3D/attachments');
    expect(graphPath`/sites/${'contoso.sharepoint.com,1,2'}`).toBe('/sites/contoso.sharepoint.com%2C1%2C2');
  });

  it('graphPath refuses values that would climb or vanish', () => {
    expect(() => graphPath`/me/messages/${'..'}`).toThrow(TypeError);
    expect(() => graphPath`/me/messages/${''}`).toThrow(TypeError);
  });

  it('only URLs under the configured base are relative to it', () => {
    const base = graphBase('https://graph.microsoft.com/v1.0');
    expect(base.relative('https://graph.microsoft.com/v1.0/me/messages?$skiptoken=x')).toBe('/me/messages?$skiptoken=x');
    for (const hostile of [
      'https://graph.microsoft.com.evil.example/v1.0/me',
      'https://graph.microsoft.com@evil.example/v1.0/me',
      'https://graph.microsoft.com/beta/me',
      'https://graph.microsoft.com/v1.0/../beta/me',
      'http://graph.microsoft.com/v1.0/me',
      'https://evil.example/https://graph.microsoft.com/v1.0/me',
    ]) expect(base.relative(hostile), hostile).toBeUndefined();
  });
});

describe('graphFailure: what Graph answers where the emulator does not go', () => {
  const mapped = (status: number, code: string, message: string, path = '/me') =>
    graphFailure({ kind: 'response', status, body: { error: { code, message } }, path }).toBody();

  it('missing permission, per workload, is the consent code', () => {
    expect(mapped(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', '/users/x').code).toBe('MS_CONSENT_REQUIRED');
    expect(mapped(403, 'Forbidden', "Missing scope permissions on the request. API requires one of 'Chat.Read'. Scopes on the request 'User.Read'", '/chats/x/messages').code).toBe('MS_CONSENT_REQUIRED');
    expect(mapped(403, 'AccessDenied', 'Either scp or roles claim need to be present in the token.', '/sites/x').code).toBe('MS_CONSENT_REQUIRED');
    expect(mapped(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.', '/me/messages').code).toBe('MS_CONSENT_REQUIRED');
  });

  it('Exchange’s access denied on another person’s mailbox stays FORBIDDEN', () => {
    expect(mapped(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.', '/users/bob@contoso.com/messages')).toMatchObject({ code: 'FORBIDDEN', reason: 'ErrorAccessDenied' });
  });

  it('Retry-After may be an HTTP date', () => {
    expect(retryAfterSeconds('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30);
    expect(retryAfterSeconds('soon', 0)).toBeUndefined();
  });

  it('Forge’s egress refusal is a deployment fault, not Microsoft’s', () => {
    const e = Object.assign(new Error('URL not included in the external fetch backend permissions: https://graph.microsoft.com'), { name: 'ExternalEndpointNotAllowedError' });
    expect(graphFailure({ kind: 'network', error: e }).toBody()).toMatchObject({ code: 'MISCONFIGURED', reason: 'egress_not_allowed' });
  });
});
