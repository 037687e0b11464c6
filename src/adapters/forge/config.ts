import { webTrigger } from '@forge/api';
import { AppError } from '../../core/result';
import type { AccountConfig } from '../../core/account/ports';

/** The scopes every feature needs, asked for once so users consent once. */
export const GRAPH_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'User.Read', 'Sites.Read.All', 'Files.Read.All'];

export const OAUTH_CALLBACK_TRIGGER = 'ms-oauth-callback';

export interface MicrosoftSettings {
  clientId: string;
  clientSecret: string;
  tenant: string;
  loginBaseUrl: string;
  graphBaseUrl: string;
}

/**
 * Forge environment variables (`forge variables set`). The base URLs default to Microsoft's
 * public cloud; the local host points them at its emulator.
 */
export function microsoftSettings(env: NodeJS.ProcessEnv = process.env): MicrosoftSettings {
  const clientId = env.MS_CLIENT_ID ?? '';
  const clientSecret = env.MS_CLIENT_SECRET ?? '';
  if (!clientId || !clientSecret) {
    throw new AppError('MISCONFIGURED', 'The app is not connected to a Microsoft Entra app registration yet. An admin must set MS_CLIENT_ID and MS_CLIENT_SECRET.');
  }
  return {
    clientId,
    clientSecret,
    tenant: env.MS_TENANT || 'organizations',
    loginBaseUrl: (env.MS_LOGIN_BASE_URL || 'https://login.microsoftonline.com').replace(/\/+$/, ''),
    graphBaseUrl: (env.MS_GRAPH_BASE_URL || 'https://graph.microsoft.com/v1.0').replace(/\/+$/, ''),
  };
}

export function accountConfig(s: MicrosoftSettings): AccountConfig {
  return {
    authorizeEndpoint: `${s.loginBaseUrl}/${encodeURIComponent(s.tenant)}/oauth2/v2.0/authorize`,
    clientId: s.clientId,
    scopes: GRAPH_SCOPES,
    graphBaseUrl: s.graphBaseUrl,
    redirectUri: () => webTrigger.getUrl(OAUTH_CALLBACK_TRIGGER),
  };
}
