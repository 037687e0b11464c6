import type { Directory } from '../data/directory';
import { resolveWhen } from '../data/ids';
import type { MicrosoftFixture, RegistrationFixture } from '../fixture';

export interface ClientSecret {
  value: string;
  /** Epoch ms; `Infinity` for a secret handed in through the `app` option. */
  expiresAt: number;
}

/** One Entra app registration as the identity endpoints see it. */
export interface Registration {
  clientId: string;
  displayName: string;
  homeTenantId: string;
  signInAudience: RegistrationFixture['signInAudience'];
  secrets: readonly ClientSecret[];
  /** The registered list now: the fixture's, the `app` option's and any added at run time. */
  redirectUris(): string[];
  /** What `/.default` asks for, delegated. */
  requiredPermissions: readonly string[];
  applicationPermissions: readonly string[];
}

/** The `app` option of `createMicrosoftEmulator`, as the local host passes it. */
export interface AppOption {
  clientId: string;
  clientSecret: string;
  redirectUris: () => string[];
  displayName?: string;
}

export interface Registrations {
  byClientId(clientId: string): Registration | undefined;
  all(): Registration[];
  /** An admin adding a redirect URI in the admin center; false for an unknown client. */
  addRedirectUri(clientId: string, uri: string): boolean;
  /** Forgets redirect URIs added at run time. */
  reset(): void;
}

// What the emulator called the app before registrations were data; kept for option-only apps.
const DEFAULT_DISPLAY_NAME = 'Microsoft 365 for Atlassian';

export const buildRegistrations = (d: {
  fixture: MicrosoftFixture;
  directory: Directory;
  origin: string;
  startDay: number;
  app?: AppOption;
}): Registrations => {
  const added = new Map<string, Set<string>>();
  const extra = (clientId: string): string[] => [...(added.get(clientId) ?? [])];

  const fromFixture = (r: RegistrationFixture): Registration => {
    const home = d.directory.tenants.find((t) => t.key === r.homeTenant);
    if (!home) throw new Error(`Registration ${r.clientId} names unknown tenant '${r.homeTenant}'`);
    const fixed = r.redirectUris.map((u) => u.replaceAll('{origin}', d.origin));
    const option = d.app?.clientId === r.clientId ? d.app : undefined;
    const secrets: ClientSecret[] = r.secrets.map((s) => ({ value: s.value, expiresAt: resolveWhen(s.expires, d.startDay) }));
    if (option && !secrets.some((s) => s.value === option.clientSecret)) secrets.push({ value: option.clientSecret, expiresAt: Infinity });
    return {
      clientId: r.clientId, displayName: option?.displayName ?? r.displayName, homeTenantId: home.id,
      signInAudience: r.signInAudience, secrets,
      redirectUris: () => [...new Set([...fixed, ...(option?.redirectUris() ?? []), ...extra(r.clientId)])],
      requiredPermissions: [...r.requiredPermissions], applicationPermissions: [...(r.applicationPermissions ?? [])],
    };
  };

  const list = (d.fixture.registrations ?? []).map(fromFixture);
  const app = d.app;
  if (app && !list.some((r) => r.clientId === app.clientId)) {
    const home = d.directory.tenants[0];
    if (!home) throw new Error('The fixture has no tenant to register the app in');
    list.push({
      clientId: app.clientId, displayName: app.displayName ?? DEFAULT_DISPLAY_NAME, homeTenantId: home.id,
      signInAudience: 'AzureADMultipleOrgs', secrets: [{ value: app.clientSecret, expiresAt: Infinity }],
      redirectUris: () => [...new Set([...app.redirectUris(), ...extra(app.clientId)])],
      requiredPermissions: [...d.fixture.appPermissions], applicationPermissions: [],
    });
  }
  const byId = new Map(list.map((r) => [r.clientId, r]));

  return {
    // Entra matches client ids as GUIDs, whatever their case.
    byClientId: (clientId) => byId.get(clientId) ?? list.find((r) => r.clientId.toLowerCase() === clientId.toLowerCase()),
    all: () => [...list],
    addRedirectUri: (clientId, uri) => {
      if (!byId.has(clientId)) return false;
      const set = added.get(clientId) ?? new Set<string>();
      set.add(uri);
      added.set(clientId, set);
      return true;
    },
    reset: () => { added.clear(); },
  };
};
