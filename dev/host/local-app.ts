/**
 * The demo tenant's Entra app registration, and the Forge variables the local host sets for the
 * app — the same names an admin sets with `forge variables set` for a real deployment.
 */
export const LOCAL_ENTRA_APP = {
  clientId: '6f2b8c1e-4d3a-4b7f-9e21-0c5d7a9b3f10',
  clientSecret: 'local-demo-secret-not-for-production',
};

export function localVariables(origin: string, microsoftFixture: { tenants?: Array<{ id: string; home?: boolean }> }): Record<string, string> {
  const home = microsoftFixture.tenants?.find((t) => t.home) ?? microsoftFixture.tenants?.[0];
  return {
    MS_CLIENT_ID: LOCAL_ENTRA_APP.clientId,
    MS_CLIENT_SECRET: LOCAL_ENTRA_APP.clientSecret,
    MS_TENANT: home?.id ?? 'organizations',
    MS_LOGIN_BASE_URL: `${origin}/login`,
    MS_GRAPH_BASE_URL: `${origin}/graph/v1.0`,
  };
}
