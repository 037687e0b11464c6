/**
 * What a share is, as stored: ids only. No subject, sender, recipient, body or attachment name is
 * ever part of a record (the no-content proof in test/e2e reads back everything stored and checks).
 * Records are read tolerantly: a damaged record is skipped, never shown and never trusted.
 */
import { isRecord, own } from '../guards';
import type { ShareScope } from '../settings/model';
import { SHARE_SCOPES } from '../settings/model';
import { readTarget, type IssueTarget, type ShareTarget } from './target';

export type { ShareScope };
export type MailShareKind = 'mail' | 'conversation';
/** Calendars (a date window), single events or meetings, Teams chats: read on the sharer's behalf like mail. */
export type OtherShareKind = 'calendar' | 'event' | 'chat';
export type ShareKind = MailShareKind | OtherShareKind;
export const SHARE_KINDS: readonly ShareKind[] = ['mail', 'conversation', 'calendar', 'event', 'chat'];
export const MAIL_KINDS: readonly MailShareKind[] = ['mail', 'conversation'];
export const isMailKind = (k: ShareKind): k is MailShareKind => k === 'mail' || k === 'conversation';

/** What every share holds, whatever its kind: who shared it from which Microsoft account, with whom (where: `ShareTarget`). */
interface ShareBase {
  shareId: string;
  /** The Atlassian account that shared it; the only one who may change its scope. */
  sharerAccountId: string;
  /** Microsoft user (`oid`) and tenant (`tid`) it was shared from: another account does not restore it. */
  msUserId: string;
  msTenantId: string;
  scope: ShareScope;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** When the share ends (ISO 8601, UTC): it then shows as ended, and the expiry run deletes it (src/core/sharing/lifecycle.ts). */
  expiresAt?: string;
}

/**
 * A calendar for a date window: `this-week`, `next-<1..92>d`, or fixed dates `YYYY-MM-DD..YYYY-MM-DD`
 * (see ./calendar.ts). `freeBusyOnly` shows blocks without titles to everyone.
 */
export interface CalendarShareRecord extends ShareBase {
  kind: 'calendar';
  calendarId: string;
  window: string;
  freeBusyOnly: boolean;
}

/** One event or meeting, by its immutable id (it survives moves between calendars). */
export interface EventShareRecord extends ShareBase {
  kind: 'event';
  eventId: string;
}

/** One Teams chat the sharer is a member of. */
export interface ChatShareRecord extends ShareBase {
  kind: 'chat';
  chatId: string;
}

/**
 * Any stored share, told apart by `kind` (what) and `product` (where: a Jira issue or a Confluence
 * page, ./target.ts). Mail records keep the shape they always had; those without `product` are Jira's.
 */
export type ShareRecord = (MailShareRecord | CalendarShareRecord | EventShareRecord | ChatShareRecord) & ShareTarget;
/** A share on a Jira issue (the issue panel's). */
export type IssueShareRecord = Extract<ShareRecord, { product: 'jira' }>;
/** A share on a Confluence page (a "Microsoft 365 item" macro's). */
export type PageShareRecord = Extract<ShareRecord, { product: 'confluence' }>;

/** One shared mail or conversation (on a Jira issue or a Confluence page: its `ShareTarget`). */
export interface MailShareRecord {
  shareId: string;
  kind: MailShareKind;
  /** The Atlassian account that shared it; the only one who may change its scope. */
  sharerAccountId: string;
  /** Microsoft user (`oid`) and tenant (`tid`) of the mailbox it lives in: another account does not restore it. */
  msUserId: string;
  msTenantId: string;
  /** Immutable Graph id (`Prefer: IdType="ImmutableId"`): survives moves between folders. */
  messageId: string;
  /** RFC 5322 Message-ID: the thread root, followed through In-Reply-To/References when Exchange splits a thread. */
  internetMessageId: string;
  conversationId: string;
  scope: ShareScope;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** When the share ends (ISO 8601, UTC): it then shows as ended, and the expiry run deletes it (src/core/sharing/lifecycle.ts). */
  expiresAt?: string;
}

/** The mail ↔ issue mapping (seed 001), one per share, looked up both ways. */
export interface LinkRecord {
  /** The share it was recorded with. */
  linkId: string;
  conversationId: string;
  internetMessageId: string;
  msUserId: string;
  app: 'jira';
  issueId: string;
  issueKey: string;
  projectId: string;
  /** Who linked it: exported and deleted with that account. */
  accountId: string;
  createdAt: string;
}

export const ISSUE_ID = /^[1-9]\d{0,17}$/;
export const ISSUE_KEY = /^[A-Z][A-Z0-9_]{0,49}-[1-9]\d{0,17}$/;
/** `randomToken(16)`: 22 base64url characters. */
export const SHARE_ID = /^[A-Za-z0-9_-]{22}$/;
/** Exchange ids (REST or immutable) are base64 or base64url; Graph case-sensitive, ≤ a few hundred chars. */
export const GRAPH_ID = /^[A-Za-z0-9+/=_-]{8,512}$/;
/** `<local@domain>`: printable ASCII without spaces or angle brackets inside (RFC 5322 msg-id). */
export const INTERNET_MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]{3,500}>$/;
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export const isShareKind = (v: unknown): v is ShareKind => typeof v === 'string' && (SHARE_KINDS as readonly string[]).includes(v);
export const isShareScope = (v: unknown): v is ShareScope => typeof v === 'string' && (SHARE_SCOPES as readonly string[]).includes(v);
export const isAccountId = (v: unknown): v is string => typeof v === 'string' && ACCOUNT_ID.test(v);

