import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result, SessionToken } from '../../../src/contract';
import { parseListMacroConfig } from '../../../src/core/sharepoint/config';
import { documentMacroFirstRequests, listMacroFirstRequests } from '../../../src/core/sharepoint/first-requests';
import { initTable } from '../../../src/core/sharepoint/view-model';
import { DRIVE_ID, ITEM_ID, SITE_ID, libraryConfig, listConfig } from '../sharepoint/fixtures';

/**
 * A SharePoint macro's early start (static/shared/sharepoint/early.ts) against a fake product bridge and a
 * fake Graph: what is asked before the view loads, and that the view's own first requests take those
 * answers — one Graph request each, not two — and nothing else.
 */

const GRAPH = 'https://graph.test/v1.0';
const token = (accessToken: string): SessionToken => ({ accessToken, expiresAt: Date.now() + 3600_000, graphBaseUrl: GRAPH });
const DOCUMENT = { version: 2, siteId: SITE_ID, driveId: DRIVE_ID, itemId: ITEM_ID };

interface Fake {
  bridge: Array<{ type: string; payload: unknown }>;
  graph: Array<{ url: string; init: RequestInit }>;
  /** What `account/token` answers next. */
  tokens: Array<Result<SessionToken>>;
  /** What Graph answers, by call. */
  respond: (url: string, init: RequestInit, n: number) => Response;
}

let fake: Fake;
const storage = new Map<string, string>();
// One bridge for the whole file: @forge/bridge's modules (CommonJS, outside Vite's module graph) take
// `globalThis.__bridge.callBridge` once, when first loaded; each test swaps what it answers.
type CallBridge = (type: string, payload: unknown) => Promise<unknown>;
let answer: CallBridge = () => Promise.reject(new Error('no bridge installed'));

function install(context: Record<string, unknown>) {
  fake = { bridge: [], graph: [], tokens: [], respond: () => Response.json({ responses: [] }) };
  storage.clear();
  answer = async (type, payload) => {
    fake.bridge.push({ type, payload });
    if (type === 'getContext') return context;
    if (type === 'invoke') return fake.tokens.shift() ?? { ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', message: 'Connect' } };
    return undefined;
  };
  vi.stubGlobal('__bridge', { callBridge: (type: string, payload: unknown) => answer(type, payload) });
  vi.stubGlobal('window', {
    sessionStorage: {
      get length() {
        return storage.size;
      },
      key: (i: number) => [...storage.keys()][i] ?? null,
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    },
  });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    fake.graph.push({ url, init });
    return fake.respond(url, init, fake.graph.length);
  });
}

/** The modules fresh for each test: the early start keeps its answers per frame (module state). */
async function load() {
  vi.resetModules();
  const early = await import('../../../static/shared/sharepoint/early');
  const { createSession } = await import('../../../static/shared/session');
  const { createSharePointGateway } = await import('../../../static/shared/sharepoint/gateway');
  const { createGraphSender } = await import('../../../static/shared/graph-send');
  return { early, createSession, createSharePointGateway, createGraphSender };
}

/** The table as the List macro's view starts it: from the stored configuration, parsed (static/sp-list/view.tsx). */
function viewTable(stored: unknown) {
  const parsed = parseListMacroConfig(stored);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return initTable(parsed.value, { graphBase: GRAPH });
}

const settle = () => new Promise<void>((r) => setTimeout(r, 0));
const tokenCalls = () => fake.bridge.filter((c) => c.type === 'invoke');

