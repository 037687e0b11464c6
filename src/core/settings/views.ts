import type { AppSettings, DiagnosticsLevel } from './model';
import { FEATURE_KEYS, FEATURES, type FeatureKey } from './features';
import type { MicrosoftApp } from './service';

/** What every module may know of the admin's settings (no registration details). */
export interface PublicSettings {
  features: Record<FeatureKey, boolean>;
  /** Empty: any `<tenant>.sharepoint.com`. */
  sharePointTenants: string[];
  sharing: AppSettings['sharing'];
}

export interface FeatureView {
  key: FeatureKey;
  label: string;
  description: string;
  built: boolean;
  enabled: boolean;
  /** Delegated Microsoft Graph permissions this feature asks users for. */
  scopes: string[];
  /** When an administrator approved those permissions for the organisation from this page. */
  consent?: { grantedAt: string; tenant: string };
}

export interface RegistrationView {
  /** Which registration is in force: set on this page, Forge variables, or none yet. */
  source: 'settings' | 'variables' | 'none';
  tenant?: string;
  clientId?: string;
  /** Only for `settings`: when the secret was set here. The secret itself never leaves the server. */
  secretSetAt?: string;
  /** Forge variables are set too (they apply again if the page's registration is removed). */
  variablesAvailable: boolean;
}

export interface AdminView {
  registration: RegistrationView;
  /** The address to register in Entra as a Web redirect URI, for this installation. */
  redirectUris: Array<{ uri: string; use: string }>;
  features: FeatureView[];
  sharePointTenants: string[];
  sharing: AppSettings['sharing'];
  diagnostics: DiagnosticsLevel;
  /** Microsoft 365 connections a change of client or tenant would end. */
  storedConnections: number;
  /** Stored settings that could not be read and fell back to defaults. */
  damaged: string[];
  updatedAt?: string;
}



/** What the admin page shows; built from the settings, never carrying the client secret. */
export function adminView(input: {
  settings: AppSettings;
  app: MicrosoftApp | undefined;
  variablesAvailable: boolean;
  redirectUri: string;
  product: 'jira' | 'confluence';
  storedConnections: number;
  damaged: string[];
}): AdminView {
  const { settings: s, app } = input;
  const registration: RegistrationView = app
    ? { source: app.source, tenant: app.tenant, clientId: app.clientId, ...(app.source === 'settings' && s.registration ? { secretSetAt: s.registration.secretSetAt } : {}), variablesAvailable: input.variablesAvailable }
    : { source: 'none', variablesAvailable: input.variablesAvailable };
  return {
    registration,
    redirectUris: [{ uri: input.redirectUri, use: `Sign-ins and approvals from this ${input.product === 'jira' ? 'Jira' : 'Confluence'} installation` }],
    features: FEATURE_KEYS.map((key) => {
      const f = FEATURES[key];
      const consent = s.consents[key];
      return { key, label: f.label, description: f.description, built: f.built, enabled: s.features[key], scopes: [...f.scopes], ...(consent ? { consent: { grantedAt: consent.grantedAt, tenant: consent.tenant } } : {}) };
    }),
    sharePointTenants: s.sharePointTenants,
    sharing: s.sharing,
    diagnostics: s.diagnostics,
    storedConnections: input.storedConnections,
    damaged: input.damaged,
    ...(s.updatedAt ? { updatedAt: s.updatedAt } : {}),
  };
}

export const publicSettings = (s: AppSettings): PublicSettings => ({ features: s.features, sharePointTenants: s.sharePointTenants, sharing: s.sharing });


