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
import { linkOf, MAX_SHARES_PER_ISSUE, type ShareKind, type ShareRecord, type ShareScope } from './model';
import { THREAD_MAX_MESSAGES, type MailMessage, type MailWant } from './mail';
import { mergeThread } from './thread';
import type { ConnectionInfo, JiraPort, LinkStore, MailboxPort, ShareStore, Viewer } from './ports';
import { itemView, mailView, unavailableProblem, type ConversationLink, type CreatedShare, type PanelView, type ShareItemView, type Unavailable } from './view-model';

export interface SharingDeps {
  shares: ShareStore;
  links: LinkStore;
  jira: JiraPort;
  mail: MailboxPort;
  settings: { current(): Promise<AppSettings> };
  crypto: Pick<CryptoPort, 'randomToken'>;
  now?: () => Date;
}

export const FEATURE_OF_KIND: Readonly<Record<ShareKind, FeatureKey>> = { mail: 'share.mail', conversation: 'share.conversation' };

/** Delegated permissions that let Graph read the mailbox (a token may name them as full URIs). */
const READS_MAIL = new Set(['mail.read', 'mail.readwrite']);
export const mayReadMail = (scopes: readonly string[]): boolean => scopes.some((s) => READS_MAIL.has((s.split('/').pop() ?? '').toLowerCase()));

/**
 * Replies that split off into a new conversation are looked for among mail received from this long
 * before the share was made (the whole conversation is shared, including what came just before).
 */
const SPLIT_LOOKBACK_MS = 30 * 86_400_000;

export interface CreateInput {
  issueId: string;
  kind: ShareKind;
  messageId: string;
  scope: ShareScope;
}

/**
 * The ids the issue's JQL mirror holds. Private shares leave no trace there: issue properties are
 * readable by everyone who can view the issue.
 */
export function mirrorIds(issueId: string, shares: readonly ShareRecord[], allowed: readonly ShareScope[]): { conversationIds: string[]; internetMessageIds: string[] } {
  const open = shares.filter((s) => s.issueId === issueId && effectiveScope(s.scope, allowed) !== 'private');
  return { conversationIds: [...new Set(open.map((s) => s.conversationId))], internetMessageIds: [...new Set(open.map((s) => s.internetMessageId))] };
}

type Loaded = { messages: MailMessage[]; omitted: number } | { unavailable: Unavailable };

