import { describe, expect, it } from 'vitest';
import { createFormatContext } from '../../../src/core/sharepoint/cells';
import { firstPaintBatch, initTable, reduceTable, tableView, type TableEvent, type TableState } from '../../../src/core/sharepoint/view-model';
import { DRIVE_ID, GENERIC_LIST_COLUMNS, ITEM_ID, LIST_ID, SITE_ID, libraryConfig, listConfig } from './fixtures';

const BASE = 'https://graph.microsoft.com/v1.0';
const ctx = createFormatContext({ locale: 'en-US', timeZone: 'UTC' });
const run = (s: TableState, ...events: TableEvent[]) => events.reduce(reduceTable, s);
const params = (s: TableState) => new URL(BASE + s.pending!.request.path).searchParams;
const pendingPath = (s: TableState) => new URL(BASE + s.pending!.request.path).pathname.replace('/v1.0', '');

const listItem = (id: number, fields: Record<string, unknown> = {}) => ({
  id: String(id),
  webUrl: `https://contoso.sharepoint.com/sites/x/Lists/Tasks/${id}_.000`,
  fields: { Title: `Task ${id}`, ...fields },
});
const page = (ids: number[], next?: string, fields: (id: number) => Record<string, unknown> = () => ({})) => ({
  value: ids.map((id) => listItem(id, fields(id))),
  ...(next !== undefined ? { '@odata.nextLink': next } : {}),
});
const nextLink = (token: string) => `${BASE}/sites/${SITE_ID}/lists/${LIST_ID}/items?$skiptoken=${token}&$top=25`;
/** Answers whatever request is pending. */
const answer = (s: TableState, body: unknown) => reduceTable(s, { type: 'loaded', seq: s.pending!.seq, body });
const titles = (s: TableState) => tableView(s, ctx).rows.map((r) => r.cells[0]!.text);

describe('paging', () => {
  it('starts with the first page pending and nothing shown', () => {
    const s = initTable(listConfig());
    expect(pendingPath(s)).toBe(`/sites/${SITE_ID}/lists/${LIST_ID}/items`);
    expect(params(s).get('$top')).toBe('25');
    expect(tableView(s, ctx)).toMatchObject({ loading: true, rows: [], page: { number: 1, canPrevious: false, canNext: false } });
  });

  it('goes forward by nextLink and back without refetching', () => {
    let s = answer(initTable(listConfig()), page([1, 2], nextLink('p2')));
    expect(titles(s)).toEqual(['Task 1', 'Task 2']);
    // Graph gives list items no count: the page number, and Previous/Next since there is a next page.
    expect(tableView(s, ctx).page).toEqual({ number: 1, first: 1, last: 2, canPrevious: false, canNext: true, single: false });

    s = reduceTable(s, { type: 'next' });
    expect(s.pending?.request.path).toBe(`/sites/${SITE_ID}/lists/${LIST_ID}/items?$skiptoken=p2&$top=25`);
    s = answer(s, page([3]));
    expect(titles(s)).toEqual(['Task 3']);
    expect(tableView(s, ctx).page).toEqual({ number: 2, first: 26, last: 26, canPrevious: true, canNext: false, single: false });

    s = reduceTable(s, { type: 'previous' });
    expect(s.pending).toBeNull();
    expect(titles(s)).toEqual(['Task 1', 'Task 2']);

    s = reduceTable(s, { type: 'next' });
    expect(s.pending).toBeNull();
    expect(titles(s)).toEqual(['Task 3']);
  });

  it('does nothing on next at the last page or previous at the first', () => {
    const s = answer(initTable(listConfig()), page([1]));
    expect(run(s, { type: 'next' }, { type: 'previous' })).toBe(s);
  });

  it('ignores answers to superseded requests', () => {
    let s = initTable(listConfig());
    const stale = s.pending!.seq;
    s = reduceTable(s, { type: 'sort', column: 'Title' });
    s = reduceTable(s, { type: 'loaded', seq: stale, body: page([99]) });
    expect(titles(s)).toEqual([]);
    expect(s.pending).not.toBeNull();
  });

  it('evicts far pages but keeps their links, refetching only what was dropped', () => {
    let s = initTable(listConfig(), { maxCachedPages: 2 });
    s = answer(s, page([1], nextLink('p2')));
    s = answer(reduceTable(s, { type: 'next' }), page([2], nextLink('p3')));
    s = answer(reduceTable(s, { type: 'next' }), page([3]));
    expect(s.pages[0]!.rows).toBeUndefined();
    s = reduceTable(s, { type: 'previous' });
    expect(s.pending).toBeNull();
    s = reduceTable(s, { type: 'previous' });
    expect(s.pending?.request.path).toBe(s.pages[0]!.request.path);
    s = answer(s, page([1], nextLink('p2')));
    expect(titles(s)).toEqual(['Task 1']);
  });

  it('refuses a nextLink off Graph and stops paging', () => {
    const s = answer(initTable(listConfig()), page([1], 'https://evil.com/v1.0/steal'));
    expect(titles(s)).toEqual(['Task 1']);
    expect(tableView(s, ctx)).toMatchObject({ problem: 'invalid_next_link', page: { canNext: false } });
  });

  it('a failed page can be retried with the same request', () => {
    let s = initTable(listConfig());
    const request = s.pending!.request;
    s = reduceTable(s, { type: 'failed', seq: s.pending!.seq });
    expect(tableView(s, ctx)).toMatchObject({ failed: true, loading: false });
    s = reduceTable(s, { type: 'retry' });
    expect(s.pending?.request).toEqual(request);
  });

  it('an unreadable answer is a failure, not an empty table', () => {
    const s = answer(initTable(listConfig()), { nope: true });
    expect(tableView(s, ctx)).toMatchObject({ failed: true, problem: 'invalid_response' });
  });
});

