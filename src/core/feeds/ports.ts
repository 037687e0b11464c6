/**
 * What the feeds core needs from outside, as ports: Jira (always as a named person — the feed's
 * owner or a subscriber — never as the app), storage, cryptography and the clock. The Forge
 * adapters implement them in src/adapters/forge; tests pass in-memory fakes.
 */

export interface SearchIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  /** The issue's REST address, which names the site: links in events are made from it. */
  self?: string;
}

export interface SearchPage {
  issues: SearchIssue[];
  nextPageToken?: string;
}

/** How a Jira call failed, in terms the feed acts on. */
export type JiraFailure =
  | { kind: 'throttled'; retryAfterSeconds: number }
  | { kind: 'bad_jql'; messages: string[] }
  /** The person the call ran as may not do this (or no longer exists). */
  | { kind: 'no_access'; status: number }
  | { kind: 'unavailable'; status: number };

export type JiraResult<T> = { ok: true; value: T } | { ok: false; failure: JiraFailure };

/**
 * Jira, as the person whose account id is given (`asUser(accountId)` in Forge; see the README's
 * "Calendar feeds" section for why not `asApp()`).
 */
export interface JiraPort {
  /** POST /rest/api/3/search/jql, one page. */
  search(as: string, req: { jql: string; fields: string[]; maxResults: number; nextPageToken?: string }): Promise<JiraResult<SearchPage>>;
  /** POST /rest/api/3/jql/parse?validation=strict: Jira's own error words, none when valid. */
  parseJql(as: string, jql: string): Promise<JiraResult<string[]>>;
  /** POST /rest/api/3/permissions/check for the caller themself: the projects and issues they may browse. */
  browsable(as: string, q: { projects: string[]; issues: string[] }): Promise<JiraResult<{ projects: string[]; issues: string[] }>>;
  /** The caller's own groups (GET /rest/api/3/user/groups?accountId=<themself>). */
  groupsOf(as: string): Promise<JiraResult<Array<{ groupId: string; name: string }>>>;
  /** Who holds a project role (GET /rest/api/3/project/{key}/role/{id}); needs project admin rights. */
  roleActors(as: string, projectKey: string, roleId: string): Promise<JiraResult<{ accountIds: string[]; groups: Array<{ groupId?: string; name: string }> }>>;
  /** The roles of a project, for the feed page. */
  projectRoles(as: string, projectKey: string): Promise<JiraResult<Array<{ id: string; name: string }>>>;
  /** Global and project administration, for who may create and manage feeds. */
  isSiteAdmin(as: string): Promise<boolean>;
  administersProject(as: string, projectKey: string): Promise<boolean>;
}

/** One person's calendar address for one feed. The token itself is never stored: only its SHA-256. */
export interface FeedUrl {
  feedId: string;
  accountId: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt?: number;
}

export interface FeedStore {
  listFeeds(): Promise<unknown[]>;
  getFeed(id: string): Promise<unknown>;
  putFeed(id: string, value: unknown): Promise<void>;
  /** The definition, its state, cache, delta and every URL to it. */
  deleteFeed(id: string): Promise<void>;

  getState(id: string): Promise<unknown>;
  putState(id: string, value: unknown): Promise<void>;

  getChunks(id: string, gen: number, count: number): Promise<unknown[]>;
  putChunk(id: string, gen: number, index: number, rows: unknown): Promise<void>;
  deleteChunks(id: string, gen: number, count: number): Promise<void>;
  getDelta(id: string): Promise<unknown>;
  putDelta(id: string, value: unknown): Promise<void>;

  /** By the SHA-256 of the token: the only way a calendar client's request finds its URL. */
  urlByTokenHash(hash: string): Promise<FeedUrl | undefined>;
  getUrl(accountId: string, feedId: string): Promise<FeedUrl | undefined>;
  /** Stores a URL and forgets the token it replaces, at once: a rotated token stops working immediately. */
  putUrl(url: FeedUrl, previousHash?: string): Promise<void>;
  deleteUrl(accountId: string, feedId: string): Promise<void>;
  listUrls(filter: { accountId?: string; feedId?: string }): Promise<FeedUrl[]>;
  touchUrl(url: FeedUrl, at: number): Promise<void>;

  /** Issue events since the last refreshes: when the last one came, and deleted issue ids. */
  getMarks(): Promise<unknown>;
  putMarks(value: unknown): Promise<void>;
}

export interface FeedCrypto {
  randomToken(bytes: number): string;
  sha256(text: string): string;
  safeEqual(a: string, b: string): boolean;
}
