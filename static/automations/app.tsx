import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Result } from '../../src/contract';
import type { DeliveryView, ProjectAutomationsView, RuleInput, RuleView, StatusRef, WhenKind } from '../../src/contracts/automations';
import { call } from '../shared/invoke';
import { useMicrosoftAccount } from '../shared/use-account';
import { signInFor } from '../shared/sharing/api';
import { TargetPicker } from './picker';
import './automations.css';

const WHEN_LABEL: Record<WhenKind, string> = {
  created: 'An issue is created',
  transitioned: 'An issue moves to a status',
  commented: 'Someone comments',
  assigned: 'The assignee changes',
  priority: 'The priority changes',
};

const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

const describeWhen = (r: Pick<RuleView, 'when'>): string =>
  r.when.events.map((e) => (e === 'transitioned' && r.when.toStatuses.length ? `moves to ${r.when.toStatuses.map((s) => s.name).join(' or ')}` : WHEN_LABEL[e].toLowerCase())).join('; ');
const describeWhere = (w: RuleInput['where']): string => (w.kind === 'channel' ? `${w.teamName} › ${w.channelName}` : `Chat: ${w.chatName}`);
const OUTCOME: Record<DeliveryView['outcome'], string> = { sent: 'Sent', failed: 'Not sent', retrying: 'Retrying', skipped: 'Skipped' };

const emptyRule = (): Partial<RuleInput> => ({ name: '', when: { events: ['transitioned'], toStatuses: [] }, jql: '', heading: '' });

