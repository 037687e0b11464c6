import { isRecord, nonEmptyString as str } from '../guards';
import { fail, ok, type Result } from '../result';
import { queryString, type GraphRequest } from './odata';
import { GRAPH_REASONS } from './states';
import { pickCandidate, type SharePointLocation } from './url';
import type { SiteCandidate } from './url-path';

/**
 * One Graph call made by the browser with the viewer's (or editor's) own token. Failures arrive in the
 * one vocabulary, as `decideOnFailure` reads them; token refresh and throttling waits have already
 * happened. The core's only way to reach Graph, so it can be tested with a plain function.
 */
export type GraphCall = (req: GraphRequest) => Promise<Result<unknown>>;

export interface SiteInfo {
  id: string;
  displayName: string;
  webUrl: string;
}

const SITE_QUERY = queryString([['$select', 'id,displayName,name,webUrl']]);

/** A 404 on a reading of the address: that reading was wrong (or hidden from this user); try the next. */
export const isNotThere = (r: Result<unknown>): boolean => !r.ok && r.error.reason === GRAPH_REASONS.itemNotFound;

/**
 * Resolves one reading of a pasted address: `GET {graphSitePath}`, accepted only if the site's `webUrl`
 * is that reading's web (Graph may answer a deeper path with an enclosing web). `next` means "not this
 * reading": a 404, or another web.
 */
export async function resolveCandidateSite(location: SharePointLocation, candidate: SiteCandidate, call: GraphCall): Promise<Result<SiteInfo> | 'next'> {
  const res = await call({ method: 'GET', path: candidate.graphSitePath + SITE_QUERY });
  if (!res.ok) return isNotThere(res) ? 'next' : res;
  const site = toSiteInfo(res.value);
  if (site === undefined) return fail('MS_UNAVAILABLE', 'SharePoint sent a site the app could not read.', { reason: 'invalid_response' });
  return pickCandidate(location, site.webUrl)?.sitePath === candidate.sitePath ? ok(site) : 'next';
}

/**
 * Resolves a pasted address's site: its readings in order (deepest web first, see `parseSharePointUrl`);
 * the first the user can open and that really is that web wins.
 */
export async function resolveSite(location: SharePointLocation, call: GraphCall): Promise<Result<{ site: SiteInfo; candidate: SiteCandidate }>> {
  if (location.type !== 'path') {
    return fail('BAD_REQUEST', 'Sharing links can’t be used here. Open the list in SharePoint and copy the address from the browser’s address bar.', { reason: 'sharing_link' });
  }
  for (const candidate of location.candidates) {
    const r = await resolveCandidateSite(location, candidate, call);
    if (r === 'next') continue;
    if (!r.ok) return r;
    return ok({ site: r.value, candidate });
  }
  return fail('NOT_FOUND', 'No SharePoint site you can open was found at that address. Check it, or ask the site owner for access.', { reason: 'no_site' });
}

function toSiteInfo(raw: unknown): SiteInfo | undefined {
  if (!isRecord(raw)) return undefined;
  const id = str(raw['id']);
  const webUrl = str(raw['webUrl']);
  if (id === undefined || webUrl === undefined) return undefined;
  return { id, webUrl, displayName: str(raw['displayName']) ?? str(raw['name']) ?? webUrl };
}
