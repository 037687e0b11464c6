import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page, Request } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { connectInNewTab as signInInNewTab } from '../support/microsoft';

// The SharePoint List macro, driven through the host's Confluence editor and viewed by several people.
// The tests run in order: the first one inserts the macros the later ones view.

const PAGE = '/wiki/spaces/DEMO/pages/65601';
const PUBLIC_PAGE = '/wiki/spaces/PUBSPACE/pages/65602'; // open to anonymous visitors
const TASKS_URL = 'https://contoso.sharepoint.com/sites/phoenix/Lists/Tasks/AllItems.aspx';
const DOCS_URL = 'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Forms/AllItems.aspx';
const BIG_URL = 'https://contoso.sharepoint.com/sites/phoenix/Lists/BigList/AllItems.aspx';
const SPECS_URL = 'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Specs';
const ALICE_ONLY = 'Negotiate supplier contract'; // Tasks #3
const BOB_ONLY = 'Bob\'s onboarding checklist'; // Tasks #9
const HOSTILE = [
  { url: 'http://contoso.sharepoint.com/sites/phoenix', says: 'Only secure addresses (https://)' },
  { url: 'https://10.0.0.7/sites/phoenix/Lists/Tasks', says: 'not an IP address' },
  { url: 'https://contoso.sharepoint.com@evil.example/sites/phoenix', says: 'contains a user name or “@”' },
  { url: 'https://evil.example/sites/phoenix/Lists/Tasks', says: 'is not a SharePoint Online address' },
  { url: 'javascript:fetch("https://evil.example/x")', says: '“javascript:” addresses can’t be used' },
  { url: 'https://contoso.sharepoint.com.evil.example/sites/phoenix', says: 'is not a SharePoint Online address' },
];

