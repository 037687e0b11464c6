import { kvs } from '@forge/kvs';
import type { SettingsStore } from '../../core/settings';
import { keys } from './keys';
import { guardStorage } from './kvs-errors';

/** The settings document (plain KVS) and the client secret (a KVS secret, never sent to a browser). */
export const settingsStore: SettingsStore = {
  load: () => guardStorage(() => kvs.get(keys.settings())),
  save: (settings) => guardStorage(() => kvs.set(keys.settings(), settings)),
  loadClientSecret: () => guardStorage(() => kvs.getSecret<string>(keys.clientSecret())),
  saveClientSecret: (secret) => guardStorage(() => kvs.setSecret(keys.clientSecret(), secret)),
  deleteClientSecret: () => guardStorage(() => kvs.deleteSecret(keys.clientSecret())),
};
