import { isSharePointHttpsUrl, type HostPolicy } from './hosts';

/**
 * Where the app may point an `<iframe>` (SharePoint's preview pages) or an `<img>` (SharePoint, or the
 * thumbnail service Graph's driveItem thumbnails point at: `https://<region>-mediap.svc.ms`).
 *
 * `originAliases` says where Microsoft hosts are served instead of their public address, as
 * `{ "<served at>": "<public origin>" }`. Only the local host sets it (Forge variable `MS_ORIGIN_ALIASES`),
 * one origin per Microsoft host; a URL on an aliased origin is judged as the public URL it stands for, by the
 * same rules, so a preview served by the local "Graph" is refused here exactly as graph.microsoft.com's would be.
 */
export interface EmbedPolicy extends HostPolicy {
  originAliases?: Readonly<Record<string, string>>;
}

export type EmbedKind = 'frame' | 'image';

const MAX_ALIASES = 32;
// The thumbnail service: one region label in front of `-mediap.svc.ms` (northeurope1-mediap.svc.ms, westus21-mediap.svc.ms).
const THUMBNAIL_HOST = /^[a-z0-9]{2,40}-mediap\.svc\.ms$/;

const originOf = (value: string): string | undefined => {
  try {
    const u = new URL(value);
    return u.origin !== 'null' && (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === value ? u.origin : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Reads an alias map strictly: keys are bare `http(s)` origins, values bare `https:` origins without a port.
 * Anything else (a path, credentials, another scheme, a non-object) is dropped; at most 32 entries.
 */
export function readOriginAliases(value: unknown): Record<string, string> | undefined {
  let raw = value;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      return undefined;
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const out: Record<string, string> = {};
  for (const [served, target] of Object.entries(raw).slice(0, MAX_ALIASES)) {
    if (typeof target !== 'string' || originOf(served) === undefined || originOf(target) === undefined) continue;
    const t = new URL(target);
    if (t.protocol === 'https:' && t.port === '') out[served] = target;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The public URL an aliased one stands for; any other URL as it is. Undefined for a URL that does not parse. */
function publicUrl(value: string, aliases: Readonly<Record<string, string>> | undefined): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  const target = aliases && Object.hasOwn(aliases, url.origin) ? aliases[url.origin] : undefined;
  return target === undefined ? value : `${target}${url.pathname}${url.search}${url.hash}`;
}

/** An `https:` URL on the thumbnail service, no port, no credentials. */
function isThumbnailServiceUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.port === '' && url.username === '' && url.password === '' && THUMBNAIL_HOST.test(url.hostname);
}

/**
 * True for an `https:` SharePoint URL on an accepted host; for an image also a thumbnail-service URL.
 * An aliased origin counts as the public one it stands for. Never for credentials, backslashes or whitespace.
 */
export function isEmbeddableUrl(value: unknown, policy: EmbedPolicy, kind: EmbedKind = 'frame'): value is string {
  if (typeof value !== 'string' || value.length > 8192 || /[\\\s]/.test(value)) return false;
  const url = publicUrl(value, policy.originAliases);
  if (url === undefined) return false;
  return isSharePointHttpsUrl(url, policy) || (kind === 'image' && isThumbnailServiceUrl(url));
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
    if (isEmbeddableUrl(url, policy, 'image')) return url;
  }
  return undefined;
}
