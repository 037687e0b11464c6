import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectThroughApp } from '../support/connect';
import { startTestHost, type TestHost } from '../support/host';
import { kindOfKey } from '../../src/adapters/forge/keys';

/**
 * Automations through the real host: the app's own code in the host's child process, Jira's product
 * events filtered on Jira's side by the app property, the async events queue, Graph as the rule owner
 * (Teams messages in the emulator), To Do change notifications through the web trigger.
 */
const SETTINGS_PAGE = 'calendar-feeds-project';
const PANEL = 'm365-issue-panel';
const ADMIN_PAGE = 'm365-jira-admin';
const DEMO = '10000';
const DEMO_1 = '10001';
const PHOENIX = '7d2e4f10-5a6b-4c8d-9e0f-1a2b3c4d5e60';
const GENERAL = '19:7d2e4f105a6b4c8d9e0f1a2b3c4d5e60@thread.tacv2';

type Json = any;

const connect = (host: TestHost, user: string, email: string, feature?: string): Promise<void> => connectThroughApp(host, PANEL, user, email, feature);

const rule = (over: Record<string, unknown> = {}) => ({
  name: 'Done to Phoenix',
  when: { events: ['transitioned'], toStatuses: [] },
  jql: '',
  where: { kind: 'channel', teamId: PHOENIX, channelId: GENERAL, teamName: 'Phoenix', channelName: 'General' },
  heading: 'Jira update',
  ...over,
});

