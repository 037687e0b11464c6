import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { graphFetch, type Running, signIn, startEmulator, type Tokens } from './support';

 
type Json = any;

type Notification = { subscriptionId: string; clientState: string | null; changeType?: string; resource?: string; resourceData?: { id: string }; lifecycleEvent?: string; tenantId: string; subscriptionExpirationDateTime: string };

/** A webhook receiver: answers the validation handshake, records notifications; its behaviour is set per test. */
const receiver = () => {
  const got: Array<{ path: string; body: { value: Notification[] } }> = [];
  const tokens: string[] = [];
  const mode = { status: 202, delayMs: 0, wrongEcho: false, failFirst: 0, slowFirst: 0 };
  let seen = 0;
  const app = new Hono();
  app.post('/*', async (c) => {
    const token = c.req.query('validationToken');
    if (token !== undefined) {
      tokens.push(token);
      return c.text(mode.wrongEcho ? 'nope' : token, 200, { 'content-type': 'text/plain' });
    }
    const body = await c.req.json<{ value: Notification[] }>();
    const n = seen++;
    got.push({ path: new URL(c.req.url).pathname, body });
    if (n < mode.slowFirst) await new Promise((r) => setTimeout(r, 3200));
    else if (mode.delayMs) await new Promise((r) => setTimeout(r, mode.delayMs));
    if (n < mode.failFirst) return c.text('busy', 503);
    return c.body(null, mode.status as 202);
  });
  let server: ReturnType<typeof serve>;
  return {
    got, tokens, mode,
    reset() {
      got.length = 0;
      tokens.length = 0;
      Object.assign(mode, { status: 202, delayMs: 0, wrongEcho: false, failFirst: 0, slowFirst: 0 });
      seen = 0;
    },
    start: () => new Promise<string>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
};

let run: Running;
const hook = receiver();
let hookUrl = '';
const t: Record<string, Tokens> = {};
const call = (who: string, path: string, init: RequestInit = {}) => graphFetch(run, t[who]?.access_token ?? '', path, init);
const send = (who: string, method: string, path: string, body?: unknown) => call(who, path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const control = async (path: string, body?: unknown) => {
  const res = await run.emu.automationControl.request(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json };
};
const now = () => Date.now() + run.clock.offsetMs;
/** Moves the emulator's clock, delivering what falls due on the way, as the host's clock does. */
const advance = async (seconds: number) => {
  const target = now() + seconds * 1000;
  await run.emu.subscriptions.runDue(target, (at) => { run.clock.offsetMs = Math.max(run.clock.offsetMs, at - Date.now()); });
  run.clock.offsetMs = Math.max(run.clock.offsetMs, target - Date.now());
};
const settle = () => run.emu.subscriptions.idle(20_000);
const inMinutes = (m: number) => new Date(now() + m * 60_000).toISOString();
let listId = '';
let taskId = '';

const subscribe = (extra: Record<string, unknown> = {}, who = 'alice') =>
  send(who, 'POST', '/subscriptions', { changeType: 'created,updated,deleted', notificationUrl: `${hookUrl}/notify?install=abc`, resource: `/me/todo/lists/${listId}/tasks`, expirationDateTime: inMinutes(4000), clientState: 'secret-state', ...extra });

beforeAll(async () => {
  hookUrl = await hook.start();
  run = await startEmulator();
});
afterAll(async () => {
  await run.close();
  await hook.close();
});
beforeEach(async () => {
  run.emu.reset();
  run.clock.offsetMs = 0;
  hook.reset();
  t['alice'] = await signIn(run, 'alice@contoso.com');
  t['noTasks'] = await signIn(run, 'bob@contoso.com', { scope: 'openid User.Read' });
  const lists = (await (await call('alice', '/me/todo/lists')).json()) as { value: Array<{ id: string; displayName: string }> };
  listId = lists.value.find((l) => l.displayName === 'Phoenix follow-ups')?.id ?? '';
  const tasks = (await (await call('alice', `/me/todo/lists/${listId}/tasks`)).json()) as { value: Array<{ id: string; title: string }> };
  taskId = tasks.value.find((x) => x.title === 'Chase the device order')?.id ?? '';
});

describe('To Do through Graph', () => {
  it('creates a task with a linked resource back to the issue, completes it, and reads it back', async () => {
    const created = await send('alice', 'POST', `/me/todo/lists/${listId}/tasks`, { title: 'DEMO-1: Fix the login', linkedResources: [{ webUrl: 'https://site.atlassian.net/browse/DEMO-1', applicationName: 'Jira', displayName: 'DEMO-1', externalId: '10001' }] });
    expect(created.status).toBe(201);
    const task = (await created.json()) as { id: string; status: string };
    expect(task.status).toBe('notStarted');
    const links = (await (await call('alice', `/me/todo/lists/${listId}/tasks/${task.id}/linkedResources`)).json()) as { value: Array<{ applicationName: string; externalId: string; webUrl: string; id: string }> };
    expect(links.value).toEqual([expect.objectContaining({ applicationName: 'Jira', externalId: '10001', webUrl: 'https://site.atlassian.net/browse/DEMO-1', id: expect.any(String) })]);
    const done = await send('alice', 'PATCH', `/me/todo/lists/${listId}/tasks/${task.id}`, { status: 'completed' });
    expect(((await done.json()) as { status: string; completedDateTime: { dateTime: string } }).completedDateTime.dateTime).toMatch(/^\d{4}-/);
    expect((await send('alice', 'PATCH', `/me/todo/lists/${listId}/tasks/${task.id}`, { status: 'finished' })).status).toBe(400);
    expect((await send('alice', 'POST', `/me/todo/lists/${listId}/tasks`, { title: '' })).status).toBe(400);
  });

  it('needs Tasks.ReadWrite to write', async () => {
    expect((await send('noTasks', 'POST', `/me/todo/lists/${listId}/tasks`, { title: 'x' })).status).toBe(403);
  });
});

describe('Graph change notifications for To Do', () => {
  it('validates the endpoint before creating: the handshake token must come back as text', async () => {
    const res = await subscribe();
    expect(res.status).toBe(201);
    const sub = (await res.json()) as { id: string; expirationDateTime: string; clientState: string; changeType: string };
    expect(hook.tokens).toHaveLength(1);
    expect(hook.tokens[0]).toMatch(/^Validation: /);
    expect(sub).toMatchObject({ clientState: 'secret-state', changeType: 'created,updated,deleted' });
    hook.mode.wrongEcho = true;
    const refused = await subscribe();
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ValidationError');
    const list = (await (await call('alice', '/subscriptions')).json()) as { value: unknown[] };
    expect(list.value).toHaveLength(1);
  });

  it('refuses what Graph refuses: plain http elsewhere, clientState over 128, over 4,230 minutes, the past, no Tasks permission', async () => {
    expect((await subscribe({ notificationUrl: 'http://example.com/hook' })).status).toBe(400);
    expect((await subscribe({ clientState: 'x'.repeat(129) })).status).toBe(400);
    expect((await subscribe({ expirationDateTime: inMinutes(4231) })).status).toBe(400);
    expect((await subscribe({ expirationDateTime: inMinutes(-1) })).status).toBe(400);
    expect((await subscribe({ changeType: 'edited' })).status).toBe(400);
    expect((await subscribe({ resource: '/me/messages' })).status).toBe(400);
    expect((await subscribe({}, 'noTasks')).status).toBe(403);
    const short = (await (await subscribe({ expirationDateTime: inMinutes(5) })).json()) as { expirationDateTime: string };
    expect(Date.parse(short.expirationDateTime) - now()).toBeGreaterThan(44 * 60_000);
  });

  it('notifies when a task is completed, through Graph or by the user in To Do, with clientState and no content', async () => {
    const sub = (await (await subscribe()).json()) as { id: string };
    await send('alice', 'PATCH', `/me/todo/lists/${listId}/tasks/${taskId}`, { status: 'completed' });
    await settle();
    expect(hook.got).toHaveLength(1);
    const n = hook.got[0]?.body.value[0];
    expect(n).toMatchObject({ subscriptionId: sub.id, clientState: 'secret-state', changeType: 'updated', resourceData: { id: taskId } });
    expect(n?.resource).toMatch(new RegExp(`^Users/[0-9a-f-]+/todo/lists/${listId}/tasks/${taskId}$`));
    expect(JSON.stringify(n)).not.toContain('Chase the device order');
    expect(hook.got[0]?.path).toBe('/notify');
    const completed = await control('/todo/tasks', { user: 'alice', list: 'Phoenix follow-ups', task: 'Plan the beta retro', complete: true });
    expect(completed.body.task.status).toBe('completed');
    await settle();
    expect(hook.got).toHaveLength(2);
  });

  it('sends only the change types subscribed to', async () => {
    await subscribe({ changeType: 'updated' });
    await send('alice', 'POST', `/me/todo/lists/${listId}/tasks`, { title: 'New one' });
    await settle();
    expect(hook.got).toHaveLength(0);
  });

  it('redelivers a notification the endpoint did not take, with backoff on the clock', async () => {
    await subscribe();
    hook.mode.failFirst = 1;
    await control('/todo/tasks', { user: 'alice', list: listId, task: taskId, complete: true });
    await settle();
    expect(hook.got).toHaveLength(1);
    await advance(59);
    expect(hook.got).toHaveLength(1);
    await advance(2);
    await settle();
    expect(hook.got).toHaveLength(2);
    expect(hook.got[1]?.body.value[0]?.resourceData?.id).toBe(taskId);
    expect((await control('/subscriptions')).body.counters).toMatchObject({ delivered: 1, redelivered: 1, lost: 0 });
  });

  it('gives up after four hours and tells the lifecycle endpoint it missed notifications', async () => {
    await subscribe({ notificationUrl: `${hookUrl}/down`, lifecycleNotificationUrl: `${hookUrl}/lifecycle` });
    hook.mode.failFirst = 1000;
    await control('/todo/tasks', { user: 'alice', list: listId, task: taskId, complete: true });
    await settle();
    for (let i = 0; i < 6; i++) await advance(3600);
    await settle();
    const counters = (await control('/subscriptions')).body.counters;
    expect(counters.lost).toBe(1);
    expect(hook.got.filter((g) => g.path === '/down').length).toBeGreaterThan(5);
    expect(hook.got.some((g) => g.path === '/lifecycle' && g.body.value[0]?.lifecycleEvent === 'missed')).toBe(true);
  }, 60_000);

  it('an endpoint that answers slowly gets its notifications dropped, and says so', async () => {
    await subscribe({ lifecycleNotificationUrl: `${hookUrl}/lifecycle` });
    hook.mode.slowFirst = 100;
    for (let i = 0; i < 100; i++) await send('alice', 'POST', `/me/todo/lists/${listId}/tasks`, { title: `load ${i}` });
    await settle();
    const state = (await control('/subscriptions')).body;
    expect(state.counters.slow).toBeGreaterThanOrEqual(100);
    expect(Object.values(state.endpoints as Record<string, { state: string }>)[0]?.state).toBe('dropped');
    hook.got.length = 0;
    await send('alice', 'POST', `/me/todo/lists/${listId}/tasks`, { title: 'dropped' });
    await settle();
    expect(hook.got.filter((g) => g.path === '/notify')).toHaveLength(0);
    expect(hook.got.some((g) => g.path === '/lifecycle' && g.body.value[0]?.lifecycleEvent === 'missed')).toBe(true);
    expect((await control('/subscriptions')).body.counters.dropped).toBe(1);
    // Ten minutes on, the endpoint is judged afresh: new notifications flow (and the timed-out ones were redelivered).
    await advance(601);
    const after = (await (await send('alice', 'POST', `/me/todo/lists/${listId}/tasks`, { title: 'after the penalty' })).json()) as { id: string };
    await settle();
    expect(hook.got.some((g) => g.path === '/notify' && g.body.value[0]?.resourceData?.id === after.id)).toBe(true);
    expect((await control('/subscriptions')).body.counters.redelivered).toBeGreaterThanOrEqual(100);
  }, 60_000);

  it('lifecycle: reauthorizationRequired when the user’s sign-in is revoked, subscriptionRemoved deletes it', async () => {
    const sub = (await (await subscribe({ lifecycleNotificationUrl: `${hookUrl}/lifecycle` })).json()) as { id: string };
    run.emu.revokeRefreshTokens('alice@contoso.com');
    await settle();
    expect(hook.got.map((g) => g.body.value[0]?.lifecycleEvent)).toEqual(['reauthorizationRequired']);
    expect((await send('alice', 'POST', `/subscriptions/${sub.id}/reauthorize`)).status).toBe(204);
    expect((await control('/subscriptions/lifecycle', { id: sub.id, event: 'subscriptionRemoved' })).body).toEqual({ sent: true });
    await settle();
    expect(hook.got.map((g) => g.body.value[0]?.lifecycleEvent)).toEqual(['reauthorizationRequired', 'subscriptionRemoved']);
    expect((await call('alice', `/subscriptions/${sub.id}`)).status).toBe(404);
  });

  it('expires on the clock unless renewed; a renewal keeps the 4,230-minute cap', async () => {
    const a = (await (await subscribe({ expirationDateTime: inMinutes(60) })).json()) as { id: string };
    const b = (await (await subscribe({ expirationDateTime: inMinutes(60) })).json()) as { id: string };
    expect((await send('alice', 'PATCH', `/subscriptions/${b.id}`, { expirationDateTime: inMinutes(4231) })).status).toBe(400);
    const renewed = await send('alice', 'PATCH', `/subscriptions/${b.id}`, { expirationDateTime: inMinutes(4200) });
    expect(renewed.status).toBe(200);
    await advance(61 * 60);
    t['alice'] = await signIn(run, 'alice@contoso.com');
    expect((await call('alice', `/subscriptions/${a.id}`)).status).toBe(404);
    expect((await call('alice', `/subscriptions/${b.id}`)).status).toBe(200);
    expect((await send('alice', 'PATCH', `/subscriptions/${a.id}`, { expirationDateTime: inMinutes(100) })).status).toBe(404);
    expect((await send('alice', 'DELETE', `/subscriptions/${b.id}`)).status).toBe(204);
    await control('/todo/tasks', { user: 'alice', list: listId, task: taskId, complete: true });
    await settle();
    expect(hook.got).toHaveLength(0);
  });
});
