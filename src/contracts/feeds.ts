import type { FeedInput, FeedView, UrlView } from '../core/feeds';
import type { Result } from '../core/result';
import type { FeedSettings } from '../core/settings/model';

export type { FeedInput, FeedView, UrlView, FeedSettings };

/** A person's name for an account id (the page shows names, the app stores ids). */
export interface PersonName {
  accountId: string;
  displayName: string;
}

export interface FeedsPage {
  feeds: FeedView[];
  canCreate: boolean;
  siteAdmin: boolean;
  /** Site admins only: who may create feeds, and how long addresses live. */
  settings?: FeedSettings;
  /** Names for the owners shown. */
  people: PersonName[];
}

/**
 * Calendar feeds: the feeds page (global, and per project for its admins), each person's own
 * calendar address, and the site admin's view of every address. The calling user comes from the
 * invocation's context; a `projectKey` in a payload only narrows, and is checked with Jira.
 */
export type FeedsDefs = {
  'feeds/list': (p: { projectKey?: string }) => Promise<Result<FeedsPage>>;
  'feeds/create': (p: { input: FeedInput; projectKey?: string }) => Promise<Result<FeedView>>;
  'feeds/update': (p: { id: string; input: FeedInput }) => Promise<Result<FeedView>>;
  'feeds/delete': (p: { id: string }) => Promise<Result<{ deleted: true }>>;
  /** The roles a project has, for the access choice. */
  'feeds/roles': (p: { projectKey: string }) => Promise<Result<Array<{ id: string; name: string }>>>;
  /** The caller's groups, for the access choice. */
  'feeds/groups': () => Promise<Result<Array<{ groupId: string; name: string }>>>;
  /** A new address (shown once: only its hash is kept). */
  'feeds/url/create': (p: { feedId: string }) => Promise<Result<{ url: string; expiresAt: number }>>;
  /** A new address replacing the old one, which stops working at once. */
  'feeds/url/rotate': (p: { feedId: string }) => Promise<Result<{ url: string; expiresAt: number }>>;
  'feeds/url/renew': (p: { feedId: string }) => Promise<Result<{ expiresAt: number }>>;
  /** Your own address, or (site admins) anyone's. */
  'feeds/url/revoke': (p: { feedId: string; accountId?: string }) => Promise<Result<{ revoked: true }>>;
  /** Site admins: every address, with its owner and last use. */
  'feeds/urls': () => Promise<Result<{ urls: UrlView[]; people: PersonName[] }>>;
  /** Site admins: who may create feeds, and how long addresses live. */
  'feeds/settings/save': (p: FeedSettings) => Promise<Result<FeedSettings>>;
};