beforeEach(() => {
  vi.useRealTimers();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('a SharePoint macro starts its first Graph request before its view loads', () => {
  it('warm: the tab’s session token, one $batch before the view exists, and the table takes that very answer', async () => {
    const config = listConfig();
    install({ accountId: 'alice', extension: { config } });
    storage.set('m365.session.alice', JSON.stringify(token('warm')));
    const m = await load();
    const started = m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl));
    expect(await started.context).toMatchObject({ accountId: 'alice' });
    // The view is loaded only once the request is out (its evaluation would hold the frame meanwhile).
    await started.viewMayLoad;
    expect(fake.graph).toHaveLength(1);
    await started.sent;
    await settle();
    // Before any view: one request, the first paint's batch, with the tab's token; no token call.
    expect(fake.graph.map((g) => `${g.init.method} ${g.url}`)).toEqual([`POST ${GRAPH}/$batch`]);
    expect((fake.graph[0]!.init.headers as Record<string, string>)['Authorization']).toBe('Bearer warm');
    expect(tokenCalls()).toHaveLength(0);

    // The view, as the List macro's table makes it: same session, same sender, the early fetch.
    const session = m.createSession('alice', m.early.fetchToken);
    const gateway = m.createSharePointGateway({ session, fetch: m.early.graphFetch });
    await gateway.firstPaint(viewTable(config));
    expect(fake.graph).toHaveLength(1);

    // Handed over once: the next identical request goes to Graph.
    await gateway.firstPaint(viewTable(config));
    expect(fake.graph).toHaveLength(2);
  });

  it('a library (its start folder in the batch) and the Document macro (preview and item) match the view’s requests too', async () => {
    const library = libraryConfig();
    install({ accountId: 'alice', extension: { config: library } });
    storage.set('m365.session.alice', JSON.stringify(token('warm')));
    let m = await load();
    await m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl)).sent;
    await settle();
    await m.createSharePointGateway({ session: m.createSession('alice', m.early.fetchToken), fetch: m.early.graphFetch }).firstPaint(viewTable(library));
    expect(fake.graph).toHaveLength(1);

    install({ accountId: 'alice', extension: { config: DOCUMENT } });
    storage.set('m365.session.alice', JSON.stringify(token('warm')));
    m = await load();
    await m.early.startEarly('sp-test', (ctx) => documentMacroFirstRequests(ctx.extension['config'])).sent;
    await settle();
    expect(fake.graph.map((g) => g.init.method)).toEqual(['POST', 'GET']);
    const { previewRequest, documentItemRequest } = await import('../../../src/core/sharepoint/requests');
    const { parseDocumentMacroConfig } = await import('../../../src/core/sharepoint/config');
    const parsed = parseDocumentMacroConfig(DOCUMENT);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const graph = m.createGraphSender({ session: m.createSession('alice', m.early.fetchToken), fetch: m.early.graphFetch });
    await Promise.all([graph.send(previewRequest(parsed.value)), graph.send(documentItemRequest(parsed.value))]);
    expect(fake.graph).toHaveLength(2);
  });

  it('cold: one token call, shared by the early start and the view, then the batch with that token', async () => {
    const config = listConfig();
    install({ accountId: 'alice', extension: { config } });
    let answerToken: (r: Result<SessionToken>) => void = () => undefined;
    // The resolver answers only after the view has asked too.
    const slow = new Promise<Result<SessionToken>>((r) => (answerToken = r));
    const usual = answer;
    answer = (t, p) => (t === 'invoke' ? (fake.bridge.push({ type: t, payload: p }), slow) : usual(t, p));
    const m2 = await load();
    const started = m2.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl));
    await started.context;
    // No token in the tab: the view may load at once, while the resolver is still answering.
    await started.viewMayLoad;
    expect(fake.graph).toHaveLength(0);
    const viewSession = m2.createSession('alice', m2.early.fetchToken);
    const viewAsk = viewSession.token(false);
    answerToken({ ok: true, value: token('cold') });
    expect((await viewAsk).ok).toBe(true);
    await settle();
    expect(tokenCalls()).toHaveLength(1);
    expect(fake.graph).toHaveLength(1);
    expect((fake.graph[0]!.init.headers as Record<string, string>)['Authorization']).toBe('Bearer cold');
    await m2.createSharePointGateway({ session: viewSession, fetch: m2.early.graphFetch }).firstPaint(viewTable(config));
    expect(fake.graph).toHaveLength(1);
  });

  it('signed out right after an early start: the view asks the resolver, never reusing the early token', async () => {
    install({ accountId: 'alice', extension: { config: listConfig() } });
    fake.tokens.push({ ok: true, value: token('early') });
    const m = await load();
    await m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl)).sent;
    await settle();
    const view = m.createSession('alice', m.early.fetchToken);
    expect(view.peek()?.accessToken).toBe('early');
    // The byline signed out: the view forgets its token and asks again; the resolver says "not connected".
    view.clear();
    const again = await view.token(false);
    expect(again.ok).toBe(false);
    expect(tokenCalls()).toHaveLength(2);
  });

  it('an early answer Graph refused (401) is handled as the view’s own: one silent refresh, then the rows', async () => {
    const config = listConfig();
    install({ accountId: 'alice', extension: { config } });
    storage.set('m365.session.alice', JSON.stringify(token('stale')));
    fake.respond = (_u, init) =>
      (init.headers as Record<string, string>)['Authorization'] === 'Bearer stale'
        ? Response.json({ error: { code: 'InvalidAuthenticationToken', message: 'expired' } }, { status: 401 })
        : Response.json({ responses: [{ id: 'list', status: 200, body: { id: 'l', name: 'Tasks', displayName: 'Tasks', list: { template: 'genericList' } } }, { id: 'columns', status: 200, body: { value: [] } }, { id: 'page', status: 200, body: { value: [{ id: '1', fields: { Title: 'Task 1' } }] } }] });
    fake.tokens.push({ ok: true, value: token('fresh') });
    const m = await load();
    await m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl)).sent;
    await settle();
    const r = await m.createSharePointGateway({ session: m.createSession('alice', m.early.fetchToken), fetch: m.early.graphFetch }).firstPaint(viewTable(config));
    expect(r.error).toBeUndefined();
    expect(r.list?.displayName).toBe('Tasks');
    expect(fake.graph.map((g) => (g.init.headers as Record<string, string>)['Authorization'])).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(tokenCalls().map((c) => (c.payload as { payload: { refresh: boolean } }).payload.refresh)).toEqual([true]);
  });

  it('an answer the view asks for late (after 10 s) is not used: the view gets fresh rows', async () => {
    const config = listConfig();
    install({ accountId: 'alice', extension: { config } });
    storage.set('m365.session.alice', JSON.stringify(token('warm')));
    const m = await load();
    await m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl)).sent;
    await settle();
    vi.useFakeTimers({ now: Date.now() + m.early.EARLY_ANSWER_MS + 1, toFake: ['Date'] });
    await m.createSharePointGateway({ session: m.createSession('alice', m.early.fetchToken), fetch: m.early.graphFetch }).firstPaint(viewTable(config));
    expect(fake.graph).toHaveLength(2);
  });

  it('pays for Intl’s first use while Graph answers: after the batch is out and the view’s file is asked for, in the viewer’s locale and zone; not at all with nothing asked', async () => {
    // Each Intl.DateTimeFormat made, with what had happened by then.
    const made: Array<{ locale: unknown; timeZone: unknown; requests: number; viewAsked: boolean }> = [];
    let viewAsked = false;
    const Real = Intl.DateTimeFormat;
    const spy = function (this: unknown, ...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      made.push({ locale: args[0], timeZone: args[1]?.timeZone, requests: fake.graph.length, viewAsked });
      return new Real(...args);
    };
    const view = async () => {
      viewAsked = true;
      return { show: () => undefined };
    };

    install({ accountId: 'alice', locale: 'de-DE', timezone: 'Europe/Berlin', extension: { config: listConfig() } });
    storage.set('m365.session.alice', JSON.stringify(token('warm')));
    let m = await load();
    vi.stubGlobal('Intl', Object.assign(Object.create(Intl) as typeof Intl, { DateTimeFormat: spy }));
    let started = m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl));
    m.early.showView(started, view);
    expect(await started.sent).toBe(true);
    await settle();
    expect(made.length).toBeGreaterThan(0);
    // Nothing formatted before the request left and the view's file was asked for.
    expect(made.every((x) => x.requests === 1 && x.viewAsked)).toBe(true);
    expect(made).toContainEqual(expect.objectContaining({ locale: 'de-DE', timeZone: 'Europe/Berlin' }));

    // Not connected: no request, so nothing to format (the Connect prompt has no dates).
    made.length = 0;
    viewAsked = false;
    install({ accountId: 'alice', extension: { config: listConfig() } });
    m = await load();
    vi.stubGlobal('Intl', Object.assign(Object.create(Intl) as typeof Intl, { DateTimeFormat: spy }));
    started = m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl));
    m.early.showView(started, view);
    expect(await started.sent).toBe(false);
    await settle();
    expect(viewAsked).toBe(true);
    expect(made).toEqual([]);
  });

  it('asks for the product’s theme once the first request is out and before the view’s file: never ahead of the context or the request', async () => {
    // What had happened when the theme was asked for, and when the view's file was.
    const seen: Record<string, { graph: number; bridge: string[] }> = {};
    const snapshot = () => ({ graph: fake.graph.length, bridge: fake.bridge.map((c) => c.type) });
    const view = async () => {
      seen['view'] = snapshot();
      return { show: () => undefined };
    };

    /** A List macro's entry and view, with or without the tab's session token; `sent` as it settles. */
    const start = async (withToken: boolean) => {
      delete seen['theme'];
      install({ accountId: 'alice', extension: { config: listConfig() } });
      if (withToken) storage.set('m365.session.alice', JSON.stringify(token('warm')));
      const inner = answer;
      answer = async (type, payload) => {
        if (type === 'enableTheming') seen['theme'] = snapshot();
        return inner(type, payload);
      };
      const m = await load();
      const started = m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl));
      m.early.showView(started, view);
      const sent = await started.sent;
      await settle();
      return sent;
    };

    expect(await start(true)).toBe(true);
    // After the context and the $batch; before the view's file was asked for; once.
    expect(seen['theme']).toEqual({ graph: 1, bridge: ['getContext'] });
    expect(seen['view']?.bridge).toEqual(['getContext', 'enableTheming']);
    expect(fake.bridge.filter((c) => c.type === 'enableTheming')).toHaveLength(1);

    // Not connected: no request, yet the theme is asked for all the same (the Connect prompt is themed too).
    expect(await start(false)).toBe(false);
    expect(seen['theme']?.graph).toBe(0);
    expect(seen['theme']?.bridge).toEqual(expect.arrayContaining(['getContext', 'invoke']));
  });

  it('asks Graph nothing early for a logged-out viewer, a malformed configuration, or a viewer not connected', async () => {
    install({ extension: { config: listConfig() } });
    let m = await load();
    await m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl)).sent;
    await settle();
    expect(fake.graph).toHaveLength(0);

    install({ accountId: 'alice', extension: { config: { ...listConfig(), siteId: 'https://evil.example/x' } } });
    storage.set('m365.session.alice', JSON.stringify(token('warm')));
    m = await load();
    await m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl)).sent;
    await settle();
    expect(fake.graph).toHaveLength(0);

    install({ accountId: 'alice', extension: { config: listConfig() } });
    m = await load();
    await m.early.startEarly('sp-test', (ctx, t) => listMacroFirstRequests(ctx.extension['config'], t.graphBaseUrl)).sent;
    await settle();
    // Not connected: the token resolver said so (one call, as the view would have made), and Graph saw nothing.
    expect(tokenCalls()).toHaveLength(1);
    expect(fake.graph).toHaveLength(0);
    expect(storage.size).toBe(0);
  });
});
