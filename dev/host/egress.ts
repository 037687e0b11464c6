import { egressAddress, type Egress } from './manifest';

/**
 * Production hosts the manifest names, and where the local host serves them instead. The mapping is
 * applied to the allow-lists (backend egress and the Custom UI CSP), never to the app's code: the
 * app reaches the emulator because its Forge variables point there, exactly as a deployment would
 * point them at Microsoft.
 */
export type HostAliases = Record<string, string>;

export function localAliases(origin: string): HostAliases {
  return {
    'https://login.microsoftonline.com': origin,
    'https://graph.microsoft.com': origin,
    'https://*.sharepoint.com': origin,
  };
}

export function mapEgress(list: Egress[] | undefined, aliases: HostAliases): string[] {
  return (list ?? []).map(egressAddress).map((a) => aliases[a.replace(/\/+$/, '')] ?? a);
}
