import type { Handlers } from '@forge/resolver';
import type { SharingDefs } from '../contracts/sharing';
import { services, type Services } from '../services';
import { recordShown, sharing, sharingItems } from '../share-services';
import { asAccount, asAnyone, requireAccount, type TrustedContext } from './context';
import { payloadReader, type PayloadShapes } from './payload';
import { AppError, failWith, type Result } from '../core/result';
import { isRecord, own } from '../core/guards';
import { CALENDAR_WINDOW, CHAT_ID, GRAPH_ID, INTERNET_MESSAGE_ID, ISSUE_ID, SHARE_ID, isShareScope, type MailShareKind, type ShareScope } from '../core/sharing/model';
import type { NewItem } from '../core/sharing/items-service';
import { CHAT_IMAGES_PER_CALL } from '../core/sharing/chat';
import { FEATURE_OF_KIND, refOf, type At } from '../core/sharing/service';
import { PAGE_ID } from '../core/sharing/target';
import { productOf } from '../adapters/forge/product';
import type { Viewer } from '../core/sharing/ports';

/**
 * Payloads are read strictly: an object with exactly the expected fields, each of its exact shape.
 * Anything else — another type, an extra field, an oversized or malformed id — is refused before
 * storage, Jira or Graph is touched.
 */
const MAX_PAYLOAD_CHARS = 4_096;
const matches = (re: RegExp) => (v: unknown) => typeof v === 'string' && re.test(v);
const SHAPES = {
  issueId: matches(ISSUE_ID),
  pageId: matches(PAGE_ID),
  shareId: matches(SHARE_ID),
  messageId: matches(GRAPH_ID),
  conversationId: matches(GRAPH_ID),
  internetMessageId: matches(INTERNET_MESSAGE_ID),
  kind: (v: unknown) => v === 'mail' || v === 'conversation',
  scope: isShareScope,
  itemKind: (v: unknown) => v === 'calendar' || v === 'event' || v === 'chat',
  calendarId: matches(GRAPH_ID),
  window: matches(CALENDAR_WINDOW),
  freeBusyOnly: (v: unknown) => typeof v === 'boolean',
  eventId: matches(GRAPH_ID),
  chatId: matches(CHAT_ID),
  /** Where an older chat page continues: a UTC instant, as the panel received it. */
  before: matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/),
  /** When the share ends: a UTC instant (checked against the rules in force by the core). */
  expiresAt: matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/),
  /** Hosted chat images: message ids are Teams' creation times; hosted ids base64url-ish, no `/`. */
  images: (v: unknown) =>
    Array.isArray(v) && v.length >= 1 && v.length <= CHAT_IMAGES_PER_CALL &&
    v.every((i) => isRecord(i) && Object.keys(i).length === 2 && typeof own(i, 'messageId') === 'string' && /^\d{1,20}$/.test(own(i, 'messageId') as string) && typeof own(i, 'hostedId') === 'string' && /^[A-Za-z0-9_=-]{8,600}$/.test(own(i, 'hostedId') as string)),
} satisfies PayloadShapes;

const parse = payloadReader(SHAPES, MAX_PAYLOAD_CHARS);

/**
 * The issue or page a payload names: exactly one, and only the one the installation's product has
 * (the platform's `installContext`, not the payload): a page id reaches Confluence only from the
 * Confluence installation, an issue id Jira only from Jira's. Shares live in that installation's storage.
 */
function atOf(p: { issueId?: string; pageId?: string }, context: TrustedContext): At {
  if ((p.issueId === undefined) === (p.pageId === undefined)) throw AppError.of('BAD_REQUEST', 'bad_payload');
  const product = productOf(context.installContext);
  if (p.pageId !== undefined) {
    if (product !== 'confluence') throw AppError.of('BAD_REQUEST', 'wrong_product_place');
    return { pageId: p.pageId };
  }
  if (product !== 'jira') throw AppError.of('BAD_REQUEST', 'wrong_product_place');
  return { issueId: p.issueId ?? '' };
}

/** The caller as the platform says: a logged-in account, or an anonymous visitor. */
const viewerOf = (context: TrustedContext): Viewer => {
  const who = requireAccount(context);
  return who.ok ? { kind: 'user', accountId: who.accountId } : { kind: 'anonymous' };
};

/** The panel needs one of the two sharing switches on; each item is then checked for its own. */
async function requireSomeSharing(s: Services): Promise<void> {
  const st = await s.settings.current();
  if (!(['share.mail', 'share.conversation', 'share.calendar', 'share.event', 'share.chat'] as const).some((k) => st.features[k])) throw AppError.of('FEATURE_OFF', 'feature_off');
}

