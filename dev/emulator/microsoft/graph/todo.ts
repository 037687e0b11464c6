import { randomBytes } from 'node:crypto';
import type { TodoList } from '../data/workloads';
import { exchangeId, stableGuid } from '../data/ids';
import { GraphError } from './errors';
import { applySelect, option, pageByOffset, parseTop, selectOf } from './odata';
import { exchangeNotFound, requireMailbox } from './outlook';
import type { Route, RouteContext } from './types';

type Json = Record<string, unknown>;

const TASK_SCOPES = ['Tasks.Read', 'Tasks.ReadWrite'];
/** todotasklist-post-tasks.md, todotask-update.md, todotask-delete.md, todotask-post-linkedresources.md: write needs Tasks.ReadWrite. */
const TASK_WRITE = ['Tasks.ReadWrite'];
const STATUSES = ['notStarted', 'inProgress', 'completed', 'waitingOnOthers', 'deferred'];
const IMPORTANCE = ['low', 'normal', 'high'];

const listsOf = (ctx: RouteContext): TodoList[] => ctx.env.model.workloads.todo.get(requireMailbox(ctx.caller)) ?? [];

const listOf = (ctx: RouteContext): TodoList => {
  const l = listsOf(ctx).find((x) => x.id === ctx.params['list']);
  if (!l) throw exchangeNotFound();
  return l;
};

const taskOf = (ctx: RouteContext, list: TodoList): Json => {
  const t = list.tasks.find((x) => x['id'] === ctx.params['task']);
  if (!t) throw exchangeNotFound();
  return t;
};

const filterTasks = (ctx: RouteContext, tasks: Record<string, unknown>[]): Record<string, unknown>[] => {
  const f = option(ctx.req.query, 'filter');
  if (f === undefined) return tasks;
  const m = /^\s*status\s+(eq|ne)\s+'(\w+)'\s*$/i.exec(f);
  if (!m) throw new GraphError(400, 'invalidRequest', `The filter '${f}' is not supported by the emulator; use status eq|ne '<status>'.`);
  const eq = m[1]?.toLowerCase() === 'eq';
  return tasks.filter((t) => (t['status'] === m[2]) === eq);
};

const utcDateTime = (ms: number) => ({ dateTime: new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000'), timeZone: 'UTC' });
const newEtag = () => `W/"${randomBytes(18).toString('base64')}"`;
const badBody = (message: string) => new GraphError(400, 'invalidRequest', message);

const bodyObject = (ctx: RouteContext): Json => {
  const b = ctx.req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw badBody('The request body must be a JSON object.');
  return b as Json;
};

/** The task properties a client may write, checked as Graph's model binder does (unknown properties are refused). */
const WRITABLE = new Set(['title', 'body', 'importance', 'status', 'dueDateTime', 'reminderDateTime', 'isReminderOn', 'categories', 'startDateTime', 'completedDateTime', 'linkedResources']);

function applyTaskPatch(task: Json, patch: Json, now: number): void {
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('@odata.')) continue;
    if (!WRITABLE.has(k)) throw badBody(`Property '${k}' does not exist on type 'microsoft.graph.todoTask' or cannot be written.`);
    if (k === 'title' && (typeof v !== 'string' || v.trim() === '')) throw badBody('The title of a task cannot be empty.');
    if (k === 'status' && (typeof v !== 'string' || !STATUSES.includes(v))) throw badBody(`Requested value '${String(v)}' was not found in the taskStatus enumeration.`);
    if (k === 'importance' && (typeof v !== 'string' || !IMPORTANCE.includes(v))) throw badBody(`Requested value '${String(v)}' was not found in the importance enumeration.`);
    if (k === 'linkedResources') continue;
    task[k] = v;
  }
  // To Do stamps completedDateTime when a task is completed and clears it otherwise (todotask resource).
  if ('status' in patch) {
    if (patch.status === 'completed' && task.completedDateTime === undefined) task.completedDateTime = utcDateTime(now);
    if (patch.status !== 'completed') delete task.completedDateTime;
  }
  task.lastModifiedDateTime = new Date(now).toISOString();
  task['@odata.etag'] = newEtag();
}

