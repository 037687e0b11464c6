/**
 * Calendar feeds, the shared cache: full builds (resumable, page by page as the feed's owner), incremental
 * refreshes from what Jira says changed, compaction of the delta, the background job, and product events.
 */
import type { CheckCost } from './access';
import { applyChanges, chunkRows, decodeRows, DELTA_MAX_ROWS, mergeRows, readDelta, rowOf, writeDelta, type Delta } from './cache';
import { DAY_MS, type FeedContext } from './context';
import type { FeedRow } from './events';
import { buildFields, changedJql, feedJql, leftJql } from './jql';
import { readFeed, type FeedDefinition } from './model';
import type { JiraFailure, SearchIssue } from './ports';
import { readMarks, readState, type BuildProgress, type CacheInfo, type FeedProblem, type FeedState } from './state';
import { addDays } from './time';

export function feedBuilder(ctx: FeedContext) {
  const { cfg, store, jira, now, settings, servedWindow, fetchWindow } = ctx;

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
    if (!(await settings()).enabled) return { built, pending };
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

  return { build, buildFor, refresh, loadRows, pages, tick, onIssueEvent };
}

export type FeedBuilder = ReturnType<typeof feedBuilder>;

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
