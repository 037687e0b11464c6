import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScopes } from '../../dev/host/scopes';
import { startTestHost, type TestHost } from '../support/host';
import { probeVariant } from '../support/probe-variant';

/**
 * Forge's API gateway refuses a product REST call whose scopes the manifest does not declare:
 * 401 `Unauthorized; scope does not match`. The table and its sources are in dev/host/scopes.ts.
 */
describe('local Forge host: product REST scopes', () => {
  let host: TestHost;
  const variant = probeVariant((m) => m.replace('    - read:jira-user\n', '    - read:group:jira\n'));
  beforeAll(async () => {
    host = await startTestHost({ appDir: variant.dir });
  });
  afterAll(async () => {
    await host?.stop();
    variant.dispose();
  });
  const raw = (product: string, path: string, method = 'GET') => host.asUser('alice').invoke('probe-panel', 'productRaw', { product, path, method });

  it('refuses a call the manifest has no scope for, with the gateway’s answer, and says what is missing', async () => {
    const me = await host.asUser('alice').invoke('probe-panel', 'myself');
    expect(me.value).toEqual({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } });
    expect((await raw('jira', '/rest/api/3/user/bulk?accountId=557058:b0b00000-0000-4000-8000-000000000002')).value.status).toBe(401);
    expect(host.logs.join('\n')).toContain("refused GET /rest/api/3/myself (jira): the manifest's permissions.scopes lack read:jira-user");
  });

  it('lets through what the declared scopes cover, and endpoints that need none', async () => {
    expect((await raw('jira', '/rest/api/3/issue/DEMO-1')).value.status).toBe(200);
    expect((await raw('jira', '/rest/api/3/mypermissions?permissions=ADMINISTER')).value.status).toBe(200);
    expect((await host.asUser('alice').invoke('probe-global-settings', 'confluenceOperationsAsUser')).value.status).toBe(200);
  });

  it('refuses a write with read scopes only, and a Confluence v2 call with classic scopes', async () => {
    const put = await host.asUser('alice').invoke('probe-panel', 'productRaw', { product: 'jira', path: '/rest/api/3/issue/DEMO-1/properties/probe', method: 'PUT', body: { a: 1 } });
    expect(put.value.status).toBe(401);
    expect((await raw('confluence', '/wiki/api/v2/pages/65601')).value.status).toBe(401);
  });

  it('refuses, and logs, an endpoint the host has no scope rule for', async () => {
    expect((await raw('jira', '/rest/api/3/dashboard')).value).toEqual({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } });
    expect(host.logs.join('\n')).toContain('refused GET /rest/api/3/dashboard (jira): no scope rule for this endpoint');
  });
});

describe('scope rules', () => {
  it('accept every classic scope, or the whole granular set, and nothing less', () => {
    expect(checkScopes('jira', 'GET', '/rest/api/3/myself', ['read:jira-user'])).toEqual({ ok: true });
    expect(checkScopes('jira', 'GET', '/rest/api/3/myself', ['read:application-role:jira', 'read:group:jira', 'read:user:jira', 'read:avatar:jira'])).toEqual({ ok: true });
    expect(checkScopes('jira', 'GET', '/rest/api/3/myself', ['read:group:jira', 'read:user:jira', 'read:avatar:jira']).ok).toBe(false);
    expect(checkScopes('jira', 'DELETE', '/rest/api/3/issue/10001/properties/m365-mail-links', ['write:jira-work']).ok).toBe(true);
    expect(checkScopes('jira', 'DELETE', '/rest/api/3/issue/10001/properties/m365-mail-links', ['read:jira-work']).ok).toBe(false);
    expect(checkScopes('jira', 'GET', '/rest/api/3/issue/10001/extra/segment', ['read:jira-work'])).toMatchObject({ ok: false, unknown: true });
  });
});
