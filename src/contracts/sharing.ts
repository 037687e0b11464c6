import type { Result } from '../core/result';
import type { ConversationLink, CreatedShare, PanelView, ShareKind, ShareScope } from '../core/sharing';

export type { ConversationLink, CreatedShare, PanelView, ShareKind };
/** Where a share is shown: a Jira issue (from Jira) or a Confluence page (from Confluence), never both. */
export type At = { issueId: string; pageId?: never } | { pageId: string; issueId?: never };
export type { PageItemView } from '../core/sharing/service';
import type { PageItemView } from '../core/sharing/service';
export type { ShareItemView, MailView, ItemProblem, ItemAction, KindRuleView } from '../core/sharing/view-model';
export type { MailAddress, MailAttachment } from '../core/sharing/mail';
export type { CalendarView, CalendarBlock } from '../core/sharing/calendar';
export type { EventView, EventAttendee } from '../core/sharing/event';
export type { ChatView, ChatEntry, ChatPart } from '../core/sharing/chat';
import type { ChatView } from '../core/sharing/chat';

/**
 * Sharing Outlook mails and conversations into Jira issues, and the mail ↔ issue link store.
 * The caller is always the invocation's account (or an anonymous visitor for `sharing/panel`);
 * every id in a payload is checked against Jira (asked as the caller) and the stored share.
 */
export type SharingDefs = {
  /** Everything the issue panel's sharing section shows, read at view time: one call. */
  'sharing/panel': (p: { issueId: string }) => Promise<Result<PanelView>>;
  /** Shares a mail of the caller's own mailbox (or its whole conversation) into the issue. */
  'sharing/create': (p: At & { kind: ShareKind; messageId: string; scope: ShareScope; expiresAt?: string }) => Promise<Result<CreatedShare>>;
  /** Shares one of the caller's own calendars (for a date window), events or Teams chats into the issue. */
  'sharing/createItem': (
    p:
      At & { expiresAt?: string } & ({ kind: 'calendar'; calendarId: string; window: string; freeBusyOnly: boolean; scope: ShareScope }
      | { kind: 'event'; eventId: string; scope: ShareScope }
      | { kind: 'chat'; chatId: string; scope: ShareScope }),
  ) => Promise<Result<CreatedShare>>;
  /** A shared chat's older messages (created before `before`, the `olderBefore` the panel received), newest first. */
  'sharing/chatPage': (p: At & { shareId: string; before: string }) => Promise<Result<ChatView>>;
  /** Hosted images of a shared chat's messages, fetched on the server as the sharer: `data:` URLs, null when too large. */
  'sharing/chatImages': (p: At & { shareId: string; images: Array<{ messageId: string; hostedId: string }> }) => Promise<Result<Array<string | null>>>;
  /** The sharer only. */
  'sharing/scope': (p: At & { shareId: string; scope: ShareScope }) => Promise<Result<{ scope: ShareScope }>>;
  /** The sharer, or an admin of the issue's project. */
  'sharing/remove': (p: At & { shareId: string }) => Promise<Result<{ removed: true }>>;
  /**
   * A "Microsoft 365 item" macro: the share its configuration names, if it is on this page and the
   * caller (or anonymous visitor) may see it; without `shareId`, what the editor may share here.
   */
  'sharing/pageItem': (p: { pageId: string; shareId?: string }) => Promise<Result<PageItemView>>;
  /** How many of the caller's shares stop showing while they are signed out (asked before signing out). */
  'sharing/mine': () => Promise<Result<{ count: number; issues: number; pages: number }>>;
  /** The issue's conversations that are in the caller's own mailbox. */
  'links/forIssue': (p: { issueId: string }) => Promise<Result<ConversationLink[]>>;
  /** The issues a conversation of the caller's own mailbox is linked to, as far as they may view them. */
  'links/forConversation': (p: { conversationId?: string; internetMessageId?: string }) => Promise<Result<Array<{ id: string; key: string; projectId: string }>>>;
};
