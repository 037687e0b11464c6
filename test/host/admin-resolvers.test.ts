import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host';
import { LOCAL_ENTRA_APP } from '../../dev/host/local-app';

/**
 * The admin resolvers through the local host, as the admin page (or a forger) invokes them. What is
 * asserted is what an admin or an attacker would notice: answers, and what storage holds afterwards.
 */
const JIRA_ADMIN = 'm365-jira-admin';
const CONTOSO = '6e1b4f3c-2d7a-4c5e-9b8f-0a1c2d3e4f50';
const ALICE = '557058:a11ce000-0000-4000-8000-000000000001';

describe('admin resolvers', () => {
  let host: TestHost;
  // Storage only: the state's counters move with every invocation.
  const state = async () => ((await (await fetch(`${host.origin}/__emulator/state`)).json()) as { storage: { keys: string[]; values: Record<string, unknown>; secretKeys: string[] } }).storage;
  const asAlice = () => host.asUser('alice');
  const asBob = () => host.asUser('bob');

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host?.stop());

  it('refuses every admin resolver to someone who is not a site admin, and changes nothing', async () => {
    const before = await state();
    const attempts: Array<[string, unknown]> = [
      ['admin/settings', {}],
      ['admin/settings/save', { features: { sharepoint: false } }],
      ['admin/registration/save', { tenant: 'organizations', clientId: LOCAL_ENTRA_APP.clientId, clientSecret: 'mine', confirmEndConnections: true }],
      ['admin/registration/clear', { confirmEndConnections: true }],
      ['admin/registration/test', {}],
      ['admin/consent/start', { feature: 'sharepoint' }],
      ['admin/storage', {}],
    ];
    for (const [fn, payload] of attempts) {
      // Bob forges the call from the admin module and from another module; neither proves anything.
      for (const mod of [JIRA_ADMIN, 'm365-issue-panel']) {
        const r = await asBob().invoke(mod, fn, payload);
        expect(r.value, `${mod} ${fn}`).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'not_admin' } });
      }
    }
    expect(await state()).toEqual(before);
    // The admin page declares no unlicensedAccess: the platform refuses the anonymous invoke before the app runs.
    const anonymous = await host.asUser('anonymous').invoke(JIRA_ADMIN, 'admin/settings');
    expect(anonymous).toMatchObject({ ok: false, error: { name: 'FORBIDDEN' } });
  });

  it('asks Confluence, not Jira, on the Confluence installation', async () => {
    const alice = await asAlice().invoke('m365-confluence-admin', 'admin/settings');
    expect(alice.value).toMatchObject({ ok: true, value: { redirectUris: [{ use: expect.stringContaining('Confluence') }] } });
    const bob = await asBob().invoke('m365-confluence-admin', 'admin/settings');
    expect(bob.value).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses function keys that are not in the contract before the SDK looks them up', async () => {
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'admin/nope']) {
      const r = await asAlice().invoke(JIRA_ADMIN, key);
      expect(r.ok, key).toBe(false);
      expect(JSON.stringify(r), key).not.toContain(ALICE);
    }
  });

  it('shows the admin which registration is in force and the redirect URI to register', async () => {
    const r = await asAlice().invoke(JIRA_ADMIN, 'admin/settings');
    expect(r.value.ok).toBe(true);
    const view = r.value.value;
    expect(view.registration).toMatchObject({ source: 'variables', clientId: LOCAL_ENTRA_APP.clientId, variablesAvailable: true });
    expect(view.redirectUris[0].uri).toBe(`${host.origin}/x1/ms-oauth-callback`);
    expect(view.features.find((f: { key: string }) => f.key === 'sharepoint')).toMatchObject({ enabled: true, built: true, scopes: ['Sites.Read.All', 'Files.Read.All'] });
    expect(view.features.find((f: { key: string }) => f.key === 'share.chat')).toMatchObject({ enabled: true, built: true, scopes: ['Chat.Read'] });
    expect(JSON.stringify(view)).not.toContain(LOCAL_ENTRA_APP.clientSecret);
  });

  it('tests a registration against Microsoft and explains each failure in words', async () => {
    const test = async (p: Record<string, string>) => (await asAlice().invoke(JIRA_ADMIN, 'admin/registration/test', p)).value;
    const good = await test({ tenant: CONTOSO, clientId: LOCAL_ENTRA_APP.clientId, clientSecret: LOCAL_ENTRA_APP.clientSecret });
    expect(good).toMatchObject({ ok: true, value: { ok: true, tenantId: CONTOSO } });
    expect(await test({ tenant: CONTOSO, clientId: LOCAL_ENTRA_APP.clientId, clientSecret: 'not-the-secret' })).toMatchObject({ ok: true, value: { ok: false, problem: 'wrong_secret' } });
    expect(await test({ tenant: CONTOSO, clientId: LOCAL_ENTRA_APP.clientId, clientSecret: 'expired-demo-secret-not-for-production' })).toMatchObject({ ok: true, value: { ok: false, problem: 'expired_secret' } });
    expect(await test({ tenant: 'nowhere.onmicrosoft.com', clientId: LOCAL_ENTRA_APP.clientId, clientSecret: LOCAL_ENTRA_APP.clientSecret })).toMatchObject({ ok: true, value: { ok: false, problem: 'unknown_tenant' } });
    expect(await test({ tenant: CONTOSO, clientId: '00000000-0000-4000-8000-000000000000', clientSecret: 'x' })).toMatchObject({ ok: true, value: { ok: false, problem: 'app_not_in_tenant' } });
    expect(await test({ tenant: 'organizations', clientId: LOCAL_ENTRA_APP.clientId, clientSecret: 'x' })).toMatchObject({ ok: true, value: { ok: false, problem: 'tenant_not_specific' } });
    // Without a payload the registration in force is tested.
    expect(await test({})).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('keeps the client secret a secret: stored with setSecret, never sent back', async () => {
    const secret = LOCAL_ENTRA_APP.clientSecret;
    const saved = await asAlice().invoke(JIRA_ADMIN, 'admin/registration/save', { tenant: CONTOSO, clientId: LOCAL_ENTRA_APP.clientId, clientSecret: secret });
    expect(saved.value.ok).toBe(true);
    expect(saved.value.value.registration).toMatchObject({ source: 'settings', tenant: CONTOSO, secretSetAt: expect.any(String) });
    expect(JSON.stringify(saved)).not.toContain(secret);
    const s = await state();
    expect(s.secretKeys).toContain('registration-secret');
    expect(JSON.stringify(s.values)).not.toContain(secret);
    // Saving again without a secret keeps the one that is set.
    const again = await asAlice().invoke(JIRA_ADMIN, 'admin/registration/save', { tenant: CONTOSO, clientId: LOCAL_ENTRA_APP.clientId });
    expect(again.value.value.registration.source).toBe('settings');
    expect((await asAlice().invoke(JIRA_ADMIN, 'admin/registration/test', {})).value).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('refuses malformed settings whole and keeps what was stored', async () => {
    const before = await state();
    for (const bad of [{ features: { sharepoint: 'off' } }, { features: { 'share.chat': 'on' } }, { sharePointTenants: ['evil.com'] }, { diagnostics: 'everything' }, { role: 'admin' }, 'x'.repeat(10_000)]) {
      const r = await asAlice().invoke(JIRA_ADMIN, 'admin/settings/save', bad);
      expect(r.value, JSON.stringify(bad).slice(0, 60)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await state()).toEqual(before);
  });

  it('per-kind sharing rules: only a site admin changes them, a malformed change is refused in words and nothing is lost', async () => {
    const site = { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'] };
    const good = await asAlice().invoke(JIRA_ADMIN, 'admin/settings/save', { features: { 'share.chat': true }, sharing: { ...site, kinds: { chat: { allowedScopes: ['private'], defaultScope: 'private' } }, calendarFreeBusyOnly: true } });
    expect(good.value).toMatchObject({ ok: true, value: { sharing: { kinds: { chat: { allowedScopes: ['private'], defaultScope: 'private' } }, calendarFreeBusyOnly: true } } });
    const before = await state();
    // Bob forges the admin page's call, from the admin module and from the issue panel.
    for (const mod of [JIRA_ADMIN, 'm365-issue-panel']) {
      const r = await asBob().invoke(mod, 'admin/settings/save', { features: { 'share.chat': true }, sharing: { ...site, kinds: { chat: { allowedScopes: ['public'], defaultScope: 'public' } } } });
      expect(r.value, mod).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'not_admin' } });
    }
    const refusals: Array<[unknown, string]> = [
      [{ kinds: { fax: { allowedScopes: ['private'], defaultScope: 'private' } } }, 'Unknown kind of shared item: fax.'],
      [{ kinds: { chat: { allowedScopes: [], defaultScope: 'private' } } }, 'Teams chats: allow at least one audience.'],
      [{ kinds: { chat: { allowedScopes: ['private'], defaultScope: 'public' } } }, 'Teams chats: the default scope must be one of the allowed scopes.'],
      [{ kinds: { calendar: { allowedScopes: ['everyone'], defaultScope: 'everyone' } } }, 'Calendars needs a default scope and the allowed scopes (private, atlassian, public).'],
      [{ kinds: 'chat' }, 'Per-kind sharing rules must name a kind (mail, conversation, calendar, event, chat).'],
      [{ allowedScopes: ['private', 'atlassian'], kinds: { event: { allowedScopes: ['public'], defaultScope: 'public' } } }, 'Single events: allow at least one of the audiences allowed for the whole site.'],
    ];
    for (const [bad, words] of refusals) {
      // A feature switch in the same change is refused with it: the change is all or nothing.
      const r = await asAlice().invoke(JIRA_ADMIN, 'admin/settings/save', { features: { 'share.chat': false }, sharing: { ...site, ...(bad as object) } });
      expect(r.value, JSON.stringify(bad)).toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST', message: words }) });
    }
    expect(await state()).toEqual(before);
    const after = await asAlice().invoke(JIRA_ADMIN, 'admin/settings');
    expect(after.value.value.sharing).toMatchObject({ kinds: { chat: { allowedScopes: ['private'] } }, calendarFreeBusyOnly: true });
    expect(after.value.value.features.find((f: { key: string }) => f.key === 'share.chat').enabled).toBe(true);
  });

  it('a switched-off feature gets no tokens in its modules; other modules are unaffected', async () => {
    // The app is installed separately in Jira and in Confluence: the macros follow the Confluence installation's settings.
    const inJira = await asAlice().invoke(JIRA_ADMIN, 'admin/settings/save', { features: { sharepoint: false } });
    expect(inJira.value.ok).toBe(true);
    expect((await asBob().invoke('sharepoint-list', 'account/token')).value).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED' } });
    await asAlice().invoke(JIRA_ADMIN, 'admin/settings/save', { features: { sharepoint: true } });
    const off = await asAlice().invoke('m365-confluence-admin', 'admin/settings/save', { features: { sharepoint: false } });
    expect(off.value.ok).toBe(true);
    const macro = await asBob().invoke('sharepoint-list', 'account/token');
    expect(macro.value).toMatchObject({ ok: false, error: { code: 'FEATURE_OFF', message: 'This feature was turned off by your admin.' } });
    const panel = await asBob().invoke('m365-issue-panel', 'account/token');
    expect(panel.value).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED' } });
    const pub = await asBob().invoke('sharepoint-list', 'settings/public');
    expect(pub.value).toMatchObject({ ok: true, value: { features: { sharepoint: false } } });
    await asAlice().invoke('m365-confluence-admin', 'admin/settings/save', { features: { sharepoint: true } });
    expect((await asBob().invoke('sharepoint-list', 'account/token')).value).toMatchObject({ ok: false, error: { code: 'MS_SIGN_IN_REQUIRED' } });
  });

  it('lists what the app stores from the storage layout, with counts', async () => {
    const r = await asAlice().invoke(JIRA_ADMIN, 'admin/storage');
    expect(r.value.ok).toBe(true);
    const names = r.value.value.map((k: { name: string }) => k.name);
    expect(names).toEqual(expect.arrayContaining(['Admin settings', 'Microsoft client secret', 'Microsoft 365 connections', 'Sign-ins in progress', 'Users with stored data']));
    expect(r.value.value.find((k: { name: string }) => k.name === 'Microsoft 365 connections')).toMatchObject({ storage: 'secret', personal: true, count: 0 });
  });
});

describe('personal data', () => {
  let host: TestHost;
  const CAROL = '557058:ca401000-0000-4000-8000-000000000003';
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host?.stop());

  /** What the app stores when someone connects, written the way the app writes it. */
  async function seedConnection(accountId: string) {
    const put = (path: string, body: unknown) => host.kvs.handle(path, body);
    await put('/api/v1/set', { key: `account:${accountId}`, value: { updatedAt: '2026-01-01T00:00:00.000Z', connected: true } });
    await put('/api/v1/secret/set', { key: `ms-connection:${accountId}`, value: { refreshToken: 'rt-secret', accessToken: 'at-secret', user: { oid: 'o', tid: 't', name: 'n', username: 'u' }, scopes: ['User.Read'], connectedAt: '2026-01-01T00:00:00.000Z' } });
  }
  const storage = async () => ((await (await fetch(`${host.origin}/__emulator/state`)).json()) as { storage: { keys: string[]; secretKeys: string[] } }).storage;

  it('a user reads, downloads and deletes their own records, and only theirs', async () => {
    await seedConnection(ALICE);
    await seedConnection(CAROL);
    const mine = await host.asUser('carol').invoke('m365-issue-panel', 'account/records', { accountId: ALICE });
    expect(mine.value.ok).toBe(true);
    expect(mine.value.value.accountId).toBe(CAROL);
    expect(mine.value.value.records.map((r: { key: string }) => r.key).sort()).toEqual([`account:${CAROL}`, `ms-connection:${CAROL}`]);
    // Tokens are never exported, not even to their owner.
    expect(JSON.stringify(mine)).not.toMatch(/rt-secret|at-secret/);
    const deleted = await host.asUser('carol').invoke('m365-issue-panel', 'account/records/delete', { accountId: ALICE });
    expect(deleted.value).toEqual({ ok: true, value: { deleted: 2 } });
    const s = await storage();
    expect(s.keys).not.toContain(`account:${CAROL}`);
    expect(s.secretKeys).not.toContain(`ms-connection:${CAROL}`);
    expect(s.secretKeys).toContain(`ms-connection:${ALICE}`);
  });

  it('an account Atlassian reports closed loses all its records at the next daily run', async () => {
    await seedConnection(CAROL);
    const close = await fetch(`${host.origin}/__emulator/accounts/close`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'carol' }) });
    expect(close.ok).toBe(true);
    // A day passes: the daily trigger runs on the host's clock, as it would on Forge's schedule.
    const moved = await fetch(`${host.origin}/__emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 86_400 }) });
    const runs = (await moved.json()) as { scheduledRuns: Array<{ key: string; lastRun?: { outcome: string } }> };
    expect(runs.scheduledRuns.find((r) => r.key === 'personal-data-report')?.lastRun?.outcome).toBe('ok');
    const s = await storage();
    expect(s.keys).not.toContain(`account:${CAROL}`);
    expect(s.secretKeys).not.toContain(`ms-connection:${CAROL}`);
    expect(s.secretKeys).toContain(`ms-connection:${ALICE}`);
  });
});