describe('automations through the host', () => {
  let host: TestHost;
  let as: (user: string, module?: string) => { call(fn: string, payload?: unknown): Promise<Json> };
  const get = async (path: string): Promise<Json> => (await fetch(`${host.origin}/__emulator/${path}`)).json();
  const channel = async (): Promise<Json[]> => (await get(`teams/messages?team=${encodeURIComponent(PHOENIX)}&channel=${encodeURIComponent(GENERAL)}`)).messages;
  const drain = async () => {
    for (let i = 0; i < 3; i++) {
      await host.control('events/drain', { timeoutMs: 20_000 });
      await host.control('subscriptions/drain', { timeoutMs: 20_000 });
    }
  };
  let ruleId = '';

  beforeAll(async () => {
    host = await startTestHost();
    as = (user, module = SETTINGS_PAGE) => ({ call: async (fn, payload = {}) => (await host.asUser(user).invoke(module, fn, payload)).value });
    const on = await as('alice', ADMIN_PAGE).call('admin/settings/save', { features: { automations: true } });
    if (!on.ok) throw new Error(JSON.stringify(on));
    await connect(host, 'alice', 'alice@contoso.com', 'automations');
  }, 90_000);
  afterAll(() => host?.stop());

  it('refuses people who do not administer the project', async () => {
    const r = await as('bob').call('automations/project', { projectId: DEMO });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'Only admins of this project can manage its automations.' } });
  });

  it('a project admin makes a rule; the test message appears in the channel, posted as her', async () => {
    const made = await as('alice').call('automations/rule/create', { projectId: DEMO, input: rule() });
    expect(made).toMatchObject({ ok: true, value: { projectKey: 'DEMO', enabled: true, connected: true } });
    ruleId = made.value.rules[0].id;
    const tested = await as('alice').call('automations/rule/test', { projectId: DEMO, ruleId });
    expect(tested.ok).toBe(true);
    const [m] = await channel();
    expect(m.body.content).toContain('Test message');
    expect(m.from.user.displayName).toBe('Alice Adams');
  });

  it('a Jira transition becomes one Teams message; other projects send the app no events', async () => {
    const before = (await channel()).length;
    expect((await host.control('jira/issues/DEMO-1/transition', { as: 'bob', to: 'In Progress' })).status).toBe(200);
    expect((await host.control('jira/issues/PUB-1', { as: 'alice', fields: { summary: 'Public edit' } })).status).toBe(200);
    await drain();
    const after = await channel();
    expect(after.length).toBe(before + 1);
    expect(after[0].body.content).toContain('<b>Bob Brown</b> updated');
    expect(after[0].body.content).toContain('DEMO-1');
    expect(after[0].body.content).toContain('Status: <b>In Progress</b>');
    expect(after[0].from.user.displayName).toBe('Alice Adams');
    const counters = (await host.state()).events.triggers['automations-jira-events'];
    expect(counters.filteredOut.expression).toBeGreaterThanOrEqual(1);
    const log = (await as('alice').call('automations/project', { projectId: DEMO })).value.rules[0].log;
    expect(log[0]).toMatchObject({ outcome: 'sent', issueKey: 'DEMO-1', canResend: true });
    // Ids and outcomes only: no message text in storage.
    const stored = JSON.stringify((await host.state()).storage.values);
    expect(stored).not.toContain('Bob Brown updated');
  });

  it('the owner signs out: the rule pauses with the reason and Jira stops delivering the project’s events', async () => {
    expect((await host.asUser('alice').invoke(PANEL, 'account/signOut')).value.ok).toBe(true);
    await host.control('jira/issues/DEMO-1/transition', { as: 'bob', to: 'Done' });
    await drain();
    const v = (await as('alice').call('automations/project', { projectId: DEMO })).value;
    expect(v.rules[0].state).toMatchObject({ status: 'paused', reason: 'owner_signed_out' });
    expect(v.rules[0].state.message).toContain('signed out of Microsoft 365');
    const delivered = (await host.state()).events.triggers['automations-jira-events'].delivered;
    await host.control('jira/issues/DEMO-1/transition', { as: 'bob', to: 'To Do' });
    await drain();
    expect((await host.state()).events.triggers['automations-jira-events'].delivered).toBe(delivered);
  });

  it('To Do: Alice adds a task, completes it in To Do, the issue moves to the project’s Done', async () => {
    await connect(host, 'alice', 'alice@contoso.com', 'automations');
    const statuses = (await as('alice').call('automations/project', { projectId: DEMO })).value.statuses as Array<{ id: string; name: string }>;
    const done = statuses.find((s) => s.name === 'Done');
    expect(done).toBeDefined();
    expect((await as('alice').call('automations/completedStatus', { projectId: DEMO, status: done })).ok).toBe(true);
    const created = await host.control('todo/tasks', { user: 'alice', list: 'Tasks', title: 'DEMO-1 follow-up' });
    const lists = (await get('todo?user=alice')).lists as Array<{ id: string; displayName: string }>;
    const listId = lists.find((l) => l.displayName === 'Tasks')?.id;
    const taskId = created.body.task.id as string;
    const linked = await as('alice', PANEL).call('todo/link', { issueId: DEMO_1, listId, taskId });
    expect(linked).toMatchObject({ ok: true, value: { mayTransition: true, completedStatus: 'Done', links: [{ watching: true }] } });
    await host.control('todo/tasks', { user: 'alice', list: 'Tasks', task: taskId, complete: true });
    await drain();
    expect(host.jira.issue('DEMO-1')?.statusId).toBe(done?.id);
    const panel = await as('alice', PANEL).call('todo/panel', { issueId: DEMO_1 });
    expect(panel.value.links[0].last).toMatchObject({ outcome: 'transitioned', status: 'Done' });
  });

  it('a comment rule posts who commented on which issue, and never the comment itself', async () => {
    const made = await as('alice').call('automations/rule/create', { projectId: DEMO, input: rule({ name: 'Comments', when: { events: ['commented'], toStatuses: [] }, heading: '' }) });
    expect(made.ok).toBe(true);
    const before = (await channel()).length;
    const c = await host.control('events/jira/comment', { as: 'bob', issue: 'DEMO-1', body: 'Private words about the invoice' });
    expect(c.status).toBe(201);
    await drain();
    const after = await channel();
    expect(after.length).toBe(before + 1);
    expect(after[0].body.content).toContain('<b>Bob Brown</b> commented on');
    expect(after[0].body.content).not.toContain('Private words');
  });

  it('every key it stored is described under "What this app stores"', async () => {
    const storage = (await host.state()).storage as { keys: string[]; secretKeys: string[] };
    const keys = [...storage.keys, ...storage.secretKeys];
    expect(keys.some((k) => k.startsWith('todo-link:'))).toBe(true);
    expect(keys.filter((k) => kindOfKey(k) === undefined)).toEqual([]);
  });

  it('Alice exports and then deletes her data: her links and subscriptions go, her rules stay paused without an owner', async () => {
    const exported = await host.asUser('alice').invoke(PANEL, 'account/records');
    const kinds = (exported.value.value.records as Array<{ kind: string }>).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Automation rules', 'To Do ↔ issue links', 'To Do list subscriptions']));
    expect((await host.asUser('alice').invoke(PANEL, 'account/records/delete')).value.ok).toBe(true);
    const storage = (await host.state()).storage as { keys: string[] };
    expect(storage.keys.filter((k) => k.startsWith('todo-') || k.startsWith('account:557058:a11ce'))).toEqual([]);
    expect((await get('subscriptions')).subscriptions).toEqual([]);
    const admin = (await as('alice').call('automations/project', { projectId: DEMO })).value;
    expect(admin.rules.map((r: Json) => [r.ownerAccountId, r.state.status, r.state.reason])).toEqual([
      [undefined, 'paused', 'owner_left'],
      [undefined, 'paused', 'owner_left'],
    ]);
    expect((await host.state()).events.appProperties).not.toContain('m365-automations');
  });
});
