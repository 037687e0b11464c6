import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, startTestHost, type TestHost } from '../support/host';
import { probeVariant } from '../support/probe-variant';

const CLOUD_ID = '8f1c7c52-0b1d-4a0e-9c43-5d1f0a6b2e11';
const JIRA = `ari:cloud:jira::site/${CLOUD_ID}`;
const CONFLUENCE = `ari:cloud:confluence::site/${CLOUD_ID}`;

/**
 * Without `app.compatibility`, an app with Jira and Confluence modules is installed twice: separate storage, web
 * trigger URLs and install contexts. A module runs in its product's installation.
 */
describe('local Forge host: one installation per product', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app') });
  });
  afterAll(() => host?.stop());
  const jira = (fn: string, payload: unknown = {}) => host.asUser('alice').invoke('probe-panel', fn, payload);
  const confluence = (fn: string, payload: unknown = {}) => host.asUser('alice').invoke('probe-global-settings', fn, payload);

  it('gives each module its installation’s context', async () => {
    expect((await jira('installation')).value).toEqual({ installContext: JIRA, installationAri: expect.stringContaining(`local-jira-${CLOUD_ID}`) });
    expect((await confluence('installation')).value).toEqual({ installContext: CONFLUENCE, installationAri: expect.stringContaining(`local-confluence-${CLOUD_ID}`) });
    expect((await host.asUser('alice').invoke('probe-public-macro', 'installation')).value.installContext).toBe(CONFLUENCE);
  });

  it('keeps each installation’s storage apart: what Jira stores, Confluence does not see', async () => {
    expect((await jira('kvs', { key: 'connected', value: 'in jira' })).value).toEqual({ value: 'in jira' });
    expect((await confluence('kvsGet', { key: 'connected' })).value).toEqual({ value: null });
    expect(host.kvs.byInstallation().jira?.keys).toContainEqual({ key: 'connected', value: 'in jira' });
    expect(host.kvs.byInstallation().confluence?.keys.map((k) => k.key)).not.toContain('connected');
    // The control state lists what every installation stores.
    expect((await host.state()).storage.keys).toContain('connected');
  });

  it('hands each installation its own web trigger URLs, which run in that installation', async () => {
    const inJira = (await jira('webTriggerUrl', { key: 'echo' })).value.url as string;
    const inConfluence = (await confluence('webTriggerUrl', { key: 'echo' })).value.url as string;
    expect([inJira, inConfluence]).toEqual([`${host.origin}/x1/echo`, `${host.origin}/x1/confluence-echo`]);
    const contextOf = async (url: string) => ((await (await fetch(url, { method: 'POST' })).json()) as { installContext: string }).installContext;
    expect(await contextOf(inJira)).toBe(JIRA);
    expect(await contextOf(inConfluence)).toBe(CONFLUENCE);
    const listed = (await jira('webTriggerQuery', { key: 'echo' })).value.urls.map((u: { url: string }) => u.url);
    expect(listed).toContain(inJira);
    expect(listed).not.toContain(inConfluence);
  });
});

describe('local Forge host: one installation with app.compatibility', () => {
  let host: TestHost;
  const variant = probeVariant((m) => m.replace('  runtime:\n    name: nodejs22.x\n', '  runtime:\n    name: nodejs22.x\n  compatibility:\n    confluence:\n      required: true\n    jira:\n      required: false\n'));
  beforeAll(async () => {
    host = await startTestHost({ appDir: variant.dir });
  });
  afterAll(async () => {
    await host?.stop();
    variant.dispose();
  });

  it('runs Jira and Confluence modules in the one installation, with one storage', async () => {
    expect(host.installations.list.map((i) => i.key)).toEqual(['confluence']);
    await host.asUser('alice').invoke('probe-panel', 'kvs', { key: 'shared', value: 1 });
    expect((await host.asUser('alice').invoke('probe-global-settings', 'kvsGet', { key: 'shared' })).value).toEqual({ value: 1 });
    expect((await host.asUser('alice').invoke('probe-panel', 'installation')).value.installContext).toBe(CONFLUENCE);
  });
});

describe('the app: a sign-in per installation, each redirect URI registered', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host?.stop());

  it('sends Jira and Confluence sign-ins to their own web trigger, and Microsoft knows both', async () => {
    const redirectOf = async (moduleKey: string) => {
      const r = await host.asUser('bob').invoke(moduleKey, 'account/connect');
      const authorize = new URL(r.value.value.authorizeUrl as string);
      const page = await fetch(authorize);
      return { redirect: authorize.searchParams.get('redirect_uri'), status: page.status, text: await page.text() };
    };
    const jira = await redirectOf('m365-issue-panel');
    const confluence = await redirectOf('m365-page-byline');
    expect([jira.redirect, confluence.redirect]).toEqual([`${host.origin}/x1/ms-oauth-callback`, `${host.origin}/x1/confluence-ms-oauth-callback`]);
    for (const r of [jira, confluence]) {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('AADSTS50011');
    }
  });
});
