import { isRecord } from '../guards';
import { fail, ok, type AppErrorBody, type Result } from '../result';
import type { DocumentMacroConfig } from './config';
import { queryString, type GraphRequest } from './odata';
import { DRIVE_SELECT } from './requests';
import { GRAPH_REASONS } from './states';

/**
 * A file someone can open only through a sharing link. SharePoint trims it from everyone else, so the
 * Document macro's read by id (`GET /drives/{d}/items/{i}`) answers them 404 (or 403 where the site is
 * closed to them). The macro keeps the link the editor pasted (`DocumentMacroConfig.shareId`), and a viewer
 * refused by id redeems it:
 *
 *   GET /shares/{shareId}/driveItem   with   Prefer: redeemSharingLink
 *
 * "grant the caller durable access to the item … equivalent to the caller navigating to the sharing link in
 * the browser" (learn.microsoft.com/graph/api/shares-get, "Prefer header values"). After that their reads by
 * id — the preview, thumbnails, the next page view — work like any reader's, so redemption happens once per
 * viewer and file. `redeemSharingLinkIfNecessary` ("only … for the duration of this request") would not let
 * the preview call that follows through. SharePoint refuses the link (403 accessDenied, "The sharing link no
 * longer exists, or you do not have permission to access it.") to anyone its scope doesn't admit — a
 * "specific people" link to others, any link to guests when it is "people in your organization" — and then
 * the viewer sees the ordinary no-access state, without the file's name.
 *
 * Permission: shares-get lists Files.ReadWrite as least privileged (delegated); developers report the read
 * scopes the app holds (Files.Read.All, Sites.Read.All) suffice (microsoftgraph/microsoft-graph-docs-contrib
 * #448, #8511). Whether a read-only token may *redeem* is not documented: README.md, "Known gaps".
 */

/** What the viewer does after the read by id failed: redeem the kept link, or show the failure. */
export type DocumentFallback = { action: 'redeem'; request: GraphRequest } | { action: 'fail'; error: AppErrorBody };

/** Only refusals that trimming explains (403 accessDenied, 404 itemNotFound) are worth a redemption. */
export function afterItemFailure(e: AppErrorBody, c: DocumentMacroConfig): DocumentFallback {
  const trimmed = e.code === 'FORBIDDEN' && (e.reason === GRAPH_REASONS.accessDenied || e.reason === GRAPH_REASONS.itemNotFound);
  if (!trimmed || c.shareId === undefined) return { action: 'fail', error: e };
  return { action: 'redeem', request: redeemRequest(c.shareId) };
}

/** `GET /shares/{u!…}/driveItem` with what the Document card needs, redeeming the link for good. */
export const redeemRequest = (shareId: string): GraphRequest => ({
  method: 'GET',
  // A share id is `u!` + base64url: nothing in it needs escaping in a path segment.
  path: `/shares/${shareId}/driveItem${queryString([['$select', DRIVE_SELECT], ['$expand', 'thumbnails']])}`,
  headers: { Prefer: 'redeemSharingLink' },
});

/**
 * The redeemed item, if it is the configured file. A link that now opens another file (a macro whose ids and
 * link were stored apart) is the settings' fault, not the viewer's: the macro says so instead of showing it.
 */
export function readRedeemed(item: unknown, c: DocumentMacroConfig): Result<unknown> {
  if (!isRecord(item)) return fail('MS_UNAVAILABLE', 'SharePoint sent a document the app could not read.', { reason: 'invalid_response' });
  const parent = isRecord(item['parentReference']) ? item['parentReference'] : {};
  if (item['id'] !== c.itemId || parent['driveId'] !== c.driveId) {
    return fail('BAD_REQUEST', 'The sharing link kept in the macro opens another file.', { reason: GRAPH_REASONS.settingsMismatch });
  }
  return ok(item);
}
