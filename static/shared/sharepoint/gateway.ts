import type { ColumnDefinition } from '@microsoft/microsoft-graph-types';
import type { AppErrorBody, Result } from '../../../src/contract';
import { isRecord, nonEmptyString as str } from '../../../src/core/guards';
import {
  encodeSegment,
  FIRST_PAINT_IDS,
  firstPaintBatch,
  GRAPH_REASONS,
  nextLinkRequest,
  queryString,
  reduceTable,
  resolveSite,
  type GraphRequest,
  type SharePointLocation,
  type SiteCandidate,
  type SiteInfo,
  type TableState,
} from '../../../src/core/sharepoint';
import { createGraphSender, usesServerQuery, type SenderDeps, type SendOptions } from './graph-send';

export type { SendOptions, TokenSession } from './graph-send';
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
 * the URL candidates, lists, columns — over the shared sender (token, refresh, throttling).
 */
export function createSharePointGateway(deps: GatewayDeps) {
  const { send, batch, partError, graphBase } = createGraphSender(deps);

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
    const requests = Object.fromEntries(b.body.requests.map((r) => [r.id, { method: r.method, path: r.url, ...(r.headers ? { headers: r.headers } : {}) } as GraphRequest]));
    const res = await batch(requests, opts);
    if (!res.ok) return { state: reduceTable(s, { type: 'failed', seq: b.seq }), error: res.error };
    const parts = res.value;
    const listError = partError(parts[FIRST_PAINT_IDS.list], opts);
    if (listError !== undefined) return { state: reduceTable(s, { type: 'failed', seq: b.seq }), error: listError };
    const list = toListInfo(parts[FIRST_PAINT_IDS.list]?.body);
    let state = s;
    const cols = parts[FIRST_PAINT_IDS.columns];
    if (cols !== undefined && cols.status === 200 && isRecord(cols.body) && Array.isArray(cols.body['value'])) {
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
      const res: Result<unknown> = await send<unknown>(req);
      if (!res.ok) return res;
      const body: Record<string, unknown> = isRecord(res.value) ? res.value : {};
      for (const raw of Array.isArray(body['value']) ? body['value'] : []) {
        if (isRecord(raw) && isRecord(raw['list']) && raw['list']['hidden'] === true) continue;
        const l = toListInfo(raw);
        if (l !== undefined) out.push(l);
      }
      const link: unknown = body['@odata.nextLink'];
      const next: ReturnType<typeof nextLinkRequest> | undefined = link === undefined || graphBase() === undefined ? undefined : nextLinkRequest(link, req, graphBase() as string);
      req = next?.ok ? next.value : undefined;
    }
    return { ok: true, value: out.sort((a, b) => a.displayName.localeCompare(b.displayName)) };
  }

  /** The list's column definitions (for the column picker). */
  async function columns(siteId: string, listId: string): Promise<Result<ColumnDefinition[]>> {
    const res = await send<unknown>({ method: 'GET', path: `/sites/${encodeSegment(siteId)}/lists/${encodeSegment(listId)}/columns` });
    if (!res.ok) return res;
    const v = isRecord(res.value) ? res.value['value'] : undefined;
    return { ok: true, value: Array.isArray(v) ? (v as ColumnDefinition[]) : [] };
  }

  /** A library's drive id, stored so the viewer addresses the drive directly. */
  async function driveId(siteId: string, listId: string): Promise<Result<string | undefined>> {
    const res = await send<unknown>({ method: 'GET', path: `/sites/${encodeSegment(siteId)}/lists/${encodeSegment(listId)}/drive${queryString([['$select', 'id']])}` });
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