describe('sorting', () => {
  it('a header click sorts ascending, a second click descending, on the server for sortable columns', () => {
    let s = reduceTable(answer(initTable(listConfig()), page([1], nextLink('p2'))), { type: 'sort', column: 'Title' });
    expect(params(s).get('$orderby')).toBe('fields/Title asc');
    expect(s.pending?.request.headers?.['Prefer']).toBe('HonorNonIndexedQueriesWarningMayFailRandomly');
    expect(s.pages).toHaveLength(1);
    s = reduceTable(answer(s, page([1])), { type: 'sort', column: 'Title' });
    expect(params(s).get('$orderby')).toBe('fields/Title desc');
    expect(tableView(s, ctx).sort).toEqual({ column: 'Title', direction: 'desc', scope: 'all' });
    s = reduceTable(answer(s, page([1])), { type: 'sort', column: 'Modified' });
    expect(params(s).get('$orderby')).toBe('fields/Modified asc');
  });

  it('person columns sort the loaded page only, without a request, empty values last', () => {
    const owners: Record<number, string | undefined> = { 1: 'Zoe', 2: undefined, 3: 'adam', 4: 'Émile' };
    let s = answer(initTable(listConfig()), page([1, 2, 3, 4], undefined, (id) => (owners[id] ? { Owner: owners[id] } : {})));
    s = reduceTable(s, { type: 'sort', column: 'Owner' });
    expect(s.pending).toBeNull();
    const view = tableView(s, ctx);
    expect(view.sort).toEqual({ column: 'Owner', direction: 'asc', scope: 'page' });
    expect(view.rows.map((r) => r.key)).toEqual(['3', '4', '1', '2']);
    s = reduceTable(s, { type: 'sort', column: 'Owner' });
    expect(tableView(s, ctx).rows.map((r) => r.key)).toEqual(['1', '4', '3', '2']);
  });

  it('a stored sort is applied on the first request', () => {
    const s = initTable(listConfig({ sort: { column: 'Modified', direction: 'desc' } }));
    expect(params(s).get('$orderby')).toBe('fields/Modified desc');
  });

  it('when Graph refuses a query (over the threshold), the list sorts by indexed columns only and searches with Microsoft Search', () => {
    const withIndex = (st: TableState) => reduceTable(st, { type: 'columns', definitions: GENERIC_LIST_COLUMNS.map((d) => (d.name === 'Status' ? { ...d, indexed: true } : d)) });
    let s = reduceTable(answer(withIndex(initTable(listConfig())), page([1])), { type: 'sort', column: 'Due' });
    s = reduceTable(s, { type: 'serverQueryRejected', seq: s.pending!.seq });
    // The sort SharePoint refused is dropped, not faked on one page; the whole list is asked again.
    expect(s.sort).toBeNull();
    expect(params(s).get('$orderby')).toBeNull();
    s = answer(s, page([1, 2]));
    const view = tableView(s, ctx);
    expect(view).toMatchObject({ large: true, sort: null, search: { scope: 'all' } });
    expect(view.sortable).toEqual(['Status']);
    // Not indexed: not offered. Indexed: sorted by SharePoint over the whole list.
    expect(reduceTable(s, { type: 'sort', column: 'Title' })).toBe(s);
    s = reduceTable(s, { type: 'sort', column: 'Status' });
    expect(params(s).get('$orderby')).toBe('fields/Status asc');
    // Sorting by another column replaces the first.
    s = reduceTable(answer(s, page([2, 1])), { type: 'sort', column: 'Status' });
    expect(tableView(s, ctx).sort).toEqual({ column: 'Status', direction: 'desc', scope: 'all' });
  });
});

