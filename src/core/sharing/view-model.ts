/**
 * What the issue panel shows for each shared item, and the words for every way an item can be
 * unavailable. Pure: the service gathers the facts, this decides what a person reads.
 */
import type { AppErrorBody, ErrorCode } from '../result';
import { messageFor } from '../messages';
import type { MailAddress, MailAttachment, MailMessage } from './mail';
import type { ShareKind, ShareRecord, ShareScope } from './model';
import type { CalendarView } from './calendar';
import type { EventView } from './event';
import type { ChatView } from './chat';

export interface MailView {
  subject: string;
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  at: string;
  body: { type: 'html' | 'text'; content: string };
  inlineImages: Record<string, string>;
  inlineImagesOmitted: number;
  attachments: MailAttachment[];
}

/** What to offer next to an unavailable item. */
export type ItemAction = 'signIn' | 'allowMail' | 'retry' | 'none';

export interface ItemProblem extends AppErrorBody {
  action: ItemAction;
}

export interface ShareItemView {
  shareId: string;
  kind: ShareKind;
  /** The scope the sharer chose. */
  scope: ShareScope;
  /** The scope it has now: narrower when the admin stopped allowing the chosen one. */
  effectiveScope: ShareScope;
  sharer: { accountId: string; name: string };
  /** The viewer shared it. */
  mine: boolean;
  canChangeScope: boolean;
  canRemove: boolean;
  sharedAt: string;
  /** Messages, oldest first (one for a mail). Empty when `problem` says why. */
  messages: MailView[];
  /** A conversation: how many messages were left out (more than the panel shows). */
  olderOmitted: number;
  problem?: ItemProblem;
  /** Only for the sharer: opens the mail in their own Outlook on the web. */
  openInOutlook?: string;
  /** When the share ends (or ended: then `problem` says so). */
  expiresAt?: string;
  /** A shared calendar's window, as this viewer may see it (kind `calendar`). */
  calendar?: CalendarView;
  /** A shared event, as this viewer may see it (kind `event`). */
  event?: EventView;
  /** A shared Teams chat's newest page (kind `chat`); older pages come from `sharing/chatPage`. */
  chat?: ChatView;
}

/** Why a sharer's item cannot be shown, as the service found out. */
export type Unavailable =
  | { why: 'signed_out' }
  | { why: 'other_account' }
  | { why: 'gone' }
  | { why: 'no_mail_consent' }
  | { why: 'feature_off' }
  | { why: 'failed'; error: AppErrorBody };

const FEATURE_WORDS: Record<ShareKind, string> = { mail: 'Sharing single mails', conversation: 'Sharing conversations', calendar: 'Sharing calendars', event: 'Sharing events', chat: 'Sharing Teams chats' };
/** Where each kind lives, and what the app must be allowed to read, in words. */
const PLACE: Record<ShareKind, string> = { mail: 'mailbox', conversation: 'mailbox', calendar: 'calendar', event: 'calendar', chat: 'Teams chats' };
const READS: Record<ShareKind, string> = { mail: 'read their mail', conversation: 'read their mail', calendar: 'read their calendar', event: 'read their calendar', chat: 'read their Teams chats' };
const READS_YOURS: Record<ShareKind, string> = { mail: 'read your mail', conversation: 'read your mail', calendar: 'read your calendar', event: 'read your calendar', chat: 'read your Teams chats' };

/**
 * The sentence for an unavailable item. Names come from Atlassian at view time; the sharer reads
 * about their own items in the second person, with what to do.
 */
