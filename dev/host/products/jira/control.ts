import { Hono } from 'hono';
import type { AccountStates } from '../accounts';
import type { PointsMeters } from '../points';
import { TRANSITIONS, STATUSES, statusById } from './model';
import { issuePermission, projectPermission, type Who } from './permissions';
import type { JiraSite } from './store';

/** The largest bulk generation in one call (a 50,000-issue feed benchmark needs one). */
export const MAX_BULK = 100_000;

const readJson = async (c: { req: { json(): Promise<unknown> } }) => ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;

/**
 * `/__emulator/jira/*`: change Jira as a user would (create, edit, transition — with that user's
 * permissions), change project roles, generate load-test issues, set the points budgets, and read
 * the change events.
 */
export function jiraControl(d: { jira: JiraSite; accounts: AccountStates; points: PointsMeters }) {
  const api = new Hono();
  const actor = (v: unknown): Who | string => {
    if (v === 'app') return { kind: 'app' };
    if (typeof v !== 'string') return 'as (a user key or account id, or "app") is required';
    const u = d.accounts.find(v);
    if (!u) return `No user '${v}'`;
    if (d.accounts.isClosed(u.accountId)) return `The account of ${u.displayName} is closed`;
    return { kind: 'user', user: u };
  };

  api.post('/issues', async (c) => {
    const body = await readJson(c);
    const who = actor(body.as);
    if (typeof who === 'string') return c.json({ error: who }, 400);
    const project = typeof body.projectKey === 'string' ? d.jira.project(body.projectKey) : undefined;
    if (!project) return c.json({ error: 'projectKey (an existing project) is required' }, 400);
    if (!projectPermission(who, project, 'CREATE_ISSUES')) return c.json({ error: `That user may not create issues in ${project.key}` }, 403);
    const fields = (body.fields && typeof body.fields === 'object' ? body.fields : {}) as Record<string, unknown>;
    const created = d.jira.create(who, project.key, fields);
    if ('error' in created) return c.json({ error: created.error }, 400);
    return c.json({ id: created.id, key: created.key }, 201);
  });

  api.post('/issues/:key', async (c) => {
    const body = await readJson(c);
    const who = actor(body.as);
    if (typeof who === 'string') return c.json({ error: who }, 400);
    const issue = d.jira.issue(c.req.param('key'));
    if (!issue) return c.json({ error: 'No such issue' }, 404);
    if (!issuePermission(who, d.jira.projectOf(issue), issue, 'EDIT_ISSUES')) return c.json({ error: `That user may not edit ${issue.key}` }, 403);
    const result = d.jira.update(who, issue, (body.fields && typeof body.fields === 'object' ? body.fields : {}) as Record<string, unknown>);
    if ('error' in result) return c.json({ error: result.error }, 400);
    return c.json({ key: issue.key, changes: result.changes });
  });

  api.post('/issues/:key/transition', async (c) => {
    const body = await readJson(c);
    const who = actor(body.as);
    if (typeof who === 'string') return c.json({ error: who }, 400);
    const issue = d.jira.issue(c.req.param('key'));
    if (!issue) return c.json({ error: 'No such issue' }, 404);
    if (!issuePermission(who, d.jira.projectOf(issue), issue, 'TRANSITION_ISSUES')) return c.json({ error: `That user may not transition ${issue.key}` }, 403);
    const to = typeof body.to === 'string' || typeof body.to === 'number' ? String(body.to) : '';
    const status = STATUSES.find((s) => s.name.toLowerCase() === to.toLowerCase() || s.id === to);
    const transition = TRANSITIONS.find((t) => t.id === to) ?? TRANSITIONS.find((t) => t.to === status?.id);
    if (!transition) return c.json({ error: `to must be a status (${STATUSES.map((s) => s.name).join(', ')}) or a transition id` }, 400);
    const result = d.jira.transition(who, issue, transition.id);
    if ('error' in result) return c.json({ error: result.error }, 409);
    return c.json({ key: issue.key, status: statusById(issue.statusId).name, changes: result.changes });
  });

  api.post('/roles', async (c) => {
    const body = await readJson(c);
    if (typeof body.projectKey !== 'string' || typeof body.role !== 'string') return c.json({ error: 'projectKey and role (name or id) are required' }, 400);
    const op = body.add !== undefined || body.addGroup !== undefined ? 'add' : 'remove';
    const user = op === 'add' ? body.add : body.remove;
    const group = op === 'add' ? body.addGroup : body.removeGroup;
    const error = d.jira.changeRole(body.projectKey, body.role, op, { ...(typeof user === 'string' ? { user } : {}), ...(typeof group === 'string' ? { group } : {}) });
    if (error) return c.json({ error }, error.startsWith('No project') || error.startsWith('No user') ? 404 : 400);
    const p = d.jira.project(body.projectKey);
    const def = d.jira.roleDefs.find((r) => r.name === body.role || r.id === body.role);
    const actors = p && def ? p.roles.get(def.name) : undefined;
    return c.json({ projectKey: p?.key, role: def?.name, users: [...(actors?.users ?? [])], groups: [...(actors?.groups ?? [])], app: actors?.app ?? false });
  });

  api.post('/bulk', async (c) => {
    const body = await readJson(c);
    const count = Number(body.count);
    if (typeof body.projectKey !== 'string' || !Number.isInteger(count) || count < 1 || count > MAX_BULK) return c.json({ error: `projectKey and count (1–${MAX_BULK}) are required` }, 400);
    const started = performance.now();
    const result = d.jira.bulk(body.projectKey, count, typeof body.seed === 'number' ? body.seed : 1);
    if ('error' in result) return c.json({ error: result.error }, 404);
    return c.json({ created: count, first: result.first.key, last: result.last.key, issuesOnSite: d.jira.issueCount(), ms: Math.round(performance.now() - started) });
  });

  api.get('/points', (c) => c.json(d.points.snapshot()));
  /** `{appPerHour?, sitePerHour?, product?: 'jira' | 'confluence', reset?: true}` (or `perHour: n | {app, site}`): budgets for this and later hours. */
  api.post('/points', async (c) => {
    const body = await readJson(c);
    if (typeof body.perHour === 'number') body.appPerHour ??= body.perHour;
    else if (body.perHour && typeof body.perHour === 'object') {
      const per = body.perHour as { app?: unknown; site?: unknown };
      body.appPerHour ??= per.app;
      body.sitePerHour ??= per.site;
    }
    const meter = body.product === 'confluence' ? d.points.confluence : d.points.jira;
    const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
    if (body.reset === true) meter.reset();
    const patch = { ...(num(body.appPerHour) !== undefined ? { appPerHour: num(body.appPerHour) as number } : {}), ...(num(body.sitePerHour) !== undefined ? { sitePerHour: num(body.sitePerHour) as number } : {}) };
    if ((body.appPerHour !== undefined && patch.appPerHour === undefined) || (body.sitePerHour !== undefined && patch.sitePerHour === undefined)) return c.json({ error: 'appPerHour and sitePerHour are whole numbers ≥ 0' }, 400);
    meter.configure(patch);
    return c.json(d.points.snapshot());
  });

  /** `{appMayCheckOtherUsers}`: whether asApp() may ask POST /permissions/check about another user. */
  api.post('/settings', async (c) => {
    const body = await readJson(c);
    if (typeof body.appMayCheckOtherUsers === 'boolean') d.jira.settings.appMayCheckOtherUsers = body.appMayCheckOtherUsers;
    return c.json({ ...d.jira.settings });
  });

  api.get('/events', (c) => c.json({ events: d.jira.events(Number(c.req.query('since') ?? 0) || 0) }));

  return api;
}
