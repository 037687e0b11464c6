import { kvs, WhereConditions } from '@forge/kvs';
import { readShare, type ShareRecord } from '../../core/sharing/model';
import { readOpen, type OpenRecord } from '../../core/sharing/opens';
import { readOffer, type OfferRecord } from '../../core/sharing/handover';
import { readProjectPolicy } from '../../core/sharing/kind-policy';
import type { OfferStore, OpenStore, OwnShareStore, ProjectPolicyStore } from '../../core/sharing/my-shares';
import { ENTITIES, shareControlKeys } from './keys';
import { guardStorage } from './kvs-errors';
import { allPages, shareStore } from './share-store';

/**
 * Storage for keeping shares under control (src/core/sharing/my-shares.ts), as declared in
 * manifest.yml and described in RECORD_KINDS: opens and hand-over offers as custom entities (queried
 * by share, by person and by time), a project's sharing rules as one plain key per project, and the
 * shares' end dates through the share entity's sparse `by-expiry` index (only shares with an end date
 * are in it). Entity query pages hold at most 20 (runtime-reference/storage-api-query-complex).
 */
const opens = () => kvs.entity<OpenRecord>(ENTITIES.shareOpen);
const offers = () => kvs.entity<OfferRecord>(ENTITIES.shareOffer);
const shares = () => kvs.entity<ShareRecord>(ENTITIES.share);

/** Up to `max` records of an index query, page by page. */
async function upTo<T>(max: number, page: (cursor: string | undefined) => Promise<{ results: Array<{ key: string; value: T }>; nextCursor?: string }>): Promise<{ rows: T[]; more: boolean }> {
  const rows: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await guardStorage(() => page(cursor));
    rows.push(...p.results.map((r) => r.value));
    cursor = p.nextCursor;
  } while (cursor && rows.length < max);
  return { rows: rows.slice(0, max), more: rows.length > max || cursor !== undefined };
}

const valid = <T>(read: (v: unknown) => T | undefined, rows: unknown[]): T[] => rows.map(read).filter((x): x is T => x !== undefined);

export const ownShareStore: OwnShareStore = {
  bySharer: (accountId) => shareStore.bySharer(accountId),
  get: (shareId) => shareStore.get(shareId),
  put: (share) => shareStore.put(share),
  delete: (shareId) => shareStore.delete(shareId),
  endedBefore: async (iso, limit) =>
    valid(
      readShare,
      (
        await upTo(limit, (cursor) => {
          let q = shares().query().index('by-expiry').where(WhereConditions.lessThanEqualTo(iso)).limit(20);
          if (cursor) q = q.cursor(cursor);
          return q.getMany();
        })
      ).rows,
    ),
};

const opensBy = async (index: 'by-viewer' | 'by-sharer', accountId: string): Promise<OpenRecord[]> =>
  valid(
    readOpen,
    (
      await allPages((cursor) => {
        let q = opens().query().index(index, { partition: [accountId] }).limit(20);
        if (cursor) q = q.cursor(cursor);
        return q.getMany();
      })
    ).map((r) => r.value),
  );

export const openStore: OpenStore & { bySharer(accountId: string): Promise<OpenRecord[]> } = {
  // A batch holds at most 25 items (storage-reference/entities-batch); a view shows at most 20 shares.
  putMany: async (list) => {
    for (let i = 0; i < list.length; i += 25) {
      const chunk = list.slice(i, i + 25);
      await guardStorage(() => kvs.batchSet(chunk.map((o) => ({ entityName: ENTITIES.shareOpen, key: shareControlKeys.open(o.openId), value: o }))));
    }
  },
  byShare: async (shareId, limit) => {
    const r = await upTo(limit, (cursor) => {
      let q = opens().query().index('by-share', { partition: [shareId] }).limit(20);
      if (cursor) q = q.cursor(cursor);
      return q.getMany();
    });
    return { opens: valid(readOpen, r.rows), more: r.more };
  },
  byViewer: (accountId) => opensBy('by-viewer', accountId),
  bySharer: (accountId) => opensBy('by-sharer', accountId),
  olderThan: async (iso, limit) =>
    valid(
      readOpen,
      (
        await upTo(limit, (cursor) => {
          let q = opens().query().index('by-time').where(WhereConditions.lessThan(iso)).limit(20);
          if (cursor) q = q.cursor(cursor);
          return q.getMany();
        })
      ).rows,
    ),
  delete: (openId) => guardStorage(() => opens().delete(shareControlKeys.open(openId))),
};

const offersBy = async (index: 'by-to' | 'by-from', accountId: string): Promise<OfferRecord[]> =>
  valid(
    readOffer,
    (
      await allPages((cursor) => {
        let q = offers().query().index(index, { partition: [accountId] }).limit(20);
        if (cursor) q = q.cursor(cursor);
        return q.getMany();
      })
    ).map((r) => r.value),
  );

export const offerStore: OfferStore = {
  put: (o) => guardStorage(() => offers().set(shareControlKeys.offer(o.offerId), o)),
  get: (offerId) => guardStorage(async () => readOffer(await offers().get(shareControlKeys.offer(offerId)))),
  byTo: (accountId) => offersBy('by-to', accountId),
  byFrom: (accountId) => offersBy('by-from', accountId),
  olderThan: async (iso, limit) =>
    valid(
      readOffer,
      (
        await upTo(limit, (cursor) => {
          let q = offers().query().index('by-created').where(WhereConditions.lessThan(iso)).limit(20);
          if (cursor) q = q.cursor(cursor);
          return q.getMany();
        })
      ).rows,
    ),
  delete: (offerId) => guardStorage(() => offers().delete(shareControlKeys.offer(offerId))),
};

export const projectPolicyStore: ProjectPolicyStore = {
  get: (projectId) => guardStorage(async () => readProjectPolicy(await kvs.get(shareControlKeys.projectPolicy(projectId)))),
  put: (p) => guardStorage(() => kvs.set(shareControlKeys.projectPolicy(p.projectId), p)),
};
