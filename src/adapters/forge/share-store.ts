import { kvs, Sort } from '@forge/kvs';
import { MAX_SHARES_PER_ISSUE, readShare, type IssueShareRecord, type PageShareRecord, type ShareRecord } from '../../core/sharing/model';
import { MAX_SHARES_PER_PAGE } from '../../core/sharing/target';
import type { ShareStore } from '../../core/sharing/ports';
import { ENTITIES, keys } from './keys';
import { guardStorage } from './kvs-errors';

/**
 * Shares in the Custom Entity Store (`app.storage.entities` in manifest.yml), one entity per share,
 * queried by issue (the panel: one query), by Confluence page (`by-page`, sparse: only page shares
 * have a `pageId`) and by sharer (their export, deletion and sign-out count).
 * Entity queries return at most 20 per page (runtime-reference/storage-api-query-complex), which is
 * why an issue holds at most MAX_SHARES_PER_ISSUE (20) shares.
 */
const entity = () => kvs.entity<ShareRecord>(ENTITIES.share);

/** Every record of an index partition, page by page. */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<{ results: Array<{ key: string; value: T }>; nextCursor?: string }>): Promise<Array<{ key: string; value: T }>> {
  const out: Array<{ key: string; value: T }> = [];
  let cursor: string | undefined;
  do {
    const p = await guardStorage(() => page(cursor));
    out.push(...p.results);
    cursor = p.nextCursor;
  } while (cursor);
  return out;
}

const valid = (rows: Array<{ value: unknown }>): ShareRecord[] => rows.map((r) => readShare(r.value)).filter((s): s is ShareRecord => s !== undefined);

export const shareStore: ShareStore = {
  byIssue: (issueId) =>
    guardStorage(async () => {
      const page = await entity().query().index('by-issue', { partition: [issueId] }).sort(Sort.DESC).limit(MAX_SHARES_PER_ISSUE).getMany();
      return valid(page.results).filter((s): s is IssueShareRecord => s.product === 'jira' && s.issueId === issueId);
    }),
  byPage: (pageId) =>
    guardStorage(async () => {
      const page = await entity().query().index('by-page', { partition: [pageId] }).sort(Sort.DESC).limit(MAX_SHARES_PER_PAGE).getMany();
      return valid(page.results).filter((s): s is PageShareRecord => s.product === 'confluence' && s.pageId === pageId);
    }),
  bySharer: async (accountId) =>
    valid(
      await allPages((cursor) => {
        let q = entity().query().index('by-sharer', { partition: [accountId] }).limit(20);
        if (cursor) q = q.cursor(cursor);
        return q.getMany();
      }),
    ),
  get: (shareId) => guardStorage(async () => readShare(await entity().get(keys.share(shareId)))),
  put: (share) => guardStorage(() => entity().set(keys.share(share.shareId), share)),
  delete: (shareId) => guardStorage(() => entity().delete(keys.share(shareId))),
};

/** Whether the account shared anything (one query of one result). */
export const hasShares = (accountId: string): Promise<boolean> =>
  guardStorage(async () => (await entity().query().index('by-sharer', { partition: [accountId] }).limit(1).getMany()).results.length > 0);
