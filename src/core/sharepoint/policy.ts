import type { AppErrorBody } from '../result';
import { hostPolicyFrom } from './hosts';
import { checkSiteHost } from './ids';
import { FEATURE_OFF_MESSAGE } from './states';

/** The SharePoint macros switched off, as the `account/token` resolver refuses them in a macro. */
export const SHAREPOINT_OFF: AppErrorBody = { code: 'FEATURE_OFF', message: FEATURE_OFF_MESSAGE, reason: 'feature_off:sharepoint' };

/**
 * Whether the admin's public settings (`settings/public`) let a macro show its configured site: undefined when they do,
 * else the refusal — the macros are switched off, or the site's tenant is no longer among the admin's.
 */
export function macroRefusal(settings: { features: { sharepoint: boolean }; sharePointTenants: readonly string[] }, siteId: string): AppErrorBody | undefined {
  if (!settings.features.sharepoint) return SHAREPOINT_OFF;
  const host = checkSiteHost(siteId, hostPolicyFrom(settings));
  return host.ok ? undefined : host.error;
}

export { checkSiteHost } from './ids';