const str = (o: Record<string, unknown>, k: string, shape: RegExp): string | undefined => {
  const v = own(o, k);
  return typeof v === 'string' && shape.test(v) ? v : undefined;
};

/**
 * A stored share, or undefined when any field is missing or malformed (it is then skipped). Its end
 * date, when it has one, is kept; a damaged end date reads as already ended (never as lasting longer).
 */
export function readShare(raw: unknown): ShareRecord | undefined {
  const share = readShareFields(raw);
  if (!share || !isRecord(raw)) return share;
  const expires = own(raw, 'expiresAt');
  if (expires === undefined) return share;
  return { ...share, expiresAt: typeof expires === 'string' && ISO.test(expires) ? expires : '1970-01-01T00:00:00Z' };
}

function readShareFields(raw: unknown): ShareRecord | undefined {
  if (!isRecord(raw)) return undefined;
  const kind = own(raw, 'kind');
  if (kind === 'calendar' || kind === 'event' || kind === 'chat') return readOtherShare(raw, kind);
  const scope = own(raw, 'scope');
  const r = {
    shareId: str(raw, 'shareId', SHARE_ID),
    sharerAccountId: str(raw, 'sharerAccountId', ACCOUNT_ID),
    msUserId: str(raw, 'msUserId', GUID),
    msTenantId: str(raw, 'msTenantId', GUID),
    messageId: str(raw, 'messageId', GRAPH_ID),
    internetMessageId: str(raw, 'internetMessageId', INTERNET_MESSAGE_ID),
    conversationId: str(raw, 'conversationId', GRAPH_ID),
    createdAt: str(raw, 'createdAt', ISO),
  };
  const target = readTarget(raw);
  if ((kind !== 'mail' && kind !== 'conversation') || !isShareScope(scope) || !target) return undefined;
  for (const v of Object.values(r)) if (v === undefined) return undefined;
  return { ...(r as { [K in keyof typeof r]: string }), kind, scope, ...target };
}

/** Teams chat ids: `19:…@thread.v2`, `19:…@unq.gbl.spaces`, `19:meeting_…@thread.v2`. */
export const CHAT_ID = /^19:[A-Za-z0-9_.:@-]{6,300}$/;
/** `this-week`, `next-<n>d` (1–92 days), or fixed dates `YYYY-MM-DD..YYYY-MM-DD` (checked in ./calendar.ts). */
export const CALENDAR_WINDOW = /^(this-week|next-[1-9]\d?d|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$/;

function readOtherShare(raw: Record<string, unknown>, kind: OtherShareKind): ShareRecord | undefined {
  const scope = own(raw, 'scope');
  const base = {
    shareId: str(raw, 'shareId', SHARE_ID),
    sharerAccountId: str(raw, 'sharerAccountId', ACCOUNT_ID),
    msUserId: str(raw, 'msUserId', GUID),
    msTenantId: str(raw, 'msTenantId', GUID),
    createdAt: str(raw, 'createdAt', ISO),
  };
  const target = readTarget(raw);
  if (!isShareScope(scope) || !target) return undefined;
  for (const v of Object.values(base)) if (v === undefined) return undefined;
  const b = { ...(base as { [K in keyof typeof base]: string }), scope, ...target };
  if (kind === 'calendar') {
    const calendarId = str(raw, 'calendarId', GRAPH_ID);
    const window = str(raw, 'window', CALENDAR_WINDOW);
    const freeBusyOnly = own(raw, 'freeBusyOnly');
    if (calendarId === undefined || window === undefined || typeof freeBusyOnly !== 'boolean') return undefined;
    return { ...b, kind, calendarId, window, freeBusyOnly };
  }
  if (kind === 'event') {
    const eventId = str(raw, 'eventId', GRAPH_ID);
    return eventId === undefined ? undefined : { ...b, kind, eventId };
  }
  const chatId = str(raw, 'chatId', CHAT_ID);
  return chatId === undefined ? undefined : { ...b, kind, chatId };
}

export function readLink(raw: unknown): LinkRecord | undefined {
  if (!isRecord(raw)) return undefined;
  const r = {
    linkId: str(raw, 'linkId', SHARE_ID),
    conversationId: str(raw, 'conversationId', GRAPH_ID),
    internetMessageId: str(raw, 'internetMessageId', INTERNET_MESSAGE_ID),
    msUserId: str(raw, 'msUserId', GUID),
    issueId: str(raw, 'issueId', ISSUE_ID),
    issueKey: str(raw, 'issueKey', ISSUE_KEY),
    projectId: str(raw, 'projectId', ISSUE_ID),
    accountId: str(raw, 'accountId', ACCOUNT_ID),
    createdAt: str(raw, 'createdAt', ISO),
  };
  if (own(raw, 'app') !== 'jira') return undefined;
  for (const v of Object.values(r)) if (v === undefined) return undefined;
  return { ...(r as { [K in keyof typeof r]: string }), app: 'jira' };
}

/** The link a share records (seed 001's row): the same ids, looked up the other way. */
export const linkOf = (s: MailShareRecord & IssueTarget, issueKey: string): LinkRecord => ({
  linkId: s.shareId,
  conversationId: s.conversationId,
  internetMessageId: s.internetMessageId,
  msUserId: s.msUserId,
  app: 'jira',
  issueId: s.issueId,
  issueKey,
  projectId: s.projectId,
  accountId: s.sharerAccountId,
  createdAt: s.createdAt,
});

/** At most this many shares per issue: the panel reads them in one storage query page. */
export const MAX_SHARES_PER_ISSUE = 20;
