import { GraphError } from './errors';
import type { RouteContext } from './types';

// Teams' service limits for the chat reads the emulator serves, from microsoft-graph-docs-contrib
// `includes/throttling-teams.md` (the Teams section of concepts/throttling-limits.md). Teams does not
// document its algorithm, so the emulator counts requests per whole second of the emulator's clock
// (tests move it with the host clock). Every limit a request falls under must have room, or it is
// refused whole with 429 and `Retry-After` (seconds to the next window) and counts against none.

/** "GET 1:1/group chat message": 20 rps per app per tenant. */
export const CHAT_MESSAGE_GETS_PER_APP_TENANT = 20;
/** "Other GET API calls for Microsoft Teams": 30 rps per app per tenant (hosted contents, members). */
export const OTHER_GETS_PER_APP_TENANT = 30;
/** "A maximum of one request per second per app per tenant can be issued on a given channel or chat." */
export const REQUESTS_PER_CHAT = 1;
/** "A maximum of five requests per second per user can be issued when doing List chats or Get chat". */
export const LIST_OR_GET_CHATS_PER_USER = 5;

export type TeamsRequestKind = 'listChats' | 'getChat' | 'messages' | 'other';

interface Window {
  second: number;
  count: number;
}

// Keyed by the workloads object, which the emulator's reset() replaces: a reset forgets the windows too.
const state = new WeakMap<object, Map<string, Window>>();

const windowsOf = (ctx: RouteContext): Map<string, Window> => {
  let m = state.get(ctx.env.model.workloads);
  if (!m) {
    m = new Map();
    state.set(ctx.env.model.workloads, m);
  }
  return m;
};

export const tooManyRequests = (retryAfterSeconds: number): GraphError =>
  new GraphError(429, 'TooManyRequests', 'Too many requests. Please retry after the time given in the Retry-After header.',
    { 'Retry-After': String(retryAfterSeconds) });

/** Counts one Teams request of `kind` (on `chatId`, when it addresses one), or throws Teams' 429. */
export const admitTeamsRequest = (ctx: RouteContext, kind: TeamsRequestKind, chatId?: string): void => {
  const app = ctx.caller.appId;
  const tenant = ctx.caller.tenant.id;
  const rules: Array<[string, number]> = [];
  if (kind === 'listChats' || kind === 'getChat') rules.push([`user\u0000${tenant}\u0000${ctx.caller.principal.oid}`, LIST_OR_GET_CHATS_PER_USER]);
  if (kind === 'messages') rules.push([`messages\u0000${app}\u0000${tenant}`, CHAT_MESSAGE_GETS_PER_APP_TENANT]);
  if (kind === 'other' || kind === 'listChats') rules.push([`other\u0000${app}\u0000${tenant}`, OTHER_GETS_PER_APP_TENANT]);
  if (chatId !== undefined && kind !== 'getChat') rules.push([`chat\u0000${app}\u0000${tenant}\u0000${chatId}`, REQUESTS_PER_CHAT]);

  const now = ctx.env.now();
  const second = Math.floor(now / 1000);
  const windows = windowsOf(ctx);
  const current = (key: string): Window => {
    const w = windows.get(key);
    if (w && w.second === second) return w;
    const fresh = { second, count: 0 };
    windows.set(key, fresh);
    return fresh;
  };
  if (rules.some(([key, limit]) => current(key).count >= limit)) {
    throw tooManyRequests(Math.max(1, Math.ceil(((second + 1) * 1000 - now) / 1000)));
  }
  for (const [key] of rules) current(key).count++;
};
