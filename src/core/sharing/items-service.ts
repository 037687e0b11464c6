/**
 * Sharing calendars, single events and Teams chats: creating such a share, and the two reads a chat
 * needs after the panel's first paint ("older" pages, and its hosted images). The panel itself
 * (./service.ts) reads every kind in its one call; this file holds what only these kinds do.
 *
 * The same security model as mail: the caller is the invocation's account (or nobody); the place is
 * what its product, asked as the caller, lets them view; the share must be at that place and its
 * scope must admit the caller (./policy.ts); Microsoft 365 is read as the sharer, only with the
 * Microsoft account the item was shared from. Payload ids are never trusted beyond their shape.
 */
import { failWith, ok, type Result } from '../result';
import { policyFor } from './kind-policy';
import { endDate } from './lifecycle';
import { decide, effectiveScope } from './policy';
import { CHAT_IMAGES_PER_CALL, type ChatView } from './chat';
import { parseWindow, windowText } from './calendar';
import { chatPageView, FEATURE_OF_OTHER, itemUnavailable, mayReadKind, type OtherShareRecord } from './items';
import { MAX_SHARES_PER_ISSUE, type OtherShareKind, type ShareRecord, type ShareScope } from './model';
import type { ItemsPort, Viewer } from './ports';
import type { SharingDeps } from './service';
import { MAX_SHARES_PER_PAGE, samePlace, targetOf, type ShareTarget } from './target';
import { unavailableProblem, type CreatedShare, type ItemProblem } from './view-model';

/** Where, as a payload names it (checked with the product as the caller). */
export type ItemPlaceRef = { product: 'jira'; issueId: string } | { product: 'confluence'; pageId: string };

export type NewItem = { kind: 'calendar'; calendarId: string; window: string; freeBusyOnly: boolean } | { kind: 'event'; eventId: string } | { kind: 'chat'; chatId: string };

const PERMISSION_REASON: Record<OtherShareKind, string> = { calendar: 'calendar_permission_missing', event: 'calendar_permission_missing', chat: 'chat_permission_missing' };

/** The admin may limit shared calendars to free/busy (settings.sharing.calendarFreeBusyOnly). */
const calendarsFreeBusyOnly = (sharing: object): boolean => (sharing as { calendarFreeBusyOnly?: unknown }).calendarFreeBusyOnly === true;