describe('search', () => {
  it('lists search the whole list by Title prefix on the server, quotes escaped', () => {
    let s = answer(initTable(listConfig()), page([1], nextLink('p2')));
    s = reduceTable(s, { type: 'search', text: "  O'Brien  " });
    expect(s.search).toBe("O'Brien");
    expect(params(s).get('$filter')).toBe("startswith(fields/Title,'O''Brien')");
    expect(s.pages).toHaveLength(1);
    expect(tableView(s, ctx).search).toEqual({ text: "O'Brien", scope: 'all', microsoftSearch: false });
    expect(reduceTable(s, { type: 'search', text: "O'Brien" })).toBe(s);
    s = reduceTable(answer(s, page([5])), { type: 'search', text: '' });
    expect(params(s).get('$filter')).toBeNull();
  });

  it('above the threshold, text is found with Microsoft Search in the list, paged by from/size, counted', () => {
    let s = reduceTable(answer(initTable(listConfig({ pageSize: 10 })), page([1])), { type: 'large' });
    s = reduceTable(s, { type: 'search', text: 'Record 05000 OR ListId:x' });
    expect(s.pending!.request).toEqual({
      method: 'POST',
      path: '/search/query',
      body: {
        requests: [
          {
            entityTypes: ['listItem'],
            // Typed words are quoted terms: "OR" and "ListId:" can't widen the query.
            query: { queryString: `"Record*" "05000*" "OR*" "ListId:x*" ListId:${LIST_ID}` },
            from: 0,
            size: 10,
            fields: ['listItemId', 'listId'],
          },
        ],
      },
    });
    s = answer(s, { ...page([5000, 7]), total: 12, more: true });
    const view = tableView(s, ctx);
    expect(view.search).toEqual({ text: 'Record 05000 OR ListId:x', scope: 'all', microsoftSearch: true });
    expect(view.page).toMatchObject({ first: 1, last: 2, total: 12, canNext: true, single: false });
    s = reduceTable(s, { type: 'next' });
    expect((s.pending!.request.body as { requests: Array<{ from: number }> }).requests[0]!.from).toBe(10);
  });

  it('above the threshold, a default sort by a column that is not indexed is dropped and said, until the viewer sorts', () => {
    const s = reduceTable(answer(initTable(listConfig({ pageSize: 10, sort: { column: 'Status', direction: 'asc' } })), page([1])), { type: 'large' });
    expect(s.sort).toBeNull();
    expect(tableView(s, ctx).sortNotApplied).toMatchObject({ name: 'Status' });
    // Below the threshold, or once an indexed column is the sort, there is nothing to say.
    expect(tableView(answer(initTable(listConfig({ pageSize: 10, sort: { column: 'Status', direction: 'asc' } })), page([1])), ctx).sortNotApplied).toBeUndefined();
  });

  it('without a text column, search filters the loaded page', () => {
    const config = listConfig({ columns: [{ name: 'Status', displayName: 'Status', type: 'choice' }] });
    let s = answer(initTable(config), page([1, 2, 3], undefined, (id) => ({ Status: id === 2 ? 'Blocked' : 'Done' })));
    s = reduceTable(s, { type: 'search', text: 'block' });
    expect(s.pending).toBeNull();
    expect(tableView(s, ctx)).toMatchObject({ search: { scope: 'page' } });
    expect(tableView(s, ctx).rows.map((r) => r.key)).toEqual(['2']);
  });
});

