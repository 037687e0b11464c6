/**
 * What the parts of the calendar feeds service share (service.ts puts them together): the ports, the clock, the
 * configuration, and the date windows a feed is read in.
 */
import type { FeedCreators } from '../settings/model';
import { FEED_ID, readFeed, type FeedDefinition } from './model';
import type { FeedCrypto, FeedStore, JiraPort } from './ports';
import { addDays, addMonths, firstOfMonth, localDate } from './time';

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

export const DAY_MS = 86_400_000;

export function feedContext(deps: FeedsDeps) {
  const cfg: FeedsConfig = { ...DEFAULT_CONFIG, ...deps.config };
  const { store, jira, crypto, now, settings, triggerUrl } = deps;

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

  return { cfg, store, jira, crypto, now, settings, triggerUrl, today, servedWindow, fetchWindow, loadFeed };
}

export type FeedContext = ReturnType<typeof feedContext>;

/** The host of a site address, for event UIDs (a made-up one when the address is not one). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'jira.invalid';
  }
}
