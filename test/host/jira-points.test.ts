import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_POINTS_PER_HOUR } from '../../dev/host/products/points';
import { demoSite, type DemoSite } from '../support/atlassian';

/** Atlassian's points quota as the app's Jira calls meet it: exact costs, an hourly budget, 429 with Retry-After past it. */
describe('Jira emulation: points', () => {
  let s: DemoSite;
  beforeEach(() => {
    s = demoSite();
  });
  const used = () => s.site.points.jira.snapshot().used;

  it('charges 1 point per request plus 1 per object returned; writes and errors 1', async () => {
    expect(s.site.points.jira.snapshot()).toMatchObject({ appPerHour: DEFAULT_APP_POINTS_PER_HOUR, used: 0 });
    s.site.jira.bulk('LOAD', 120, 9);
    let before = used();
    const r = await s.search('bob', 'project = LOAD', { fields: ['id'], maxResults: 37 });
    expect(r.body.issues).toHaveLength(37);
    expect(used() - before).toBe(1 + 37);
    before = used();
    await s.search('bob', 'project = LOAD', { fields: ['id'], maxResults: 37, nextPageToken: r.body.nextPageToken });
    expect(used() - before).toBe(1 + 37);
    const costOf = async (call: () => Promise<unknown>) => {
      const b = used();
      await call();
      return used() - b;
    };
    expect(await costOf(() => s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1'))).toBe(2);
    expect(await costOf(() => s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-3'))).toBe(1);
    expect(await costOf(() => s.jira('bob', 'PUT', '/rest/api/3/issue/DEMO-1/properties/p', { big: 'x'.repeat(1000) }))).toBe(1);
    expect(await costOf(() => s.jira('bob', 'POST', '/rest/api/3/issue/DEMO-1/transitions', { transition: { id: '21' } }))).toBe(1);
    expect(await costOf(() => s.search('bob', 'project = NOPE'))).toBe(1);
    expect(await costOf(() => s.jira('alice', 'GET', '/rest/api/3/issue/DEMO-2/transitions'))).toBe(1 + 2);
    expect(await costOf(() => s.jira('app', 'GET', '/rest/api/3/user/bulk?accountId=557058:a11ce000-0000-4000-8000-000000000001&accountId=557058:b0b00000-0000-4000-8000-000000000002'))).toBe(1 + 2);
    // Confluence has its own meter.
    const jiraBefore = used();
    await s.confluence('anonymous', '/wiki/api/v2/pages/65602');
    expect(used()).toBe(jiraBefore);
    expect(s.site.points.confluence.snapshot().used).toBe(2);
  });

  it('answers 429 with Retry-After and the quota headers once the hour is spent, and serves again the next hour', async () => {
    s.site.points.jira.configure({ appPerHour: 10 });
    for (let n = 0; n < 5; n++) expect((await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1')).status).toBe(200);
    expect(used()).toBe(10);
    const refused = await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1');
    expect(refused.status).toBe(429);
    // The test clock stands at 10:30 UTC: the hour's budget comes back at 11:00.
    expect(refused.headers.get('retry-after')).toBe('1800');
    expect(refused.headers.get('x-ratelimit-reset')).toBe('2026-06-15T11:00Z');
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-quota-global-based');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(used()).toBe(10);
    expect(s.site.points.jira.snapshot().rejected).toBe(1);
    s.advance(1_799_000);
    expect((await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1')).headers.get('retry-after')).toBe('1');
    s.advance(1_000);
    expect((await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1')).status).toBe(200);
    expect(used()).toBe(2);
  });

  it("stops at the site's budget when that is the smaller one, and warns when under 20 % is left", async () => {
    s.site.points.jira.configure({ sitePerHour: 10 });
    expect((await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1')).headers.get('x-ratelimit-nearlimit')).toBeNull();
    for (let n = 0; n < 3; n++) await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1');
    const near = await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1');
    expect(near.headers.get('x-ratelimit-nearlimit')).toBe('true');
    const refused = await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-quota-tenant-based');
  });
});
