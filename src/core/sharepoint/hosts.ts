import { ok, refuse, type Result } from './result';

/** Options every URL check needs: which SharePoint Online tenants, and hosts an admin added besides them. */
export interface HostPolicy {
  allowedHosts: readonly string[];
  /**
   * The admin's SharePoint tenants (`contoso` for contoso.sharepoint.com and contoso-my.sharepoint.com).
   * Absent or empty: any tenant. Otherwise only these; entries that are not tenant names are ignored,
   * so a list with none left allows no tenant at all (never "any").
   */
  tenants?: readonly string[];
}

/** Any `<tenant>.sharepoint.com`, nothing else: what every check uses until the admin's settings say more. */
export const DEFAULT_HOST_POLICY: HostPolicy = Object.freeze({ allowedHosts: Object.freeze([]) });

// One LDH label in front of sharepoint.com: `contoso`, `contoso-my`. Deeper names (`a.b.sharepoint.com`)
// are not tenants, and `xn--` labels are refused separately so a look-alike can't pass as a tenant.
const TENANT_HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.sharepoint\.com$/;
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const TENANT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The tenant a SharePoint Online host belongs to: `contoso` for contoso.sharepoint.com and contoso-my.sharepoint.com. */
export function tenantOfHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase();
  if (!TENANT_HOST.test(host)) return undefined;
  const label = host.slice(0, -'.sharepoint.com'.length);
  return label.endsWith('-my') && label.length > 3 ? label.slice(0, -3) : label;
}

/** True for a name an admin may list as a SharePoint tenant (one DNS label, no punycode, no `-my`). */
export const isTenantName = (v: unknown): v is string => typeof v === 'string' && TENANT_NAME.test(v) && !v.startsWith('xn--') && !v.endsWith('-my');

/** The policy the admin's public settings give (`settings/public`): their tenants, no extra hosts. */
export const hostPolicyFrom = (settings: { sharePointTenants: readonly string[] }): HostPolicy => ({ allowedHosts: [], tenants: [...settings.sharePointTenants] });

const listed = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;

function checkTenant(host: string, policy: HostPolicy): Result<string> {
  if (policy.tenants === undefined || policy.tenants.length === 0) return ok(host);
  const allowed = policy.tenants.map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : '')).filter(isTenantName);
  if (allowed.includes(tenantOfHost(host) ?? '')) return ok(host);
  if (allowed.length === 0) {
    return refuse('tenant_not_allowed', 'Your admin’s list of allowed SharePoint tenants has no usable name, so no SharePoint site can be used. Ask a Confluence admin to check it.');
  }
  return refuse('tenant_not_allowed', `“${host}” belongs to another SharePoint tenant. Your admin allows SharePoint sites of ${listed(allowed)} only.`);
}

/** Lower-cases admin-entered hosts and drops entries that are not plain DNS names (IPs, ports, paths). */
export function normaliseAllowedHosts(hosts: readonly string[]): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    if (typeof h !== 'string') continue;
    const host = h.trim().toLowerCase();
    if (HOST_NAME.test(host) && !IPV4.test(host) && !host.split('.').some((l) => l.startsWith('xn--'))) out.push(host);
  }
  return out;
}

/**
 * Checks a hostname as WHATWG `URL` normalised it (lower case, IPv4 in dotted form, IDN as punycode).
 * Accepts `<tenant>.sharepoint.com` (and `<tenant>-my`) of an allowed tenant, or an exact admin-allowed host.
 */
export function checkSharePointHost(hostname: string, policy: HostPolicy): Result<string> {
  const host = hostname.toLowerCase();
  if (host.startsWith('[') || host.includes(':') || IPV4.test(host)) {
    return refuse('ip_address', 'Use the SharePoint site name (like contoso.sharepoint.com), not an IP address.');
  }
  if (host.endsWith('.')) {
    return refuse('host_not_allowed', `“${host}” ends with a dot; remove it and paste the address again.`);
  }
  if (normaliseAllowedHosts(policy.allowedHosts).includes(host)) return ok(host);
  if (host.split('.').some((label) => label.startsWith('xn--'))) {
    return refuse('host_not_allowed',
      `“${host}” contains international characters that can imitate another address; only plain sharepoint.com addresses are accepted.`,
    );
  }
  if (host === 'sharepoint.com' || host === 'www.sharepoint.com') {
    return refuse('host_not_allowed', 'That is Microsoft’s own site; paste the address of your organisation’s SharePoint, like contoso.sharepoint.com.');
  }
  if (TENANT_HOST.test(host)) return checkTenant(host, policy);
  if (host.endsWith('.sharepoint.com')) {
    return refuse('host_not_allowed', `“${host}” is not a SharePoint Online site address; it should look like contoso.sharepoint.com.`);
  }
  return refuse('host_not_allowed',
    `“${host}” is not a SharePoint Online address. If it is your organisation’s SharePoint, ask a Confluence admin to allow it.`,
  );
}

/**
 * True when `value` is an absolute `https:` URL without credentials or port on an accepted SharePoint host.
 * Used for stored `webUrl`s and item links.
 */
export function isSharePointHttpsUrl(value: string, policy: HostPolicy): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    !/[\\\s]/.test(value) &&
    checkSharePointHost(url.hostname, policy).ok
  );
}
