import { jiraSite, type JiraSite } from './jira/store';
import { confluenceSite, type ConfluenceSite } from './confluence/store';
import { pointsMeters, type PointsMeters } from './points';
import type { EntityPropertyIndex } from './jira/entity-properties';
import type { AtlassianFixture } from './tenant';

export interface SiteOptions {
  /** The host clock: issue timestamps, relative fixture dates, JQL's `now()`, the points windows. */
  now?: () => number;
  /** What the app's `jira:entityProperty` modules index (JQL on `issue.property[…]` and search aliases). */
  entityProperties?: EntityPropertyIndex;
}

export function siteDirectory(fx: AtlassianFixture, opts: SiteOptions = {}) {
  const now = opts.now ?? Date.now;
  const userByKey = (key: string) => fx.users.find((u) => u.key === key);
  const userById = (accountId: string) => fx.users.find((u) => u.accountId === accountId);
  const directory = { fixture: fx, userByKey, userById, now };
  const jira: JiraSite = jiraSite(directory, opts.entityProperties);
  const confluence: ConfluenceSite = confluenceSite(directory);
  const points: PointsMeters = pointsMeters(now);
  return {
    ...directory,
    jira,
    confluence,
    points,
    page: (id: string) => confluence.page(id),
    /** The issue as the host holds it now (fixture issues plus those created since). */
    issue: (keyOrId: string) => jira.issue(keyOrId),
    /** Back to the fixture: issues, roles, properties, points, settings. */
    reset() {
      jira.reset();
      confluence.reset();
      points.reset();
    },
  };
}

export type SiteDirectory = ReturnType<typeof siteDirectory>;
