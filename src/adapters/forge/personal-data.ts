import { kvs } from '@forge/kvs';
import type { MicrosoftConnection } from '../../core/account/ports';
import { readSettings } from '../../core/settings/model';
import { mirrorIds } from '../../core/sharing/service';
import { readFeed } from '../../core/feeds/model';
import { feedStore } from './feed-store';
import { feedKeys, keys } from './keys';
import { guardStorage } from './kvs-errors';
import { linkStore } from './link-store';
import { shareStore } from './share-store';
import { writeMirror } from './jira-issues';
import { automationRecordsOf } from './automation-store';
import { offerStore, openStore } from './share-controls';
import { shareControlKeys } from './keys';

/**
 * Everything stored per Atlassian account, for that user's export and deletion and for account
 * closure. Secrets are exported without their secret parts (tokens).
 */
export async function readAccountRecords(accountId: string): Promise<Array<{ key: string; value: unknown }>> {
  const out: Array<{ key: string; value: unknown }> = [];
  await guardStorage(async () => {
    const index = await kvs.get(keys.accountIndex(accountId));
    if (index !== undefined) out.push({ key: keys.accountIndex(accountId), value: index });
    const c = await kvs.getSecret<MicrosoftConnection>(keys.msConnection(accountId));
    if (c) {
      const { refreshToken: _r, accessToken: _a, accessTokenExpiresAt: _e, ...visible } = c;
      out.push({ key: keys.msConnection(accountId), value: { ...visible, tokens: 'kept encrypted; not exported' } });
    }
  });
  for (const s of await shareStore.bySharer(accountId)) out.push({ key: keys.share(s.shareId), value: s });
  for (const l of await linkStore.byAccount(accountId)) out.push({ key: keys.link(l.linkId), value: l });
  // Calendar addresses: the hash of each secret stays on the server (it is not personal, and the secret itself was never stored).
  for (const u of await feedStore.listUrls({ accountId })) {
    const { tokenHash: _h, ...visible } = u;
    out.push({ key: feedKeys.url(accountId, u.feedId), value: { ...visible, address: 'its secret is not stored, so it cannot be shown; rotate it on the Calendar feeds page for a new one' } });
  }
  for (const f of await ownedFeeds(accountId)) out.push({ key: feedKeys.feed(f.id), value: f });
  out.push(...(await automationRecordsOf(accountId)));
  out.push(...(await shareControlRecordsOf(accountId)));
  return out;
}

/** Who opened their shares and what they opened (ids and times), and hand-overs to or from them. */
async function shareControlRecordsOf(accountId: string): Promise<Array<{ key: string; value: unknown }>> {
  const [asViewer, asSharer, to, from] = await Promise.all([openStore.byViewer(accountId), openStore.bySharer(accountId), offerStore.byTo(accountId), offerStore.byFrom(accountId)]);
  const opens = new Map([...asViewer, ...asSharer].map((o) => [o.openId, o]));
  const offers = new Map([...to, ...from].map((o) => [o.offerId, o]));
  return [...[...opens.values()].map((o) => ({ key: shareControlKeys.open(o.openId), value: o })), ...[...offers.values()].map((o) => ({ key: shareControlKeys.offer(o.offerId), value: o }))];
}

async function ownedFeeds(accountId: string) {
  return (await feedStore.listFeeds()).map(readFeed).filter((f) => f?.ownerAccountId === accountId).filter((f) => f !== undefined);
}

/** Whether the account holds records besides its connection (its index entry must then stay). */
export async function holdsSharedItems(accountId: string): Promise<boolean> {
  return (await shareStore.bySharer(accountId)).length > 0 || (await linkStore.byAccount(accountId)).length > 0 || (await feedStore.listUrls({ accountId })).length > 0 || (await ownedFeeds(accountId)).length > 0 || (await automationRecordsOf(accountId)).length > 0 || (await shareControlRecordsOf(accountId)).length > 0;
}

/**
 * Deletes every record of the account; returns how many there were. `forgetAutomations` (src/automation-services.ts)
 * runs before the connection goes: the person's Graph subscriptions can only be deleted as them. Passed in, not
 * imported: the automations are wired from the app's services, which this store's neighbours are part of.
 */
export async function deleteAccountRecords(accountId: string, forgetAutomations: (accountId: string) => Promise<void>): Promise<number> {
  const records = await readAccountRecords(accountId);
  const shares = await shareStore.bySharer(accountId);
  for (const s of shares) {
    await shareStore.delete(s.shareId);
    await linkStore.delete(s.shareId);
  }
  for (const l of await linkStore.byAccount(accountId)) await linkStore.delete(l.linkId);
  // Opens they made and opens of their shares; hand-overs to or from them.
  for (const r of await shareControlRecordsOf(accountId)) {
    const v = r.value as { openId?: string; offerId?: string };
    if (v.openId !== undefined) await openStore.delete(v.openId);
    else if (v.offerId !== undefined) await offerStore.delete(v.offerId);
  }
  for (const u of await feedStore.listUrls({ accountId })) await feedStore.deleteUrl(accountId, u.feedId);
  // A feed is built as its owner: without them it cannot run, so it goes, with every address to it.
  for (const f of await ownedFeeds(accountId)) await feedStore.deleteFeed(f.id);
  // Before the connection goes: its Graph subscriptions are deleted as the person while that still works.
  await forgetAutomations(accountId);
  await guardStorage(async () => {
    await kvs.deleteSecret(keys.msConnection(accountId));
    await kvs.delete(keys.accountIndex(accountId));
  });
  // The JQL mirror of each issue touched follows the link store (best effort: it is never trusted).
  if (shares.length > 0) {
    const settings = readSettings(await guardStorage(() => kvs.get(keys.settings()))).settings;
    if (settings.features.linkStore) {
      for (const issueId of new Set(shares.flatMap((s) => (s.product === 'jira' ? [s.issueId] : [])))) {
        await writeMirror(issueId, mirrorIds(issueId, await shareStore.byIssue(issueId), settings.sharing.allowedScopes)).catch(() => undefined);
      }
    }
  }
  return records.length;
}
