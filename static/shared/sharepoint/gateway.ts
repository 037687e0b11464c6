import type { ColumnDefinition } from '@microsoft/microsoft-graph-types';
import type { AppErrorBody, SessionToken } from '../../../src/contract';
import {
  batchBody,
  decideOnFailure,
  encodeSegment,
  failureFromResponse,
  FIRST_PAINT_IDS,
  firstPaintBatch,
  nextLinkRequest,
  parseBatchResponse,
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
  type ViewerState,
} from '../../../src/core/sharepoint';

/** The part of `createSession` the gateway needs: a token, refreshed on demand, and a way to forget it. */
export interface TokenSession {
  token(refresh?: boolean): Promise<{ ok: true; value: SessionToken } | { ok: false; error: AppErrorBody }>;
  clear(): void;
}

export interface GatewayDeps {
  session: TokenSession;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each throttling wait, so the UI can show "Retrying…". */
  onRetry?: (state: ViewerState) => void;
}

/** Why a call ended without data: what to show, or (for sorted/filtered queries) to fall back to the page. */
export type GraphStop = { action: 'show'; state: ViewerState; status?: number } | { action: 'degradeQuery'; status: number };

export type GraphAnswer<T = unknown> = { ok: true; value: T } | { ok: false; stop: GraphStop };

export interface SendOptions {
  target: FailureTarget;
  /** The object was on screen moments ago (a folder just clicked): a 404 then means deleted or moved. */
  seenMomentsAgo?: boolean;
}

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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const usesServerQuery = (req: GraphRequest): boolean => /[?&]\$(orderby|filter)=/.test(req.path);

/**
 * The browser's SharePoint gateway: every Graph call the List macro makes, with the viewer's own token
 * (so SharePoint trims the answer), one silent token refresh on 401, and waits per `Retry-After` on
 * 429/503/504. What to do about a failure is decided by the core (`decideOnFailure`); this only runs it.
 */
export function createSharePointGateway(deps: GatewayDeps) {
  const doFetch = deps.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let graphBase: string | undefined;

  const stopFor = (failure: GraphFailure, opts: SendOptions & { refreshed?: boolean; attempt?: number; usedServerQuery?: boolean }): GraphStop | 'refresh' | { retryMs: number; state: ViewerState } => {
    const d = decideOnFailure(failure, {
      target: opts.target,
      refreshed: opts.refreshed ?? true,
      attempt: opts.attempt ?? 0,
      usedServerQuery: opts.usedServerQuery ?? false,
      seenMomentsAgo: opts.seenMomentsAgo ?? false,
    });
    if (d.action === 'refreshToken') return 'refresh';
    if (d.action === 'retry') return { retryMs: d.delayMs, state: d.state };
    if (d.action === 'degradeQuery') return { action: 'degradeQuery', status: failure.kind === 'http' ? failure.status : 0 };
    return failure.kind === 'http' ? { action: 'show', state: d.state, status: failure.status } : { action: 'show', state: d.state };
  };

  const sessionStop = (error: AppErrorBody, target: FailureTarget): GraphStop => {
    if (error.code === 'UNAUTHENTICATED') return stopFor({ kind: 'anonymous' }, { target }) as GraphStop;
    const base = stopFor({ kind: 'noSession' }, { target }) as GraphStop & { action: 'show' };
    // A revoked or expired connection says so; a first visit just offers to connect.
    if (error.code === 'MS_SIGN_IN_REQUIRED') {
      return error.reason && error.reason !== 'not_connected' ? { action: 'show', state: { ...base.state, message: error.message } } : base;
    }
    return { action: 'show', state: { code: 'UNAVAILABLE', message: error.message, action: 'retry' } };
  };

  /** One Graph call: token, fetch, at most one refresh on 401, waits on throttling. */
  async function send<T = unknown>(req: GraphRequest, opts: SendOptions): Promise<GraphAnswer<T>> {
    let refreshed = false;
    let refreshNext = false;
    let attempt = 0;
    for (;;) {
      const t = await deps.session.token(refreshNext);
      if (!t.ok) return { ok: false, stop: sessionStop(t.error, opts.target) };
      graphBase = t.value.graphBaseUrl;
      const headers: Record<string, string> = { ...req.headers, Authorization: `Bearer ${t.value.accessToken}` };
      if (req.body !== undefined) headers['Content-Type'] = 'application/json';
      let res: Response;
      try {
        res = await doFetch(`${t.value.graphBaseUrl}${req.path}`, {
          method: req.method,
          headers,
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        });
      } catch {
        return { ok: false, stop: stopFor({ kind: 'network' }, opts) as GraphStop };
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (res.ok) return { ok: true, value: body as T };
      const next = stopFor(failureFromResponse(res.status, body, res.headers), { ...opts, refreshed, attempt, usedServerQuery: usesServerQuery(req) });
      if (next === 'refresh') {
        refreshed = true;
        refreshNext = true;
        continue;
      }
      refreshNext = false;
      if ('retryMs' in next) {
        deps.onRetry?.(next.state);
        await sleep(next.retryMs);
        attempt++;
        continue;
      }
      if (next.action === 'show' && next.state.code === 'SIGN_IN_REQUIRED') deps.session.clear();
      return { ok: false, stop: next };
    }
  }

  /**
   * A `$batch` of named requests in one round trip. Parts throttled on their own are sent again (in one
   * smaller batch) after the longest `Retry-After` among them; other part failures are returned as parts.
   */
  async function batch(parts: Readonly<Record<string, GraphRequest>>, opts: SendOptions): Promise<GraphAnswer<Record<string, BatchResult>>> {
    const out: Record<string, BatchResult> = {};
    let pending: Record<string, GraphRequest> = { ...parts };
    for (let attempt = 0; ; attempt++) {
      const res = await send<unknown>({ method: 'POST', path: '/$batch', body: batchBody(pending) }, opts);
      if (!res.ok) return res;
      const parsed = parseBatchResponse(res.value);
      if (!parsed.ok) return { ok: false, stop: { action: 'show', state: { code: 'UNAVAILABLE', message: parsed.error.message, action: 'retry' } } };
      const again: Record<string, GraphRequest> = {};
      let wait = 0;
      let waitState: ViewerState | undefined;
      for (const [id, req] of Object.entries(pending)) {
        const part = parsed.value[id];
        if (part === undefined) {
          out[id] = { status: 502, headers: {}, body: undefined };
          continue;
        }
        const throttled = part.status === 429 || part.status === 503 || part.status === 504;
        const d = throttled ? stopFor(failureFromResponse(part.status, part.body, part.headers), { ...opts, attempt }) : undefined;
        if (d !== undefined && typeof d === 'object' && 'retryMs' in d) {
          again[id] = req;
          if (d.retryMs >= wait) {
            wait = d.retryMs;
            waitState = d.state;
          }
        } else out[id] = part;
      }
      if (Object.keys(again).length === 0) return { ok: true, value: out };
      if (waitState !== undefined) deps.onRetry?.(waitState);
      await sleep(wait);
      pending = again;
    }
  }

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
      const next: ReturnType<typeof nextLinkRequest> | undefined = link === undefined || graphBase === undefined ? undefined : nextLinkRequest(link, req, graphBase);
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
