import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadManifest } from '../../dev/host/manifest';
import { ROOT, startTestHost, type TestHost } from '../support/host';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * Forge shows a module to anonymous and unlicensed users only when it declares `unlicensedAccess` for them
 * (access-to-forge-apps-for-unlicensed-users): the product renders no frame and the platform runs no resolver.
 */
describe('local Forge host: unlicensedAccess', () => {
  let host: TestHost;
  // The public space's page and the public project's issue: anonymous visitors may view them (demo-tenant.json).
  const PAGE = '/wiki/spaces/PUBSPACE/pages/65602';
  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app') });
  });
  afterAll(() => host?.stop());

  const frames = (html: string) => [...html.matchAll(/data-forge-extension="([^"]*)"/g)].map((m) => JSON.parse((m[1] ?? '').replaceAll('&quot;', '"')).moduleKey as string);
  const pageAs = async (path: string, user: string) => (await fetch(`${host.origin}${path}?as=${user}`)).text();

  it('renders an issue panel for an anonymous visitor only when it declares anonymous access', async () => {
    expect(frames(await pageAs('/browse/DEMO-1', 'alice'))).toEqual(['probe-panel', 'probe-public-panel']);
    expect(frames(await pageAs('/browse/PUB-1', 'alice'))).toEqual(['probe-panel', 'probe-public-panel']);
    expect(frames(await pageAs('/browse/PUB-1', 'anonymous'))).toEqual(['probe-public-panel']);
  });

  it('treats a user without Jira access as unlicensed in Jira, and licensed in Confluence', async () => {
    // PUB-1, which anyone may browse: on DEMO-1 she would get no frame only because Jira refuses her the issue.
    expect(frames(await pageAs('/browse/PUB-1', 'gina'))).toEqual([]);
    expect((await host.asUser('gina').invoke('probe-panel', 'whoami')).error.name).toBe('FORBIDDEN');
    expect((await host.asUser('gina').invoke('probe-byline', 'whoami')).value).toEqual({ accountId: '557058:91a00000-0000-4000-8000-000000000004', accountType: 'licensed' });
  });

  it('shows placed macros and bylines on a page only to the users they declare', async () => {
    const place = (moduleKey: string, localId: string) =>
      fetch(`${host.origin}/__host/pages/65602/macros`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'forge_local_as=alice' }, body: JSON.stringify({ moduleKey, localId, config: {} }) });
    expect((await place('probe-macro', 'm-private')).status).toBe(200);
    expect((await place('probe-public-macro', 'm-public')).status).toBe(200);
    expect(frames(await pageAs(PAGE, 'bob')).sort()).toEqual(['probe-byline', 'probe-macro', 'probe-public-macro']);
    expect(frames(await pageAs(PAGE, 'anonymous'))).toEqual(['probe-public-macro']);
  });

  it('runs no resolver for a visitor the module does not declare, whatever the request says', async () => {
    const before = (await host.state()).stats.host.resolverInvocations;
    const refused = await host.asUser('anonymous').invoke('probe-panel', 'kvs', { key: 'anon:1', value: 1 });
    expect(refused).toEqual({ ok: false, error: { name: 'FORBIDDEN', message: 'This app is not available to anonymous users here.' } });
    const state = await host.state();
    expect(state.stats.host.resolverInvocations).toBe(before);
    expect(state.storage.keys).not.toContain('anon:1');
  });

  it("gives an allowed anonymous visitor the 'unidentified' account id, which asUser() cannot act as", async () => {
    expect((await host.asUser('anonymous').invoke('probe-public-macro', 'whoami')).value).toEqual({ accountId: 'unidentified', accountType: 'anonymous' });
    expect((await host.asUser('anonymous').invoke('probe-public-panel', 'myself')).value.error.name).toBe('NEEDS_AUTHENTICATION_ERR');
  });

  it('refuses to load unlicensedAccess on a module type that does not take it, or with an unknown user type', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ul-'));
    try {
      const manifest = (module: string, types: string) => `modules:\n  ${module}:\n    - key: k\n      resource: r\n      resolver:\n        function: f\n      title: T\n      unlicensedAccess: [${types}]\n  function:\n    - key: f\n      handler: index.h\nresources:\n  - key: r\n    path: r\napp:\n  id: ari:cloud:ecosystem::app/x\n`;
      writeFileSync(join(dir, 'manifest.yml'), manifest('jira:adminPage', 'anonymous'));
      expect(() => loadManifest(dir)).toThrow("jira:adminPage does not support the following Forge properties - 'unlicensedAccess'");
      writeFileSync(join(dir, 'manifest.yml'), manifest('macro', 'customer'));
      expect(() => loadManifest(dir)).toThrow('must be an array of one or more of the following values: [unlicensed, anonymous]');
      writeFileSync(join(dir, 'manifest.yml'), manifest('jira:issuePanel', 'anonymous, unlicensed'));
      expect(loadManifest(dir).uiModules.get('k')?.unlicensedAccess).toEqual(['anonymous', 'unlicensed']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
