import { describe, expect, it } from 'vitest';
import { findHintedList, parseSharePointUrl, pickCandidate, type SharePointLocation } from '../../../src/core/sharepoint/url';

const policy = { allowedHosts: ['intranet.contoso.com'] };
const parse = (u: string) => parseSharePointUrl(u, policy);

function path(u: string) {
  const r = parse(u);
  if (!r.ok) throw new Error(`expected ${u} to parse, got ${r.error.code}: ${r.error.message}`);
  if (r.value.type !== 'path') throw new Error('expected a path location');
  return r.value;
}
const only = (u: string) => {
  const loc = path(u);
  expect(loc.candidates).toHaveLength(1);
  return loc.candidates[0]!;
};
/** Which check refused the address (every refusal is a BAD_REQUEST of the one vocabulary). */
const code = (u: string) => {
  const r = parse(u);
  if (!r.ok) expect(r.error.code).toBe('BAD_REQUEST');
  return r.ok ? 'OK' : r.error.reason;
};

describe('parseSharePointUrl refuses hostile or unusable input', () => {
  it.each([
    ['http://contoso.sharepoint.com/sites/x', 'not_https'],
    ['HTTP://contoso.sharepoint.com/sites/x', 'not_https'],
    ['javascript:alert(1)//contoso.sharepoint.com', 'unsupported_scheme'],
    ['JaVaScRiPt:alert(1)', 'unsupported_scheme'],
    ['data:text/html,<script>alert(1)</script>', 'unsupported_scheme'],
    ['file:///etc/passwd', 'unsupported_scheme'],
    ['ftp://contoso.sharepoint.com/', 'unsupported_scheme'],
    ['contoso.sharepoint.com/sites/x', 'invalid_url'],
    ['//contoso.sharepoint.com/sites/x', 'invalid_url'],
    ['https:contoso.sharepoint.com/sites/x', 'invalid_url'],
    ['https:///contoso.sharepoint.com/sites/x', 'invalid_url'],
    ['https:/\\contoso.sharepoint.com/sites/x', 'invalid_url'],
    ['https://contoso.sharepoint.com@evil.com/sites/x', 'credentials_in_url'],
    ['https://evil.com\\@contoso.sharepoint.com/sites/x', 'credentials_in_url'],
    ['https://user:pw@contoso.sharepoint.com/sites/x', 'credentials_in_url'],
    ['https://user@contoso.sharepoint.com/sites/x', 'credentials_in_url'],
    ['https://contoso.sharepoint.com/sites/x\\..\\y', 'invalid_url'],
    ['https://127.0.0.1/sites/x', 'ip_address'],
    ['https://2130706433/sites/x', 'ip_address'],
    ['https://0x7f000001/sites/x', 'ip_address'],
    ['https://0x7f.1/sites/x', 'ip_address'],
    ['https://017700000001/sites/x', 'ip_address'],
    ['https://[::1]/sites/x', 'ip_address'],
    ['https://[::ffff:127.0.0.1]/', 'ip_address'],
    ['https://contoso.sharepoint.com:8443/sites/x', 'port_not_allowed'],
    ['https://contoso.sharepoint.com:80/sites/x', 'port_not_allowed'],
    ['https://contoso.sharepoint.com.evil.com/sites/x', 'host_not_allowed'],
    ['https://evilsharepoint.com/sites/x', 'host_not_allowed'],
    ['https://sharepoint.com/sites/x', 'host_not_allowed'],
    ['https://www.sharepoint.com/', 'host_not_allowed'],
    ['https://a.b.sharepoint.com/sites/x', 'host_not_allowed'],
    ['https://contoso.sharepoint.com./sites/x', 'host_not_allowed'],
    ['https://-contoso.sharepoint.com/sites/x', 'host_not_allowed'],
    ['https://xn--cntoso-9ya.sharepoint.com/sites/x', 'host_not_allowed'],
    ['https://contoso.xn--sharepint-r7a.com/sites/x', 'host_not_allowed'],
    ['https://contoso.shаrepoint.com/sites/x', 'host_not_allowed'], // Cyrillic а
    ['https://ｃontoso.sharepoint.com/sites/x', 'host_not_allowed'], // fullwidth c, which URL would fold to "c"
    ['https://contoso%2esharepoint.com/sites/x', 'invalid_url'],
    ['https://evil.com/sites/x', 'host_not_allowed'],
    ['https://intranet.contoso.com.evil.com/', 'host_not_allowed'],
    ['https://contoso.sharepoint.com/sites/x\u0000', 'control_characters'],
    ['https://contoso.sharepoint.com/sites/\nx', 'control_characters'],
    ['https://contoso.share\tpoint.com/sites/x', 'control_characters'],
    ['https://contoso.sharepoint.com/sites/\u202Ex', 'control_characters'],
    ['https://contoso.sharepoint.com/sites/\u200Bx', 'control_characters'],
    ['https://contoso.sharepoint.com/sites/x\u00A0y', 'control_characters'],
    ['https://contoso .sharepoint.com/sites/x', 'host_not_allowed'],
    ['https://contoso.sharepoint.com/sites/x%2Fy', 'invalid_url'],
    ['https://contoso.sharepoint.com/sites/%E0%A4%A', 'invalid_url'],
    ['', 'invalid_url'],
    ['   ', 'invalid_url'],
    ['not a url', 'invalid_url'],
  ])('%s → %s', (input, expected) => {
    expect(code(input)).toBe(expected);
  });

  it('refuses overlong input before parsing it', () => {
    const long = 'https://contoso.sharepoint.com/sites/x/' + 'a'.repeat(2100);
    const r = parse(long);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'BAD_REQUEST', reason: 'too_long', message: expect.stringContaining('2048') });
  });

  it('refuses non-strings without throwing', () => {
    expect(parseSharePointUrl(42 as unknown as string, policy).ok).toBe(false);
    expect(parseSharePointUrl(null as unknown as string, policy).ok).toBe(false);
  });

  it('explains why, naming the host', () => {
    const r = parse('https://contoso.sharepoint.com.evil.com/sites/x');
    expect(!r.ok && r.error.message).toContain('contoso.sharepoint.com.evil.com');
    const s = parse('javascript:alert(1)');
    expect(!s.ok && s.error.message).toContain('javascript:');
  });

  it('accepts the default port written out, tenant hosts with -my, and admin-allowed hosts', () => {
    expect(code('https://contoso.sharepoint.com:443/sites/x')).toBe('OK');
    expect(code('https://contoso-my.sharepoint.com/personal/ada_contoso_com')).toBe('OK');
    expect(code('https://CONTOSO.SharePoint.com/sites/x')).toBe('OK');
    expect(code('https://intranet.contoso.com/sites/x')).toBe('OK');
    expect(code('https://INTRANET.contoso.com/sites/x')).toBe('OK');
  });

  it('ignores unusable admin entries instead of trusting them', () => {
    const bad = { allowedHosts: ['127.0.0.1', 'evil.com/path', 'xn--cntoso-9ya.com', ''] };
    expect(parseSharePointUrl('https://127.0.0.1/', bad).ok).toBe(false);
    expect(parseSharePointUrl('https://xn--cntoso-9ya.com/', bad).ok).toBe(false);
  });

  it('trims whitespace pasted around the address', () => {
    expect(only('  https://contoso.sharepoint.com/sites/x \n').sitePath).toBe('/sites/x');
  });
});

