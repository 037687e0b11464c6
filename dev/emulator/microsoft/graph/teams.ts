import type { Chat } from '../data/workloads';
import { badRequest, GraphError } from './errors';
import { applySelect, option, pageByOffset, parseTop, selectOf } from './odata';
import type { Route, RouteContext } from './types';

const CHAT_BASIC = ['Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'];
const CHAT_READ = ['Chat.Read', 'Chat.ReadWrite'];
const MAX_MESSAGES_PAGE = 50;

const isMember = (ctx: RouteContext, chat: Chat): boolean =>
  chat.members.includes(ctx.caller.principal.person) && chat.resource['tenantId'] === ctx.caller.tenant.id;

/** Teams does not hide a chat's existence from non-members; it refuses them. */
const chatOf = (ctx: RouteContext): Chat => {
  const chat = ctx.env.model.workloads.chats.find((c) => c.id === ctx.params['chat']);
  if (!chat) throw new GraphError(404, 'NotFound', `Chat '${ctx.params['chat'] ?? ''}' was not found.`);
  if (!isMember(ctx, chat)) throw new GraphError(403, 'Forbidden', 'Forbidden: the user is not a member of this chat.');
  return chat;
};

const messagesTop = (ctx: RouteContext): number => {
  const raw = option(ctx.req.query, 'top');
  if (raw !== undefined && (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_MESSAGES_PAGE)) {
    throw badRequest(`Invalid page size: $top must be between 1 and ${MAX_MESSAGES_PAGE}, but was '${raw}'.`);
  }
  return parseTop(ctx.req.query, MAX_MESSAGES_PAGE, 20);
};

const listMessages: Route['handle'] = (ctx) => ({
  status: 200,
  body: pageByOffset(ctx.env, ctx.req, chatOf(ctx).messages, messagesTop(ctx), (m) => applySelect(m, selectOf(ctx.req.query), ['id'])),
});

const getChat: Route['handle'] = (ctx) => ({ status: 200, body: applySelect(chatOf(ctx).resource, selectOf(ctx.req.query), ['id']) });

export const teamsRoutes: Route[] = [
  {
    method: 'GET', path: 'me/chats', scopes: CHAT_BASIC,
    handle: (ctx) => {
      const mine = ctx.env.model.workloads.chats.filter((c) => isMember(ctx, c));
      return { status: 200, body: pageByOffset(ctx.env, ctx.req, mine, parseTop(ctx.req.query, 50, 50), (c) => applySelect(c.resource, selectOf(ctx.req.query), ['id'])) };
    },
  },
  { method: 'GET', path: 'chats/{chat}', scopes: CHAT_BASIC, handle: getChat },
  { method: 'GET', path: 'me/chats/{chat}', scopes: CHAT_BASIC, handle: getChat },
  { method: 'GET', path: 'chats/{chat}/messages', scopes: CHAT_READ, handle: listMessages },
  { method: 'GET', path: 'me/chats/{chat}/messages', scopes: CHAT_READ, handle: listMessages },
  {
    method: 'GET', path: 'chats/{chat}/messages/{message}', scopes: CHAT_READ,
    handle: (ctx) => {
      const m = chatOf(ctx).messages.find((x) => x['id'] === ctx.params['message']);
      if (!m) throw new GraphError(404, 'NotFound', 'The message was not found.');
      return { status: 200, body: m };
    },
  },
];
