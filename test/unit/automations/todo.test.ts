import { describe, expect, it } from 'vitest';
import { clientStateFor, decideNotification, type Job, type TodoPanelView } from '../../../src/core/automations';
import type { Result } from '../../../src/core/result';
import { nodeCrypto } from '../../../src/adapters/node/crypto';
import { ALICE, BOB, CAROL, harness, hmac, PROJECT, STATUS } from './fakes';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
};

const ISSUE = '10001';

function setup(opts: { who?: string; mapping?: boolean } = {}) {
  const h = harness();
  const who = opts.who ?? ALICE;
  h.graph.tasks.set('task-1', { id: 'task-1', status: 'notStarted', owner: who, listId: 'list-1' });
  if (opts.mapping !== false) h.mem.mappings.set(PROJECT, { projectId: PROJECT, completed: STATUS.done, updatedAt: '' });
  return { h, who };
}

const complete = (h: ReturnType<typeof harness>, at = '2026-03-02T10:00:00.0000000') => {
  const t = h.graph.tasks.get('task-1');
  if (t) Object.assign(t, { status: 'completed', completedAt: at });
};

/** What Microsoft would POST for a change to task-1 (with the clientState Graph was given), decided as the web trigger decides it. */
function notify(h: ReturnType<typeof harness>, clientState?: string): Job[] {
  const sub = [...h.mem.subs.values()][0];
  const graphSub = [...h.graph.subscriptions.values()][0];
  const body = JSON.stringify({ value: [{ subscriptionId: graphSub?.id ?? sub?.graphId, changeType: 'updated', clientState: clientState ?? graphSub?.clientState, resource: 'Users/x/todo/lists/list-1/tasks/task-1', resourceData: { id: 'task-1' } }] });
  const expected = sub ? clientStateFor(hmac, h.mem.key.value, sub.subId, sub.nonce) : undefined;
  const d = decideNotification({ method: 'POST', ...(sub ? { subId: sub.subId, nonce: sub.nonce } : {}), body }, expected, nodeCrypto);
  return d.kind === 'accept' ? d.jobs : [];
}

async function run(h: ReturnType<typeof harness>, jobs: Job[]) {
  for (const j of jobs) {
    if (j.kind === 'todo') await h.todo.onTaskChanged(j);
    if (j.kind === 'lifecycle') await h.todo.onLifecycle(j);
  }
}

describe('To Do: linking a task', () => {
  it('links the caller’s own task and asks Microsoft to tell the app when the list changes', async () => {
    const { h } = setup();
    const v: TodoPanelView = value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    expect(v.links).toHaveLength(1);
    expect(v.links[0]?.watching).toBe(true);
    expect(v).toMatchObject({ mayTransition: true, completedStatus: 'Done' });
    const sub = [...h.graph.subscriptions.values()][0];
    expect(sub).toMatchObject({ owner: ALICE, resource: '/me/todo/lists/list-1/tasks' });
    expect(sub?.notificationUrl).toMatch(/\?s=s[\w-]{24}&n=[\w-]{16}$/);
    // clientState: derived from the installation's key, the record and the URL's nonce; nothing per subscription is kept for it.
    const record = [...h.mem.subs.values()][0];
    expect(sub?.clientState).toBe(record ? clientStateFor(hmac, h.mem.key.value, record.subId, record.nonce) : '');
  });

  it('refuses a task that is not in the caller’s To Do', async () => {
    const { h } = setup({ who: CAROL });
    const r = await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' });
    expect(r.ok ? '' : r.error.message).toBe('That task is not in your Microsoft To Do (any more).');
    expect(h.mem.links.size).toBe(0);
    expect(h.graph.subscriptions.size).toBe(0);
  });

  it('one subscription per person and list; unlinking the last task deletes it at Microsoft', async () => {
    const { h } = setup();
    h.graph.tasks.set('task-2', { id: 'task-2', status: 'notStarted', owner: ALICE, listId: 'list-1' });
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    const v = value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-2' }));
    expect(h.graph.subscriptions.size).toBe(1);
    value(await h.todo.unlink(ALICE, { issueId: ISSUE, linkId: v.links[0]?.linkId }));
    expect(h.graph.subscriptions.size).toBe(1);
    value(await h.todo.unlink(ALICE, { issueId: ISSUE, linkId: v.links[1]?.linkId }));
    expect(h.graph.subscriptions.size).toBe(0);
    expect(h.mem.subs.size).toBe(0);
  });

  it('nobody else can unlink someone’s task', async () => {
    const { h } = setup();
    const v = value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    const r = await h.todo.unlink(CAROL, { issueId: ISSUE, linkId: v.links[0]?.linkId });
    expect(r.ok).toBe(false);
    expect(h.mem.links.size).toBe(1);
  });
});

