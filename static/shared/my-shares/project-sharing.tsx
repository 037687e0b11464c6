import { useEffect, useId, useState } from 'preact/hooks';
import type { KindPolicy, ProjectKindRule, ProjectPolicyView, SharingKindName } from '../../../src/contracts/my-shares';
import type { ShareScope } from '../../../src/core/settings/model';
import { call } from '../invoke';
import './my-shares.css';

const KINDS: Array<[SharingKindName, string]> = [
  ['mail', 'Single mails'],
  ['conversation', 'Whole conversations'],
  ['calendar', 'Calendars'],
  ['event', 'Single events'],
  ['chat', 'Teams chats'],
];
const SCOPE: Record<ShareScope, string> = { private: 'Private', atlassian: 'Atlassian users', public: 'Public' };

/** The rule a project admin edits for one kind: only what the site allows can be ticked. */
function KindRow({ kind, label, site, rule, onChange }: { kind: SharingKindName; label: string; site: KindPolicy; rule: ProjectKindRule; onChange: (r: ProjectKindRule) => void }) {
  const id = useId();
  const allowed = rule.allowedScopes ?? site.allowedScopes;
  const on = site.on && rule.off !== true;
  const toggle = (s: ShareScope, v: boolean) => {
    const next = site.allowedScopes.filter((x) => (x === s ? v : allowed.includes(x)));
    const r: ProjectKindRule = { ...rule, allowedScopes: next };
    if (r.defaultScope !== undefined && !next.includes(r.defaultScope)) delete r.defaultScope;
    onChange(r);
  };
  return (
    <fieldset class="kind-rule" disabled={!site.on}>
      <legend>{label}{!site.on && ' — off for the whole site'}</legend>
      <label><input type="checkbox" checked={on} onChange={(e) => { onChange({ ...rule, off: !e.currentTarget.checked }); }} /> Allowed in this project</label>
      <div role="group" aria-labelledby={`${id}-aud`}>
        <span id={`${id}-aud`}>Audiences:</span>{' '}
        {(['private', 'atlassian', 'public'] as ShareScope[]).map((s) => (
          <label key={s}>
            <input type="checkbox" checked={site.allowedScopes.includes(s) && allowed.includes(s)} disabled={!on || !site.allowedScopes.includes(s)} onChange={(e) => { toggle(s, e.currentTarget.checked); }} aria-label={`${label}: ${SCOPE[s]}`} /> {SCOPE[s]}
            {!site.allowedScopes.includes(s) && <span class="muted small"> (not allowed by the site)</span>}{' '}
          </label>
        ))}
      </div>
      {kind === 'calendar' && (
        <label><input type="checkbox" checked={site.freeBusyOnly || rule.freeBusyOnly === true} disabled={!on || site.freeBusyOnly} onChange={(e) => { onChange({ ...rule, freeBusyOnly: e.currentTarget.checked }); }} /> Free/busy only (no titles)</label>
      )}
    </fieldset>
  );
}

/** The project settings page's Sharing tab: a project admin narrows the site's sharing rules (never widens). */
export function ProjectSharingPage({ projectId }: { projectId: string }) {
  const [view, setView] = useState<ProjectPolicyView | { error: string } | undefined>();
  const [rules, setRules] = useState<Partial<Record<SharingKindName, ProjectKindRule>>>({});
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void call('projectSharing/get', { projectId }).then((r) => {
      setView(r.ok ? r.value : { error: r.error.message });
      if (r.ok) setRules(r.value.project);
    });
  }, [projectId]);
  async function save() {
    setBusy(true);
    const r = await call('projectSharing/save', { projectId, kinds: rules });
    setBusy(false);
    if (!r.ok) {
      setStatus(r.error.message);
      return;
    }
    setView(r.value);
    setRules(r.value.project);
    setStatus('Saved. Shares in this project now follow these rules; existing shares with an audience no longer allowed show to a narrower one.');
  }
  if (!view) return <p class="muted" role="status">Loading…</p>;
  if ('error' in view) return <p class="error" role="alert">{view.error}</p>;
  return (
    <section class="my-shares project-sharing" aria-label="Sharing in this project">
      <h2>Sharing from Microsoft 365</h2>
      <p class="muted">Narrow what people may share into this project’s issues, and with whom. You can only take away from what the site’s admin allows.</p>
      {KINDS.map(([k, label]) => (
        <KindRow key={k} kind={k} label={label} site={view.site[k]} rule={rules[k] ?? {}} onChange={(r) => { setRules({ ...rules, [k]: r }); setStatus(''); }} />
      ))}
      <button type="button" class="primary" disabled={busy} onClick={() => void save()}>Save</button>
      <p role="status" aria-live="polite">{status}</p>
    </section>
  );
}
