import { randomBytes } from 'node:crypto';
import type { Channel, Team } from '../data/teams';
import type { Chat } from '../data/workloads';
import { badRequest, GraphError } from './errors';
import { applySelect, option, pageByOffset, parseTop, selectOf } from './odata';
import type { Route, RouteContext } from './types';

// Teams channels and message posting, for automations (emulator README, "Automations"). Reading chats is teams.ts.

const MAX_MESSAGES_PAGE = 50;

const messagesTop = (ctx: RouteContext): number => {
  const raw = option(ctx.req.query, 'top');
  if (raw !== undefined && (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_MESSAGES_PAGE)) {
    throw badRequest(`Invalid page size: $top must be between 1 and ${MAX_MESSAGES_PAGE}, but was '${raw}'.`);
  }
  return parseTop(ctx.req.query, MAX_MESSAGES_PAGE, 20);
};

/** Teams does not hide a chat's existence from non-members; it refuses them. */
const chatOf = (ctx: RouteContext): Chat => {
  const chat = ctx.env.model.workloads.chats.find((c) => c.id === ctx.params['chat']);
  if (!chat) throw new GraphError(404, 'NotFound', `Chat '${ctx.params['chat'] ?? ''}' was not found.`);
  const member = chat.members.includes(ctx.caller.principal.person) && chat.resource['tenantId'] === ctx.caller.tenant.id;
  if (!member) throw new GraphError(403, 'Forbidden', 'Forbidden: the user is not a member of this chat.');
  return chat;
};

/** throttling-limits.md (Teams): "3,000 messages per app per day per channel". */
export const CHANNEL_DAILY_LIMIT = 3000;

const teamOf = (ctx: RouteContext): Team => {
  const team = ctx.env.automation.teams.find((t) => t.id === ctx.params['team']);
  if (!team) throw new GraphError(404, 'NotFound', `No team found with Group Id ${ctx.params['team'] ?? ''}`);
  if (!team.members.has(ctx.caller.principal.person) || team.tenantId !== ctx.caller.tenant.id) {
    throw new GraphError(403, 'Forbidden', 'Forbidden: the user is not a member of this team.');
  }
  return team;
};

const channelOf = (ctx: RouteContext): Channel => {
  const channel = teamOf(ctx).channels.find((c) => c.id === ctx.params['channel']);
  if (!channel) throw new GraphError(404, 'NotFound', `Channel '${ctx.params['channel'] ?? ''}' was not found.`);
  if (!channel.members.has(ctx.caller.principal.person)) throw new GraphError(403, 'Forbidden', 'Forbidden: the user is not a member of this channel.');
  return channel;
};

/** A chatMessage as Graph returns it for a delegated post (chat-post-messages.md / channel-post-messages.md responses). */
const newMessage = (ctx: RouteContext, where: { chatId?: string; teamId?: string; channelId?: string }): Record<string, unknown> => {
  const input = ctx.req.body as { body?: { contentType?: unknown; content?: unknown }; subject?: unknown } | undefined;
  const content = input?.body?.content;
  const contentType = input?.body?.contentType ?? 'text';
  if (typeof content !== 'string' || content.trim() === '') throw badRequest('The message body content is required.');
  if (contentType !== 'text' && contentType !== 'html') throw badRequest(`Requested value '${JSON.stringify(contentType)}' was not found in the bodyType enumeration.`);
  const now = ctx.env.now();
  const id = String(now) + randomBytes(2).readUInt16BE(0).toString().padStart(5, '0');
  const p = ctx.caller.principal;
  return {
    id, replyToId: null, etag: id, messageType: 'message', createdDateTime: new Date(now).toISOString(), lastModifiedDateTime: new Date(now).toISOString(),
    lastEditedDateTime: null, deletedDateTime: null, subject: typeof input?.subject === 'string' ? input.subject : null, summary: null,
    chatId: where.chatId ?? null, importance: 'normal', locale: 'en-us', webUrl: null, policyViolation: null, eventDetail: null,
    channelIdentity: where.channelId ? { teamId: where.teamId, channelId: where.channelId } : null,
    from: { application: null, device: null, user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: p.oid, displayName: p.displayName, userIdentityType: 'aadUser', tenantId: ctx.caller.tenant.id } },
    body: { contentType, content }, attachments: [], mentions: [], reactions: [],
  };
};