describe('libraries and folders', () => {
  const driveItem = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
    id,
    name,
    webUrl: `https://contoso.sharepoint.com/sites/x/Shared%20Documents/${encodeURIComponent(name)}`,
    lastModifiedDateTime: '2024-03-05T10:00:00Z',
    lastModifiedBy: { user: { displayName: 'Ada' } },
    ...extra,
  });
  const folder = (id: string, name: string, parent = `/drives/${DRIVE_ID}/root:`) => driveItem(id, name, { folder: { childCount: 2 }, parentReference: { path: parent } });
  const file = (id: string, name: string, parent = `/drives/${DRIVE_ID}/root:`) => driveItem(id, name, { size: 2048, file: { mimeType: 'application/pdf' }, parentReference: { path: parent } });

  /** The library as Graph names it at view time (the page stores ids only). */
  const named = (st: TableState) => reduceTable(st, { type: 'start', folder: { id: 'root', path: '', childCount: 2 }, libraryName: 'Documents' });

  it('starts at the library root with one breadcrumb, named by Graph, counted when Graph counts', () => {
    const s = initTable(libraryConfig());
    expect(pendingPath(s)).toBe(`/drives/${DRIVE_ID}/root/children`);
    expect(tableView(s, ctx).crumbs).toEqual([{ name: '', path: '' }]);
    const n = answer(named(s), { value: [file('A1', 'scan.pdf'), folder('F1', 'Reports')] });
    expect(tableView(n, ctx)).toMatchObject({ crumbs: [{ name: 'Documents', path: '', count: 2 }], canGoUp: false });
    // Folders before files; one page: no Previous/Next, and "1–2 of 2".
    expect(tableView(n, ctx).rows.map((r) => r.key)).toEqual(['F1', 'A1']);
    expect(tableView(n, ctx).page).toMatchObject({ first: 1, last: 2, total: 2, single: true });
  });

  it('enters folders, goes up, and jumps by breadcrumb', () => {
    let s = answer(named(initTable(libraryConfig())), { value: [folder('F1', 'Reports'), file('A1', 'scan.pdf')] });
    const view = tableView(s, ctx);
    expect(view.rows.map((r) => [r.icon, r.cells[0]!.text, r.cells[3]!.text])).toEqual([
      ['folder', 'Reports', '2 items'],
      ['pdf', 'scan.pdf', '2 KB'],
    ]);

    s = reduceTable(s, { type: 'openFolder', key: 'F1' });
    expect(pendingPath(s)).toBe(`/drives/${DRIVE_ID}/items/F1/children`);
    expect(s.crumbs.map((c) => c.name)).toEqual(['Documents', 'Reports']);
    s = answer(s, { value: [folder('F2', '2024', `/drives/${DRIVE_ID}/root:/Reports`)] });
    s = answer(reduceTable(s, { type: 'openFolder', key: 'F2' }), { value: [] });
    expect(tableView(s, ctx).page.total).toBeUndefined();
    expect(s.crumbs.map((c) => [c.name, c.path])).toEqual([
      ['Documents', ''],
      ['Reports', 'Reports'],
      ['2024', 'Reports/2024'],
    ]);

    s = reduceTable(s, { type: 'up' });
    expect(pendingPath(s)).toBe(`/drives/${DRIVE_ID}/items/F1/children`);
    s = reduceTable(answer(s, { value: [] }), { type: 'crumb', index: 0 });
    expect(pendingPath(s)).toBe(`/drives/${DRIVE_ID}/root/children`);
    expect(tableView(s, ctx).canGoUp).toBe(false);
  });

  it('files can’t be entered and unknown keys are ignored', () => {
    const s = answer(initTable(libraryConfig()), { value: [file('A1', 'scan.pdf')] });
    expect(reduceTable(s, { type: 'openFolder', key: 'A1' })).toBe(s);
    expect(reduceTable(s, { type: 'openFolder', key: 'nope' })).toBe(s);
  });

  it('a configured folder is the top: addressed by id, named by Graph, no way above it', () => {
    let s = initTable(libraryConfig({ folder: { id: ITEM_ID } }));
    expect(pendingPath(s)).toBe(`/drives/${DRIVE_ID}/items/${ITEM_ID}/children`);
    expect(s.crumbs).toEqual([{ name: '', id: ITEM_ID }]);
    expect(s.topPath).toBeUndefined();
    s = reduceTable(s, { type: 'start', folder: { id: ITEM_ID, name: 'Finance', path: 'Teams/Finance', childCount: 4 }, libraryName: 'Documents' });
    expect(s.crumbs).toEqual([{ name: 'Finance', id: ITEM_ID, path: 'Teams/Finance', count: 4 }]);
    expect(s.topPath).toBe('Teams/Finance');
    expect(reduceTable(s, { type: 'up' })).toBe(s);
    // The first paint asks Graph for that folder by id (its name, path and count).
    expect(firstPaintBatch(s)!.body.requests.find((r) => r.id === 'start')?.url.split('?')[0]).toBe(`/drives/${DRIVE_ID}/items/${ITEM_ID}`);
  });

  it('sorts by name, modified and size on the server, other columns on the page', () => {
    let s = answer(initTable(libraryConfig()), { value: [] });
    s = reduceTable(s, { type: 'sort', column: 'FileLeafRef' });
    expect(params(s).get('$orderby')).toBe('name asc');
    s = reduceTable(answer(s, { value: [] }), { type: 'sort', column: 'FileSizeDisplay' });
    expect(params(s).get('$orderby')).toBe('size asc');
    s = reduceTable(answer(s, { value: [] }), { type: 'sort', column: 'Editor' });
    expect(s.pending).toBeNull();
  });

  it('search covers the library but shows only results under the configured folder', () => {
    let s = answer(initTable(libraryConfig({ folder: { path: 'Teams' } })), { value: [] });
    // (A version 2 configuration stored by path: the path is known from the start.)
    s = reduceTable(s, { type: 'search', text: "plan's" });
    expect(s.pending!.request.path.split('?')[0]).toBe(`/drives/${DRIVE_ID}/root/search(q='plan''s')`);
    s = answer(s, {
      value: [
        file('A1', 'plan.pdf', `/drives/${DRIVE_ID}/root:/Teams/Finance`),
        file('A2', 'plan.pdf', `/drives/${DRIVE_ID}/root:/Secret`),
        file('A3', 'plan.pdf', `/drives/${DRIVE_ID}/root:/TeamsOther`),
        file('A4', 'plan.pdf'),
        driveItem('A5', 'no-parent.pdf'),
      ],
    });
    expect(tableView(s, ctx).rows.map((r) => r.key)).toEqual(['A1']);
  });

  it('search results without parentReference.path (as Graph sends them) are kept by their parent folder’s path, read by id', () => {
    let s = initTable(libraryConfig({ folder: { id: ITEM_ID } }));
    s = reduceTable(s, { type: 'start', folder: { id: ITEM_ID, name: 'Specs', path: 'Specs' } });
    s = reduceTable(answer(s, { value: [] }), { type: 'search', text: 'design' });
    const hit = (id: string, parent: string) => driveItem(id, `${id}.docx`, { file: { mimeType: 'x' }, parentReference: { driveId: DRIVE_ID, id: parent } });
    s = answer(s, {
      value: [hit('A1', ITEM_ID), hit('A2', 'P-SUB'), hit('A3', 'P-OTHER'), hit('A4', 'P-UNKNOWN'), hit('A5', 'P-SPECSX')],
      parentPaths: { [ITEM_ID]: 'Specs', 'P-SUB': 'Specs/Old', 'P-OTHER': 'HR', 'P-SPECSX': 'Specs2' },
    });
    expect(tableView(s, ctx).rows.map((r) => r.key)).toEqual(['A1', 'A2']);
  });

  it('before Graph described the configured folder, no search result is shown (none can be proved inside it)', () => {
    let s = answer(initTable(libraryConfig({ folder: { id: ITEM_ID } })), { value: [] });
    s = answer(reduceTable(s, { type: 'search', text: 'x' }), { value: [file('A1', 'x.pdf', `/drives/${DRIVE_ID}/root:/Specs`)] });
    expect(tableView(s, ctx).rows).toEqual([]);
  });

  it('opening a folder from search results rebuilds the breadcrumbs from its path', () => {
    let s = answer(reduceTable(answer(named(initTable(libraryConfig())), { value: [] }), { type: 'search', text: 'q3' }), {
      value: [folder('F9', 'Q3', `/drives/${DRIVE_ID}/root:/Reports/2024`)],
    });
    s = reduceTable(s, { type: 'openFolder', key: 'F9' });
    expect(s.search).toBe('');
    expect(s.crumbs).toEqual([
      { name: 'Documents', path: '', count: 2 },
      { name: 'Reports', path: 'Reports' },
      { name: '2024', path: 'Reports/2024' },
      { name: 'Q3', id: 'F9', path: 'Reports/2024/Q3', count: 2 },
    ]);
    s = reduceTable(answer(s, { value: [] }), { type: 'crumb', index: 1 });
    expect(s.pending!.request.path.split('?')[0]).toBe(`/drives/${DRIVE_ID}/root:/Reports:/children`);
  });

  it('without a stored drive id the library is reached through its list', () => {
    const { driveId: _d, ...config } = libraryConfig();
    expect(pendingPath(initTable(config))).toBe(`/sites/${SITE_ID}/lists/${LIST_ID}/drive/root/children`);
  });
});

