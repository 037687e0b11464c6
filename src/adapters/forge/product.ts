import api, { route } from '@forge/api';
export type Product = 'jira' | 'confluence';

/** The product of the installation, from the platform's `installContext` ARI (trustworthy, unlike the payload). */
export function productOf(installContext: unknown): Product | undefined {
  if (typeof installContext !== 'string') return undefined;
  if (installContext.startsWith('ari:cloud:jira:')) return 'jira';
  if (installContext.startsWith('ari:cloud:confluence:')) return 'confluence';
  return undefined;
}

/**
 * Asks the product, as the calling user, whether they administer the site. Module visibility is not
 * authorisation: an admin page's resolvers can be invoked by anyone who can craft a request.
 * Jira: `GET /rest/api/3/mypermissions?permissions=ADMINISTER` (the global "Administer Jira" permission).
 * Confluence: `GET /wiki/rest/api/user/current?expand=operations`, whose operations list
 * `{operation: 'administer', targetType: 'application'}` for Confluence administrators.
 */
export async function isSiteAdmin(product: Product): Promise<boolean> {
  if (product === 'jira') {
    const res = await api.asUser().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`, { headers: { Accept: 'application/json' } });
    if (!res.ok) return false;
    const body = (await res.json()) as { permissions?: { ADMINISTER?: { havePermission?: boolean } } };
    return body.permissions?.ADMINISTER?.havePermission === true;
  }
  const res = await api.asUser().requestConfluence(route`/wiki/rest/api/user/current?expand=operations`, { headers: { Accept: 'application/json' } });
  if (!res.ok) return false;
  const body = (await res.json()) as { operations?: Array<{ operation?: string; targetType?: string }> };
  return (body.operations ?? []).some((o) => o.operation === 'administer' && o.targetType === 'application');
}
