import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createFormatContext,
  initTable,
  parseListMacroConfig,
  parseSharePointUrl,
  personResolver,
  reduceTable,
  tableView,
  UNKNOWN_PERSON,
  unresolvedPersonIds,
  type ColumnRef,
  type ListMacroConfig,
  type FailureTarget,
  type TableState,
  viewerState,
} from '../../src/core/sharepoint';
import type { AppErrorBody, SessionToken } from '../../src/contract';
import { createSession } from '../../static/shared/session';
import { createSharePointGateway, type SharePointGateway } from '../../static/shared/sharepoint/gateway';
import { CLIENT_ID, CLIENT_SECRET, signIn, startEmulator, tokenRequest, type Running, type Tokens } from '../emulator/support';

// The browser-side gateway run in Node against the Microsoft 365 emulator, with the real session module
// (memory storage) and a token source standing in for the `account/token` resolver.

const PHOENIX = 'contoso.sharepoint.com,8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a,e4d3c2b1-a0f9-4e8d-8c7b-6a5f4e3d2c1b';
const PARTNERS = 'contoso.sharepoint.com,c5b4a392-8170-4f6e-9d5c-4b3a29180f7e,7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';
const TASKS = '22222222-aaaa-4bbb-8ccc-000000000002';
const DOCUMENTS = '33333333-aaaa-4bbb-8ccc-000000000003';
const BIG_LIST = '44444444-aaaa-4bbb-8ccc-000000000004';
const SECRET_PLANS = '66666666-aaaa-4bbb-8ccc-000000000006';
const PARTNER_CONTACTS = '99999999-aaaa-4bbb-8ccc-000000000009';
const SHARED_WITH_PARTNERS = '88888888-aaaa-4bbb-8ccc-000000000008';

const fmt = createFormatContext({ locale: 'en-US', timeZone: 'UTC' });
let run: Running;

interface Viewer {
  gateway: SharePointGateway;
  calls: { resolver: number; refreshes: number; graph: number; graphUrls: string[] };
  retries: AppErrorBody[];
  /** Makes the next refresh hand out an unusable token. */
  breakRefresh(): void;
  session: ReturnType<typeof createSession>;
}

const signedIn: Record<string, Tokens> = {};

async function viewer(who: 'alice' | 'bob' | 'carol' | 'gina', opts: { warm?: boolean } = {}): Promise<Viewer> {
  // The guest signs in against the inviting (resource) tenant.
  signedIn[who] ??= await signIn(run, who === 'gina' ? 'gina@fabrikam.com' : `${who}@contoso.com`, { tenant: 'contoso.com' });
  let tokens = signedIn[who];
  let broken = false;
  const calls = { resolver: 0, refreshes: 0, graph: 0, graphUrls: [] as string[] };
  const toSession = (t: Tokens): SessionToken => ({ accessToken: t.access_token, expiresAt: Date.now() + t.expires_in * 1000, graphBaseUrl: `${run.origin}/graph/v1.0` });
  const store = new Map<string, string>();
  const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
  const session = createSession(`acct-${who}`, async ({ refresh }) => {
    calls.resolver++;
    if (refresh) {
      calls.refreshes++;
      if (broken) return { ok: true, value: { ...toSession(tokens), accessToken: 'not-a-token' } };
      const res = await tokenRequest(run, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: tokens.refresh_token ?? '' });
      tokens = { ...tokens, ...((await res.json()) as Tokens) };
      signedIn[who] = tokens;
    }
    return { ok: true, value: toSession(tokens) };
  }, storage);
  if (opts.warm) storage.setItem(`m365.session.acct-${who}`, JSON.stringify(toSession(tokens)));
  const retries: AppErrorBody[] = [];
  const gateway = createSharePointGateway({
    session,
    fetch: (input, init) => {
      calls.graph++;
      calls.graphUrls.push(input instanceof Request ? input.url : input.toString());
      return fetch(input, init);
    },
    onRetry: (s) => retries.push(s),
  });
  return { gateway, calls, retries, session, breakRefresh: () => void (broken = true) };
}

const col = (name: string, displayName: string, type: ColumnRef['type'], format?: ColumnRef['format']): ColumnRef => ({ name, displayName, type, ...(format ? { format } : {}) });

