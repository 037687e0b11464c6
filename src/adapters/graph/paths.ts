/**
 * A Graph path with every interpolated value percent-encoded as one path segment. Graph ids carry
 * `+`, `/` and `=` (Outlook REST ids, base64) and `,` (SharePoint site ids); unencoded, `/` splits
 * the id into two segments and `+` may reach Graph as a space.
 *
 * A value that is empty, `.` or `..` throws: fetch's URL parser would drop or climb that segment
 * (WHATWG URL treats `%2e%2e` as `..` too), so it can only come from a caller that skipped validation.
 * OData string literals (`search(q='…')`, `$filter`) need their quotes doubled by the caller; this
 * only encodes path segments.
 *
 * @example graphPath`/me/messages/${id}/attachments` // → /me/messages/AAMk%2Bx%2Fy%3D/attachments
 */
export function graphPath(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const s = String(v);
    if (s === '' || s === '.' || s === '..') throw new TypeError(`graphPath: '${s}' is not a usable path segment`);
    out += encodeURIComponent(s) + (strings[i + 1] ?? '');
  });
  return out;
}

/** Exchange ids that survive moving an item between folders; store only ids read with this. */
export const IMMUTABLE_IDS = 'IdType="ImmutableId"';

/** One `Prefer` header holding several preferences, as Graph accepts them (comma-separated). */
export const prefer = (...preferences: string[]): Record<string, string> => ({ Prefer: preferences.join(', ') });

/** `Prefer: IdType="ImmutableId"` for mail, event and contact reads whose ids are stored. */
export const immutableIds = (): Record<string, string> => prefer(IMMUTABLE_IDS);

/**
 * The configured Graph base (`https://graph.microsoft.com/v1.0`, or the emulator's) and the one test
 * of whether a URL lies under it. Everything that carries the token goes through `relative`.
 */
export interface GraphBase {
  /** `https://graph.microsoft.com/v1.0/` — always with the trailing slash. */
  href: string;
  /** For the SDK: `https://graph.microsoft.com` and `v1.0`. */
  host: string;
  version: string;
  /**
   * `/me/messages?$skiptoken=…` for an absolute URL under the base, else undefined. The raw prefix
   * test pins scheme, host, port and the version path (nothing before the first `/` can hide a
   * userinfo trick); the parsed test refuses dot segments that would climb out of the version.
   */
  relative(absolute: string): string | undefined;
}

export function graphBase(baseUrl: string): GraphBase {
  const base = new URL(baseUrl.replace(/\/+$/, '') + '/');
  const href = base.href;
  const trimmed = href.slice(0, -1);
  const cut = trimmed.lastIndexOf('/');
  const version = trimmed.slice(cut + 1);
  if (cut <= base.origin.length - 1 || version === '') throw new TypeError(`Graph base URL needs a version segment: ${baseUrl}`);
  return {
    href,
    host: trimmed.slice(0, cut),
    version,
    relative(absolute) {
      if (!absolute.startsWith(href)) return undefined;
      let u: URL;
      try {
        u = new URL(absolute);
      } catch {
        return undefined;
      }
      if (u.origin !== base.origin || u.username !== '' || u.password !== '' || !u.pathname.startsWith(base.pathname)) return undefined;
      return '/' + absolute.slice(href.length);
    },
  };
}

/**
 * Checks a caller's path and makes it safe for the SDK's `GraphRequest`, whose path parser moves the
 * request to another host when it finds `https://` anywhere in the string (a `$filter` on a webUrl
 * would do it). Percent-encoding the scheme separator changes nothing for Graph, which decodes it.
 * A path that is not `/…` is a bug in the caller: absolute URLs must come through `GraphBase.relative`.
 */
export function requestPath(path: string): string {
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\')) throw new TypeError(`Graph path must start with a single '/': ${path.slice(0, 80)}`);
  return path.replace(/:\/\//g, '%3A%2F%2F');
}
