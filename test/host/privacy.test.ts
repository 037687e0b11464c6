import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';

const ALICE = '557058:a11ce000-0000-4000-8000-000000000001';
const BOB = '557058:b0b00000-0000-4000-8000-000000000002';
const CAROL = '557058:ca401000-0000-4000-8000-000000000003';

/** The personal data reporting API behind @forge/api's `privacy.reportPersonalData`, and closed accounts. */
describe('local Forge host: personal data reporting', () => {
  let host: TestHost;
  const report = async (accounts: Array<{ accountId: string; updatedAt: string }>) => (await host.asUser('alice').invoke('probe-panel', 'reportPersonalData', { accounts })).value;
  const storedNow = () => new Date().toISOString();

  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app') });
  });
  afterAll(() => host?.stop());
  beforeEach(async () => {
    await host.control('reset');
  });

  it('has nothing to report for open accounts whose profile has not changed since the app stored them', async () => {
    expect(await report([{ accountId: ALICE, updatedAt: storedNow() }, { accountId: BOB, updatedAt: storedNow() }])).toEqual({ updates: [] });
  });

  it('reports a closed account as closed, and that person can no longer act', async () => {
    expect(await host.control('accounts/close', { user: 'carol' })).toEqual({ status: 200, body: { accountId: CAROL, closed: true } });
    expect(await report([{ accountId: ALICE, updatedAt: storedNow() }, { accountId: CAROL, updatedAt: storedNow() }])).toEqual({ updates: [{ accountId: CAROL, status: 'closed' }] });
    expect((await host.state()).accounts.closed).toEqual([CAROL]);

    // Carol's session is gone: she is an anonymous visitor, and the products show a former user.
    expect((await host.asUser('carol').invoke('probe-public-panel', 'whoami')).value).toEqual({ accountId: 'unidentified', accountType: 'anonymous' });
    const bulk = (await host.asUser('alice').invoke('probe-panel', 'usersBulk', { accountIds: [CAROL, BOB] })).value;
    expect(bulk.body.values).toEqual([
      { accountId: CAROL, accountType: 'atlassian', displayName: 'Former user', active: false },
      { accountId: BOB, accountType: 'atlassian', displayName: 'Bob Brown', emailAddress: 'bob@contoso.com', active: true },
    ]);
    const page = await (await fetch(`${host.origin}/?as=carol`)).text();
    expect(page).toContain('Carol Chen (account closed)');

    await host.control('reset');
    expect((await host.asUser('carol').invoke('probe-panel', 'whoami')).value).toEqual({ accountId: CAROL, accountType: 'licensed' });
  });

  it('reports a profile changed after the stored date as updated, and not one stored after the change', async () => {
    const before = storedNow();
    await host.control('clock', { advanceSeconds: 60 });
    const changed = await host.control('accounts/update', { user: BOB });
    expect(changed.body.accountId).toBe(BOB);
    expect(await report([{ accountId: BOB, updatedAt: before }])).toEqual({ updates: [{ accountId: BOB, status: 'updated' }] });
    await host.control('clock', { advanceSeconds: 60 });
    expect(await report([{ accountId: BOB, updatedAt: new Date(Date.parse(changed.body.profileUpdatedAt) + 1000).toISOString() }])).toEqual({ updates: [] });
  });

  it('answers the SDK in requests of at most 90 accounts and joins the answers', async () => {
    const unknown = Array.from({ length: 199 }, (_, i) => ({ accountId: `557058:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, updatedAt: storedNow() }));
    await host.control('accounts/close', { user: 'carol' });
    const before = (await host.state()).stats.host.privacyReports;
    expect(await report([...unknown, { accountId: CAROL, updatedAt: storedNow() }])).toEqual({ updates: [{ accountId: CAROL, status: 'closed' }] });
    expect((await host.state()).stats.host.privacyReports - before).toBe(3);
  });

  it('refuses a request of more than 90 accounts, or a malformed one, as the API does', async () => {
    const accounts = Array.from({ length: 91 }, () => ({ accountId: ALICE, updatedAt: storedNow() }));
    const tooMany = (await host.asUser('alice').invoke('probe-panel', 'reportAccountsRaw', { accounts })).value;
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.body).message).toContain('At most 90 accounts');
    const badDate = (await host.asUser('alice').invoke('probe-panel', 'reportAccountsRaw', { accounts: [{ accountId: ALICE, updatedAt: 'yesterday' }] })).value;
    expect(badDate.status).toBe(400);
    // The SDK rejects with the Response itself for anything but 200 and 204.
    expect(await report([{ accountId: ALICE, updatedAt: 'yesterday' }])).toEqual({ error: { status: 400, body: expect.stringContaining('ISO-8601') } });
  });

  it('refuses to close an account it does not know', async () => {
    expect((await host.control('accounts/close', { user: 'mallory' })).status).toBe(404);
    expect((await host.control('accounts/close', {})).status).toBe(400);
  });
});