function linkedResource(raw: unknown): Json {
  if (!raw || typeof raw !== 'object') throw badBody('A linkedResource is an object.');
  const r = raw as Json;
  for (const k of Object.keys(r)) if (!['webUrl', 'applicationName', 'displayName', 'externalId', 'id', '@odata.type'].includes(k)) throw badBody(`Property '${k}' does not exist on type 'microsoft.graph.linkedResource'.`);
  if (typeof r.applicationName !== 'string' || r.applicationName === '') throw badBody("The 'applicationName' property of a linkedResource is required.");
  if (r.webUrl !== undefined && typeof r.webUrl !== 'string') throw badBody("The 'webUrl' property of a linkedResource is a string.");
  return {
    id: stableGuid('linked', r.applicationName, JSON.stringify(r.externalId ?? ''), randomBytes(8).toString('hex')),
    webUrl: r.webUrl ?? null, applicationName: r.applicationName, displayName: r.displayName ?? null, externalId: r.externalId ?? null,
  };
}

const notify = (ctx: RouteContext, list: TodoList, task: Json, changeType: 'created' | 'updated' | 'deleted') =>
  ctx.env.automation.todoChanged({ owner: list.owner, listId: list.id, taskId: String(task.id), changeType, etag: String(task['@odata.etag']) });

/** Tasks hold their linked resources out of sight: Graph returns them only from `…/linkedResources` or `$expand`. */
const visible = (t: Json): Json => {
  const { linkedResources: _hidden, ...rest } = t;
  return rest;
};

export const todoRoutes: Route[] = [
  {
    method: 'GET', path: 'me/todo/lists', scopes: TASK_SCOPES,
    handle: (ctx) => ({
      status: 200,
      body: pageByOffset(ctx.env, ctx.req, listsOf(ctx), parseTop(ctx.req.query, 100, 100), (l) => applySelect(l.resource, selectOf(ctx.req.query), ['id'])),
    }),
  },
  {
    method: 'GET', path: 'me/todo/lists/{list}', scopes: TASK_SCOPES,
    handle: (ctx) => ({ status: 200, body: applySelect(listOf(ctx).resource, selectOf(ctx.req.query), ['id']) }),
  },
  {
    method: 'GET', path: 'me/todo/lists/{list}/tasks', scopes: TASK_SCOPES,
    handle: (ctx) => ({
      status: 200,
      body: pageByOffset(ctx.env, ctx.req, filterTasks(ctx, listOf(ctx).tasks), parseTop(ctx.req.query, 100, 100),
        (t) => applySelect(visible(t), selectOf(ctx.req.query), ['id'])),
    }),
  },
  {
    method: 'POST', path: 'me/todo/lists/{list}/tasks', scopes: TASK_WRITE,
    handle: (ctx) => {
      const list = listOf(ctx);
      const input = bodyObject(ctx);
      if (typeof input.title !== 'string' || input.title.trim() === '') throw badBody('The title of a task cannot be empty.');
      const now = ctx.env.now();
      const owner = ctx.env.model.directory.home(list.owner)?.oid ?? list.owner;
      const task: Json = {
        '@odata.etag': newEtag(),
        id: exchangeId('AAMkAGE1AAAAAAESAAA', owner, list.id, randomBytes(9).toString('hex')),
        importance: 'normal', isReminderOn: false, status: 'notStarted', title: input.title, hasAttachments: false, categories: [],
        createdDateTime: new Date(now).toISOString(), lastModifiedDateTime: new Date(now).toISOString(),
        bodyLastModifiedDateTime: new Date(now).toISOString(), body: { content: '', contentType: 'text' },
      };
      applyTaskPatch(task, input, now);
      task.linkedResources = Array.isArray(input.linkedResources) ? input.linkedResources.map(linkedResource) : [];
      list.tasks.unshift(task);
      notify(ctx, list, task, 'created');
      return { status: 201, body: task, headers: { Location: `${ctx.env.origin}/graph/v1.0/me/todo/lists/${encodeURIComponent(list.id)}/tasks/${encodeURIComponent(String(task.id))}` } };
    },
  },
  {
    method: 'GET', path: 'me/todo/lists/{list}/tasks/{task}', scopes: TASK_SCOPES,
    handle: (ctx) => {
      const t = taskOf(ctx, listOf(ctx));
      const wantLinks = /(^|,)\s*linkedResources\s*(,|$)/i.test(option(ctx.req.query, 'expand') ?? '');
      return { status: 200, body: applySelect(wantLinks ? { ...visible(t), linkedResources: t.linkedResources ?? [] } : visible(t), selectOf(ctx.req.query), ['id']) };
    },
  },
  {
    method: 'PATCH', path: 'me/todo/lists/{list}/tasks/{task}', scopes: TASK_WRITE,
    handle: (ctx) => {
      const list = listOf(ctx);
      const task = taskOf(ctx, list);
      applyTaskPatch(task, bodyObject(ctx), ctx.env.now());
      notify(ctx, list, task, 'updated');
      return { status: 200, body: visible(task) };
    },
  },
  {
    method: 'DELETE', path: 'me/todo/lists/{list}/tasks/{task}', scopes: TASK_WRITE,
    handle: (ctx) => {
      const list = listOf(ctx);
      const task = taskOf(ctx, list);
      list.tasks.splice(list.tasks.indexOf(task), 1);
      notify(ctx, list, task, 'deleted');
      return { status: 204 };
    },
  },
  {
    method: 'GET', path: 'me/todo/lists/{list}/tasks/{task}/linkedResources', scopes: TASK_SCOPES,
    handle: (ctx) => ({ status: 200, body: { value: (taskOf(ctx, listOf(ctx)).linkedResources as Json[] | undefined) ?? [] } }),
  },
  {
    method: 'POST', path: 'me/todo/lists/{list}/tasks/{task}/linkedResources', scopes: TASK_WRITE,
    handle: (ctx) => {
      const list = listOf(ctx);
      const task = taskOf(ctx, list);
      const link = linkedResource(bodyObject(ctx));
      task.linkedResources = [...((task.linkedResources as Json[] | undefined) ?? []), link];
      task.lastModifiedDateTime = new Date(ctx.env.now()).toISOString();
      task['@odata.etag'] = newEtag();
      notify(ctx, list, task, 'updated');
      return { status: 201, body: link };
    },
  },
];

