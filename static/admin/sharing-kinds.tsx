import { useEffect, useState } from 'preact/hooks';
import type { AdminView, FeatureKey, ShareScope } from '../../src/contract';
import { SHARE_SCOPES, SHARING_KIND_LABELS, SHARING_KIND_NAMES, type SharingKindName, type SharingKindRule } from '../../src/core/settings/model';
import { call } from '../shared/invoke';
import { Section, StatusLine, useSave, type SectionProps } from './ui';

const FEATURE: Record<SharingKindName, FeatureKey> = { mail: 'share.mail', conversation: 'share.conversation', calendar: 'share.calendar', event: 'share.event', chat: 'share.chat' };
const SCOPE_LABEL: Record<ShareScope, string> = { private: 'Private', atlassian: 'Atlassian users', public: 'Public' };

interface KindRow {
  on: boolean;
  allowed: ShareScope[];
  def: ShareScope;
}
type Rows = Record<SharingKindName, KindRow>;

/**
 * The rows as saved: each kind's switch (its feature), and its audiences within the site-wide ones —
 * what the kind's rule leaves of them (src/core/sharing/kind-policy.ts `sitePolicy`), so a box is
 * ticked only where people can really share with that audience.
 */
function savedRows(view: AdminView): Rows {
  const site = view.sharing;
  const rows = {} as Rows;
  for (const k of SHARING_KIND_NAMES) {
    const rule = site.kinds?.[k];
    const allowed = site.allowedScopes.filter((s) => !rule || rule.allowedScopes.includes(s));
    const wanted = rule?.defaultScope ?? site.defaultScope;
    rows[k] = {
      on: view.features.find((f) => f.key === FEATURE[k])?.enabled === true,
      allowed,
      def: allowed.includes(wanted) ? wanted : (allowed[0] ?? 'private'),
    };
  }
  return rows;
}

/** A kind whose audiences and default are the site-wide ones keeps no rule, so it follows later site-wide changes. */
function kindRules(rows: Rows, site: AdminView['sharing']): Partial<Record<SharingKindName, SharingKindRule>> {
  const out: Partial<Record<SharingKindName, SharingKindRule>> = {};
  for (const k of SHARING_KIND_NAMES) {
    const r = rows[k];
    const same = r.allowed.length === site.allowedScopes.length && r.def === site.defaultScope;
    // A kind switched off with no audience left needs no rule: switched on later, it starts from the site-wide ones.
    if (!same && !(r.allowed.length === 0 && !r.on)) out[k] = { allowedScopes: r.allowed, defaultScope: r.def };
  }
  return out;
}

/**
 * Per kind of shared item: on or off, who it may be shown to (within the site-wide audiences above)
 * and which audience is picked first; calendars may be limited to free/busy. Saved in one change, so a
 * refusal (the server's words, under the Save button) leaves everything as it was.
 */