export function itemSharing(d: SharingDeps & { items: ItemsPort }) {
  const now = d.now ?? (() => new Date());

  async function place(viewer: Viewer, ref: ItemPlaceRef): Promise<Result<ShareTarget>> {
    if (ref.product === 'jira') {
      const issue = await d.jira.viewIssue(viewer, ref.issueId);
      return issue.ok ? ok({ product: 'jira', issueId: issue.value.id, projectId: issue.value.projectId }) : failWith('NOT_FOUND', 'issue_hidden');
    }
    const page = d.confluence ? await d.confluence.viewPage(viewer, ref.pageId) : failWith('NOT_FOUND', 'page_hidden');
    return page.ok ? ok({ product: 'confluence', pageId: page.value.id, spaceId: page.value.spaceId }) : failWith('NOT_FOUND', 'page_hidden');
  }
  const storedAt = (t: ShareTarget): Promise<ShareRecord[]> => (t.product === 'jira' ? d.shares.byIssue(t.issueId) : d.shares.byPage(t.pageId));

  async function create(accountId: string, input: { place: ItemPlaceRef; item: NewItem; scope: ShareScope; expiresAt?: string }): Promise<Result<CreatedShare>> {
    const viewer: Viewer = { kind: 'user', accountId };
    const [where, settings] = await Promise.all([place(viewer, input.place), d.settings.current()]);
    if (!where.ok) return where;
    const kind = input.item.kind;
    // The site's rules for this kind, narrowed by the issue's project (src/core/sharing/kind-policy.ts).
    const rule = policyFor(settings, where.value.product === 'jira' && d.projects ? await d.projects.get(where.value.projectId) : undefined, kind);
    const o = decide({
      action: 'create', loggedIn: true, mayViewIssue: true, featureOn: settings.features[FEATURE_OF_OTHER[kind]] && rule.on, isSharer: true, isProjectAdmin: false,
      scope: input.scope, targetAllowed: rule.allowedScopes.includes(input.scope),
    });
    if (!o.allow) return failWith(o.code, o.reason);
    // As for mail: an end date asked for is checked, and Public gets the admin's maximum when one is set.
    const ends = endDate(input.expiresAt, input.scope, rule, now());
    if (!ends.ok) return ends;
    let window: string | undefined;
    if (input.item.kind === 'calendar') {
      const w = parseWindow(input.item.window);
      if (!w) return failWith('BAD_REQUEST', 'bad_window');
      window = windowText(w);
    }
    const conn = await d.mail.connection(accountId);
    if (!conn) return failWith('MS_SIGN_IN_REQUIRED', 'not_connected');
    if (!mayReadKind(kind, conn.scopes)) return failWith('MS_SIGN_IN_REQUIRED', PERMISSION_REASON[kind]);
    const item = input.item;
    const [found, existing] = await Promise.all([
      d.items.locate(accountId, item.kind === 'calendar' ? { kind: 'calendar', calendarId: item.calendarId } : item.kind === 'event' ? { kind: 'event', eventId: item.eventId } : { kind: 'chat', chatId: item.chatId }),
      storedAt(where.value),
    ]);
    if (!found.ok) return found.error.code === 'NOT_FOUND' || found.error.code === 'FORBIDDEN' ? failWith('NOT_FOUND', kind === 'chat' ? 'chat_not_yours' : 'calendar_item_not_yours') : found;
    const here = existing.filter((s) => samePlace(s, where.value));
    const id = found.value.id;
    const freeBusyOnly = item.kind === 'calendar' ? item.freeBusyOnly || calendarsFreeBusyOnly(settings.sharing) || rule.freeBusyOnly : false;
    const same = here.find((s) => s.sharerAccountId === accountId && s.kind === kind && (s.kind === 'calendar' ? s.calendarId === id && s.window === window && s.freeBusyOnly === freeBusyOnly : s.kind === 'event' ? s.eventId === id : s.chatId === id));
    if (same) return ok({ shareId: same.shareId, existing: true });
    if (here.length >= (where.value.product === 'jira' ? MAX_SHARES_PER_ISSUE : MAX_SHARES_PER_PAGE)) return failWith('BAD_REQUEST', 'too_many_shares');
    const base = {
      shareId: d.crypto.randomToken(16), sharerAccountId: accountId, msUserId: conn.oid, msTenantId: conn.tid, scope: input.scope, createdAt: now().toISOString(),
      ...(ends.value !== undefined ? { expiresAt: ends.value } : {}), ...targetOf(where.value),
    };
    const record = (item.kind === 'calendar'
      ? { ...base, kind: 'calendar', calendarId: id, window: window ?? '', freeBusyOnly }
      : item.kind === 'event'
        ? { ...base, kind: 'event', eventId: id }
        : { ...base, kind: 'chat', chatId: id }) as ShareRecord;
    await d.shares.put(record);
    return ok({ shareId: record.shareId, existing: false });
  }

  /** A chat share at this place that the viewer may read now, or why not (as the panel would say it). */
  async function viewableChat(viewer: Viewer, ref: ItemPlaceRef, shareId: string): Promise<Result<{ share: Extract<OtherShareRecord, { kind: 'chat' }> } | { problem: ItemProblem }>> {
    const [where, share, settings] = await Promise.all([place(viewer, ref), d.shares.get(shareId), d.settings.current()]);
    if (!where.ok) return where;
    // Another place's share, another kind, or one that does not exist: answered alike.
    if (!share || !samePlace(share, where.value) || share.kind !== 'chat') return failWith('NOT_FOUND', 'share_not_found');
    const viewerId = viewer.kind === 'user' ? viewer.accountId : undefined;
    const o = decide({
      action: 'view', loggedIn: viewerId !== undefined, mayViewIssue: true, featureOn: settings.features['share.chat'], isSharer: viewerId === share.sharerAccountId,
      isProjectAdmin: false, scope: effectiveScope(share.scope, settings.sharing.allowedScopes), targetAllowed: true,
    });
    if (!o.allow) return failWith(o.code, o.reason);
    if (share.expiresAt !== undefined && share.expiresAt <= now().toISOString()) return failWith('NOT_FOUND', 'share_ended');
    const conn = await d.mail.connection(share.sharerAccountId);
    const mine = viewerId === share.sharerAccountId;
    const problem = (why: Parameters<typeof unavailableProblem>[0]) => ok({ problem: unavailableProblem(why, { sharerName: '', mine, kind: 'chat' }) });
    if (!conn) return problem({ why: 'signed_out' });
    if (conn.oid.toLowerCase() !== share.msUserId.toLowerCase() || conn.tid.toLowerCase() !== share.msTenantId.toLowerCase()) return problem({ why: 'other_account' });
    if (!mayReadKind('chat', conn.scopes)) return problem({ why: 'no_mail_consent' });
    return ok({ share });
  }

  /** An older page of a shared chat: messages created before `before`, newest first. */
  async function chatPage(viewer: Viewer, input: { place: ItemPlaceRef; shareId: string; before: string }): Promise<Result<ChatView>> {
    const v = await viewableChat(viewer, input.place, input.shareId);
    if (!v.ok) return v;
    if ('problem' in v.value) return { ok: false, error: v.value.problem };
    const r = await d.items.chatPage(v.value.share.sharerAccountId, v.value.share.chatId, input.before);
    if (!r.ok) {
      const u = itemUnavailable(r.error);
      return { ok: false, error: u.why === 'failed' ? r.error : unavailableProblem(u, { sharerName: '', mine: false, kind: 'chat' }) };
    }
    return ok(chatPageView(v.value.share.chatId, r.value.messages, r.value.hasMore));
  }

  /** Hosted images of a shared chat's messages, as `data:` URLs (null: too large, or not shown). */
  async function chatImages(viewer: Viewer, input: { place: ItemPlaceRef; shareId: string; images: ReadonlyArray<{ messageId: string; hostedId: string }> }): Promise<Result<Array<string | null>>> {
    if (input.images.length === 0 || input.images.length > CHAT_IMAGES_PER_CALL) return failWith('BAD_REQUEST', 'bad_payload');
    const v = await viewableChat(viewer, input.place, input.shareId);
    if (!v.ok) return v;
    if ('problem' in v.value) return { ok: false, error: v.value.problem };
    // The chat is the stored one: a forged message or image id can only name content of the chat that was shared.
    return d.items.chatImages(v.value.share.sharerAccountId, v.value.share.chatId, input.images);
  }

  return { create, chatPage, chatImages };
}

export type ItemSharing = ReturnType<typeof itemSharing>;