describe('SharePoint List macro (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const state = async () => (await fetch(`${host.origin}/__emulator/state`)).json();
  const faults = (graph: unknown) => fetch(`${host.origin}/__emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ graph }) });
  const newPage = async (b: Browser = browser) => {
    const context = await b.newContext();
    contexts.push(context);
    return context.newPage();
  };
  const macro = (p: Page, n = 0): FrameLocator => p.locator('iframe[title="SharePoint List"]').nth(n).contentFrame();
  const settings = (p: Page): FrameLocator => p.frameLocator('iframe[title="SharePoint List settings"]');
  /** Waits until no person cell is still waiting for its name. */
  const named = (f: FrameLocator) => f.locator('tbody').getByText('Loading name').first().waitFor({ state: 'detached' });
  const rowTitles = async (f: FrameLocator) => (await f.locator('tbody tr td:first-child').allTextContents()).map((t) => t.trim());

  async function insertMacro(p: Page, url: string, pick: (f: FrameLocator) => Promise<void>) {
    await p.getByRole('button', { name: 'Insert SharePoint List' }).click();
    const f = settings(p);
    await f.getByText('Signed in as').waitFor();
    await f.getByLabel('SharePoint address').fill(url);
    await f.getByRole('button', { name: 'Find' }).click();
    await f.getByRole('group', { name: 'Columns to show' }).waitFor();
    await pick(f);
    await Promise.all([p.waitForEvent('load'), f.getByRole('button', { name: 'Save' }).click()]);
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

  it('an editor connects in the dialog, is refused hostile addresses without a request, then configures Tasks', async () => {
    alice = await newPage();
    const requested: string[] = [];
    alice.context().on('request', (r) => requested.push(r.url()));
    await alice.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
    await alice.getByRole('button', { name: 'Insert SharePoint List' }).click();
    const f = settings(alice);
    await signInInNewTab(alice, f, 'alice@contoso.com');
    await f.getByText('Signed in as Alice Adams').waitFor();

    const before = (await state()).stats.microsoft.graphRequests;
    const seenBefore = requested.length;
    for (const h of HOSTILE) {
      await f.getByLabel('SharePoint address').fill(h.url);
      await f.getByRole('button', { name: 'Find' }).click();
      expect(await f.getByRole('alert').textContent()).toContain(h.says);
    }
    expect((await state()).stats.microsoft.graphRequests).toBe(before);
    const during = requested.slice(seenBefore);
    expect(during.filter((u) => /evil\.example|10\.0\.0\.7|contoso\.sharepoint\.com/.test(new URL(u).host))).toEqual([]);
    expect(requested.some((u) => u.includes('evil.example') || u.includes('10.0.0.7'))).toBe(false);

    await f.getByLabel('SharePoint address').fill(TASKS_URL);
    await f.getByRole('button', { name: 'Find' }).click();
    await f.getByRole('group', { name: 'Columns to show' }).waitFor();
    expect(await f.getByLabel('List or library in Project Phoenix').inputValue()).toBe('22222222-aaaa-4bbb-8ccc-000000000002');
    // Defaults are preselected; the editor adds Status and Assigned to, drops Budget and Modified.
    expect(await f.getByRole('checkbox', { name: 'Title', exact: true }).isChecked()).toBe(true);
    await f.getByRole('checkbox', { name: 'Status', exact: true }).check();
    await f.getByRole('checkbox', { name: 'Assigned to' }).check();
    await f.getByRole('checkbox', { name: 'Budget', exact: true }).uncheck();
    await f.getByRole('checkbox', { name: 'Modified', exact: true }).uncheck();
    await f.getByLabel('Rows per page').selectOption('10');
    await Promise.all([alice.waitForEvent('load'), f.getByRole('button', { name: 'Save' }).click()]);

    // The page reloads with the macro; its stored settings are ids only: no list name, no address, never a token,
    // and columns by internal name — their display names ("Due date", "Assigned to") come from Graph at view time.
    const stored = JSON.parse((await alice.locator('.macro').first().getAttribute('data-config')) ?? '{}');
    expect(stored).toMatchObject({ version: 3, listId: '22222222-aaaa-4bbb-8ccc-000000000002', kind: 'list', pageSize: 10 });
    expect(JSON.stringify(stored)).not.toMatch(/Tasks|Phoenix|https:|Due date|Assigned to|Modified By|displayName/);
    expect(stored.columns.map((c: { name: string }) => c.name)).toEqual(['Title', 'Priority', 'DueDate', 'Status', 'AssignedTo', 'Editor']);
    expect(JSON.stringify(stored)).not.toMatch(/token|eyJ|Bearer/i);

    const m = macro(alice);
    await m.getByRole('table').waitFor();
    // Sortable headers carry a ↕ / ▲ / ▼ mark (hidden from screen readers, which read aria-sort).
    expect((await m.getByRole('columnheader').allTextContents()).map((t) => t.replace(/[↕▲▼]/g, '').trim())).toEqual(['Title', 'Priority', 'Due date', 'Status', 'Assigned to', 'Modified By', 'Links']);
    expect(await rowTitles(m)).toContain(ALICE_ONLY);
    expect(await m.getByRole('link', { name: /^Open in SharePoint: Set up the Phoenix repository$/ }).getAttribute('href')).toBe('https://contoso.sharepoint.com/sites/phoenix/Lists/Tasks/1_.000');
    // Cells as SharePoint shows them: a date-only column, a person, a choice.
    const first = m.getByRole('row').nth(1);
    expect(await first.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['1/15/2024', 'Done']));
  });

  it('a person column shows names where Graph gives only ids: one $batch for the page, after the rows, never an id', async () => {
    const peopleBatches: string[][] = [];
    const order: string[] = [];
    const onRequest = (r: Request) => {
      if (!r.url().endsWith('/$batch')) return;
      const body = JSON.parse(r.postData() ?? '{}') as { requests?: Array<{ id: string; url: string }> };
      const parts = body.requests ?? [];
      if (parts.some((q) => q.url.includes('/lists/User%20Information%20List/items/'))) {
        expect(parts.every((q) => q.url.includes('/lists/User%20Information%20List/items/'))).toBe(true);
        peopleBatches.push(parts.map((q) => q.id));
        order.push('people');
      } else order.push('rows');
    };
    alice.on('request', onRequest);
    try {
      await alice.reload();
      const m = macro(alice);
      await m.getByRole('table').waitFor();
      const assigned = async () => (await m.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelectorAll('td')[4]?.textContent?.trim() ?? '')));
      // Names fill in after the rows: no cell is left waiting.
      await named(m);
      const page1 = await assigned();
      expect(page1).toEqual(expect.arrayContaining(['Bob Brown', 'Carol Chen']));
      expect(page1.filter((t) => t !== '').every((t) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(t))).toBe(true);
      // The rows came first (the first paint's batch), then exactly one batch of people for the page.
      expect(order).toEqual(['rows', 'people']);
      expect(peopleBatches).toHaveLength(1);
      expect(peopleBatches[0]?.length).toBeLessThanOrEqual(20);
      expect(new Set(peopleBatches[0]).size).toBe(peopleBatches[0]?.length);

      // The next page asks only for people this frame has not met yet: at most one batch, never an id twice.
      await m.getByRole('button', { name: 'Next' }).click();
      await m.getByText('Page 2').waitFor();
      await m.locator('tbody[aria-busy="false"]').waitFor();
      await named(m);
      const page2 = await assigned();
      expect(page2.filter((t) => t !== '').length).toBeGreaterThan(0);
      expect(page2.join(' ')).not.toMatch(/\d/);
      expect(peopleBatches.length).toBeLessThanOrEqual(2);
      const asked = peopleBatches.flat();
      expect(new Set(asked).size).toBe(asked.length);
    } finally {
      alice.off('request', onRequest);
    }
  });

  it('cold and warm first paint: one Graph round trip; the token resolver only without a session token', async () => {
    const s0 = await state();
    await alice.reload();
    await macro(alice).getByRole('table').waitFor();
    await named(macro(alice));
    const s1 = await state();
    // This Chromium blocks third-party storage: the token lives in the iframe's memory, so each load is cold.
    // Two resolver calls, side by side: the token, and the admin's settings (switch, tenants). Two Graph
    // round trips: the first paint's batch, then — after the rows painted — one batch naming the people the
    // page knows only by id (the test above).
    expect(s1.stats.microsoft.graphRequests - s0.stats.microsoft.graphRequests).toBe(2);
    expect(s1.stats.host.resolverInvocations - s0.stats.host.resolverInvocations).toBe(2);

    const permissive = await launchChromium({ thirdPartyStorage: true });
    try {
      const p = await (await permissive.newContext()).newPage();
      await p.goto(`${host.origin}${PAGE}?as=alice`);
      await macro(p).getByRole('table').waitFor();
      await named(macro(p));
      const s2 = await state();
      await p.reload();
      await macro(p).getByRole('table').waitFor();
      await named(macro(p));
      const s3 = await state();
      // Warm: no token call; only the settings, asked alongside the first Graph request. The people lookup
      // is cached per frame, so a reload asks once again.
      expect(s3.stats.microsoft.graphRequests - s2.stats.microsoft.graphRequests).toBe(2);
      expect(s3.stats.host.resolverInvocations - s2.stats.host.resolverInvocations).toBe(1);
    } finally {
      await permissive.close();
    }
  });

  it('a reload shows the rows this viewer last saw, every person named, until the fresh rows replace them', async () => {
    const permissive = await launchChromium({ thirdPartyStorage: true });
    try {
      const context = await permissive.newContext();
      const p = await context.newPage();
      await p.goto(`${host.origin}${PAGE}?as=alice`);
      const m = macro(p);
      await m.locator('#root').getByRole('table').waitFor();
      await named(m);
      const fresh = await rowTitles(m);
      const frame = () => p.frames().find((f) => f.url().includes('/__cdn/sp-list/'));
      const stored = async () => (await frame()?.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('m365.copy.')).map((k) => sessionStorage.getItem(k) ?? ''))) ?? [];
      await expect.poll(stored).toHaveLength(1);
      expect((await stored())[0]).not.toContain('Loading name');

      // The next first page held back: meanwhile the copy shows the same rows, people named, and cannot be used.
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => { release = r; });
      await context.route(/\/graph\/v1\.0\/\$batch$/, async (route) => {
        await held;
        await route.continue();
      });
      await p.reload();
      const copy = m.locator('[data-tab-copy]');
      await copy.locator('tbody tr').first().waitFor();
      expect((await copy.locator('tbody tr td:first-child').allTextContents()).map((t) => t.trim())).toEqual(fresh);
      expect(await copy.getByText('Loading name').count()).toBe(0);
      expect(await copy.evaluate((e) => (e as HTMLElement).inert)).toBe(true);
      expect(await copy.getAttribute('aria-busy')).toBe('true');
      expect(await m.locator('#root').isHidden()).toBe(true);
      release();
      await m.locator('#root').getByRole('table').waitFor();
      expect(await m.locator('[data-tab-copy]').count()).toBe(0);
      expect(await rowTitles(m)).toEqual(fresh);
      // The fresh table is the working one: a header sorts it.
      await m.getByRole('button', { name: 'Title' }).click();
      await m.getByRole('columnheader', { name: 'Title' }).and(m.locator('[aria-sort="ascending"]')).waitFor();
    } finally {
      await permissive.close();
    }
  });

  it('sorts by a header, searches, and pages without loading the whole list', async () => {
    const m = macro(alice);
    await m.getByRole('table').waitFor();
    expect(await rowTitles(m)).toHaveLength(10);
    await m.getByRole('button', { name: 'Title' }).click();
    await m.getByRole('columnheader', { name: 'Title' }).and(m.locator('[aria-sort="ascending"]')).waitFor();
    await m.locator('tbody[aria-busy="false"]').waitFor();
    const sorted = await rowTitles(m);
    expect(sorted).toEqual([...sorted].sort((a, b) => a.localeCompare(b)));

    await m.getByRole('button', { name: 'Next' }).click();
    await m.getByText('Page 2').waitFor();
    await m.locator('tbody[aria-busy="false"]').waitFor();
    const page2 = await rowTitles(m);
    expect(page2).toHaveLength(10);
    expect(page2.some((t) => sorted.includes(t))).toBe(false);
    await m.getByRole('button', { name: 'Previous' }).click();
    await m.getByText('Page 1').waitFor();

    await m.getByRole('searchbox', { name: 'Search Tasks' }).fill('Prepare');
    await m.getByRole('searchbox', { name: 'Search Tasks' }).press('Enter');
    await m.getByText('Prepare the beta test plan').waitFor();
    await m.locator('tbody[aria-busy="false"]').waitFor();
    const found = await rowTitles(m);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((t) => t.startsWith('Prepare'))).toBe(true);
  });

  it('shows "Retrying…" while SharePoint throttles, then the rows', async () => {
    await faults({ failNext: [{ status: 429, retryAfterSeconds: 2 }] });
    await alice.reload();
    const m = macro(alice);
    await m.getByText(/^Retrying…/).waitFor();
    // The macro keeps a title while busy (Graph has not named the list to this viewer yet).
    expect(await m.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['SharePoint list']);
    await m.getByRole('table').waitFor();
    expect(await m.getByText(/^Retrying…/).count()).toBe(0);
  });

  it('two viewers with different SharePoint rights see different rows', async () => {
    const bob = await newPage();
    await bob.goto(`${host.origin}${PAGE}?as=bob`);
    const m = macro(bob);
    // Before Graph has answered with her own token, the macro names no list (the page stores ids only).
    await m.getByText('Sign in to Microsoft 365 to see this list.').waitFor();
    await signInInNewTab(bob, m, 'bob@contoso.com');
    await m.getByRole('table').waitFor();
    const bobRows = await rowTitles(m);
    expect(bobRows).toContain(BOB_ONLY);
    expect(bobRows).not.toContain(ALICE_ONLY);

    await alice.reload();
    const aliceRows = await rowTitles((await macro(alice).getByRole('table').waitFor(), macro(alice)));
    expect(aliceRows).toContain(ALICE_ONLY);
    expect(aliceRows).not.toContain(BOB_ONLY);
  });

  it('a viewer not connected to Microsoft 365 gets the Connect prompt, and the page is otherwise unaffected', async () => {
    const carol = await newPage();
    await carol.goto(`${host.origin}${PAGE}?as=carol`);
    const m = macro(carol);
    await m.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    expect(await m.getByRole('table').count()).toBe(0);
    expect(await carol.getByRole('heading', { level: 1 }).textContent()).toBeTruthy();
  });

  it('editing the macro starts from its stored settings', async () => {
    await alice.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
    await alice.getByRole('button', { name: 'Edit SharePoint List' }).first().click();
    const f = settings(alice);
    await f.getByRole('group', { name: 'Columns to show' }).waitFor();
    expect(await f.getByLabel('List or library in Project Phoenix').inputValue()).toBe('22222222-aaaa-4bbb-8ccc-000000000002');
    expect(await f.getByRole('checkbox', { name: 'Status', exact: true }).isChecked()).toBe(true);
    expect(await f.getByRole('checkbox', { name: 'Budget', exact: true }).isChecked()).toBe(false);
    expect(await f.getByLabel('Rows per page').inputValue()).toBe('10');
    await f.getByRole('button', { name: 'Cancel' }).click();
  });

  it('an anonymous visitor sees no SharePoint List (the macro declares no unlicensedAccess), and nothing is requested from Graph', async () => {
    // The DEMO space is closed to anonymous visitors (they get "Page not found"): the same list goes on the public page 65602.
    // Read as HTML, not in a browser, so no frame of Alice's asks Graph anything while the visitor is counted.
    const asAlice = async (path: string) => (await fetch(`${host.origin}${path}`, { headers: { cookie: 'forge_local_as=alice' } })).text();
    const attr = /data-config="([^"]*)"/.exec(await asAlice(PAGE))?.[1] ?? 'null';
    const config = JSON.parse(attr.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as Record<string, unknown>;
    const placed = await fetch(`${host.origin}/__host/pages/65602/macros`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'forge_local_as=alice' }, body: JSON.stringify({ moduleKey: 'sharepoint-list', localId: 'public-list', config }) });
    expect(placed.status).toBe(200);
    expect(await asAlice(PUBLIC_PAGE)).toContain('title="SharePoint List"');
    const before = (await state()).stats.microsoft.graphRequests;
    const anon = await newPage();
    await anon.goto(`${host.origin}${PUBLIC_PAGE}?as=anonymous`);
    await anon.locator('.page-body').waitFor();
    expect(await anon.locator('iframe[title="SharePoint List"]').count()).toBe(0);
    expect((await state()).stats.microsoft.graphRequests).toBe(before);
  });

  it('an admin turns the macros off: the view and the dialog say so and ask Graph nothing; restricted tenants refuse Contoso; on again restores', async () => {
    const admin = (patch: unknown) => host.asUser('alice').invoke('m365-confluence-admin', 'admin/settings/save', patch);
    const graphCount = async () => (await state()).stats.microsoft.graphRequests;
    expect((await admin({ features: { sharepoint: false } })).value).toMatchObject({ ok: true });
    try {
      const before = await graphCount();
      await alice.goto(`${host.origin}${PAGE}?as=alice`);
      await macro(alice).getByText('SharePoint macros were turned off by your admin.').waitFor();
      await alice.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
      await alice.getByRole('button', { name: 'Edit SharePoint List' }).first().click();
      await settings(alice).getByText('SharePoint macros were turned off by your admin.').waitFor();
      expect(await settings(alice).getByRole('button').count()).toBe(0);
      expect(await graphCount()).toBe(before);

      expect((await admin({ features: { sharepoint: true }, sharePointTenants: ['fabrikam'] })).value).toMatchObject({ ok: true });
      await alice.goto(`${host.origin}${PAGE}?as=alice`);
      await macro(alice).getByText('Your admin allows SharePoint sites of fabrikam only.').waitFor();
      await alice.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
      await alice.getByRole('button', { name: 'Insert SharePoint List' }).click();
      const f = settings(alice);
      await f.getByText('Signed in as').waitFor();
      const pasted = await graphCount();
      await f.getByLabel('SharePoint address').fill(TASKS_URL);
      await f.getByRole('button', { name: 'Find' }).click();
      expect(await f.getByRole('alert').textContent()).toContain('Your admin allows SharePoint sites of fabrikam only.');
      expect(await graphCount()).toBe(pasted);
    } finally {
      await admin({ features: { sharepoint: true }, sharePointTenants: [] });
    }
    await alice.goto(`${host.origin}${PAGE}?as=alice`);
    await macro(alice).getByRole('table').waitFor();
  });

  it('a library: file icons, folder navigation with breadcrumbs, and only what the viewer may see', async () => {
    await alice.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
    await insertMacro(alice, DOCS_URL, async (f) => {
      expect(await f.getByRole('checkbox', { name: 'Name', exact: true }).isChecked()).toBe(true);
    });
    const m = macro(alice, 1);
    await m.getByRole('table').waitFor();
    expect(await m.getByRole('navigation', { name: 'Folders' }).textContent()).toBe('Documents');
    await m.getByRole('button', { name: 'HR' }).waitFor();
    expect(await m.getByRole('row', { name: /Project charter\.docx/ }).getByRole('img', { name: 'Word document' }).count()).toBe(1);
    expect(await m.getByRole('row', { name: /Finance/ }).getByRole('img', { name: 'Folder' }).count()).toBe(1);
    expect(await m.getByRole('link', { name: 'Project charter.docx', exact: true }).count()).toBe(1);
    expect(await m.getByText('Bob\'s notes.txt').count()).toBe(0);

    await m.getByRole('button', { name: 'Finance' }).click();
    await m.getByRole('navigation', { name: 'Folders' }).getByText('Finance').waitFor();
    await m.getByText('Budget 2025.xlsx').waitFor();
    expect(await m.getByRole('img', { name: 'Excel workbook' }).count()).toBe(1);
    expect(await m.getByRole('link', { name: /^Open in Excel for the web: Budget 2025\.xlsx$/ }).count()).toBe(1);
    await m.getByRole('button', { name: 'Invoices' }).click();
    await m.getByText('Invoice 2024-118.pdf').waitFor();
    expect(await m.getByRole('navigation', { name: 'Folders' }).getByRole('listitem').allTextContents()).toEqual(['Documents', 'Finance', 'Invoices']);
    await m.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: 'Documents' }).click();
    await m.getByRole('button', { name: 'HR' }).waitFor();
  });

  it('the 10,000-item list: “Record 05000” is found with Microsoft Search, and sorting covers the whole list by its indexed column', async () => {
    await alice.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
    await insertMacro(alice, BIG_URL, async (f) => {
      await f.getByRole('checkbox', { name: 'Category', exact: true }).check();
    });
    const m = macro(alice, 2);
    await m.getByRole('table').waitFor();
    await m.getByText(/This list has more than 5,000 items/).waitFor();
    // Title is not indexed: its header offers no sorting; Category is, and says it can be sorted.
    expect(await m.getByRole('columnheader', { name: 'Title' }).getAttribute('aria-sort')).toBeNull();
    expect(await m.getByRole('columnheader', { name: /Category/ }).getAttribute('aria-sort')).toBe('none');
    const category = async () => (await m.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelectorAll('td')[1]?.textContent ?? '')));
    // By keyboard, as a keyboard user sorts (a click sometimes waited 30 s for the frame, four macros tall, to hold still).
    await m.getByRole('button', { name: 'Category' }).press('Enter');
    await m.getByRole('columnheader', { name: /Category/ }).and(m.locator('[aria-sort="ascending"]')).waitFor();
    await m.locator('tbody[aria-busy="false"]').waitFor();
    await m.getByRole('button', { name: 'Category' }).press('Enter');
    await m.getByRole('columnheader', { name: /Category/ }).and(m.locator('[aria-sort="descending"]')).waitFor();
    await m.locator('tbody[aria-busy="false"]').waitFor();
    // Descending over all 10,000 records: the first page is all the last category (page sorting would show a mix).
    expect(new Set(await category())).toEqual(new Set(['Travel']));

    await m.getByRole('searchbox', { name: 'Search Big list' }).fill('Record 05000');
    await m.getByRole('searchbox', { name: 'Search Big list' }).press('Enter');
    await m.getByRole('cell', { name: 'Record 05000', exact: true }).waitFor();
    expect(await rowTitles(m)).toEqual(['Record 05000']);
    // One page: no Previous/Next, and SharePoint's count.
    expect(await m.getByRole('navigation', { name: 'Pages' }).count()).toBe(0);
    await m.getByText('1–1 of 1').waitFor();
  });

  it('a library macro started in the Specs folder: stored by id (a guest finds no “Specs” in the page), and its search stays inside the folder', async () => {
    await alice.goto(`${host.origin}${PAGE}?mode=edit&as=alice`);
    await insertMacro(alice, SPECS_URL, async (f) => {
      await f.getByText('Starts in the folder “Specs”.').waitFor();
    });
    const m = macro(alice, 3);
    await m.getByRole('table').waitFor();
    expect(await m.getByRole('navigation', { name: 'Folders' }).textContent()).toBe('Specs');
    await m.getByText('API design.docx').waitFor();

    await m.getByRole('searchbox', { name: 'Search Documents' }).fill('design');
    await m.getByRole('searchbox', { name: 'Search Documents' }).press('Enter');
    await m.locator('tbody[aria-busy="false"]').waitFor();
    await m.getByRole('link', { name: 'API design.docx', exact: true }).waitFor();
    // A match outside the folder is left out (Invoices, in Finance).
    await m.getByRole('searchbox', { name: 'Search Documents' }).fill('invoice');
    await m.getByRole('searchbox', { name: 'Search Documents' }).press('Enter');
    await m.getByText('Nothing matches “invoice”.').waitFor();

    // What the page stores, read as the guest Gina: ids only, no folder, list or file name.
    const gina = await newPage();
    await gina.goto(`${host.origin}${PAGE}?as=gina`);
    await gina.locator('.page-body').waitFor();
    const configs = await gina.locator('.macro').evaluateAll((els) => els.map((e) => e.getAttribute('data-config') ?? ''));
    expect(configs.length).toBeGreaterThanOrEqual(4);
    for (const c of configs) expect(c).not.toMatch(/Specs|Documents|Tasks|Big list|sharepoint\.com\/sites/);
  });

  it('at 390 px wide the table scrolls inside its frame instead of being cut off', async () => {
    await alice.setViewportSize({ width: 390, height: 800 });
    await alice.goto(`${host.origin}${PAGE}?as=alice`);
    const m = macro(alice);
    await m.getByRole('table').waitFor();
    const frame = await m.locator('.sp-table-frame').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflow: getComputedStyle(el).overflowX }));
    expect(frame.overflow).toBe('auto');
    expect(frame.scroll).toBeGreaterThan(frame.client);
    // Columns keep room for their words: no header runs into the next, no column squeezed to a few letters.
    const headers = await m.getByRole('columnheader').evaluateAll((ths) => ths.map((th) => ({ width: th.getBoundingClientRect().width, overflows: th.scrollWidth > th.clientWidth + 1 })));
    expect(headers.filter((h) => h.overflows)).toEqual([]);
    expect(Math.min(...headers.map((h) => h.width))).toBeGreaterThanOrEqual(100);
    await alice.setViewportSize({ width: 1280, height: 800 });
  });
});
