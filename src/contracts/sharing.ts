import type { Result } from '../core/result';
import type { ConversationLink, CreatedShare, PanelView, ShareKind, ShareScope } from '../core/sharing';

export type { ConversationLink, CreatedShare, PanelView, ShareKind };
export type { ShareItemView, MailView, ItemProblem, ItemAction } from '../core/sharing/view-model';
export type { MailAddress, MailAttachment } from '../core/sharing/mail';

/**
 * Sharing Outlook mails and conversations into Jira issues, and the mail ↔ issue link store.
 * The caller is always the invocation's account (or an anonymous visitor for `sharing/panel`);
 * every id in a payload is checked against Jira (asked as the caller) and the stored share.
 */
export type SharingDefs = {
  /** Everything the issue panel's sharing section shows, read at view time: one call. */
  'sharing/panel': (p: { issueId: string }) => Promise<Result<PanelView>>;
  /** Shares a mail of the caller's own mailbox (or its whole conversation) into the issue. */
  'sharing/create': (p: { issueId: string; kind: ShareKind; messageId: string; scope: ShareScope }) => Promise<Result<CreatedShare>>;
  /** The sharer only. */
  'sharing/scope': (p: { issueId: string; shareId: string; scope: ShareScope }) => Promise<Result<{ scope: ShareScope }>>;
  /** The sharer, or an admin of the issue's project. */
  'sharing/remove': (p: { issueId: string; shareId: string }) => Promise<Result<{ removed: true }>>;
  /** How many of the caller's shares stop showing while they are signed out (asked before signing out). */
  'sharing/mine': () => Promise<Result<{ count: number; issues: number }>>;
  /** The issue's conversations that are in the caller's own mailbox. */
  'links/forIssue': (p: { issueId: string }) => Promise<Result<ConversationLink[]>>;
  /** The issues a conversation of the caller's own mailbox is linked to, as far as they may view them. */
  'links/forConversation': (p: { conversationId?: string; internetMessageId?: string }) => Promise<Result<Array<{ id: string; key: string; projectId: string }>>>;
};
