import { ok, failWith, type Result } from '../../../src/core/result';
import { defaultSettings, type AppSettings } from '../../../src/core/settings/model';
import type { ConfluencePort, ConnectionInfo, IssueRef, JiraPort, LinkStore, MailboxPort, ShareStore, Viewer } from '../../../src/core/sharing/ports';
import type { IssueShareRecord, LinkRecord, PageShareRecord, ShareRecord } from '../../../src/core/sharing/model';
import { MAX_SHARES_PER_ISSUE } from '../../../src/core/sharing/model';
import type { MailMessage, MailWant } from '../../../src/core/sharing/mail';
import { sharingService } from '../../../src/core/sharing/service';

export const ALICE = '557058:a11ce000-0000-4000-8000-000000000001';
export const BOB = '557058:b0b00000-0000-4000-8000-000000000002';
export const CAROL = '557058:ca401000-0000-4000-8000-000000000003';
export const ALICE_MS = { oid: 'a11ce000-1111-4aaa-8aaa-000000000001', tid: '6e1b4f3c-2d7a-4c5e-9b8f-0a1c2d3e4f50' };
/** Another Microsoft account of the same tenant (Alice signing in as someone else). */
export const OTHER_MS = { oid: 'b0b00000-2222-4bbb-8bbb-000000000002', tid: ALICE_MS.tid };

export const conversationA = 'AAQkADQ2ZWI1NWUzLWFjNTgtNDhkNi05MTRlLTE0ZjkzYjhiZmIxYgAQACGaySOzKTNItlx6EtoJ8kc=';
export const conversationB = 'AAQkADQ2ZWI1NWUzLWFjNTgtNDhkNi05MTRlLTE0ZjkzYjhiZmIxYgAQAEXTERNALsplitXXXXXXXX=';

let seq = 0;
/** A message as the adapter hands it to the core. */
export function message(p: Partial<MailMessage> & { internetMessageId: string }): MailMessage {
  seq++;
  return {
    conversationId: conversationA,
    references: [],
    at: `2026-03-0${Math.min(9, seq)}T10:00:00Z`,
    isDraft: false,
    subject: 'Phoenix kickoff agenda',
    to: [],
    cc: [],
    body: { type: 'html', content: '<p>Hello</p>' },
    inlineImages: {},
    inlineImagesOmitted: 0,
    attachments: [],
    ...p,
  };
}

interface Mailbox {
  connection?: ConnectionInfo;
  /** Immutable id → message. */
  messages: Map<string, MailMessage>;
  /** Force a failure for the whole read (e.g. revoked refresh token). */
  readFails?: Result<never>;
}

/**
 * The sharing core's world in memory: shares and links as the entity store keeps them, Jira with
 * per-user issue permissions, and one mailbox per Atlassian account.
 */
