import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';

 
type Json = any;

const ALICE = '557058:a11ce000-0000-4000-8000-000000000001';
const APP_ACCOUNT = '557058:f0a9e000-0000-4000-8000-00000000a990';

/**
 * Product-event triggers of the events test app (test/fixtures/events-app): Jira changes made through the control API
 * reach the app's trigger functions — filtered by ignoreSelf and a Jira expression over an app property, at least once,
 * retried on InvocationError, on the host clock. What the app saw is what its function stored in KVS.
 */
describe('local Forge host: product-event triggers', () => {
  let host: TestHost;
  const values = async (): Promise<Record<string, Json>> => (await host.state()).storage.values;
  const counters = async (key: string) => (await host.state()).events.triggers[key];
  const drain = async () => expect((await host.control('events/drain')).status).toBe(200);
  const probe = async (input: Record<string, unknown>) => {
    const out = await host.runner.invoke({ handler: 'index.probe', event: { body: JSON.stringify(input) }, context: { principal: undefined }, identity: { moduleKey: 'events-probe' }, timeoutMs: 20_000 });
    if (!out.ok) throw new Error(out.error.message);
    return JSON.parse((out.value as { body: string }).body);
  };
  const enableFor = (projects: string[]) => probe({ action: 'setProperty', key: 'automations', value: { projects } });
  const editAs = (as: string, key: string, fields: Record<string, unknown>) => host.control(`jira/issues/${key}`, { as, fields });
  const deliveries = (v: Record<string, Json>, module: string) =>
    Object.entries(v).filter(([k]) => k.startsWith(`count:${module}:`)).reduce((n, [, c]) => n + (c as number), 0);

  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/events-app') });
  });
  afterAll(() => host?.stop());
  beforeEach(async () => {
    await host.control('reset');
    host.logs.length = 0;
  });

  it('delivers nothing while the feature is off: the filter reads an app property that does not exist yet', async () => {
    await editAs('alice', 'DEMO-1', { summary: 'Edited while automations are off' });
    await drain();
    expect(deliveries(await values(), 'issue-events')).toBe(0);
    expect((await counters('issue-events')).filteredOut).toEqual({ ignoreSelf: 0, expression: 1, error: 0 });
  });

  it('delivers an update in an enabled project, with Forge’s payload, and filters out other projects', async () => {
    expect(await enableFor(['DEMO'])).toEqual({ status: 201 });
    await editAs('alice', 'DEMO-1', { summary: 'A new summary' });
    await editAs('alice', 'PUB-1', { summary: 'Public edit' });
    await drain();
    const v = await values();
    const event = v['last:issue-events'];
    expect(event).toMatchObject({
      eventType: 'avi:jira:updated:issue',
      atlassianId: ALICE,
      associatedUsers: [{ accountId: ALICE }],
      issue: { key: 'DEMO-1', fields: { summary: 'A new summary', project: { key: 'DEMO' }, status: { name: expect.any(String) }, issuetype: { name: 'Task' } } },
      changelog: { id: expect.any(String), items: [expect.objectContaining({ field: 'summary', toString: 'A new summary' })] },
      context: { moduleKey: 'issue-events' },
    });
    expect(deliveries(v, 'issue-events')).toBe(1);
    expect(await counters('issue-events')).toMatchObject({ received: 2, delivered: 1, filteredOut: { expression: 1, error: 0, ignoreSelf: 0 } });
  });

  it('turning the feature off stops delivery at once', async () => {
    await enableFor(['DEMO']);
    await probe({ action: 'deleteProperty', key: 'automations' });
    await host.control('jira/issues/DEMO-1/transition', { as: 'alice', to: 'Done' });
    await drain();
    expect(deliveries(await values(), 'issue-events')).toBe(0);
  });

  it('sends avi:jira:assigned:issue as well as the update when the assignee changes', async () => {
    await enableFor(['DEMO']);
    expect((await editAs('alice', 'DEMO-1', { assignee: 'carol' })).body.changes).toEqual([expect.objectContaining({ field: 'assignee' })]);
    await drain();
    const v = await values();
    const types = Object.keys(v).filter((k) => k.startsWith('count:issue-events:')).map((k) => k.split(':').slice(2, 6).join(':'));
    expect(types.sort()).toEqual(['avi:jira:assigned:issue', 'avi:jira:updated:issue']);
  });

  it('ignoreSelf drops what the app itself changed', async () => {
    await enableFor(['DEMO']);
    await editAs('app', 'DEMO-1', { summary: 'Written by the app' });
    await drain();
    expect(deliveries(await values(), 'issue-events')).toBe(0);
    expect((await counters('issue-events')).filteredOut.ignoreSelf).toBe(1);
    await editAs('bob', 'DEMO-1', { summary: 'Written by Bob' });
    await drain();
    expect(deliveries(await values(), 'issue-events')).toBe(1);
    expect((await values())['last:issue-events'].atlassianId).not.toBe(APP_ACCOUNT);
  });

  it('an expression the evaluator does not know follows onError: RECEIVE delivers, the default drops', async () => {
    const created = await host.control('jira/issues', { as: 'alice', projectKey: 'DEMO', fields: { summary: 'Fresh' } });
    expect(created.status).toBe(201);
    await drain();
    const v = await values();
    expect(deliveries(v, 'unknown-filter-receive')).toBe(1);
    expect(deliveries(v, 'unknown-filter-ignore')).toBe(0);
    expect((await counters('unknown-filter-ignore')).filteredOut.error).toBe(1);
    expect(host.logs.some((l) => l.includes('unknown-filter-ignore') && l.includes('IGNORE_AND_LOG') && l.includes("'project'"))).toBe(true);
  });

  it('retries an event the function returns InvocationError for, after retryAfter on the host clock, with retryContext', async () => {
    await enableFor(['DEMO']);
    await editAs('alice', 'DEMO-2', { summary: 'please retry-me' });
    await drain();
    expect(deliveries(await values(), 'issue-events')).toBe(1);
    await host.control('clock', { advanceSeconds: 29 });
    await drain();
    expect(deliveries(await values(), 'issue-events')).toBe(1);
    await host.control('clock', { advanceSeconds: 2 });
    await drain();
    const v = await values();
    expect(deliveries(v, 'issue-events')).toBe(2);
    expect(v['last:issue-events'].retryContext).toEqual({ retryCount: 1, retryReason: 'FUNCTION_RETRY_REQUEST', retryData: { first: true } });
    expect(await counters('issue-events')).toMatchObject({ retried: 1, delivered: 1 });
  });

  it('delivers late when Atlassian is slow, and twice when told: the app must dedupe', async () => {
    await enableFor(['DEMO']);
    await host.control('events/settings', { deliveryDelaySeconds: 120, duplicateEvery: 1 });
    await editAs('alice', 'DEMO-1', { summary: 'Late and twice' });
    await drain();
    expect(deliveries(await values(), 'issue-events')).toBe(0);
    await host.control('clock', { advanceSeconds: 125 });
    await drain();
    const v = await values();
    const keys = Object.keys(v).filter((k) => k.startsWith('count:issue-events:'));
    expect(keys).toHaveLength(1);
    expect(v[keys[0] as string]).toBe(2);
    expect((await counters('issue-events')).duplicates).toBe(1);
  });

  it('a comment arrives as avi:jira:commented:issue with the comment', async () => {
    await enableFor(['DEMO']);
    const c = await host.control('events/jira/comment', { as: 'bob', issue: 'DEMO-1', body: 'Looks good' });
    expect(c.status).toBe(201);
    await drain();
    expect((await values())['last:issue-events']).toMatchObject({ eventType: 'avi:jira:commented:issue', comment: { id: c.body.comment.id, body: 'Looks good' }, issue: { key: 'DEMO-1' } });
  });

  it('app properties: only asApp() may write them; reads and deletes answer as Jira does', async () => {
    expect(await probe({ action: 'setPropertyAsUser', key: 'automations', value: { projects: ['DEMO'] } })).toEqual({ status: 403 });
    expect(await probe({ action: 'getProperty', key: 'automations' })).toEqual({ status: 404, body: null });
    expect(await enableFor(['DEMO'])).toEqual({ status: 201 });
    expect(await enableFor(['DEMO', 'PUB'])).toEqual({ status: 200 });
    expect(await probe({ action: 'getProperty', key: 'automations' })).toEqual({ status: 200, body: { key: 'automations', value: { projects: ['DEMO', 'PUB'] } } });
    expect(await probe({ action: 'deleteProperty', key: 'automations' })).toEqual({ status: 204 });
    expect(await probe({ action: 'deleteProperty', key: 'automations' })).toEqual({ status: 404 });
    expect(await probe({ action: 'setProperty', key: 'x'.repeat(128), value: 1 })).toEqual({ status: 400 });
  });
});
