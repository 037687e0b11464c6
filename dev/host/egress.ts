import { egressAddress, type Egress } from './manifest';

/**
 * A Microsoft host the local host serves on its own origin, one to one: `production` is what the manifest
 * and the vendors' docs name (`https://graph.microsoft.com`), `local` where the host serves it
 * (`http://localhost:4102`). See dev/host/README.md, "One origin per Microsoft host".
 */
export interface ServedHost {
  production: string;
  local: string;
}

/**
 * Where the manifest's addresses are served locally. The mapping is applied to the allow-lists (backend
 * egress and the Custom UI CSP), never to the app's code: the app reaches the emulator because its Forge
 * variables point there, exactly as a deployment would point them at Microsoft.
 */
export type HostAliases = readonly ServedHost[];

/**
 * The manifest's addresses with every production host the local host serves replaced by that host's own
 * local origin: `https://graph.microsoft.com` → Graph's origin only, `https://*.sharepoint.com` → each
 * SharePoint host's origin. An address no served host matches stays as written.
 */
export function mapEgress(list: Egress[] | undefined, aliases: HostAliases): string[] {
  return (list ?? []).map(egressAddress).flatMap((address) => {
    const local = aliases.filter((h) => addressMatches(address, h.production)).map((h) => h.local);
    return local.length > 0 ? local : [address];
  });
}

/** True when a manifest address (`https://graph.microsoft.com`, `https://*.sharepoint.com`) covers `origin`. */
export function addressMatches(address: string, origin: string): boolean {
  const a = /^(https?):\/\/([^/:]+)\/*$/i.exec(address.trim());
  if (!a) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  const protocol = `${(a[1] ?? '').toLowerCase()}:`;
  const host = (a[2] ?? '').toLowerCase();
  if (o.protocol !== protocol) return false;
  // CSP's and @forge/egress's `*.` covers one or more labels in front of the rest, never the rest itself.
  return host.startsWith('*.') ? o.hostname.endsWith(host.slice(1)) && o.hostname.length > host.length - 1 : o.hostname === host;
}
