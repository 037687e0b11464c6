import ICAL from 'ical.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { feedsService, type FeedInput, type FeedResponse } from '../../../src/core/feeds';
import { fakeJira, memoryStore, nodeFeedCrypto, type FakeIssue } from './fakes';

const ALICE = 'acc-alice';
const BOB = 'acc-bob';
const CAROL = 'acc-carol';
const DAY = 86_400_000;

/** What a calendar app sees: the events' titles, or the status. */
const titles = (r: FeedResponse) => (r.body ? new ICAL.Component(ICAL.parse(r.body)).getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('summary'))) : []);
const pathOf = (url: string) => url.slice(url.indexOf('/x1/feed/') + '/x1/feed/'.length);

function setup(config: Parameters<typeof feedsService>[0]['config'] = {}) {
  let clock = Date.UTC(2025, 5, 10, 12);
  const now = () => clock;
  const jira = fakeJira({ now });
  const store = memoryStore();
  const crypto = nodeFeedCrypto();
  const settings = { enabled: true, creators: 'project-admins' as const, urlLifetimeDays: 180 };
  const feeds = feedsService({ store, jira: jira.port, crypto, now, settings: async () => settings, triggerUrl: async () => 'https://local.invalid/x1/feed', config });
  const s = jira.state;
  s.admins.add(ALICE);
  s.projectAdmins.set('DEMO', new Set([ALICE]));
  s.browse.set('10000', new Set([ALICE, BOB, CAROL]));
  s.securityMembers.set('10100', new Set([ALICE, CAROL]));
  s.roles.set('DEMO:10001', new Set([BOB]));
  const issue = (n: number, over: Partial<FakeIssue> = {}): FakeIssue => ({ id: String(10000 + n), key: `DEMO-${n}`, projectId: '10000', summary: `Issue ${n}`, duedate: '2025-06-20', updated: clock - 30 * DAY, ...over });
  s.issues.push(issue(1, { summary: 'Invoice PDF is blank' }), issue(2, { summary: 'Plan the release', duedate: '2025-06-12' }), issue(3, { summary: 'Salary review', security: '10100' }));
  return { feeds, jira, store, crypto, settings, issue, advance: (ms: number) => (clock += ms), now };
}

const input = (over: Partial<FeedInput> = {}): FeedInput => ({
  name: 'DEMO deadlines',
  jql: 'status != Done',
  window: { pastMonths: 3, futureMonths: 12 },
  dates: { kind: 'single', field: { id: 'duedate', type: 'date' } },
  timing: { allDay: true },
  timeZone: 'Europe/Berlin',
  summaryTemplate: '{key} {summary}',
  description: ['link'],
  access: { kind: 'roles', roles: [{ id: '10001', name: 'Developers' }] },
  ...over,
});

