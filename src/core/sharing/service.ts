/**
 * Sharing Outlook mails and conversations into Jira issues, viewed on the sharer's behalf.
 *
 * The security model in one paragraph: the caller is the invocation's accountId (or nobody); the
 * issue is whatever Jira, asked *as that caller*, lets them view; a share is visible per its scope
 * (the decision table in ./policy.ts); its content is read at view time from the sharer's own
 * mailbox with the sharer's stored connection, and only if that connection is still the Microsoft
 * account the item was shared from. Nothing from the payload decides anything, and nothing of the
 * mail's content is ever stored.
 */
import { failWith, ok, type AppErrorBody, type Result } from '../result';
import type { AppSettings } from '../settings/model';
import type { FeatureKey } from '../settings/features';
import type { CryptoPort } from '../crypto';
import { decide, effectiveScope } from './policy';
import { policyFor, type KindPolicy, type ProjectSharingPolicy } from './kind-policy';
import { endDate, endDateForScope, hasEnded } from './lifecycle';
import { isMailKind, linkOf, MAX_SHARES_PER_ISSUE, type MailShareKind, type ShareKind, type ShareRecord, type ShareScope } from './model';
import { FEATURE_OF_OTHER, isOtherShare, itemContent, loadItems, mayReadKind, type LoadedItem, type MailShare, type OtherShareRecord } from './items';
import { THREAD_MAX_MESSAGES, type MailMessage, type MailWant } from './mail';
import { mergeThread } from './thread';
import type { ConfluencePort, ConnectionInfo, ItemsPort, JiraPort, LinkStore, MailboxPort, ShareStore, Viewer } from './ports';
import { MAX_SHARES_PER_PAGE, placeKey, samePlace, type IssueTarget, type PageTarget, type ShareTarget } from './target';
import { itemView, mailView, unavailableProblem, type ConversationLink, type CreatedShare, type PanelView, type ShareItemView, type Unavailable } from './view-model';

export interface SharingDeps {
  shares: ShareStore;
  links: LinkStore;
  jira: JiraPort;
  mail: MailboxPort;
  /** Confluence as the viewer, for shares on pages (wired in the Confluence installation). */
  confluence?: ConfluencePort;
  /** Calendars, events and Teams chats, read as their sharers (absent: those kinds show as unavailable). */
  items?: ItemsPort;
  settings: { current(): Promise<AppSettings> };
  /** Project admins' narrowing of the sharing rules (./kind-policy.ts); absent: the site's rules only. */
  projects?: { get(projectId: string): Promise<ProjectSharingPolicy | undefined> };
  crypto: Pick<CryptoPort, 'randomToken'>;
  now?: () => Date;
}

export const FEATURE_OF_KIND: Readonly<Record<ShareKind, FeatureKey>> = { mail: 'share.mail', conversation: 'share.conversation', ...FEATURE_OF_OTHER };

/** Delegated permissions that let Graph read the mailbox (a token may name them as full URIs). */
const READS_MAIL = new Set(['mail.read', 'mail.readwrite']);
export const mayReadMail = (scopes: readonly string[]): boolean => scopes.some((s) => READS_MAIL.has((s.split('/').pop() ?? '').toLowerCase()));

/**
 * Replies that split off into a new conversation are looked for among mail received from this long
 * before the share was made (the whole conversation is shared, including what came just before).
 */
const SPLIT_LOOKBACK_MS = 30 * 86_400_000;

/** An issue or a page, as a payload names it (the resolver lets only one through, per installation). */
export type At = { issueId: string } | { pageId: string };
export const refOf = (at: At): PlaceRef => ('pageId' in at ? { product: 'confluence', pageId: at.pageId } : { product: 'jira', issueId: at.issueId });

/** Where, as a payload names it: checked with the product (as the caller) before anything else. */
export type PlaceRef = { product: 'jira'; issueId: string } | { product: 'confluence'; pageId: string };
/** A place the caller may view, as its product answered. */
export interface Place {
  target: ShareTarget;
  /** Jira's key for an issue (the link store records it). */
  issueKey?: string;
}
type PlaceView = Omit<PanelView, 'issue'> & { place: Place };

