import { kvs } from '@forge/kvs';
import { readLink, type LinkRecord } from '../../core/sharing/model';
import type { LinkStore } from '../../core/sharing/ports';
import { ENTITIES, keys } from './keys';
import { guardStorage } from './kvs-errors';
import { allPages } from './share-store';

/**
 * The mail ↔ issue link store (seed 001) in the Custom Entity Store: authoritative, looked up by
 * issue, by conversation, by Message-ID, and by the Atlassian account that linked (export, deletion).
 * The issue entity property that mirrors it for JQL is written elsewhere and never read back.
 */
const entity = () => kvs.entity<LinkRecord>(ENTITIES.link);

const byIndex = async (index: string, value: string): Promise<LinkRecord[]> =>
  (
    await allPages((cursor) => {
      let q = entity().query().index(index, { partition: [value] }).limit(20);
      if (cursor) q = q.cursor(cursor);
      return q.getMany();
    })
  )
    .map((r) => readLink(r.value))
    .filter((l): l is LinkRecord => l !== undefined);

export const linkStore: LinkStore & { byAccount(accountId: string): Promise<LinkRecord[]> } = {
  put: (link) => guardStorage(() => entity().set(keys.link(link.linkId), link)),
  delete: (linkId) => guardStorage(() => entity().delete(keys.link(linkId))),
  byIssue: (issueId) => byIndex('by-issue', issueId),
  byConversation: (conversationId) => byIndex('by-conversation', conversationId),
  byMessage: (internetMessageId) => byIndex('by-message', internetMessageId),
  byAccount: (accountId) => byIndex('by-account', accountId),
};
