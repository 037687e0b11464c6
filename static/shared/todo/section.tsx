import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Result } from '../../../src/contract';
import type { TodoPanelView } from '../../../src/contracts/automations';
import { call } from '../invoke';
import type { GraphSender } from '../graph-send';
import { signInFor } from '../sharing/api';
import './todo.css';

/** What the section needs of the viewer's Microsoft 365 account (use-account.ts). */
export interface TodoAccount {
  graph: GraphSender | undefined;
  session: { clear(): void } | undefined;
  reload: () => Promise<unknown>;
  connected: boolean;
}

interface List {
  id: string;
  displayName: string;
}
interface Task {
  id: string;
  title: string;
  status: string;
}

type State = { kind: 'loading' } | { kind: 'hidden' } | { kind: 'error'; message: string } | { kind: 'ready'; view: TodoPanelView };
type Picking = { kind: 'none' } | { kind: 'add' } | { kind: 'link'; listId?: string; tasks?: Task[] };

const enc = encodeURIComponent;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const STATUS: Record<string, string> = { notStarted: 'Not started', inProgress: 'In progress', completed: 'Completed', waitingOnOthers: 'Waiting on others', deferred: 'Deferred' };

/** The viewer's To Do, read with their own token: what is shown here is never stored by the app. */
function todoGraph(graph: GraphSender) {
  const values = <T,>(r: Result<unknown>, map: (x: Record<string, unknown>) => T | undefined): Result<T[]> => {
    if (!r.ok) return r;
    const v = (r.value as { value?: unknown } | undefined)?.value;
    return { ok: true, value: (Array.isArray(v) ? v : []).map((x) => (typeof x === 'object' && x !== null ? map(x as Record<string, unknown>) : undefined)).filter((x): x is T => x !== undefined) };
  };
  return {
    lists: async (): Promise<Result<List[]>> => values(await graph.send({ method: 'GET', path: '/me/todo/lists?$select=id,displayName' }), (x) => (str(x.id) ? { id: str(x.id), displayName: str(x.displayName) || 'Tasks' } : undefined)),
    openTasks: async (listId: string): Promise<Result<Task[]>> =>
      values(await graph.send({ method: 'GET', path: `/me/todo/lists/${enc(listId)}/tasks?$select=id,title,status&$filter=${enc("status ne 'completed'")}&$top=50` }), (x) => (str(x.id) ? { id: str(x.id), title: str(x.title), status: str(x.status) } : undefined)),
    task: async (listId: string, taskId: string): Promise<Result<Task>> => {
      const r = await graph.send<Record<string, unknown>>({ method: 'GET', path: `/me/todo/lists/${enc(listId)}/tasks/${enc(taskId)}?$select=id,title,status` });
      return r.ok ? { ok: true, value: { id: str(r.value.id), title: str(r.value.title), status: str(r.value.status) } } : r;
    },
    create: async (listId: string, view: TodoPanelView, issueId: string): Promise<Result<{ id: string }>> => {
      const r = await graph.send<Record<string, unknown>>({
        method: 'POST',
        path: `/me/todo/lists/${enc(listId)}/tasks`,
        // The linked resource points back to the issue: To Do shows it as a link on the task.
        body: { title: `${view.issue.key}: ${view.issue.summary}`.slice(0, 255), linkedResources: [{ webUrl: view.issue.url, applicationName: 'Jira', displayName: view.issue.key, externalId: issueId }] },
      });
      return r.ok ? { ok: true, value: { id: str(r.value.id) } } : r;
    },
  };
}

