import { describe, expect, it } from 'vitest';
import { readJiraEvent, type JiraChange, type ProjectAutomationsView } from '../../../src/core/automations';
import type { Result } from '../../../src/core/result';
import { nodeCrypto } from '../../../src/adapters/node/crypto';
import { ALICE, BOB, CAROL, channelRule, harness, PROJECT, STATUS, updatedEvent } from './fakes';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
};

const toDone = (id = '501', issueId = '10001') => readJiraEvent(updatedEvent(id, [{ field: 'status', from: STATUS.todo.id, to: STATUS.done.id }], issueId)) as JiraChange;

async function withRule(h: ReturnType<typeof harness>, over: Record<string, unknown> = {}): Promise<ProjectAutomationsView> {
  return value(await h.rules.create(ALICE, PROJECT, channelRule(over)));
}

describe('rules: who may manage them', () => {
  it('refuses people who do not administer the project, whatever they send', async () => {
    const h = harness();
    const r = await h.rules.create(BOB, PROJECT, channelRule());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('Only admins of this project can manage its automations.');
    expect(h.mem.rules.size).toBe(0);
  });

  it('makes the creator the owner, as the Microsoft account they are connected with now', async () => {
    const h = harness();
    const v = await withRule(h);
    expect(v.rules).toHaveLength(1);
    expect(v.rules[0]).toMatchObject({ name: 'Done to the team', ownerName: 'Alice Adams', isOwner: true, state: { status: 'active' } });
    expect([...h.mem.rules.values()][0]?.ownerMsUserId).toBe('ms-alice');
  });

  it('needs a Microsoft 365 connection to own a rule', async () => {
    const h = harness();
    h.graph.connections.delete(ALICE);
    const r = await h.rules.create(ALICE, PROJECT, channelRule());
    expect(r.ok ? '' : r.error.message).toBe('Connect your Microsoft 365 account first: the rule’s messages go out as you.');
  });

  it("shows Jira's own words for JQL Jira does not accept, and saves nothing", async () => {
    const h = harness();
    const r = await h.rules.create(ALICE, PROJECT, channelRule({ jql: 'nonsense = 1' }));
    expect(r.ok ? '' : r.error.message).toBe("Field 'nonsense' does not exist or you do not have permission to view it.");
    expect(h.mem.rules.size).toBe(0);
  });

  it('refuses malformed rules: no events, unknown parts, ORDER BY, control characters', async () => {
    const h = harness();
    for (const bad of [channelRule({ when: { events: [] } }), { ...channelRule(), extra: 1 }, channelRule({ jql: 'priority = High ORDER BY created' }), channelRule({ name: 'a\u0000b' }), channelRule({ where: { kind: 'channel', teamId: '', channelId: 'x', teamName: 'T', channelName: 'C' } })]) {
      expect((await h.rules.create(ALICE, PROJECT, bad)).ok).toBe(false);
    }
    expect(h.mem.rules.size).toBe(0);
  });

  it('only the owner may change where a rule sends; another admin takes it over first', async () => {
    const h = harness();
    const v = await withRule(h);
    const id = v.rules[0]?.id;
    const r = await h.rules.update(CAROL, PROJECT, id, channelRule({ where: { kind: 'chat', chatId: 'chat-9', chatName: 'Elsewhere' } }));
    expect(r.ok ? '' : r.error.message).toContain('Take the rule over first');
    const taken = value(await h.rules.takeOver(CAROL, PROJECT, id));
    expect(taken.rules[0]).toMatchObject({ ownerName: 'Carol Clark', isOwner: true });
    expect(value(await h.rules.update(CAROL, PROJECT, id, channelRule({ name: 'Renamed' }))).rules[0]?.name).toBe('Renamed');
  });
});

describe('rules: the trigger filter', () => {
  it('lists exactly the projects with an active rule while the feature is on', async () => {
    const h = harness();
    expect(h.jira.activeProjects()).toEqual([]);
    const v = await withRule(h);
    expect(h.jira.activeProjects()).toEqual([PROJECT]);
    await h.rules.setOn(ALICE, PROJECT, v.rules[0]?.id, false);
    expect(h.jira.activeProjects()).toEqual([]);
    await h.rules.setOn(ALICE, PROJECT, v.rules[0]?.id, true);
    expect(h.jira.activeProjects()).toEqual([PROJECT]);
    h.state.enabled = false;
    await h.onFeatureChanged(false);
    expect(h.jira.activeProjects()).toEqual([]);
  });
});

