import { webTrigger } from '@forge/api';
import { readOriginAliases } from '../../core/sharepoint/embed';

export const OAUTH_CALLBACK_TRIGGER = 'ms-oauth-callback';

/** Microsoft's endpoints. Forge variables override them for national clouds and the local host. */
export interface MicrosoftEndpoints {
  loginBaseUrl: string;
  graphBaseUrl: string;
  /**
   * `MS_ORIGIN_ALIASES`: where Microsoft hosts are served instead of their public address (`{ "<served at>":
   * "<public origin>" }`), so the browser judges a preview or thumbnail URL as the public one it stands for.
   * Only the local host sets it, one origin per Microsoft host; deployed it is unset.
   */
  originAliases?: Record<string, string>;
}

export function microsoftEndpoints(env: NodeJS.ProcessEnv = process.env): MicrosoftEndpoints {
  const originAliases = readOriginAliases(env.MS_ORIGIN_ALIASES);
  return {
    loginBaseUrl: (env.MS_LOGIN_BASE_URL || 'https://login.microsoftonline.com').replace(/\/+$/, ''),
    graphBaseUrl: (env.MS_GRAPH_BASE_URL || 'https://graph.microsoft.com/v1.0').replace(/\/+$/, ''),
    ...(originAliases ? { originAliases } : {}),
  };
}

/** The web trigger that receives Microsoft's redirects; registered in Entra as the redirect URI. */
export const redirectUri = (): Promise<string> => webTrigger.getUrl(OAUTH_CALLBACK_TRIGGER);

/** Graph resource URIs for the admin-consent endpoint (`Mail.Read` → `https://graph.microsoft.com/Mail.Read`). */
export const graphScopeUri = (scope: string): string => (['openid', 'profile', 'email', 'offline_access'].includes(scope) ? scope : `https://graph.microsoft.com/${scope}`);
