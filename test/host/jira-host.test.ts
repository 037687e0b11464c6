import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { IssueEvent } from '../../dev/host/products/jira/store';
import { ROOT, startTestHost, type TestHost } from '../support/host';
import { USERS } from '../support/atlassian';

const NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

/**
 * The Jira emulation as an app meets it: a probe app calls product REST through the real
 * @forge/api (asUser, asApp, and the unauthenticated call), and tests drive the site through the
 * control API at /__emulator/jira.
 */
describe('Jira emulation through the host', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/jira-probe-app') });
  });
  afterAll(() => host?.stop());
  beforeEach(async () => {
    await host.control('reset');
  });
  const jira = (user: string, payload: { as?: 'user' | 'app' | 'none'; method?: string; path: string; body?: unknown }) => host.asUser(user).invoke('jira-probe-panel', 'jira', payload).then((r) => r.value);

  it('answers each caller as Jira would: the user, the app, and an unauthenticated call', async () => {
    expect(await jira('bob', { path: '/rest/api/3/issue/DEMO-3' })).toMatchObject({ status: 404, body: { errorMessages: [NOT_FOUND] } });
    expect(await jira('alice', { path: '/rest/api/3/issue/DEMO-3?fields=summary' })).toMatchObject({ status: 200, body: { key: 'DEMO-3', fields: { summary: 'Salary review for the support team' } } });
    expect(await jira('bob', { as: 'none', path: '/rest/api/3/issue/PUB-1?fields=summary' })).toMatchObject({ status: 200, body: { key: 'PUB-1' } });
    expect(await jira('bob', { as: 'none', path: '/rest/api/3/issue/DEMO-1' })).toMatchObject({ status: 404, body: { errorMessages: [NOT_FOUND] } });
    expect(await jira('bob', { as: 'app', path: '/rest/api/3/issue/DEMO-1?fields=project' })).toMatchObject({ status: 200, body: { fields: { project: { id: '10000', key: 'DEMO' } } } });
  });

  it("refuses a property write and a transition by someone who may not, through the app's own calls", async () => {
    const write = await jira('carol', { method: 'PUT', path: '/rest/api/3/issue/DEMO-1/properties/probe-links', body: { conversationIds: ['forged'] } });
    expect(write.status).toBe(403);
    expect((await jira('carol', { path: '/rest/api/3/issue/DEMO-1/properties/probe-links' })).status).toBe(404);
    const move = await jira('carol', { method: 'POST', path: '/rest/api/3/issue/DEMO-1/transitions', body: { transition: { id: '31' } } });
    expect(move).toMatchObject({ status: 400, body: { errorMessages: ["Transition id '31' is not valid for this issue."] } });
    expect((await jira('bob', { method: 'POST', path: '/rest/api/3/issue/DEMO-1/transitions', body: { transition: { id: '31' } } })).status).toBe(204);
  });

  it('finds issues by the search alias the app declares in jira:entityProperty', async () => {
    expect((await jira('alice', { as: 'app', method: 'PUT', path: '/rest/api/3/issue/DEMO-2/properties/probe-links', body: { conversationIds: ['AAQkConv'], count: 3, note: 'Kickoff thread' } })).status).toBe(201);
    const found = await jira('carol', { method: 'POST', path: '/rest/api/3/search/jql', body: { jql: 'probeConversationId = AAQkConv AND probeLinkCount > 2 AND issue.property[probe-links].note ~ kickoff', fields: ['key'] } });
    expect(found.body.issues.map((i: { key: string }) => i.key)).toEqual(['DEMO-2']);
  });

  it('changes issues as a user would through the control API, and tells listeners and the event log', async () => {
    const heard: IssueEvent[] = [];
    const stop = host.onIssueEvent((e) => heard.push(e));
    try {
      const created = await host.control('jira/issues', { as: 'alice', projectKey: 'DEMO', fields: { summary: 'Book the review room', duedate: '2026-07-01', assignee: 'bob', labels: ['release'] } });
      expect(created).toMatchObject({ status: 201, body: { key: 'DEMO-6' } });
      expect((await host.control('jira/issues', { as: 'carol', projectKey: 'PUB', fields: { summary: 'x' } })).status).toBe(201);
      expect((await host.control('jira/issues/DEMO-6', { as: 'carol', fields: { summary: 'Not hers to edit' } })).status).toBe(403);
      expect((await host.control('jira/issues/DEMO-6', { as: 'bob', fields: { summary: 'Book the big review room', priority: 'High' } })).status).toBe(200);
      expect((await host.control('jira/issues/DEMO-6/transition', { as: 'bob', to: 'In Progress' })).body).toMatchObject({ key: 'DEMO-6', status: 'In Progress' });
      // Without the Developers role Bob cannot move it on, in the control API or in the app's calls.
      expect((await host.control('jira/roles', { projectKey: 'DEMO', role: 'Developers', remove: 'bob' })).body).toMatchObject({ users: [] });
      expect((await host.control('jira/issues/DEMO-6/transition', { as: 'bob', to: 'Done' })).status).toBe(403);
      expect((await jira('bob', { method: 'POST', path: '/rest/api/3/issue/DEMO-6/transitions', body: { transition: { id: '31' } } })).status).toBe(400);
      const issue = await jira('bob', { path: '/rest/api/3/issue/DEMO-6?fields=summary,status,priority,assignee,duedate,labels' });
      expect(issue.body.fields).toMatchObject({ summary: 'Book the big review room', status: { name: 'In Progress' }, priority: { name: 'High' }, assignee: { accountId: USERS.bob }, duedate: '2026-07-01', labels: ['release'] });
    } finally {
      stop();
    }
    expect(heard.map((e) => [e.type, e.issue.key, e.atlassianId, e.changelog?.items.map((i) => i.field) ?? []])).toEqual([
      ['avi:jira:created:issue', 'DEMO-6', USERS.alice, []],
      ['avi:jira:created:issue', 'PUB-3', USERS.carol, []],
      ['avi:jira:updated:issue', 'DEMO-6', USERS.bob, ['summary', 'priority']],
      ['avi:jira:updated:issue', 'DEMO-6', USERS.bob, ['status']],
    ]);
    const log = (await (await fetch(`${host.origin}/__emulator/jira/events?since=2`)).json()) as { events: IssueEvent[] };
    expect(log.events.map((e) => e.seq)).toEqual([3, 4]);
    await host.control('reset');
    expect((await jira('alice', { path: '/rest/api/3/issue/DEMO-6' })).status).toBe(404);
    expect((await host.state()).jira.issues).toBe(7);
  });

  it('generates 50,000 issues that an app pages through with nextPageToken, each exactly once, at exactly 1 + n points a page', async () => {
    const bulk = await host.control('jira/bulk', { projectKey: 'LOAD', count: 50_000 });
    expect(bulk).toMatchObject({ status: 200, body: { created: 50_000, first: 'LOAD-1', last: 'LOAD-50000' } });
    const before = (await host.state()).jira.points.used;
    const started = performance.now();
    const all = (await host.asUser('bob').invoke('jira-probe-panel', 'searchAll', { as: 'app', jql: 'project = LOAD ORDER BY duedate ASC', maxResults: 5000 })).value;
    const ms = performance.now() - started;
    expect(all).toMatchObject({ status: 200, pages: 10, ids: 50_000, unique: 50_000 });
    expect((await host.state()).jira.points.used - before).toBe(10 + 50_000);
    host.logs.push(`[jira-host.test] 50,000 issues in 10 pages of 5,000 through @forge/api: ${Math.round(ms)} ms`);
  }, 120_000);

  it('meters the app in points per hour and answers 429 with Retry-After to the app past its budget', async () => {
    const used = (await host.state()).jira.points.used as number;
    const set = await host.control('jira/points', { appPerHour: used + 3 });
    expect(set.body.jira).toMatchObject({ appPerHour: used + 3, used });
    expect((await jira('bob', { path: '/rest/api/3/issue/DEMO-1?fields=summary' })).status).toBe(200);
    expect((await jira('bob', { path: '/rest/api/3/myself' })).status).toBe(200);
    const refused = await jira('bob', { path: '/rest/api/3/issue/DEMO-1' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-reason']).toBe('jira-quota-global-based');
    const state = await host.state();
    expect(state.jira.points).toMatchObject({ used: used + 4, rejected: 1 });
    // The next hour (the host clock moved past it) has a fresh budget.
    await host.control('clock', { advanceSeconds: 3600 });
    expect((await jira('bob', { path: '/rest/api/3/issue/DEMO-1' })).status).toBe(200);
    // `perHour` sets the budgets too; a site budget below the app's is the one that stops the app.
    expect((await host.control('jira/points', { perHour: { app: 1_000, site: 3 } })).body.jira).toMatchObject({ appPerHour: 1_000, sitePerHour: 3, used: 2 });
    await jira('bob', { path: '/rest/api/3/myself' });
    expect((await jira('bob', { path: '/rest/api/3/myself' })).headers['ratelimit-reason']).toBe('jira-quota-tenant-based');
  });
});
