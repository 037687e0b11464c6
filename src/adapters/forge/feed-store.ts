import { kvs, WhereConditions } from '@forge/kvs';
import type { FeedStore, FeedUrl } from '../../core/feeds';
import { isRecord } from '../../core/guards';
import { feedKeys, RECORD_KINDS } from './keys';
import { guardStorage } from './kvs-errors';

const DAY_MS = 86_400_000;
/** A feed's cached chunks outlive a missed rebuild or two, then go by themselves (the next fetch rebuilds). */
const CACHE_TTL = { value: 7, unit: 'DAYS' } as const;
/** Addresses and their token records go a month after they expire (the page can still say "expired"). */
const urlTtl = (url: FeedUrl, now: number) => ({ value: Math.min(365, Math.max(1, Math.ceil((url.expiresAt - now) / DAY_MS) + 30)), unit: 'DAYS' as const });

/** Every value under a key prefix (KVS answers at most 100 a page). */
async function all(prefix: string): Promise<Array<{ key: string; value: unknown }>> {
  const out: Array<{ key: string; value: unknown }> = [];
  let cursor: string | undefined;
  do {
    let q = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(100);
    if (cursor) q = q.cursor(cursor);
    const page = await q.getMany();
    out.push(...page.results);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const readUrl = (v: unknown): FeedUrl | undefined =>
  isRecord(v) && typeof v.feedId === 'string' && typeof v.accountId === 'string' && typeof v.tokenHash === 'string' && typeof v.createdAt === 'number' && typeof v.expiresAt === 'number'
    ? { feedId: v.feedId, accountId: v.accountId, tokenHash: v.tokenHash, createdAt: v.createdAt, expiresAt: v.expiresAt, ...(typeof v.lastUsedAt === 'number' ? { lastUsedAt: v.lastUsedAt } : {}) }
    : undefined;

/**
 * Calendar feeds in Forge KVS (plain values; the token hashes need no encryption, the tokens are never
 * stored). Keys and what each holds are described in keys.ts, which "What this app stores" reads.
 */
export const feedStore: FeedStore = {
  listFeeds: () => guardStorage(async () => (await all(RECORD_KINDS.feed.prefix)).map((r) => r.value)),
  getFeed: (id) => guardStorage(() => kvs.get(feedKeys.feed(id))),
  putFeed: (id, value) => guardStorage(() => kvs.set(feedKeys.feed(id), value)),
  deleteFeed: (id) =>
    guardStorage(async () => {
      const state = await kvs.get(feedKeys.state(id));
      if (isRecord(state)) {
        for (const part of [state.current, state.building]) {
          if (isRecord(part) && typeof part.gen === 'number' && typeof part.chunks === 'number') await feedStore.deleteChunks(id, part.gen, part.chunks);
        }
      }
      for (const u of await feedStore.listUrls({ feedId: id })) await feedStore.deleteUrl(u.accountId, u.feedId);
      await kvs.delete(feedKeys.delta(id));
      await kvs.delete(feedKeys.state(id));
      await kvs.delete(feedKeys.feed(id));
    }),

  getState: (id) => guardStorage(() => kvs.get(feedKeys.state(id))),
  putState: (id, value) => guardStorage(() => kvs.set(feedKeys.state(id), value)),

  getChunks: (id, gen, count) =>
    guardStorage(async () => {
      const out: unknown[] = [];
      // batchGet takes at most 25 keys a call; 10 chunks of ≤ 200 KiB stay well under its 4 MB payload.
      for (let i = 0; i < count; i += 10) {
        const keys = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({ key: feedKeys.chunk(id, gen, i + j) }));
        const got = await kvs.batchGet(keys);
        const byKey = new Map(got.successfulKeys.map((s) => [s.key, s.value]));
        for (const k of keys) out.push(byKey.get(k.key));
      }
      return out;
    }),
  putChunk: (id, gen, index, rows) => guardStorage(() => kvs.set(feedKeys.chunk(id, gen, index), rows, { ttl: CACHE_TTL })),
  deleteChunks: (id, gen, count) =>
    guardStorage(async () => {
      for (let i = 0; i < count; i += 25) {
        const items = Array.from({ length: Math.min(25, count - i) }, (_, j) => ({ key: feedKeys.chunk(id, gen, i + j) }));
        await kvs.batchDelete(items);
      }
    }),
  getDelta: (id) => guardStorage(() => kvs.get(feedKeys.delta(id))),
  putDelta: (id, value) => guardStorage(() => kvs.set(feedKeys.delta(id), value, { ttl: CACHE_TTL })),

  urlByTokenHash: (hash) =>
    guardStorage(async () => {
      const ref = await kvs.get(feedKeys.token(hash));
      if (!isRecord(ref) || typeof ref.accountId !== 'string' || typeof ref.feedId !== 'string') return undefined;
      return readUrl(await kvs.get(feedKeys.url(ref.accountId, ref.feedId)));
    }),
  getUrl: (accountId, feedId) => guardStorage(async () => readUrl(await kvs.get(feedKeys.url(accountId, feedId)))),
  putUrl: (url, previousHash) =>
    guardStorage(async () => {
      const ttl = urlTtl(url, Date.now());
      let t = kvs.transact().set(feedKeys.url(url.accountId, url.feedId), url, undefined, { ttl }).set(feedKeys.token(url.tokenHash), { accountId: url.accountId, feedId: url.feedId }, undefined, { ttl });
      if (previousHash && previousHash !== url.tokenHash) t = t.delete(feedKeys.token(previousHash));
      await t.execute();
    }),
  deleteUrl: (accountId, feedId) =>
    guardStorage(async () => {
      const url = readUrl(await kvs.get(feedKeys.url(accountId, feedId)));
      let t = kvs.transact().delete(feedKeys.url(accountId, feedId));
      if (url) t = t.delete(feedKeys.token(url.tokenHash));
      await t.execute();
    }),
  listUrls: ({ accountId, feedId }) =>
    guardStorage(async () =>
      (await all(accountId ? `${RECORD_KINDS.feedUrl.prefix}${accountId}:` : RECORD_KINDS.feedUrl.prefix))
        .map((r) => readUrl(r.value))
        .filter((u): u is FeedUrl => u !== undefined && (!feedId || u.feedId === feedId) && (!accountId || u.accountId === accountId)),
    ),
  touchUrl: (url, at) => guardStorage(() => kvs.set(feedKeys.url(url.accountId, url.feedId), { ...url, lastUsedAt: at }, { ttl: urlTtl(url, at) })),

  getMarks: () => guardStorage(() => kvs.get(feedKeys.marks())),
  putMarks: (value) => guardStorage(() => kvs.set(feedKeys.marks(), value)),
};
