import type { MicrosoftOrigins } from './microsoft-hosts';

/**
 * The demo tenant's Entra app registration, and the Forge variables the local host sets for the
 * app — the same names an admin sets with `forge variables set` for a real deployment.
 */
export const LOCAL_ENTRA_APP = {
  clientId: '6f2b8c1e-4d3a-4b7f-9e21-0c5d7a9b3f10',
  clientSecret: 'local-demo-secret-not-for-production',
};

/**
 * `MS_ORIGIN_ALIASES` tells the app where each Microsoft host it must recognise in Graph's answers (a SharePoint
 * preview page, a thumbnail) is served instead, as `{ "<served at>": "<production origin>" }`; deployed it is unset.
 */
export function localVariables(origins: MicrosoftOrigins, microsoftFixture: { tenants?: Array<{ id: string; home?: boolean }> }): Record<string, string> {
  const home = microsoftFixture.tenants?.find((t) => t.home) ?? microsoftFixture.tenants?.[0];
  return {
    MS_CLIENT_ID: LOCAL_ENTRA_APP.clientId,
    MS_CLIENT_SECRET: LOCAL_ENTRA_APP.clientSecret,
    MS_TENANT: home?.id ?? 'organizations',
    MS_LOGIN_BASE_URL: `${origins.login}/login`,
    MS_GRAPH_BASE_URL: `${origins.graph}/graph/v1.0`,
    MS_ORIGIN_ALIASES: JSON.stringify(Object.fromEntries(origins.served.map((h) => [h.local, h.production]))),
  };
}
