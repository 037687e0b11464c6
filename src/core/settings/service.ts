import { AppError } from '../result';
import { FEATURE_KEYS, FEATURES, scopesFor, type FeatureKey } from './features';
import { applyPatch, readSettings, registrationKey, type AdminConsent, type AppSettings, type RegistrationInput, type SettingsPatch } from './model';

/** Where the settings live (a KVS document and one KVS secret in production). */
export interface SettingsStore {
  load(): Promise<unknown>;
  save(settings: AppSettings): Promise<void>;
  loadClientSecret(): Promise<string | undefined>;
  saveClientSecret(secret: string): Promise<void>;
  deleteClientSecret(): Promise<void>;
}

/** Forge variables (`forge variables set`): the fallback registration, and the Microsoft endpoints. */
export interface Variables {
  MS_CLIENT_ID?: string;
  MS_CLIENT_SECRET?: string;
  MS_TENANT?: string;
}

/** The Entra app registration in force, from the settings page or else from Forge variables. */
export interface MicrosoftApp {
  source: 'settings' | 'variables';
  clientId: string;
  tenant: string;
  /** Connections made under another key are ended. */
  key: string;
  /** A function value, passed around as one (e.g. to the identity client), so not a method. */
  clientSecret: () => Promise<string>;
}

/**
 * Settings for one invocation: read once, then served from memory. Nothing is kept across
 * invocations (a warm runtime may serve another installation next).
 */
export function settingsService(deps: { store: SettingsStore; variables: Variables; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  let loaded: Promise<{ settings: AppSettings; damaged: string[] }> | undefined;
  const read = () => (loaded ??= deps.store.load().then(readSettings));

  async function current(): Promise<AppSettings> {
    return (await read()).settings;
  }

  async function save(next: AppSettings): Promise<AppSettings> {
    await deps.store.save(next);
    loaded = Promise.resolve({ settings: next, damaged: [] });
    return next;
  }

  async function microsoftApp(): Promise<MicrosoftApp | undefined> {
    const s = await current();
    if (s.registration) {
      const r = s.registration;
      return {
        source: 'settings',
        clientId: r.clientId,
        tenant: r.tenant,
        key: registrationKey(r),
        clientSecret: async () => {
          const secret = await deps.store.loadClientSecret();
          if (!secret) throw AppError.of('MISCONFIGURED');
          return secret;
        },
      };
    }
    const v = deps.variables;
    if (v.MS_CLIENT_ID && v.MS_CLIENT_SECRET) {
      const secret = v.MS_CLIENT_SECRET;
      const tenant = v.MS_TENANT || 'organizations';
      return { source: 'variables', clientId: v.MS_CLIENT_ID, tenant, key: registrationKey({ clientId: v.MS_CLIENT_ID, tenant }), clientSecret: () => Promise.resolve(secret) };
    }
    return undefined;
  }

  return {
    current,
    damaged: async () => (await read()).damaged,
    microsoftApp,
    enabled: async (f: FeatureKey) => (await current()).features[f],
    /** Throws FEATURE_OFF (as an error value through `attempt`) when the admin turned `f` off. */
    async requireFeature(f: FeatureKey): Promise<void> {
      if (!(await current()).features[f]) throw AppError.of('FEATURE_OFF', `feature_off:${f}`);
    },
    /** Scopes a user's sign-in asks: the basics and what the enabled features need. */
    async signInScopes(): Promise<string[]> {
      const s = await current();
      return scopesFor(FEATURE_KEYS.filter((k) => s.features[k] && FEATURES[k].built));
    },
    update: async (patch: SettingsPatch) => save(applyPatch(await current(), patch, now())),
    /** Returns whether the client or tenant changed (which ends every stored connection). */
    async saveRegistration(input: RegistrationInput): Promise<{ settings: AppSettings; keyChanged: boolean }> {
      const before = await microsoftApp();
      const s = await current();
      const at = now().toISOString();
      if (input.clientSecret !== undefined) await deps.store.saveClientSecret(input.clientSecret);
      else if (!s.registration) throw new AppError('BAD_REQUEST', 'Enter the client secret (its value, not its id).');
      const registration = { tenant: input.tenant, clientId: input.clientId, secretSetAt: input.clientSecret !== undefined ? at : (s.registration?.secretSetAt ?? at), updatedAt: at };
      const settings = await save({ ...s, registration, updatedAt: at });
      return { settings, keyChanged: before !== undefined && before.key !== registrationKey(registration) };
    },
    /** Forgets the registration set here; Forge variables apply again if set. */
    async clearRegistration(): Promise<{ settings: AppSettings; keyChanged: boolean }> {
      const before = await microsoftApp();
      const s = await current();
      const { registration: _dropped, ...rest } = s;
      await deps.store.deleteClientSecret();
      const settings = await save({ ...rest, updatedAt: now().toISOString() });
      const after = await microsoftApp();
      return { settings, keyChanged: before?.key !== after?.key };
    },
    async recordConsent(feature: FeatureKey, consent: AdminConsent): Promise<AppSettings> {
      const s = await current();
      return save({ ...s, consents: { ...s.consents, [feature]: consent }, updatedAt: now().toISOString() });
    },
  };
}

export type SettingsService = ReturnType<typeof settingsService>;
