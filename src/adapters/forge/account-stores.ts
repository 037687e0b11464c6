import { kvs } from '@forge/kvs';
import type { ConnectionStore, MicrosoftConnection, PendingSignIn, PendingSignInStore } from '../../core/account/ports';
import { keys } from './keys';
import { guardStorage } from './kvs-errors';

export const connectionStore: ConnectionStore = {
  get: (accountId) => guardStorage(() => kvs.getSecret<MicrosoftConnection>(keys.msConnection(accountId))),
  put: (accountId, connection) => guardStorage(() => kvs.setSecret(keys.msConnection(accountId), connection)),
  delete: (accountId) => guardStorage(() => kvs.deleteSecret(keys.msConnection(accountId))),
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
};