/** "Add to my To Do" / "Link a task" in the issue panel, and what completing a linked task did. */
export function TodoSection({ issueId, account }: { issueId: string | undefined; account: TodoAccount }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [lists, setLists] = useState<List[] | undefined>();
  const [listId, setListId] = useState('');
  const [picking, setPicking] = useState<Picking>({ kind: 'none' });
  const [titles, setTitles] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | undefined>();
  const [needsConsent, setNeedsConsent] = useState(false);
  const [busy, setBusy] = useState(false);
  const graph = account.graph ? todoGraph(account.graph) : undefined;

  const load = useCallback(async (): Promise<TodoPanelView | undefined> => {
    if (!issueId) {
      setState({ kind: 'hidden' });
      return undefined;
    }
    const r = await call('todo/panel', { issueId });
    if (r.ok && r.value.enabled) {
      setState({ kind: 'ready', view: r.value });
      return r.value;
    }
    if (r.ok || r.error.code === 'FEATURE_OFF' || r.error.code === 'NOT_FOUND' || r.error.code === 'UNAUTHENTICATED') setState({ kind: 'hidden' });
    else setState({ kind: 'error', message: r.error.message });
    return undefined;
  }, [issueId]);

  useEffect(() => {
    void load();
  }, [load]);

  const view = state.kind === 'ready' ? state.view : undefined;
  const linkKey = view?.links.map((l) => l.linkId).join(',') ?? '';
  // Task titles come from To Do itself, with the viewer's token, each time the panel shows them.
  useEffect(() => {
    if (!graph || !view || !account.connected) return;
    for (const l of view.links) {
      if (titles[l.linkId] !== undefined) continue;
      void graph.task(l.listId, l.taskId).then((t) => {
        setTitles((x) => ({ ...x, [l.linkId]: t.ok ? `${t.value.title} — ${STATUS[t.value.status] ?? t.value.status}` : '(not in your To Do any more)' }));
      });
    }
  }, [linkKey, account.connected]);

  const failed = (e: { code: string; message: string }) => {
    if (e.code === 'MS_CONSENT_REQUIRED' || e.code === 'FORBIDDEN') {
      setNeedsConsent(true);
      setNotice('Allow the app to use your Microsoft To Do first.');
    } else setNotice(e.message);
  };

  const openPicker = async (kind: 'add' | 'link') => {
    if (!graph) return;
    setNotice(undefined);
    const l = lists ? { ok: true as const, value: lists } : await graph.lists();
    if (!l.ok) {
      failed(l.error);
      return;
    }
    setLists(l.value);
    const first = listId || l.value[0]?.id || '';
    setListId(first);
    setPicking(kind === 'add' ? { kind } : { kind, listId: first });
    if (kind === 'link' && first) await loadTasks(first);
  };

  const loadTasks = async (id: string) => {
    if (!graph) return;
    const t = await graph.openTasks(id);
    if (!t.ok) failed(t.error);
    else setPicking({ kind: 'link', listId: id, tasks: t.value });
  };

  const linkTask = async (lid: string, taskId: string) => {
    if (!issueId) return;
    const r = await call('todo/link', { issueId, listId: lid, taskId });
    if (r.ok) {
      setState({ kind: 'ready', view: r.value });
      setPicking({ kind: 'none' });
      setNotice(undefined);
    } else failed(r.error);
  };

  const add = async () => {
    if (!graph || !view || !issueId || !listId) return;
    setBusy(true);
    const t = await graph.create(listId, view, issueId);
    if (t.ok) await linkTask(listId, t.value.id);
    else failed(t.error);
    setBusy(false);
  };

  const allow = async () => {
    setNotice('Finish signing in to Microsoft 365 in the new tab. This panel updates by itself.');
    const r = await signInFor('automations', async () => {
      account.session?.clear();
      return graph ? (await graph.lists()).ok : false;
    });
    setNotice(r.ok ? undefined : r.error.message);
    if (r.ok) {
      setNeedsConsent(false);
      await account.reload();
    }
  };

  if (!view || !account.connected) return state.kind === 'error' ? <p class="error" role="alert">{state.message}</p> : null;
  return (
    <section class="todo" aria-label="Microsoft To Do">
      <div class="todo-head">
        <h3>Microsoft To Do</h3>
        {picking.kind === 'none' && (
          <span>
            <button type="button" onClick={() => void openPicker('add')}>Add to my To Do</button>{' '}
            <button type="button" onClick={() => void openPicker('link')}>Link a task</button>
          </span>
        )}
      </div>
      {!view.mayTransition && <p class="notice">You may not move this issue in Jira, so completing a linked task will not change it.</p>}
      {view.mayTransition && !view.completedStatus && <p class="muted">The project’s admins have not chosen a status for completed tasks yet.</p>}
      {view.mayTransition && view.completedStatus && <p class="muted">Completing a linked task moves this issue to <strong>{view.completedStatus}</strong>. Microsoft tells the app within a few minutes.</p>}
      {notice && <p class="notice" role="alert">{notice}</p>}
      {needsConsent && <button type="button" class="primary" onClick={() => void allow()}>Allow To Do</button>}
      {picking.kind !== 'none' && lists && (
        <div class="todo-pick">
          <label>
            List{' '}
            <select value={picking.kind === 'link' ? picking.listId : listId} onChange={(e) => { const id = e.currentTarget.value; setListId(id); if (picking.kind === 'link') void loadTasks(id); }}>
              {lists.map((l) => <option key={l.id} value={l.id}>{l.displayName}</option>)}
            </select>
          </label>
          {picking.kind === 'add' && <button type="button" class="primary" disabled={busy || !listId} onClick={() => void add()}>Add task</button>}
          {picking.kind === 'link' && (
            <ul class="todo-tasks">
              {(picking.tasks ?? []).length === 0 && <li class="muted">No open tasks in this list.</li>}
              {(picking.tasks ?? []).map((t) => (
                <li key={t.id}>{t.title} <button type="button" onClick={() => void linkTask(picking.listId ?? '', t.id)}>Link</button></li>
              ))}
            </ul>
          )}
          <button type="button" onClick={() => { setPicking({ kind: 'none' }); }}>Cancel</button>
        </div>
      )}
      {view.links.length > 0 && (
        <ul class="todo-links">
          {view.links.map((l) => (
            <li key={l.linkId}>
              <span>{titles[l.linkId] ?? 'Linked task'}</span>{' '}
              <button type="button" onClick={() => void call('todo/unlink', { issueId: issueId ?? '', linkId: l.linkId }).then((r) => { if (r.ok) setState({ kind: 'ready', view: r.value }); else failed(r.error); })}>Unlink</button>
              {l.watchProblem && <p class="notice">{l.watchProblem}</p>}
              {l.last?.outcome === 'transitioned' && <p class="muted">Completed: the issue moved to {l.last.status}.</p>}
              {l.last?.message && <p class="notice" role="status">{l.last.message}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
