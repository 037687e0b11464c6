import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host';

/**
 * Calendar feeds through the real host: the app's resolvers as Alice and Bob invoke them, the feed
 * web trigger as a calendar app fetches it, and Jira emulated with permission schemes, roles, a
 * security level and points. What is asserted is what a calendar user would notice.
 */
const PAGE = 'calendar-feeds-project';
const DEVELOPERS = { id: '10001', name: 'Developers' };
const input = {
  name: 'DEMO open work',
  jql: 'status != Done',
  window: { pastMonths: 3, futureMonths: 12 },
  dates: { kind: 'single', field: { id: 'duedate', type: 'date' } },
  timing: { allDay: true },
  timeZone: 'Europe/Berlin',
  summaryTemplate: '{key} {summary}',
  description: ['link'],
  access: { kind: 'roles', roles: [DEVELOPERS] },
};

const summaries = (ics: string) => new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('summary'))).sort();

describe('calendar feeds through the host', () => {
  let host: TestHost;
  let feedId = '';
  let bobUrl = '';
  const jira = async () => ((await host.state()) as { jira: { points: { totalRequests: number; totalPoints: number; totalWrites: number } } }).jira.points;

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host?.stop());

  it('offers a project admin DEMO’s roles as audiences, without Jira’s apps-only role', async () => {
    const roles = await host.asUser('alice').invoke(PAGE, 'feeds/roles', { projectKey: 'DEMO' });
    const names = (roles.value.value as Array<{ name: string }>).map((r) => r.name);
    expect(names).toContain('Developers');
    expect(names).not.toContain('atlassian-addons-project-access');
  });

  it('lets Alice, a DEMO admin, create a feed for DEMO whose JQL Jira checked', async () => {
    const bad = await host.asUser('alice').invoke(PAGE, 'feeds/create', { projectKey: 'DEMO', input: { ...input, jql: 'sprintz = 1' } });
    expect(bad.value).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('sprintz') } });
    const bob = await host.asUser('bob').invoke(PAGE, 'feeds/create', { projectKey: 'DEMO', input });
    expect(bob.value).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const made = await host.asUser('alice').invoke(PAGE, 'feeds/create', { projectKey: 'DEMO', input });
    expect(made.value).toMatchObject({ ok: true, value: { name: 'DEMO open work', status: { state: 'ok', issues: 3 } } });
    feedId = made.value.value.id;
  });

  it('gives Bob, admitted by project role, his own URL; what he may not browse never appears', async () => {
    const url = await host.asUser('bob').invoke(PAGE, 'feeds/url/create', { feedId });
    expect(url.value).toMatchObject({ ok: true, value: { url: expect.stringMatching(/\/[A-Za-z0-9_-]{43}\.ics$/) } });
    bobUrl = url.value.value.url;
    const res = await fetch(bobUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const titles = summaries(await res.text());
    expect(titles).toEqual(['DEMO-1 Customer reports invoice PDF is blank', 'DEMO-2 Plan the Q3 release review']);
    // Alice may browse the Management issue, and holds no Developers role: she is not admitted.
    expect((await host.asUser('alice').invoke(PAGE, 'feeds/url/create', { feedId })).value).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('answers an unchanged re-poll with 304 after at most two Jira requests (the role and the browse check)', async () => {
    const first = await fetch(bobUrl);
    const etag = first.headers.get('etag') ?? '';
    expect(first.headers.get('last-modified')).toMatch(/GMT$/);
    const before = await jira();
    const again = await fetch(bobUrl, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect((await jira()).totalRequests - before.totalRequests).toBeLessThanOrEqual(2);
    const head = await fetch(bobUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
  });

  it('empties Bob’s next fetch once he is removed from the role', async () => {
    const removed = await host.control('jira/roles', { projectKey: 'DEMO', role: 'Developers', remove: 'bob' });
    expect(removed.status).toBe(200);
    const res = await fetch(bobUrl);
    expect(res.status).toBe(200);
    expect(summaries(await res.text())).toEqual([]);
    await host.control('jira/roles', { projectKey: 'DEMO', role: 'Developers', add: 'bob' });
    expect(summaries(await (await fetch(bobUrl)).text())).toHaveLength(2);
  });

  it('shows a change in Jira on the next fetch once the cache is stale, refreshed incrementally', async () => {
    const etag = (await fetch(bobUrl)).headers.get('etag') ?? '';
    const changed = await host.control('jira/issues/DEMO-1', { as: 'alice', fields: { summary: 'Invoice PDF fixed; verify' } });
    expect(changed.status).toBe(200);
    // Whether or not the issue event reached the app, a cache older than 15 minutes is refreshed.
    await host.control('clock', { advanceSeconds: 16 * 60 });
    const before = await jira();
    const res = await fetch(bobUrl, { headers: { 'If-None-Match': etag } });
    expect(res.status).toBe(200);
    expect(summaries(await res.text())).toContain('DEMO-1 Invoice PDF fixed; verify');
    const after = await jira();
    // Two refresh queries, the role and the browse check, and the titles (asked as Bob).
    expect(after.totalRequests - before.totalRequests).toBeLessThanOrEqual(5);
  });

  it('answers rotated and revoked addresses with the same 404 as one that never existed', async () => {
    const never = await fetch(bobUrl.replace(/[A-Za-z0-9_-]{43}\.ics$/, `${'x'.repeat(43)}.ics`));
    const rotated = await host.asUser('bob').invoke(PAGE, 'feeds/url/rotate', { feedId });
    expect(rotated.value.ok).toBe(true);
    const old = await fetch(bobUrl);
    expect([never.status, old.status]).toEqual([404, 404]);
    expect(await old.text()).toBe(await never.text());
    expect((await fetch(rotated.value.value.url)).status).toBe(200);
    await host.asUser('bob').invoke(PAGE, 'feeds/url/revoke', { feedId });
    const revoked = await fetch(rotated.value.value.url);
    expect(revoked.status).toBe(404);
  });

  it('stores no token and no Jira text, and never wrote to Jira', async () => {
    const state = (await host.state()) as { storage: { keys: string[]; values: Record<string, unknown> } };
    const stored = JSON.stringify(state.storage.values);
    expect(stored).not.toContain('Customer reports invoice');
    expect(stored).not.toContain('Salary review');
    expect(state.storage.keys.some((k) => k.startsWith('feed-cache:'))).toBe(true);
    // Alice's edit of DEMO-1 above was made through the control API, not by the app.
    expect((await jira()).totalWrites).toBe(0);
  });

  it('lists a person’s calendar address in their data export, without its hash, and deletes it with their data', async () => {
    const url = await host.asUser('bob').invoke(PAGE, 'feeds/url/create', { feedId });
    const records = await host.asUser('bob').invoke('m365-issue-panel', 'account/records');
    const mine = records.value.value.records.filter((r: { kind: string }) => r.kind === 'Calendar addresses');
    expect(mine).toHaveLength(1);
    expect(JSON.stringify(mine)).not.toContain('tokenHash');
    await host.asUser('bob').invoke('m365-issue-panel', 'account/records/delete');
    expect((await fetch(url.value.value.url)).status).toBe(404);
  });

  it('backs off when the app’s points budget is spent: 503 with Retry-After', async () => {
    const url = await host.asUser('bob').invoke(PAGE, 'feeds/url/create', { feedId });
    await host.control('jira/points', { appPerHour: 0 });
    const res = await fetch(url.value.value.url);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await host.control('jira/points', { reset: true });
    expect((await fetch(url.value.value.url)).status).toBe(200);
  });
});
