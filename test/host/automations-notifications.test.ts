import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host';
import { clickButton } from '../emulator/support';

/**
 * The Graph notification web trigger through the host, as Microsoft and strangers reach it: the
 * validation handshake, forged and foreign notifications, coalescing, the feature switched off.
 */
const PANEL = 'm365-issue-panel';

type Json = any;

async function connect(host: TestHost): Promise<void> {
  const start = await host.asUser('alice').invoke(PANEL, 'account/connect', { feature: 'automations' });
  const picked = await clickButton(await (await fetch(start.value.value.authorizeUrl as string)).text(), 'alice@contoso.com');
  const done = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
  await (await fetch(done.headers.get('location') ?? '')).text();
}

describe('the Graph notification web trigger', () => {
  let host: TestHost;
  let sub: Json;
  const queued = async (): Promise<number> => (await host.state()).events.queues.automations?.pushed ?? 0;
  const notify = (url: string, item: Record<string, unknown>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: [{ subscriptionId: sub.id, changeType: 'updated', resource: 'Users/x/todo/lists/l/tasks/t-1', resourceData: { id: 't-1' }, ...item }] }) });
  const setFeature = async (on: boolean) => expect((await host.asUser('alice').invoke('m365-jira-admin', 'admin/settings/save', { features: { automations: on } })).value.ok).toBe(true);

  beforeAll(async () => {
    host = await startTestHost();
    await setFeature(true);
    await connect(host);
    const task = (await host.control('todo/tasks', { user: 'alice', list: 'Tasks', title: 'Watched' })).body.task.id as string;
    const lists = ((await (await fetch(`${host.origin}/__emulator/todo?user=alice`)).json()) as { lists: Json[] }).lists;
    const r = await host.asUser('alice').invoke(PANEL, 'todo/link', { issueId: '10001', listId: lists.find((l) => l.displayName === 'Tasks').id, taskId: task });
    if (!r.value.ok) throw new Error(JSON.stringify(r.value));
    sub = ((await (await fetch(`${host.origin}/__emulator/subscriptions`)).json()) as { subscriptions: Json[] }).subscriptions[0];
  }, 60_000);
  afterAll(() => host?.stop());

  it('Graph validated the subscription: it exists, with a notification URL naming our record and a nonce', () => {
    expect(sub.notificationUrl).toMatch(/\/x1\/graph-notifications\?s=s[\w-]{24}&n=[\w-]{16}$/);
    expect(sub.clientState).toMatch(/^[\w-]{43}$/);
  });

  it('echoes a validation token as text/plain only at its own URLs', async () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 25b3a2b8 <b>&</b>';
    const ours = await fetch(`${sub.notificationUrl as string}&validationToken=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'text/plain' } });
    expect(ours.status).toBe(200);
    expect(ours.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ours.text()).toBe(token);
    const bare = String(sub.notificationUrl).replace(/\?.*$/, '');
    const foreign = await fetch(`${bare}?validationToken=${encodeURIComponent(token)}`, { method: 'POST' });
    expect(foreign.status).toBe(404);
  });

  it('a forged notification (wrong clientState, or another record’s URL) is acknowledged and queues nothing', async () => {
    const before = await queued();
    expect((await notify(sub.notificationUrl, { clientState: 'x'.repeat(43) })).status).toBe(202);
    const otherRecord = String(sub.notificationUrl).replace(/s=s[\w-]{24}/, 's=sAAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await notify(otherRecord, { clientState: sub.clientState })).status).toBe(202);
    expect(await queued()).toBe(before);
  });

  it('a storm about one task queues at most two jobs: one at once, one after the window', async () => {
    const before = await queued();
    const answers = await Promise.all(Array.from({ length: 50 }, () => notify(sub.notificationUrl, { clientState: sub.clientState })));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect((await queued()) - before).toBeLessThanOrEqual(2);
    expect((await queued()) - before).toBeGreaterThanOrEqual(1);
  });

  it('switched off: no subscription is left, the handshake is refused and nothing is queued', async () => {
    await setFeature(false);
    await host.control('events/drain', { timeoutMs: 20_000 });
    expect(((await (await fetch(`${host.origin}/__emulator/subscriptions`)).json()) as { subscriptions: Json[] }).subscriptions).toEqual([]);
    const refused = await fetch(`${sub.notificationUrl as string}&validationToken=abc`, { method: 'POST' });
    expect(refused.status).toBe(404);
    const before = await queued();
    await host.control('clock', { advanceSeconds: 120 });
    expect((await notify(sub.notificationUrl, { clientState: sub.clientState, resourceData: { id: 't-2' } })).status).toBe(202);
    expect(await queued()).toBe(before);
  });
});
