import { kvs, WhereConditions } from '@forge/kvs';
import type { ConnectionStore, MicrosoftConnection, PendingSignIn, PendingSignInStore, SignInOutcome } from '../../core/account/ports';
import { keys, RECORD_KINDS } from './keys';
import { guardStorage } from './kvs-errors';
import { holdsSharedItems } from './personal-data';

/** The plain index entry of an account that has data here (secrets cannot be listed or counted). */
export interface AccountIndexEntry {
  updatedAt: string;
  connected: boolean;
  /** Set when the connection was ended for the user (e.g. the admin changed the app registration). */
  ended?: 'registration_changed';
}

/** Every account index entry, page by page (KVS pages hold at most 100). */
export async function* accountIndex(): AsyncGenerator<{ accountId: string; entry: AccountIndexEntry }> {
  let cursor: string | undefined;
  do {
    let q = kvs.query().where('key', WhereConditions.beginsWith(RECORD_KINDS.accountIndex.prefix)).limit(100);
    if (cursor) q = q.cursor(cursor);
    const page = await guardStorage(() => q.getMany<AccountIndexEntry>());
    for (const r of page.results) yield { accountId: r.key.slice(RECORD_KINDS.accountIndex.prefix.length), entry: r.value };
    cursor = page.nextCursor;
  } while (cursor);
}

export const connectionStore: ConnectionStore = {
  get: (accountId) => guardStorage(() => kvs.getSecret<MicrosoftConnection>(keys.msConnection(accountId))),
  put: (accountId, connection) =>
    guardStorage(async () => {
      // Index first: an index entry without a secret is harmless, a secret nobody can list is not.
      await kvs.set<AccountIndexEntry>(keys.accountIndex(accountId), { updatedAt: new Date().toISOString(), connected: true });
      await kvs.setSecret(keys.msConnection(accountId), connection);
    }),
  putRefreshed: (accountId, connection) => guardStorage(() => kvs.setSecret(keys.msConnection(accountId), connection)),
  delete: (accountId) =>
    guardStorage(async () => {
      await kvs.deleteSecret(keys.msConnection(accountId));
      // Shared items outlive the connection (signing in again shows them): the entry keeps the account
      // reported to Atlassian and deleted when it closes, for as long as it holds them.
      if (await holdsSharedItems(accountId)) await kvs.set<AccountIndexEntry>(keys.accountIndex(accountId), { updatedAt: new Date().toISOString(), connected: false });
      else await kvs.delete(keys.accountIndex(accountId));
    }),
  async count() {
    let n = 0;
    for await (const { entry } of accountIndex()) if (entry.connected) n++;
    return n;
  },
  async endAll(reason) {
    const ids: string[] = [];
    for await (const { accountId, entry } of accountIndex()) if (entry.connected) ids.push(accountId);
    for (const id of ids) {
      await guardStorage(async () => {
        await kvs.deleteSecret(keys.msConnection(id));
        await kvs.set<AccountIndexEntry>(keys.accountIndex(id), { updatedAt: new Date().toISOString(), connected: false, ended: reason });
      });
    }
    return ids.length;
  },
  endedReason: (accountId) => guardStorage(async () => (await kvs.get<AccountIndexEntry>(keys.accountIndex(accountId)))?.ended),
};

export const pendingSignInStore: PendingSignInStore = {
  put: (stateHash, pending, ttlSeconds) =>
    guardStorage(() => kvs.setSecret(keys.msPendingSignIn(stateHash), pending, { ttl: { value: ttlSeconds, unit: 'SECONDS' } })),
  take: (stateHash) =>
    guardStorage(async () => {
      const key = keys.msPendingSignIn(stateHash);
      const found = await kvs.getSecret<PendingSignIn>(key);
      if (found) await kvs.deleteSecret(key);
      return found;
    }),
  peek: (stateHash) => guardStorage(() => kvs.getSecret<PendingSignIn>(keys.msPendingSignIn(stateHash))),
  putOutcome: (stateHash, outcome, ttlSeconds) =>
    guardStorage(() => kvs.set(keys.msSignInOutcome(stateHash), outcome, { ttl: { value: ttlSeconds, unit: 'SECONDS' } })),
  outcome: (stateHash) => guardStorage(() => kvs.get<SignInOutcome>(keys.msSignInOutcome(stateHash))),
};