describe('To Do: a completed task moves the issue', () => {
  it('re-reads the task as its person and transitions the issue as them, once for replays', async () => {
    const { h } = setup();
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    complete(h);
    const jobs = notify(h);
    await run(h, jobs);
    await run(h, notify(h));
    await Promise.all([run(h, notify(h)), run(h, notify(h))]);
    expect(h.jira.issues.get(ISSUE)?.status).toEqual(STATUS.done);
    const transitions = h.jira.calls.filter((c) => c.op === 'transition');
    expect(transitions).toHaveLength(1);
    expect(transitions[0]?.who).toEqual({ accountId: ALICE, live: false });
    const panel = value(await h.todo.panel(ALICE, ISSUE));
    expect(panel.links[0]?.last).toMatchObject({ outcome: 'transitioned', status: 'Done' });
  });

  it('does nothing for a task that is not completed', async () => {
    const { h } = setup();
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    await run(h, notify(h));
    expect(h.jira.issues.get(ISSUE)?.status).toEqual(STATUS.todo);
  });

  it('completing it again after reopening moves it again', async () => {
    const { h } = setup();
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    complete(h);
    await run(h, notify(h));
    const issue = h.jira.issues.get(ISSUE);
    if (issue) issue.status = STATUS.progress;
    complete(h, '2026-03-03T08:00:00.0000000');
    await run(h, notify(h));
    expect(h.jira.issues.get(ISSUE)?.status).toEqual(STATUS.done);
    expect(h.jira.calls.filter((c) => c.op === 'transition')).toHaveLength(2);
  });

  it('a person Jira does not let transition the issue gets no transition, and the panel says why', async () => {
    const { h } = setup({ who: BOB });
    h.graph.connections.set(BOB, 'ms-bob');
    const v = value(await h.todo.link(BOB, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    expect(v.mayTransition).toBe(false);
    complete(h);
    await run(h, notify(h));
    expect(h.jira.issues.get(ISSUE)?.status).toEqual(STATUS.todo);
    expect(h.jira.calls.filter((c) => c.op === 'transition')).toHaveLength(0);
    const panel = value(await h.todo.panel(BOB, ISSUE));
    expect(panel.links[0]?.last?.message).toBe('Not moved: you may not transition this issue in Jira, so completing your task does not change it.');
  });

  it('without a status chosen by the project’s admins nothing moves, and the panel says so', async () => {
    const { h } = setup({ mapping: false });
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    complete(h);
    await run(h, notify(h));
    expect(h.jira.issues.get(ISSUE)?.status).toEqual(STATUS.todo);
    expect(value(await h.todo.panel(ALICE, ISSUE)).links[0]?.last?.message).toContain('have not chosen a status');
  });

  it('a forged notification (wrong clientState) changes nothing', async () => {
    const { h } = setup();
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    complete(h);
    const jobs = notify(h, 'x'.repeat(43));
    expect(jobs).toEqual([]);
    await run(h, jobs);
    expect(h.jira.issues.get(ISSUE)?.status).toEqual(STATUS.todo);
  });

  it('a task deleted in To Do is reported, nothing moves', async () => {
    const { h } = setup();
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    h.graph.tasks.delete('task-1');
    await run(h, notify(h));
    expect(value(await h.todo.panel(ALICE, ISSUE)).links[0]?.last?.outcome).toBe('task_gone');
  });
});

describe('To Do: subscription lifecycle', () => {
  it('renews before the 4,230-minute limit, and only then', async () => {
    const { h } = setup();
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    const first = [...h.graph.subscriptions.values()][0]?.expirationDateTime ?? '';
    // Asked for 4,200 minutes: under Graph's 4,230.
    expect(Date.parse(first) - h.now().getTime()).toBe(4200 * 60_000);
    h.advance(24 * 3600_000);
    expect(await h.todo.renewAll(60_000)).toMatchObject({ renewed: 0 });
    h.advance(23 * 3600_000);
    expect(await h.todo.renewAll(60_000)).toMatchObject({ renewed: 1 });
    const renewed = [...h.graph.subscriptions.values()][0]?.expirationDateTime ?? '';
    expect(Date.parse(renewed) - h.now().getTime()).toBe(4200 * 60_000);
  });

  it('reauthorizationRequired renews; subscriptionRemoved makes a new one with a new clientState; missed re-reads the tasks', async () => {
    const { h } = setup();
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    const before = [...h.graph.subscriptions.values()][0];
    const subId = [...h.mem.subs.keys()][0];
    if (!subId || !before) throw new Error('no subscription');
    h.advance(3600_000);
    await h.todo.onLifecycle({ kind: 'lifecycle', subId, event: 'reauthorizationRequired' });
    expect(h.graph.subscriptions.size).toBe(1);
    h.graph.subscriptions.clear();
    await h.todo.onLifecycle({ kind: 'lifecycle', subId, event: 'subscriptionRemoved' });
    expect(h.graph.subscriptions.size).toBe(1);
    expect([...h.graph.subscriptions.values()][0]?.clientState).not.toBe(before.clientState);
    // The removed subscription's notifications are not acted on any more.
    expect(notify(h, before.clientState)).toEqual([]);
    complete(h);
    await h.todo.onLifecycle({ kind: 'lifecycle', subId, event: 'missed' });
    expect(h.jira.issues.get(ISSUE)?.status).toEqual(STATUS.done);
  });

  it('turning the feature off deletes every subscription; on makes them again for the links', async () => {
    const { h } = setup();
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    h.state.enabled = false;
    const clientState = [...h.graph.subscriptions.values()][0]?.clientState;
    await h.onFeatureChanged(false);
    expect(h.graph.subscriptions.size).toBe(0);
    expect(h.mem.subs.size).toBe(0);
    // The key clientStates are derived from is replaced: none handed out before is accepted again.
    expect(h.mem.key.rotations).toBe(1);
    expect(notify(h, clientState)).toEqual([]);
    complete(h);
    await run(h, notify(h));
    expect(h.jira.issues.get(ISSUE)?.status).toEqual(STATUS.todo);
    h.state.enabled = true;
    await h.onFeatureChanged(true);
    expect(h.graph.subscriptions.size).toBe(1);
  });
});

describe('To Do: the person signs out', () => {
  it('deletes their subscriptions at Microsoft first; their lists’ notifications are ignored; renewal makes them again once they are back', async () => {
    const { h } = setup();
    value(await h.todo.link(ALICE, { issueId: ISSUE, listId: 'list-1', taskId: 'task-1' }));
    const jobsBefore = notify(h);
    await h.todo.onSignedOut(ALICE);
    expect(h.graph.subscriptions.size).toBe(0);
    h.graph.connections.delete(ALICE);
    complete(h);
    // A notification Microsoft had already sent for the deleted subscription: dropped by the consumer.
    await run(h, jobsBefore);
    expect(h.jira.calls.filter((c) => c.op === 'transition')).toHaveLength(0);
    expect((await h.todo.panel(ALICE, ISSUE)).ok).toBe(true);
    expect(value(await h.todo.panel(ALICE, ISSUE)).links[0]?.watchProblem).toContain('your Microsoft 365 connection ended');
    h.graph.connections.set(ALICE, 'ms-alice');
    expect(await h.todo.renewAll(60_000)).toMatchObject({ created: 1 });
    expect(h.graph.subscriptions.size).toBe(1);
  });
});
