import { microsoftAccounts } from './core/account/service';
import { connectionStore, pendingSignInStore } from './adapters/forge/account-stores';
import { accountConfig, microsoftSettings } from './adapters/forge/config';
import { identityClient } from './adapters/microsoft/identity-client';

/**
 * Wires the core to its Forge and Microsoft adapters, per invocation: nothing tenant-specific
 * lives in module scope (a warm runtime may serve another installation next).
 */
export function services() {
  const settings = microsoftSettings();
  return {
    accounts: microsoftAccounts({
      config: accountConfig(settings),
      connections: connectionStore,
      pending: pendingSignInStore,
      identity: identityClient(settings),
    }),
  };
}
