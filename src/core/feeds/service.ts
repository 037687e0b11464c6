/**
 * Calendar feeds: defining them, personal addresses, building and refreshing the shared cache, and
 * serving each subscriber their own calendar. Everything outside (Jira, storage, cryptography, the
 * clock) comes in through ports, so the whole feature runs against in-memory fakes in unit tests.
 */
import { fail, ok, type Result } from '../result';
import type { FeedCreators } from '../settings/model';
import { checkSubscriber, subscriberFingerprint, visibleRows, type CheckCost, type Subscriber } from './access';
import { applyChanges, chunkRows, decodeRows, DELTA_MAX_ROWS, mergeRows, readDelta, rowOf, writeDelta, type Delta } from './cache';
import { daysFrom, toEvent, type EventSpec, type FeedRow, type IssueText } from './events';
import { utf8Length, writeCalendar } from './ical';
import { buildFields, changedJql, feedJql, jqlString, leftJql } from './jql';
import { changesContent, FEED_ID, parseFeedInput, readFeed, textFieldsNeeded, type FeedDefinition, type FeedInput } from './model';
import type { FeedCrypto, FeedStore, FeedUrl, JiraFailure, JiraPort, SearchIssue } from './ports';
import { readMarks, readState, type BuildProgress, type CacheInfo, type FeedProblem, type FeedState } from './state';
import { addDays, addMonths, firstOfMonth, localDate } from './time';
import { feedUrlFor, mintToken, shouldTouch, tokenFromPath, verify } from './tokens';

/** The admin's settings as feeds need them (src/core/settings/model.ts, `features.calendarFeeds` and `feeds`). */
export interface FeedPolicy {
  enabled: boolean;
  creators: FeedCreators;
  urlLifetimeDays: number;
}

export interface FeedsConfig {
  /** Calendar apps poll every few hours and ignore hints; 15 minutes loses nothing (RESEARCH §4.2). */
  freshMs: number;
  /** The largest calendar served; past it the nearest events are kept and the calendar says so. */
  maxBodyBytes: number;
  /** Issues per /search/jql page (Jira allows up to 5,000 when few fields are asked for). */
  pageSize: number;
  /** A full build of a cached feed is redone after this long (catches deletions and moves). */
  rebuildAfterMs: number;
  /** How long a web trigger may spend building before it answers 503 (web triggers stop at 55 s). */
  serveBuildBudgetMs: number;
  /** How long a resolver may spend on a first build (resolvers stop at 25 s). */
  saveBuildBudgetMs: number;
}

export const DEFAULT_CONFIG: FeedsConfig = {
  freshMs: 15 * 60_000,
  // A web trigger's response is the function's response: limits-invocation gives 5 MB ("Payload size
  // 5MB"; dev/host/README.md). 4 MB leaves room for the JSON envelope, where every CRLF is escaped.
  maxBodyBytes: 4_000_000,
  pageSize: 5000,
  rebuildAfterMs: 24 * 3600_000,
  serveBuildBudgetMs: 35_000,
  saveBuildBudgetMs: 12_000,
};

export interface FeedsDeps {
  store: FeedStore;
  jira: JiraPort;
  crypto: FeedCrypto;
  now: () => number;
  settings: () => Promise<FeedPolicy>;
  /** The feed web trigger's URL for this installation. */
  triggerUrl: () => Promise<string>;
  config?: Partial<FeedsConfig>;
}

export interface FeedRequest {
  method: string;
  userPath: string;
  ifNoneMatch?: string;
}

export interface FeedResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  /** What this answer cost in Jira calls (for the feed page and the benchmark). */
  jira?: CheckCost;
}

/** What the feed page shows of one feed. */
export interface FeedView {
  id: string;
  name: string;
  projectKey?: string;
  ownerAccountId: string;
  mine: boolean;
  canManage: boolean;
  definition?: FeedInput;
  status: { state: 'ok' | 'building' | 'error' | 'new'; message?: string; lastBuildAt?: number; tookMs?: number; issues?: number; bytes?: number; events?: number; capped?: boolean; requests?: number; points?: number };
  /** The caller's own address, if they have one (its token cannot be shown again). */
  myUrl?: { createdAt: number; expiresAt: number; lastUsedAt?: number; expired: boolean };
  admitted?: boolean;
  notAdmittedReason?: string;
}

export interface UrlView {
  feedId: string;
  feedName: string;
  accountId: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt?: number;
  expired: boolean;
}

const DAY_MS = 86_400_000;
const bad = (m: string) => fail('BAD_REQUEST', m);
const NOT_FOUND_BODY = 'Not found\n';

