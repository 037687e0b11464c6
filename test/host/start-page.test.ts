import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host';

/** The local host's start page: what a first visitor can do in the first minute. */
describe('the start page', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  }, 120_000);
  afterAll(() => host?.stop());

  const startPage = async (as: string) => {
    const res = await fetch(`${host.origin}/?as=${as}`);
    expect(res.status).toBe(200);
    return res.text();
  };

  it('lists the demo accounts with the way to switch to each', async () => {
    const page = await startPage('alice');
    expect(page).toContain('<h2>Demo accounts</h2>');
    for (const [name, mail, key] of [['Alice Adams', 'alice@contoso.com', 'alice'], ['Bob Brown', 'bob@contoso.com', 'bob'], ['Carol Chen', 'carol@contoso.com', 'carol'], ['Gina Guest', 'gina@fabrikam.com', 'gina']]) {
      expect(page).toMatch(new RegExp(`<tr><td>${name}[^<]*</td><td>${mail}</td><td><a href="/\\?as=${key}">\\?as=${key}</a></td></tr>`));
    }
  });

  it('says what to try: DEMO-1, editing page 65601 to insert a macro, addresses to paste, the 10,000-item list, ?as=gina', async () => {
    const page = await startPage('alice');
    expect(page).toContain('<a href="/browse/DEMO-1">Open DEMO-1</a>');
    expect(page).toMatch(/<a href="\/wiki\/spaces\/DEMO\/pages\/65601\?mode=edit">Edit the page “Project Phoenix — team hub”<\/a> and insert a macro \([^)]*SharePoint[^)]*\)/);
    expect(page).toContain('<code>https://contoso.sharepoint.com/sites/phoenix/Lists/Tasks/AllItems.aspx</code>');
    expect(page).toContain('<code>https://contoso.sharepoint.com/sites/phoenix/Lists/BigList/AllItems.aspx</code> — the 10,000-item list');
    expect(page).toContain('<code>https://contoso.sharepoint.com/sites/phoenix/Shared Documents/Specs/Vendor contract.pdf</code>');
    expect(page).toContain('<code>?as=gina</code>');
  });

  it('offers an anonymous visitor nothing it may not open', async () => {
    const page = await startPage('anonymous');
    expect(page).toContain('<h2>Try this</h2>');
    expect(page).not.toContain('/browse/DEMO-1');
    expect(page).not.toContain('/pages/65601');
  });

  it('"Open in SharePoint" reaches the emulator\'s SharePoint page: the page maps the production host to its local origin, which answers', async () => {
    const page = await startPage('alice');
    const attr = /data-microsoft-hosts="([^"]*)"/.exec(page)?.[1] ?? '';
    const hosts = JSON.parse(attr.replaceAll('&quot;', '"').replaceAll('&#34;', '"')) as Record<string, string>;
    const local = hosts['https://contoso.sharepoint.com'];
    expect(local).toBe(host.microsoftOrigins.sharePoint['contoso.sharepoint.com']);
    for (const path of ['/sites/phoenix/Lists/Tasks', '/sites/phoenix/Shared%20Documents/Specs', '/sites/phoenix/_layouts/15/Doc.aspx?sourcedoc=%7B00000000-0000-0000-0000-000000000000%7D&action=default']) {
      const res = await fetch(`${local}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const text = await res.text();
      expect(text).toContain('<h1>SharePoint (emulated)</h1>');
      // A browser the emulator has not signed in to SharePoint sees no content: not even the site's name.
      expect(text).not.toContain('Project Phoenix');
    }
  });
});