describe('parseSharePointUrl understands sites', () => {
  it('site collections under /sites and /teams, with or without a trailing slash', () => {
    expect(only('https://contoso.sharepoint.com/sites/x')).toEqual({
      kind: 'site',
      sitePath: '/sites/x',
      graphSitePath: '/sites/contoso.sharepoint.com:/sites/x:',
    });
    expect(only('https://contoso.sharepoint.com/teams/Finance/').sitePath).toBe('/teams/Finance');
  });

  it('the root site', () => {
    expect(only('https://contoso.sharepoint.com/')).toEqual({ kind: 'site', sitePath: '/', graphSitePath: '/sites/contoso.sharepoint.com' });
    expect(only('https://contoso.sharepoint.com').sitePath).toBe('/');
  });

  it('encodes names with spaces and reserved characters in the Graph path', () => {
    const c = only('https://contoso.sharepoint.com/sites/Team%20Site%3A%23');
    expect(c.sitePath).toBe('/sites/Team Site:#');
    expect(c.graphSitePath).toBe('/sites/contoso.sharepoint.com:/sites/Team%20Site%3A%23:');
  });

  it('site pages and _layouts pages name the site', () => {
    expect(only('https://contoso.sharepoint.com/sites/x/SitePages/Home.aspx')).toMatchObject({ kind: 'site', sitePath: '/sites/x' });
    expect(only('https://contoso.sharepoint.com/sites/x/sub/_layouts/15/viewlsts.aspx')).toMatchObject({ kind: 'site', sitePath: '/sites/x/sub' });
  });

  it('a OneDrive folder view names the library and folder in ?id=', () => {
    expect(only('https://contoso-my.sharepoint.com/personal/ada_contoso_com/_layouts/15/onedrive.aspx?id=%2Fpersonal%2Fada_contoso_com%2FDocuments%2FReports')).toMatchObject({
      kind: 'folder',
      sitePath: '/personal/ada_contoso_com',
      list: { urlName: 'Documents', serverRelativePath: '/personal/ada_contoso_com/Documents' },
      folderPath: 'Reports',
    });
    // A path outside the web is ignored rather than trusted.
    expect(only('https://contoso-my.sharepoint.com/personal/ada_contoso_com/_layouts/15/onedrive.aspx?id=%2Fpersonal%2Fbob%2FDocuments').kind).toBe('site');
  });

  it('a _layouts page with a list id pre-selects that list by id', () => {
    const c = only('https://contoso.sharepoint.com/sites/x/_layouts/15/listedit.aspx?List=%7B3F2504E0-4F89-11D3-9A0C-0305E82C3301%7D');
    expect(c).toMatchObject({ kind: 'list', sitePath: '/sites/x', list: { by: 'id', id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' } });
  });
});

describe('parseSharePointUrl understands lists and libraries', () => {
  it('list views and bare list URLs', () => {
    const expected = {
      kind: 'list',
      sitePath: '/sites/x',
      list: { by: 'path', kind: 'list', urlName: 'Tasks', serverRelativePath: '/sites/x/Lists/Tasks' },
    };
    expect(only('https://contoso.sharepoint.com/sites/x/Lists/Tasks/AllItems.aspx')).toMatchObject(expected);
    expect(only('https://contoso.sharepoint.com/sites/x/Lists/Tasks')).toMatchObject(expected);
    expect(only('https://contoso.sharepoint.com/sites/x/Lists/Tasks/DispForm.aspx?ID=3')).toMatchObject(expected);
  });

  it('lists in subsites', () => {
    expect(only('https://contoso.sharepoint.com/sites/x/sub/deeper/Lists/Risks/AllItems.aspx')).toMatchObject({
      sitePath: '/sites/x/sub/deeper',
      list: { urlName: 'Risks', serverRelativePath: '/sites/x/sub/deeper/Lists/Risks' },
    });
  });

  it('library views, whatever the library is called', () => {
    expect(only('https://contoso.sharepoint.com/sites/x/Shared Documents/Forms/AllItems.aspx')).toMatchObject({
      kind: 'library',
      sitePath: '/sites/x',
      list: { by: 'path', kind: 'library', urlName: 'Shared Documents', serverRelativePath: '/sites/x/Shared Documents' },
    });
    expect(only('https://contoso.sharepoint.com/sites/x/Archive/Forms/AllItems.aspx')).toMatchObject({
      kind: 'library',
      sitePath: '/sites/x',
      list: { urlName: 'Archive' },
    });
    expect(only('https://contoso.sharepoint.com/Archive/Forms/Thumbnails.aspx')).toMatchObject({ sitePath: '/', list: { serverRelativePath: '/Archive' } });
  });

  it('a well-known library without a view page', () => {
    expect(only('https://contoso.sharepoint.com/sites/x/Shared%20Documents')).toMatchObject({
      kind: 'library',
      sitePath: '/sites/x',
      list: { urlName: 'Shared Documents' },
    });
  });

  it('folder views: modern ?id= and classic ?RootFolder=', () => {
    const modern = only(
      'https://contoso.sharepoint.com/sites/x/Shared%20Documents/Forms/AllItems.aspx?id=%2Fsites%2Fx%2FShared%20Documents%2FReports%2F2024&viewid=1b2c',
    );
    expect(modern).toMatchObject({ kind: 'folder', sitePath: '/sites/x', list: { urlName: 'Shared Documents' }, folderPath: 'Reports/2024' });
    const classic = only('https://contoso.sharepoint.com/sites/x/Archive/Forms/AllItems.aspx?RootFolder=%2Fsites%2Fx%2FArchive%2FOld');
    expect(classic).toMatchObject({ kind: 'folder', folderPath: 'Old' });
    const list = only('https://contoso.sharepoint.com/sites/x/Lists/Tasks/AllItems.aspx?RootFolder=%2Fsites%2Fx%2FLists%2FTasks%2FQ1');
    expect(list).toMatchObject({ kind: 'folder', list: { kind: 'list', urlName: 'Tasks' }, folderPath: 'Q1' });
  });

  it('ignores a folder parameter that points at another library, and says so', () => {
    const loc = path('https://contoso.sharepoint.com/sites/x/Archive/Forms/AllItems.aspx?id=%2Fsites%2Fother%2FShared%20Documents%2FSecret');
    expect(loc.candidates[0]).toMatchObject({ kind: 'library', list: { urlName: 'Archive' } });
    expect(loc.candidates[0]!.folderPath).toBeUndefined();
    expect(loc.notes.join(' ')).toMatch(/another list or library/);
  });

  it('ignores a folder parameter with dot segments', () => {
    const loc = path('https://contoso.sharepoint.com/sites/x/Archive/Forms/AllItems.aspx?id=%2Fsites%2Fx%2FArchive%2F..%2F..%2Fother');
    expect(loc.candidates[0]!.folderPath).toBeUndefined();
  });

  it('a library folder opened directly', () => {
    expect(only('https://contoso.sharepoint.com/sites/x/Shared%20Documents/Reports/2024')).toMatchObject({
      kind: 'folder',
      list: { urlName: 'Shared Documents' },
      folderPath: 'Reports/2024',
    });
  });
});

describe('parseSharePointUrl understands files', () => {
  it('a file path in a well-known library', () => {
    expect(only('https://contoso.sharepoint.com/sites/x/Shared Documents/Reports/q3.docx')).toMatchObject({
      kind: 'file',
      sitePath: '/sites/x',
      list: { urlName: 'Shared Documents' },
      folderPath: 'Reports',
      file: { name: 'q3.docx', path: 'Reports/q3.docx' },
    });
  });

  it('a file opened in the library viewer (?id=…&parent=…)', () => {
    expect(
      only('https://contoso.sharepoint.com/sites/x/Shared%20Documents/Forms/AllItems.aspx?id=%2Fsites%2Fx%2FShared%20Documents%2Fq3.pdf&parent=%2Fsites%2Fx%2FShared%20Documents'),
    ).toMatchObject({ kind: 'file', file: { name: 'q3.pdf', path: 'q3.pdf' } });
  });

  it('an Office for the web link: site and file id known, library unknown, resolved through /shares', () => {
    const url =
      'https://contoso.sharepoint.com/:w:/r/sites/x/_layouts/15/Doc.aspx?sourcedoc=%7B1234ABCD-1234-1234-1234-1234567890AB%7D&file=q3.docx&action=default&mobileredirect=true';
    const loc = path(url);
    const c = loc.candidates[0]!;
    expect(c).toMatchObject({ kind: 'file', sitePath: '/sites/x', file: { name: 'q3.docx', uniqueId: '1234abcd-1234-1234-1234-1234567890ab' } });
    expect(c.list).toBeUndefined();
    expect(c.file?.sharesPath).toMatch(/^\/shares\/u![A-Za-z0-9_-]+\/driveItem$/);
    expect(loc.notes.join(' ')).toMatch(/id only/);
  });

  it('an /r/ link to a folder path', () => {
    expect(only('https://contoso.sharepoint.com/:f:/r/sites/x/Shared%20Documents/Reports?csf=1&web=1&e=abc')).toMatchObject({
      kind: 'folder',
      folderPath: 'Reports',
    });
  });
});

describe('parseSharePointUrl recognises sharing links', () => {
  it('says what the link tells and what it does not', () => {
    const r = parse('https://contoso.sharepoint.com/:x:/s/x/EabcDEFghiJKL_mnoPQRstuvWXyz0123456789?e=AbCdEf');
    expect(r.ok).toBe(true);
    const loc = r.ok ? (r.value as Extract<SharePointLocation, { type: 'sharingLink' }>) : undefined;
    expect(loc?.type).toBe('sharingLink');
    expect(loc?.link.itemType).toBe('excel');
    expect(loc?.link.sitePathHint).toBe('/sites/x');
    expect(loc?.link.sharesPath).toMatch(/^\/shares\/u![A-Za-z0-9_-]+\/driveItem$/);
    expect(loc?.link.note).toMatch(/doesn’t say which library or folder/);
  });

  it('encodes the share id as Graph documents it (u! + unpadded base64url)', () => {
    const url = 'https://contoso.sharepoint.com/:x:/s/x/Eabc?e=1';
    const r = parse(url);
    const sharesPath = r.ok && r.value.type === 'sharingLink' ? r.value.link.sharesPath : '';
    const id = sharesPath.split('/')[2]!;
    expect(id.startsWith('u!')).toBe(true);
    expect(Buffer.from(id.slice(2), 'base64url').toString('utf8')).toBe(url);
    expect(id).not.toMatch(/[=+/]/);
  });

  it.each([
    ['https://contoso.sharepoint.com/:w:/t/Finance/Eabc', 'word', '/teams/Finance'],
    ['https://contoso-my.sharepoint.com/:b:/p/ada_contoso_com/Eabc', 'pdf', '/personal/ada_contoso_com'],
    ['https://contoso.sharepoint.com/:f:/s/x/Eabc', 'folder', '/sites/x'],
    ['https://contoso.sharepoint.com/:u:/g/personal/ada/Eabc', 'generic', '/personal/ada'],
  ])('%s', (url, itemType, site) => {
    const r = parse(url);
    expect(r.ok && r.value.type === 'sharingLink' && r.value.link).toMatchObject({ itemType, sitePathHint: site });
  });

  it('Lists sharing links resolve to a list', () => {
    const r = parse('https://contoso.sharepoint.com/:l:/s/x/FabcDEF');
    expect(r.ok && r.value.type === 'sharingLink' && r.value.link.sharesPath).toMatch(/\/list$/);
  });
});

describe('ambiguous paths list every reading, deepest web first', () => {
  it('/sites/x/Foo/Bar may be a subsite, a library in a subsite, or a library folder', () => {
    const loc = path('https://contoso.sharepoint.com/sites/x/Foo/Bar');
    expect(loc.candidates.map((c) => [c.kind, c.sitePath, c.list?.by === 'path' ? c.list.urlName : undefined, c.folderPath])).toEqual([
      ['site', '/sites/x/Foo/Bar', undefined, undefined],
      ['library', '/sites/x/Foo', 'Bar', undefined],
      ['folder', '/sites/x', 'Foo', 'Bar'],
    ]);
  });

  it('a file needs a library between it and the web', () => {
    const loc = path('https://contoso.sharepoint.com/sites/x/Docs/report.pdf');
    expect(loc.candidates).toHaveLength(1);
    expect(loc.candidates[0]).toMatchObject({ kind: 'file', sitePath: '/sites/x', list: { urlName: 'Docs' }, file: { name: 'report.pdf' } });
  });

  it('deep paths are bounded and the note says so', () => {
    const loc = path('https://contoso.sharepoint.com/sites/x/a/b/c/d/e');
    expect(loc.candidates.length).toBe(4);
    expect(loc.candidates[0]!.sitePath).toBe('/sites/x/a/b/c');
    expect(loc.notes.join(' ')).toMatch(/first 3/);
  });

  it('pickCandidate keeps the reading whose web Graph confirmed', () => {
    const loc = path('https://contoso.sharepoint.com/sites/x/Foo/Bar');
    expect(pickCandidate(loc, 'https://contoso.sharepoint.com/sites/x/Foo')).toMatchObject({ kind: 'library', list: { urlName: 'Bar' } });
    expect(pickCandidate(loc, 'https://contoso.sharepoint.com/sites/x')).toMatchObject({ kind: 'folder', folderPath: 'Bar' });
    expect(pickCandidate(loc, 'https://contoso.sharepoint.com/sites/other')).toBeUndefined();
    expect(pickCandidate(loc, 'https://fabrikam.sharepoint.com/sites/x')).toBeUndefined();
  });

  it('findHintedList pre-selects the list by the path of its webUrl, or by id', () => {
    const lists = [
      { id: 'a', webUrl: 'https://contoso.sharepoint.com/sites/x/Shared%20Documents' },
      { id: 'b', webUrl: 'https://contoso.sharepoint.com/sites/x/Lists/Tasks' },
    ];
    expect(findHintedList(lists, only('https://contoso.sharepoint.com/sites/x/Lists/tasks/AllItems.aspx'))?.id).toBe('b');
    expect(findHintedList(lists, only('https://contoso.sharepoint.com/sites/x/Shared Documents/Forms/AllItems.aspx'))?.id).toBe('a');
    expect(findHintedList(lists, only('https://contoso.sharepoint.com/sites/x'))).toBeUndefined();
    const byId = only('https://contoso.sharepoint.com/sites/x/_layouts/15/listedit.aspx?List={3F2504E0-4F89-11D3-9A0C-0305E82C3301}');
    expect(findHintedList([{ id: '3F2504E0-4F89-11D3-9A0C-0305E82C3301', webUrl: null }], byId)).toBeDefined();
  });
});
