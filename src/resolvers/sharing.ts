import type { Handlers } from '@forge/resolver';
import { fetch } from '@forge/api';
import type { SharingDefs } from '../contracts/sharing';
import { services, type Services } from '../services';
import { asAccount, asAnyone, requireAccount, type TrustedContext } from './context';
import { AppError, failWith, toAppError, type Result } from '../core/result';
import { isRecord, own } from '../core/guards';
import { GRAPH_ID, INTERNET_MESSAGE_ID, ISSUE_ID, SHARE_ID, isShareKind, isShareScope, type ShareKind, type ShareScope } from '../core/sharing/model';
import { FEATURE_OF_KIND, sharingService, type SharingService } from '../core/sharing/service';
import type { Viewer } from '../core/sharing/ports';
import { shareStore } from '../adapters/forge/share-store';
import { linkStore } from '../adapters/forge/link-store';
import { jiraIssues } from '../adapters/forge/jira-issues';
import { connectionStore } from '../adapters/forge/account-stores';
import { mailboxes } from '../adapters/graph/mailbox';
import { forgeRemainingMs } from '../adapters/graph/forge';
import { nodeCrypto } from '../adapters/node/crypto';

/** Wires the sharing core to Forge storage, Jira and Graph, for one invocation. */
function sharing(s: Services): SharingService {
  return sharingService({
    shares: shareStore,
    links: linkStore,
    jira: jiraIssues,
    mail: mailboxes({
      graphBaseUrl: s.endpoints.graphBaseUrl,
      fetch: (url, init) => fetch(url, init),
      remainingMs: forgeRemainingMs(),
      readConnection: (accountId) => connectionStore.get(accountId),
      accessToken: async (accountId, opts) => {
        try {
          return await (await s.accounts()).accessToken(accountId, opts);
        } catch (e) {
          return { ok: false, error: toAppError(e).toBody() };
        }
      },
      registrationKey: async () => (await s.settings.microsoftApp())?.key,
    }),
    settings: s.settings,
    crypto: nodeCrypto,
  });
}

/**
 * Payloads are read strictly: an object with exactly the expected fields, each of its exact shape.
 * Anything else — another type, an extra field, an oversized or malformed id — is refused before
 * storage, Jira or Graph is touched.
 */
const MAX_PAYLOAD_CHARS = 4_096;
type Shape = Record<string, (v: unknown) => boolean>;
const matches = (re: RegExp) => (v: unknown) => typeof v === 'string' && re.test(v);
const SHAPES = {
  issueId: matches(ISSUE_ID),
  shareId: matches(SHARE_ID),
  messageId: matches(GRAPH_ID),
  conversationId: matches(GRAPH_ID),
  internetMessageId: matches(INTERNET_MESSAGE_ID),
  kind: isShareKind,
  scope: isShareScope,
} satisfies Shape;

function parse<K extends keyof typeof SHAPES>(payload: unknown, required: readonly K[], optional: ReadonlyArray<keyof typeof SHAPES> = []): Record<K, string> {
  const bad = () => new AppError('BAD_REQUEST', 'That request was not understood. Reload the page and try again.', { reason: 'bad_payload' });
  if (!isRecord(payload)) throw bad();
  let size: number;
  try {
    size = JSON.stringify(payload).length;
  } catch {
    throw bad();
  }
  if (size > MAX_PAYLOAD_CHARS) throw bad();
  const allowed = new Set<string>([...required, ...optional]);
  for (const k of Object.keys(payload)) if (!allowed.has(k)) throw bad();
  for (const k of required) if (!SHAPES[k](own(payload, k))) throw bad();
  for (const k of optional) if (own(payload, k) !== undefined && !SHAPES[k](own(payload, k))) throw bad();
  return payload as Record<K, string>;
}

/** The caller as the platform says: a logged-in account, or an anonymous visitor. */
const viewerOf = (context: TrustedContext): Viewer => {
  const who = requireAccount(context);
  return who.ok ? { kind: 'user', accountId: who.accountId } : { kind: 'anonymous' };
};

/** The panel needs one of the two sharing switches on; each item is then checked for its own. */
async function requireSomeSharing(s: Services): Promise<void> {
  const st = await s.settings.current();
  if (!st.features['share.mail'] && !st.features['share.conversation']) throw AppError.of('FEATURE_OFF', 'feature_off');
}

export const sharingHandlers: Handlers<SharingDefs> = {
  'sharing/panel': ({ payload, context }) => {
    const s = services();
    return asAnyone(s, 'sharing/panel', async () => {
      const p = parse(payload, ['issueId']);
      await requireSomeSharing(s);
      return sharing(s).panel(viewerOf(context), p.issueId);
    });
  },
  'sharing/create': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'sharing/create', context, async (accountId) => {
      const p = parse(payload, ['issueId', 'kind', 'messageId', 'scope']);
      await s.settings.requireFeature(FEATURE_OF_KIND[p.kind as ShareKind]);
      return sharing(s).create(accountId, { issueId: p.issueId, kind: p.kind as ShareKind, messageId: p.messageId, scope: p.scope as ShareScope });
    });
  },
  'sharing/scope': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'sharing/scope', context, async (accountId) => {
      const p = parse(payload, ['issueId', 'shareId', 'scope']);
      // The switch of the share's own kind is checked by the core, once it knows the kind.
      await requireSomeSharing(s);
      return sharing(s).setScope(accountId, { issueId: p.issueId, shareId: p.shareId, scope: p.scope as ShareScope });
    });
  },
  'sharing/remove': ({ payload, context }) => {
    const s = services();
    // Removing stays possible with sharing switched off: people must be able to take back what they shared.
    return asAccount(s, 'sharing/remove', context, async (accountId) => {
      const p = parse(payload, ['issueId', 'shareId']);
      return sharing(s).remove(accountId, { issueId: p.issueId, shareId: p.shareId });
    });
  },
  'sharing/mine': ({ context }) => {
    const s = services();
    return asAccount(s, 'sharing/mine', context, (accountId) => sharing(s).mine(accountId));
  },
  'links/forIssue': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'links/forIssue', context, async (accountId) => {
      const p = parse(payload, ['issueId']);
      await s.settings.requireFeature('linkStore');
      return sharing(s).linksForIssue(accountId, p.issueId);
    });
  },
  'links/forConversation': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'links/forConversation', context, async (accountId): Promise<Result<Array<{ id: string; key: string; projectId: string }>>> => {
      const p = parse(payload, [], ['conversationId', 'internetMessageId']) as { conversationId?: string; internetMessageId?: string };
      if ((p.conversationId === undefined) === (p.internetMessageId === undefined)) return failWith('BAD_REQUEST', 'bad_payload');
      await s.settings.requireFeature('linkStore');
      return sharing(s).issuesForConversation(accountId, p.conversationId !== undefined ? { conversationId: p.conversationId } : { internetMessageId: p.internetMessageId ?? '' });
    });
  },
};