export function sharingService(d: SharingDeps) {
  const now = d.now ?? (() => new Date());

  const userOf = (v: Viewer): string | undefined => (v.kind === 'user' ? v.accountId : undefined);

  /** The items of one sharer, read in one go from their mailbox as them. */
  async function loadSharer(accountId: string, shares: readonly ShareRecord[]): Promise<Map<string, Loaded>> {
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

  async function panel(viewer: Viewer, issueId: string): Promise<Result<PanelView>> {
    const [issue, stored, settings] = await Promise.all([d.jira.viewIssue(viewer, issueId), d.shares.byIssue(issueId), d.settings.current()]);
    if (!issue.ok) return failWith('NOT_FOUND', 'issue_hidden');
    const viewerId = userOf(viewer);
    const allowed = settings.sharing.allowedScopes;
    const onIssue = stored.filter((s) => s.issueId === issue.value.id).slice(0, MAX_SHARES_PER_ISSUE);
    const visible: Array<{ s: ShareRecord; eff: ShareScope; featureOn: boolean }> = [];
    for (const s of onIssue) {
      const eff = effectiveScope(s.scope, allowed);
      const featureOn = settings.features[FEATURE_OF_KIND[s.kind]];
      const o = decide({ action: 'view', loggedIn: viewerId !== undefined, mayViewIssue: true, featureOn, isSharer: viewerId === s.sharerAccountId, isProjectAdmin: false, scope: eff, targetAllowed: true });
      if (o.allow || !o.hidden) visible.push({ s, eff, featureOn });
    }
    visible.sort((a, b) => (a.s.createdAt < b.s.createdAt ? 1 : a.s.createdAt > b.s.createdAt ? -1 : 0));

    const bySharer = new Map<string, ShareRecord[]>();
    for (const v of visible) if (v.featureOn) bySharer.set(v.s.sharerAccountId, [...(bySharer.get(v.s.sharerAccountId) ?? []), v.s]);
    const needsAdmin = viewerId !== undefined && visible.some((v) => v.s.sharerAccountId !== viewerId);
    const [names, loaded, isProjectAdmin, viewerConn] = await Promise.all([
      visible.length ? d.jira.names(viewer, [...new Set(visible.map((v) => v.s.sharerAccountId))]) : Promise.resolve(new Map<string, string>()),
      Promise.all([...bySharer].map(([id, list]) => loadSharer(id, list))).then((maps) => new Map(maps.flatMap((m) => [...m]))),
      needsAdmin ? d.jira.isProjectAdmin(viewer, issue.value.id) : Promise.resolve(false),
      viewerId !== undefined ? d.mail.connection(viewerId) : Promise.resolve(undefined),
    ]);

    const items: ShareItemView[] = visible.map(({ s, eff, featureOn }) => {
      const sharerName = names.get(s.sharerAccountId) ?? 'a former user';
      const item = itemView(s, { viewerAccountId: viewerId, sharerName, effectiveScope: eff, isProjectAdmin, featureOn });
      const l: Loaded = featureOn ? (loaded.get(s.shareId) ?? { unavailable: { why: 'signed_out' } }) : { unavailable: { why: 'feature_off' } };
      if ('unavailable' in l) return { ...item, problem: unavailableProblem(l.unavailable, { sharerName, mine: item.mine, kind: s.kind }) };
      const first = l.messages[0];
      return { ...item, messages: l.messages.map(mailView), olderOmitted: l.omitted, ...(item.mine && first?.webLink ? { openInOutlook: first.webLink } : {}) };
    });

    const kinds = (Object.keys(FEATURE_OF_KIND) as ShareKind[]).filter((k) => settings.features[FEATURE_OF_KIND[k]]);
    const full = onIssue.length >= MAX_SHARES_PER_ISSUE;
    return ok({
      issue: { id: issue.value.id, key: issue.value.key },
      viewer: {
        loggedIn: viewerId !== undefined,
        connected: viewerConn !== undefined,
        mailAllowed: viewerConn !== undefined && mayReadMail(viewerConn.scopes),
        canShare: viewerId !== undefined && kinds.length > 0 && !full,
        isProjectAdmin,
      },
      sharing: { allowedScopes: [...allowed], defaultScope: settings.sharing.defaultScope, kinds },
      items,
      full,
    });
  }

  /** Re-writes the JQL mirror from the authoritative store; a failure is logged, never fatal. */
  async function syncMirror(issueId: string, shares: readonly ShareRecord[], settings: AppSettings): Promise<void> {
    if (!settings.features.linkStore) return;
    await d.jira.mirror(issueId, mirrorIds(issueId, shares, settings.sharing.allowedScopes));
  }

  async function create(accountId: string, input: CreateInput): Promise<Result<CreatedShare>> {
    const viewer: Viewer = { kind: 'user', accountId };
    const [issue, existing, settings] = await Promise.all([d.jira.viewIssue(viewer, input.issueId), d.shares.byIssue(input.issueId), d.settings.current()]);
    if (!issue.ok) return failWith('NOT_FOUND', 'issue_hidden');
    const o = decide({
      action: 'create', loggedIn: true, mayViewIssue: true, featureOn: settings.features[FEATURE_OF_KIND[input.kind]], isSharer: true, isProjectAdmin: false,
      scope: input.scope, targetAllowed: settings.sharing.allowedScopes.includes(input.scope),
    });
    if (!o.allow) return failWith(o.code, o.reason);
    const conn = await d.mail.connection(accountId);
    if (!conn) return failWith('MS_SIGN_IN_REQUIRED', 'not_connected');
    if (!mayReadMail(conn.scopes)) return failWith('MS_SIGN_IN_REQUIRED', 'mail_permission_missing');
    const found = await d.mail.locate(accountId, input.messageId);
    if (!found.ok) return found.error.code === 'NOT_FOUND' ? failWith('NOT_FOUND', 'mail_not_in_mailbox') : found;
    const onIssue = existing.filter((s) => s.issueId === issue.value.id);
    const same = onIssue.find((s) => s.sharerAccountId === accountId && s.kind === input.kind && (input.kind === 'mail' ? s.messageId === found.value.messageId : s.conversationId === found.value.conversationId));
    if (same) return ok({ shareId: same.shareId, existing: true });
    if (onIssue.length >= MAX_SHARES_PER_ISSUE) return failWith('BAD_REQUEST', 'too_many_shares');
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
      issueId: issue.value.id,
      projectId: issue.value.projectId,
      createdAt: now().toISOString(),
    };
    await d.shares.put(record);
    if (settings.features.linkStore) {
      await d.links.put(linkOf(record, issue.value.key));
      await syncMirror(issue.value.id, [...onIssue, record], settings);
    }
    return ok({ shareId: record.shareId, existing: false });
  }

  /** The share on this issue, as far as the caller may know of it. */
  async function target(accountId: string, issueId: string, shareId: string) {
    const viewer: Viewer = { kind: 'user', accountId };
    const [issue, share, settings] = await Promise.all([d.jira.viewIssue(viewer, issueId), d.shares.get(shareId), d.settings.current()]);
    if (!issue.ok) return failWith('NOT_FOUND', 'issue_hidden');
    // Another issue's share id is answered exactly like one that does not exist.
    if (share?.issueId !== issue.value.id) return failWith('NOT_FOUND', 'share_not_found');
    return { ok: true as const, viewer, issue: issue.value, share, settings };
  }

  async function setScope(accountId: string, input: { issueId: string; shareId: string; scope: ShareScope }): Promise<Result<{ scope: ShareScope }>> {
    const t = await target(accountId, input.issueId, input.shareId);
    if (!t.ok) return t;
    const o = decide({
      action: 'changeScope', loggedIn: true, mayViewIssue: true, featureOn: t.settings.features[FEATURE_OF_KIND[t.share.kind]], isSharer: t.share.sharerAccountId === accountId,
      isProjectAdmin: false, scope: effectiveScope(t.share.scope, t.settings.sharing.allowedScopes), targetAllowed: t.settings.sharing.allowedScopes.includes(input.scope),
    });
    if (!o.allow) return failWith(o.code, o.reason);
    if (t.share.scope !== input.scope) {
      await d.shares.put({ ...t.share, scope: input.scope });
      if (t.settings.features.linkStore) {
        const rest = (await d.shares.byIssue(t.issue.id)).filter((s) => s.shareId !== t.share.shareId);
        await syncMirror(t.issue.id, [...rest, { ...t.share, scope: input.scope }], t.settings);
      }
    }
    return ok({ scope: input.scope });
  }

  async function remove(accountId: string, input: { issueId: string; shareId: string }): Promise<Result<{ removed: true }>> {
    const t = await target(accountId, input.issueId, input.shareId);
    if (!t.ok) return t;
    const isSharer = t.share.sharerAccountId === accountId;
    const isProjectAdmin = isSharer ? false : await d.jira.isProjectAdmin(t.viewer, t.issue.id);
    const o = decide({
      action: 'remove', loggedIn: true, mayViewIssue: true, featureOn: t.settings.features[FEATURE_OF_KIND[t.share.kind]], isSharer, isProjectAdmin,
      scope: effectiveScope(t.share.scope, t.settings.sharing.allowedScopes), targetAllowed: true,
    });
    if (!o.allow) return failWith(o.code, o.reason);
    await d.shares.delete(t.share.shareId);
    await d.links.delete(t.share.shareId);
    const rest = (await d.shares.byIssue(t.issue.id)).filter((s) => s.shareId !== t.share.shareId);
    await syncMirror(t.issue.id, rest, t.settings);
    return ok({ removed: true });
  }

  /** How many of the caller's shares stop showing when they sign out (asked before signing out). */
  async function mine(accountId: string): Promise<Result<{ count: number; issues: number }>> {
    const list = await d.shares.bySharer(accountId);
    return ok({ count: list.length, issues: new Set(list.map((s) => s.issueId)).size });
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

  return { panel, create, setScope, remove, mine, linksForIssue, issuesForConversation };
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
