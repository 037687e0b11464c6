import { microsoftAccounts, type MicrosoftAccounts } from './core/account/service';
import { AppError } from './core/result';
import { settingsService, type SettingsService } from './core/settings';
import { connectionStore, pendingSignInStore } from './adapters/forge/account-stores';
import { settingsStore } from './adapters/forge/settings-store';
import { microsoftEndpoints, redirectUri } from './adapters/forge/config';
import { identityClient } from './adapters/microsoft/identity-client';
import { nodeCrypto } from './adapters/node/crypto';

/**
 * Wires the core to its Forge and Microsoft adapters, per invocation: nothing tenant-specific
 * lives in module scope (a warm runtime may serve another installation next). Everything is
 * lazy, so a call that needs only the settings never touches the sign-in machinery.
 */
export function services() {
  const settings = settingsService({ store: settingsStore, variables: process.env });
  let accounts: Promise<MicrosoftAccounts> | undefined;
  return {
    settings,
    endpoints: microsoftEndpoints(),
    /** The sign-in service for the registration in force; MISCONFIGURED when there is none. */
    accounts: () => (accounts ??= makeAccounts(settings)),
  };
}

export type Services = ReturnType<typeof services>;

async function makeAccounts(settings: SettingsService): Promise<MicrosoftAccounts> {
  const [app, scopes] = await Promise.all([settings.microsoftApp(), settings.signInScopes()]);
  if (!app) throw AppError.of('MISCONFIGURED');
  const { loginBaseUrl, graphBaseUrl, originAliases } = microsoftEndpoints();
  return microsoftAccounts({
    config: {
      authorizeEndpoint: `${loginBaseUrl}/${encodeURIComponent(app.tenant)}/oauth2/v2.0/authorize`,
      clientId: app.clientId,
      scopes,
      graphBaseUrl,
      ...(originAliases ? { originAliases } : {}),
      registrationKey: app.key,
      redirectUri,
    },
    connections: connectionStore,
    pending: pendingSignInStore,
    crypto: nodeCrypto,
    identity: identityClient({ loginBaseUrl, tenant: app.tenant, clientId: app.clientId, clientSecret: app.clientSecret }),
  });
}
