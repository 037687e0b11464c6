import { describe, expect, it } from 'vitest';
import type { ColumnRef } from '../../../src/core/sharepoint/columns';
import { nextLinkRequest, normaliseSearch, odataString } from '../../../src/core/sharepoint/odata';
import {
  batchBody,
  documentItemRequest,
  driveChildrenRequest,
  driveSearchRequest,
  listItemsRequest,
  parseBatchResponse,
  previewRequest,
  readPreviewUrl,
} from '../../../src/core/sharepoint/requests';
import { DRIVE_ID, ITEM_ID, LIST_ID, SITE_ID, documentConfig } from './fixtures';

const BASE = 'https://graph.microsoft.com/v1.0';
const parsed = (path: string) => new URL(BASE + path);
const columns: ColumnRef[] = [
  { name: 'LinkTitle', displayName: 'Title', type: 'title' },
  { name: 'Status', displayName: 'Status', type: 'choice' },
  { name: 'Modified', displayName: 'Modified', type: 'dateTime' },
];

/**
 * A minimal reader for the `startswith(fields/X,'…')` filter this module writes: returns the literal's
 * value if — and only if — the literal spans to the closing parenthesis, i.e. nothing escaped it.
 */
function readStartsWith(filter: string): { field: string; text: string } | undefined {
  const m = /^startswith\(fields\/([A-Za-z0-9_]+),'((?:[^']|'')*)'\)$/.exec(filter);
  return m ? { field: m[1]!, text: m[2]!.replace(/''/g, "'") } : undefined;
}

describe('odataString and search text', () => {
  it('doubles single quotes', () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
    expect(odataString("'")).toBe("''''");
  });

  it('normalises what a user types', () => {
    expect(normaliseSearch('  two\u0000  words\n ')).toBe('two words');
    expect(normaliseSearch('x'.repeat(400))).toHaveLength(255);
    expect(normaliseSearch('\u202Eevil')).toBe('evil');
  });
});