describe('calendar feeds', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  async function aliceMakesFeed(over: Partial<FeedInput> = {}) {
    const made = await t.feeds.createFeed(ALICE, input(over), { projectKey: 'DEMO' });
    if (!made.ok) throw new Error(made.error.message);
    return made.value;
  }

  it('gives Bob, admitted by project role, a personal address that serves only what he may browse', async () => {
    const feed = await aliceMakesFeed();
    expect(feed.status.state).toBe('ok');
    const bob = await t.feeds.createUrl(BOB, feed.id);
    if (!bob.ok) throw new Error(bob.error.message);
    const res = await t.feeds.serve({ method: 'GET', userPath: pathOf(bob.value.url) });
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/calendar; charset=utf-8');
    expect(titles(res).sort()).toEqual(['DEMO-1 Invoice PDF is blank', 'DEMO-2 Plan the release']);
    // Carol may browse the secured issue but holds no role: she is not admitted at all.
    expect(await t.feeds.createUrl(CAROL, feed.id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('empties Bob’s next fetch once he leaves the role, and does not need a new address when he is back', async () => {
    const feed = await aliceMakesFeed();
    const bob = await t.feeds.createUrl(BOB, feed.id);
    if (!bob.ok) throw new Error('no url');
    t.jira.state.roles.set('DEMO:10001', new Set());
    const gone = await t.feeds.serve({ method: 'GET', userPath: pathOf(bob.value.url) });
    expect(gone.status).toBe(200);
    expect(titles(gone)).toEqual([]);
    expect((gone.body ?? '').replace(/\r\n /g, '')).toMatch(/X-WR-CALDESC:You no longer get this feed's events: Only people in the project role Developers/);
    t.jira.state.roles.set('DEMO:10001', new Set([BOB]));
    expect(titles(await t.feeds.serve({ method: 'GET', userPath: pathOf(bob.value.url) }))).toHaveLength(2);
  });

  it('answers unknown, altered, rotated, revoked and expired addresses with the same 404', async () => {
    const feed = await aliceMakesFeed({ access: { kind: 'browse' } });
    const first = await t.feeds.createUrl(BOB, feed.id);
    if (!first.ok) throw new Error('no url');
    const path = pathOf(first.value.url);
    const token = path.replace(/\.ics$/, '');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored: the token appears nowhere in storage.
    expect(JSON.stringify([...t.store.dump()])).not.toContain(token);
    const never = await t.feeds.serve({ method: 'GET', userPath: `${'A'.repeat(43)}.ics` });
    const altered = await t.feeds.serve({ method: 'GET', userPath: `${token.slice(0, 42)}${token.endsWith('A') ? 'B' : 'A'}.ics` });
    const rotated = await t.feeds.rotateUrl(BOB, feed.id);
    if (!rotated.ok) throw new Error('no rotation');
    const afterRotate = await t.feeds.serve({ method: 'GET', userPath: path });
    expect((await t.feeds.serve({ method: 'GET', userPath: pathOf(rotated.value.url) })).status).toBe(200);
    await t.feeds.revokeUrl(BOB, feed.id);
    const afterRevoke = await t.feeds.serve({ method: 'GET', userPath: pathOf(rotated.value.url) });
    const again = await t.feeds.createUrl(BOB, feed.id);
    if (!again.ok) throw new Error('no url');
    t.advance(181 * DAY);
    const expired = await t.feeds.serve({ method: 'GET', userPath: pathOf(again.value.url) });
    for (const r of [never, altered, afterRotate, afterRevoke, expired]) expect(r).toEqual(never);
    expect(never.status).toBe(404);
    // Every lookup ends in a constant-time comparison, found or not.
    expect(t.crypto.compared).toBeGreaterThanOrEqual(5);
    expect((await t.feeds.serve({ method: 'GET', userPath: `${token}/../x` })).status).toBe(404);
    expect((await t.feeds.serve({ method: 'POST', userPath: path })).status).toBe(405);
  });

  it('answers an unchanged re-poll with 304 after one Jira request, and HEAD without fetching text', async () => {
    const feed = await aliceMakesFeed({ access: { kind: 'browse' } });
    const url = await t.feeds.createUrl(BOB, feed.id);
    if (!url.ok) throw new Error('no url');
    const first = await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url) });
    const etag = first.headers.ETag ?? '';
    expect(first.headers['Last-Modified']).toMatch(/GMT$/);
    t.advance(60_000);
    const calls = t.jira.state.calls.length;
    const again = await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url), ifNoneMatch: etag });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect(t.jira.state.calls.length - calls).toBe(1);
    const head = await t.feeds.serve({ method: 'HEAD', userPath: pathOf(url.value.url) });
    expect(head).toMatchObject({ status: 200, headers: { ETag: etag } });
    expect(head.body).toBeUndefined();
    expect(t.jira.state.calls.slice(calls).every((c) => c.op === 'permissions/check')).toBe(true);
  });

  it('refreshes incrementally after issue events: a few requests, and only the changed issues cost points', async () => {
    for (let n = 4; n < 60; n++) t.jira.state.issues.push(t.issue(n));
    const feed = await aliceMakesFeed({ access: { kind: 'browse' }, summaryTemplate: '{key}' });
    const url = await t.feeds.createUrl(BOB, feed.id);
    if (!url.ok) throw new Error('no url');
    const first = await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url) });
    t.advance(5 * 60_000);
    for (const i of t.jira.state.issues.slice(10, 20)) i.updated = t.now();
    await t.feeds.onIssueEvent({ type: 'avi:jira:updated:issue', issueId: '10011' });
    const calls = t.jira.state.calls.length;
    const before = t.jira.points();
    const res = await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url), ifNoneMatch: first.headers.ETag ?? '' });
    expect(res.status).toBe(200);
    expect(t.jira.state.calls.length - calls).toBeLessThanOrEqual(3);
    expect(t.jira.points() - before).toBeLessThanOrEqual(50);
  });

  it('drops issues that leave the feed and issues that are deleted', async () => {
    const feed = await aliceMakesFeed({ access: { kind: 'browse' } });
    const url = await t.feeds.createUrl(ALICE, feed.id);
    if (!url.ok) throw new Error('no url');
    expect(titles(await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url) }))).toHaveLength(3);
    const [one, two] = t.jira.state.issues;
    if (!one || !two) throw new Error('fixture');
    one.inFeed = false;
    one.updated = t.now();
    t.jira.state.issues.splice(1, 1);
    await t.feeds.onIssueEvent({ type: 'avi:jira:deleted:issue', issueId: two.id });
    t.advance(60_000);
    expect(titles(await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url) }))).toEqual(['DEMO-3 Salary review']);
  });

  it('backs off when Jira’s points budget is used up: 503 with Retry-After, then serves again', async () => {
    const feed = await aliceMakesFeed({ access: { kind: 'browse' } });
    const url = await t.feeds.createUrl(BOB, feed.id);
    if (!url.ok) throw new Error('no url');
    t.jira.state.throttleNext = 1;
    const busy = await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url) });
    expect(busy.status).toBe(503);
    expect(busy.headers['Retry-After']).toBe('120');
    expect((await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url) })).status).toBe(200);
  });

  it('builds a large feed across fetches, answering 503 with Retry-After until the first build is ready', async () => {
    t = setup({ pageSize: 10, serveBuildBudgetMs: 0, saveBuildBudgetMs: 0 });
    for (let n = 4; n < 45; n++) t.jira.state.issues.push(t.issue(n));
    const feed = await aliceMakesFeed({ access: { kind: 'browse' } });
    expect(feed.status.state).toBe('building');
    const url = await t.feeds.createUrl(BOB, feed.id);
    if (!url.ok) throw new Error('no url');
    const waits: number[] = [];
    let res = await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url) });
    while (res.status === 503 && waits.length < 10) {
      waits.push(Number(res.headers['Retry-After']));
      res = await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url) });
    }
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((w) => w > 0)).toBe(true);
    expect(res.status).toBe(200);
    expect(titles(res)).toHaveLength(43);
  });

  it('says so in the calendar when it is larger than a feed may be, keeping the events nearest to today', async () => {
    t = setup({ maxBodyBytes: 4000 });
    for (let n = 4; n < 40; n++) t.jira.state.issues.push(t.issue(n, { duedate: `2025-0${6 + Math.floor(n / 30)}-${String((n % 28) + 1).padStart(2, '0')}` }));
    const feed = await aliceMakesFeed({ access: { kind: 'browse' } });
    const url = await t.feeds.createUrl(ALICE, feed.id);
    if (!url.ok) throw new Error('no url');
    const res = await t.feeds.serve({ method: 'GET', userPath: pathOf(url.value.url) });
    expect(Buffer.byteLength(res.body ?? '')).toBeLessThanOrEqual(4000);
    const shown = titles(res);
    expect(shown[0]).toMatch(/is incomplete/);
    expect((res.body ?? '').replace(/\r\n /g, '')).toMatch(/X-WR-CALDESC:.*nearest to today/);
    expect(shown.length).toBeLessThan(40);
  });

  it('gives each subscriber of a user-field feed only the issues naming them', async () => {
    const [one, two] = t.jira.state.issues;
    if (!one || !two) throw new Error('fixture');
    one.assignee = BOB;
    two.assignee = CAROL;
    const feed = await aliceMakesFeed({ access: { kind: 'userField', field: 'assignee' } });
    const bob = await t.feeds.createUrl(BOB, feed.id);
    if (!bob.ok) throw new Error('no url');
    expect(titles(await t.feeds.serve({ method: 'GET', userPath: pathOf(bob.value.url) }))).toEqual(['DEMO-1 Invoice PDF is blank']);
  });

  it('refuses JQL that depends on who asks, and passes on Jira’s own words for bad JQL', async () => {
    expect(await t.feeds.createFeed(ALICE, input({ jql: 'assignee = currentUser()' }), { projectKey: 'DEMO' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('currentUser()') } });
    t.jira.state.jqlErrors = ["Field 'sprintz' does not exist or you do not have permission to view it."];
    expect(await t.feeds.createFeed(ALICE, input({ jql: 'sprintz = 1' }), { projectKey: 'DEMO' })).toMatchObject({ ok: false, error: { message: expect.stringContaining("Field 'sprintz' does not exist") } });
  });

  it('lets only people the admin setting allows create feeds', async () => {
    expect(await t.feeds.createFeed(BOB, input(), { projectKey: 'DEMO' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await t.feeds.createFeed(BOB, input())).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    t.settings.creators = 'everyone' as never;
    expect((await t.feeds.createFeed(BOB, input({ access: { kind: 'browse' } }))).ok).toBe(true);
  });

  it('lets site admins see every address with its owner and last use, and revoke any', async () => {
    const feed = await aliceMakesFeed({ access: { kind: 'browse' } });
    const bob = await t.feeds.createUrl(BOB, feed.id);
    if (!bob.ok) throw new Error('no url');
    await t.feeds.serve({ method: 'GET', userPath: pathOf(bob.value.url) });
    expect(await t.feeds.listAllUrls(BOB)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const all = await t.feeds.listAllUrls(ALICE);
    expect(all).toMatchObject({ ok: true, value: [{ accountId: BOB, feedName: 'DEMO deadlines', lastUsedAt: t.now(), expired: false }] });
    expect(await t.feeds.revokeUrl(BOB, feed.id, ALICE)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await t.feeds.revokeUrl(ALICE, feed.id, BOB)).ok).toBe(true);
    expect((await t.feeds.serve({ method: 'GET', userPath: pathOf(bob.value.url) })).status).toBe(404);
  });
});