const CHANNEL_READ = ['ChannelMessage.Read.All'];

export const channelRoutes: Route[] = [
  {
    method: 'GET', path: 'me/joinedTeams', scopes: ['Team.ReadBasic.All', 'TeamSettings.Read.All', 'TeamSettings.ReadWrite.All'],
    handle: (ctx) => {
      const mine = ctx.env.automation.teams.filter((t) => t.members.has(ctx.caller.principal.person) && t.tenantId === ctx.caller.tenant.id);
      return { status: 200, body: { '@odata.count': mine.length, value: mine.map((t) => applySelect(t.resource, selectOf(ctx.req.query), ['id'])) } };
    },
  },
  {
    method: 'GET', path: 'teams/{team}/channels', scopes: ['Channel.ReadBasic.All', 'ChannelSettings.Read.All'],
    handle: (ctx) => {
      const visible = teamOf(ctx).channels.filter((c) => c.membershipType === 'standard' || c.members.has(ctx.caller.principal.person));
      return { status: 200, body: { '@odata.count': visible.length, value: visible.map((c) => applySelect(c.resource, selectOf(ctx.req.query), ['id'])) } };
    },
  },
  {
    method: 'GET', path: 'teams/{team}/channels/{channel}', scopes: ['Channel.ReadBasic.All', 'ChannelSettings.Read.All'],
    handle: (ctx) => ({ status: 200, body: applySelect(channelOf(ctx).resource, selectOf(ctx.req.query), ['id']) }),
  },
  {
    method: 'GET', path: 'teams/{team}/channels/{channel}/messages', scopes: CHANNEL_READ,
    handle: (ctx) => ({ status: 200, body: pageByOffset(ctx.env, ctx.req, channelOf(ctx).messages, messagesTop(ctx), (m) => applySelect(m, selectOf(ctx.req.query), ['id'])) }),
  },
  {
    // channel-post-messages.md: delegated ChannelMessage.Send (Group.ReadWrite.All is the legacy alternative).
    method: 'POST', path: 'teams/{team}/channels/{channel}/messages', scopes: ['ChannelMessage.Send', 'Group.ReadWrite.All'],
    handle: (ctx) => {
      const channel = channelOf(ctx);
      const message = newMessage(ctx, { teamId: channel.teamId, channelId: channel.id });
      const now = ctx.env.now();
      if (ctx.env.automation.countPost(ctx.caller.appId, channel.id, now) > CHANNEL_DAILY_LIMIT) {
        const retryAfter = Math.ceil((86_400_000 - (now % 86_400_000)) / 1000);
        throw new GraphError(429, 'TooManyRequests', `This app has posted ${CHANNEL_DAILY_LIMIT} messages to this channel today.`, { 'Retry-After': String(retryAfter) });
      }
      channel.messages.unshift(message);
      ctx.env.automation.postedBy.set(String(message.id), { appId: ctx.caller.appId });
      return { status: 201, body: message };
    },
  },
  {
    // chat-post-messages.md: delegated ChatMessage.Send, Chat.ReadWrite.
    method: 'POST', path: 'chats/{chat}/messages', scopes: ['ChatMessage.Send', 'Chat.ReadWrite'],
    handle: (ctx) => {
      const chat = chatOf(ctx);
      const message = newMessage(ctx, { chatId: chat.id });
      chat.messages.unshift(message);
      ctx.env.automation.postedBy.set(String(message.id), { appId: ctx.caller.appId });
      return { status: 201, body: message };
    },
  },

];
