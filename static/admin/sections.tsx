import { useEffect, useState } from 'preact/hooks';
import type { DiagnosticsLevel, FeatureKey, FeatureView, ShareScope, StoredRecordKind } from '../../src/contract';
import { router } from '../shared/bridge';
import { call } from '../shared/invoke';
import { formatDate, Section, StatusLine, useSave, type SectionProps } from './ui';

const CONSENT_WAIT_MS = 10 * 60 * 1000;

/** Feature switches, the Microsoft permissions each feature asks, and the organisation's approval. */
export function Features({ view, onView, refresh }: SectionProps & { refresh: () => Promise<void> }) {
  const saved = (): Record<string, boolean> => Object.fromEntries(view.features.map((f) => [f.key, f.enabled]));
  const [on, setOn] = useState(saved);
  const [approving, setApproving] = useState<{ feature: FeatureKey; phase: 'opening' | 'opened' | 'declined' | 'error'; message: string; since: number } | undefined>();
  const save = useSave(onView);
  const savedKey = JSON.stringify(saved());
  useEffect(() => { setOn(saved()); }, [savedKey]);

  // Entra's approval happens in another tab; read the settings again whenever this one gets focus back.
  const pending = approving?.phase === 'opened' && !view.features.find((f) => f.key === approving.feature)?.consent;
  useEffect(() => {
    if (!pending) return undefined;
    const since = approving.since;
    const check = () => {
      if (Date.now() - since > CONSENT_WAIT_MS) setApproving(undefined);
      else void refresh();
    };
    window.addEventListener('focus', check);
    return () => { window.removeEventListener('focus', check); };
  }, [pending]);

  async function approve(f: FeatureView) {
    setApproving({ feature: f.key, phase: 'opening', message: 'Opening Microsoft’s approval page…', since: Date.now() });
    const res = await call('admin/consent/start', { feature: f.key });
    if (!res.ok) { setApproving({ feature: f.key, phase: 'error', message: res.error.message, since: Date.now() }); return; }
    try {
      await router.open(res.value.url);
    } catch {
      // The page's "you're leaving" confirmation was declined (router.open rejects): nothing opened, nothing to fix.
      setApproving({ feature: f.key, phase: 'declined', message: 'Microsoft’s approval page was not opened.', since: Date.now() });
      return;
    }
    setApproving({ feature: f.key, phase: 'opened', message: 'Approve the permissions in the new tab, signed in as a Microsoft 365 administrator. This page updates when you come back.', since: Date.now() });
  }

  const changed = view.features.some((f) => f.built && on[f.key] !== f.enabled);
  const submit = (e: Event) => {
    e.preventDefault();
    void save.run(() => call('admin/settings/save', { features: Object.fromEntries(view.features.filter((f) => f.built).map((f) => [f.key, on[f.key] === true])) }));
  };

  return (
    <Section id="features" title="Features" intro="Turn off what your organisation does not use. A feature that is off shows “turned off by your admin” to everyone, and the app stops all work for it.">
      <form onSubmit={submit}>
        <ul class="features">
          {view.features.map((f) => {
            const id = `feature-${f.key}`;
            const approvingThis = approving?.feature === f.key;
            return (
              <li class="feature" key={f.key}>
                <input
                  id={id} class="switch" type="checkbox" role="switch" checked={on[f.key] === true} disabled={!f.built || save.busy}
                  aria-describedby={`${id}-desc`} onChange={(e) => { setOn({ ...on, [f.key]: e.currentTarget.checked }); save.reset(); }}
                />
                <span>
                  <label for={id}>{f.label}</label>
                  {!f.built && <span class="lozenge">Not available in this version yet</span>}
                </span>
                <div class="more" id={`${id}-desc`}>
                  <p class="subtle">{f.description}</p>
                  {f.built && f.scopes.length > 0 && (
                    <p class="scopes small">Microsoft permissions it asks each person for: {f.scopes.map((s) => <code key={s}>{s}</code>)}</p>
                  )}
                </div>
                {f.built && f.scopes.length > 0 && (
                  <div class="more">
                    {f.consent ? (
                      <p class="success-text">Approved for your organisation on {formatDate(f.consent.grantedAt)}.</p>
                    ) : (
                      <p>
                        <button type="button" onClick={() => void approve(f)} disabled={approvingThis && approving.phase === 'opening'} aria-describedby={`${id}-consent`} aria-label={`Approve for the organisation: ${f.label}`}>
                          Approve for the organisation
                        </button>
                        <span id={`${id}-consent`} class="small"> Many organisations only let a Microsoft 365 administrator approve these permissions.</span>
                      </p>
                    )}
                    {approvingThis && !f.consent && <p class={approving.phase === 'error' ? 'status error' : 'status'} role="status">{approving.message}</p>}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
        <div class="actions">
          <button type="submit" class="primary" disabled={!changed || save.busy}>Save</button>
        </div>
        <StatusLine state={save.state} />
      </form>
    </Section>
  );
}

/** One tenant per line (commas and semicolons also separate): spaces inside a line are a mistake to point out, not a separator. */
const tenantsOf = (text: string) => text.split(/[\r\n,;]+/).map((t) => t.trim()).filter(Boolean);

/** Which SharePoint Online tenants the macros may show. */
export function SharePointSites({ view, onView }: SectionProps) {
  const saved = view.sharePointTenants;
  const [mode, setMode] = useState<'any' | 'only'>(saved.length ? 'only' : 'any');
  const [text, setText] = useState(saved.join('\n'));
  const [invalid, setInvalid] = useState<string | undefined>();
  const save = useSave(onView);
  useEffect(() => {
    setMode(saved.length ? 'only' : 'any');
    setText(saved.join('\n'));
  }, [saved.join(',')]);

  const list = tenantsOf(text);
  // Choosing "Only these tenants" is a change to save (or to be told what is missing), even before a tenant is typed.
  const changed = mode === 'any' ? saved.length > 0 : saved.length === 0 || list.join(',') !== saved.join(',');
  const submit = (e: Event) => {
    e.preventDefault();
    if (mode === 'only' && list.length === 0) { setInvalid('List at least one tenant, or choose “Any SharePoint Online tenant”.'); return; }
    const spaced = mode === 'only' ? list.find((t) => /\s/.test(t)) : undefined;
    if (spaced !== undefined) { setInvalid(`“${spaced}” is not one tenant: a tenant’s name has no spaces. Put each tenant on a line of its own.`); return; }
    setInvalid(undefined);
    void save.run(() => call('admin/settings/save', { sharePointTenants: mode === 'any' ? [] : list }));
  };
  const choose = (m: 'any' | 'only') => () => {
    setMode(m);
    save.reset();
  };

  return (
    <Section id="sharepoint-sites" title="SharePoint sites" intro="Which SharePoint Online addresses editors can put in SharePoint macros. Addresses of other tenants are refused before anything is requested.">
      <form onSubmit={submit}>
        <fieldset>
          <legend>SharePoint tenants</legend>
          <label class="choice"><input type="radio" name="sp-mode" checked={mode === 'any'} onChange={choose('any')} /><span>Any SharePoint Online tenant<span class="help">Any address on *.sharepoint.com.</span></span></label>
          <label class="choice"><input type="radio" name="sp-mode" checked={mode === 'only'} onChange={choose('only')} /><span>Only these tenants</span></label>
        </fieldset>
        <div class="field">
          <label for="sp-tenants">Tenants, one per line</label>
          <textarea
            id="sp-tenants" value={text} disabled={mode === 'any'} spellcheck={false} aria-describedby={invalid ? 'sp-tenants-help sp-tenants-error' : 'sp-tenants-help'} aria-invalid={invalid ? true : undefined}
            onInput={(e) => { setText(e.currentTarget.value); save.reset(); }}
          />
          <p id="sp-tenants-help" class="help">The first part of the address: contoso, or contoso.sharepoint.com, for https://contoso.sharepoint.com. OneDrive (contoso-my.sharepoint.com) belongs to its tenant.</p>
          {invalid && <p id="sp-tenants-error" class="help error">{invalid}</p>}
        </div>
        <div class="actions"><button type="submit" class="primary" disabled={!changed || save.busy}>Save</button></div>
        <StatusLine state={save.state} />
      </form>
    </Section>
  );
}

const SCOPES: Array<{ key: ShareScope; label: string; help: string; warning?: string }> = [
  { key: 'private', label: 'Private', help: 'Only the person who shared it.' },
  { key: 'atlassian', label: 'Atlassian users', help: 'Everyone logged in to this site who can see the issue or page.' },
  { key: 'public', label: 'Public', help: 'Everyone who can see the issue or page.', warning: 'Anonymous visitors of public projects and spaces can see it too.' },
];

/** Who may see what people share from Microsoft 365, and what is picked first. */
export function SharingDefaults({ view, onView }: SectionProps) {
  const saved = view.sharing;
  const [allowed, setAllowed] = useState<ShareScope[]>(saved.allowedScopes);
  const [def, setDef] = useState<ShareScope>(saved.defaultScope);
  const [maxDays, setMaxDays] = useState(saved.publicMaxDays === undefined ? '' : String(saved.publicMaxDays));
  const [invalid, setInvalid] = useState<string | undefined>();
  const save = useSave(onView);
  const savedKey = JSON.stringify(saved);
  useEffect(() => {
    setAllowed(saved.allowedScopes);
    setDef(saved.defaultScope);
    setMaxDays(saved.publicMaxDays === undefined ? '' : String(saved.publicMaxDays));
  }, [savedKey]);

  const later = view.features.filter((f) => f.key.startsWith('share.')).every((f) => !f.built);
  const days = maxDays.trim() === '' ? 0 : Number(maxDays);
  const changed =
    JSON.stringify({ defaultScope: def, allowedScopes: allowed }) !== JSON.stringify({ defaultScope: saved.defaultScope, allowedScopes: saved.allowedScopes }) ||
    days !== (saved.publicMaxDays ?? 0);

  function toggle(s: ShareScope, checked: boolean) {
    const next = SCOPES.map((x) => x.key).filter((k) => (k === s ? checked : allowed.includes(k)));
    setAllowed(next);
    if (!next.includes(def) && next[0]) setDef(next[0]);
    save.reset();
  }
  const submit = (e: Event) => {
    e.preventDefault();
    if (allowed.length === 0) { setInvalid('Allow at least one of them.'); return; }
    if (!Number.isInteger(days) || days < 0 || days > 3650) { setInvalid('The longest a Public share lasts is a whole number of days, 1–3650 (empty: no limit).'); return; }
    setInvalid(undefined);
    void save.run(() => call('admin/settings/save', { sharing: { defaultScope: def, allowedScopes: allowed, publicMaxDays: days } }));
  };

  return (
    <Section id="sharing" title="Sharing defaults" intro="Who can see a mail, conversation, calendar, event or Teams chat that someone shares into Jira or Confluence. Each kind can be given fewer audiences under Sharing per kind.">
      {later && <p class="banner info">Sharing comes in a later version of the app. These choices apply once it is available.</p>}
      <form onSubmit={submit}>
        <fieldset aria-describedby={invalid ? 'sharing-error' : undefined}>
          <legend>Who shared items can be shown to</legend>
          {SCOPES.map((s) => (
            <label class="choice" key={s.key}>
              <input type="checkbox" checked={allowed.includes(s.key)} onChange={(e) => { toggle(s.key, e.currentTarget.checked); }} />
              <span>
                {s.label}
                <span class="help">{s.help}</span>
                {s.warning && <span class="help warning">{s.warning}</span>}
              </span>
            </label>
          ))}
          {invalid && <p id="sharing-error" class="help error">{invalid}</p>}
        </fieldset>
        <div class="field">
          <label for="sharing-default">Picked when someone shares</label>
          <select id="sharing-default" value={def} onChange={(e) => { setDef(e.currentTarget.value as ShareScope); save.reset(); }} disabled={allowed.length === 0}>
            {SCOPES.filter((s) => allowed.includes(s.key)).map((s) => <option key={s.key} value={s.key}>{s.label}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="sharing-public-days">Public shares end after at most (days)</label>
          <input id="sharing-public-days" type="number" inputMode="numeric" min={1} max={3650} value={maxDays} placeholder="No limit" disabled={!allowed.includes('public')} aria-describedby="sharing-public-days-help" onInput={(e) => { setMaxDays(e.currentTarget.value); save.reset(); }} />
          <span id="sharing-public-days-help" class="help">A Public share gets this end date unless its sharer picks an earlier one. Empty: Public shares last until removed.</span>
        </div>
        <div class="actions"><button type="submit" class="primary" disabled={!changed || save.busy}>Save</button></div>
        <StatusLine state={save.state} />
      </form>
    </Section>
  );
}

const LEVELS: Array<{ key: DiagnosticsLevel; label: string; help: string }> = [
  { key: 'standard', label: 'Standard', help: 'The error code, which feature and step failed, and the ids involved as one-way hashes.' },
  { key: 'codes-only', label: 'Only error codes', help: 'Just the error code and when it happened.' },
];

/** What the app writes to its logs, and the choice to reduce it. */
export function Diagnostics({ view, onView }: SectionProps) {
  const [level, setLevel] = useState<DiagnosticsLevel>(view.diagnostics);
  const save = useSave(onView);
  useEffect(() => { setLevel(view.diagnostics); }, [view.diagnostics]);
  const submit = (e: Event) => {
    e.preventDefault();
    void save.run(() => call('admin/settings/save', { diagnostics: level }));
  };
  return (
    <Section id="diagnostics" title="What the app writes to its logs">
      <p>
        When something fails, the app writes a short line to its logs so the failure can be found and fixed. It writes error codes, and ids
        (of people, sites or items) only as one-way hashes that cannot be turned back. It never writes the content of mails, files or lists,
        names or addresses, or sign-in tokens.
      </p>
      <form onSubmit={submit}>
        <fieldset>
          <legend>Log</legend>
          {LEVELS.map((l) => (
            <label class="choice" key={l.key}>
              <input type="radio" name="diagnostics" checked={level === l.key} onChange={() => { setLevel(l.key); save.reset(); }} />
              <span>{l.label}<span class="help">{l.help}</span></span>
            </label>
          ))}
        </fieldset>
        <div class="actions"><button type="submit" class="primary" disabled={level === view.diagnostics || save.busy}>Save</button></div>
        <StatusLine state={save.state} />
      </form>
    </Section>
  );
}

/** The app's storage layout as the backend describes it, with live counts. */
export function Storage() {
  const [kinds, setKinds] = useState<StoredRecordKind[] | { error: string } | undefined>();
  useEffect(() => {
    void call('admin/storage').then((res) => { setKinds(res.ok ? res.value : { error: res.error.message }); });
  }, []);
  return (
    <Section id="storage" title="What this app stores" intro="Everything the app keeps in its Forge storage on Atlassian’s cloud. Nothing is stored anywhere else. Each person can see, download and delete their own records from the Microsoft 365 panel in Jira or Confluence.">
      {kinds === undefined ? (
        <p class="subtle" role="status">Counting the records…</p>
      ) : 'error' in kinds ? (
        <p class="error" role="alert">{kinds.error}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr">What this app stores</caption>
            <thead>
              <tr><th scope="col">Record</th><th scope="col">What it is</th><th scope="col">Fields</th><th scope="col">How long it is kept</th><th scope="col">How many now</th></tr>
            </thead>
            <tbody>
              {kinds.map((k) => (
                <tr key={k.name}>
                  <th scope="row">{k.name}</th>
                  <td>
                    {k.what}
                    {k.storage === 'secret' && <span class="small"> Stored as an encrypted Forge secret.</span>}
                    {k.personal && <span class="small"> Personal data: each person can see, download and delete their own.</span>}
                  </td>
                  <td>{k.fields.join('; ')}</td>
                  <td>{k.kept}</td>
                  <td class="count">{k.count ?? <span title="Not counted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