/** What a "Microsoft 365 item" macro shows: its one share (when the viewer may see it) and what the viewer may do. */
export type PageItemView = Omit<PanelView, 'issue' | 'items'> & { page: { id: string; spaceId: string }; item?: ShareItemView };

export type CreateInput = At & {
  kind: MailShareKind;
  messageId: string;
  scope: ShareScope;
  /** When the share ends (ISO 8601, UTC); none: it lasts until removed (a Public one: the admin's maximum, if any). */
  expiresAt?: string | null;
};

const SCOPE_ORDER: readonly ShareScope[] = ['private', 'atlassian', 'public'];

/**
 * The ids the issue's JQL mirror holds. Private shares leave no trace there: issue properties are
 * readable by everyone who can view the issue.
 */
export function mirrorIds(issueId: string, shares: readonly ShareRecord[], allowed: readonly ShareScope[]): { conversationIds: string[]; internetMessageIds: string[] } {
  const open = shares.filter((s): s is MailShare & IssueTarget => isMailKind(s.kind) && 'issueId' in s && s.issueId === issueId && effectiveScope(s.scope, allowed) !== 'private');
  return { conversationIds: [...new Set(open.map((s) => s.conversationId))], internetMessageIds: [...new Set(open.map((s) => s.internetMessageId))] };
}

type Loaded = { messages: MailMessage[]; omitted: number } | { unavailable: Unavailable };

/**
 * What the share forms offer: the audiences of every kind that is on, and each kind's own rule (its
 * audiences, default and Public maximum), so a form prefills and limits what the server would refuse.
 * `publicMaxDays` at the top is the shortest of the kinds on, for a form that does not know the kind yet.
 */
export function sharingRules(kinds: readonly ShareKind[], rule: (k: ShareKind) => KindPolicy, allowed: ShareScope[]): PanelView['sharing'] {
  const byKind: PanelView['sharing']['byKind'] = {};
  for (const k of kinds) {
    const r = rule(k);
    byKind[k] = { allowedScopes: r.allowedScopes, defaultScope: r.defaultScope, ...(r.publicMaxDays !== undefined ? { publicMaxDays: r.publicMaxDays } : {}) };
  }
  const days = kinds.map((k) => byKind[k]?.publicMaxDays).filter((d): d is number => d !== undefined);
  const mailDefault = rule('mail').defaultScope;
  return {
    allowedScopes: allowed,
    defaultScope: allowed.includes(mailDefault) ? mailDefault : (allowed[0] ?? 'private'),
    kinds: [...kinds],
    byKind,
    ...(days.length ? { publicMaxDays: Math.min(...days) } : {}),
  };
}