describe('rules: Jira changes become Teams messages, as the owner', () => {
  it('posts once per change, in the owner’s name, with key, summary, who and what, and a link', async () => {
    const h = harness();
    await withRule(h);
    const issue = h.jira.issues.get('10001');
    if (issue) issue.status = STATUS.done;
    const r = await h.rules.onJiraEvent(toDone());
    expect(r.sent).toBe(1);
    expect(h.graph.posts).toHaveLength(1);
    const p = h.graph.posts[0];
    expect(p?.as).toBe(ALICE);
    expect(p?.target).toBe('team-1:channel-1');
    expect(p?.html).toContain('<b>Bob Brown</b> updated <a href="https://site.example/browse/DEMO-1">DEMO-1</a>');
    // The summary is Jira's, escaped: Teams renders HTML.
    expect(p?.html).toContain('Fix the &lt;b&gt;login&lt;/b&gt; page');
    expect(p?.html).toContain('Status: <b>Done</b>');
    // Jira was asked as the owner (offline), never as the app.
    expect(h.jira.calls.filter((c) => c.op === 'matches').map((c) => c.who)).toEqual([{ accountId: ALICE, live: false }]);
  });

  it('names the status the change set even when the issue has moved on since', async () => {
    const h = harness();
    await withRule(h);
    await h.rules.onJiraEvent(toDone());
    expect(h.graph.posts[0]?.html).toContain('Status: <b>Done</b>');
  });

  it('a redelivered event and a second consumer send nothing more', async () => {
    const h = harness();
    await withRule(h);
    await Promise.all([h.rules.onJiraEvent(toDone()), h.rules.onJiraEvent(toDone())]);
    await h.rules.onJiraEvent(toDone());
    expect(h.graph.posts).toHaveLength(1);
    expect(value(await h.rules.view(ALICE, PROJECT)).rules[0]?.log).toHaveLength(1);
  });

  it('ignores changes the rule does not cover: another status, another field, JQL that does not match, an issue the owner cannot see', async () => {
    const h = harness();
    await withRule(h, { jql: 'labels = urgent' });
    h.jira.jqlMatches.set('labels = urgent', () => false);
    await h.rules.onJiraEvent(readJiraEvent(updatedEvent('601', [{ field: 'status', to: STATUS.progress.id }])) as JiraChange);
    await h.rules.onJiraEvent(readJiraEvent(updatedEvent('602', [{ field: 'priority', to: '2' }])) as JiraChange);
    await h.rules.onJiraEvent(toDone('603'));
    h.jira.jqlMatches.set('labels = urgent', () => true);
    await h.rules.onJiraEvent(toDone('604', '10002'));
    expect(h.graph.posts).toHaveLength(0);
    await h.rules.onJiraEvent(toDone('605'));
    expect(h.graph.posts).toHaveLength(1);
  });

  it('pauses with the reason when the owner signed out, and stops Jira delivering the project’s events', async () => {
    const h = harness();
    await withRule(h);
    h.graph.connections.delete(ALICE);
    await h.rules.onJiraEvent(toDone());
    const v = value(await h.rules.view(CAROL, PROJECT));
    expect(v.rules[0]?.state).toMatchObject({ status: 'paused', reason: 'owner_signed_out' });
    expect(v.rules[0]?.state.message).toContain('signed out of Microsoft 365');
    expect(h.jira.activeProjects()).toEqual([]);
    expect(h.graph.posts).toHaveLength(0);
  });

  it('pauses when the owner now uses another Microsoft account', async () => {
    const h = harness();
    await withRule(h);
    h.graph.connections.set(ALICE, 'ms-someone-else');
    await h.rules.onJiraEvent(toDone());
    expect(value(await h.rules.view(ALICE, PROJECT)).rules[0]?.state.reason).toBe('owner_other_account');
  });

  it('pauses when Teams refuses the owner (removed from the channel); a taking-over admin resumes it', async () => {
    const h = harness();
    const v = await withRule(h);
    h.graph.members.get('team-1:channel-1')?.delete(ALICE);
    await h.rules.onJiraEvent(toDone());
    expect(value(await h.rules.view(CAROL, PROJECT)).rules[0]?.state.reason).toBe('owner_not_member');
    value(await h.rules.takeOver(CAROL, PROJECT, v.rules[0]?.id));
    expect(h.jira.activeProjects()).toEqual([PROJECT]);
    await h.rules.onJiraEvent(toDone('777'));
    expect(h.graph.posts.map((p) => p.as)).toEqual([CAROL]);
  });

  it('waits as long as Retry-After says and then sends, rewriting the same log line', async () => {
    const h = harness();
    await withRule(h);
    h.graph.failNext.push({ status: 'throttled', retryAfterSeconds: 42 });
    const r = await h.rules.onJiraEvent(toDone());
    expect(r).toEqual({ sent: 0, retries: 1 });
    expect(h.pushed).toHaveLength(1);
    expect(h.pushed[0]?.delaySeconds).toBe(42);
    let log = value(await h.rules.view(ALICE, PROJECT)).rules[0]?.log;
    expect(log?.map((e) => e.outcome)).toEqual(['retrying']);
    const job = h.pushed[0]?.job;
    if (job?.kind !== 'send') throw new Error('expected a send job');
    await h.rules.onSendJob(job);
    log = value(await h.rules.view(ALICE, PROJECT)).rules[0]?.log;
    expect(log?.map((e) => e.outcome)).toEqual(['sent']);
    expect(h.graph.posts).toHaveLength(1);
  });

  it('gives up after repeated Microsoft failures and says so; Resend sends it again', async () => {
    const h = harness();
    await withRule(h);
    for (let i = 0; i < 5; i++) h.graph.failNext.push({ status: 'unavailable' });
    await h.rules.onJiraEvent(toDone());
    for (let guard = 0; guard < 10 && h.pushed.length > 0; guard++) {
      const next = h.pushed.shift()?.job;
      if (next?.kind === 'send') await h.rules.onSendJob(next);
    }
    const v = value(await h.rules.view(ALICE, PROJECT));
    const entry = v.rules[0]?.log[0];
    expect(entry).toMatchObject({ outcome: 'failed', canResend: true, issueKey: 'DEMO-1' });
    expect(entry?.message).toContain('kept failing');
    h.advance(60_000);
    const again = value(await h.rules.resend(CAROL, PROJECT, v.rules[0]?.id, entry?.id));
    expect(again.rules[0]?.log[0]?.outcome).toBe('sent');
    expect(h.graph.posts).toHaveLength(1);
    expect(h.graph.posts[0]?.as).toBe(ALICE);
  });

  it("stops at Teams' daily cap per channel and says why", async () => {
    const h = harness();
    await withRule(h);
    h.mem.counters.set(`${nodeCrypto.sha256('team-1\nchannel-1').slice(0, 22)}:2026-03-02`, 2950);
    await h.rules.onJiraEvent(toDone());
    const entry = value(await h.rules.view(ALICE, PROJECT)).rules[0]?.log[0];
    expect(entry?.outcome).toBe('failed');
    expect(entry?.message).toContain('3,000 messages a day');
    expect(h.graph.posts).toHaveLength(0);
  });

  it('gives up when Teams asks to wait hours (its own daily cap), and says so', async () => {
    const h = harness();
    await withRule(h);
    h.graph.failNext.push({ status: 'throttled', retryAfterSeconds: 6 * 3600 });
    await h.rules.onJiraEvent(toDone());
    expect(h.pushed).toHaveLength(0);
    const entry = value(await h.rules.view(ALICE, PROJECT)).rules[0]?.log[0];
    expect(entry?.message).toContain('wait longer than 15 minutes');
  });

  it('does nothing while the feature is off', async () => {
    const h = harness();
    await withRule(h);
    h.state.enabled = false;
    await h.rules.onJiraEvent(toDone());
    expect(h.graph.posts).toHaveLength(0);
  });
});