export const sharingHandlers: Handlers<SharingDefs> = {
  'sharing/panel': ({ payload, context }) => {
    const s = services();
    return asAnyone(s, 'sharing/panel', async () => {
      const p = parse(payload, ['issueId']);
      await requireSomeSharing(s);
      const viewer = viewerOf(context);
      const r = await sharing(s).panel(viewer, p.issueId);
      // Who opened it (src/core/sharing/opens.ts): the items shown with their content, in one storage request.
      if (r.ok) await recordShown(s, context, viewer.kind === 'user' ? viewer.accountId : undefined, r.value.items);
      return r;
    });
  },
  'sharing/create': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'sharing/create', context, async (accountId) => {
      const p = parse(payload, ['kind', 'messageId', 'scope'], ['issueId', 'pageId', 'expiresAt']) as { issueId?: string; pageId?: string; kind: string; messageId: string; scope: string; expiresAt?: string };
      const at = atOf(p, context);
      await s.settings.requireFeature(FEATURE_OF_KIND[p.kind as MailShareKind]);
      return sharing(s).create(accountId, { ...at, kind: p.kind as MailShareKind, messageId: p.messageId, scope: p.scope as ShareScope, ...(p.expiresAt !== undefined ? { expiresAt: p.expiresAt } : {}) });
    });
  },
  'sharing/createItem': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'sharing/createItem', context, async (accountId) => {
      const kind = isRecord(payload) ? own(payload, 'kind') : undefined;
      // Each kind has exactly its own fields: a calendar id on an event share is refused, not ignored.
      const fields = kind === 'calendar' ? (['calendarId', 'window', 'freeBusyOnly'] as const) : kind === 'event' ? (['eventId'] as const) : (['chatId'] as const);
      const { kind: _kind, ...rest } = isRecord(payload) && !Object.hasOwn(payload, 'itemKind') ? payload : { itemKind: null };
      const p = parse({ ...rest, itemKind: kind }, ['itemKind', 'scope', ...fields], ['issueId', 'pageId', 'expiresAt']) as Record<string, unknown>;
      const place = refOf(atOf(p, context));
      const item = (kind === 'calendar' ? { kind, calendarId: p.calendarId, window: p.window, freeBusyOnly: p.freeBusyOnly } : kind === 'event' ? { kind, eventId: p.eventId } : { kind: 'chat', chatId: p.chatId }) as NewItem;
      await s.settings.requireFeature(FEATURE_OF_KIND[item.kind]);
      return sharingItems(s).create(accountId, { place, item, scope: p.scope as ShareScope, ...(typeof p.expiresAt === 'string' ? { expiresAt: p.expiresAt } : {}) });
    });
  },
  'sharing/chatPage': ({ payload, context }) => {
    const s = services();
    return asAnyone(s, 'sharing/chatPage', async () => {
      const p = parse(payload, ['shareId', 'before'], ['issueId', 'pageId']) as { issueId?: string; pageId?: string; shareId: string; before: string };
      await s.settings.requireFeature('share.chat');
      return sharingItems(s).chatPage(viewerOf(context), { place: refOf(atOf(p, context)), shareId: p.shareId, before: p.before });
    });
  },
  'sharing/chatImages': ({ payload, context }) => {
    const s = services();
    return asAnyone(s, 'sharing/chatImages', async () => {
      const p = parse(payload, ['shareId', 'images'], ['issueId', 'pageId']) as { issueId?: string; pageId?: string; shareId: string; images: unknown };
      await s.settings.requireFeature('share.chat');
      return sharingItems(s).chatImages(viewerOf(context), { place: refOf(atOf(p, context)), shareId: p.shareId, images: p.images as Array<{ messageId: string; hostedId: string }> });
    });
  },
  'sharing/scope': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'sharing/scope', context, async (accountId) => {
      const p = parse(payload, ['shareId', 'scope'], ['issueId', 'pageId']) as { issueId?: string; pageId?: string; shareId: string; scope: string };
      const at = atOf(p, context);
      // The switch of the share's own kind is checked by the core, once it knows the kind.
      await requireSomeSharing(s);
      return sharing(s).setScope(accountId, { ...at, shareId: p.shareId, scope: p.scope as ShareScope });
    });
  },
  'sharing/remove': ({ payload, context }) => {
    const s = services();
    // Removing stays possible with sharing switched off: people must be able to take back what they shared.
    return asAccount(s, 'sharing/remove', context, async (accountId) => {
      const p = parse(payload, ['shareId'], ['issueId', 'pageId']) as { issueId?: string; pageId?: string; shareId: string };
      return sharing(s).remove(accountId, { ...atOf(p, context), shareId: p.shareId });
    });
  },
  'sharing/pageItem': ({ payload, context }) => {
    const s = services();
    // Anonymous visitors too (the macro declares unlicensedAccess): Confluence, asked without a user, decides the page.
    return asAnyone(s, 'sharing/pageItem', async () => {
      const p = parse(payload, ['pageId'], ['shareId']) as { pageId: string; shareId?: string };
      atOf({ pageId: p.pageId }, context);
      await requireSomeSharing(s);
      const viewer = viewerOf(context);
      const r = await sharing(s).pageItem(viewer, p.pageId, p.shareId);
      // Who opened it: the macro's item, when shown with its content.
      if (r.ok && r.value.item) await recordShown(s, context, viewer.kind === 'user' ? viewer.accountId : undefined, [r.value.item]);
      return r;
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
