import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';

/**
 * The platform rules the local host enforces, proven with a probe app that uses the real
 * @forge/api, @forge/resolver and @forge/kvs packages.
 */
describe('local Forge host: platform behaviour', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app'), resolverTimeoutMs: 1500, webTriggerTimeoutMs: 1500 });
  });
  afterAll(() => host?.stop());

  it('gives resolvers the calling user from the product session, not from the payload', async () => {
    const alice = host.asUser('alice');
    expect(await alice.invoke('probe-panel', 'whoami', { accountId: 'forged' })).toEqual({ ok: true, value: { accountId: '557058:a11ce000-0000-4000-8000-000000000001', accountType: 'licensed' } });
    // An anonymous visitor reaches only a module that declares unlicensedAccess, as the documented 'unidentified' account.
    expect(await host.asUser('anonymous').invoke('probe-public-panel', 'whoami')).toEqual({ ok: true, value: { accountId: 'unidentified', accountType: 'anonymous' } });
  });

  it("fails a backend fetch to a host the manifest does not allow with the SDK's own error", async () => {
    const r = await host.asUser('alice').invoke('probe-panel', 'fetch', { url: 'https://example.com/steal' });
    expect(r.value.error).toMatchObject({ name: 'REQUEST_EGRESS_ALLOWLIST_ERR', status: 403 });
    expect(r.value.error.message).toContain('URL not included in the external fetch backend permissions: https://example.com/steal');
  });

  it('lets a backend fetch reach a host the manifest allows (mapped to the emulator)', async () => {
    const r = await host.asUser('alice').invoke('probe-panel', 'fetch', { url: `${host.microsoftOrigins.graph}/graph/v1.0/me` });
    expect(r.value).toEqual({ status: 401 });
  });

  it('refuses a backend fetch to SharePoint REST when the manifest allows Graph only: each Microsoft host has its own origin', async () => {
    const sharePoint = host.microsoftOrigins.sharePoint['contoso.sharepoint.com'] ?? '';
    for (const url of [`${sharePoint}/_api/web`, `${host.microsoftOrigins.login}/login/organizations/oauth2/v2.0/token`]) {
      const r = await host.asUser('alice').invoke('probe-panel', 'fetch', { url });
      expect(r.value.error).toMatchObject({ name: 'REQUEST_EGRESS_ALLOWLIST_ERR', status: 403 });
    }
  });

  it('stops a resolver at its time limit and keeps serving the next call', async () => {
    const slow = await host.asUser('alice').invoke('probe-panel', 'sleep', { ms: 5000 });
    expect(slow.ok).toBe(false);
    expect(slow.error.message).toMatch(/did not finish within 2 seconds|within 1 seconds|within \d+ seconds/);
    const next = await host.asUser('alice').invoke('probe-panel', 'sleep', { ms: 10 });
    expect(next).toEqual({ ok: true, value: { slept: 10 } });
  });

  it('tells a function how much time it has left', async () => {
    const r = await host.asUser('alice').invoke('probe-panel', 'remaining');
    expect(r.value.ms).toBeGreaterThan(0);
    expect(r.value.ms).toBeLessThanOrEqual(1500);
  });

  it('serves KVS to the real @forge/kvs package and keeps it across calls', async () => {
    expect(await host.asUser('alice').invoke('probe-panel', 'kvs', { key: 'probe:1', value: { n: 1 } })).toEqual({ ok: true, value: { value: { n: 1 } } });
    const state = (await (await fetch(`${host.origin}/__emulator/state`)).json()) as { storage: { keys: string[] } };
    expect(state.storage.keys).toContain('probe:1');
  });

  it('runs asUser product calls as the invoking user, and refuses them without one', async () => {
    const r = await host.asUser('bob').invoke('probe-panel', 'myself');
    expect(r.value.body.displayName).toBe('Bob Brown');
    const anon = await host.asUser('anonymous').invoke('probe-public-panel', 'myself');
    expect(anon.value.error.name).toBe('NEEDS_AUTHENTICATION_ERR');
  });

  it('hands out web trigger URLs that reach the web trigger with the real request shape', async () => {
    const { value } = await host.asUser('alice').invoke('probe-panel', 'webTriggerUrl');
    expect(value.url).toBe(`${host.origin}/x1/echo`);
    const res = await fetch(`${value.url}/some/path?a=1&a=2`, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(await res.json()).toMatchObject({ method: 'POST', path: '/x1/echo/some/path', userPath: '/some/path', query: { a: ['1', '2'] }, body: 'hello' });
  });

  it('answers 500 when a web trigger returns something that is not a web trigger response', async () => {
    const { value } = await host.asUser('alice').invoke('probe-panel', 'webTriggerUrl', { key: 'malformed' });
    const res = await fetch(value.url);
    expect(res.status).toBe(500);
  });

  it('answers 404 for a web trigger the manifest does not declare', async () => {
    expect((await fetch(`${host.origin}/x1/nope`)).status).toBe(404);
  });
});