/** Project settings → Automations: the project's rules (Jira → Teams) and the status completed To Do tasks move issues to. */
export function AutomationsPage({ projectId, accountId }: { projectId: string; accountId: string | undefined }) {
  const account = useMicrosoftAccount(accountId);
  const [view, setView] = useState<ProjectAutomationsView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [editing, setEditing] = useState<{ id?: string; input: Partial<RuleInput> } | undefined>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const r = await call('automations/project', { projectId });
    if (r.ok) {
      setView(r.value);
      setError(undefined);
    } else setError(r.error.message);
    return r;
  }, [projectId]);
  useEffect(() => {
    void load();
  }, [load]);

  /** Every action answers with the page's new view, or an error in words. */
  const act = async (p: Promise<Result<ProjectAutomationsView>>, done?: string): Promise<boolean> => {
    setBusy(true);
    setNotice(undefined);
    const r = await p;
    setBusy(false);
    if (r.ok) {
      setView(r.value);
      if (done) setNotice(done);
      return true;
    }
    setNotice(r.error.message);
    if (r.error.code === 'MS_CONSENT_REQUIRED' || r.error.code === 'MS_SIGN_IN_REQUIRED') setNeedsConsent(true);
    return false;
  };

  const [needsConsent, setNeedsConsent] = useState(false);
  // Counts the permissions given here: an open rule form lists its teams and chats again after each.
  const [granted, setGranted] = useState(0);
  const allow = async () => {
    setNotice('Finish signing in to Microsoft 365 in the new tab. This page updates by itself.');
    const r = await signInFor('automations', async () => {
      const v = await load();
      return v.ok && v.value.connected;
    });
    setNotice(r.ok ? undefined : r.error.message);
    if (r.ok) {
      setNeedsConsent(false);
      account.session?.clear();
      await account.reload();
      setGranted((n) => n + 1);
    }
  };

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!view) return <p class="muted" role="status">Loading automations…</p>;
  return (
    <div class="automations">
      <h2>Automations of {view.projectKey}</h2>
      {!view.enabled && <p class="notice" role="status">Automations were turned off by your admin. Rules are kept but send nothing, and Jira sends the app no events.</p>}
      <p class="muted">Rules post Jira changes to a Teams channel or chat, as the rule’s owner (the app may not post as itself). Messages are built when they are sent; the app keeps only ids and outcomes.</p>
      {notice && <p class="notice" role="alert">{notice}</p>}
      {(!view.connected || needsConsent) && (
        <p>
          <button type="button" class="primary" onClick={() => void allow()}>{view.connected ? 'Allow posting to Teams' : 'Connect Microsoft 365'}</button>{' '}
          <span class="muted">A rule’s messages go out as its owner: connect your Microsoft 365 account and allow the app to post to Teams as you.</span>
        </p>
      )}
      <section aria-label="Rules">
        <div class="head">
          <h3>Rules</h3>
          {view.enabled && !editing && <button type="button" onClick={() => { setEditing({ input: emptyRule() }); }}>New rule</button>}
        </div>
        {view.rules.length === 0 && !editing && <p class="muted">No rules yet.</p>}
        {editing && account.graph && (
          <RuleEditor
            key={editing.id ?? 'new'}
            initial={editing.input}
            statuses={view.statuses}
            graph={account.graph}
            busy={busy}
            listAgain={granted}
            onFailure={(e) => {
              // Microsoft refused to list the teams or chats: the permission is what is missing, not the person's rights here.
              const consent = e.code === 'MS_CONSENT_REQUIRED' || e.code === 'FORBIDDEN';
              setNotice(consent ? 'To list your teams and chats, the app needs your permission to post to Teams. Choose “Allow posting to Teams” above; the form stays as it is.' : e.message);
              if (consent) setNeedsConsent(true);
            }}
            onCancel={() => { setEditing(undefined); }}
            onSave={async (input) => {
              const ok = await act(editing.id ? call('automations/rule/update', { projectId, ruleId: editing.id, input }) : call('automations/rule/create', { projectId, input }), 'Saved.');
              if (ok) setEditing(undefined);
            }}
          />
        )}
        <ul class="rules">
          {view.rules.map((r) => (
            <li key={r.id} class="rule" aria-label={`Rule ${r.name}`}>
              <div class="head">
                <strong>{r.name}</strong>
                <span class={`state ${r.state.status}`}>{r.state.status === 'active' ? 'Active' : r.state.status === 'paused' ? 'Paused' : 'Off'}</span>
              </div>
              <p>When {describeWhen(r)}{r.jql ? <> · matching <code>{r.jql}</code></> : null} → {describeWhere(r.where)}</p>
              <p class="muted">Sent as {r.ownerName ?? (r.ownerAccountId ? 'someone' : 'nobody (owner left)')}{r.isOwner ? ' (you)' : ''}</p>
              {r.state.message && <p class="notice" role="status">{r.state.message}</p>}
              <div class="actions">
                {r.isOwner && <button type="button" disabled={busy} onClick={() => void act(call('automations/rule/test', { projectId, ruleId: r.id }), 'Test message sent.')}>Send test message</button>}
                {r.isOwner && <button type="button" onClick={() => { setEditing({ id: r.id, input: { name: r.name, when: r.when, jql: r.jql, where: r.where, heading: r.heading } }); }}>Edit</button>}
                {/* The owner resumes a paused rule (the same check as taking it over: connected, allowed to post); others take it over. */}
                {r.isOwner && r.state.status === 'paused' && <button type="button" disabled={busy} onClick={() => void act(call('automations/rule/takeOver', { projectId, ruleId: r.id }), 'Resumed: its messages go out as you again.')}>Resume</button>}
                {!r.isOwner && <button type="button" disabled={busy} onClick={() => void act(call('automations/rule/takeOver', { projectId, ruleId: r.id }), 'You own this rule now: its messages go out as you.')}>Take over</button>}
                {r.state.status !== 'off' && <button type="button" disabled={busy} onClick={() => void act(call('automations/rule/switch', { projectId, ruleId: r.id, on: false }))}>Turn off</button>}
                {r.state.status === 'off' && <button type="button" disabled={busy} onClick={() => void act(call('automations/rule/switch', { projectId, ruleId: r.id, on: true }))}>Turn on</button>}
                <button type="button" disabled={busy} onClick={() => void act(call('automations/rule/delete', { projectId, ruleId: r.id }), 'Deleted.')}>Delete</button>
              </div>
              <details>
                <summary>Delivery log ({r.log.length})</summary>
                {r.log.length === 0 ? <p class="muted">Nothing sent yet.</p> : (
                  <table class="log">
                    <thead><tr><th>When</th><th>Issue</th><th>Status</th><th /></tr></thead>
                    <tbody>
                      {r.log.map((e) => (
                        <tr key={e.id}>
                          <td>{when(e.at)}</td>
                          <td>{e.issueKey ?? (e.canResend ? '' : 'Test')}</td>
                          <td>{OUTCOME[e.outcome]}{e.message ? <div class="muted small">{e.message}</div> : null}</td>
                          <td>{e.canResend && <button type="button" disabled={busy || r.state.status === 'paused'} onClick={() => void act(call('automations/rule/resend', { projectId, ruleId: r.id, entryId: e.id }), 'Sent again.')}>Resend</button>}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </details>
            </li>
          ))}
        </ul>
      </section>
      <CompletedStatus view={view} busy={busy} onSave={(status) => void act(call('automations/completedStatus', { projectId, status }), 'Saved.')} />
    </div>
  );
}

function CompletedStatus({ view, busy, onSave }: { view: ProjectAutomationsView; busy: boolean; onSave: (s: StatusRef | null) => void }) {
  const [id, setId] = useState(view.completedStatus?.id ?? '');
  const options = view.completedStatus && !view.statuses.some((s) => s.id === view.completedStatus?.id) ? [view.completedStatus, ...view.statuses] : view.statuses;
  return (
    <section aria-label="Completed To Do tasks">
      <h3>Completed Microsoft To Do tasks</h3>
      <p class="muted">People can link their To Do tasks to issues in the issue panel. When one of them completes a linked task, the issue moves to this status — if Jira lets that person transition it.</p>
      <label>
        Move the issue to{' '}
        <select value={id} aria-label="Status for completed tasks" onChange={(e) => { setId(e.currentTarget.value); }}>
          <option value="">Nothing (don’t move issues)</option>
          {options.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      </label>{' '}
      <button type="button" disabled={busy} onClick={() => { onSave(options.find((s) => s.id === id) ?? null); }}>Save status</button>
    </section>
  );
}

function RuleEditor(props: {
  initial: Partial<RuleInput>;
  statuses: StatusRef[];
  graph: NonNullable<ReturnType<typeof useMicrosoftAccount>['graph']>;
  busy: boolean;
  onSave: (input: RuleInput) => Promise<void>;
  onCancel: () => void;
  onFailure: (e: { code: string; message: string }) => void;
  /** Changes when a permission was given: the Teams picker lists again. */
  listAgain: number;
}) {
  const [input, setInput] = useState<Partial<RuleInput>>(props.initial);
  const set = (p: Partial<RuleInput>) => { setInput((x) => ({ ...x, ...p })); };
  const w = input.when ?? { events: [], toStatuses: [] };
  const toggle = (k: WhenKind) => { set({ when: { ...w, events: w.events.includes(k) ? w.events.filter((x) => x !== k) : [...w.events, k] } }); };
  const toggleStatus = (s: StatusRef) => { set({ when: { ...w, toStatuses: w.toStatuses.some((x) => x.id === s.id) ? w.toStatuses.filter((x) => x.id !== s.id) : [...w.toStatuses, s] } }); };
  const complete = input.name && w.events.length > 0 && input.where;
  return (
    <form class="editor" aria-label="Rule" onSubmit={(e) => { e.preventDefault(); if (complete) void props.onSave({ name: input.name ?? '', when: w, jql: input.jql ?? '', where: input.where as RuleInput['where'], heading: input.heading ?? '' }); }}>
      <label>Name <input type="text" value={input.name ?? ''} maxLength={80} onInput={(e) => { set({ name: e.currentTarget.value }); }} /></label>
      <fieldset>
        <legend>When</legend>
        {(Object.keys(WHEN_LABEL) as WhenKind[]).map((k) => (
          <label key={k} class="choice"><input type="checkbox" checked={w.events.includes(k)} onChange={() => { toggle(k); }} /> {WHEN_LABEL[k]}</label>
        ))}
        {w.events.includes('transitioned') && (
          <div class="statuses">
            <span class="muted">Only into (none ticked: any status):</span>
            {props.statuses.map((s) => (
              <label key={s.id} class="choice"><input type="checkbox" checked={w.toStatuses.some((x) => x.id === s.id)} onChange={() => { toggleStatus(s); }} /> {s.name}</label>
            ))}
          </div>
        )}
      </fieldset>
      <label>Which issues (JQL, optional) <input type="text" value={input.jql ?? ''} placeholder="e.g. priority = High" onInput={(e) => { set({ jql: e.currentTarget.value }); }} /></label>
      <TargetPicker key={props.listAgain} graph={props.graph} value={input.where} onChange={(where) => { set({ where }); }} onFailure={props.onFailure} />
      <label>First line (optional) <input type="text" value={input.heading ?? ''} maxLength={120} onInput={(e) => { set({ heading: e.currentTarget.value }); }} /></label>
      <p class="muted small">Each message says who changed what on which issue, with its key, summary and a link, built from Jira when it is sent.</p>
      <div class="actions">
        <button type="submit" class="primary" disabled={props.busy || !complete}>Save rule</button>
        <button type="button" onClick={props.onCancel}>Cancel</button>
      </div>
    </form>
  );
}