export function SharingKinds({ view, onView }: SectionProps) {
  const site = view.sharing;
  const [rows, setRows] = useState<Rows>(() => savedRows(view));
  const [freeBusy, setFreeBusy] = useState(site.calendarFreeBusyOnly === true);
  const save = useSave(onView);
  const savedKey = JSON.stringify([savedRows(view), site.calendarFreeBusyOnly === true]);
  useEffect(() => {
    setRows(savedRows(view));
    setFreeBusy(site.calendarFreeBusyOnly === true);
  }, [savedKey]);

  const built = (k: SharingKindName) => view.features.find((f) => f.key === FEATURE[k])?.built === true;
  const changed = JSON.stringify([rows, freeBusy]) !== savedKey;
  const set = (k: SharingKindName, r: Partial<KindRow>) => {
    setRows({ ...rows, [k]: { ...rows[k], ...r } });
    save.reset();
  };
  function toggle(k: SharingKindName, s: ShareScope, checked: boolean) {
    const row = rows[k];
    const allowed = SHARE_SCOPES.filter((x) => (x === s ? checked : row.allowed.includes(x)));
    set(k, { allowed, def: allowed.includes(row.def) ? row.def : (allowed[0] ?? 'private') });
  }
  const submit = (e: Event) => {
    e.preventDefault();
    const features = Object.fromEntries(SHARING_KIND_NAMES.filter(built).map((k) => [FEATURE[k], rows[k].on]));
    void save.run(() =>
      call('admin/settings/save', {
        features,
        sharing: { defaultScope: site.defaultScope, allowedScopes: site.allowedScopes, kinds: kindRules(rows, site), calendarFreeBusyOnly: freeBusy },
      }),
    );
  };

  const empty = SHARING_KIND_NAMES.filter((k) => rows[k].on && rows[k].allowed.length === 0);
  return (
    <Section
      id="sharing-kinds"
      title="Sharing per kind"
      intro="Switch each kind of item on or off, and show it to fewer people than the site-wide choice above allows. Project admins can narrow these further for their own project (project settings, Sharing tab) but never widen them; Confluence pages follow these rules."
    >
      <form onSubmit={submit}>
        <div class="table-wrap">
          <table class="kinds">
            <caption class="sr">Sharing rules per kind of item</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Can be shared</th>
                {SHARE_SCOPES.map((s) => <th scope="col" key={s}>{SCOPE_LABEL[s]}</th>)}
                <th scope="col">Picked first</th>
              </tr>
            </thead>
            <tbody>
              {SHARING_KIND_NAMES.map((k) => {
                const label = SHARING_KIND_LABELS[k];
                const r = rows[k];
                const id = `kind-${k}`;
                return (
                  <tr key={k}>
                    <th scope="row" id={id}>{label}</th>
                    <td>
                      <input
                        type="checkbox" class="switch" role="switch" checked={r.on} disabled={!built(k) || save.busy} aria-label={view.features.find((f) => f.key === FEATURE[k])?.label ?? `Share ${label.toLowerCase()}`}
                        onChange={(e) => { set(k, { on: e.currentTarget.checked }); }}
                      />
                    </td>
                    {SHARE_SCOPES.map((s) => {
                      const siteAllows = site.allowedScopes.includes(s);
                      return (
                        <td key={s}>
                          <label class="cell">
                            <input
                              type="checkbox" checked={siteAllows && r.allowed.includes(s)} disabled={!siteAllows || !r.on || save.busy}
                              onChange={(e) => { toggle(k, s, e.currentTarget.checked); }}
                            />
                            <span class="sr">{label}: {SCOPE_LABEL[s]}{siteAllows ? '' : ' (off site-wide)'}</span>
                            {!siteAllows && <span class="small" aria-hidden="true">Off site-wide</span>}
                          </label>
                        </td>
                      );
                    })}
                    <td>
                      <label class="sr" for={`${id}-default`}>{label}: picked first</label>
                      <select id={`${id}-default`} value={r.def} disabled={!r.on || r.allowed.length === 0 || save.busy} onChange={(e) => { set(k, { def: e.currentTarget.value as ShareScope }); }}>
                        {r.allowed.map((s) => <option key={s} value={s}>{SCOPE_LABEL[s]}</option>)}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {!site.allowedScopes.includes('public') && <p class="help small">Public is off for the whole site (Sharing defaults above), so no kind can be shared with it.</p>}
        {empty.length > 0 && (
          <p class="help warning">
            {empty.map((k) => SHARING_KIND_LABELS[k]).join(', ')}: no audience left, so {empty.length === 1 ? 'it' : 'they'} cannot be shared. Tick an audience or switch {empty.length === 1 ? 'it' : 'them'} off.
          </p>
        )}
        <label class="choice">
          <input type="checkbox" checked={freeBusy} disabled={save.busy} onChange={(e) => { setFreeBusy(e.currentTarget.checked); save.reset(); }} />
          <span>Shared calendars show free/busy only<span class="help">Busy blocks without titles, for everyone, the sharer included. Project admins can also choose this for their project.</span></span>
        </label>
        <div class="actions"><button type="submit" class="primary" disabled={!changed || save.busy}>Save</button></div>
        <StatusLine state={save.state} />
      </form>
    </Section>
  );
}
