import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';

const APP = '00000000-0000-4000-8000-00000000beef';
const ENV = 'local-development';

/** Settings pages at their product URLs, only for the users the product shows them to, and the REST admin checks. */
describe('local Forge host: admin and settings pages', () => {
  let host: TestHost;
  const open = async (path: string, as: string) => {
    const res = await fetch(`${host.origin}${path}${path.includes('?') ? '&' : '?'}as=${as}`);
    return { status: res.status, html: await res.text() };
  };
  /** The extension descriptors of the iframes on a page, as the bridge reads them. */
  const frames = (html: string) =>
    [...html.matchAll(/data-forge-extension="([^"]*)"/g)].map((m) => JSON.parse((m[1] ?? '').replaceAll('&quot;', '"').replaceAll('&amp;', '&')) as { moduleKey: string; extension: Record<string, unknown> });

  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app') });
  });
  afterAll(() => host?.stop());

  it.each([
    [`/jira/settings/apps/configure/${APP}/${ENV}`, 'probe-configure', 'jira:adminPage'],
    [`/jira/settings/apps/${APP}/${ENV}`, 'probe-admin', 'jira:adminPage'],
    [`/wiki/admin/forge/apps/${APP}/${ENV}/probe-global-settings`, 'probe-global-settings', 'confluence:globalSettings'],
  ])('renders %s for a site admin with the module type as its extension context', async (path, moduleKey, type) => {
    const page = await open(path, 'alice');
    expect(page.status).toBe(200);
    // `app` names the frame's app, environment and installation: the bridge's events reach only its own.
    expect(frames(page.html)).toEqual([
      { moduleKey, resourceKey: 'probe', title: expect.any(String), localId: moduleKey, extension: { type }, app: { id: APP, environmentId: ENV, installationId: expect.stringMatching(/^local-(jira|confluence)-/) } },
    ]);
  });

  it.each([`/jira/settings/apps/configure/${APP}/${ENV}`, `/jira/settings/apps/${APP}/${ENV}`, `/wiki/admin/forge/apps/${APP}/${ENV}/probe-global-settings`, `/jira/software/projects/DEMO/settings/apps/${APP}/${ENV}`])(
    "answers %s with the product's no-permission page and no frame for anyone else",
    async (path) => {
      for (const who of ['bob', 'anonymous']) {
        const page = await open(path, who);
        expect(page.status).toBe(403);
        expect(page.html).toContain("You don't have permission to view this page");
        expect(frames(page.html)).toEqual([]);
      }
    },
  );

  it('renders the personal settings page for any logged-in user and the project settings page with its project', async () => {
    const personal = await open(`/jira/settings/personal/apps/${APP}/${ENV}`, 'bob');
    expect(personal.status).toBe(200);
    expect(frames(personal.html)[0]?.extension).toEqual({ type: 'jira:personalSettingsPage' });
    expect((await open(`/jira/settings/personal/apps/${APP}/${ENV}`, 'anonymous')).status).toBe(403);

    const project = await open(`/jira/software/projects/DEMO/settings/apps/${APP}/${ENV}`, 'alice');
    expect(project.status).toBe(200);
    expect(frames(project.html)[0]?.extension).toEqual({ type: 'jira:projectSettingsPage', project: { id: expect.any(String), key: 'DEMO', type: 'software' } });
    expect((await open(`/jira/software/projects/NOPE/settings/apps/${APP}/${ENV}`, 'alice')).status).toBe(404);
  });

  it("does not serve another app's or environment's settings URL", async () => {
    expect((await open(`/jira/settings/apps/configure/11111111-0000-4000-8000-00000000beef/${ENV}`, 'alice')).status).toBe(404);
    expect((await open(`/wiki/admin/forge/apps/${APP}/production/probe-global-settings`, 'alice')).status).toBe(404);
  });

  it('links the settings pages from the start page and the top bar for admins only', async () => {
    const alice = await open('/', 'alice');
    expect(alice.html).toContain('<h2>Apps settings</h2>');
    expect(alice.html).toContain(`<a class="settings-link" href="/jira/settings/apps/configure/${APP}/${ENV}">Apps settings</a>`);
    for (const url of [`/jira/settings/apps/configure/${APP}/${ENV}`, `/jira/settings/apps/${APP}/${ENV}`, `/wiki/admin/forge/apps/${APP}/${ENV}/probe-global-settings`, `/jira/software/projects/DEMO/settings/apps/${APP}/${ENV}`]) {
      expect(alice.html).toContain(`href="${url}"`);
    }
    const issue = await open('/browse/DEMO-1', 'alice');
    expect(issue.html).toContain('class="settings-link"');

    const bob = await open('/', 'bob');
    expect(bob.html).not.toContain('settings-link');
    expect(bob.html).not.toContain('/jira/settings/apps/');
    expect(bob.html).toContain(`href="/jira/settings/personal/apps/${APP}/${ENV}"`);
  });

  it("answers Jira's mypermissions for the user asUser() runs as, and never says the app is an admin", async () => {
    const alice = (await host.asUser('alice').invoke('probe-admin', 'jiraAdminAsUser')).value;
    expect(alice).toEqual({ status: 200, body: { permissions: { ADMINISTER: { id: '0', key: 'ADMINISTER', name: 'Administer Jira', type: 'GLOBAL', description: expect.any(String), havePermission: true } } } });
    expect((await host.asUser('bob').invoke('probe-admin', 'jiraAdminAsUser')).value.body.permissions.ADMINISTER.havePermission).toBe(false);
    expect((await host.asUser('alice').invoke('probe-admin', 'jiraAdminAsApp')).value.body.permissions.ADMINISTER.havePermission).toBe(false);
    // An admin page takes no unlicensedAccess: the platform runs nothing for an anonymous visitor.
    expect(await host.asUser('anonymous').invoke('probe-admin', 'jiraAdminAsUser')).toMatchObject({ ok: false, error: { name: 'FORBIDDEN' } });
  });

  it("answers Confluence's current user with expand=operations: administer application for site admins only", async () => {
    const administer = { operation: 'administer', targetType: 'application' };
    const alice = (await host.asUser('alice').invoke('probe-global-settings', 'confluenceOperationsAsUser')).value;
    expect(alice.status).toBe(200);
    expect(alice.body).toMatchObject({ type: 'known', accountId: '557058:a11ce000-0000-4000-8000-000000000001' });
    expect(alice.body.operations).toContainEqual(administer);
    const bob = (await host.asUser('bob').invoke('probe-global-settings', 'confluenceOperationsAsUser')).value;
    expect(bob.body.operations).toContainEqual({ operation: 'use', targetType: 'application' });
    expect(bob.body.operations).not.toContainEqual(administer);
    expect((await host.asUser('alice').invoke('probe-global-settings', 'confluenceOperationsAsApp')).value.body.operations).not.toContainEqual(administer);
  });
});
