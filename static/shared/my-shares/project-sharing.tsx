import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { KindPolicy, ProjectKindRule, ProjectPolicyView, SharingKindName } from '../../../src/contracts/my-shares';
import { narrow } from '../../../src/core/sharing/kind-policy';
import { PUBLIC_MAX_DAYS, type ShareScope } from '../../../src/core/settings/model';
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

/**
 * Why the "Public shares end within … days" text cannot be sent, or undefined when it can (empty: the
 * site's maximum). The same bounds the server reads a project's rule with (readRule in
 * src/core/sharing/kind-policy.ts: a whole number within PUBLIC_MAX_DAYS), and never longer than the
 * site's maximum: a project only shortens it (the server would take the shorter anyway, so a longer
 * number would silently mean the site's — refused here instead, in words).
 */
export function publicDaysProblem(text: string, siteMax: number | undefined): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const max = siteMax ?? PUBLIC_MAX_DAYS.max;
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < PUBLIC_MAX_DAYS.min) return `Enter a whole number of days, from ${String(PUBLIC_MAX_DAYS.min)} to ${String(max)}, or leave it empty.`;
  if (n > max) {
    return siteMax !== undefined
      ? `The site allows at most ${String(max)} days: enter ${String(max)} or fewer, or leave it empty.`
      : `At most ${String(max)} days, or leave it empty.`;
  }
  return undefined;
}

const daysText = (r: ProjectKindRule | undefined): string => (r?.publicMaxDays === undefined ? '' : String(r.publicMaxDays));

/** The rule a project admin edits for one kind: only what the site allows can be ticked or picked. */
function KindRow({ kind, label, site, rule, days, onChange, onDays }: { kind: SharingKindName; label: string; site: KindPolicy; rule: ProjectKindRule; days: string; onChange: (r: ProjectKindRule) => void; onDays: (text: string) => void }) {
  const id = useId();
  const allowed = rule.allowedScopes ?? site.allowedScopes;
  const on = site.on && rule.off !== true;
  // What is in force with the choices on screen, decided as the server decides it.
  const effective = narrow(site, rule);
  const daysProblem = publicDaysProblem(days, site.publicMaxDays);
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
      <div class="rule-field">
        {effective.allowedScopes.length === 0 ? (
          <span class="muted small">No audience is ticked, so nothing of this kind can be shared in this project.</span>
        ) : (
          <>
            <label for={`${id}-def`}>Picked first</label>
            <select id={`${id}-def`} aria-label={`${label}: picked first`} aria-describedby={`${id}-def-help`} value={effective.defaultScope} disabled={!on} onChange={(e) => { onChange({ ...rule, defaultScope: e.currentTarget.value as ShareScope }); }}>
              {effective.allowedScopes.map((s) => <option key={s} value={s}>{SCOPE[s]}</option>)}
            </select>
            <span id={`${id}-def-help`} class="muted small">
              {rule.defaultScope !== undefined && effective.defaultScope === rule.defaultScope
                ? 'Chosen for this project.'
                : effective.defaultScope === site.defaultScope
                  ? 'As the site picks.'
                  : `The site picks ${SCOPE[site.defaultScope]}, not allowed here: the most private audience left instead.`}
            </span>
          </>
        )}
      </div>
      {effective.allowedScopes.includes('public') && (
        <div class="rule-field">
          <label for={`${id}-days`}>Public shares end within</label>
          <input
            id={`${id}-days`}
            class="days"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            size={5}
            value={days}
            placeholder={site.publicMaxDays === undefined ? 'No limit' : String(site.publicMaxDays)}
            disabled={!on}
            aria-label={`${label}: Public shares end within (days)`}
            aria-invalid={daysProblem !== undefined}
            aria-describedby={`${id}-days-help${daysProblem ? ` ${id}-days-error` : ''}`}
            onInput={(e) => { onDays(e.currentTarget.value); }}
          />
          <span aria-hidden="true">days</span>
          <span id={`${id}-days-help`} class="muted small">
            {site.publicMaxDays === undefined
              ? 'The site sets no maximum. Empty: Public shares last until removed.'
              : `The site allows at most ${String(site.publicMaxDays)} ${site.publicMaxDays === 1 ? 'day' : 'days'}. Empty: the site’s maximum.`}
          </span>
          {daysProblem && on && <span id={`${id}-days-error`} class="error small rule-error">{daysProblem}</span>}
        </div>
      )}
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
  /** What is typed in each kind's "Public shares end within … days", valid or not. */
  const [days, setDays] = useState<Partial<Record<SharingKindName, string>>>({});
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLElement>(null);
  const load = (v: ProjectPolicyView) => {
    setView(v);
    setRules(v.project);
    setDays(Object.fromEntries(KINDS.map(([k]) => [k, daysText(v.project[k])])));
  };
  useEffect(() => {
    void call('projectSharing/get', { projectId }).then((r) => {
      if (r.ok) load(r.value);
      else setView({ error: r.error.message });
    });
  }, [projectId]);
  if (!view) return <p class="muted" role="status">Loading…</p>;
  if ('error' in view) return <p class="error" role="alert">{view.error}</p>;
  const site = view.site;
  /** The kinds whose days field, shown and editable, holds a number that may not be sent. */
  const refused = KINDS.filter(([k]) => {
    const eff = narrow(site[k], rules[k]);
    return eff.on && eff.allowedScopes.includes('public') && publicDaysProblem(days[k] ?? '', site[k].publicMaxDays) !== undefined;
  });
  async function save() {
    const first = refused[0];
    if (first) {
      setStatus(`Not saved: the number of days for ${refused.map(([, l]) => l).join(', ')} cannot be used (see the message there).`);
      formRef.current?.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
      return;
    }
    setBusy(true);
    const r = await call('projectSharing/save', { projectId, kinds: rules });
    setBusy(false);
    if (!r.ok) {
      setStatus(r.error.message);
      return;
    }
    load(r.value);
    setStatus('Saved. Shares in this project now follow these rules; existing shares with an audience no longer allowed show to a narrower one.');
  }
  const changeDays = (k: SharingKindName, text: string) => {
    setDays({ ...days, [k]: text });
    setStatus('');
    if (publicDaysProblem(text, site[k].publicMaxDays) !== undefined) return;
    const r: ProjectKindRule = { ...rules[k] };
    if (text.trim() === '') delete r.publicMaxDays;
    else r.publicMaxDays = Number(text.trim());
    setRules({ ...rules, [k]: r });
  };
  return (
    <section class="my-shares project-sharing" aria-label="Sharing in this project" ref={formRef}>
      <h2>Sharing from Microsoft 365</h2>
      <p class="muted">Narrow what people may share into this project’s issues, and with whom. You can only take away from what the site’s admin allows.</p>
      {KINDS.map(([k, label]) => (
        <KindRow key={k} kind={k} label={label} site={site[k]} rule={rules[k] ?? {}} days={days[k] ?? ''} onChange={(r) => { setRules({ ...rules, [k]: r }); setStatus(''); }} onDays={(t) => { changeDays(k, t); }} />
      ))}
      <button type="button" class="primary" disabled={busy} onClick={() => void save()}>Save</button>
      <p role="status" aria-live="polite">{status}</p>
    </section>
  );
}
