import { useCallback, useEffect, useState } from 'preact/hooks';
import type { FeedInput, FeedSettings, FeedsPage, FeedView, PersonName, UrlView } from '../../src/contracts/feeds';
import { defaultFeedInput, DESCRIPTION_PARTS, SYSTEM_DATE_FIELDS, type DescriptionPart } from '../../src/core/feeds/model';
import { call } from '../shared/invoke';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { mountWithContext } from '../shared/mount';
import { ProjectSettingsTabs } from '../shared/project-settings';
import type { ViewContext } from '../shared/context';
import '../admin/admin.css';
import './feeds.css';

/** A month count as typed: an empty field is no number (the server then asks for one), not 0. */
const monthsOf = (input: HTMLInputElement): number => (input.value.trim() === '' ? Number.NaN : input.valueAsNumber);

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; page: FeedsPage };

const when = (ms: number | undefined) => (ms === undefined ? 'never' : new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms)));
const day = (ms: number) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(ms));
const size = (bytes: number | undefined) => (bytes === undefined ? '' : bytes < 1024 ? `${String(bytes)} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
const nameOf = (people: PersonName[], id: string) => people.find((p) => p.accountId === id)?.displayName ?? 'Someone';

function App({ ctx }: { ctx: ViewContext }) {
  const project = (ctx.extension.project as { key?: string } | undefined)?.key;
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [editing, setEditing] = useState<{ id?: string; input: FeedInput } | null>(null);
  const refresh = useCallback(async () => {
    const res = await call('feeds/list', project ? { projectKey: project } : {});
    setLoad(res.ok ? { kind: 'ready', page: res.value } : { kind: 'error', message: res.error.message });
  }, [project]);
  useEffect(() => void refresh(), [refresh]);

  if (load.kind === 'loading') return <main class="admin feeds"><p class="subtle" role="status">Loading calendar feeds…</p></main>;
  if (load.kind === 'error') return <main class="admin feeds"><p class="error" role="alert">{load.message}</p></main>;
  const { page } = load;
  const zone = ctx.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <main class="admin feeds">
      <p class="lead">
        Subscribe to Jira issues in Google Calendar, Outlook or Apple Calendar. Each person gets their own address; it shows only the issues they may see in Jira, checked again every time their calendar app asks. Calendars are read-only.
      </p>
      <section class="card" aria-labelledby="feeds-yours">
        <h2 id="feeds-yours">{project ? `Calendar feeds of ${project}` : 'Calendar feeds'}</h2>
        {page.feeds.length === 0 && <p class="subtle">No feeds you can subscribe to yet.</p>}
        {page.feeds.map((f) => (
          <Feed key={f.id} feed={f} people={page.people} onChanged={refresh} onEdit={(input) => { setEditing({ id: f.id, input }); }} />
        ))}
        {page.canCreate && !editing && (
          <div class="actions">
            <button type="button" class="primary" onClick={() => { setEditing({ input: { ...defaultFeedInput(), timeZone: zone } }); }}>Create a feed</button>
          </div>
        )}
      </section>
      {editing && <Editor key={editing.id ?? 'new'} project={project} editing={editing} onDone={() => { setEditing(null); void refresh(); }} onCancel={() => { setEditing(null); }} />}
      {page.siteAdmin && page.settings && <AdminSettings settings={page.settings} />}
      {page.siteAdmin && <AllAddresses />}
    </main>
  );
}

function Status({ f }: { f: FeedView }) {
  const s = f.status;
  const label = { ok: 'OK', error: 'Error', building: 'Building', new: 'New' }[s.state];
  const parts = [
    s.lastBuildAt !== undefined ? `last build ${when(s.lastBuildAt)}${s.tookMs !== undefined ? ` in ${(s.tookMs / 1000).toFixed(1)} s` : ''}` : '',
    s.issues !== undefined ? `${s.issues.toLocaleString()} issues` : '',
    s.bytes !== undefined ? `${size(s.bytes)}, ${String(s.events ?? 0)} events served` : '',
    s.requests !== undefined ? `${String(s.requests)} Jira ${s.requests === 1 ? 'request' : 'requests'}, ${String(s.points ?? 0)} ${s.points === 1 ? 'point' : 'points'}` : '',
  ].filter(Boolean);
  return (
    <p class="small">
      <span class={`state ${s.state}`}>{label}</span>
      {parts.join(' · ')}
      {s.message && <span class={s.state === 'error' ? 'error' : 'subtle'}> {s.message}</span>}
    </p>
  );
}

function Feed({ feed: f, people, onChanged, onEdit }: { feed: FeedView; people: PersonName[]; onChanged: () => Promise<void>; onEdit: (i: FeedInput) => void }) {
  const [shown, setShown] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  const [confirm, setConfirm] = useState<'rotate' | 'revoke' | 'delete' | null>(null);
  const act = async (what: () => Promise<{ ok: boolean; error?: { message: string } }>, done: string) => {
    const r = await what();
    setMsg(r.ok ? done : (r.error?.message ?? 'That did not work.'));
    setConfirm(null);
    await onChanged();
  };
  const get = async (kind: 'create' | 'rotate') => {
    const r = await call(kind === 'create' ? 'feeds/url/create' : 'feeds/url/rotate', { feedId: f.id });
    if (r.ok) {
      setShown(r.value.url);
      setMsg(kind === 'create' ? 'Your address is ready. Copy it now: it is shown only once.' : 'New address ready; the old one no longer works. Copy it now: it is shown only once.');
    } else setMsg(r.error.message);
    setConfirm(null);
    await onChanged();
  };
  const copy = async () => {
    if (!shown) return;
    try {
      await navigator.clipboard.writeText(shown);
      setMsg('Copied. Paste it into your calendar app’s “subscribe by URL”.');
    } catch {
      // The iframe may not be allowed to write the clipboard: select the address for Ctrl+C instead.
      (document.getElementById(`addr-${f.id}`) as HTMLInputElement | null)?.select();
      setMsg('Press Ctrl+C (⌘C) to copy the selected address.');
    }
  };
  const u = f.myUrl;
  return (
    <article class="feed" aria-labelledby={`feed-${f.id}`}>
      <h3 id={`feed-${f.id}`}>{f.name}</h3>
      <p class="subtle small">{f.projectKey ? `Project ${f.projectKey} · ` : ''}Owner: {nameOf(people, f.ownerAccountId)}</p>
      <Status f={f} />
      {shown && (
        <div class="address">
          <label class="sr-only" for={`addr-${f.id}`}>Your calendar address for {f.name}</label>
          <input id={`addr-${f.id}`} type="text" readOnly value={shown} onFocus={(e) => { e.currentTarget.select(); }} />
          <button type="button" onClick={() => void copy()} aria-label={`Copy the address for ${f.name}`}>Copy</button>
        </div>
      )}
      {u && <p class="small">Your address: created {day(u.createdAt)}, last used {when(u.lastUsedAt)}, {u.expired ? <strong class="error">expired {day(u.expiresAt)}</strong> : `expires ${day(u.expiresAt)}`}.</p>}
      {/* Managers too: a manager outside the feed's audience gets no address, and reads why. */}
      {f.admitted === false && <p class="small warning">{f.notAdmittedReason}</p>}
      <div class="actions">
        {(!u || u.expired) && f.admitted !== false && <button type="button" class="primary" onClick={() => void get(u ? 'rotate' : 'create')} aria-label={`Get my calendar address for ${f.name}`}>Get my calendar address</button>}
        {u && !u.expired && (
          <>
            <button type="button" onClick={() => { setConfirm('rotate'); }} aria-label={`Rotate your address for ${f.name}`}>Rotate</button>
            <button type="button" onClick={() => void act(() => call('feeds/url/renew', { feedId: f.id }), 'Renewed.')} aria-label={`Renew your address for ${f.name}`}>Renew</button>
            <button type="button" class="danger" onClick={() => { setConfirm('revoke'); }} aria-label={`Revoke your address for ${f.name}`}>Revoke</button>
          </>
        )}
        {f.canManage && f.definition && (
          <>
            <button type="button" class="subtle" onClick={() => { if (f.definition) onEdit(f.definition); }} aria-label={`Edit ${f.name}`}>Edit</button>
            <button type="button" class="subtle" onClick={() => { setConfirm('delete'); }} aria-label={`Delete ${f.name}`}>Delete</button>
          </>
        )}
      </div>
      {confirm && (
        // Atlassian's modal behaviour (shared/confirm-dialog.tsx): focus on Cancel, Esc cancels, Tab stays inside.
        <ConfirmDialog
          title={confirm === 'rotate' ? 'Rotate your address?' : confirm === 'revoke' ? 'Revoke your address?' : `Delete “${f.name}”?`}
          confirmLabel={confirm === 'rotate' ? 'Rotate' : confirm === 'revoke' ? 'Revoke' : 'Delete'}
          tone="danger"
          onCancel={() => { setConfirm(null); }}
          onConfirm={() => {
            if (confirm === 'rotate') void get('rotate');
            else if (confirm === 'revoke') void act(() => call('feeds/url/revoke', { feedId: f.id }), 'Revoked.').then(() => { setShown(null); });
            else void act(() => call('feeds/delete', { id: f.id }), 'Deleted.');
          }}
        >
          <p>
            {confirm === 'rotate' && 'Your calendar app will stop updating until you give it the new address.'}
            {confirm === 'revoke' && 'The address stops working at once.'}
            {confirm === 'delete' && 'Every address to it stops working.'}
          </p>
        </ConfirmDialog>
      )}
      <p class="status" role="status">{msg}</p>
    </article>
  );
}

const FIELD_CHOICES = Object.entries(SYSTEM_DATE_FIELDS).map(([id, f]) => ({ id, label: f.label, type: f.type }));

function DateFieldPicker({ label, value, onChange }: { label: string; value: { id: string; type: 'date' | 'datetime' }; onChange: (v: { id: string; type: 'date' | 'datetime' }) => void }) {
  const id = `df-${label.replace(/\W/g, '')}`;
  const custom = !SYSTEM_DATE_FIELDS[value.id];
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={custom ? 'custom' : value.id} onChange={(e) => {
        const v = e.currentTarget.value;
        const sys = SYSTEM_DATE_FIELDS[v];
        onChange(sys ? { id: v, type: sys.type } : { id: 'customfield_10015', type: 'date' });
      }}>
        {FIELD_CHOICES.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
        <option value="custom">A custom field…</option>
      </select>
      {custom && (
        <div class="row">
          <div class="field"><label for={`${id}-id`}>Custom field id</label><input id={`${id}-id`} type="text" value={value.id} onInput={(e) => { onChange({ ...value, id: e.currentTarget.value.trim() }); }} /></div>
          <div class="field"><label for={`${id}-type`}>It holds</label>
            <select id={`${id}-type`} value={value.type} onChange={(e) => { onChange({ ...value, type: e.currentTarget.value === 'datetime' ? 'datetime' : 'date' }); }}>
              <option value="date">a date</option><option value="datetime">a date and time</option>
            </select>
          </div>
        </div>
      )}
    </div>
  );
}

function Editor({ project, editing, onDone, onCancel }: { project: string | undefined; editing: { id?: string; input: FeedInput }; onDone: () => void; onCancel: () => void }) {
  const [input, setInput] = useState<FeedInput>(editing.input);
  const [roles, setRoles] = useState<Array<{ id: string; name: string }>>([]);
  // What the roles box says when it has none to offer: the project's refusal, or that it has none.
  const [rolesNote, setRolesNote] = useState('');
  const [groups, setGroups] = useState<Array<{ groupId: string; name: string }>>([]);
  const [rolesFrom, setRolesFrom] = useState(project ?? '');
  const [state, setState] = useState<{ busy: boolean; message: string }>({ busy: false, message: '' });
  const set = (patch: Partial<FeedInput>) => { setInput((i) => ({ ...i, ...patch })); };
  useEffect(() => {
    if (input.access.kind === 'roles' && rolesFrom) {
      setRolesNote('');
      void call('feeds/roles', { projectKey: rolesFrom }).then((r) => {
        setRoles(r.ok ? r.value : []);
        setRolesNote(!r.ok ? `No roles from ${rolesFrom}: ${r.error.message}` : r.value.length === 0 ? `${rolesFrom} has no project roles to choose from.` : '');
      });
    } else setRoles([]);
    if (input.access.kind === 'groups') void call('feeds/groups').then((r) => { setGroups(r.ok ? r.value : []); });
  }, [input.access.kind, rolesFrom]);
  const save = async (e: Event) => {
    e.preventDefault();
    setState({ busy: true, message: 'Saving and checking the JQL with Jira…' });
    const r = editing.id ? await call('feeds/update', { id: editing.id, input }) : await call('feeds/create', { input, ...(project ? { projectKey: project } : {}) });
    if (r.ok) onDone();
    else setState({ busy: false, message: r.error.message });
  };
  const a = input.access;
  return (
    <section class="card" aria-labelledby="feed-editor">
      <h2 id="feed-editor">{editing.id ? `Edit “${editing.input.name}”` : 'Create a calendar feed'}</h2>
      <form onSubmit={(e) => void save(e)}>
        <div class="field"><label for="f-name">Name</label><input id="f-name" type="text" required maxLength={80} value={input.name} onInput={(e) => { set({ name: e.currentTarget.value }); }} /></div>
        <div class="field">
          <label for="f-jql">JQL{project ? ` (within ${project})` : ''}</label>
          <textarea id="f-jql" rows={3} value={input.jql} onInput={(e) => { set({ jql: e.currentTarget.value }); }} aria-describedby="f-jql-help" />
          <p class="help" id="f-jql-help">For example <code>status != Done</code>. Jira checks it when you save. No ORDER BY, no currentUser(): each subscriber is filtered separately.</p>
        </div>
        <div class="row">
          <div class="field"><label for="f-past">Months back</label><input id="f-past" type="number" min={0} max={24} value={Number.isNaN(input.window.pastMonths) ? '' : input.window.pastMonths} onInput={(e) => { set({ window: { ...input.window, pastMonths: monthsOf(e.currentTarget) } }); }} /></div>
          <div class="field"><label for="f-ahead">Months ahead</label><input id="f-ahead" type="number" min={0} max={36} value={Number.isNaN(input.window.futureMonths) ? '' : input.window.futureMonths} onInput={(e) => { set({ window: { ...input.window, futureMonths: monthsOf(e.currentTarget) } }); }} /></div>
        </div>
        <fieldset>
          <legend>Which date makes the event</legend>
          <label class="choice"><input type="radio" name="f-dates" checked={input.dates.kind === 'single'} onChange={() => { set({ dates: { kind: 'single', field: { id: 'duedate', type: 'date' } } }); }} /> One date</label>
          <label class="choice"><input type="radio" name="f-dates" checked={input.dates.kind === 'range'} onChange={() => { set({ dates: { kind: 'range', start: { id: 'customfield_10015', type: 'date' }, end: { id: 'duedate', type: 'date' } } }); }} /> A start and an end</label>
          {input.dates.kind === 'single' ? (
            <DateFieldPicker label="Date field" value={input.dates.field} onChange={(field) => { set({ dates: { kind: 'single', field } }); }} />
          ) : (
            <div class="row">
              <DateFieldPicker label="Start field" value={input.dates.start} onChange={(start) => { if (input.dates.kind === 'range') set({ dates: { ...input.dates, start } }); }} />
              <DateFieldPicker label="End field" value={input.dates.end} onChange={(end) => { if (input.dates.kind === 'range') set({ dates: { ...input.dates, end } }); }} />
            </div>
          )}
        </fieldset>
        <fieldset>
          <legend>Events</legend>
          <label class="choice"><input type="radio" name="f-timing" checked={input.timing.allDay} onChange={() => { set({ timing: { allDay: true } }); }} /> All-day</label>
          <label class="choice"><input type="radio" name="f-timing" checked={!input.timing.allDay} onChange={() => { set({ timing: { allDay: false, startTime: '09:00', durationMinutes: 30 } }); }} /> At a time</label>
          {!input.timing.allDay && (
            <div class="row">
              <div class="field"><label for="f-time">Start time (for date fields)</label><input id="f-time" type="time" value={input.timing.startTime} onInput={(e) => { if (!input.timing.allDay) set({ timing: { ...input.timing, startTime: e.currentTarget.value } }); }} /></div>
              <div class="field"><label for="f-dur">Minutes</label><input id="f-dur" type="number" min={1} max={1440} value={input.timing.durationMinutes} onInput={(e) => { if (!input.timing.allDay) set({ timing: { ...input.timing, durationMinutes: Number(e.currentTarget.value) } }); }} /></div>
            </div>
          )}
          <div class="field"><label for="f-tz">Time zone</label><input id="f-tz" type="text" value={input.timeZone} onInput={(e) => { set({ timeZone: e.currentTarget.value.trim() }); }} /></div>
        </fieldset>
        <div class="field">
          <label for="f-title">Event title</label>
          <input id="f-title" type="text" value={input.summaryTemplate} onInput={(e) => { set({ summaryTemplate: e.currentTarget.value }); }} aria-describedby="f-title-help" />
          <p class="help" id="f-title-help">Fields in braces: {'{key} {summary} {status} {assignee} {priority} {type} {project}'}. Only {'{key}'} and {'{project}'} need no extra Jira request when a calendar is served.</p>
        </div>
        <fieldset>
          <legend>Description</legend>
          <div class="checks">
            {DESCRIPTION_PARTS.map((p: DescriptionPart) => (
              <label class="choice" key={p}><input type="checkbox" checked={input.description.includes(p)} onChange={(e) => { set({ description: e.currentTarget.checked ? [...input.description, p] : input.description.filter((x) => x !== p) }); }} /> {p === 'link' ? 'Link to the issue' : `${p.charAt(0).toUpperCase()}${p.slice(1)}`}</label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Who may subscribe</legend>
          <label class="choice"><input type="radio" name="f-access" checked={a.kind === 'browse'} onChange={() => { set({ access: { kind: 'browse' } }); }} /> Everyone who may browse the issues</label>
          <label class="choice"><input type="radio" name="f-access" checked={a.kind === 'groups'} onChange={() => { set({ access: { kind: 'groups', groups: [] } }); }} /> Members of groups</label>
          <label class="choice"><input type="radio" name="f-access" checked={a.kind === 'roles'} onChange={() => { set({ access: { kind: 'roles', roles: [] } }); }} /> People in project roles (events only from projects where they hold one)</label>
          <label class="choice"><input type="radio" name="f-access" checked={a.kind === 'userField'} onChange={() => { set({ access: { kind: 'userField', field: 'assignee' } }); }} /> People named in a user field (each gets only their own issues)</label>
          {a.kind === 'groups' && (
            <div class="checks" role="group" aria-label="Groups">
              {groups.map((g) => (
                <label class="choice" key={g.groupId}><input type="checkbox" checked={a.groups.some((x) => x.groupId === g.groupId)} onChange={(e) => { set({ access: { kind: 'groups', groups: e.currentTarget.checked ? [...a.groups, g] : a.groups.filter((x) => x.groupId !== g.groupId) } }); }} /> {g.name}</label>
              ))}
            </div>
          )}
          {a.kind === 'roles' && (
            <>
              {!project && (
                <div class="field">
                  <label for="f-roles-from">Roles of project</label>
                  <input id="f-roles-from" type="text" aria-describedby="f-roles-from-hint" value={rolesFrom} onChange={(e) => { setRolesFrom(e.currentTarget.value.trim().toUpperCase()); }} />
                  <p class="help" id="f-roles-from-hint">A project key, such as DEMO: its roles are listed below to choose from.</p>
                </div>
              )}
              {rolesNote !== '' && <p class="notice" role="status">{rolesNote}</p>}
              <div class="checks" role="group" aria-label="Project roles">
                {roles.map((r) => (
                  <label class="choice" key={r.id}><input type="checkbox" checked={a.roles.some((x) => x.id === r.id)} onChange={(e) => { set({ access: { kind: 'roles', roles: e.currentTarget.checked ? [...a.roles, r] : a.roles.filter((x) => x.id !== r.id) } }); }} /> {r.name}</label>
                ))}
              </div>
            </>
          )}
          {a.kind === 'userField' && (
            <div class="field">
              <label for="f-user-field">User field</label>
              <input id="f-user-field" type="text" aria-describedby="f-user-field-hint" value={a.field} onInput={(e) => { set({ access: { kind: 'userField', field: e.currentTarget.value.trim() as typeof a.field } }); }} />
              <p class="help" id="f-user-field-hint">assignee, reporter, or a custom user field’s id, such as customfield_10020.</p>
            </div>
          )}
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary" disabled={state.busy}>{editing.id ? 'Save' : 'Create'}</button>
          <button type="button" class="subtle" onClick={onCancel}>Cancel</button>
        </div>
        <p class={state.busy ? 'status' : 'status error'} role="status">{state.message}</p>
      </form>
    </section>
  );
}

function AdminSettings({ settings }: { settings: FeedSettings }) {
  const [s, setS] = useState(settings);
  const [msg, setMsg] = useState('');
  return (
    <section class="card" aria-labelledby="feeds-admin">
      <h2 id="feeds-admin">Settings for everyone (site admins)</h2>
      <div class="field">
        <label for="a-creators">Who may create feeds</label>
        <select id="a-creators" value={s.creators} onChange={(e) => { setS({ ...s, creators: e.currentTarget.value as FeedSettings['creators'] }); }}>
          <option value="site-admins">Site admins only</option>
          <option value="project-admins">Site admins, and project admins for their projects</option>
          <option value="everyone">Everyone (over the issues they may see)</option>
        </select>
      </div>
      <div class="field"><label for="a-days">Addresses expire after (days)</label><input id="a-days" type="number" min={7} max={330} value={s.urlLifetimeDays} onInput={(e) => { setS({ ...s, urlLifetimeDays: Number(e.currentTarget.value) }); }} /></div>
      <div class="actions"><button type="button" class="primary" onClick={() => void call('feeds/settings/save', s).then((r) => { setMsg(r.ok ? 'Saved' : r.error.message); })}>Save</button></div>
      <p class="status" role="status">{msg}</p>
    </section>
  );
}

function AllAddresses() {
  const [rows, setRows] = useState<{ urls: UrlView[]; people: PersonName[] } | null>(null);
  const [msg, setMsg] = useState('');
  const load = useCallback(async () => {
    const r = await call('feeds/urls');
    if (r.ok) setRows(r.value);
    else setMsg(r.error.message);
  }, []);
  useEffect(() => void load(), [load]);
  return (
    <section class="card" aria-labelledby="feeds-all">
      <h2 id="feeds-all">Every calendar address</h2>
      {!rows ? <p class="subtle" role="status">Loading…</p> : rows.urls.length === 0 ? <p class="subtle">Nobody has a calendar address yet.</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Person</th><th scope="col">Feed</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {rows.urls.map((u) => (
                <tr key={`${u.accountId}:${u.feedId}`}>
                  <td>{nameOf(rows.people, u.accountId)}</td>
                  <td>{u.feedName}</td>
                  <td>{day(u.createdAt)}</td>
                  <td>{when(u.lastUsedAt)}</td>
                  <td>{u.expired ? `expired ${day(u.expiresAt)}` : day(u.expiresAt)}</td>
                  <td><button type="button" class="danger" aria-label={`Revoke the address of ${nameOf(rows.people, u.accountId)} for ${u.feedName}`} onClick={() => void call('feeds/url/revoke', { feedId: u.feedId, accountId: u.accountId }).then((r) => { setMsg(r.ok ? 'Revoked.' : r.error.message); void load(); })}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="status" role="status">{msg}</p>
    </section>
  );
}

// Asks the product for its design tokens and colour mode; the CSS has fallbacks for both.
mountWithContext((ctx) => <ProjectSettingsTabs ctx={ctx}><App ctx={ctx} /></ProjectSettingsTabs>);