function config(over: Partial<ListMacroConfig>): ListMacroConfig {
  const parsed = parseListMacroConfig({
    version: 3,
    siteId: PHOENIX,
    listId: TASKS,
    kind: 'list',
    columns: [
      col('Title', 'Title', 'title'),
      col('Status', 'Status', 'choice'),
      col('AssignedTo', 'Assigned to', 'person', { multi: false }),
      col('DueDate', 'Due date', 'dateTime', { dateOnly: true }),
      col('Done', 'Done', 'boolean'),
      col('Project', 'Project', 'lookup', { multi: false }),
      col('Budget', 'Budget', 'currency', { currencyLocale: 'en-us' }),
    ],
    pageSize: 100,
    ...over,
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const tasks = () => config({});
const library = (driveId?: string) =>
  config({
    listId: DOCUMENTS,
    kind: 'library',
    ...(driveId ? { driveId } : {}),
    columns: [col('FileLeafRef', 'Name', 'fileName'), col('Modified', 'Modified', 'dateTime', { dateOnly: false }), col('Editor', 'Modified By', 'person'), col('FileSizeDisplay', 'File Size', 'fileSize')],
    pageSize: 25,
  });

const paint = async (v: Viewer, c: ListMacroConfig) => v.gateway.firstPaint(initTable(c, { graphBase: `${run.origin}/graph/v1.0` }));
/** What the viewer reads: the error in the one vocabulary, through the macros' state table. */
const says = (error: AppErrorBody | undefined, target: FailureTarget) => (error === undefined ? undefined : viewerState(error, target));
const rowKeys = (s: TableState) => tableView(s, fmt).rows.map((r) => r.key);
const firstColumn = (s: TableState) => tableView(s, fmt).rows.map((r) => r.cells[0]?.text);

beforeAll(async () => {
  run = await startEmulator();
});
afterEach(() => {
  run.emu.faults.set({ latencyMs: 0, rate429: 0, rate503: 0, failNext: [] });
  run.clock.offsetMs = 0;
});
afterAll(async () => {
  await run?.close();
});

describe('first paint', () => {
  it('with a session token: one Graph round trip ($batch of list, columns, first page, threshold probe) and no resolver call', async () => {
    const alice = await viewer('alice', { warm: true });
    const before = run.emu.stats();
    const r = await paint(alice, tasks());
    expect(r.error).toBeUndefined();
    expect(alice.calls).toMatchObject({ resolver: 0, graph: 1 });
    expect(alice.calls.graphUrls).toEqual([`${run.origin}/graph/v1.0/$batch`]);
    expect(run.emu.stats().graphRequests - before.graphRequests).toBe(1);
    expect(run.emu.stats().graphBatchParts - before.graphBatchParts).toBe(4);
    // Tasks is a small list: its Title can be searched by prefix.
    expect(r.state.large).toBe(false);
    expect(r.list).toMatchObject({ displayName: 'Tasks', webUrl: 'https://contoso.sharepoint.com/sites/phoenix/Lists/Tasks', kind: 'list' });
    expect(tableView(r.state, fmt).rows).toHaveLength(49);
  });

  it('without one: one resolver call, then the same single Graph round trip', async () => {
    const alice = await viewer('alice');
    await paint(alice, tasks());
    expect(alice.calls).toMatchObject({ resolver: 1, refreshes: 0, graph: 1 });
  });

  it('renders dates, people, choice, number, boolean and lookup cells as SharePoint shows them', async () => {
    const r = await paint(await viewer('alice'), tasks());
    const row = tableView(r.state, fmt).rows.find((x) => x.key === '1');
    const cells = Object.fromEntries(r.state.columns.map((c, i) => [c.name, row?.cells[i]]));
    expect(cells['Title']).toMatchObject({ kind: 'link', text: 'Set up the Phoenix repository', href: 'https://contoso.sharepoint.com/sites/phoenix/Lists/Tasks/1_.000' });
    expect(cells['Status']).toMatchObject({ kind: 'text', text: 'Done' });
    expect(cells['DueDate']?.text).toBe('1/15/2024');
    expect(cells['Done']?.text).toBe('Yes');
    expect(cells['Budget']?.text).toBe('$0.00');
    // Graph names the person by id only: the cell waits for the User Information List lookup.
    expect(cells['AssignedTo']).toEqual({ kind: 'person', text: '', people: [], unresolvedIds: ['7'] });
    expect(cells['Project']?.text).not.toMatch(/^\d*$/);
  });

  it('people known only by id: every id on the page named in one more round trip ($batch), then the cells show names', async () => {
    const alice = await viewer('alice', { warm: true });
    const r = await paint(alice, tasks());
    const ids = unresolvedPersonIds(tableView(r.state, fmt).rows);
    expect(ids.length).toBeGreaterThan(1);
    const before = alice.calls.graph;
    const people = await alice.gateway.people(PHOENIX, ids);
    expect(alice.calls.graph - before).toBe(1);
    expect(alice.calls.graphUrls.at(-1)).toBe(`${run.origin}/graph/v1.0/$batch`);
    const named = tableView(r.state, createFormatContext({ locale: 'en-US', timeZone: 'UTC', resolvePerson: personResolver(people) }));
    const col = r.state.columns.findIndex((c) => c.name === 'AssignedTo');
    const shown = named.rows.map((row) => row.cells[col]?.text ?? '');
    expect(shown).toEqual(expect.arrayContaining(['Bob Brown', 'Carol Chen']));
    expect(shown.some((t) => /\d/.test(t))).toBe(false);
    expect(unresolvedPersonIds(named.rows)).toEqual([]);
  });

  it('people the viewer may not look up are "Unknown person", never their id', async () => {
    // Gina is no reader of the Partner portal: its User Information List is hidden from her.
    const gina = await viewer('gina');
    const people = await gina.gateway.people(PARTNERS, ['6', '7']);
    expect(Object.fromEntries(people)).toEqual({ '6': 'unknown', '7': 'unknown' });
    expect(personResolver(people)('6')).toEqual({ name: UNKNOWN_PERSON });
  });

  it('a people batch that fails as a whole leaves its ids "Unknown person" instead of waiting', async () => {
    const alice = await viewer('alice', { warm: true });
    run.emu.faults.set({ failNext: [{ status: 500 }] });
    const failed = await alice.gateway.people(PHOENIX, ['7', '8']);
    expect(Object.fromEntries(failed)).toEqual({ '7': 'unknown', '8': 'unknown' });
    // Nothing is kept in the gateway: the next ask (a new frame) names them.
    const again = await alice.gateway.people(PHOENIX, ['7', '8']);
    expect([...again.values()].map((p) => (p === 'unknown' ? p : p.name))).toEqual(['Bob Brown', 'Carol Chen']);
  });
});

describe('permission trimming: each viewer sees what SharePoint lets them see', () => {
  it('Tasks: alice sees 49 rows, bob 45 — bob not #3, #7, #22, #32, #42', async () => {
    const [a, b] = await Promise.all([paint(await viewer('alice'), tasks()), paint(await viewer('bob'), tasks())]);
    const aliceKeys = rowKeys(a.state);
    const bobKeys = rowKeys(b.state);
    expect(aliceKeys).toHaveLength(49);
    expect(bobKeys).toHaveLength(45);
    expect(aliceKeys).not.toContain('9');
    for (const hidden of ['3', '7', '22', '32', '42']) {
      expect(aliceKeys).toContain(hidden);
      expect(bobKeys).not.toContain(hidden);
    }
  });

  it('Documents: alice and bob see different files and folders, and inside folders too', async () => {
    const alice = await viewer('alice');
    const bob = await viewer('bob');
    const drive = await alice.gateway.driveId(PHOENIX, DOCUMENTS);
    expect(drive.ok && drive.value).toMatch(/^b!/);
    const a = await paint(alice, library(drive.ok ? drive.value : undefined));
    const b = await paint(bob, library(drive.ok ? drive.value : undefined));
    const aliceNames = firstColumn(a.state);
    const bobNames = firstColumn(b.state);
    expect(aliceNames).toContain('HR');
    expect(bobNames).not.toContain('HR');
    expect(bobNames).toContain('Bob\'s notes.txt');
    expect(aliceNames).not.toContain('Bob\'s notes.txt');
    expect(tableView(a.state, fmt).rows.find((r) => r.row.name === 'HR')?.icon).toBe('folder');

    // Folder navigation: Drafts holds a file bob may see; alice sees the folder empty or not at all.
    const drafts = tableView(b.state, fmt).rows.find((r) => r.row.name === 'Drafts');
    expect(drafts).toBeDefined();
    const inDrafts = await bob.gateway.loadPending(reduceTable(b.state, { type: 'openFolder', key: drafts!.key }), { seenMomentsAgo: true });
    expect(firstColumn(inDrafts.state)).toEqual(['Press release.docx']);
    expect(tableView(inDrafts.state, fmt).rows[0]?.icon).toBe('word');
    expect(tableView(inDrafts.state, fmt).crumbs.map((c) => c.name)).toEqual(['Documents', 'Drafts']);
  });
});

describe('paging', () => {
  it('walks the whole 10,000-item Big list page by page for bob: 9,900 rows, no duplicates, 100 per request', async () => {
    const bob = await viewer('bob', { warm: true });
    const c = config({ listId: BIG_LIST, columns: [col('Title', 'Title', 'title')], pageSize: 100 });
    let r = await paint(bob, c);
    const seen = new Set<string>(rowKeys(r.state));
    let pages = 1;
    let state = r.state;
    while (tableView(state, fmt).page.canNext) {
      const next = await bob.gateway.loadPending(reduceTable(state, { type: 'next' }));
      expect(next.error).toBeUndefined();
      const keys = rowKeys(next.state);
      expect(keys.length).toBeLessThanOrEqual(100);
      for (const k of keys) {
        expect(seen.has(k)).toBe(false);
        seen.add(k);
      }
      state = next.state;
      pages++;
    }
    expect(seen.size).toBe(9900);
    expect(pages).toBe(99);
    expect(bob.calls.graph).toBe(99);
    // Only a few pages' rows stay in memory.
    expect(state.pages.filter((p) => p.rows !== undefined).length).toBeLessThanOrEqual(10);
    // Back one page: from memory, no request.
    const back = reduceTable(state, { type: 'previous' });
    expect(back.pending).toBeNull();
    r = { ...r, state: back };
    expect(rowKeys(r.state)).toHaveLength(100);
  });

  it('a sort the list view threshold refuses drops to SharePoint’s order; only indexed columns are offered for sorting, and sort the whole list', async () => {
    const bob = await viewer('bob');
    const c = config({ listId: BIG_LIST, columns: [col('Title', 'Title', 'title'), col('Region', 'Region', 'text'), col('Category', 'Category', 'choice')], pageSize: 25, sort: { column: 'Region', direction: 'asc' } });
    const r = await paint(bob, c);
    expect(r.error).toBeUndefined();
    const view = tableView(r.state, fmt);
    expect(view.rows).toHaveLength(25);
    // Not "sorted within this page only": the refused sort is dropped and the table says why.
    expect(view).toMatchObject({ large: true, sort: null });
    expect(view.sortable).toEqual(['Category']);
    const sorted = await bob.gateway.loadPending(reduceTable(reduceTable(r.state, { type: 'sort', column: 'Category' }), { type: 'sort', column: 'Category' }));
    expect(sorted.error).toBeUndefined();
    const cats = tableView(sorted.state, fmt).rows.map((x) => x.cells[2]?.text);
    // Descending over all 10,000 items: the first page is all the last category.
    expect(new Set(cats)).toEqual(new Set(['Travel']));
  });

  it('finds “Record 05000” on the 10,000-item list with Microsoft Search in two Graph round trips, for Alice and not for Bob', async () => {
    const c = config({ listId: BIG_LIST, columns: [col('Title', 'Title', 'title'), col('Category', 'Category', 'choice')], pageSize: 25 });
    const find = async (who: 'alice' | 'bob') => {
      const v = await viewer(who, { warm: true });
      const painted = await paint(v, c);
      // The first paint's probe found the list above the threshold: no failed round trip when searching.
      expect(painted.state.large).toBe(true);
      const before = v.calls.graph;
      const r = await v.gateway.loadPending(reduceTable(painted.state, { type: 'search', text: 'Record 05000' }));
      expect(r.error).toBeUndefined();
      return { view: tableView(r.state, fmt), trips: v.calls.graph - before };
    };
    const alice = await find('alice');
    expect(alice.view.rows.map((x) => x.cells[0]?.text)).toEqual(['Record 05000']);
    expect(alice.view.page).toMatchObject({ first: 1, last: 1, total: 1, single: true });
    expect(alice.trips).toBe(2);
    const bob = await find('bob');
    expect(bob.view.rows).toEqual([]);
    expect(bob.trips).toBe(1);
  });
});

describe('throttling and tokens', () => {
  it('429 with Retry-After on the whole request: a visible retrying state, then the rows', async () => {
    const alice = await viewer('alice', { warm: true });
    run.emu.faults.set({ failNext: [{ status: 429, retryAfterSeconds: 1 }] });
    const started = Date.now();
    const r = await paint(alice, tasks());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(alice.retries).toHaveLength(1);
    expect(alice.retries[0]).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 1 });
    expect(says(alice.retries[0], { kind: 'list', name: 'Tasks' })?.message).toContain('trying again in 1 s');
    expect(r.error).toBeUndefined();
    expect(tableView(r.state, fmt).rows).toHaveLength(49);
    expect(alice.calls.graph).toBe(2);
  });

  it('throttled $batch parts are sent again on their own, after Retry-After', async () => {
    const alice = await viewer('alice', { warm: true });
    run.emu.faults.set({ rate429: 1, retryAfterSeconds: 1 });
    const gateway = createSharePointGateway({ session: alice.session, onRetry: () => void run.emu.faults.set({ rate429: 0 }) });
    const before = run.emu.stats();
    const r = await gateway.firstPaint(initTable(tasks()));
    expect(r.error).toBeUndefined();
    expect(tableView(r.state, fmt).rows).toHaveLength(49);
    expect(run.emu.stats().graphRequests - before.graphRequests).toBe(2);
    // Four parts (list, columns, first page, threshold probe), all throttled once and sent again.
    expect(run.emu.stats().graphBatchParts - before.graphBatchParts).toBe(8);
  });

  it('503 three times then gives up with a message the viewer can act on', async () => {
    const alice = await viewer('alice', { warm: true });
    const gateway = createSharePointGateway({ session: alice.session, sleep: async () => undefined });
    run.emu.faults.set({ failNext: [1, 2, 3, 4].map(() => ({ status: 503 as const, retryAfterSeconds: 1 })) });
    const r = await gateway.firstPaint(initTable(tasks()));
    expect(r.error).toMatchObject({ code: 'THROTTLED', reason: 'retries_exhausted' });
    expect(says(r.error, { kind: 'list', name: 'Tasks' })?.message).toBe('SharePoint is busy right now. Try again in a minute.');
  });

  it('an access token that expired mid-render gets one silent refresh, then the rows', async () => {
    const bob = await viewer('bob', { warm: true });
    run.clock.offsetMs = 2 * 3600 * 1000; // the emulator now sees the cached token as expired
    const r = await paint(bob, tasks());
    expect(r.error).toBeUndefined();
    expect(tableView(r.state, fmt).rows).toHaveLength(45);
    expect(bob.calls).toMatchObject({ resolver: 1, refreshes: 1, graph: 2 });
  });

  it('a token Graph still refuses after that one refresh: sign in again, and the tab forgets it', async () => {
    const bob = await viewer('bob', { warm: true });
    run.clock.offsetMs = 12 * 3600 * 1000; // past any token bob was given in this file
    bob.breakRefresh();
    const r = await paint(bob, tasks());
    expect(r.error).toMatchObject({ code: 'MS_SIGN_IN_REQUIRED', reason: 'token_rejected' });
    expect(says(r.error, { kind: 'list', name: 'Tasks' })?.action).toBe('signIn');
    expect(bob.calls).toMatchObject({ refreshes: 1, graph: 2 });
    expect(bob.session.hasToken()).toBe(false);
  });
});

describe('no access', () => {
  it('403: carol resolving the Partner portal, and carol viewing one of its lists', async () => {
    const carol = await viewer('carol');
    const loc = parseSharePointUrl('https://contoso.sharepoint.com/sites/partners/Lists/PartnerContacts/AllItems.aspx', { allowedHosts: [] });
    if (!loc.ok) throw new Error(loc.error.message);
    const site = await carol.gateway.resolveSite(loc.value);
    // The same Graph 403 is FORBIDDEN everywhere (it was NO_ACCESS here and FORBIDDEN in the account panel).
    expect(site).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'accessDenied' } });
    const r = await paint(carol, config({ siteId: PARTNERS, listId: PARTNER_CONTACTS, columns: [col('Title', 'Title', 'title')] }));
    expect(r.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(says(r.error, { kind: 'list', name: 'Partner contacts' })?.message).toBe('You don’t have access to the list “Partner contacts” in SharePoint.');
    expect(tableView(r.state, fmt).rows).toEqual([]);
  });

  it('404 on a list SharePoint hides from bob (Secret plans): no access, or deleted — named', async () => {
    const r = await paint(await viewer('bob'), config({ listId: SECRET_PLANS, columns: [col('Title', 'Title', 'title')] }));
    expect(r.error).toMatchObject({ code: 'FORBIDDEN', reason: 'itemNotFound' });
    expect(says(r.error, { kind: 'list', name: 'Secret plans' })?.message).toBe('You don’t have access to the list “Secret plans” in SharePoint, or it has been deleted or moved.');
  });

  it('alice sees Secret plans', async () => {
    const r = await paint(await viewer('alice'), config({ listId: SECRET_PLANS, columns: [col('Title', 'Title', 'title')] }));
    expect(r.error).toBeUndefined();
    expect(tableView(r.state, fmt).rows.length).toBeGreaterThan(0);
  });
});

