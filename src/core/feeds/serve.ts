/**
 * Calendar feeds, one calendar fetch: the address's token checked, the subscriber admitted again now, the cache
 * refreshed when stale, then 304 or the subscriber's own events with their text fetched as them.
 */
import { checkSubscriber, subscriberFingerprint, visibleRows, type CheckCost, type Subscriber } from './access';
import type { FeedBuilder } from './builder';
import { DAY_MS, hostOf, type FeedContext } from './context';
import { daysFrom, toEvent, type EventSpec, type FeedRow, type IssueText } from './events';
import { utf8Length, writeCalendar } from './ical';
import { feedJql, jqlString } from './jql';
import { textFieldsNeeded, type FeedDefinition } from './model';
import type { JiraFailure, SearchIssue } from './ports';
import { readMarks, readState, type FeedState } from './state';
import { addDays } from './time';
import { shouldTouch, tokenFromPath, verify } from './tokens';

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

const NOT_FOUND_BODY = 'Not found\n';

export function feedServer(ctx: FeedContext, builder: FeedBuilder) {
  const { cfg, store, jira, crypto, now, settings, today, servedWindow, loadFeed } = ctx;
  const { build, refresh, loadRows, pages } = builder;

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
    const policy = await settings();
    if (!policy.enabled) return notFound();
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

  return { serve };
}

function inWindow(r: FeedRow, from: string, to: string): boolean {
  const first = (r.start ?? r.end ?? '').slice(0, 10);
  const last = (r.end ?? r.start ?? '').slice(0, 10);
  return first <= to && (last >= from || first >= from);
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
