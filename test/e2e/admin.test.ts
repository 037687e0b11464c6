import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { connectInNewTab, continueToSite } from '../support/microsoft';
import { LOCAL_ENTRA_APP } from '../../dev/host/local-app';
import { settingsPages } from '../../dev/host/pages/products';
import fixture from '../../dev/fixtures/demo-tenant.json';

// The app's settings page in Jira and Confluence, driven as a site admin and as someone who is not,
// and what its switches change for everyone else. The tests run in order and share one host.

const CONTOSO_ID = fixture.microsoft.tenants.find((t) => t.key === 'contoso')!.id;
const BOB_ID = fixture.atlassian.users.find((u) => u.key === 'bob')!.accountId;
const ISSUE = '/browse/DEMO-1';
const PAGE = '/wiki/spaces/DEMO/pages/65601';
const TASKS_URL = 'https://contoso.sharepoint.com/sites/phoenix/Lists/Tasks/AllItems.aspx';
const WRONG_SECRET = 'not-the-secret-of-this-app';

/** The parts of the control API's state these tests read. */
interface EmulatorState {
  stats: { microsoft: { graphRequests: number } };
  storage: { keys: string[]; secretKeys: string[]; values: Record<string, unknown> };
}

describe('admin settings (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const newPage = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };
  const urlOf = (moduleKey: string) => {
    const page = settingsPages(host.manifest).find((p) => p.module.key === moduleKey);
    if (!page) throw new Error(`The host gives ${moduleKey} no URL`);
    return `${host.origin}${page.url}`;
  };
  const jiraAdmin = () => urlOf('m365-jira-admin');
  const confluenceAdmin = () => urlOf('m365-confluence-admin');
  const adminFrame = (p: Page): FrameLocator => p.frameLocator('iframe[title="Microsoft 365 settings"]');
  const card = (f: FrameLocator, title: string) => f.getByRole('region', { name: title });
  const emulator = async () => (await host.state()) as EmulatorState;
  const graphRequests = async () => (await emulator()).stats.microsoft.graphRequests;
  const storage = async () => (await emulator()).storage;

  async function openAdmin(p: Page, url: string): Promise<FrameLocator> {
    await p.goto(`${url}?as=alice`);
    const f = adminFrame(p);
    await card(f, 'Microsoft app registration').waitFor();
    return f;
  }

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await host?.stop();
  });

  let alice: Page;

  it('Alice sets the app registration: tests it, is told a wrong secret is wrong, confirms what ends connections, and never sees the secret again', async () => {
    alice = await newPage();
    // Alice is connected, so a change of client or tenant would end one connection.
    await alice.goto(`${host.origin}${ISSUE}?as=alice`);
    const panel = alice.frameLocator('iframe[title="Microsoft 365"]');
    await connectInNewTab(alice, panel, 'alice@contoso.com');
    await panel.getByText('Signed in as Alice Adams').waitFor();

    const f = await openAdmin(alice, jiraAdmin());
    const reg = card(f, 'Microsoft app registration');
    await reg.getByText('From Forge variables').waitFor();
    // Each Microsoft permission a feature asks for reads as one word, never broken across lines ("Tasks.R / eadWrite").
    const chips = f.locator('.scopes code');
    expect(await chips.count()).toBeGreaterThan(3);
    expect(await chips.evaluateAll((cs) => cs.filter((c) => c.getClientRects().length > 1 || c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent))).toEqual([]);

    await reg.getByLabel('Tenant', { exact: true }).fill(CONTOSO_ID);
    await reg.getByLabel('Client id', { exact: true }).fill(LOCAL_ENTRA_APP.clientId);
    await reg.getByLabel('Client secret', { exact: true }).fill(LOCAL_ENTRA_APP.clientSecret);
    await reg.getByRole('button', { name: 'Test connection' }).click();
    const accepted = reg.getByText('Microsoft accepted the client id and secret');
    await accepted.waitFor();
    expect(await accepted.getAttribute('class')).toContain('success');

    await reg.getByLabel('Client secret', { exact: true }).fill(WRONG_SECRET);
    await reg.getByRole('button', { name: 'Test connection' }).click();
    const refused = reg.getByText('Microsoft refused the client secret');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/not a secret of this app registration.*AADSTS7000215/s);
    expect(await refused.getAttribute('class')).toContain('error');

    // Another tenant would end Alice's connection: the page asks first, and Esc changes nothing.
    await reg.getByLabel('Client secret', { exact: true }).fill(LOCAL_ENTRA_APP.clientSecret);
    await reg.getByLabel('Tenant', { exact: true }).fill('contoso.onmicrosoft.com');
    const save = reg.getByRole('button', { name: 'Save', exact: true });
    await save.click();
    const dialog = f.getByRole('dialog', { name: 'Change the app registration?' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await dialog.textContent()).toContain('1 person will have to connect Microsoft 365 again');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await save.evaluate((b) => b === document.activeElement)).toBe(true);
    expect(await reg.getByText('From Forge variables').count()).toBe(1);

    // The same client and tenant as the variables: nothing ends, so nothing to confirm.
    await reg.getByLabel('Tenant', { exact: true }).fill(CONTOSO_ID);
    await save.click();
    await reg.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await reg.getByText('Set on this page').waitFor();
    expect(await f.getByRole('dialog').count()).toBe(0);

    await alice.reload();
    const again = card(adminFrame(alice), 'Microsoft app registration');
    await again.getByText('Set on this page').waitFor();
    expect(await again.getByText(/^Client secret: set on /).textContent()).toMatch(/set on \w/);
    await again.getByRole('button', { name: 'Replace' }).waitFor();
    // The secret is in no text, attribute or field value of the admin page, nor of the product page around it.
    const frame = alice.frames().find((x) => x.url().includes('/__cdn/admin/'))!;
    const shown = await frame.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll('input, textarea')].map((i) => (i as HTMLInputElement).value).join('\n'));
    expect(shown).not.toContain(LOCAL_ENTRA_APP.clientSecret);
    expect(await alice.content()).not.toContain(LOCAL_ENTRA_APP.clientSecret);
    // Alice's connection was made with the same client and tenant, so it still works.
    await alice.goto(`${host.origin}${ISSUE}`);
    await alice.frameLocator('iframe[title="Microsoft 365"]').getByText('Signed in as Alice Adams').waitFor();
  });

  it('Bob, not an admin, gets the product’s no-permission page, and his forged saves are refused and change nothing', async () => {
    const bob = await newPage();
    const res = await bob.goto(`${jiraAdmin()}?as=bob`);
    expect(res?.status()).toBe(403);
    await bob.getByRole('heading', { name: 'You don\'t have permission to view this page' }).waitFor();
    expect(await bob.locator('iframe').count()).toBe(0);

    const before = await storage();
    // What the host's bridge sends for an admin page's invoke, sent by Bob's own browser.
    const forge = (functionKey: string, payload: unknown): Promise<{ value: unknown }> =>
      bob.evaluate(
        async ([fk, p]) => (await fetch('/__host/invoke', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ moduleKey: 'm365-jira-admin', localId: 'm365-jira-admin', extension: { type: 'jira:adminPage' }, functionKey: fk, payload: p }) })).json() as Promise<{ value: unknown }>,
        [functionKey, payload] as const,
      );
    for (const [fk, payload] of [
      ['admin/settings/save', { features: { sharepoint: false }, sharePointTenants: ['evil'] }],
      ['admin/registration/save', { tenant: 'organizations', clientId: LOCAL_ENTRA_APP.clientId, clientSecret: 'bobs-own-secret', confirmEndConnections: true }],
      ['admin/registration/clear', { confirmEndConnections: true }],
    ] as const) {
      const answer = await forge(fk, payload);
      expect(answer.value, fk).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await storage()).toEqual(before);
  });

  it('SharePoint macros turned off say so on the page with no Graph request, and work again when turned on', async () => {
    // Alice places a SharePoint List macro for Tasks on the demo page. The app is installed separately in
    // Confluence: her Jira connection does not carry over, so she connects here too.
    await alice.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
    await alice.getByRole('button', { name: 'Insert SharePoint List' }).click();
    const settings = alice.frameLocator('iframe[title="SharePoint List settings"]');
    // She consented in Jira already, so Microsoft asks only which account.
    const tab = await continueToSite(alice, () => settings.getByRole('button', { name: 'Connect Microsoft 365' }).click());
    await tab.getByRole('button', { name: 'alice@contoso.com' }).click();
    await tab.waitForLoadState();
    await tab.close();
    await settings.getByText('Signed in as Alice Adams').waitFor();
    await settings.getByLabel('SharePoint address').fill(TASKS_URL);
    await settings.getByRole('button', { name: 'Find' }).click();
    await settings.getByRole('group', { name: 'Columns to show' }).waitFor();
    await Promise.all([alice.waitForEvent('load'), settings.getByRole('button', { name: 'Save' }).click()]);
    const viewer = await newPage();
    await viewer.goto(`${host.origin}${PAGE}?as=alice`);
    const macro = viewer.frameLocator('iframe[title="SharePoint List"]');
    await macro.getByRole('table').waitFor();

    const setSharePoint = async (on: boolean) => {
      const f = await openAdmin(alice, confluenceAdmin());
      const features = card(f, 'Features');
      const toggle = features.getByRole('switch', { name: 'SharePoint List and Document macros' });
      await toggle.setChecked(on);
      await features.getByRole('button', { name: 'Save' }).click();
      await features.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      await alice.reload();
      expect(await adminFrame(alice).getByRole('switch', { name: 'SharePoint List and Document macros' }).isChecked()).toBe(on);
    };

    await setSharePoint(false);
    const before = await graphRequests();
    await viewer.reload();
    await macro.getByText('turned off by your admin').waitFor();
    expect(await macro.getByRole('table').count()).toBe(0);
    expect(await graphRequests()).toBe(before);

    await setSharePoint(true);
    await viewer.reload();
    await macro.getByRole('table').waitFor();
  });

  it('with SharePoint restricted to fabrikam, the SharePoint List settings refuse a contoso address without asking Graph', async () => {
    const f = await openAdmin(alice, confluenceAdmin());
    const sites = card(f, 'SharePoint sites');
    await sites.getByRole('radio', { name: 'Only these tenants' }).check();
    // Nothing typed yet: Save says what is missing instead of staying greyed out.
    await sites.getByRole('button', { name: 'Save' }).click();
    await sites.getByText('List at least one tenant').waitFor();
    // A typo with a space is pointed out, not saved as two tenants; what was typed stays.
    await sites.getByLabel('Tenants, one per line').fill('fab rikam');
    await sites.getByRole('button', { name: 'Save' }).click();
    await sites.getByText('“fab rikam” is not one tenant').waitFor();
    expect(await sites.getByLabel('Tenants, one per line').inputValue()).toBe('fab rikam');
    await sites.getByLabel('Tenants, one per line').fill('fabrikam');
    await sites.getByRole('button', { name: 'Save' }).click();
    await sites.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    await alice.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
    await alice.getByRole('button', { name: 'Insert SharePoint List' }).click();
    const settings = alice.frameLocator('iframe[title="SharePoint List settings"]');
    await settings.getByText('Signed in as Alice Adams').waitFor();
    const before = await graphRequests();
    await settings.getByLabel('SharePoint address').fill(TASKS_URL);
    await settings.getByRole('button', { name: 'Find' }).click();
    const refusal = settings.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/contoso/i);
    expect(await refusal.textContent()).toMatch(/admin/i);
    expect(await settings.getByRole('group', { name: 'Columns to show' }).count()).toBe(0);
    expect(await graphRequests()).toBe(before);

    // Back to any tenant, as the other tests expect.
    const g = await openAdmin(alice, confluenceAdmin());
    await card(g, 'SharePoint sites').getByRole('radio', { name: 'Any SharePoint Online tenant' }).check();
    await card(g, 'SharePoint sites').getByRole('button', { name: 'Save' }).click();
    await card(g, 'SharePoint sites').getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  });

  it('Bob reads and downloads what the app stores about him, then deletes it and is shown as not connected', async () => {
    const bob = await newPage();
    await bob.goto(`${host.origin}${ISSUE}?as=bob`);
    const panel = bob.frameLocator('iframe[title="Microsoft 365"]');
    await connectInNewTab(bob, panel, 'bob@contoso.com');
    await panel.getByText('Signed in as Bob Brown').waitFor();
    expect((await storage()).secretKeys).toContain(`ms-connection:${BOB_ID}`);

    const disclosure = panel.getByRole('button', { name: 'Your data in this app' });
    await disclosure.click();
    expect(await disclosure.getAttribute('aria-expanded')).toBe('true');
    const list = panel.getByRole('list', { name: 'Records the app stores about you' });
    await list.waitFor();
    // Plain words: the kind of record and how many, never a storage key (the download has those).
    expect(await list.getByRole('listitem').filter({ hasText: 'Microsoft 365 connections' }).textContent()).toContain('1 record');
    expect(await list.textContent()).not.toContain('ms-connection:');
    // What the browser tab keeps, outside the app's storage, is said too.
    await panel.getByText('This browser tab also keeps your Microsoft 365 access token and, for SharePoint lists and documents you viewed').waitFor();

    const [download] = await Promise.all([bob.waitForEvent('download'), panel.getByRole('link', { name: 'Download (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as { accountId: string; records: Array<{ key: string }> };
    expect(exported.accountId).toBe(BOB_ID);
    expect(exported.records.map((r) => r.key)).toContain(`ms-connection:${BOB_ID}`);
    expect(JSON.stringify(exported)).not.toMatch(/eyJ|refresh_?token"\s*:\s*"[^"]/i);

    await panel.getByRole('button', { name: 'Delete all my data' }).click();
    const dialog = panel.getByRole('dialog', { name: 'Delete all your data in this app?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete all my data' }).click();
    await panel.getByText(/^Deleted \d+ records?\. The app stores nothing about you now\.$/).waitFor();
    await panel.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();

    const after = await storage();
    expect([...after.keys, ...after.secretKeys].filter((k) => k.includes(BOB_ID))).toEqual([]);
    // Alice's records are hers and stay.
    expect(after.secretKeys.some((k) => k.startsWith('ms-connection:') && !k.includes(BOB_ID))).toBe(true);
  });
});