export function unavailableProblem(u: Unavailable, ctx: { sharerName: string; mine: boolean; kind: ShareKind }): ItemProblem {
  const { sharerName: name, mine } = ctx;
  const p = (code: ErrorCode, reason: string, message: string, action: ItemAction, extra: Partial<AppErrorBody> = {}): ItemProblem => ({ code, reason, message, action, ...extra });
  switch (u.why) {
    case 'signed_out':
      return mine
        ? p('MS_SIGN_IN_REQUIRED', 'sharer_signed_out', 'You shared this. It is unavailable to everyone while you are signed out of Microsoft 365 — sign in again to show it.', 'signIn')
        : p('MS_SIGN_IN_REQUIRED', 'sharer_signed_out', `Shared by ${name} — unavailable while they are signed out of Microsoft 365.`, 'none');
    case 'other_account':
      return mine
        ? p('MS_SIGN_IN_REQUIRED', 'sharer_other_account', 'You shared this from another Microsoft 365 account than the one you are signed in with now. Sign in with that account to show it again.', 'signIn')
        : p('MS_SIGN_IN_REQUIRED', 'sharer_other_account', `Shared by ${name} — unavailable: ${name} is signed in to Microsoft 365 with another account than the one this was shared from.`, 'none');
    case 'gone':
      if (ctx.kind === 'chat') {
        return mine
          ? p('NOT_FOUND', 'chat_gone', 'This chat is no longer among your Teams chats (you left it, or it was deleted). Remove it here.', 'none')
          : p('NOT_FOUND', 'chat_gone', `No longer available in ${name}’s Teams chats.`, 'none');
      }
      if (ctx.kind === 'calendar' || ctx.kind === 'event') {
        return mine
          ? p('NOT_FOUND', 'calendar_gone', `No longer in your calendar: it was deleted${ctx.kind === 'event' ? ' or cancelled and removed' : ''}. Remove it here, or share it again.`, 'none')
          : p('NOT_FOUND', 'calendar_gone', `No longer available in ${name}’s calendar.`, 'none');
      }
      return mine
        ? p('NOT_FOUND', 'mail_gone', 'No longer available in your mailbox: it was deleted, or moved to an archive. Remove it here, or share it again.', 'none')
        : p('NOT_FOUND', 'mail_gone', `No longer available in ${name}’s mailbox.`, 'none');
    case 'no_mail_consent':
      if (ctx.kind !== 'mail' && ctx.kind !== 'conversation') {
        return mine
          ? p('MS_SIGN_IN_REQUIRED', 'sharer_no_consent', `The app may no longer ${READS_YOURS[ctx.kind]}. Allow it again to show this.`, 'allowMail')
          : p('MS_SIGN_IN_REQUIRED', 'sharer_no_consent', `Shared by ${name} — unavailable until they allow the app to ${READS[ctx.kind]} again.`, 'none');
      }
      return mine
        ? p('MS_SIGN_IN_REQUIRED', 'sharer_no_mail_consent', 'The app may no longer read your mail. Allow it again to show this.', 'allowMail')
        : p('MS_SIGN_IN_REQUIRED', 'sharer_no_mail_consent', `Shared by ${name} — unavailable until they allow the app to read their mail again.`, 'none');
    case 'feature_off':
      return p('FEATURE_OFF', 'feature_off', `${FEATURE_WORDS[ctx.kind]} was turned off by your admin.`, 'none');
    case 'failed': {
      const e = u.error;
      const extra = e.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: e.retryAfterSeconds };
      if (e.code === 'THROTTLED') return p('THROTTLED', e.reason ?? 'throttled', messageFor('THROTTLED'), 'retry', extra);
      return p(e.code, e.reason ?? 'failed', mine ? `Your ${PLACE[ctx.kind]} could not be read right now. Try again in a moment.` : `${name}’s ${PLACE[ctx.kind]} could not be read right now. Try again in a moment.`, 'retry', extra);
    }
  }
}

export const mailView = (m: MailMessage): MailView => ({
  subject: m.subject,
  ...(m.from ? { from: m.from } : {}),
  to: m.to,
  cc: m.cc,
  at: m.at,
  body: m.body,
  inlineImages: m.inlineImages,
  inlineImagesOmitted: m.inlineImagesOmitted,
  attachments: m.attachments,
});

/** The item as the viewer may act on it; `messages`/`problem` are filled by the caller. */
export function itemView(s: ShareRecord, ctx: { viewerAccountId: string | undefined; sharerName: string; effectiveScope: ShareScope; isProjectAdmin: boolean; featureOn: boolean }): ShareItemView {
  const mine = ctx.viewerAccountId !== undefined && ctx.viewerAccountId === s.sharerAccountId;
  return {
    shareId: s.shareId,
    kind: s.kind,
    scope: s.scope,
    effectiveScope: ctx.effectiveScope,
    sharer: { accountId: s.sharerAccountId, name: ctx.sharerName },
    mine,
    canChangeScope: mine && ctx.featureOn,
    canRemove: mine || ctx.isProjectAdmin,
    sharedAt: s.createdAt,
    messages: [],
    olderOmitted: 0,
  };
}

/** One kind's rule as the share forms use it (the server checks it again on every share). */
export interface KindRuleView {
  allowedScopes: ShareScope[];
  defaultScope: ShareScope;
  /** A Public share ends within this many days of being made Public. */
  publicMaxDays?: number;
}

/** Everything the issue panel's sharing section shows, from one resolver call. */
export interface PanelView {
  issue: { id: string; key: string };
  viewer: {
    loggedIn: boolean;
    /** Has a Microsoft 365 connection stored. */
    connected: boolean;
    /** That connection may read mail (`Mail.Read`, asked the first time sharing is used). */
    mailAllowed: boolean;
    /** That connection may read calendars (`Calendars.Read`) / Teams chats (`Chat.Read`), asked when first used. */
    calendarsAllowed: boolean;
    chatsAllowed: boolean;
    /** May add a share here now (logged in, a sharing feature on, the issue not full). */
    canShare: boolean;
    isProjectAdmin: boolean;
  };
  sharing: {
    /** The audiences of every kind that is on, in the order private, atlassian, public. */
    allowedScopes: ShareScope[];
    defaultScope: ShareScope;
    /** The kinds that may be shared here now. */
    kinds: ShareKind[];
    /** Each kind's rule in force here (site's, narrowed by the project's): what its share form offers and prefills. */
    byKind: Partial<Record<ShareKind, KindRuleView>>;
    /** The shortest Public maximum of the kinds on (days); absent: Public shares may last until removed. */
    publicMaxDays?: number;
  };
  /** Newest first. */
  items: ShareItemView[];
  /** The issue holds as many shares as it may. */
  full: boolean;
}

export interface CreatedShare {
  shareId: string;
  /** The same item was already shared here by the same person: nothing new was stored. */
  existing: boolean;
}

export interface ConversationLink {
  conversationId: string;
  internetMessageId: string;
  linkedAt: string;
}
