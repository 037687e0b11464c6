/**
 * What a share is, as stored: ids only. No subject, sender, recipient, body or attachment name is
 * ever part of a record (the no-content proof in test/e2e reads back everything stored and checks).
 * Records are read tolerantly: a damaged record is skipped, never shown and never trusted.
 */
import { isRecord, own } from '../guards';
import type { ShareScope } from '../settings/model';
import { SHARE_SCOPES } from '../settings/model';

export type { ShareScope };
export type ShareKind = 'mail' | 'conversation';
export const SHARE_KINDS: readonly ShareKind[] = ['mail', 'conversation'];

/** One shared mail or conversation on one Jira issue. */
export interface ShareRecord {
  shareId: string;
  kind: ShareKind;
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
  issueId: string;
  projectId: string;
  /** ISO 8601, UTC. */
  createdAt: string;
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

/** A stored share, or undefined when any field is missing or malformed (it is then skipped). */
export function readShare(raw: unknown): ShareRecord | undefined {
  if (!isRecord(raw)) return undefined;
  const kind = own(raw, 'kind');
  const scope = own(raw, 'scope');
  const r = {
    shareId: str(raw, 'shareId', SHARE_ID),
    sharerAccountId: str(raw, 'sharerAccountId', ACCOUNT_ID),
    msUserId: str(raw, 'msUserId', GUID),
    msTenantId: str(raw, 'msTenantId', GUID),
    messageId: str(raw, 'messageId', GRAPH_ID),
    internetMessageId: str(raw, 'internetMessageId', INTERNET_MESSAGE_ID),
    conversationId: str(raw, 'conversationId', GRAPH_ID),
    issueId: str(raw, 'issueId', ISSUE_ID),
    projectId: str(raw, 'projectId', ISSUE_ID),
    createdAt: str(raw, 'createdAt', ISO),
  };
  if (!isShareKind(kind) || !isShareScope(scope)) return undefined;
  for (const v of Object.values(r)) if (v === undefined) return undefined;
  return { ...(r as { [K in keyof typeof r]: string }), kind, scope };
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
export const linkOf = (s: ShareRecord, issueKey: string): LinkRecord => ({
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
