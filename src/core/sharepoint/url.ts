import { checkSharePointHost, type HostPolicy } from './hosts';
import { ok, refuse, type Result } from './result';
import { checkSegment, HIDDEN_CHARS } from './text';
import { pathCandidates, type SiteCandidate } from './url-path';
import { sharingLinkInfo, type SharingLink } from './url-sharing';

export type { ListHint, FileHint, SiteCandidate, LocationKind } from './url-path';
export type { SharingLink, SharingItemType } from './url-sharing';
export { encodeSharingUrl } from './url-sharing';

/**
 * What a pasted SharePoint address points at.
 *
 * `path` addresses carry `candidates`, deepest web first. There is exactly one candidate when the URL itself
 * settles where the site ends (`/sites/x`, `…/Lists/…`, `…/Forms/…`, `_layouts`, a well-known library such
 * as `Shared Documents`). Otherwise every reading is listed and the UI resolves them in order with
 * `GET {graphSitePath}`: the first answer whose `webUrl` path equals the candidate's `sitePath` wins
 * (see {@link pickCandidate}); a 404 means "try the next one".
 *
 * `sharingLink` addresses (`/:x:/s/site/E…`) name no path; only Graph's `/shares` endpoint can resolve them.
 */
export type SharePointLocation =
  | { type: 'path'; hostname: string; href: string; candidates: SiteCandidate[]; notes: string[] }
  | { type: 'sharingLink'; hostname: string; href: string; link: SharingLink; notes: string[] };

export const MAX_URL_LENGTH = 2048;

const OUTER_SPACE = /^[\s\uFEFF]+|[\s\uFEFF]+$/g;

/**
 * Parses a SharePoint Online address pasted by an editor. Refuses anything that is not a plain `https:`
 * URL on `<tenant>.sharepoint.com` or an admin-allowed host, with a message saying why.
 *
 * @example
 * parseSharePointUrl('https://contoso.sharepoint.com/sites/x/Lists/Tasks/AllItems.aspx', { allowedHosts: [] })
 * // → ok: one candidate { kind: 'list', sitePath: '/sites/x', list: { urlName: 'Tasks', … } }
 */
export function parseSharePointUrl(input: string, opts: HostPolicy): Result<SharePointLocation> {
  if (typeof input !== 'string') return refuse('invalid_url', 'Paste a SharePoint address.');
  if (input.length > MAX_URL_LENGTH) {
    return refuse('too_long', `That address is longer than ${MAX_URL_LENGTH} characters; copy it again from the browser’s address bar.`);
  }
  const raw = input.replace(OUTER_SPACE, '');
  if (raw === '') return refuse('invalid_url', 'Paste a SharePoint address.');
  if (HIDDEN_CHARS.test(raw)) {
    return refuse('control_characters', 'The address contains invisible or control characters; copy it again from the browser’s address bar.');
  }

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined) return refuse('invalid_url', 'Paste the full address, starting with https://.');
  if (scheme === 'http') return refuse('not_https', 'Only secure addresses (https://) can be used.');
  if (scheme !== 'https') return refuse('unsupported_scheme', `“${scheme}:” addresses can’t be used; paste an https:// SharePoint address.`);
  // WHATWG URL forgives `https:host`, `https:///host` and `https:\\host`; a pasted address never needs that.
  if (!/^https:\/\/[^/\\]/i.test(raw)) return refuse('invalid_url', 'The address should start with https:// followed by the site name.');

  // Read the authority the way a person would (a backslash does not end it) so that
  // `https://evil.com\@contoso.sharepoint.com` is caught as the trick it is, not as a path.
  const authority = raw.slice('https://'.length).split(/[/?#]/, 1)[0] ?? '';
  if (authority.includes('@')) {
    return refuse('credentials_in_url', 'The address contains a user name or “@” before the site name, which can hide the real site; paste a plain SharePoint address.');
  }
  if (raw.includes('\\')) {
    return refuse('invalid_url', 'The address contains a backslash; browsers read it as “/”, which can change the site it opens.');
  }
  if (/[^\x21-\x7E]/.test(authority)) {
    return refuse('host_not_allowed', 'The site name contains unusual characters that can imitate another address; type it with plain letters.');
  }
  if (authority.includes('%')) return refuse('invalid_url', 'The site name must not be percent-encoded.');

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('invalid_url', 'That is not a valid web address.');
  }
  if (url.username !== '' || url.password !== '') {
    return refuse('credentials_in_url', 'The address contains a user name or password; paste it without them.');
  }
  if (url.port !== '') return refuse('port_not_allowed', `SharePoint Online doesn’t use port ${url.port}; remove “:${url.port}” from the address.`);

  const host = checkSharePointHost(url.hostname, opts);
  if (!host.ok) return host;
  const hostname = host.value;

  const segments = decodeSegments(url.pathname);
  if (!segments.ok) return segments;

  const sharing = sharingLinkInfo(segments.value, url);
  if (sharing !== undefined) {
    if (sharing.redirectTo === undefined) return ok({ type: 'sharingLink', hostname, href: url.href, link: sharing.link, notes: [sharing.link.note] });
    const parsed = pathCandidates({ hostname, href: url.href }, sharing.redirectTo, url.searchParams);
    if (!parsed.ok) return parsed;
    return ok({ type: 'path', hostname, href: url.href, ...parsed.value });
  }
  const parsed = pathCandidates({ hostname, href: url.href }, segments.value, url.searchParams);
  if (!parsed.ok) return parsed;
  return ok({ type: 'path', hostname, href: url.href, ...parsed.value });
}

function decodeSegments(pathname: string): Result<string[]> {
  const out: string[] = [];
  for (const part of pathname.split('/')) {
    if (part === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(part);
    } catch {
      return refuse('invalid_url', 'The address contains a broken %-escape; copy it again from the browser’s address bar.');
    }
    const bad = checkSegment(seg);
    if (bad !== undefined) return refuse('invalid_url', bad);
    out.push(seg);
  }
  return ok(out);
}

/**
 * Picks the candidate that Graph confirmed: pass the `webUrl` of the site returned by `GET {graphSitePath}`.
 * Returns undefined when it matches none (Graph resolved some other web; treat as "not this candidate").
 */
export function pickCandidate(location: SharePointLocation, resolvedWebUrl: string): SiteCandidate | undefined {
  if (location.type !== 'path') return undefined;
  let path: string;
  try {
    const url = new URL(resolvedWebUrl);
    if (url.hostname.toLowerCase() !== location.hostname) return undefined;
    path = decodeURIComponent(url.pathname).replace(/\/+$/, '') || '/';
  } catch {
    return undefined;
  }
  return location.candidates.find((c) => c.sitePath.toLowerCase() === path.toLowerCase());
}

/**
 * Finds the list or library a candidate's `list` hint points at among `GET /sites/{id}/lists` results,
 * so the picker can pre-select it. Matches by id, or by the decoded path of the list's `webUrl`.
 */
export function findHintedList<L extends { id?: string | null; webUrl?: string | null }>(
  lists: readonly L[],
  candidate: SiteCandidate,
): L | undefined {
  const hint = candidate.list;
  if (hint === undefined) return undefined;
  if (hint.by === 'id') return lists.find((l) => typeof l.id === 'string' && l.id.toLowerCase() === hint.id.toLowerCase());
  const want = hint.serverRelativePath.toLowerCase();
  return lists.find((l) => {
    if (typeof l.webUrl !== 'string') return false;
    try {
      return decodeURIComponent(new URL(l.webUrl).pathname).replace(/\/+$/, '').toLowerCase() === want;
    } catch {
      return false;
    }
  });
}
