import type { ColumnDefinition } from '@microsoft/microsoft-graph-types';
import {
  encodeSegment,
  failureFromResponse,
  FIRST_PAINT_IDS,
  firstPaintBatch,
  nextLinkRequest,
  pickCandidate,
  queryString,
  reduceTable,
  type BatchResult,
  type FailureTarget,
  type GraphFailure,
  type GraphRequest,
  type SharePointLocation,
  type SiteCandidate,
  type TableState,
} from '../../../src/core/sharepoint';
import { isRecord, nonEmptyString as str } from '../../../src/core/guards';
import { createGraphSender, usesServerQuery, type GraphAnswer, type GraphStop, type SenderDeps, type SendOptions } from './graph-send';

export type { GraphAnswer, GraphStop, SendOptions, TokenSession } from './graph-send';
export type GatewayDeps = SenderDeps;

export interface SiteInfo {
  id: string;
  displayName: string;
  webUrl: string;
}

export interface ListInfo {
  id: string;
  name: string;
  displayName: string;
  webUrl?: string;
  kind: 'list' | 'library';
}

const LIBRARY_TEMPLATE = /library$/i;
const MAX_LIST_PAGES = 5;


/**
 * The List macro's SharePoint gateway: the first paint in one `$batch`, paging, site resolution through
 * the URL candidates, lists, columns — over the shared sender (token, refresh, throttling).
 */
