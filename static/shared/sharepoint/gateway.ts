import type { ColumnDefinition } from '@microsoft/microsoft-graph-types';
import type { AppErrorBody, Result } from '../../../src/contract';
import { isRecord, nonEmptyString as str } from '../../../src/core/guards';
import {
  batchRequest,
  decideOnFailure,
  encodeSegment,
  failureFromResponse,
  FIRST_PAINT_IDS,
  firstPaintParts,
  folderRequest,
  GRAPH_REASONS,
  isSearchRequest,
  listItemRequest,
  nextLinkRequest,
  parseBatchResponse,
  peopleBatches,
  queryString,
  readPeopleBatch,
  readFolder,
  readListSearch,
  reduceTable,
  resolveSite,
  type BatchResult,
  type GraphFailure,
  type GraphRequest,
  type PersonLookup,
  type SharePointLocation,
  type SiteCandidate,
  type SiteInfo,
  type TableState,
} from '../../../src/core/sharepoint';
import { createGraphSender, defaultSleep, usesServerQuery, type SenderDeps, type SendOptions } from '../graph-send';

export type { SendOptions, TokenSession } from '../graph-send';
export type { SiteInfo } from '../../../src/core/sharepoint';
export type GatewayDeps = SenderDeps;

export interface ListInfo {
  id: string;
  name: string;
  displayName: string;
  webUrl?: string;
  kind: 'list' | 'library';
}

const LIBRARY_TEMPLATE = /library$/i;
const MAX_LIST_PAGES = 5;
const BATCH_MAX = 20;

const chunks = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};
const refused = (e: AppErrorBody | undefined): boolean => e?.reason === GRAPH_REASONS.queryRefused;

/**
 * The List macro's SharePoint gateway: the first paint in one `$batch`, paging, site resolution through
 * the URL candidates, lists, columns — over the browser's one Graph sender (token, refresh, throttling).
 * `$batch` lives here, not in the sender: only this macro uses it, and the account panel's bundle
 * should not carry it.
 */
