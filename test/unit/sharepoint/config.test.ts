import { describe, expect, it } from 'vitest';
import { parseDocumentMacroConfig, parseListMacroConfig, storedListConfig, type ListMacroConfig } from '../../../src/core/sharepoint/config';
import { DRIVE_ID, ITEM_ID, LIST_ID, SITE_ID, documentConfig, libraryConfig, listConfig } from './fixtures';

const policy = { allowedHosts: [] };
const list = (raw: unknown) => parseListMacroConfig(raw, policy);
const errorOf = (r: ReturnType<typeof list> | ReturnType<typeof parseDocumentMacroConfig>) => (r.ok ? undefined : r.error);
/** A version 2 configuration, as saved before the macros stored ids only. */
const v2 = (over: Record<string, unknown> = {}) => ({
  ...listConfig(),
  version: 2,
  siteName: 'Project X',
  siteWebUrl: 'https://contoso.sharepoint.com/sites/x',
  listName: 'Tasks',
  ...over,
});

describe('parseListMacroConfig', () => {
  /** As read back from the page: every column's display name is its internal name until Graph names it. */
  const unnamed = (c: ListMacroConfig): ListMacroConfig => ({ ...c, columns: c.columns.map((col) => ({ ...col, displayName: col.name })) });

  it('accepts a current list and library configuration as stored, columns by internal name only', () => {
    const stored = storedListConfig(listConfig());
    // "Due date" is the Due column's display name: it stays in SharePoint.
    expect(JSON.stringify(stored)).not.toMatch(/displayName|Due date/);
    expect(list(stored)).toEqual({ ok: true, value: unnamed(listConfig()) });
    const lib = libraryConfig({ folder: { id: ITEM_ID }, sort: { column: 'Modified', direction: 'desc' } });
    expect(list(storedListConfig(lib))).toEqual({ ok: true, value: unnamed(lib) });
  });

  it('drops the column display names a macro saved before stored, instead of showing them', () => {
    const r = list(listConfig());
    expect(r).toEqual({ ok: true, value: unnamed(listConfig()) });
    expect(JSON.stringify(r)).not.toContain('Due date');
  });

  it('survives a JSON round trip and drops unknown keys', () => {
    const raw = { ...JSON.parse(JSON.stringify(listConfig())), extra: '<script>', __proto__: { polluted: true } };
    const r = list(raw);
    expect(r.ok && Object.keys(r.value)).not.toContain('extra');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['null', null],
    ['a string', 'config'],
    ['an array', [listConfig()]],
    ['a number', 7],
  ])('refuses %s', (_label, raw) => {
    expect(errorOf(list(raw))?.reason).toBe('invalid_config');
  });

  it.each([
    ['siteId on another host', { siteId: 'evil.com,3f2504e0-4f89-11d3-9a0c-0305e82c3301,9a0c4f89-3f25-11d3-4f89-0305e82c3302' }, 'siteId'],
    ['siteId with a path', { siteId: 'contoso.sharepoint.com/../x,3f2504e0-4f89-11d3-9a0c-0305e82c3301,9a0c4f89-3f25-11d3-4f89-0305e82c3302' }, 'siteId'],
    ['siteId of wrong shape', { siteId: 'root' }, 'siteId'],
    ['listId that is a title', { listId: 'Tasks' }, 'listId'],
    ['listId with a path', { listId: `${LIST_ID}/../../me` }, 'listId'],
    ['a site name (ids only)', { siteName: 'Project X' }, 'siteName must not be stored'],
    ['a site address (ids only)', { siteWebUrl: 'https://contoso.sharepoint.com/sites/x' }, 'siteWebUrl must not be stored'],
    ['a list name (ids only)', { listName: 'Salary review' }, 'listName must not be stored'],
    ['unknown kind', { kind: 'calendar' }, 'kind'],
    ['page size not offered', { pageSize: 5000 }, 'pageSize'],
    ['page size as string', { pageSize: '25' }, 'pageSize'],
    ['no columns', { columns: [] }, 'columns'],
    ['too many columns', { columns: Array.from({ length: 21 }, (_, i) => ({ name: `C${i}`, displayName: `C${i}`, type: 'text' })) }, 'columns'],
    ['column name injecting OData', { columns: [{ name: 'Title),id&$top=5000', displayName: 'x', type: 'text' }] }, 'columns[0].name'],
    ['column name with quote', { columns: [{ name: "Ti'tle", displayName: 'x', type: 'text' }] }, 'columns[0].name'],
    ['unknown column type', { columns: [{ name: 'Title', displayName: 'Title', type: 'html' }] }, 'columns[0].type'],
    ['duplicate column', { columns: [{ name: 'Title', displayName: 'T', type: 'text' }, { name: 'title', displayName: 'T', type: 'text' }] }, 'repeats'],
    ['bad format', { columns: [{ name: 'N', displayName: 'N', type: 'number', format: { decimals: 9 } }] }, 'decimals'],
    ['bad currency locale', { columns: [{ name: 'C', displayName: 'C', type: 'currency', format: { currencyLocale: '"><img>' } }] }, 'currencyLocale'],
    ['sort on an injected column', { sort: { column: 'Title desc,ID', direction: 'asc' } }, 'sort.column'],
    ['sort direction', { sort: { column: 'Title', direction: 'up' } }, 'sort.direction'],
    ['folder on a list', { folder: { path: 'x' } }, 'folder'],
    ['driveId on a list', { driveId: DRIVE_ID }, 'driveId'],
  ])('refuses %s', (_label, patch, mention) => {
    const e = errorOf(list({ ...listConfig(), ...patch }));
    expect(e?.reason).toBe('invalid_config');
    expect(e?.message).toContain(mention);
  });

  it.each([
    ['http webUrl', { siteWebUrl: 'http://contoso.sharepoint.com/sites/x' }, 'siteWebUrl'],
    ['javascript webUrl', { siteWebUrl: 'javascript:alert(1)' }, 'siteWebUrl'],
    ['webUrl on another host', { siteWebUrl: 'https://evil.com/sites/x' }, 'siteWebUrl'],
    ['webUrl on another tenant', { siteWebUrl: 'https://fabrikam.sharepoint.com/sites/x' }, 'different host'],
    ['webUrl with credentials', { siteWebUrl: 'https://a:b@contoso.sharepoint.com/sites/x' }, 'siteWebUrl'],
    ['empty list name', { listName: '' }, 'listName'],
    ['list name with control characters', { listName: 'Tasks\u202E' }, 'listName'],
    ['overlong site name', { siteName: 'x'.repeat(256) }, 'siteName'],
  ])('a version 2 configuration with %s is refused, not half-read', (_label, patch, mention) => {
    const e = errorOf(list(v2(patch)));
    expect(e?.reason).toBe('invalid_config');
    expect(e?.message).toContain(mention);
  });

  it('a version 2 configuration keeps working: read as ids only, its names and addresses dropped', () => {
    const r = list(v2({ kind: 'library', driveId: DRIVE_ID, columns: libraryConfig().columns, folder: { id: ITEM_ID, path: 'Specs' } }));
    expect(r).toEqual({ ok: true, value: unnamed(libraryConfig({ folder: { id: ITEM_ID } })) });
    expect(JSON.stringify(r)).not.toMatch(/Specs|Tasks|Project X|https:|Modified By/);
    // A folder stored by path only is still shown (read, never written back).
    expect(list(v2({ kind: 'library', columns: libraryConfig().columns, folder: { path: 'Specs' } }))).toMatchObject({ ok: true, value: { folder: { path: 'Specs' } } });
  });

  it('version 3 stores the folder by id only: a path or a missing id is refused', () => {
    expect(errorOf(list(libraryConfig({ folder: { id: ITEM_ID, path: 'Specs' } as never })))?.message).toContain('folder.path must not be stored');
    expect(errorOf(list(libraryConfig({ folder: { path: 'Specs' } })))?.message).toContain('folder.id is missing');
  });

  it.each([
    ['dot segments', '../other'],
    ['absolute path', '/sites/x'],
    ['empty segment', 'a//b'],
    ['control character', 'a\u0000b'],
    ['backslash', 'a\\b'],
  ])('refuses a folder path with %s', (_label, path) => {
    expect(errorOf(list(v2({ kind: 'library', columns: libraryConfig().columns, folder: { path } })))?.message).toContain('folder.path');
  });

  it('refuses a folder id or drive id that could escape the URL path', () => {
    expect(errorOf(list(libraryConfig({ folder: { id: '../root' } })))?.message).toContain('folder.id');
    expect(errorOf(list(libraryConfig({ driveId: 'b!abc/../../me' })))?.message).toContain('driveId');
  });

  it('reports several problems at once', () => {
    const e = errorOf(list({ ...listConfig(), listId: 'x', pageSize: 3, kind: 'x' }));
    expect(e?.message).toMatch(/listId.*kind.*pageSize/);
  });

  it('refuses a configuration from a newer app version, and unknown versions', () => {
    expect(errorOf(list({ ...listConfig(), version: 4 }))?.reason).toBe('unsupported_version');
    expect(errorOf(list({ ...listConfig(), version: 'two' }))?.reason).toBe('invalid_config');
    expect(errorOf(list({ ...listConfig(), version: 0 }))?.reason).toBe('invalid_config');
  });

  it('never throws, even on objects whose getters throw', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('boom'); }, has: () => true, getOwnPropertyDescriptor: () => { throw new Error('boom'); } });
    expect(errorOf(list(hostile))?.reason).toBe('invalid_config');
  });

  it('accepts vanity hosts only when the admin allowed them', () => {
    const cfg = {
      ...listConfig(),
      siteId: 'intranet.contoso.com,3f2504e0-4f89-11d3-9a0c-0305e82c3301,9a0c4f89-3f25-11d3-4f89-0305e82c3302',
    };
    expect(parseListMacroConfig(cfg, { allowedHosts: [] }).ok).toBe(false);
    expect(parseListMacroConfig(cfg, { allowedHosts: ['intranet.contoso.com'] }).ok).toBe(true);
  });

  describe('version 1 drafts', () => {
    const v1 = {
      siteId: SITE_ID,
      siteWebUrl: 'https://contoso.sharepoint.com/sites/x',
      listId: LIST_ID,
      listName: 'Tasks',
      columns: ['Title', 'Status'],
      sortBy: 'Modified',
      sortDescending: true,
      pageSize: 30,
    };

    it('are upgraded where that is safe', () => {
      const r = list(v1);
      expect(r).toEqual({
        ok: true,
        value: {
          version: 3,
          siteId: SITE_ID,
          listId: LIST_ID,
          kind: 'list',
          columns: [
            { name: 'Title', displayName: 'Title', type: 'unknown' },
            { name: 'Status', displayName: 'Status', type: 'unknown' },
          ],
          sort: { column: 'Modified', direction: 'desc' },
          pageSize: 25,
        },
      });
    });

    it('get the default page size when none was stored, and the nearest allowed one otherwise', () => {
      const { pageSize: _drop, ...noSize } = v1;
      expect(list(noSize).ok && (list(noSize) as { value: { pageSize: number } }).value.pageSize).toBe(25);
      expect((list({ ...v1, pageSize: 1000 }) as { value: { pageSize: number } }).value.pageSize).toBe(100);
      expect((list({ ...v1, pageSize: 9 }) as { value: { pageSize: number } }).value.pageSize).toBe(10);
    });

    it('still refuse bad ids, addresses and column names', () => {
      expect(list({ ...v1, listId: 'Tasks' }).ok).toBe(false);
      expect(list({ ...v1, siteWebUrl: undefined }).ok).toBe(false);
      expect(list({ ...v1, siteWebUrl: 'https://evil.com/x' }).ok).toBe(false);
      expect(list({ ...v1, columns: ['Title', 'x;drop'] }).ok).toBe(false);
      expect(list({ ...v1, sortBy: 'Title desc' }).ok).toBe(false);
      expect(list({ ...v1, pageSize: -1 }).ok).toBe(false);
      expect(list({ ...v1, pageSize: Number.NaN }).ok).toBe(false);
    });

    it('do not accept plain-name columns in a version 2 or 3 configuration', () => {
      expect(errorOf(list({ ...listConfig(), columns: ['Title'] }))?.message).toContain('columns[0]');
      expect(errorOf(list(v2({ columns: ['Title'] })))?.message).toContain('columns[0]');
    });
  });
});

