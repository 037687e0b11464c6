import { useEffect, useId, useState } from 'preact/hooks';
import type { HandoverOutcome, MySharesView, MyShareView, OfferView, OpensView } from '../../../src/contracts/my-shares';
import type { ShareScope } from '../../../src/core/settings/model';
import { call } from '../invoke';
import { router } from '../bridge';
import { ConfirmDialog } from '../confirm-dialog';
import './my-shares.css';

const SCOPE: Record<ShareScope, string> = { private: 'Private (only you)', atlassian: 'Atlassian users', public: 'Public' };
const KIND: Record<string, string> = { mail: 'Mail', conversation: 'Conversation', calendar: 'Calendar', event: 'Event', chat: 'Teams chat' };

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
/** `YYYY-MM-DD` of an instant, in the viewer's zone, for a date input. */
const dateInput = (iso: string | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
/** The end of the picked day in the viewer's zone, as an instant. */
const endOfDay = (ymd: string) => new Date(`${ymd}T23:59:59`).toISOString().replace(/\.\d{3}Z$/, 'Z');

function Place({ place }: { place: MyShareView['place'] }) {
  if (!place.label || !place.url) return <span class="muted">{place.product === 'jira' ? 'an issue you can no longer view' : 'A page you can’t view'}</span>;
  const url = place.url;
  return (
    <a href={url} onClick={(e) => { e.preventDefault(); router.open(url).catch(() => undefined); }}>{place.label}</a>
  );
}

function Opens({ shareId }: { shareId: string }) {
  const [open, setOpen] = useState(false);
  const [data, setData] = useState<OpensView | { error: string } | undefined>();
  const region = useId();
  useEffect(() => {
    if (!open || data) return;
    void call('myShares/opens', { shareId }).then((r) => { setData(r.ok ? r.value : { error: r.error.message }); });
  }, [open, data, shareId]);
  return (
    <div class="opens">
      <button type="button" class="subtle" aria-expanded={open} aria-controls={region} onClick={() => { setOpen(!open); }}>Who opened it</button>
      {open && (
        <div id={region} role="region" aria-label="Who opened it">
          {!data ? <p class="muted" role="status">Loading…</p> : 'error' in data ? <p class="error" role="alert">{data.error}</p> : (
            <>
              <p>{data.total === 0 ? 'Nobody opened it in the last 90 days.' : `Opened ${String(data.total)} ${data.total === 1 ? 'time' : 'times'} in the last 90 days${data.more ? ' (at least)' : ''}${data.anonymous ? `, ${String(data.anonymous)} by people who were not logged in` : ''}.`}</p>
              {data.people.length > 0 && (
                <ul>
                  {data.people.map((p) => <li key={p.accountId}>{p.name}: {String(p.count)} {p.count === 1 ? 'time' : 'times'}, last {day(p.lastAt)}</li>)}
                </ul>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}

function Row({ item, selected, onSelect, onChanged, onRemove }: { item: MyShareView; selected: boolean; onSelect: (v: boolean) => void; onChanged: (m: string) => void; onRemove: () => void }) {
  const [ends, setEnds] = useState(dateInput(item.expiresAt));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function scope(s: ShareScope) {
    setBusy(true);
    const r = await call('myShares/scope', { shareId: item.shareId, scope: s });
    setBusy(false);
    if (!r.ok) setError(r.error.message);
    else onChanged(`Audience changed to ${SCOPE[s]}${r.value.expiresAt ? `; it now ends on ${day(r.value.expiresAt)}` : ''}.`);
  }
  async function expiry(v: string | null) {
    setBusy(true);
    const r = await call('myShares/expiry', { shareId: item.shareId, expiresAt: v === null ? null : endOfDay(v) });
    setBusy(false);
    if (!r.ok) setError(r.error.message);
    else onChanged(r.value.expiresAt ? `It now ends on ${day(r.value.expiresAt)}.` : 'It no longer has an end date.');
  }

  return (
    <tr class={item.ended ? 'ended' : undefined}>
      <td><input type="checkbox" aria-label={`Select this ${KIND[item.kind] ?? item.kind} for hand-over`} checked={selected} disabled={item.ended || item.offeredTo !== undefined} onChange={(e) => { onSelect(e.currentTarget.checked); }} /></td>
      <td>{KIND[item.kind] ?? item.kind}<div class="muted small">shared {day(item.sharedAt)}</div></td>
      <td><Place place={item.place} /></td>
      <td>
        {item.ended ? <span class="lozenge">Ended</span> : (
          <select aria-label="Who can see it" value={item.effectiveScope} disabled={busy || !item.canChangeScope} onChange={(e) => void scope(e.currentTarget.value as ShareScope)}>
            {(item.allowedScopes.includes(item.effectiveScope) ? item.allowedScopes : [item.effectiveScope, ...item.allowedScopes]).map((s) => <option key={s} value={s}>{SCOPE[s]}</option>)}
          </select>
        )}
        {item.effectiveScope !== item.scope && !item.ended && <div class="muted small">You chose {SCOPE[item.scope]}; the rules here allow less.</div>}
      </td>
      <td>
        {item.ended ? <span>Ended {item.expiresAt ? day(item.expiresAt) : ''}</span> : (
          <div class="ends">
            <label for={`${id}-ends`} class="visually-hidden">Ends on</label>
            <input id={`${id}-ends`} type="date" value={ends} disabled={busy} onInput={(e) => { setEnds(e.currentTarget.value); setError(undefined); }} aria-describedby={error ? `${id}-err` : undefined} />
            <button type="button" disabled={busy || !ends || ends === dateInput(item.expiresAt)} onClick={() => void expiry(ends)}>Set end</button>
            {item.expiresAt && item.effectiveScope !== 'public' && <button type="button" class="subtle" disabled={busy} onClick={() => void expiry(null)}>No end</button>}
            {item.publicMaxDays !== undefined && <div class="muted small">Public shares end within {String(item.publicMaxDays)} days.</div>}
          </div>
        )}
        {error && <p id={`${id}-err`} class="error small" role="alert">{error}</p>}
      </td>
      <td>{!item.ended && <Opens shareId={item.shareId} />}{item.offeredTo && <div class="muted small">Offered to {item.offeredTo.name}</div>}</td>
      <td><button type="button" class="subtle" onClick={onRemove} aria-label={`Remove this ${KIND[item.kind] ?? 'item'}${item.place.label ? ` from ${item.place.label}` : ''}`}>Remove</button></td>
    </tr>
  );
}

function Handover({ selected, onDone }: { selected: string[]; onDone: (m: string) => void }) {
  const [query, setQuery] = useState('');
  const [people, setPeople] = useState<Array<{ accountId: string; name: string }>>([]);
  const [to, setTo] = useState<{ accountId: string; name: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const id = useId();
  useEffect(() => {
    if (query.trim().length < 2 || to?.name === query) {
      setPeople([]);
      return;
    }
    const t = setTimeout(() => void call('myShares/people', { query }).then((r) => { setPeople(r.ok ? r.value : []); }), 250);
    return () => { clearTimeout(t); };
  }, [query, to]);
  async function offer() {
    if (!to) return;
    const r = await call('myShares/offer', { toAccountId: to.accountId, shareIds: selected });
    if (!r.ok) setError(r.error.message);
    else onDone(`Offered ${String(selected.length)} ${selected.length === 1 ? 'item' : 'items'} to ${to.name}. They can accept on their own Microsoft 365 shares page.`);
  }
  return (
    <section class="handover" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Hand over {String(selected.length)} selected</h3>
      <p class="muted">A colleague who accepts takes over the items they can read in their own Microsoft 365; the rest stay yours.</p>
      <label for={`${id}-q`}>Colleague</label>
      <input id={`${id}-q`} type="search" value={query} placeholder="Name or e-mail" autocomplete="off" onInput={(e) => { setQuery(e.currentTarget.value); setTo(undefined); setError(undefined); }} />
      {people.length > 0 && (
        <ul class="people" role="listbox" aria-label="Colleagues">
          {people.map((p) => (
            <li key={p.accountId} role="option" aria-selected={to?.accountId === p.accountId}>
              <button type="button" class="subtle" onClick={() => { setTo(p); setQuery(p.name); setPeople([]); }}>{p.name}</button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" class="primary" disabled={!to || selected.length === 0} onClick={() => void offer()}>Offer to {to?.name ?? '…'}</button>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}

function Offers({ toMe, byMe, onChanged }: { toMe: OfferView[]; byMe: OfferView[]; onChanged: (m: string) => void }) {
  const [outcome, setOutcome] = useState<HandoverOutcome | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  async function accept(o: OfferView) {
    setBusy(true);
    const r = await call('myShares/accept', { offerId: o.offerId });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    setOutcome(r.value);
    onChanged(`You took over ${String(r.value.transferred.length)} of ${String(r.value.transferred.length + r.value.notTransferable.length)} items from ${o.from.name}.`);
  }
  async function refuse(o: OfferView, mine: boolean) {
    setBusy(true);
    const r = await call('myShares/refuse', { offerId: o.offerId });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    onChanged(mine ? `Withdrew the offer to ${o.to.name}.` : `Refused ${o.from.name}’s offer.`);
  }
  if (toMe.length === 0 && byMe.length === 0 && !outcome) return null;
  return (
    <section class="offers" aria-label="Hand-overs">
      {error && <p class="error" role="alert">{error}</p>}
      {toMe.map((o) => (
        <div class="offer" key={o.offerId}>
          <p><strong>{o.from.name}</strong> offers you {String(o.items.length)} shared {o.items.length === 1 ? 'item' : 'items'}: {o.items.map((i) => `${KIND[i.kind] ?? i.kind} on ${i.place.label ?? 'a place you cannot view'}`).join(', ')}.</p>
          <p class="muted small">Accepting moves to you what you can read in your own Microsoft 365 — mail in your mailbox, chats you are in, meetings in your calendar, calendars shared with you: it is then shown from your account.</p>
          <button type="button" class="primary" disabled={busy} onClick={() => void accept(o)}>Accept</button> <button type="button" disabled={busy} onClick={() => void refuse(o, false)}>Refuse</button>
        </div>
      ))}
      {byMe.map((o) => (
        <div class="offer" key={o.offerId}>
          <p>You offered {String(o.items.length)} {o.items.length === 1 ? 'item' : 'items'} to <strong>{o.to.name}</strong>, who has not answered yet.</p>
          <button type="button" disabled={busy} onClick={() => void refuse(o, true)}>Withdraw</button>
        </div>
      ))}
      {outcome && outcome.notTransferable.length > 0 && (
        <div class="outcome" role="status">
          <p>Not transferable (they stay with the person who shared them):</p>
          <ul>{outcome.notTransferable.map((n) => <li key={n.shareId}>{KIND[n.kind] ?? n.kind} on {n.place.label ?? 'a place you cannot view'}: {n.message}</li>)}</ul>
        </div>
      )}
    </section>
  );
}

/** My shares: everything the user shared, where, with whom; change, end, remove, hand over. */
export function MyShares({ accountId }: { accountId: string | undefined }) {
  const [view, setView] = useState<MySharesView | { error: string } | undefined>();
  const [status, setStatus] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [removing, setRemoving] = useState<MyShareView | 'all' | undefined>();
  const [busy, setBusy] = useState(false);

  async function load() {
    const r = await call('myShares/list');
    setView(r.ok ? r.value : { error: r.error.message });
  }
  useEffect(() => { if (accountId) void load(); }, [accountId]);
  const changed = (m: string) => { setStatus(m); setSelected([]); void load(); };

  async function confirmRemove() {
    if (!removing) return;
    setBusy(true);
    const r = removing === 'all' ? await call('myShares/removeAll', { confirm: 'remove-all' }) : await call('myShares/remove', { shareId: removing.shareId });
    setBusy(false);
    setRemoving(undefined);
    if (!r.ok) setStatus(r.error.message);
    else changed(removing === 'all' ? `Removed all ${String(r.value.removed)} of your shares.` : 'Removed. Nobody sees it there any more.');
  }

  if (!accountId) return <p>Log in to Atlassian to see what you shared.</p>;
  if (!view) return <p class="muted" role="status">Loading your shares…</p>;
  if ('error' in view) return <p class="error" role="alert">{view.error}</p>;
  return (
    <main class="my-shares">
      {/* No heading of its own: Jira heads its personal settings page with the module's title, "Microsoft 365 shares". */}
      <p class="muted">Everything you shared from Microsoft 365. Each item is read from your Microsoft 365 when someone opens it; nothing of it is stored here.</p>
      <p role="status" aria-live="polite" class="success">{status}</p>
      <Offers toMe={view.offersToMe} byMe={view.offersByMe} onChanged={changed} />
      {view.items.length === 0 ? <p>You have not shared anything.</p> : (
        <>
          {/* Scrolls sideways where the page is narrow (Confluence's byline popup), so no column is cut off. */}
          <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Your shares</caption>
            <thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">What</th><th scope="col">Where</th><th scope="col">Who can see it</th><th scope="col">Ends</th><th scope="col">Opened</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
            <tbody>
              {view.items.map((i) => (
                <Row key={`${i.shareId}${i.scope}${i.expiresAt ?? ''}`} item={i} selected={selected.includes(i.shareId)} onSelect={(v) => { setSelected(v ? [...selected, i.shareId] : selected.filter((x) => x !== i.shareId)); }} onChanged={changed} onRemove={() => { setRemoving(i); }} />
              ))}
            </tbody>
          </table>
          </div>
          <div class="actions">
            <button type="button" class="danger" onClick={() => { setRemoving('all'); }}>Remove all</button>
          </div>
          {selected.length > 0 && <Handover selected={selected} onDone={changed} />}
        </>
      )}
      {removing && (
        <ConfirmDialog title={removing === 'all' ? 'Remove all your shares?' : 'Remove this share?'} confirmLabel={removing === 'all' ? `Remove all ${String(view.items.length)}` : 'Remove'} tone="danger" busy={busy} onConfirm={() => void confirmRemove()} onCancel={() => { setRemoving(undefined); }}>
          <p>{removing === 'all' ? `All ${String(view.items.length)} items you shared disappear from every issue and page, for everyone. Your mail and calendars are not touched.` : 'It disappears from where it was shared, for everyone. Your Microsoft 365 is not touched.'}</p>
        </ConfirmDialog>
      )}
    </main>
  );
}
