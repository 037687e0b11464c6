import { isSharePointHttpsUrl, type HostPolicy } from './hosts';

/**
 * Where the app may point an `<iframe>` or `<img>`: the host policy plus the Graph base the viewer's
 * session was given. In production that base is `https://graph.microsoft.com/v1.0`, which serves no
 * embed pages, so only SharePoint is admitted; against the local emulator (Graph at
 * `http://localhost:PORT/graph/v1.0`) the emulator's own preview and thumbnail pages are admitted too.
 */
export interface EmbedPolicy extends HostPolicy {
  graphBaseUrl?: string;
}

/**
 * True for an `https:` SharePoint URL on an accepted host, or a URL on exactly the origin of
 * `graphBaseUrl` (same scheme, host and port). Never for credentials, backslashes or whitespace.
 */
export function isEmbeddableUrl(value: unknown, policy: EmbedPolicy): value is string {
  if (typeof value !== 'string' || value.length > 8192) return false;
  if (isSharePointHttpsUrl(value, policy)) return true;
  if (policy.graphBaseUrl === undefined || /[\\\s]/.test(value)) return false;
  let url: URL;
  let base: URL;
  try {
    url = new URL(value);
    base = new URL(policy.graphBaseUrl);
  } catch {
    return false;
  }
  return (
    (base.protocol === 'https:' || base.protocol === 'http:') &&
    url.origin === base.origin &&
    url.username === '' &&
    url.password === ''
  );
}

interface ThumbnailSet {
  large?: { url?: unknown };
  medium?: { url?: unknown };
  small?: { url?: unknown };
}

/** The largest admitted thumbnail of a Graph `driveItem` fetched with `$expand=thumbnails`. */
export function thumbnailUrl(driveItem: unknown, policy: EmbedPolicy): string | undefined {
  const sets = typeof driveItem === 'object' && driveItem !== null ? (driveItem as { thumbnails?: unknown }).thumbnails : undefined;
  const first: unknown = Array.isArray(sets) ? sets[0] : undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const set = first as ThumbnailSet;
  for (const size of [set.large, set.medium, set.small]) {
    const url = size?.url;
    if (isEmbeddableUrl(url, policy)) return url;
  }
  return undefined;
}
