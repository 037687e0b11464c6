import type { ColumnDefinition } from '@microsoft/microsoft-graph-types';
import type { AppErrorBody, Result } from '../../../src/contract';
import { isRecord, nonEmptyString as str } from '../../../src/core/guards';
import {
  batchBody,
  decideOnFailure,
  encodeSegment,
  failureFromResponse,
  FIRST_PAINT_IDS,
  firstPaintBatch,
  GRAPH_REASONS,
  nextLinkRequest,
  parseBatchResponse,
  queryString,
  reduceTable,
  resolveSite,
  type BatchResult,
  type GraphFailure,
  type GraphRequest,
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
      const res = await send({ method: 'POST', path: '/$batch', body: batchBody(pending) }, opts);
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


  /** Sends the table's pending request and folds the answer in; a refused server query falls back to the page. */
  async function loadPending(s: TableState, opts: SendOptions = {}): Promise<{ state: TableState; error?: AppErrorBody }> {
    let state = s;
    for (let guard = 0; state.pending !== null && guard < 2; guard++) {
      const pending = state.pending;
      const res = await send(pending.request, opts);
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
    const b = firstPaintBatch(s);
    if (b === undefined) return { state: s };
    const requests = Object.fromEntries(b.body.requests.map((r) => [r.id, { method: r.method, path: r.url, ...(r.headers ? { headers: r.headers } : {}) }]));
    const res = await batch(requests, opts);
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
    const page = parts[FIRST_PAINT_IDS.page];
    const pageError = partError(page, { ...opts, usedServerQuery: s.pending !== null && usesServerQuery(s.pending.request) });
    if (pageError === undefined) return { state: reduceTable(state, { type: 'loaded', seq: b.seq, body: page?.body }), ...(list ? { list } : {}) };
    if (refused(pageError)) {
      const next = await loadPending(reduceTable(state, { type: 'serverQueryRejected', seq: b.seq }), opts);
      return { ...next, ...(list ? { list } : {}) };
    }
    return { state: reduceTable(state, { type: 'failed', seq: b.seq }), error: pageError, ...(list ? { list } : {}) };
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

  return { send, batch, loadPending, firstPaint, resolveSite: site, lists, columns, driveId };
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
