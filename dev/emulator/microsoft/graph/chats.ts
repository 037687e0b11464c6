import { type Chat, GRAPH_BASE, type HostedContent } from '../data/chats';
import { admitTeamsRequest } from './chats-limits';
import { badRequest, GraphError } from './errors';
import { decodeSkipToken, encodeSkipToken, option, parseExpand } from './odata';
import type { Caller, GraphResult, Route, RouteContext } from './types';

// Reading Teams chats on Graph v1.0: the caller's chats, one chat and its members, its messages (newest
// first, paged by skip token), one message, and the images hosted in messages. Sources per rule:
// README.md, "Teams chats". Posting lives in channels.ts.

type Json = Record<string, unknown>;

/** chat-list.md, chat-get.md: Chat.ReadBasic reads chats and members; messages need Chat.Read (chat-list-messages.md). */
const CHAT_BASIC = ['Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'];
const CHAT_READ = ['Chat.Read', 'Chat.ReadWrite'];

/** chat-list-messages.md: "Maximum allowed $top value is 50"; 20 a page without it (Microsoft's answer in microsoft-graph-docs#7620). */
const MAX_TOP = 50;
const DEFAULT_MESSAGES_PAGE = 20;
/** List chats returns 20 a page (microsoft-graph-docs#10437) and refuses $top above 50 (msgraph-sdk-powershell#1248). */
const DEFAULT_CHATS_PAGE = 20;

/** Teams' own wording for a token without the permission (a 403 `Forbidden`, unlike SharePoint's `accessDenied`). */
const missingScope = (scopes: readonly string[]) => (caller: Caller): GraphError =>
  new GraphError(403, 'Forbidden',
    `Missing scope permissions on the request. API requires one of '${scopes.join(', ')}'. Scopes on the request '${[...caller.scopes].join(', ')}'`);

const isMember = (ctx: RouteContext, chat: Chat): boolean =>
  chat.members.includes(ctx.caller.principal.person) && chat.resource['tenantId'] === ctx.caller.tenant.id;

/** `/users/{id}/chats…` with a delegated token reaches only the caller's own chats. */
const checkUser = (ctx: RouteContext): void => {
  const ref = ctx.params['user'];
  if (ref === undefined) return;
  const r = ref.toLowerCase();
  const me = ctx.caller.principal;
  if (r !== me.oid.toLowerCase() && r !== me.userPrincipalName.toLowerCase() && r !== me.mail.toLowerCase()) {
    throw new GraphError(403, 'Forbidden', 'Requested API is not supported in delegated context for another user.');
  }
};

/**
 * Teams tells a non-member that the chat exists: 403 `Forbidden` "InsufficientPrivileges" (its innerError
 * says AclCheckFailed, as in evenevan/export-ms-teams-chats#10 and microsoft-graph-docs-contrib#9129); an
 * id no chat has is 404 `NotFound`.
 */
const chatOf = (ctx: RouteContext): Chat => {
  checkUser(ctx);
  const chat = ctx.env.model.workloads.chats.find((c) => c.id === ctx.params['chat']);
  if (!chat) throw new GraphError(404, 'NotFound', `Chat '${ctx.params['chat'] ?? ''}' was not found.`);
  if (!isMember(ctx, chat)) throw new GraphError(403, 'Forbidden', 'InsufficientPrivileges');
  return chat;
};

const topOf = (ctx: RouteContext, fallback: number): number => {
  const raw = option(ctx.req.query, 'top');
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badRequest(`Invalid value '${raw}' for $top query option found.`);
  if (Number(raw) > MAX_TOP) {
    throw badRequest(`The query specified in the URI is not valid. The limit of '${MAX_TOP}' for Top query has been exceeded. The value from the incoming request is '${raw}'.`);
  }
  return Number(raw);
};

const offsetOf = (ctx: RouteContext): number => {
  const t = decodeSkipToken(ctx.req.query);
  if (t === undefined) return 0;
  const m = /^Teams=(\d+)$/.exec(t);
  if (!m) throw badRequest('Invalid skip token.');
  return Number(m[1]);
};