export function world() {
  const shares = new Map<string, ShareRecord>();
  const links = new Map<string, LinkRecord>();
  const issues = new Map<string, IssueRef & { viewers: Set<string> | 'public'; admins: Set<string> }>([
    ['10001', { id: '10001', key: 'DEMO-1', projectId: '10000', viewers: new Set([ALICE, BOB, CAROL]), admins: new Set([ALICE]) }],
    ['10002', { id: '10002', key: 'DEMO-2', projectId: '10000', viewers: new Set([ALICE, BOB]), admins: new Set([ALICE]) }],
    ['20001', { id: '20001', key: 'PUB-1', projectId: '20000', viewers: 'public', admins: new Set([ALICE]) }],
    ['30001', { id: '30001', key: 'SEC-1', projectId: '30000', viewers: new Set([ALICE]), admins: new Set([ALICE]) }],
  ]);
  const names = new Map([[ALICE, 'Alice Adams'], [BOB, 'Bob Brown'], [CAROL, 'Carol Chen']]);
  const mailboxes = new Map<string, Mailbox>();
  const mirrors = new Map<string, { conversationIds: string[]; internetMessageIds: string[] }>();
  const calls = { read: 0, connection: 0, jira: 0, confluence: 0 };
  let settings: AppSettings = defaultSettings();
  settings.features['share.mail'] = true;
  settings.features['share.conversation'] = true;
  settings.features.linkStore = true;

  const mayView = (v: Viewer, issueId: string) => {
    const i = issues.get(issueId);
    if (!i) return false;
    if (i.viewers === 'public') return true;
    return v.kind === 'user' && i.viewers.has(v.accountId);
  };

  const shareStore: ShareStore = {
    byIssue: async (issueId) => [...shares.values()].filter((s): s is IssueShareRecord => s.product === 'jira' && s.issueId === issueId).slice(0, MAX_SHARES_PER_ISSUE + 1).map((s) => structuredClone(s)),
    byPage: async (pageId) => [...shares.values()].filter((s): s is PageShareRecord => s.product === 'confluence' && s.pageId === pageId).slice(0, MAX_SHARES_PER_ISSUE + 1).map((s) => structuredClone(s)),
    bySharer: async (id) => [...shares.values()].filter((s) => s.sharerAccountId === id),
    get: async (id) => (shares.has(id) ? structuredClone(shares.get(id)) : undefined),
    put: async (s) => void shares.set(s.shareId, structuredClone(s)),
    delete: async (id) => void shares.delete(id),
  };
  const linkStore: LinkStore = {
    put: async (l) => void links.set(l.linkId, structuredClone(l)),
    delete: async (id) => void links.delete(id),
    byIssue: async (id) => [...links.values()].filter((l) => l.issueId === id),
    byConversation: async (c) => [...links.values()].filter((l) => l.conversationId === c),
    byMessage: async (m) => [...links.values()].filter((l) => l.internetMessageId === m),
  };
  const jira: JiraPort = {
    viewIssue: async (v, id) => {
      calls.jira++;
      const i = issues.get(id);
      return i && mayView(v, id) ? ok({ id: i.id, key: i.key, projectId: i.projectId }) : failWith('NOT_FOUND');
    },
    isProjectAdmin: async (v, id) => v.kind === 'user' && (issues.get(id)?.admins.has(v.accountId) ?? false),
    names: async (_v, ids) => new Map(ids.filter((id) => names.has(id)).map((id) => [id, names.get(id) as string])),
    viewable: async (v, ids) => new Set(ids.filter((id) => mayView(v, id))),
    mirror: async (issueId, ids) => {
      mirrors.set(issueId, ids);
      return ok(undefined);
    },
  };
  const mail: MailboxPort = {
    connection: async (id) => {
      calls.connection++;
      return mailboxes.get(id)?.connection;
    },
    read: async (id, wants: readonly MailWant[]) => {
      calls.read++;
      const box = mailboxes.get(id);
      if (box?.readFails) return box.readFails;
      const out = new Map<string, Result<MailMessage[]>>();
      for (const w of wants) {
        const all = [...(box?.messages.values() ?? [])];
        if (w.kind === 'message') {
          const m = box?.messages.get(w.messageId);
          out.set(w.key, m ? ok([m]) : failWith('NOT_FOUND', 'ErrorItemNotFound'));
        } else {
          out.set(w.key, ok(all.filter((m) => m.conversationId === w.conversationId || m.at >= w.since)));
        }
      }
      return ok(out);
    },
    locate: async (id, messageId) => {
      const m = mailboxes.get(id)?.messages.get(messageId);
      return m ? ok({ messageId, internetMessageId: m.internetMessageId, conversationId: m.conversationId }) : failWith('NOT_FOUND', 'ErrorItemNotFound');
    },
    holds: async (id, refs) => {
      const all = [...(mailboxes.get(id)?.messages.values() ?? [])];
      return ok(refs.map((r) => all.some((m) => ('conversationId' in r ? m.conversationId === r.conversationId : m.internetMessageId === r.internetMessageId))));
    },
  };

  /** Confluence pages: DEMO space (Alice, Bob, Carol), PUBSPACE (anyone, anonymous visitors too), one only Alice may view. */
  const pages = new Map<string, { id: string; spaceId: string; viewers: Set<string> | 'public' }>([
    ['65601', { id: '65601', spaceId: '98305', viewers: new Set([ALICE, BOB, CAROL]) }],
    ['65602', { id: '65602', spaceId: '98306', viewers: 'public' }],
    ['65603', { id: '65603', spaceId: '98307', viewers: new Set([ALICE]) }],
  ]);
  const confluence: ConfluencePort = {
    viewPage: async (v, id) => {
      calls.confluence++;
      const p = pages.get(id);
      return p && (p.viewers === 'public' || (v.kind === 'user' && p.viewers.has(v.accountId))) ? ok({ id: p.id, spaceId: p.spaceId }) : failWith('NOT_FOUND');
    },
    names: async (_v, ids) => new Map(ids.filter((id) => names.has(id)).map((id) => [id, names.get(id) as string])),
  };

  let n = 0;
  const service = () =>
    sharingService({
      shares: shareStore,
      links: linkStore,
      jira,
      mail,
      confluence,
      settings: { current: async () => structuredClone(settings) },
      crypto: { randomToken: () => `share${String(++n).padStart(17, '0')}` },
      now: () => new Date('2026-03-10T12:00:00.000Z'),
    });

  return {
    shares,
    links,
    issues,
    pages,
    names,
    mailboxes,
    mirrors,
    calls,
    get settings() {
      return settings;
    },
    set settings(s: AppSettings) {
      settings = s;
    },
    service,
    /** Connects `accountId` to a Microsoft account with a mailbox holding `messages` (keyed by immutable id). */
    connect(accountId: string, ms = ALICE_MS, messages: Record<string, MailMessage> = {}, scopes = ['openid', 'offline_access', 'User.Read', 'Mail.Read']) {
      const box: Mailbox = mailboxes.get(accountId) ?? { messages: new Map() };
      box.connection = { ...ms, scopes };
      for (const [k, m] of Object.entries(messages)) box.messages.set(k, m);
      mailboxes.set(accountId, box);
    },
    signOut(accountId: string) {
      const box = mailboxes.get(accountId);
      if (box) delete box.connection;
    },
  };
}

export const user = (accountId: string): Viewer => ({ kind: 'user', accountId });
export const anonymous: Viewer = { kind: 'anonymous' };