describe('guest', () => {
  it('gina (Fabrikam, invited to Contoso) sees Shared with partners, and gets 403 on Project Phoenix', async () => {
    const gina = await viewer('gina');
    const shared = await paint(gina, config({ siteId: PARTNERS, listId: SHARED_WITH_PARTNERS, columns: [col('Title', 'Title', 'title')] }));
    expect(shared.error).toBeUndefined();
    expect(tableView(shared.state, fmt).rows.length).toBeGreaterThan(0);
    const phoenix = await paint(gina, tasks());
    expect(phoenix.error).toMatchObject({ code: 'FORBIDDEN', reason: 'accessDenied' });
  });
});

describe('resolving a pasted address (the editor)', () => {
  it('a list URL: the site, its lists and libraries, the list pre-selected', async () => {
    const alice = await viewer('alice');
    const loc = parseSharePointUrl('https://contoso.sharepoint.com/sites/phoenix/Lists/Tasks/AllItems.aspx', { allowedHosts: [] });
    if (!loc.ok) throw new Error(loc.error.message);
    const site = await alice.gateway.resolveSite(loc.value);
    if (!site.ok) throw new Error('not resolved');
    expect(site.value.site).toMatchObject({ id: PHOENIX, displayName: 'Project Phoenix' });
    const lists = await alice.gateway.lists(PHOENIX);
    if (!lists.ok) throw new Error('no lists');
    expect(lists.value.map((l) => l.displayName)).toEqual(expect.arrayContaining(['Tasks', 'Documents', 'Big list', 'Secret plans']));
    expect(lists.value.find((l) => l.displayName === 'Documents')?.kind).toBe('library');
    const { findHintedList } = await import('../../src/core/sharepoint');
    expect(findHintedList(lists.value, site.value.candidate)?.id).toBe(TASKS);
    // Bob is not shown Secret plans.
    const bobLists = await (await viewer('bob')).gateway.lists(PHOENIX);
    expect(bobLists.ok && bobLists.value.map((l) => l.displayName)).not.toContain('Secret plans');
  });

  it('a folder URL without markers: tries the candidates deepest first and settles on the real site', async () => {
    const alice = await viewer('alice');
    const loc = parseSharePointUrl('https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Finance', { allowedHosts: [] });
    if (!loc.ok) throw new Error(loc.error.message);
    const site = await alice.gateway.resolveSite(loc.value);
    expect(site.ok && site.value.candidate).toMatchObject({ kind: 'folder', sitePath: '/sites/phoenix', folderPath: 'Finance' });
  });
});
