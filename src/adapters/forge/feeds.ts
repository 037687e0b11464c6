import api, { route, webTrigger } from '@forge/api';
import { kvs } from '@forge/kvs';
import { feedsService, type FeedsConfig } from '../../core/feeds';
import { isRecord } from '../../core/guards';
import { settingsService } from '../../core/settings';
import { nodeCrypto } from '../node/crypto';
import { feedJira } from './feed-jira';
import { feedStore } from './feed-store';
import { keys } from './keys';
import { guardStorage } from './kvs-errors';
import { settingsStore } from './settings-store';

/** The web trigger that serves calendars (manifest.yml `webtrigger` key). */
export const FEED_TRIGGER = 'calendar-feed';

/** The feeds service on Forge: KVS, Jira as named people, node:crypto, the admin's settings. Built per invocation. */
export function feeds(config: Partial<FeedsConfig> = {}) {
  const settings = settingsService({ store: settingsStore, variables: process.env });
  return {
    settings,
    service: feedsService({
      store: feedStore,
      jira: feedJira,
      crypto: nodeCrypto,
      now: () => Date.now(),
      settings: async () => {
        const s = await settings.current();
        return { enabled: s.features.calendarFeeds, creators: s.feeds.creators, urlLifetimeDays: s.feeds.urlLifetimeDays };
      },
      triggerUrl: () => webTrigger.getUrl(FEED_TRIGGER),
      config,
    }),
  };
}

/**
 * An account with a calendar address is listed in the account index, so the daily personal data
 * report names it to Atlassian and its addresses go when the account closes.
 */
export async function ensureIndexed(accountId: string): Promise<void> {
  await guardStorage(async () => {
    if ((await kvs.get(keys.accountIndex(accountId))) === undefined) await kvs.set(keys.accountIndex(accountId), { updatedAt: new Date().toISOString(), connected: false });
  });
}

/** Display names for account ids, as the caller may see them (GET /rest/api/3/user/bulk, 10 a page by default). */
export async function displayNames(accountIds: string[]): Promise<Array<{ accountId: string; displayName: string }>> {
  const out: Array<{ accountId: string; displayName: string }> = [];
  const ids = [...new Set(accountIds)];
  for (let i = 0; i < ids.length; i += 50) {
    const query = new URLSearchParams([['maxResults', '50'], ...ids.slice(i, i + 50).map((id): [string, string] => ['accountId', id])]);
    const res = await api.asUser().requestJira(route`/rest/api/3/user/bulk?${query}`, { headers: { Accept: 'application/json' } });
    if (!res.ok) continue;
    const body = (await res.json()) as unknown;
    if (!isRecord(body) || !Array.isArray(body.values)) continue;
    for (const u of body.values as unknown[]) if (isRecord(u) && typeof u.accountId === 'string' && typeof u.displayName === 'string') out.push({ accountId: u.accountId, displayName: u.displayName });
  }
  return out;
}
