import { describe, expect, it } from 'vitest';
import { createSession } from '../../../static/shared/session';
import { createGraph } from '../../../static/shared/graph';
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

describe('browser Graph calls', () => {
  it('retries a 401 exactly once with a refreshed token', async () => {
    const server = tokenServer(() => 0);
    const session = createSession('acc', server.fetchToken, memoryStorage(), () => 0);
    const seen: string[] = [];
    const graph = createGraph(session, async (_url, init) => {
      const auth = new Headers(init?.headers).get('Authorization') ?? '';
      seen.push(auth);
      return auth === 'Bearer t2' ? Response.json({ displayName: 'Alice' }) : Response.json({ error: { code: 'InvalidAuthenticationToken' } }, { status: 401 });
    });
    expect(await graph.request('/me')).toEqual({ ok: true, value: { displayName: 'Alice' } });
    expect(seen).toEqual(['Bearer t1', 'Bearer t2']);
    expect(server.calls).toEqual([false, true]);
  });

  it('gives up after the second 401 and drops the session token', async () => {
    const storage = memoryStorage();
    const server = tokenServer(() => 0);
    const session = createSession('acc', server.fetchToken, storage, () => 0);
    let calls = 0;
    const graph = createGraph(session, async () => {
      calls++;
      return Response.json({ error: { code: 'InvalidAuthenticationToken' } }, { status: 401 });
    });
    const r = await graph.request('/me');
    expect(r).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED' } });
    expect(calls).toBe(2);
    expect(storage.m.size).toBe(0);
  });

  it.each([
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [429, 'THROTTLED'],
    [500, 'MS_UNAVAILABLE'],
  ])('maps Graph %s to %s', async (status, code) => {
    const session = createSession('acc', tokenServer(() => 0).fetchToken, memoryStorage(), () => 0);
    const graph = createGraph(session, async () => Response.json({ error: { code: 'x', message: 'm' } }, { status, headers: { 'Retry-After': '3' } }));
    const r = await graph.request('/x');
    expect(r).toMatchObject({ ok: false, error: { code } });
    if (code === 'THROTTLED') expect(r.ok || r.error.retryAfterSeconds).toBe(3);
  });
});