describe('rules: test message', () => {
  it('is sent by the owner only, and logged', async () => {
    const h = harness();
    const v = await withRule(h);
    const id = v.rules[0]?.id;
    expect((await h.rules.test(CAROL, PROJECT, id)).ok).toBe(false);
    const after = value(await h.rules.test(ALICE, PROJECT, id));
    expect(h.graph.posts[0]?.html).toContain('Test message');
    expect(after.rules[0]?.log[0]).toMatchObject({ outcome: 'sent', canResend: false });
  });

  it('says why it could not be sent', async () => {
    const h = harness();
    const v = await withRule(h, { where: { kind: 'chat', chatId: 'chat-2', chatName: 'Not mine' } });
    const r = await h.rules.test(ALICE, PROJECT, v.rules[0]?.id);
    expect(r.ok ? '' : r.error.message).toContain('may not post in that channel or chat');
  });
});

describe('rules: permissions at Microsoft', () => {
  it('asks the owner to allow posting before a rule can be theirs', async () => {
    const h = harness();
    h.graph.scopes.set(ALICE, ['openid', 'User.Read']);
    const r = await h.rules.create(ALICE, PROJECT, channelRule());
    expect(r.ok ? '' : r.error.code).toBe('MS_CONSENT_REQUIRED');
    expect(h.mem.rules.size).toBe(0);
  });
});