describe('first paint', () => {
  it('batches the list, its columns and the first page in one round trip', () => {
    const s = initTable(listConfig());
    const batch = firstPaintBatch(s)!;
    expect(batch.seq).toBe(s.pending!.seq);
    expect(batch.body.requests.map((r) => [r.id, r.method, r.url.split('?')[0]])).toEqual([
      ['list', 'GET', `/sites/${SITE_ID}/lists/${LIST_ID}`],
      ['columns', 'GET', `/sites/${SITE_ID}/lists/${LIST_ID}/columns`],
      ['page', 'GET', `/sites/${SITE_ID}/lists/${LIST_ID}/items`],
      // One item filtered like a search: refused above the threshold, so search goes to Microsoft Search at once.
      ['probe', 'GET', `/sites/${SITE_ID}/lists/${LIST_ID}/items`],
    ]);
    const probe = batch.body.requests[3]!;
    expect(new URL(BASE + probe.url).searchParams.get('$filter')).toBe("startswith(fields/Title,'a')");
    expect(new URL(BASE + probe.url).searchParams.get('$top')).toBe('1');
  });

  it('column definitions refresh display names and report removed columns', () => {
    const defs = GENERIC_LIST_COLUMNS.filter((d) => d.name !== 'Owner').map((d) => (d.name === 'Status' ? { ...d, displayName: 'State' } : d));
    const s = reduceTable(initTable(listConfig()), { type: 'columns', definitions: defs });
    const view = tableView(s, ctx);
    expect(view.columns.map((c) => c.displayName)).toEqual(['Title', 'State', 'Due date', 'Modified']);
    expect(view.missingColumns.map((c) => c.name)).toEqual(['Owner']);
  });
});