export function sharingService(d: SharingDeps) {
  const now = d.now ?? (() => new Date());

  const userOf = (v: Viewer): string | undefined => (v.kind === 'user' ? v.accountId : undefined);

  /** The items of one sharer, read in one go from their mailbox as them. */
  async function loadSharer(accountId: string, shares: readonly MailShare[]): Promise<Map<string, Loaded>> {
    const out = new Map<string, Loaded>();
    const all = (u: Unavailable) => {
      for (const s of shares) out.set(s.shareId, { unavailable: u });
      return out;
    };
    const conn: ConnectionInfo | undefined = await d.mail.connection(accountId);
    if (!conn) return all({ why: 'signed_out' });
    const readsMail = mayReadMail(conn.scopes);
    const wants: MailWant[] = [];
    for (const s of shares) {
      // Another Microsoft account behind the same Atlassian account must not open the old one's items.
      if (s.msUserId.toLowerCase() !== conn.oid.toLowerCase() || s.msTenantId.toLowerCase() !== conn.tid.toLowerCase()) {
        out.set(s.shareId, { unavailable: { why: 'other_account' } });
        continue;
      }
      if (!readsMail) {
        out.set(s.shareId, { unavailable: { why: 'no_mail_consent' } });
        continue;
      }
      wants.push(
        s.kind === 'mail'
          ? { key: s.shareId, kind: 'message', messageId: s.messageId, internetMessageId: s.internetMessageId }
          : { key: s.shareId, kind: 'conversation', conversationId: s.conversationId, internetMessageId: s.internetMessageId, since: new Date(Date.parse(s.createdAt) - SPLIT_LOOKBACK_MS).toISOString() },
      );
    }
    if (wants.length === 0) return out;
    const read = await d.mail.read(accountId, wants);
    if (!read.ok) {
      const u = unavailableFrom(read.error);
      for (const w of wants) out.set(w.key, { unavailable: u });
      return out;
    }
    for (const s of shares) {
      if (out.has(s.shareId)) continue;
      const r = read.value.get(s.shareId);
      if (!r) {
        out.set(s.shareId, { unavailable: { why: 'failed', error: { code: 'MS_UNAVAILABLE', message: '' } } });
        continue;
      }
      if (!r.ok) {
        out.set(s.shareId, { unavailable: r.error.code === 'NOT_FOUND' ? { why: 'gone' } : unavailableFrom(r.error) });
        continue;
      }
      const messages = s.kind === 'mail' ? r.value.slice(0, 1) : mergeThread({ internetMessageId: s.internetMessageId, conversationId: s.conversationId }, r.value);
      if (messages.length === 0) out.set(s.shareId, { unavailable: { why: 'gone' } });
      else {
        const omitted = Math.max(0, messages.length - THREAD_MAX_MESSAGES);
        out.set(s.shareId, { messages: messages.slice(omitted), omitted });
      }
    }
    return out;
  }

  /**
   * The place, if the viewer may view it, asked of its product as the viewer: Jira for an issue,
   * Confluence for a page. The ids in `ref` come from a payload; only what the product answers counts.
   */
  async function viewPlace(viewer: Viewer, ref: PlaceRef): Promise<Result<Place>> {
    if (ref.product === 'jira') {
      const issue = await d.jira.viewIssue(viewer, ref.issueId);
      return issue.ok ? ok({ target: { product: 'jira', issueId: issue.value.id, projectId: issue.value.projectId }, issueKey: issue.value.key }) : failWith('NOT_FOUND', 'issue_hidden');
    }
    const page = d.confluence ? await d.confluence.viewPage(viewer, ref.pageId) : failWith('NOT_FOUND', 'page_hidden');
    return page.ok ? ok({ target: { product: 'confluence', pageId: page.value.id, spaceId: page.value.spaceId } }) : failWith('NOT_FOUND', 'page_hidden');
  }
  const storedAt = (ref: PlaceRef): Promise<ShareRecord[]> => (ref.product === 'jira' ? d.shares.byIssue(ref.issueId) : d.shares.byPage(ref.pageId));
  const namesFor = (product: ShareTarget['product']) => (viewer: Viewer, ids: readonly string[]): Promise<Map<string, string>> =>
    product === 'jira' ? d.jira.names(viewer, ids) : d.confluence ? d.confluence.names(viewer, ids) : Promise.resolve(new Map<string, string>());

  async function panel(viewer: Viewer, issueId: string): Promise<Result<PanelView>> {
    const r = await placeView(viewer, { product: 'jira', issueId });
    if (!r.ok) return r;
    const { place, ...rest } = r.value;
    return ok({ issue: { id: issueId, key: place.issueKey ?? '' }, ...rest });
  }

  /**
   * One "Microsoft 365 item" macro: the share its configuration names, on the page it is placed on,
   * as this viewer may see it (no `item` when it is not there for them: removed, another page's, or
   * a scope that leaves them out — all answered alike). Without `shareId`: what the editor may share.
   */
  async function pageItem(viewer: Viewer, pageId: string, shareId?: string): Promise<Result<PageItemView>> {
    const r = await placeView(viewer, { product: 'confluence', pageId }, shareId ?? null);
    if (!r.ok) return r;
    const { place, items, ...rest } = r.value;
    const t = place.target as PageTarget;
    const item = items.find((i) => i.shareId === shareId);
    return ok({ page: { id: t.pageId, spaceId: t.spaceId }, ...rest, ...(item ? { item } : {}) });
  }

  /** What the viewer sees of the shares at a place (`only`: just that share; null: none, the place's settings only). */
  async function placeView(viewer: Viewer, ref: PlaceRef, only?: string | null): Promise<Result<PlaceView>> {
    const [place, stored, settings] = await Promise.all([viewPlace(viewer, ref), only === null ? Promise.resolve([]) : only !== undefined ? d.shares.get(only).then((s) => (s ? [s] : [])) : storedAt(ref), d.settings.current()]);
    if (!place.ok) return place;
    const viewerId = userOf(viewer);
    const here = place.value.target;
    // The rules in force here: the site's, narrowed by the project's admins — one read, when there is something to
    // show or the viewer could share (the pickers offer only what the project allows).
    const project = here.product === 'jira' && d.projects && (stored.length > 0 || viewerId !== undefined) ? await d.projects.get(here.projectId) : undefined;
    const rule = (k: ShareKind): KindPolicy => policyFor(settings, project, k);
    const allowed = [...new Set((Object.keys(FEATURE_OF_KIND) as ShareKind[]).flatMap((k) => (rule(k).on ? rule(k).allowedScopes : [])))].sort((a, b) => SCOPE_ORDER.indexOf(a) - SCOPE_ORDER.indexOf(b));
    const when = now();
    const onIssue = stored.filter((s) => samePlace(s, here)).slice(0, here.product === 'jira' ? MAX_SHARES_PER_ISSUE : MAX_SHARES_PER_PAGE);
    const visible: Array<{ s: ShareRecord; eff: ShareScope; featureOn: boolean }> = [];
    for (const s of onIssue) {
      const eff = effectiveScope(s.scope, rule(s.kind).allowedScopes);
      const featureOn = rule(s.kind).on;
      const o = decide({ action: 'view', loggedIn: viewerId !== undefined, mayViewIssue: true, featureOn, isSharer: viewerId === s.sharerAccountId, isProjectAdmin: false, scope: eff, targetAllowed: true });
      if (o.allow || !o.hidden) visible.push({ s, eff, featureOn });
    }
    visible.sort((a, b) => (a.s.createdAt < b.s.createdAt ? 1 : a.s.createdAt > b.s.createdAt ? -1 : 0));

    const bySharer = new Map<string, MailShare[]>();
    const othersBySharer = new Map<string, OtherShareRecord[]>();
    for (const { s, featureOn } of visible) {
      // An ended share is not read from anyone's Microsoft 365: it shows as ended until the hourly run deletes it.
      if (!featureOn || hasEnded(s, when)) continue;
      if (isOtherShare(s)) othersBySharer.set(s.sharerAccountId, [...(othersBySharer.get(s.sharerAccountId) ?? []), s]);
      else bySharer.set(s.sharerAccountId, [...(bySharer.get(s.sharerAccountId) ?? []), s]);
    }
    const loadOthers = async (): Promise<Map<string, LoadedItem>> => {
      const items = d.items;
      const maps = await Promise.all([...othersBySharer].map(async ([id, list]) => (items ? loadItems(items, await d.mail.connection(id), id, list, when) : new Map<string, LoadedItem>(list.map((x) => [x.shareId, { unavailable: { why: 'feature_off' } }])))));
      return new Map(maps.flatMap((m) => [...m]));
    };
    const needsAdmin = viewerId !== undefined && visible.some((v) => v.s.sharerAccountId !== viewerId);
    const [names, loaded, isProjectAdmin, viewerConn, others] = await Promise.all([
      visible.length ? namesFor(here.product)(viewer, [...new Set(visible.map((v) => v.s.sharerAccountId))]) : Promise.resolve(new Map<string, string>()),
      Promise.all([...bySharer].map(([id, list]) => loadSharer(id, list))).then((maps) => new Map(maps.flatMap((m) => [...m]))),
      needsAdmin && here.product === 'jira' ? d.jira.isProjectAdmin(viewer, here.issueId) : Promise.resolve(false),
      viewerId !== undefined ? d.mail.connection(viewerId) : Promise.resolve(undefined),
      loadOthers(),
    ]);

    const items: ShareItemView[] = visible.map(({ s, eff, featureOn }) => {
      const sharerName = names.get(s.sharerAccountId) ?? 'a former user';
      const item = itemView(s, { viewerAccountId: viewerId, sharerName, effectiveScope: eff, isProjectAdmin, featureOn });
      if (hasEnded(s, when)) return { ...item, canChangeScope: false, expiresAt: s.expiresAt, problem: { code: 'NOT_FOUND' as const, reason: 'share_ended', message: item.mine ? 'This share has ended (you set an end date). Share it again to show it once more.' : 'This shared item has ended.', action: 'none' as const } };
      if (s.expiresAt !== undefined) Object.assign(item, { expiresAt: s.expiresAt });
      if (isOtherShare(s)) {
        const o: LoadedItem = featureOn ? (others.get(s.shareId) ?? { unavailable: { why: 'signed_out' } }) : { unavailable: { why: 'feature_off' } };
        if ('unavailable' in o) return { ...item, problem: unavailableProblem(o.unavailable, { sharerName, mine: item.mine, kind: s.kind }) };
        // A calendar shows free/busy only when its sharer chose it, or the site's or the project's rules say so now.
        const content = itemContent(s.kind === 'calendar' && rule('calendar').freeBusyOnly ? { ...s, freeBusyOnly: true } : s, o.read, { viewerIsSharer: item.mine, loggedIn: viewerId !== undefined, scope: eff, now: when });
        return content ? { ...item, ...content } : { ...item, problem: unavailableProblem({ why: 'gone' }, { sharerName, mine: item.mine, kind: s.kind }) };
      }
      const l: Loaded = featureOn ? (loaded.get(s.shareId) ?? { unavailable: { why: 'signed_out' } }) : { unavailable: { why: 'feature_off' } };
      if ('unavailable' in l) return { ...item, problem: unavailableProblem(l.unavailable, { sharerName, mine: item.mine, kind: s.kind }) };
      const first = l.messages[0];
      return { ...item, messages: l.messages.map(mailView), olderOmitted: l.omitted, ...(item.mine && first?.webLink ? { openInOutlook: first.webLink } : {}) };
    });

    const kinds = (Object.keys(FEATURE_OF_KIND) as ShareKind[]).filter((k) => rule(k).on);
    // A single share asked for says nothing about how full the place is; the create call checks that.
    const full = only === undefined && onIssue.length >= (here.product === 'jira' ? MAX_SHARES_PER_ISSUE : MAX_SHARES_PER_PAGE);
    return ok({
      place: place.value,
      viewer: {
        loggedIn: viewerId !== undefined,
        connected: viewerConn !== undefined,
        mailAllowed: viewerConn !== undefined && mayReadMail(viewerConn.scopes),
        calendarsAllowed: viewerConn !== undefined && mayReadKind('calendar', viewerConn.scopes),
        chatsAllowed: viewerConn !== undefined && mayReadKind('chat', viewerConn.scopes),
        canShare: viewerId !== undefined && kinds.length > 0 && !full,
        isProjectAdmin,
      },
      sharing: sharingRules(kinds, rule, allowed),
      items,
      full,
    });
  }

  /** Re-writes the JQL mirror from the authoritative store; a failure is logged, never fatal. */
  async function syncMirror(issueId: string, shares: readonly ShareRecord[], settings: AppSettings): Promise<void> {
    if (!settings.features.linkStore) return;
    await d.jira.mirror(issueId, mirrorIds(issueId, shares, settings.sharing.allowedScopes));
  }

  /** The rules in force for a kind at a place: the site's, narrowed by the issue's project (pages follow the site's). */
  async function ruleAt(settings: AppSettings, here: ShareTarget, kind: ShareKind): Promise<KindPolicy> {
    const project = here.product === 'jira' && d.projects ? await d.projects.get(here.projectId) : undefined;
    return policyFor(settings, project, kind);
  }

  async function create(accountId: string, input: CreateInput): Promise<Result<CreatedShare>> {
    const viewer: Viewer = { kind: 'user', accountId };
    const ref = refOf(input);
    const [place, existing, settings] = await Promise.all([viewPlace(viewer, ref), storedAt(ref), d.settings.current()]);
    if (!place.ok) return place;
    const here = place.value.target;
    const rule = await ruleAt(settings, here, input.kind);
    const o = decide({
      action: 'create', loggedIn: true, mayViewIssue: true, featureOn: rule.on, isSharer: true, isProjectAdmin: false,
      scope: input.scope, targetAllowed: rule.allowedScopes.includes(input.scope),
    });
    if (!o.allow) return failWith(o.code, o.reason);
    const ends = endDate(input.expiresAt, input.scope, rule, now());
    if (!ends.ok) return ends;
    const conn = await d.mail.connection(accountId);
    if (!conn) return failWith('MS_SIGN_IN_REQUIRED', 'not_connected');
    if (!mayReadMail(conn.scopes)) return failWith('MS_SIGN_IN_REQUIRED', 'mail_permission_missing');
    const found = await d.mail.locate(accountId, input.messageId);
    if (!found.ok) return found.error.code === 'NOT_FOUND' ? failWith('NOT_FOUND', 'mail_not_in_mailbox') : found;
    const onIssue = existing.filter((s) => samePlace(s, here));
    const same = onIssue.find((s) => s.sharerAccountId === accountId && s.kind === input.kind && isMailKind(s.kind) && (input.kind === 'mail' ? s.messageId === found.value.messageId : s.conversationId === found.value.conversationId));
    if (same) return ok({ shareId: same.shareId, existing: true });
    if (onIssue.length >= (here.product === 'jira' ? MAX_SHARES_PER_ISSUE : MAX_SHARES_PER_PAGE)) return failWith('BAD_REQUEST', here.product === 'jira' ? 'too_many_shares' : 'too_many_page_shares');
    const record: ShareRecord = {
      shareId: d.crypto.randomToken(16),
      kind: input.kind,
      sharerAccountId: accountId,
      msUserId: conn.oid,
      msTenantId: conn.tid,
      messageId: found.value.messageId,
      internetMessageId: found.value.internetMessageId,
      conversationId: found.value.conversationId,
      scope: input.scope,
      ...here,
      createdAt: now().toISOString(),
      ...(ends.value !== undefined ? { expiresAt: ends.value } : {}),
    };
    await d.shares.put(record);
    // The link store is mail ↔ Jira issue (seed 001): pages keep no links and no JQL mirror.
    if (settings.features.linkStore && record.product === 'jira') {
      await d.links.put(linkOf(record, place.value.issueKey ?? ''));
      await syncMirror(record.issueId, [...onIssue, record], settings);
    }
    return ok({ shareId: record.shareId, existing: false });
  }

  /** The share at this issue or page, as far as the caller may know of it. */
  async function target(accountId: string, at: At, shareId: string) {
    const viewer: Viewer = { kind: 'user', accountId };
    const [place, share, settings] = await Promise.all([viewPlace(viewer, refOf(at)), d.shares.get(shareId), d.settings.current()]);
    if (!place.ok) return place;
    // Another issue's or page's share id is answered exactly like one that does not exist.
    if (!share || !samePlace(share, place.value.target)) return failWith('NOT_FOUND', 'pageId' in at ? 'page_share_not_found' : 'share_not_found');
    return { ok: true as const, viewer, place: place.value.target, share, settings };
  }

  async function setScope(accountId: string, input: At & { shareId: string; scope: ShareScope }): Promise<Result<{ scope: ShareScope }>> {
    const t = await target(accountId, input, input.shareId);
    if (!t.ok) return t;
    const rule = await ruleAt(t.settings, t.place, t.share.kind);
    const o = decide({
      action: 'changeScope', loggedIn: true, mayViewIssue: true, featureOn: rule.on, isSharer: t.share.sharerAccountId === accountId,
      isProjectAdmin: false, scope: effectiveScope(t.share.scope, rule.allowedScopes), targetAllowed: rule.allowedScopes.includes(input.scope),
    });
    if (!o.allow) return failWith(o.code, o.reason);
    if (hasEnded(t.share, now())) return failWith('BAD_REQUEST', 'share_ended');
    const expiresAt = endDateForScope(t.share.expiresAt, input.scope, rule, now());
    if (t.share.scope !== input.scope || expiresAt !== t.share.expiresAt) {
      await d.shares.put({ ...t.share, scope: input.scope, ...(expiresAt !== undefined ? { expiresAt } : {}) });
      if (t.settings.features.linkStore && t.place.product === 'jira') {
        const rest = (await d.shares.byIssue(t.place.issueId)).filter((s) => s.shareId !== t.share.shareId);
        await syncMirror(t.place.issueId, [...rest, { ...t.share, scope: input.scope }], t.settings);
      }
    }
    return ok({ scope: input.scope });
  }

  async function remove(accountId: string, input: At & { shareId: string }): Promise<Result<{ removed: true }>> {
    const t = await target(accountId, input, input.shareId);
    if (!t.ok) return t;
    const isSharer = t.share.sharerAccountId === accountId;
    // On a page only the sharer removes (no Confluence role stands in for a Jira project admin here).
    const isProjectAdmin = isSharer || t.place.product !== 'jira' ? false : await d.jira.isProjectAdmin(t.viewer, t.place.issueId);
    const o = decide({
      action: 'remove', loggedIn: true, mayViewIssue: true, featureOn: t.settings.features[FEATURE_OF_KIND[t.share.kind]], isSharer, isProjectAdmin,
      scope: effectiveScope(t.share.scope, t.settings.sharing.allowedScopes), targetAllowed: true,
    });
    if (!o.allow) return failWith(o.code, o.reason);
    await d.shares.delete(t.share.shareId);
    if (t.place.product === 'jira') {
      await d.links.delete(t.share.shareId);
      const rest = (await d.shares.byIssue(t.place.issueId)).filter((s) => s.shareId !== t.share.shareId);
      await syncMirror(t.place.issueId, rest, t.settings);
    }
    return ok({ removed: true });
  }

  /** How many of the caller's shares stop showing when they sign out (asked before signing out). */
  async function mine(accountId: string): Promise<Result<{ count: number; issues: number; pages: number }>> {
    const list = await d.shares.bySharer(accountId);
    const places = new Set(list.map(placeKey));
    const pages = [...places].filter((k) => k.startsWith('confluence:')).length;
    return ok({ count: list.length, issues: places.size - pages, pages });
  }

  /** The caller's conversations linked to an issue they may view, as far as their own mailbox holds them. */
  async function linksForIssue(accountId: string, issueId: string): Promise<Result<ConversationLink[]>> {
    const viewer: Viewer = { kind: 'user', accountId };
    const [issue, links] = await Promise.all([d.jira.viewIssue(viewer, issueId), d.links.byIssue(issueId)]);
    if (!issue.ok) return failWith('NOT_FOUND', 'issue_hidden');
    const distinct = dedupe(links.filter((l) => l.issueId === issue.value.id), (l) => `${l.conversationId} ${l.internetMessageId}`);
    if (distinct.length === 0) return ok([]);
    const held = await d.mail.holds(accountId, distinct.map((l) => ({ conversationId: l.conversationId })));
    if (!held.ok) return held;
    return ok(distinct.filter((_, i) => held.value[i] === true).map((l) => ({ conversationId: l.conversationId, internetMessageId: l.internetMessageId, linkedAt: l.createdAt })));
  }

  /** The issues a conversation of the caller's own mailbox is linked to, as far as they may view them. */
  async function issuesForConversation(accountId: string, ref: { conversationId: string } | { internetMessageId: string }): Promise<Result<Array<{ id: string; key: string; projectId: string }>>> {
    const held = await d.mail.holds(accountId, [ref]);
    if (!held.ok) return held;
    if (held.value[0] !== true) return failWith('NOT_FOUND', 'conversation_not_in_mailbox');
    const links = 'conversationId' in ref ? await d.links.byConversation(ref.conversationId) : await d.links.byMessage(ref.internetMessageId);
    const byIssue = dedupe(links, (l) => l.issueId);
    if (byIssue.length === 0) return ok([]);
    const viewable = await d.jira.viewable({ kind: 'user', accountId }, byIssue.map((l) => l.issueId));
    return ok(byIssue.filter((l) => viewable.has(l.issueId)).map((l) => ({ id: l.issueId, key: l.issueKey, projectId: l.projectId })));
  }

  return { panel, pageItem, create, setScope, remove, mine, linksForIssue, issuesForConversation };
}

export type SharingService = ReturnType<typeof sharingService>;

function dedupe<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}

/** A mailbox failure as it shows on the item: the sharer's connection, their permission, or Microsoft. */
function unavailableFrom(e: AppErrorBody): Unavailable {
  if (e.code === 'MS_SIGN_IN_REQUIRED') return { why: 'signed_out' };
  if (e.code === 'MS_CONSENT_REQUIRED') return { why: 'no_mail_consent' };
  return { why: 'failed', error: e };
}