describe('parseDocumentMacroConfig', () => {
  const v1 = { ...documentConfig(), version: 1, name: 'Salary review 2026.xlsx', webUrl: 'https://contoso.sharepoint.com/sites/x/Shared%20Documents/Salary%20review%202026.xlsx' };

  it('accepts a valid configuration; a version 1 one (with or without its version) is read as ids only', () => {
    expect(parseDocumentMacroConfig(documentConfig(), policy)).toEqual({ ok: true, value: documentConfig() });
    const { version: _v, ...noVersion } = v1;
    expect(parseDocumentMacroConfig(noVersion, policy)).toEqual({ ok: true, value: documentConfig() });
    expect(parseDocumentMacroConfig(v1, policy)).toEqual({ ok: true, value: documentConfig() });
  });

  it('version 2 refuses a stored file name or address (the name can be the secret)', () => {
    expect(errorOf(parseDocumentMacroConfig({ ...documentConfig(), name: 'Salary review 2026.xlsx' }, policy))?.message).toContain('name must not be stored');
    expect(errorOf(parseDocumentMacroConfig({ ...documentConfig(), webUrl: v1.webUrl }, policy))?.message).toContain('webUrl must not be stored');
  });

  it.each([
    ['driveId', { driveId: 'me' }],
    ['itemId', { itemId: '../../me/drive' }],
    ['itemId', { itemId: 'abc?x=1' }],
  ])('refuses a bad %s', (mention, patch) => {
    const e = errorOf(parseDocumentMacroConfig({ ...documentConfig(), ...patch }, policy));
    expect(e?.reason).toBe('invalid_config');
    expect(e?.message).toContain(mention);
  });

  it.each([
    ['name', { name: '' }],
    ['name', { name: 'a/b.docx' }],
    ['webUrl', { webUrl: 'javascript:alert(1)' }],
    ['webUrl', { webUrl: 'https://contoso.sharepoint.com.evil.com/x.docx' }],
    ['different host', { webUrl: 'https://fabrikam.sharepoint.com/x.docx' }],
    ['siteId', { siteId: 42 }],
  ])('refuses a version 1 configuration with a bad %s', (mention, patch) => {
    const e = errorOf(parseDocumentMacroConfig({ ...v1, ...patch }, policy));
    expect(e?.reason).toBe('invalid_config');
    expect(e?.message).toContain(mention);
  });

  it('refuses newer versions and non-objects', () => {
    expect(errorOf(parseDocumentMacroConfig({ ...documentConfig(), version: 3 }, policy))?.reason).toBe('unsupported_version');
    expect(errorOf(parseDocumentMacroConfig(undefined, policy))?.reason).toBe('invalid_config');
  });
});