export function feedsService(deps: FeedsDeps) {
  const cfg: FeedsConfig = { ...DEFAULT_CONFIG, ...deps.config };
  const { store, jira, crypto, now } = deps;

  const today = (def: FeedDefinition) => localDate(now(), def.timeZone);
  /** The window a calendar shows today. */
  const servedWindow = (def: FeedDefinition) => {
    const t = today(def);
    return { from: addMonths(t, -def.window.pastMonths), to: addMonths(t, def.window.futureMonths) };
  };
  /** The window a build fetches: a day wider each side (time zones), and a month beyond the end so the window can move for a month without a rebuild. */
  const fetchWindow = (def: FeedDefinition) => {
    const w = servedWindow(def);
    return { from: addDays(w.from, -1), to: addMonths(firstOfMonth(w.to), 2) };
  };

  async function loadFeed(id: string): Promise<FeedDefinition | undefined> {
    if (!FEED_ID.test(id)) return undefined;
    return readFeed(await store.getFeed(id));
  }

  // ---- who may do what -------------------------------------------------------------------------

  async function mayCreate(accountId: string, projectKey: string | undefined): Promise<boolean> {
    const s = await deps.settings();
    if (await jira.isSiteAdmin(accountId)) return true;
    if (s.creators === 'everyone') return true;
    if (s.creators === 'project-admins' && projectKey) return jira.administersProject(accountId, projectKey);
    return false;
  }

  async function mayManage(accountId: string, def: FeedDefinition): Promise<boolean> {
    if (def.ownerAccountId === accountId) return true;
    if (await jira.isSiteAdmin(accountId)) return true;
    return def.projectKey !== undefined && jira.administersProject(accountId, def.projectKey);
  }

  async function requireEnabled(): Promise<Result<FeedPolicy>> {
    const s = await deps.settings();
    return s.enabled ? ok(s) : fail('FEATURE_OFF', 'Calendar feeds are turned off by your admin.');
  }

  // ---- definitions -----------------------------------------------------------------------------

  async function validateJql(accountId: string, def: Pick<FeedDefinition, 'projectKey' | 'jql' | 'dates' | 'window' | 'timeZone'>): Promise<Result<true>> {
    const w = fetchWindow(def as FeedDefinition);
    const r = await jira.parseJql(accountId, feedJql(def, w.from, w.to));
    if (!r.ok) return jiraFailure(r.failure);
    if (r.value.length) return bad(`Jira says: ${r.value.join(' ')}`);
    return ok(true);
  }

  async function createFeed(accountId: string, raw: unknown, scope: { projectKey?: string } = {}): Promise<Result<FeedView>> {
    const on = await requireEnabled();
    if (!on.ok) return on;
    if (!(await mayCreate(accountId, scope.projectKey))) return fail('FORBIDDEN', scope.projectKey ? 'Only admins of this project (or site admins) can create its calendar feeds.' : 'Your admin lets only some people create calendar feeds. Ask a site admin.');
    const input = parseFeedInput(raw);
    if (!input.ok) return input;
    const at = new Date(now()).toISOString();
    const def: FeedDefinition = { ...input.value, id: crypto.randomToken(12), ownerAccountId: accountId, ...(scope.projectKey ? { projectKey: scope.projectKey } : {}), createdAt: at, updatedAt: at, version: 1 };
    const valid = await validateJql(accountId, def);
    if (!valid.ok) return valid;
    await store.putFeed(def.id, def);
    await store.putState(def.id, {});
    await buildFor(def, now() + cfg.saveBuildBudgetMs);
    return ok(await viewOf(def, accountId, { manage: true }));
  }

  async function updateFeed(accountId: string, id: string, raw: unknown): Promise<Result<FeedView>> {
    const on = await requireEnabled();
    if (!on.ok) return on;
    const def = await loadFeed(id);
    if (!def) return fail('NOT_FOUND', 'That feed does not exist (any more).');
    if (!(await mayManage(accountId, def))) return fail('FORBIDDEN', 'Only the feed’s owner, an admin of its project or a site admin can change it.');
    const input = parseFeedInput(raw);
    if (!input.ok) return input;
    const content = changesContent(def, input.value);
    const next: FeedDefinition = { ...def, ...input.value, updatedAt: new Date(now()).toISOString(), version: def.version + (content || changesEvents(def, input.value) ? 1 : 0) };
    if (content) {
      const valid = await validateJql(accountId, next);
      if (!valid.ok) return valid;
    }
    await store.putFeed(id, next);
    if (content) await buildFor(next, now() + cfg.saveBuildBudgetMs);
    return ok(await viewOf(next, accountId, { manage: true }));
  }

  /** Title, description, time zone or timing changes change every event but not which issues: no rebuild, a new ETag. */
  const changesEvents = (a: FeedInput, b: FeedInput) => JSON.stringify([a.name, a.timing, a.timeZone, a.summaryTemplate, a.description, a.access]) !== JSON.stringify([b.name, b.timing, b.timeZone, b.summaryTemplate, b.description, b.access]);

  async function deleteFeed(accountId: string, id: string): Promise<Result<{ deleted: true }>> {
    const def = await loadFeed(id);
    if (!def) return fail('NOT_FOUND', 'That feed does not exist (any more).');
    if (!(await mayManage(accountId, def))) return fail('FORBIDDEN', 'Only the feed’s owner, an admin of its project or a site admin can delete it.');
    await store.deleteFeed(id);
    return ok({ deleted: true });
  }

  function statusOf(def: FeedDefinition, state: FeedState): FeedView['status'] {
    const last = state.lastBuild;
    const base = {
      ...(last ? { lastBuildAt: last.at, tookMs: last.tookMs, requests: last.requests, points: last.points } : {}),
      ...(state.current ? { issues: state.current.rows } : {}),
      ...(state.lastServe ? { bytes: state.lastServe.bytes, events: state.lastServe.events, capped: state.lastServe.capped } : {}),
    };
    const usable = state.current?.defVersion === def.version;
    if (state.problem && (!usable || state.problem.code !== 'throttled' || (state.problem.retryAt ?? 0) > now())) return { state: 'error', message: state.problem.message, ...base };
    if (usable) return { state: 'ok', ...base, ...(state.lastServe?.capped ? { message: 'The calendar is larger than a feed can serve: it shows the events nearest to today and says so.' } : {}) };
    if (state.building) return { state: 'building', message: `Building: ${state.building.rows.toLocaleString('en')} issues so far.`, ...base };
    return { state: 'new', message: 'Not built yet: it builds on first use.', ...base };
  }

  async function viewOf(def: FeedDefinition, accountId: string, opts: { manage?: boolean; check?: boolean } = {}): Promise<FeedView> {
    const state = readState(await store.getState(def.id));
    const manage = opts.manage ?? (await mayManage(accountId, def));
    const mine = await store.getUrl(accountId, def.id);
    const view: FeedView = {
      id: def.id,
      name: def.name,
      ...(def.projectKey ? { projectKey: def.projectKey } : {}),
      ownerAccountId: def.ownerAccountId,
      mine: def.ownerAccountId === accountId,
      canManage: manage,
      status: statusOf(def, state),
      ...(manage ? { definition: pickInput(def) } : {}),
      ...(mine ? { myUrl: { createdAt: mine.createdAt, expiresAt: mine.expiresAt, ...(mine.lastUsedAt === undefined ? {} : { lastUsedAt: mine.lastUsedAt }), expired: mine.expiresAt <= now() } } : {}),
    };
    if (opts.check) {
      const s = await checkSubscriber(jira, def, feedShape(def, state), accountId, { requests: 0, points: 0 });
      if (s.ok) {
        view.admitted = s.value.admitted;
        if (s.value.reason) view.notAdmittedReason = s.value.reason;
      }
    }
    return view;
  }

  const pickInput = (d: FeedDefinition): FeedInput => ({ name: d.name, jql: d.jql, window: d.window, dates: d.dates, timing: d.timing, timeZone: d.timeZone, summaryTemplate: d.summaryTemplate, description: d.description, access: d.access });

  /** Projects a feed shows: its cache's, or before the first build its own project. */
  const feedShape = (def: FeedDefinition, state: FeedState) => ({ projects: state.current?.projects ?? [], secured: state.current?.secured ?? [], ...(def.projectKey ? { projectKey: def.projectKey } : {}) });

  /** The feeds page: feeds the caller manages (all of them for site admins), and feeds they may subscribe to. */
  async function listFeeds(accountId: string, scope: { projectKey?: string } = {}): Promise<Result<{ feeds: FeedView[]; canCreate: boolean; siteAdmin: boolean }>> {
    const on = await requireEnabled();
    if (!on.ok) return on;
    const all = (await store.listFeeds()).map(readFeed).filter((d): d is FeedDefinition => d !== undefined);
    const inScope = scope.projectKey ? all.filter((d) => d.projectKey === scope.projectKey) : all;
    const siteAdmin = await jira.isSiteAdmin(accountId);
    const views: FeedView[] = [];
    for (const def of inScope) {
      const manage = siteAdmin || def.ownerAccountId === accountId || (def.projectKey !== undefined && (await jira.administersProject(accountId, def.projectKey)));
      const v = await viewOf(def, accountId, { manage, check: true });
      if (manage || v.admitted || v.myUrl) views.push(v);
    }
    views.sort((a, b) => a.name.localeCompare(b.name));
    return ok({ feeds: views, canCreate: await mayCreate(accountId, scope.projectKey), siteAdmin });
  }

  // ---- personal addresses ----------------------------------------------------------------------

  async function createUrl(accountId: string, feedId: string, mode: 'create' | 'rotate'): Promise<Result<{ url: string; expiresAt: number }>> {
    const on = await requireEnabled();
    if (!on.ok) return on;
    const def = await loadFeed(feedId);
    if (!def) return fail('NOT_FOUND', 'That feed does not exist (any more).');
    const state = readState(await store.getState(def.id));
    const sub = await checkSubscriber(jira, def, feedShape(def, state), accountId, { requests: 0, points: 0 });
    if (!sub.ok) return jiraFailure(sub.failure);
    if (!sub.value.admitted) return fail('FORBIDDEN', sub.value.reason ?? 'You are not admitted to this feed.');
    const existing = await store.getUrl(accountId, feedId);
    if (mode === 'create' && existing && existing.expiresAt > now()) return fail('BAD_REQUEST', 'You already have an address for this feed. Rotate it to get a new one (the old one stops working).');
    const { token, hash } = mintToken(crypto);
    const lifetime = on.value.urlLifetimeDays * DAY_MS;
    const url: FeedUrl = { feedId, accountId, tokenHash: hash, createdAt: now(), expiresAt: now() + lifetime };
    await store.putUrl(url, existing?.tokenHash);
    return ok({ url: feedUrlFor(await deps.triggerUrl(), token), expiresAt: url.expiresAt });
  }

  async function renewUrl(accountId: string, feedId: string): Promise<Result<{ expiresAt: number }>> {
    const on = await requireEnabled();
    if (!on.ok) return on;
    const existing = await store.getUrl(accountId, feedId);
    if (!existing) return fail('NOT_FOUND', 'You have no address for this feed.');
    if (existing.expiresAt <= now()) return fail('BAD_REQUEST', 'This address has expired. Create a new one.');
    const url = { ...existing, expiresAt: now() + on.value.urlLifetimeDays * DAY_MS };
    await store.putUrl(url);
    return ok({ expiresAt: url.expiresAt });
  }

  /** Your own address, or (site admins) anyone's. */
  async function revokeUrl(callerId: string, feedId: string, ownerId: string = callerId): Promise<Result<{ revoked: true }>> {
    if (ownerId !== callerId && !(await jira.isSiteAdmin(callerId))) return fail('FORBIDDEN', 'Only site admins can revoke other people’s addresses.');
    const existing = await store.getUrl(ownerId, feedId);
    if (!existing) return fail('NOT_FOUND', 'That address does not exist (any more).');
    await store.deleteUrl(ownerId, feedId);
    return ok({ revoked: true });
  }

  /** Every address, with owner and last use: site admins only. */
  async function listAllUrls(callerId: string): Promise<Result<UrlView[]>> {
    if (!(await jira.isSiteAdmin(callerId))) return fail('FORBIDDEN', 'Only site admins can see everyone’s calendar addresses.');
    const names = new Map((await store.listFeeds()).map(readFeed).filter((d): d is FeedDefinition => !!d).map((d) => [d.id, d.name]));
    const urls = await store.listUrls({});
    return ok(
      urls
        .map((u) => ({ feedId: u.feedId, feedName: names.get(u.feedId) ?? '(deleted feed)', accountId: u.accountId, createdAt: u.createdAt, expiresAt: u.expiresAt, ...(u.lastUsedAt === undefined ? {} : { lastUsedAt: u.lastUsedAt }), expired: u.expiresAt <= now() }))
        .sort((a, b) => (b.lastUsedAt ?? 0) - (a.lastUsedAt ?? 0)),
    );
  }

  // ---- building and refreshing -----------------------------------------------------------------

  const problem = (code: FeedProblem['code'], message: string, retryAfterSeconds?: number): FeedProblem => ({ code, message, at: now(), ...(retryAfterSeconds === undefined ? {} : { retryAt: now() + retryAfterSeconds * 1000 }) });

  function problemOf(f: JiraFailure): FeedProblem {
    switch (f.kind) {
      case 'throttled':
        return problem('throttled', `Jira asked the app to slow down (its hourly points budget); it retries in ${f.retryAfterSeconds} s.`, f.retryAfterSeconds);
      case 'bad_jql':
        return problem('jql', `Jira refused the feed’s JQL: ${f.messages.join(' ')}`);
      case 'no_access':
        return problem('owner_access', 'Jira refused to run the feed for its owner (their account may be gone or lack access). An admin can delete it, or its owner can save it again.');
      case 'unavailable':
        return problem('unavailable', `Jira did not answer (HTTP ${f.status}); the feed retries on the next fetch.`);
    }
  }

  /** Runs (or resumes) a full build until it finishes or the deadline passes. */
  async function buildFor(def: FeedDefinition, deadline: number): Promise<FeedState> {
    const state = readState(await store.getState(def.id));
    return build(def, state, deadline);
  }

  async function build(def: FeedDefinition, state: FeedState, deadline: number): Promise<FeedState> {
    let b: BuildProgress | undefined = state.building;
    if (b?.defVersion !== def.version) {
      if (b) await store.deleteChunks(def.id, b.gen, b.chunks);
      const w = fetchWindow(def);
      b = { gen: Math.max(state.current?.gen ?? 0, b?.gen ?? 0) + 1, defVersion: def.version, startedAt: now(), chunks: 0, rows: 0, requests: 0, points: 0, workMs: 0, fetchFrom: w.from, fetchTo: w.to, projects: [], secured: [] };
    }
    const jql = feedJql(def, b.fetchFrom, b.fetchTo);
    const fields = buildFields(def);
    const projects = new Map(b.projects.map((p) => [p.id, p.key]));
    const secured = new Set(b.secured);
    for (;;) {
      const started = now();
      const page = await jira.search(def.ownerAccountId, { jql, fields, maxResults: cfg.pageSize, ...(b.nextPageToken ? { nextPageToken: b.nextPageToken } : {}) });
      b.requests++;
      if (!page.ok) {
        const p = problemOf(page.failure);
        // Throttled or Jira down: keep what was built so far and resume later. Anything else starts over.
        const keep = page.failure.kind === 'throttled' || page.failure.kind === 'unavailable';
        if (!keep) await store.deleteChunks(def.id, b.gen, b.chunks);
        const next: FeedState = { ...state, problem: p, ...(keep ? { building: b } : {}) };
        if (!keep) delete next.building;
        await store.putState(def.id, next);
        return next;
      }
      b.points += 1 + page.value.issues.length;
      state.siteUrl ??= siteOf(page.value.issues);
      const rows = page.value.issues.map((i) => rowOf(def, i)).filter((r): r is FeedRow => r !== undefined);
      for (const chunk of chunkRows(rows)) await store.putChunk(def.id, b.gen, b.chunks++, chunk);
      for (const r of rows) {
        if (!projects.has(r.projectId)) projects.set(r.projectId, r.key.slice(0, r.key.lastIndexOf('-')));
        if (r.security) secured.add(r.id);
      }
      b.rows += rows.length;
      b.projects = [...projects].map(([id, key]) => ({ id, key }));
      b.secured = [...secured];
      b.workMs += now() - started;
      if (page.value.nextPageToken) b.nextPageToken = page.value.nextPageToken;
      else delete b.nextPageToken;
      if (!page.value.nextPageToken) {
        const old = state.current;
        const at = now();
        const current: CacheInfo = { gen: b.gen, chunks: b.chunks, rows: b.rows, defVersion: def.version, builtAt: at, refreshedAt: b.startedAt, changedAt: at, version: (old?.version ?? 0) + 1, fetchFrom: b.fetchFrom, fetchTo: b.fetchTo, projects: b.projects, secured: b.secured };
        await store.putDelta(def.id, writeDelta({ gen: b.gen, upserts: [], removed: [] }));
        const next: FeedState = { ...state, current, lastBuild: { kind: 'full', at, tookMs: b.workMs, requests: b.requests, points: b.points, issues: b.rows } };
        delete next.building;
        delete next.problem;
        await store.putState(def.id, next);
        if (old && old.gen !== b.gen) await store.deleteChunks(def.id, old.gen, old.chunks);
        return next;
      }
      const progress: FeedState = { ...state, building: b };
      await store.putState(def.id, progress);
      if (now() >= deadline) return progress;
    }
  }

  async function pages(as: string, jql: string, fields: string[], cost: CheckCost, limit = Number.POSITIVE_INFINITY): Promise<{ ok: true; value: SearchIssue[] } | { ok: false; failure: JiraFailure }> {
    const out: SearchIssue[] = [];
    let token: string | undefined;
    do {
      const page = await jira.search(as, { jql, fields, maxResults: cfg.pageSize, ...(token ? { nextPageToken: token } : {}) });
      cost.requests++;
      if (!page.ok) return page;
      cost.points += 1 + page.value.issues.length;
      out.push(...page.value.issues);
      token = page.value.nextPageToken;
    } while (token && out.length < limit);
    return { ok: true, value: out };
  }

  /** Asks Jira for what changed since the last refresh and records it in the delta. */
  async function refresh(def: FeedDefinition, state: FeedState & { current: CacheInfo }, cost: CheckCost): Promise<FeedState> {
    const c = state.current;
    const started = now();
    const minutes = Math.ceil((started - c.refreshedAt) / 60_000) + 2;
    const feed = feedJql(def, c.fetchFrom, c.fetchTo);
    const before = { ...cost };
    const changed = await pages(def.ownerAccountId, changedJql(feed, minutes), buildFields(def), cost);
    if (!changed.ok) return failRefresh(def, state, changed.failure);
    let left: string[] = [];
    const keys = [...new Set(c.projects.map((p) => p.key))];
    if (keys.length) {
      const gone = await pages(def.ownerAccountId, leftJql(feed, keys, minutes), ['updated'], cost);
      if (!gone.ok) return failRefresh(def, state, gone.failure);
      left = gone.value.map((i) => i.id);
    }
    const marks = readMarks(await store.getMarks());
    const deleted = marks.deleted.filter((d) => d.at >= c.refreshedAt - 120_000).map((d) => d.id);
    state.siteUrl ??= siteOf(changed.value);
    const upserts = changed.value.map((i) => rowOf(def, i)).filter((r): r is FeedRow => r !== undefined);
    // An issue that changed but lost its date makes no event any more.
    const dateless = changed.value.filter((i) => !upserts.some((r) => r.id === i.id)).map((i) => i.id);
    let delta = readDelta(await store.getDelta(def.id), c.gen);
    const known = new Map(delta.upserts.map((r) => [r.id, r.updated]));
    const news = upserts.filter((r) => known.get(r.id) !== r.updated);
    const removals = [...left, ...deleted, ...dateless];
    const contentChanged = news.length > 0 || removals.some((id) => !delta.removed.includes(id));
    delta = applyChanges(delta, news, removals);
    const projects = new Map(c.projects.map((p) => [p.id, p.key]));
    const secured = new Set(c.secured);
    for (const r of news) {
      if (!projects.has(r.projectId)) projects.set(r.projectId, r.key.slice(0, r.key.lastIndexOf('-')));
      if (r.security) secured.add(r.id);
      else secured.delete(r.id);
    }
    for (const id of removals) secured.delete(id);
    let current: CacheInfo = { ...c, refreshedAt: started, projects: [...projects].map(([id, key]) => ({ id, key })), secured: [...secured], ...(contentChanged ? { version: c.version + 1, changedAt: now() } : {}) };
    if (delta.upserts.length + delta.removed.length > DELTA_MAX_ROWS) ({ current, delta } = await compact(def, current, delta));
    await store.putDelta(def.id, writeDelta(delta));
    const next: FeedState = { ...state, current, lastBuild: { kind: 'incremental', at: now(), tookMs: now() - started, requests: cost.requests - before.requests, points: cost.points - before.points, issues: current.rows } };
    delete next.problem;
    await store.putState(def.id, next);
    return next;
  }

  async function failRefresh(def: FeedDefinition, state: FeedState, f: JiraFailure): Promise<FeedState> {
    const next = { ...state, problem: problemOf(f) };
    await store.putState(def.id, next);
    return next;
  }

  async function loadRows(def: FeedDefinition, c: CacheInfo): Promise<FeedRow[]> {
    const chunks = (await store.getChunks(def.id, c.gen, c.chunks)).map(decodeRows);
    return mergeRows(chunks, readDelta(await store.getDelta(def.id), c.gen));
  }

  /** Folds the delta into a new generation of chunks. */
  async function compact(def: FeedDefinition, c: CacheInfo, delta: Delta): Promise<{ current: CacheInfo; delta: Delta }> {
    const rows = mergeRows((await store.getChunks(def.id, c.gen, c.chunks)).map(decodeRows), delta);
    const gen = c.gen + 1;
    const chunks = chunkRows(rows);
    for (let i = 0; i < chunks.length; i++) await store.putChunk(def.id, gen, i, chunks[i]);
    await store.deleteChunks(def.id, c.gen, c.chunks);
    return { current: { ...c, gen, chunks: chunks.length, rows: rows.length }, delta: { gen, upserts: [], removed: [] } };
  }

  const rebuildDue = (def: FeedDefinition, c: CacheInfo) => now() - c.builtAt > cfg.rebuildAfterMs || servedWindow(def).to > addDays(c.fetchTo, -1);

  /**
   * The background job (a scheduled trigger): first builds, rebuilds of changed definitions, and the
   * daily rebuild that catches what incremental refreshes cannot see (deleted or moved issues).
   */
  async function tick(budgetMs: number): Promise<{ built: string[]; pending: string[] }> {
    const deadline = now() + budgetMs;
    const built: string[] = [];
    const pending: string[] = [];
    if (!(await deps.settings()).enabled) return { built, pending };
    const marks = readMarks(await store.getMarks());
    const recent = marks.deleted.filter((d) => now() - d.at < 7 * DAY_MS);
    if (recent.length !== marks.deleted.length) await store.putMarks({ ...marks, deleted: recent });
    for (const def of (await store.listFeeds()).map(readFeed).filter((d): d is FeedDefinition => !!d)) {
      const state = readState(await store.getState(def.id));
      const c = state.current;
      const due = c?.defVersion !== def.version || state.building !== undefined || rebuildDue(def, c);
      if (!due) continue;
      if (state.problem?.retryAt && state.problem.retryAt > now()) {
        pending.push(def.id);
        continue;
      }
      if (now() >= deadline) {
        pending.push(def.id);
        continue;
      }
      const after = await build(def, state, deadline);
      (after.building || after.current?.defVersion !== def.version ? pending : built).push(def.id);
    }
    return { built, pending };
  }

  /** Product events: something changed, so caches refresh on their next fetch; deletions are remembered. */
  async function onIssueEvent(e: { type: string; issueId?: string }): Promise<void> {
    const marks = readMarks(await store.getMarks());
    const next = { ...marks, dirtyAt: now() };
    if (e.type.includes(':deleted:') && e.issueId) next.deleted = [...marks.deleted.filter((d) => now() - d.at < 7 * DAY_MS), { id: e.issueId, at: now() }].slice(-5000);
    await store.putMarks(next);
  }

  // ---- serving ---------------------------------------------------------------------------------

  const notFound = (): FeedResponse => ({ status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }, body: NOT_FOUND_BODY });
  const unavailable = (seconds: number, why: string, cost?: CheckCost): FeedResponse => ({
    status: 503,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': String(Math.max(1, Math.ceil(seconds))), 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
    body: `${why}\n`,
    ...(cost ? { jira: cost } : {}),
  });

  /**
   * One calendar fetch: the token → the URL → the feed; the subscriber re-checked now; the cache
   * refreshed if stale; then 304, or the subscriber's own events with their text fetched as them.
   */
  async function serve(req: FeedRequest): Promise<FeedResponse> {
    const method = req.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Method not allowed\n' };
    const token = tokenFromPath(req.userPath);
    if (!token) return notFound();
    const url = verify(crypto, token, await store.urlByTokenHash(crypto.sha256(token)), now());
    if (!url) return notFound();
    const settings = await deps.settings();
    if (!settings.enabled) return notFound();
    const def = await loadFeed(url.feedId);
    if (!def) return notFound();
    if (shouldTouch(url, now())) await store.touchUrl(url, now());

    const cost: CheckCost = { requests: 0, points: 0 };
    let state = readState(await store.getState(def.id));
    if (state.current?.defVersion !== def.version) {
      if (state.problem?.retryAt && state.problem.retryAt > now()) return unavailable((state.problem.retryAt - now()) / 1000, 'The calendar is being built; Jira asked the app to wait.', cost);
      state = await build(def, state, now() + cfg.serveBuildBudgetMs);
      cost.requests += state.building?.requests ?? state.lastBuild?.requests ?? 0;
      if (state.current?.defVersion !== def.version) {
        const wait = state.problem?.retryAt ? (state.problem.retryAt - now()) / 1000 : 60;
        return unavailable(wait, state.problem && state.problem.code !== 'throttled' ? 'The calendar could not be built. Its owner can see why on the Calendar feeds page.' : 'The calendar is being built. Try again in a minute.', cost);
      }
    } else {
      const c = state.current;
      const marks = readMarks(await store.getMarks());
      const stale = now() - c.refreshedAt > cfg.freshMs || marks.dirtyAt > c.refreshedAt;
      const waiting = state.problem?.retryAt !== undefined && state.problem.retryAt > now();
      if (stale && !waiting) state = await refresh(def, { ...state, current: c }, cost);
      // A throttled refresh still serves the cache: it was right at its last refresh, and the re-check below is not skipped.
    }
    const current = state.current;
    if (!current) return unavailable(60, 'The calendar is being built. Try again in a minute.', cost);

    const checked = await checkSubscriber(jira, def, { projects: current.projects, secured: current.secured }, url.accountId, cost);
    if (!checked.ok) {
      if (checked.failure.kind === 'no_access' && checked.failure.status === 401) return notFound();
      const wait = checked.failure.kind === 'throttled' ? checked.failure.retryAfterSeconds : 60;
      return unavailable(wait, 'Jira is busy; the calendar cannot be checked for you right now.', cost);
    }
    const sub = checked.value;
    const window = servedWindow(def);
    const etag = `"${crypto.sha256([def.id, def.version, current.gen, current.version, window.from, window.to, subscriberFingerprint(def.access, sub)].join('\n')).slice(0, 32)}"`;
    const lastModified = new Date(Math.max(current.changedAt, Date.parse(def.updatedAt) || 0)).toUTCString();
    const headers: Record<string, string> = {
      'Content-Type': 'text/calendar; charset=utf-8',
      ETag: etag,
      'Last-Modified': lastModified,
      // Revalidate every time: the ETag answers cheaply, and access may have changed.
      'Cache-Control': 'private, no-cache',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
      'Content-Disposition': `inline; filename="${def.id}.ics"`,
    };
    if (req.ifNoneMatch?.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(etag)) return { status: 304, headers, jira: cost };
    if (method === 'HEAD') return { status: 200, headers, jira: cost };

    const rows = visibleRows(await loadRows(def, current), def.access, sub).filter((r) => inWindow(r, window.from, window.to));
    const body = await render(def, state, rows, sub, cost);
    if (!body.ok) return unavailable(body.retryAfterSeconds, 'Jira is busy; the calendar cannot be built for you right now.', cost);
    const bytes = utf8Length(body.value.text);
    const prev = state.lastServe;
    if (!prev || now() - prev.at > 5 * 60_000 || prev.bytes !== bytes || prev.capped !== body.value.capped) {
      await store.putState(def.id, { ...state, lastServe: { at: now(), bytes, events: body.value.events, capped: body.value.capped } });
    }
    return { status: 200, headers, body: body.value.text, jira: cost };
  }

  /** The subscriber's events with their text, nearest to today first when the calendar would be too large. */
  async function render(def: FeedDefinition, state: FeedState, rows: FeedRow[], sub: Subscriber, cost: CheckCost): Promise<{ ok: true; value: { text: string; events: number; capped: boolean } } | { ok: false; retryAfterSeconds: number }> {
    const siteUrl = state.siteUrl ?? 'https://jira.invalid';
    const ctx = { def, siteUrl, siteHost: hostOf(siteUrl) };
    const t = today(def);
    const sorted = rows.map((r) => ({ r, d: daysFrom(r, t) })).sort((a, b) => a.d - b.d || a.r.id.localeCompare(b.r.id));
    const needs = textFieldsNeeded(def);
    // Size of an event without its text, plus a generous allowance for the text fetched later.
    const allowance = needs.length ? 160 : 0;
    const budget = cfg.maxBodyBytes - 2048;
    const chosen: FeedRow[] = [];
    let used = 0;
    // Sized from the row alone (building every event twice cost a third of a large calendar's time).
    const fixed = 330 + 2 * (ctx.siteUrl.length + 8) + ctx.siteHost.length + 12 + def.summaryTemplate.length;
    for (const { r } of sorted) {
      if (r.start === undefined && r.end === undefined) continue;
      const size = fixed + 3 * r.key.length + r.id.length + allowance;
      if (used + size > budget) break;
      used += size;
      chosen.push(r);
    }
    let capped = chosen.length < sorted.length;
    let texts = new Map<string, IssueText>();
    if (needs.length && chosen.length) {
      const fetched = await fetchTexts(def, chosen, sub, needs, cost);
      if (!fetched.ok) return { ok: false, retryAfterSeconds: fetched.failure.kind === 'throttled' ? fetched.failure.retryAfterSeconds : 60 };
      texts = fetched.value;
    }
    // Jira, asked as the subscriber, is the last word: an issue it did not return is not shown.
    let events = chosen.filter((r) => !needs.length || texts.has(r.id)).map((r) => toEvent(ctx, r, texts.get(r.id) ?? {})).filter((e): e is EventSpec => e !== undefined);
    const total = sorted.length;
    // Not admitted any more: an empty calendar (apps then drop the events they had) that says why.
    const notice = sub.admitted ? undefined : `You no longer get this feed's events: ${sub.reason ?? 'you are not admitted to it.'}`;
    let text = calendarText(def, state, events, capped, total, notice);
    while (utf8Length(text) > cfg.maxBodyBytes && events.length) {
      events = events.slice(0, Math.floor(events.length * 0.95));
      capped = true;
      text = calendarText(def, state, events, capped, total, notice);
    }
    return { ok: true, value: { text, events: events.length, capped } };
  }

  function calendarText(def: FeedDefinition, state: FeedState, events: EventSpec[], capped: boolean, total: number, notice?: string): string {
    const stamp = new Date(state.current?.changedAt ?? now());
    const list = [...events];
    let description = notice ?? `Jira issues from the calendar feed “${def.name}”. Read-only; changes in Jira show here after the next refresh.`;
    if (capped) {
      const note = `This calendar shows the ${events.length.toLocaleString('en')} events nearest to today of ${total.toLocaleString('en')}: a calendar feed can be at most ${(cfg.maxBodyBytes / 1_000_000).toFixed(0)} MB. Narrow the feed's JQL or date window to see all of them.`;
      description += ` ${note}`;
      const day = Date.parse(`${today(def)}T00:00:00Z`);
      list.unshift({ uid: `feed-note-${def.id}@${hostOf(state.siteUrl ?? 'https://jira.invalid')}`, allDay: true, start: new Date(day), end: new Date(day + DAY_MS), summary: `Calendar feed “${def.name}” is incomplete`, description: note, url: state.siteUrl ?? 'https://jira.invalid', lastModified: stamp, sequence: 0 });
    }
    return writeCalendar({ name: def.name, description, stamp, events: list });
  }

  /** The text fields the template and description need, as the subscriber sees them, for the chosen rows. */
  async function fetchTexts(def: FeedDefinition, chosen: FeedRow[], sub: Subscriber, fields: string[], cost: CheckCost): Promise<{ ok: true; value: Map<string, IssueText> } | { ok: false; failure: JiraFailure }> {
    let from = '9999-12-31';
    let to = '0000-01-01';
    for (const r of chosen) {
      for (const v of [r.start, r.end]) {
        if (!v) continue;
        const d = v.slice(0, 10);
        if (d < from) from = d;
        if (d > to) to = d;
      }
    }
    let jql = feedJql(def, addDays(from, -1), addDays(to, 1));
    if (def.access.kind === 'userField' && (def.access.field === 'assignee' || def.access.field === 'reporter')) jql += ` AND ${def.access.field} = ${jqlString(sub.accountId)}`;
    const r = await pages(sub.accountId, jql, fields, cost);
    if (!r.ok) return r;
    const wanted = new Set(chosen.map((c) => c.id));
    const out = new Map<string, IssueText>();
    for (const i of r.value) if (wanted.has(i.id)) out.set(i.id, textOf(i));
    return { ok: true, value: out };
  }

  return {
    config: cfg,
    createFeed,
    updateFeed,
    deleteFeed,
    listFeeds,
    getFeed: async (accountId: string, id: string): Promise<Result<FeedView>> => {
      const def = await loadFeed(id);
      if (!def) return fail('NOT_FOUND', 'That feed does not exist (any more).');
      return ok(await viewOf(def, accountId, { check: true }));
    },
    createUrl: (accountId: string, feedId: string) => createUrl(accountId, feedId, 'create'),
    rotateUrl: (accountId: string, feedId: string) => createUrl(accountId, feedId, 'rotate'),
    renewUrl,
    revokeUrl,
    listAllUrls,
    serve,
    tick,
    onIssueEvent,
    /** For tests and the benchmark: build now, as far as the deadline allows. */
    buildNow: async (id: string, budgetMs: number) => {
      const def = await loadFeed(id);
      return def ? buildFor(def, now() + budgetMs) : undefined;
    },
  };
}