/** The control API's "as the user in To Do": the same rules as PATCH/POST/DELETE, by person key. */
export function todoAsUser(env: RouteContext['env'], person: string) {
  const lists = env.model.workloads.todo.get(person) ?? [];
  const findList = (ref: string) => lists.find((l) => l.id === ref || String(l.resource.displayName).toLowerCase() === ref.toLowerCase());
  const findTask = (list: TodoList, ref: string) => list.tasks.find((t) => t.id === ref || String(t.title).toLowerCase() === ref.toLowerCase());
  const emit = (list: TodoList, task: Json, changeType: 'created' | 'updated' | 'deleted') =>
    env.automation.todoChanged({ owner: list.owner, listId: list.id, taskId: String(task.id), changeType, etag: String(task['@odata.etag']) });
  return {
    lists: () => lists.map((l) => ({ id: l.id, displayName: l.resource.displayName, tasks: l.tasks.map(visible) })),
    findList,
    findTask,
    patch(list: TodoList, task: Json, patch: Json) {
      applyTaskPatch(task, patch, env.now());
      emit(list, task, 'updated');
      return visible(task);
    },
    create(list: TodoList, title: string) {
      const now = env.now();
      const task: Json = {
        '@odata.etag': newEtag(), id: exchangeId('AAMkAGE1AAAAAAESAAA', list.owner, list.id, randomBytes(9).toString('hex')),
        importance: 'normal', isReminderOn: false, status: 'notStarted', title, hasAttachments: false, categories: [],
        createdDateTime: new Date(now).toISOString(), lastModifiedDateTime: new Date(now).toISOString(),
        bodyLastModifiedDateTime: new Date(now).toISOString(), body: { content: '', contentType: 'text' }, linkedResources: [],
      };
      list.tasks.unshift(task);
      emit(list, task, 'created');
      return visible(task);
    },
    remove(list: TodoList, task: Json) {
      list.tasks.splice(list.tasks.indexOf(task), 1);
      emit(list, task, 'deleted');
    },
  };
}
