import { describe, expect, it } from 'vitest';
import { createSession, tabHoldsSession } from '../../../static/shared/session';
import { copyStorageKey, encodeCopy, tokenFingerprint, type CopyNode } from '../../../src/core/sharepoint/tab-copy';
import { createGraphSender } from '../../../static/shared/graph-send';
import type { AppErrorBody } from '../../../src/contract';
import type { Result, SessionToken } from '../../../src/contract';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

function tokenServer(now: () => number) {
  let n = 0;
  const calls: boolean[] = [];
  const fetchToken = async ({ refresh }: { refresh: boolean }): Promise<Result<SessionToken>> => {
    calls.push(refresh);
    return { ok: true, value: { accessToken: `t${++n}`, expiresAt: now() + 3600_000, graphBaseUrl: 'https://graph.test/v1.0' } };
  };
  return { fetchToken, calls };
}

describe('browser session token', () => {
  it('signing out takes the SharePoint macros’ tab copies with the token (src/core/sharepoint/tab-copy.ts): every copy of that account, no one else’s', () => {
    const m = new Map<string, string>();
    const storage = {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
      key: (i: number) => [...m.keys()][i] ?? null,
      get length() {
        return m.size;
      },
    };
    const tree: CopyNode[] = ['x'];
    m.set('m365.session.alice', JSON.stringify({ accessToken: 'alice-token', expiresAt: Date.now() + 3600_000, graphBaseUrl: 'https://graph.test' }));
    m.set(copyStorageKey('alice', 'sp-document', { itemId: 'a' }), encodeCopy({ v: 1, token: tokenFingerprint('alice-token'), at: 1, tree }));
    m.set(copyStorageKey('alice', 'sp-list', { listId: 'b' }), encodeCopy({ v: 1, token: tokenFingerprint('alice-token'), at: 2, tree }));
    m.set(copyStorageKey('bob', 'sp-list', { listId: 'b' }), encodeCopy({ v: 1, token: tokenFingerprint('bob'), at: 3, tree }));
    createSession('alice', () => Promise.reject(new Error('not asked')), storage).clear();
    expect([...m.keys()]).toEqual([copyStorageKey('bob', 'sp-list', { listId: 'b' })]);
  });

  it('reuses the session token until shortly before it expires', async () => {
    let t = 0;
    const server = tokenServer(() => t);
    const s = createSession('acc-1', server.fetchToken, memoryStorage(), () => t);
    await s.token();
    await s.token();
    expect(server.calls).toEqual([false]);
    t += 3600_000 - 30_000;
    await s.token();
    expect(server.calls).toEqual([false, false]);
  });

  it('keeps tokens of different Atlassian accounts apart', async () => {
    const storage = memoryStorage();
    const server = tokenServer(() => 0);
    await createSession('alice', server.fetchToken, storage, () => 0).token();
    expect(createSession('bob', server.fetchToken, storage, () => 0).hasToken()).toBe(false);
  });
});

