import { Hono } from 'hono';
import type { AutomationData } from '../data/automation';
import type { LifecycleEvent, Subscriptions } from './subscriptions';
import { todoAsUser } from './todo';
import type { GraphEnv } from './types';

const readJson = async (c: { req: { json(): Promise<unknown> } }) => ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;

/**
 * Control routes (mounted by the host under `/__emulator`) for what people do in To Do and Teams while the app runs,
 * and for looking at change notifications: emulator README, "Automations".
 */
export function automationControlRoutes(d: { env: GraphEnv; automation: AutomationData; subscriptions: Subscriptions }) {
  const api = new Hono();
  const person = (ref: unknown): string | undefined => (typeof ref === 'string' ? d.env.model.directory.personsMatching(ref)[0] ?? (d.env.model.directory.home(ref) ? ref : undefined) : undefined);

  api.get('/todo', (c) => {
    const who = person(c.req.query('user'));
    if (!who) return c.json({ error: 'user (key or address) is required' }, 400);
    return c.json({ lists: todoAsUser(d.env, who).lists() });
  });
  /** `{user, list, task?, title?, patch?, complete?, delete?}`: the user creates, completes, changes or deletes a task. */
  api.post('/todo/tasks', async (c) => {
    const body = await readJson(c);
    const who = person(body.user);
    if (!who) return c.json({ error: 'user (key or address) is required' }, 400);
    const todo = todoAsUser(d.env, who);
    const list = typeof body.list === 'string' ? todo.findList(body.list) : undefined;
    if (!list) return c.json({ error: 'list (id or display name of one of the user’s lists) is required' }, 404);
    if (body.task === undefined) {
      if (typeof body.title !== 'string' || !body.title.trim()) return c.json({ error: 'title is required to create a task' }, 400);
      return c.json({ task: todo.create(list, body.title) }, 201);
    }
    const task = typeof body.task === 'string' ? todo.findTask(list, body.task) : undefined;
    if (!task) return c.json({ error: 'No such task in that list' }, 404);
    if (body.delete === true) {
      todo.remove(list, task);
      return c.json({ deleted: true });
    }
    const patch = { ...((body.patch && typeof body.patch === 'object' ? body.patch : {}) as Record<string, unknown>), ...(body.complete === true ? { status: 'completed' } : {}) };
    try {
      return c.json({ task: todo.patch(list, task, patch) });
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
  });

  /** `{team, channel?, user, remove?}`: membership changes made by a team owner. */
  api.post('/teams/members', async (c) => {
    const body = await readJson(c);
    const team = typeof body.team === 'string' ? d.automation.team(body.team) : undefined;
    const who = person(body.user);
    if (!team || !who) return c.json({ error: 'team (id or name) and user are required' }, 404);
    const remove = body.remove === true;
    const channel = typeof body.channel === 'string' ? team.channels.find((ch) => ch.id === body.channel || String(ch.resource.displayName).toLowerCase() === String(body.channel).toLowerCase()) : undefined;
    if (body.channel !== undefined && !channel) return c.json({ error: 'No such channel in that team' }, 404);
    const targets = channel ? [channel] : team.channels.filter((ch) => ch.membershipType === 'standard');
    if (!channel) {
      if (remove) team.members.delete(who);
      else team.members.add(who);
    }
    for (const ch of targets) {
      if (remove) ch.members.delete(who);
      else ch.members.add(who);
    }
    return c.json({ team: team.id, members: [...team.members], channels: team.channels.map((ch) => ({ id: ch.id, displayName: ch.resource.displayName, members: [...ch.members] })) });
  });
  api.get('/teams/messages', (c) => {
    const chatId = c.req.query('chat');
    const withApp = (m: Record<string, unknown>) => ({ ...m, postedByAppId: d.automation.postedBy.get(String(m.id))?.appId ?? null });
    if (chatId) {
      const chat = d.env.model.workloads.chats.find((x) => x.id === chatId);
      return chat ? c.json({ messages: chat.messages.map(withApp) }) : c.json({ error: 'No such chat' }, 404);
    }
    const team = d.automation.team(c.req.query('team') ?? '');
    const ref = c.req.query('channel') ?? '';
    const channel = team?.channels.find((ch) => ch.id === ref || String(ch.resource.displayName).toLowerCase() === ref.toLowerCase());
    return channel ? c.json({ messages: channel.messages.map(withApp) }) : c.json({ error: 'team and channel (ids or names), or chat, are required' }, 404);
  });

  api.get('/subscriptions', (c) => c.json(d.subscriptions.snapshot()));
  api.post('/subscriptions/settings', async (c) => {
    const body = await readJson(c);
    const v = body.deliveryDelaySeconds;
    if (v !== undefined) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 3600) return c.json({ error: 'deliveryDelaySeconds is a whole number, 0–3600' }, 400);
      d.subscriptions.settings.deliveryDelaySeconds = v;
    }
    return c.json({ ...d.subscriptions.settings });
  });
  api.post('/subscriptions/lifecycle', async (c) => {
    const body = await readJson(c);
    const events: LifecycleEvent[] = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'];
    if (typeof body.id !== 'string' || !events.includes(body.event as LifecycleEvent)) return c.json({ error: `id and event (${events.join(', ')}) are required` }, 400);
    const out = d.subscriptions.sendLifecycle(body.id, body.event as LifecycleEvent);
    return out ? c.json(out) : c.json({ error: 'No such subscription' }, 404);
  });
  api.post('/subscriptions/drain', async (c) => {
    const body = await readJson(c);
    const idle = await d.subscriptions.idle(typeof body.timeoutMs === 'number' ? body.timeoutMs : 30_000);
    return c.json({ idle, ...d.subscriptions.snapshot() }, idle ? 200 : 504);
  });
  return api;
}