/** A nextLink on the emulator's origin keeping the request's options, as Teams' nextLinks keep $top, $orderby and $filter. */
const nextLinkAt = (ctx: RouteContext, offset: number): string => {
  const q = new URLSearchParams(ctx.req.query);
  for (const k of [...q.keys()]) if (/^\$?skiptoken$/i.test(k)) q.delete(k);
  q.set('$skiptoken', encodeSkipToken(`Teams=${offset}`));
  return `${ctx.env.origin}/graph/v1.0${ctx.req.path.split('?')[0] ?? ''}?${q.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
};

const pageOf = (ctx: RouteContext, all: readonly Json[], top: number): Json => {
  const offset = offsetOf(ctx);
  const value = all.slice(offset, offset + top);
  return {
    '@odata.count': value.length,
    ...(offset + top < all.length ? { '@odata.nextLink': nextLinkAt(ctx, offset + top) } : {}),
    value,
  };
};

const wantsUnknownEnums = (ctx: RouteContext): boolean =>
  (ctx.req.headers.get('prefer') ?? '').split(',').some((p) => p.trim().toLowerCase() === 'include-unknown-enum-members');

/**
 * A message as this request sees it. `systemEventMessage` is an evolvable enum member: without
 * `Prefer: include-unknown-enum-members` Graph says `unknownFutureValue` (chat-list-messages.md, examples 1 and 2).
 * Inline image URLs point at this emulator's Graph.
 */
const renderMessage = (ctx: RouteContext, m: Json): Json => {
  const base = `${ctx.env.origin}/graph/v1.0`;
  const body = m['body'] as { contentType?: string; content?: string } | undefined;
  const out: Json = { ...m };
  if (body?.content?.includes(GRAPH_BASE)) out['body'] = { ...body, content: body.content.replaceAll(GRAPH_BASE, base) };
  if (m['messageType'] === 'systemEventMessage' && !wantsUnknownEnums(ctx)) out['messageType'] = 'unknownFutureValue';
  return out;
};

type OrderKey = 'lastModifiedDateTime' | 'createdDateTime';

/**
 * chat-list-messages.md: `$orderby` "supports the lastModifiedDateTime (default) and createdDateTime properties
 * in descending order. The ascending order is currently not supported."
 */
const orderOf = (ctx: RouteContext): OrderKey => {
  const raw = option(ctx.req.query, 'orderby');
  if (raw === undefined) return 'lastModifiedDateTime';
  const m = /^\s*(lastModifiedDateTime|createdDateTime)(?:\s+(asc|desc))?\s*$/i.exec(raw);
  if (!m) throw badRequest(`The $orderby '${raw}' is not supported: use lastModifiedDateTime desc or createdDateTime desc.`);
  if (m[2]?.toLowerCase() === 'asc') throw badRequest(`The $orderby '${raw}' is not supported: messages sort in descending order only.`);
  return m[1]?.toLowerCase() === 'createddatetime' ? 'createdDateTime' : 'lastModifiedDateTime';
};

/**
 * chat-list-messages.md: `$filter` on lastModifiedDateTime (gt, lt) or createdDateTime (lt) applies only when
 * `$orderby` names the same property; "otherwise, the $filter query option is ignored".
 */
const filterOf = (ctx: RouteContext, order: OrderKey): ((m: Json) => boolean) => {
  const raw = option(ctx.req.query, 'filter');
  if (raw === undefined || option(ctx.req.query, 'orderby') === undefined) return () => true;
  const clauses = raw.split(/\s+and\s+/i).map((c) => /^\s*(\w+)\s+(gt|lt)\s+(\S+)\s*$/i.exec(c));
  const mentioned = clauses.map((c) => c?.[1]?.toLowerCase());
  if (!mentioned.every((p) => p === order.toLowerCase())) return () => true;
  const tests = clauses.map((c) => {
    const op = c?.[2]?.toLowerCase();
    const t = Date.parse(c?.[3] ?? '');
    if (!c || Number.isNaN(t) || (order === 'createdDateTime' && op !== 'lt')) {
      throw badRequest(`The $filter '${raw}' is not supported: ${order === 'createdDateTime' ? 'createdDateTime lt <time>' : 'lastModifiedDateTime gt|lt <time>'}.`);
    }
    return (m: Json): boolean => {
      const v = Date.parse(String(m[order]));
      return op === 'gt' ? v > t : v < t;
    };
  });
  return (m) => tests.every((f) => f(m));
};

/** "The other OData query parameters are not currently supported" (chat-list-messages.md): refused, not ignored. */
const refuseOtherOptions = (ctx: RouteContext, allowed: readonly string[]): void => {
  for (const k of ctx.req.query.keys()) {
    const name = k.replace(/^\$/, '').toLowerCase();
    if (!['select', 'expand', 'skip', 'count', 'search', 'filter', 'orderby', 'top', 'skiptoken'].includes(name)) continue;
    if (!allowed.includes(name)) throw badRequest(`The query parameter '$${name}' is not supported on this request.`);
  }
};

const listMessages = (ctx: RouteContext): GraphResult => {
  refuseOtherOptions(ctx, ['top', 'orderby', 'filter', 'skiptoken']);
  const chat = chatOf(ctx);
  const order = orderOf(ctx);
  const keep = filterOf(ctx, order);
  const top = topOf(ctx, DEFAULT_MESSAGES_PAGE);
  admitTeamsRequest(ctx, 'messages', chat.id);
  const sorted = chat.messages.filter(keep).sort((a, b) =>
    String(b[order]).localeCompare(String(a[order])) || String(b['id']).localeCompare(String(a['id'])));
  return { status: 200, body: pageOf(ctx, sorted.map((m) => renderMessage(ctx, m)), top) };
};

const messageOf = (ctx: RouteContext, chat: Chat): Json => {
  const m = chat.messages.find((x) => x['id'] === ctx.params['message']);
  if (!m) throw new GraphError(404, 'NotFound', `Message '${ctx.params['message'] ?? ''}' was not found in the chat.`);
  return m;
};

const getMessage = (ctx: RouteContext): GraphResult => {
  const chat = chatOf(ctx);
  const m = messageOf(ctx, chat);
  admitTeamsRequest(ctx, 'messages', chat.id);
  return { status: 200, body: renderMessage(ctx, m) };
};

const hostedOf = (ctx: RouteContext) => {
  const chat = chatOf(ctx);
  const m = messageOf(ctx, chat);
  return { chat, contents: chat.hosted.get(String(m['id'])) ?? new Map<string, HostedContent>() };
};

const listHosted = (ctx: RouteContext): GraphResult => {
  const { chat, contents } = hostedOf(ctx);
  admitTeamsRequest(ctx, 'other', chat.id);
  // chatmessagehostedcontent-get.md: "contentBytes and contentType are always set to null".
  return { status: 200, body: { value: [...contents.keys()].map((id) => ({ id, contentBytes: null, contentType: null })) } };
};

const hostedContent = (ctx: RouteContext, bytes: boolean): GraphResult => {
  const { chat, contents } = hostedOf(ctx);
  const h = contents.get(ctx.params['hosted'] ?? '');
  if (!h) throw new GraphError(404, 'NotFound', 'The hosted content was not found.');
  admitTeamsRequest(ctx, 'other', chat.id);
  return bytes
    ? { status: 200, body: new Uint8Array(h.bytes), headers: { 'Content-Type': h.contentType } }
    : { status: 200, body: { id: h.id, contentBytes: null, contentType: null } };
};

const lastMessagePreview = (ctx: RouteContext, chat: Chat): Json | null => {
  const m = [...chat.messages].sort((a, b) => String(b['createdDateTime']).localeCompare(String(a['createdDateTime'])))[0];
  if (!m) return null;
  const r = renderMessage(ctx, m);
  return {
    id: r['id'], createdDateTime: r['createdDateTime'], isDeleted: r['deletedDateTime'] !== null,
    messageType: r['messageType'], eventDetail: r['eventDetail'] ?? null, body: r['body'], from: r['from'],
  };
};

/** chat-list.md: `$expand` "only for the members property" (and lastMessagePreview, which only List chats returns). */
const renderChat = (ctx: RouteContext, chat: Chat, listing: boolean): Json => {
  const expand = parseExpand(ctx.req.query).map((e) => e.name.toLowerCase());
  for (const e of expand) {
    if (e !== 'members' && !(listing && e === 'lastmessagepreview')) throw badRequest(`Expanding '${e}' is not supported on chats.`);
  }
  return {
    ...chat.resource,
    ...(expand.includes('members') ? { members: chat.memberships } : {}),
    ...(expand.includes('lastmessagepreview') ? { lastMessagePreview: lastMessagePreview(ctx, chat) } : {}),
  };
};

const chatFilter = (ctx: RouteContext): ((c: Chat) => boolean) => {
  const raw = option(ctx.req.query, 'filter');
  if (raw === undefined) return () => true;
  const m = /^\s*(chatType|topic)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(raw);
  if (!m) throw badRequest(`The emulator filters chats by chatType eq '…' or topic eq '…', not by '${raw}'.`);
  const prop = m[1]?.toLowerCase() === 'chattype' ? 'chatType' : 'topic';
  const value = (m[2] ?? '').replaceAll("''", "'");
  return (c) => c.resource[prop] === value;
};

const listChats = (ctx: RouteContext): GraphResult => {
  refuseOtherOptions(ctx, ['top', 'expand', 'filter', 'orderby', 'skiptoken']);
  checkUser(ctx);
  const order = option(ctx.req.query, 'orderby');
  if (order !== undefined && !/^\s*lastMessagePreview\/createdDateTime\s+desc\s*$/i.test(order)) {
    throw badRequest(`The $orderby '${order}' is not supported on chats: use lastMessagePreview/createdDateTime desc.`);
  }
  const keep = chatFilter(ctx);
  const top = topOf(ctx, DEFAULT_CHATS_PAGE);
  admitTeamsRequest(ctx, 'listChats');
  const lastMessageAt = (c: Chat): string => String(c.messages.reduce((t, m) => (String(m['createdDateTime']) > t ? String(m['createdDateTime']) : t), ''));
  const mine = ctx.env.model.workloads.chats.filter((c) => isMember(ctx, c) && keep(c))
    .sort((a, b) => (order !== undefined
      ? lastMessageAt(b).localeCompare(lastMessageAt(a))
      : String(b.resource['lastUpdatedDateTime']).localeCompare(String(a.resource['lastUpdatedDateTime']))));
  return { status: 200, body: pageOf(ctx, mine.map((c) => renderChat(ctx, c, true)), top) };
};

const getChat = (ctx: RouteContext): GraphResult => {
  refuseOtherOptions(ctx, ['expand']);
  const chat = chatOf(ctx);
  admitTeamsRequest(ctx, 'getChat', chat.id);
  return { status: 200, body: renderChat(ctx, chat, false) };
};

const listMembers = (ctx: RouteContext): GraphResult => {
  const chat = chatOf(ctx);
  admitTeamsRequest(ctx, 'other', chat.id);
  return { status: 200, body: { '@odata.count': chat.memberships.length, value: chat.memberships } };
};

const route = (path: string, scopes: readonly string[], handle: (ctx: RouteContext) => GraphResult): Route =>
  ({ method: 'GET', path, scopes, denied: missingScope(scopes), handle });

/** Each chat route under /chats, /me/chats and /users/{user}/chats. */
const everywhere = (tail: string, scopes: readonly string[], handle: (ctx: RouteContext) => GraphResult): Route[] =>
  ['chats', 'me/chats', 'users/{user}/chats'].map((p) => route(`${p}${tail}`, scopes, handle));

export const chatRoutes: Route[] = [
  ...everywhere('', CHAT_BASIC, listChats),
  ...everywhere('/{chat}', CHAT_BASIC, getChat),
  ...everywhere('/{chat}/members', CHAT_BASIC, listMembers),
  ...everywhere('/{chat}/messages', CHAT_READ, listMessages),
  ...everywhere('/{chat}/messages/{message}', CHAT_READ, getMessage),
  ...everywhere('/{chat}/messages/{message}/hostedContents', CHAT_READ, listHosted),
  ...everywhere('/{chat}/messages/{message}/hostedContents/{hosted}', CHAT_READ, (ctx) => hostedContent(ctx, false)),
  ...everywhere('/{chat}/messages/{message}/hostedContents/{hosted}/$value', CHAT_READ, (ctx) => hostedContent(ctx, true)),
];