describe('listItemsRequest', () => {
  it('pages with $top, selects only the shown fields, and sends no Prefer header without a query', () => {
    const r = listItemsRequest({ siteId: SITE_ID, listId: LIST_ID, columns, pageSize: 25 });
    const url = parsed(r.path);
    expect(url.pathname).toBe(`/v1.0/sites/${SITE_ID}/lists/${LIST_ID}/items`);
    expect(url.searchParams.get('$expand')).toBe('fields($select=Title,Status,Modified)');
    expect(url.searchParams.get('$top')).toBe('25');
    expect(url.searchParams.get('$orderby')).toBeNull();
    expect(r.headers).toBeUndefined();
    // Readable: OData punctuation is not needlessly escaped.
    expect(r.path).toContain('$expand=fields($select=Title,Status,Modified)');
  });

  it('sorts on the server by the stored field, with the Prefer header for non-indexed columns', () => {
    const r = listItemsRequest({ siteId: SITE_ID, listId: LIST_ID, columns, pageSize: 10, orderBy: { column: 'LinkTitle', direction: 'desc' } });
    expect(parsed(r.path).searchParams.get('$orderby')).toBe('fields/Title desc');
    expect(r.headers).toEqual({ Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' });
  });

  it.each([
    "O'Brien",
    "'",
    "x') or true or startswith(fields/Title,'",
    "a'&$top=5000&b='",
    'semi;colon, comma = equals / slash : colon',
    '100% #hash +plus ?question',
    'ünïcödé 日本語 🙂',
    "''''",
    ')',
  ])('search text %j stays inside the string literal', (text) => {
    const r = listItemsRequest({ siteId: SITE_ID, listId: LIST_ID, columns, pageSize: 25, startsWith: { column: 'LinkTitle', text } });
    const url = parsed(r.path);
    // No parameter injection: exactly the four parameters this module writes.
    expect([...url.searchParams.keys()]).toEqual(['$select', '$expand', '$top', '$filter']);
    expect(url.searchParams.get('$top')).toBe('25');
    expect(url.hash).toBe('');
    expect(readStartsWith(url.searchParams.get('$filter')!)).toEqual({ field: 'Title', text });
    expect(r.headers?.['Prefer']).toBeDefined();
  });
});

describe('drive requests', () => {
  const libColumns: ColumnRef[] = [
    { name: 'FileLeafRef', displayName: 'Name', type: 'fileName' },
    { name: 'Modified', displayName: 'Modified', type: 'dateTime' },
    { name: 'Department', displayName: 'Department', type: 'choice' },
  ];

  it('children of the root, a folder by id, or a folder by path', () => {
    const root = driveChildrenRequest({ drive: { driveId: DRIVE_ID }, folder: {}, columns: libColumns, pageSize: 50 });
    expect(parsed(root.path).pathname).toBe(`/v1.0/drives/${DRIVE_ID}/root/children`);
    const byId = driveChildrenRequest({ drive: { driveId: DRIVE_ID }, folder: { id: ITEM_ID }, columns: libColumns, pageSize: 50 });
    expect(parsed(byId.path).pathname).toBe(`/v1.0/drives/${DRIVE_ID}/items/${ITEM_ID}/children`);
    const byPath = driveChildrenRequest({ drive: { driveId: DRIVE_ID }, folder: { path: "Q3 #1/50% 'final'" }, columns: libColumns, pageSize: 50 });
    expect(byPath.path.split('?')[0]).toBe(`/drives/${DRIVE_ID}/root:/Q3%20%231/50%25%20'final':/children`);
  });

  it('without a stored drive id, goes through the list', () => {
    const r = driveChildrenRequest({ drive: { siteId: SITE_ID, listId: LIST_ID }, folder: {}, columns: libColumns, pageSize: 10 });
    expect(r.path.startsWith(`/sites/${SITE_ID}/lists/${LIST_ID}/drive/root/children?`)).toBe(true);
  });

  it('expands thumbnails, and list fields only for custom columns', () => {
    const url = parsed(driveChildrenRequest({ drive: { driveId: DRIVE_ID }, folder: {}, columns: libColumns, pageSize: 50 }).path);
    expect(url.searchParams.get('$expand')).toBe('thumbnails,listItem($expand=fields($select=Department))');
    expect(url.searchParams.get('$top')).toBe('50');
    expect(url.searchParams.get('$select')).toContain('webUrl');
    const plain = parsed(driveChildrenRequest({ drive: { driveId: DRIVE_ID }, folder: {}, columns: libColumns.slice(0, 2), pageSize: 50 }).path);
    expect(plain.searchParams.get('$expand')).toBe('thumbnails');
  });

  it('orders children on the server', () => {
    const r = driveChildrenRequest({ drive: { driveId: DRIVE_ID }, folder: {}, columns: libColumns, pageSize: 50, orderBy: { field: 'lastModifiedDateTime', direction: 'desc' } });
    expect(parsed(r.path).searchParams.get('$orderby')).toBe('lastModifiedDateTime desc');
  });

  it.each(["O'Brien", "x')/children?$top=1#", '../../me'])('drive search keeps %j inside q=\'…\'', (text) => {
    const r = driveSearchRequest({ drive: { driveId: DRIVE_ID }, text, pageSize: 25 });
    const url = parsed(r.path);
    const m = /\/root\/search\(q=(.*)\)$/.exec(url.pathname);
    expect(m).not.toBeNull();
    const literal = decodeURIComponent(m![1]!);
    expect(literal).toBe(odataString(text));
    expect(url.pathname.startsWith(`/v1.0/drives/${DRIVE_ID}/root/search(`)).toBe(true);
    expect([...url.searchParams.keys()]).toEqual(['$select', '$expand', '$top']);
  });
});

describe('nextLinkRequest', () => {
  const prev = { method: 'GET' as const, path: '/x', headers: { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' } };

  it('follows Graph’s own links, keeping the headers the query needs', () => {
    const r = nextLinkRequest(`${BASE}/sites/${SITE_ID}/lists/${LIST_ID}/items?$skiptoken=Paged%3dTRUE%26p_ID%3d25&$top=25`, prev);
    expect(r).toEqual({ ok: true, value: { method: 'GET', path: `/sites/${SITE_ID}/lists/${LIST_ID}/items?$skiptoken=Paged%3dTRUE%26p_ID%3d25&$top=25`, headers: prev.headers } });
  });

  it.each([
    'https://evil.com/v1.0/sites/x',
    'https://graph.microsoft.com.evil.com/v1.0/x',
    'https://graph.microsoft.com/beta/sites/x',
    'https://graph.microsoft.com/v1.0evil/x',
    'http://graph.microsoft.com/v1.0/x',
    'https://user:pw@graph.microsoft.com/v1.0/x',
    'https://graph.microsoft.com/v1.0/../beta/x',
    'javascript:alert(1)',
    '/v1.0/sites/x',
    42,
  ])('refuses %s', (link) => {
    expect(nextLinkRequest(link, prev).ok).toBe(false);
  });

  it('accepts links on a configured base (the local emulator)', () => {
    const r = nextLinkRequest('http://localhost:4000/graph/v1.0/drives/x/root/children?$skiptoken=2', prev, 'http://localhost:4000/graph/v1.0');
    expect(r.ok && r.value.path).toBe('/drives/x/root/children?$skiptoken=2');
  });
});

describe('batch', () => {
  it('builds parts with relative urls, headers and JSON bodies', () => {
    const body = batchBody({
      page: { method: 'GET', path: '/sites/a/lists/b/items?$top=1', headers: { Prefer: 'x' } },
      preview: previewRequest(documentConfig()),
    });
    expect(body.requests).toEqual([
      { id: 'page', method: 'GET', url: '/sites/a/lists/b/items?$top=1', headers: { Prefer: 'x' } },
      { id: 'preview', method: 'POST', url: `/drives/${DRIVE_ID}/items/${ITEM_ID}/preview`, body: {}, headers: { 'Content-Type': 'application/json' } },
    ]);
  });

  it('refuses more than Graph’s 20 requests', () => {
    const parts = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, { method: 'GET' as const, path: '/me' }]));
    expect(() => batchBody(parts)).toThrow();
  });

  it('reads answers in any order, keeps failed parts, and ignores junk', () => {
    const r = parseBatchResponse({
      responses: [
        { id: 'page', status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 'TooManyRequests' } } },
        { id: 'columns', status: 200, body: { value: [] } },
        { id: 'bad', status: 'x' },
        null,
      ],
    });
    expect(r.ok && r.value['page']).toEqual({ status: 429, headers: { 'retry-after': '7' }, body: { error: { code: 'TooManyRequests' } } });
    expect(r.ok && r.value['columns']?.status).toBe(200);
    expect(r.ok && r.value['bad']).toBeUndefined();
    expect(parseBatchResponse({}).ok).toBe(false);
  });
});

describe('document requests', () => {
  it('the item with its card fields, and a preview POST', () => {
    expect(parsed(documentItemRequest(documentConfig()).path).pathname).toBe(`/v1.0/drives/${DRIVE_ID}/items/${ITEM_ID}`);
    expect(previewRequest(documentConfig())).toMatchObject({ method: 'POST', body: {} });
  });

  it('accepts only https SharePoint preview URLs', () => {
    const policy = { allowedHosts: [] };
    expect(readPreviewUrl({ getUrl: 'https://contoso.sharepoint.com/sites/x/_layouts/15/embed.aspx?UniqueId=1' }, policy).ok).toBe(true);
    expect(readPreviewUrl({ getUrl: 'javascript:alert(1)' }, policy).ok).toBe(false);
    expect(readPreviewUrl({ getUrl: 'https://evil.com/embed' }, policy).ok).toBe(false);
    expect(readPreviewUrl(null, policy).ok).toBe(false);
  });
});
