/**
 * Calendar feeds, what people do with them: define, change and delete feeds (who may is asked of Jira), see them
 * on the feeds page, and get, renew, rotate or revoke their personal addresses.
 */
import { fail, ok, type Result } from '../result';
import { checkSubscriber } from './access';
import type { FeedBuilder } from './builder';
import { DAY_MS, type FeedContext, type FeedPolicy } from './context';
import { feedJql } from './jql';
import { changesContent, parseFeedInput, readFeed, type FeedDefinition, type FeedInput } from './model';
import type { FeedUrl, JiraFailure } from './ports';
import { readState, type FeedState } from './state';
import { feedUrlFor, mintToken } from './tokens';

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

const bad = (m: string) => fail('BAD_REQUEST', m);

export function feedManagement(ctx: FeedContext, builder: FeedBuilder) {
  const { cfg, store, jira, crypto, now, settings, triggerUrl, fetchWindow, loadFeed } = ctx;
  const { buildFor } = builder;

  async function mayCreate(accountId: string, projectKey: string | undefined): Promise<boolean> {
    const s = await settings();
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
    const s = await settings();
    return s.enabled ? ok(s) : fail('FEATURE_OFF', 'Calendar feeds are turned off by your admin.');
  }

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
    return ok({ url: feedUrlFor(await triggerUrl(), token), expiresAt: url.expiresAt });
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

  return {
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
  };
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