export function createSharePointGateway(deps: GatewayDeps) {
  const { send, graphBase } = createGraphSender(deps);
  const sleep = deps.sleep ?? defaultSleep;

  /**
   * A `$batch` part's failure in the one vocabulary, or undefined when it succeeded. Parts carry no
   * token of their own, so a 401 part is not refreshed again.
   */
  function partError(part: BatchResult | undefined, opts: SendOptions & { usedServerQuery?: boolean } = {}): AppErrorBody | undefined {
    if (part !== undefined && part.status >= 200 && part.status < 300) return undefined;
    const failure: GraphFailure = part === undefined ? { kind: 'network' } : failureFromResponse(part.status, part.body, part.headers);
    const d = decideOnFailure(failure, { refreshed: true, attempt: Number.MAX_SAFE_INTEGER, usedServerQuery: opts.usedServerQuery ?? false, seenMomentsAgo: opts.seenMomentsAgo ?? false });
    return d.action === 'fail' ? d.error : undefined;
  }

  /**
   * A `$batch` of named requests in one round trip. Parts throttled on their own are sent again (in one
   * smaller batch) after the longest `Retry-After` among them; other part failures are returned as parts.
   */
  async function batch(parts: Readonly<Record<string, GraphRequest>>, opts: SendOptions = {}): Promise<Result<Record<string, BatchResult>>> {
    const out: Record<string, BatchResult> = {};
    let pending: Record<string, GraphRequest> = { ...parts };
    for (let attempt = 0; ; attempt++) {
      const res = await send(batchRequest(pending), opts);
      if (!res.ok) return res;
      const parsed = parseBatchResponse(res.value);
      if (!parsed.ok) return parsed;
      const again: Record<string, GraphRequest> = {};
      let wait = 0;
      let waitError: AppErrorBody | undefined;
      for (const [id, req] of Object.entries(pending)) {
        const part = parsed.value[id];
        if (part === undefined) {
          out[id] = { status: 502, headers: {}, body: undefined };
          continue;
        }
        const throttled = part.status === 429 || part.status === 503 || part.status === 504;
        const d = throttled ? decideOnFailure(failureFromResponse(part.status, part.body, part.headers), { refreshed: true, attempt }) : undefined;
        if (d?.action === 'retry') {
          again[id] = req;
          if (d.delayMs >= wait) {
            wait = d.delayMs;
            waitError = d.error;
          }
        } else out[id] = part;
      }
      if (Object.keys(again).length === 0) return { ok: true, value: out };
      if (waitError !== undefined) deps.onRetry?.(waitError);
      await sleep(wait);
      pending = again;
    }
  }


  /**
   * Whole-list search above the threshold, in two round trips: Microsoft Search finds the ids (trimmed to
   * this viewer), then one `$batch` (in parallel when a page has more than 20 hits) reads those rows.
   * Answers `{ value: listItems, total, more }` for the view model; a hit whose item is gone (or no longer
   * readable) since it was indexed is left out.
   */
  async function listSearchPage(s: TableState, request: GraphRequest, opts: SendOptions): Promise<Result<unknown>> {
    const res = await send(request, opts);
    if (!res.ok) return res;
    const page = readListSearch(res.value, s.source.listId);
    if (!page.ok) return page;
    const { ids, total, more } = page.value;
    const answers = await Promise.all(
      chunks(ids, BATCH_MAX).map((part) => batch(Object.fromEntries(part.map((id) => [id, listItemRequest(s.source.siteId, s.source.listId, id, s.columns)])), opts)),
    );
    const value: unknown[] = [];
    for (const a of answers) {
      if (!a.ok) return a;
      for (const id of ids) {
        const part = a.value[id];
        if (part !== undefined && part.status >= 200 && part.status < 300) value.push(part.body);
      }
    }
    return { ok: true, value: { value, ...(total !== undefined ? { total } : {}), more } };
  }

  /**
   * Library search inside a configured folder. Graph's search results carry `parentReference.id` but no
   * `parentReference.path`, so each distinct parent folder is read by id (one `$batch`) for its path; the
   * view model keeps only results under the configured folder.
   */
  async function librarySearchPage(s: TableState, request: GraphRequest, opts: SendOptions): Promise<Result<unknown>> {
    const res = await send(request, opts);
    if (!res.ok || s.source.kind !== 'library' || s.topPath === '') return res;
    const drive = s.source.drive;
    const body = isRecord(res.value) ? res.value : {};
    const items: unknown[] = Array.isArray(body['value']) ? body['value'] : [];
    const parents = new Set<string>();
    for (const it of items) {
      const ref = isRecord(it) && isRecord(it['parentReference']) ? it['parentReference'] : undefined;
      const id = ref ? str(ref['id']) : undefined;
      if (id !== undefined && str(ref?.['path']) === undefined) parents.add(id);
    }
    const parentPaths: Record<string, string> = {};
    const answers = await Promise.all(chunks([...parents], BATCH_MAX).map((part) => batch(Object.fromEntries(part.map((id, i) => [String(i), folderRequest(drive, id)])), opts).then((r) => ({ part, r }))));
    for (const { part, r } of answers) {
      if (!r.ok) return r;
      part.forEach((id, i) => {
        const a = r.value[String(i)];
        const f = a?.status === 200 ? readFolder(a.body) : undefined;
        if (f?.path !== undefined) parentPaths[id] = f.path;
      });
    }
    return { ok: true, value: { ...body, parentPaths } };
  }

  /** One page of the table: a plain Graph call, or one of the two-step searches above. */
  function sendPage(s: TableState, request: GraphRequest, opts: SendOptions = {}): Promise<Result<unknown>> {
    if (isSearchRequest(request) && s.source.kind === 'list') return listSearchPage(s, request, opts);
    if (s.source.kind === 'library' && s.search !== '' && request.path.includes('/search(q=')) return librarySearchPage(s, request, opts);
    return send(request, opts);
  }

  /** Sends the table's pending request and folds the answer in; a refused server query falls back to the page. */
  async function loadPending(s: TableState, opts: SendOptions = {}): Promise<{ state: TableState; error?: AppErrorBody }> {
    let state = s;
    for (let guard = 0; state.pending !== null && guard < 3; guard++) {
      const pending = state.pending;
      const res = await sendPage(state, pending.request, opts);
      if (res.ok) return { state: reduceTable(state, { type: 'loaded', seq: pending.seq, body: res.value }) };
      if (refused(res.error)) {
        state = reduceTable(state, { type: 'serverQueryRejected', seq: pending.seq });
        continue;
      }
      return { state: reduceTable(state, { type: 'failed', seq: pending.seq }), error: res.error };
    }
    return { state };
  }

  /**
   * The first paint in one Graph round trip: list metadata, columns and the first page via `$batch`.
   * `list` is the list's own answer (its SharePoint link); a failed list part is how a deleted, hidden or
   * forbidden list shows up.
   */
  async function firstPaint(s: TableState, opts: SendOptions = {}): Promise<{ state: TableState; list?: ListInfo; error?: AppErrorBody }> {
    const b = firstPaintParts(s);
    if (b === undefined) return { state: s };
    const res = await batch(b.parts, opts);
    if (!res.ok) return { state: reduceTable(s, { type: 'failed', seq: b.seq }), error: res.error };
    const parts = res.value;
    const listError = partError(parts[FIRST_PAINT_IDS.list], opts);
    if (listError !== undefined) return { state: reduceTable(s, { type: 'failed', seq: b.seq }), error: listError };
    const list = toListInfo(parts[FIRST_PAINT_IDS.list]?.body);
    let state = s;
    const cols = parts[FIRST_PAINT_IDS.columns];
    if (cols?.status === 200 && isRecord(cols.body) && Array.isArray(cols.body['value'])) {
      state = reduceTable(state, { type: 'columns', definitions: cols.body['value'] as ColumnDefinition[] });
    }
    // The library's start folder: its name and path come from Graph (the page stores its id only).
    const startPart = parts[FIRST_PAINT_IDS.start];
    if (startPart !== undefined) {
      const startError = partError(startPart, { ...opts, seenMomentsAgo: false });
      const folder = startError === undefined ? readFolder(startPart.body) : undefined;
      if (startError !== undefined) return { state: reduceTable(state, { type: 'failed', seq: b.seq }), error: startError, ...(list ? { list } : {}) };
      if (folder !== undefined) state = reduceTable(state, { type: 'start', folder, ...(list ? { libraryName: list.displayName } : {}) });
    }
    // The threshold probe: refused means a text search must go through Microsoft Search.
    const probe = parts[FIRST_PAINT_IDS.probe];
    const probeRefused = probe !== undefined && refused(partError(probe, { ...opts, usedServerQuery: true }));
    const page = parts[FIRST_PAINT_IDS.page];
    const pageError = partError(page, { ...opts, usedServerQuery: s.pending !== null && usesServerQuery(s.pending.request) });
    if (pageError === undefined) {
      const done = reduceTable(state, { type: 'loaded', seq: b.seq, body: page?.body });
      return { state: probeRefused ? reduceTable(done, { type: 'large' }) : done, ...(list ? { list } : {}) };
    }
    if (refused(pageError)) {
      const next = await loadPending(reduceTable(state, { type: 'serverQueryRejected', seq: b.seq }), opts);
      return { ...next, ...(list ? { list } : {}) };
    }
    return { state: reduceTable(state, { type: 'failed', seq: b.seq }), error: pageError, ...(list ? { list } : {}) };
  }

  /**
   * People known only by their User Information List id: one `$batch` per 20 ids (in parallel), sent
   * after the rows have painted. Every id comes back, as a person or `unknown` (refused, gone, or the
   * batch failed): the cell then says so instead of waiting or showing the id.
   */
  async function people(siteId: string, ids: readonly string[], opts: SendOptions = {}): Promise<Map<string, PersonLookup>> {
    const out = new Map<string, PersonLookup>();
    const answers = await Promise.all(peopleBatches(siteId, ids).map(async (parts) => {
      const res = await batch(parts, opts);
      return readPeopleBatch(Object.keys(parts), res.ok ? res.value : undefined);
    }));
    for (const a of answers) for (const [id, p] of a) out.set(id, p);
    return out;
  }

  /** The pasted address's site, through the core's site resolution (see `resolveSite`). */
  const site = (location: SharePointLocation): Promise<Result<{ site: SiteInfo; candidate: SiteCandidate }>> => resolveSite(location, (req) => send(req));

  /** The site's visible lists and libraries (a few pages at most), by display name. */
  async function lists(siteId: string): Promise<Result<ListInfo[]>> {
    let req: GraphRequest | undefined = {
      method: 'GET',
      path: `/sites/${encodeSegment(siteId)}/lists${queryString([['$select', 'id,name,displayName,webUrl,list'], ['$top', '100']])}`,
    };
    const out: ListInfo[] = [];
    for (let i = 0; req !== undefined && i < MAX_LIST_PAGES; i++) {
      const res: Result<unknown> = await send(req);
      if (!res.ok) return res;
      const body: Record<string, unknown> = isRecord(res.value) ? res.value : {};
      for (const raw of Array.isArray(body['value']) ? body['value'] : []) {
        if (isRecord(raw) && isRecord(raw['list']) && raw['list']['hidden'] === true) continue;
        const l = toListInfo(raw);
        if (l !== undefined) out.push(l);
      }
      const link: unknown = body['@odata.nextLink'];
      const next: ReturnType<typeof nextLinkRequest> | undefined = link === undefined || graphBase() === undefined ? undefined : nextLinkRequest(link, req, graphBase());
      req = next?.ok ? next.value : undefined;
    }
    return { ok: true, value: out.sort((a, b) => a.displayName.localeCompare(b.displayName)) };
  }

  /** The list's column definitions (for the column picker). */
  async function columns(siteId: string, listId: string): Promise<Result<ColumnDefinition[]>> {
    const res = await send({ method: 'GET', path: `/sites/${encodeSegment(siteId)}/lists/${encodeSegment(listId)}/columns` });
    if (!res.ok) return res;
    const v = isRecord(res.value) ? res.value['value'] : undefined;
    return { ok: true, value: Array.isArray(v) ? (v as ColumnDefinition[]) : [] };
  }

  /** A library's drive id, stored so the viewer addresses the drive directly. */
  async function driveId(siteId: string, listId: string): Promise<Result<string | undefined>> {
    const res = await send({ method: 'GET', path: `/sites/${encodeSegment(siteId)}/lists/${encodeSegment(listId)}/drive${queryString([['$select', 'id']])}` });
    if (!res.ok) return res;
    return { ok: true, value: isRecord(res.value) ? str(res.value['id']) : undefined };
  }

  /** A site by id (the editor reopening a stored macro: the page keeps the id only). */
  async function siteById(siteId: string): Promise<Result<SiteInfo>> {
    const res = await send({ method: 'GET', path: `/sites/${encodeSegment(siteId)}${queryString([['$select', 'id,displayName,webUrl']])}` });
    if (!res.ok) return res;
    const v = isRecord(res.value) ? res.value : {};
    const id = str(v['id']);
    const webUrl = str(v['webUrl']);
    if (id === undefined || webUrl === undefined) return { ok: false, error: { code: 'MS_UNAVAILABLE', message: 'SharePoint sent an answer the app could not read.', reason: 'invalid_response' } };
    return { ok: true, value: { id, displayName: str(v['displayName']) ?? webUrl, webUrl } };
  }

  /** A folder by its path in a library (the editor turning a pasted folder address into the id it stores). */
  async function folderByPath(drive: string, path: string): Promise<Result<{ id: string; name: string } | undefined>> {
    const res = await send({ method: 'GET', path: `/drives/${encodeSegment(drive)}/root:/${path.split('/').map(encodeURIComponent).join('/')}:${queryString([['$select', 'id,name,folder']])}` });
    if (!res.ok) return res;
    const v = isRecord(res.value) ? res.value : {};
    const id = str(v['id']);
    const name = str(v['name']);
    return { ok: true, value: id !== undefined && name !== undefined && isRecord(v['folder']) ? { id, name } : undefined };
  }

  return { send, sendPage, batch, loadPending, firstPaint, people, resolveSite: site, siteById, folderByPath, lists, columns, driveId };
}

export type SharePointGateway = ReturnType<typeof createSharePointGateway>;

export function toListInfo(raw: unknown): ListInfo | undefined {
  if (!isRecord(raw)) return undefined;
  const id = str(raw['id']);
  if (id === undefined) return undefined;
  const name = str(raw['name']) ?? id;
  const template = isRecord(raw['list']) ? str(raw['list']['template']) : undefined;
  const info: ListInfo = { id, name, displayName: str(raw['displayName']) ?? name, kind: template !== undefined && LIBRARY_TEMPLATE.test(template) ? 'library' : 'list' };
  const webUrl = str(raw['webUrl']);
  if (webUrl !== undefined) info.webUrl = webUrl;
  return info;
}