export function createSharePointGateway(deps: GatewayDeps) {
  const { send, batch, stopFor, graphBase } = createGraphSender(deps);

  /** A part's failure as a stop, or undefined when the part succeeded. */
  function partStop(part: BatchResult | undefined, opts: SendOptions & { usedServerQuery?: boolean }): GraphStop | undefined {
    if (part !== undefined && part.status >= 200 && part.status < 300) return undefined;
    const failure: GraphFailure = part === undefined ? { kind: 'network' } : failureFromResponse(part.status, part.body, part.headers);
    const d = stopFor(failure, { ...opts, refreshed: true, attempt: 99 });
    return typeof d === 'object' && 'action' in d ? d : { action: 'show', state: { code: 'UNAVAILABLE', message: 'SharePoint couldn’t show this right now. Try again later.', action: 'retry' } };
  }

  /** Sends the table's pending request and folds the answer in; a refused server query falls back to the page. */
  async function loadPending(s: TableState, opts: SendOptions): Promise<{ state: TableState; stop?: GraphStop }> {
    let state = s;
    for (let guard = 0; state.pending !== null && guard < 2; guard++) {
      const pending = state.pending;
      const res = await send(pending.request, opts);
      if (res.ok) return { state: reduceTable(state, { type: 'loaded', seq: pending.seq, body: res.value }) };
      if (res.stop.action === 'degradeQuery') {
        state = reduceTable(state, { type: 'serverQueryRejected', seq: pending.seq });
        continue;
      }
      return { state: reduceTable(state, { type: 'failed', seq: pending.seq }), stop: res.stop };
    }
    return { state };
  }

  /**
   * The first paint in one Graph round trip: list metadata, columns and the first page via `$batch`.
   * `list` is the list's own answer (its SharePoint link); a failed list part is how a deleted, hidden or
   * forbidden list shows up.
   */
  async function firstPaint(s: TableState, opts: SendOptions): Promise<{ state: TableState; list?: ListInfo; stop?: GraphStop }> {
    const b = firstPaintBatch(s);
    if (b === undefined) return { state: s };
    const requests = Object.fromEntries(b.body.requests.map((r) => [r.id, { method: r.method, path: r.url, ...(r.headers ? { headers: r.headers } : {}) } as GraphRequest]));
    const res = await batch(requests, opts);
    if (!res.ok) return { state: reduceTable(s, { type: 'failed', seq: b.seq }), stop: res.stop };
    const parts = res.value;
    const listStop = partStop(parts[FIRST_PAINT_IDS.list], opts);
    if (listStop !== undefined) return { state: reduceTable(s, { type: 'failed', seq: b.seq }), stop: listStop };
    const list = toListInfo(parts[FIRST_PAINT_IDS.list]?.body);
    let state = s;
    const cols = parts[FIRST_PAINT_IDS.columns];
    if (cols !== undefined && cols.status === 200 && isRecord(cols.body) && Array.isArray(cols.body['value'])) {
      state = reduceTable(state, { type: 'columns', definitions: cols.body['value'] as ColumnDefinition[] });
    }
    const page = parts[FIRST_PAINT_IDS.page];
    const pageStop = partStop(page, { ...opts, usedServerQuery: s.pending !== null && usesServerQuery(s.pending.request) });
    if (pageStop === undefined) return { state: reduceTable(state, { type: 'loaded', seq: b.seq, body: page?.body }), ...(list ? { list } : {}) };
    if (pageStop.action === 'degradeQuery') {
      const next = await loadPending(reduceTable(state, { type: 'serverQueryRejected', seq: b.seq }), opts);
      return { ...next, ...(list ? { list } : {}) };
    }
    return { state: reduceTable(state, { type: 'failed', seq: b.seq }), stop: pageStop, ...(list ? { list } : {}) };
  }

  /**
   * Resolves a pasted address's site: candidates in order (deepest web first); a 404 means "next", a 200
   * counts only when the site's `webUrl` is the candidate's web (`pickCandidate`).
   */
  async function resolveSite(location: SharePointLocation): Promise<GraphAnswer<{ site: SiteInfo; candidate: SiteCandidate }>> {
    const target: FailureTarget = { kind: 'site' };
    if (location.type !== 'path') {
      return { ok: false, stop: { action: 'show', state: { code: 'MISCONFIGURED', message: 'Sharing links can’t be used here. Open the list in SharePoint and copy the address from the browser’s address bar.', action: 'none' } } };
    }
    let lastStop: GraphStop | undefined;
    for (const candidate of location.candidates) {
      const res = await send<unknown>({ method: 'GET', path: candidate.graphSitePath + queryString([['$select', 'id,displayName,name,webUrl']]) }, { target });
      if (!res.ok) {
        if (res.stop.action === 'show' && res.stop.status === 404) {
          lastStop = res.stop;
          continue;
        }
        return res;
      }
      const site = toSiteInfo(res.value);
      const picked = site === undefined ? undefined : pickCandidate(location, site.webUrl);
      if (site !== undefined && picked !== undefined) return { ok: true, value: { site, candidate: picked } };
    }
    return {
      ok: false,
      stop: lastStop?.action === 'show'
        ? { action: 'show', state: { code: 'NOT_FOUND', message: 'No SharePoint site you can open was found at that address. Check it, or ask the site owner for access.', action: 'none' }, status: 404 }
        : { action: 'show', state: { code: 'NOT_FOUND', message: 'That address didn’t lead to a SharePoint site.', action: 'none' } },
    };
  }

  /** The site's visible lists and libraries (a few pages at most), by display name. */
  async function lists(siteId: string): Promise<GraphAnswer<ListInfo[]>> {
    let req: GraphRequest | undefined = {
      method: 'GET',
      path: `/sites/${encodeSegment(siteId)}/lists${queryString([['$select', 'id,name,displayName,webUrl,list'], ['$top', '100']])}`,
    };
    const out: ListInfo[] = [];
    for (let i = 0; req !== undefined && i < MAX_LIST_PAGES; i++) {
      const res: GraphAnswer<unknown> = await send<unknown>(req, { target: { kind: 'site' } });
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
  async function columns(siteId: string, listId: string, target: FailureTarget): Promise<GraphAnswer<ColumnDefinition[]>> {
    const res = await send<unknown>({ method: 'GET', path: `/sites/${encodeSegment(siteId)}/lists/${encodeSegment(listId)}/columns` }, { target });
    if (!res.ok) return res;
    const v = isRecord(res.value) ? res.value['value'] : undefined;
    return { ok: true, value: Array.isArray(v) ? (v as ColumnDefinition[]) : [] };
  }

  /** A library's drive id, stored so the viewer addresses the drive directly. */
  async function driveId(siteId: string, listId: string, target: FailureTarget): Promise<GraphAnswer<string | undefined>> {
    const res = await send<unknown>(
      { method: 'GET', path: `/sites/${encodeSegment(siteId)}/lists/${encodeSegment(listId)}/drive${queryString([['$select', 'id']])}` },
      { target },
    );
    if (!res.ok) return res;
    return { ok: true, value: isRecord(res.value) ? str(res.value['id']) : undefined };
  }

  return { send, batch, loadPending, firstPaint, resolveSite, lists, columns, driveId };
}

export type SharePointGateway = ReturnType<typeof createSharePointGateway>;

function toSiteInfo(raw: unknown): SiteInfo | undefined {
  if (!isRecord(raw)) return undefined;
  const id = str(raw['id']);
  const webUrl = str(raw['webUrl']);
  if (id === undefined || webUrl === undefined) return undefined;
  return { id, webUrl, displayName: str(raw['displayName']) ?? str(raw['name']) ?? webUrl };
}

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