export type FeedsService = ReturnType<typeof feedsService>;

function inWindow(r: FeedRow, from: string, to: string): boolean {
  const first = (r.start ?? r.end ?? '').slice(0, 10);
  const last = (r.end ?? r.start ?? '').slice(0, 10);
  return first <= to && (last >= from || first >= from);
}

/** The site's address, from an issue's REST address (`https://site/rest/api/3/issue/10001`). */
function siteOf(issues: SearchIssue[]): string | undefined {
  for (const i of issues) {
    if (!i.self) continue;
    try {
      const u = new URL(i.self);
      if (u.protocol === 'https:' || u.hostname === 'localhost' || u.hostname === '127.0.0.1') return u.origin;
    } catch {
      // not a URL: try the next issue
    }
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'jira.invalid';
  }
}

function textOf(i: SearchIssue): IssueText {
  const f = i.fields;
  const name = (v: unknown, k: 'name' | 'displayName') => (typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[k] === 'string' ? ((v as Record<string, unknown>)[k] as string) : undefined);
  const out: IssueText = {};
  if (typeof f.summary === 'string') out.summary = f.summary;
  const status = name(f.status, 'name');
  if (status) out.status = status;
  const assignee = name(f.assignee, 'displayName');
  if (assignee) out.assignee = assignee;
  const priority = name(f.priority, 'name');
  if (priority) out.priority = priority;
  const type = name(f.issuetype, 'name');
  if (type) out.type = type;
  return out;
}

/** A Jira failure as one of the app's error values (for resolvers). */
export function jiraFailure(f: JiraFailure) {
  switch (f.kind) {
    case 'throttled':
      return fail('THROTTLED', `Jira is busy (the app’s hourly budget is used up). Try again in ${f.retryAfterSeconds} s.`, { retryAfterSeconds: f.retryAfterSeconds });
    case 'bad_jql':
      return fail('BAD_REQUEST', `Jira says: ${f.messages.join(' ')}`);
    case 'no_access':
      return fail('FORBIDDEN', 'Jira says you may not do that.');
    case 'unavailable':
      return fail('INTERNAL', `Jira did not answer (HTTP ${f.status}). Try again in a moment.`);
  }
}
