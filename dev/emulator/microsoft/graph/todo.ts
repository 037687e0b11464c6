import type { TodoList } from '../data/workloads';
import { GraphError } from './errors';
import { applySelect, option, pageByOffset, parseTop, selectOf } from './odata';
import { exchangeNotFound, requireMailbox } from './outlook';
import type { Route, RouteContext } from './types';

const TASK_SCOPES = ['Tasks.Read', 'Tasks.ReadWrite'];

const listsOf = (ctx: RouteContext): TodoList[] => ctx.env.model.workloads.todo.get(requireMailbox(ctx.caller)) ?? [];

const listOf = (ctx: RouteContext): TodoList => {
  const l = listsOf(ctx).find((x) => x.id === ctx.params['list']);
  if (!l) throw exchangeNotFound();
  return l;
};

const filterTasks = (ctx: RouteContext, tasks: Record<string, unknown>[]): Record<string, unknown>[] => {
  const f = option(ctx.req.query, 'filter');
  if (f === undefined) return tasks;
  const m = /^\s*status\s+(eq|ne)\s+'(\w+)'\s*$/i.exec(f);
  if (!m) throw new GraphError(400, 'invalidRequest', `The filter '${f}' is not supported by the emulator; use status eq|ne '<status>'.`);
  const eq = m[1]?.toLowerCase() === 'eq';
  return tasks.filter((t) => (t['status'] === m[2]) === eq);
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
        (t) => applySelect(t, selectOf(ctx.req.query), ['id'])),
    }),
  },
  {
    method: 'GET', path: 'me/todo/lists/{list}/tasks/{task}', scopes: TASK_SCOPES,
    handle: (ctx) => {
      const t = listOf(ctx).tasks.find((x) => x['id'] === ctx.params['task']);
      if (!t) throw exchangeNotFound();
      return { status: 200, body: applySelect(t, selectOf(ctx.req.query), ['id']) };
    },
  },
];