describe('the browser’s one Graph sender', () => {
  const me = { method: 'GET' as const, path: '/me' };

  it('retries a 401 exactly once with a refreshed token', async () => {
    const server = tokenServer(() => 0);
    const session = createSession('acc', server.fetchToken, memoryStorage(), () => 0);
    const seen: string[] = [];
    const graph = createGraphSender({
      session,
      fetch: async (_url, init) => {
        const auth = new Headers(init?.headers).get('Authorization') ?? '';
        seen.push(auth);
        return auth === 'Bearer t2' ? Response.json({ displayName: 'Alice' }) : Response.json({ error: { code: 'InvalidAuthenticationToken' } }, { status: 401 });
      },
    });
    expect(await graph.send(me)).toEqual({ ok: true, value: { displayName: 'Alice' } });
    expect(seen).toEqual(['Bearer t1', 'Bearer t2']);
    expect(server.calls).toEqual([false, true]);
  });

  it('gives up after the second 401 and drops the session token', async () => {
    const storage = memoryStorage();
    const server = tokenServer(() => 0);
    const session = createSession('acc', server.fetchToken, storage, () => 0);
    let calls = 0;
    const graph = createGraphSender({
      session,
      fetch: async () => {
        calls++;
        return Response.json({ error: { code: 'InvalidAuthenticationToken' } }, { status: 401 });
      },
    });
    const r = await graph.send(me);
    expect(r).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED', reason: 'token_rejected', message: 'Your Microsoft 365 session has ended. Connect again to continue.' } });
    expect(calls).toBe(2);
    expect(storage.m.size).toBe(0);
  });

  it('waits as long as Retry-After says, tells the UI, then answers', async () => {
    const session = createSession('acc', tokenServer(() => 0).fetchToken, memoryStorage(), () => 0);
    const waits: number[] = [];
    const told: AppErrorBody[] = [];
    let n = 0;
    const graph = createGraphSender({
      session,
      sleep: async (ms) => void waits.push(ms),
      onRetry: (e) => void told.push(e),
      fetch: async () => (++n === 1 ? Response.json({ error: { code: 'TooManyRequests' } }, { status: 429, headers: { 'Retry-After': '3' } }) : Response.json({ id: 'x' })),
    });
    expect(await graph.send(me)).toEqual({ ok: true, value: { id: 'x' } });
    expect(waits).toEqual([3000]);
    expect(told).toMatchObject([{ code: 'THROTTLED', retryAfterSeconds: 3 }]);
  });

  it('no session token: the resolver’s refusal comes back unchanged and nothing is sent', async () => {
    let sent = 0;
    const session = createSession('acc', async () => ({ ok: false, error: { code: 'FEATURE_OFF', message: 'off', reason: 'feature_off:sharepoint' } }), memoryStorage(), () => 0);
    const graph = createGraphSender({ session, fetch: async () => (sent++, Response.json({})) });
    expect(await graph.send(me)).toEqual({ ok: false, error: { code: 'FEATURE_OFF', message: 'off', reason: 'feature_off:sharepoint' } });
    expect(sent).toBe(0);
  });

  it.each([
    [403, 'FORBIDDEN'],
    [404, 'FORBIDDEN'],
    [410, 'NOT_FOUND'],
    [500, 'MS_UNAVAILABLE'],
  ])('maps Graph %s to %s, the codes the rest of the app uses', async (status, code) => {
    const session = createSession('acc', tokenServer(() => 0).fetchToken, memoryStorage(), () => 0);
    const graph = createGraphSender({ session, fetch: async () => Response.json({ error: { code: 'x', message: 'm' } }, { status }) });
    expect(await graph.send({ method: 'GET', path: '/x' })).toMatchObject({ ok: false, error: { code } });
  });

  it('a network failure is MS_UNAVAILABLE, not a throw', async () => {
    const session = createSession('acc', tokenServer(() => 0).fetchToken, memoryStorage(), () => 0);
    const graph = createGraphSender({ session, fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
    expect(await graph.send(me)).toMatchObject({ ok: false, error: { code: 'MS_UNAVAILABLE', reason: 'network' } });
  });
});

describe('whether the tab holds a session token (a macro asks account/token early only when it does not)', () => {
  const storage = (keys: string[]) => ({ length: keys.length, key: (i: number) => keys[i] ?? null });
  it('is true when any account’s session token is kept, false for other keys or none', () => {
    expect(tabHoldsSession(() => storage(['other', 'm365.session.acc-1']))).toBe(true);
    expect(tabHoldsSession(() => storage(['m365.probe', 'bench.mgt.session']))).toBe(false);
    expect(tabHoldsSession(() => storage([]))).toBe(false);
  });
  it('is false where the browser denies the frame its storage', () => {
    expect(
      tabHoldsSession(() => {
        throw new DOMException('denied', 'SecurityError');
      }),
    ).toBe(false);
    // And with no window at all (the default reader).
    expect(tabHoldsSession()).toBe(false);
  });
});
