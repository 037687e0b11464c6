/**
 * What the sharing core needs from outside, as small interfaces: Forge storage (custom entities),
 * Jira asked as the viewer, and mailboxes read as their owners. Implemented in src/adapters; faked
 * in memory by the unit tests.
 */
import type { Result } from '../result';
import type { MailMessage, MailWant } from './mail';
import type { IssueShareRecord, LinkRecord, PageShareRecord, ShareRecord } from './model';

/** Who is calling: the invocation's accountId, or an anonymous visitor. Never from the payload. */
export type Viewer = { kind: 'user'; accountId: string } | { kind: 'anonymous' };

export interface ShareStore {
  /** The issue's shares (at most MAX_SHARES_PER_ISSUE + 1, so the caller can tell "full"); damaged records skipped. */
  byIssue(issueId: string): Promise<IssueShareRecord[]>;
  /** The Confluence page's shares (at most MAX_SHARES_PER_PAGE + 1); damaged records skipped. */
  byPage(pageId: string): Promise<PageShareRecord[]>;
  bySharer(accountId: string): Promise<ShareRecord[]>;
  get(shareId: string): Promise<ShareRecord | undefined>;
  put(share: ShareRecord): Promise<void>;
  delete(shareId: string): Promise<void>;
}

export interface LinkStore {
  put(link: LinkRecord): Promise<void>;
  delete(linkId: string): Promise<void>;
  byIssue(issueId: string): Promise<LinkRecord[]>;
  byConversation(conversationId: string): Promise<LinkRecord[]>;
  byMessage(internetMessageId: string): Promise<LinkRecord[]>;
}

export interface IssueRef {
  id: string;
  key: string;
  projectId: string;
}

/** Jira, asked as the viewer (anonymous visitors: without a user), except `mirror` (as the app). */
export interface JiraPort {
  /** The issue if the viewer may view it; NOT_FOUND otherwise (Jira does not tell the two apart). */
  viewIssue(viewer: Viewer, issueId: string): Promise<Result<IssueRef>>;
  /** ADMINISTER_PROJECTS on the issue's project, for this viewer. */
  isProjectAdmin(viewer: Viewer, issueId: string): Promise<boolean>;
  /** Display names now (a closed account reads "Former user"); ids Jira does not know are left out. */
  names(viewer: Viewer, accountIds: readonly string[]): Promise<Map<string, string>>;
  /** The subset of `issueIds` the user may view. */
  viewable(viewer: Viewer, issueIds: readonly string[]): Promise<Set<string>>;
  /**
   * The JQL mirror: an indexed issue entity property holding the linked ids. Anyone who can edit the
   * issue can edit it, so it is only ever written, never read back for a decision.
   */
  mirror(issueId: string, ids: { conversationIds: string[]; internetMessageIds: string[] }): Promise<Result<void>>;
}

/** A Microsoft 365 connection as stored, without its tokens. */
export interface ConnectionInfo {
  oid: string;
  tid: string;
  scopes: readonly string[];
}

/** Mailboxes, each read by the server as its owner with their stored connection. */
export interface MailboxPort {
  /** One secret read per account and invocation. */
  connection(accountId: string): Promise<ConnectionInfo | undefined>;
  /**
   * The wanted items, as `accountId` (one Graph round trip per mailbox where it can: a `$batch`).
   * Per want: the messages found (a mail that is gone: NOT_FOUND), or why it could not be read.
   */
  read(accountId: string, wants: readonly MailWant[]): Promise<Result<Map<string, Result<MailMessage[]>>>>;
  /** A message of the account's own mailbox, by any of its ids: its immutable id and thread ids. */
  locate(accountId: string, messageId: string): Promise<Result<{ messageId: string; internetMessageId: string; conversationId: string }>>;
  /** For each ref: whether the account's own mailbox holds a message of it. */
  holds(accountId: string, refs: ReadonlyArray<{ conversationId: string } | { internetMessageId: string }>): Promise<Result<boolean[]>>;
}

/** What one calendar, event or chat share asks of its sharer's Microsoft 365 on first paint. */
export type ItemWant =
  | { key: string; kind: 'calendar'; calendarId: string; start: string; end: string }
  | { key: string; kind: 'event'; eventId: string }
  | { key: string; kind: 'chat'; chatId: string };

export type ItemRead =
  | { kind: 'calendar'; entries: Array<import('./calendar').CalendarEntry>; truncated: boolean }
  | { kind: 'event'; event: import('./event').EventDetails }
  | { kind: 'chat'; messages: Array<import('./chat').ChatMessageRaw>; hasMore: boolean };

/** Calendars, events and Teams chats, each read by the server as the sharer (./items.ts in the Graph adapters). */
export interface ItemsPort {
  /** Every wanted item of one sharer, in one `$batch` (a long calendar's further pages follow its nextLink). */
  read(accountId: string, wants: readonly ItemWant[]): Promise<Result<Map<string, Result<ItemRead>>>>;
  /** An older page of a chat: messages created before `before`, newest first. */
  chatPage(accountId: string, chatId: string, before: string): Promise<Result<{ messages: Array<import('./chat').ChatMessageRaw>; hasMore: boolean }>>;
  /** Hosted images of the chat's messages as `data:` URLs (null: too large or not an image). */
  chatImages(accountId: string, chatId: string, refs: ReadonlyArray<{ messageId: string; hostedId: string }>): Promise<Result<Array<string | null>>>;
  /** Checks, when sharing, that the item is the sharer's own; events answer their immutable id. */
  locate(accountId: string, want: { kind: 'calendar'; calendarId: string } | { kind: 'event'; eventId: string } | { kind: 'chat'; chatId: string }): Promise<Result<{ id: string }>>;
}

/** A Confluence page the viewer may view. */
export interface PageRef {
  id: string;
  spaceId: string;
}

/** Confluence, asked as the viewer (anonymous visitors: without a user). */
export interface ConfluencePort {
  /** The page if the viewer may view it; NOT_FOUND otherwise (Confluence does not tell the two apart). */
  viewPage(viewer: Viewer, pageId: string): Promise<Result<PageRef>>;
  /** Display names now; ids Confluence does not know are left out. */
  names(viewer: Viewer, accountIds: readonly string[]): Promise<Map<string, string>>;
}
