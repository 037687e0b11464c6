import { useEffect, useState } from 'preact/hooks';
import type { AppErrorBody, Result } from '../../../src/contract';
import type { ShareScope } from '../../../src/core/settings/model';
import type { GraphSender } from '../graph-send';
import { listCalendars, listChats, listEvents, type PickableCalendar, type PickableChat, type PickableEvent } from './items-api';
import { KIND_LABEL, pickScope, scopeHelp, SCOPE_LABEL } from './labels';
import { EndsOn, endOfDay } from './ends-on';
import type { KindRuleView } from '../../../src/contracts/sharing';

/** The three kinds these pickers share (mail has its own picker, ./picker.tsx). */
export type ItemKind = 'calendar' | 'event' | 'chat';
/** What a picker hands to `onShare`: ids only, as `sharing/createItem` takes them (without the place). */
export type PickedItem = { kind: 'calendar'; calendarId: string; window: string; freeBusyOnly: boolean } | { kind: 'event'; eventId: string } | { kind: 'chat'; chatId: string };

type Listing<T> = { kind: 'loading' } | { kind: 'error'; error: AppErrorBody } | { kind: 'ready'; items: T[] };

function useListing<T>(load: () => Promise<Result<T[]>>, deps: unknown[]): Listing<T> {
  const [l, setL] = useState<Listing<T>>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    setL({ kind: 'loading' });
    void load().then((r) => {
      if (live) setL(r.ok ? { kind: 'ready', items: r.value } : { kind: 'error', error: r.error });
    });
    return () => {
      live = false;
    };
  }, deps);
  return l;
}

const day = (iso: string, allDay: boolean): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return allDay ? d.toLocaleDateString(undefined, { timeZone: 'UTC', dateStyle: 'medium' }) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

const WINDOWS: Array<{ value: string; label: string }> = [
  { value: 'this-week', label: 'This week' },
  { value: 'next-7d', label: 'Next 7 days' },
  { value: 'next-30d', label: 'Next 30 days' },
  { value: 'fixed', label: 'Fixed dates' },
];

/** One of the sharer's calendars and a date window, optionally Free/Busy only. */
export function CalendarPicker({ graph, onChange }: { graph: GraphSender; onChange: (v: PickedItem | undefined) => void }) {
  const listing = useListing<PickableCalendar>(() => listCalendars(graph), [graph]);
  const [calendarId, setCalendarId] = useState<string | undefined>();
  const [win, setWin] = useState('this-week');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [freeBusyOnly, setFreeBusyOnly] = useState(false);
  useEffect(() => {
    const window = win === 'fixed' ? (from && to ? `${from}..${to}` : '') : win;
    onChange(calendarId && window ? { kind: 'calendar', calendarId, window, freeBusyOnly } : undefined);
  }, [calendarId, win, from, to, freeBusyOnly]);
  return (
    <div>
      {listing.kind === 'loading' && <p class="muted" role="status">Reading your calendars…</p>}
      {listing.kind === 'error' && <p class="error" role="alert">{listing.error.message}</p>}
      {listing.kind === 'ready' && (
        <fieldset class="mail-list">
          <legend>Your calendars</legend>
          {listing.items.map((c) => (
            <label key={c.id} class="mail-option">
              <input type="radio" name="calendar" checked={calendarId === c.id} onChange={() => { setCalendarId(c.id); }} /> <span>{c.name}{c.isDefault ? ' (default)' : ''}</span>
            </label>
          ))}
        </fieldset>
      )}
      <fieldset class="choice">
        <legend>Dates</legend>
        {WINDOWS.map((w) => (
          <label key={w.value}>
            <input type="radio" name="window" checked={win === w.value} onChange={() => { setWin(w.value); }} /> {w.label}
          </label>
        ))}
        {win === 'fixed' && (
          <span class="dates">
            <label>From <input type="date" value={from} onInput={(e) => { setFrom(e.currentTarget.value); }} /></label>{' '}
            <label>To <input type="date" value={to} onInput={(e) => { setTo(e.currentTarget.value); }} /></label>
          </span>
        )}
      </fieldset>
      <label class="choice">
        <input type="checkbox" checked={freeBusyOnly} onChange={(e) => { setFreeBusyOnly(e.currentTarget.checked); }} /> Free/Busy only <span class="muted small">— busy times without titles</span>
      </label>
    </div>
  );
}

/** One of the sharer's events or meetings in the next 30 days. */
export function EventPicker({ graph, onChange }: { graph: GraphSender; onChange: (v: PickedItem | undefined) => void }) {
  const listing = useListing<PickableEvent>(() => listEvents(graph), [graph]);
  const [picked, setPicked] = useState<string | undefined>();
  return (
    <div>
      {listing.kind === 'loading' && <p class="muted" role="status">Reading your calendar…</p>}
      {listing.kind === 'error' && <p class="error" role="alert">{listing.error.message}</p>}
      {listing.kind === 'ready' &&
        (listing.items.length === 0 ? (
          <p class="muted">No events in the next 30 days.</p>
        ) : (
          <fieldset class="mail-list">
            <legend>Your events in the next 30 days</legend>
            {listing.items.map((e) => (
              <label key={e.id} class="mail-option">
                <input type="radio" name="event" checked={picked === e.id} onChange={() => { setPicked(e.id); onChange({ kind: 'event', eventId: e.id }); }} />
                <span>
                  <strong>{e.subject}</strong> <span class="muted">— {day(e.start, e.isAllDay)}{e.isOnlineMeeting ? ' · online' : ''}</span>
                </span>
              </label>
            ))}
          </fieldset>
        ))}
    </div>
  );
}

/** One of the sharer's Teams chats. */
export function ChatPicker({ graph, myName, onChange }: { graph: GraphSender; myName: string; onChange: (v: PickedItem | undefined) => void }) {
  const listing = useListing<PickableChat>(() => listChats(graph, myName), [graph, myName]);
  const [picked, setPicked] = useState<string | undefined>();
  return (
    <div>
      {listing.kind === 'loading' && <p class="muted" role="status">Reading your chats…</p>}
      {listing.kind === 'error' && <p class="error" role="alert">{listing.error.message}</p>}
      {listing.kind === 'ready' && (
        <fieldset class="mail-list">
          <legend>Your Teams chats</legend>
          {listing.items.map((c) => (
            <label key={c.id} class="mail-option">
              <input type="radio" name="chat" checked={picked === c.id} onChange={() => { setPicked(c.id); onChange({ kind: 'chat', chatId: c.id }); }} /> <span>{c.title}</span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}

export interface ItemSharePickerProps {
  /** The kinds the admin switched on, among calendar, event, chat. */
  kinds: ItemKind[];
  allowedScopes: ShareScope[];
  defaultScope: ShareScope;
  /** Each kind's rule in force here (audiences, default, Public maximum); a kind without one uses the above. */
  byKind: Partial<Record<ItemKind, KindRuleView>>;
  graph: GraphSender | undefined;
  connected: boolean;
  /** The viewer's connection may already read calendars / chats. */
  allowed: { calendar: boolean; chat: boolean };
  myName: string;
  /** Incremental consent for the kind's permission (Calendars.Read, Chat.Read); true when granted. */
  onAllow: (feature: 'share.calendar' | 'share.event' | 'share.chat') => Promise<boolean>;
  /** Where it is shared is the caller's business (an issue, a page): this picker only picks. */
  onShare: (item: PickedItem, scope: ShareScope, expiresAt: string | undefined) => Promise<Result<{ existing: boolean }>>;
  onDone: (message: string) => void;
  onCancel: () => void;
  /** "this issue", "this page". */
  placeWords: string;
}

const FEATURE: Record<ItemKind, 'share.calendar' | 'share.event' | 'share.chat'> = { calendar: 'share.calendar', event: 'share.event', chat: 'share.chat' };

/**
 * "Share a calendar, event or chat": the sharer picks the kind, the item (listed by their own browser
 * with their own token), and who may see it. The first time a kind is used, the app asks Microsoft
 * for the permission it reads with (Calendars.Read, Chat.Read), saying why.
 */
export function ItemSharePicker(p: ItemSharePickerProps) {
  const [kind, setKind] = useState<ItemKind>(p.kinds[0] ?? 'calendar');
  const [picked, setPicked] = useState<PickedItem | undefined>();
  const ruleOf = (k: ItemKind): KindRuleView => p.byKind[k] ?? { allowedScopes: p.allowedScopes, defaultScope: p.defaultScope };
  const rule = ruleOf(kind);
  const [scope, setScope] = useState<ShareScope>(rule.defaultScope);
  const [ends, setEnds] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorBody | undefined>();
  const needs = kind === 'chat' ? !p.allowed.chat : !p.allowed.calendar;

  if (!p.connected || !p.graph) {
    return (
      <div class="picker" role="group" aria-label="Share a calendar, event or chat">
        <p class="notice">Connect your Microsoft 365 account above to share calendars, events or Teams chats.</p>
        <button type="button" onClick={p.onCancel}>Close</button>
      </div>
    );
  }

  async function share() {
    if (!picked) return;
    setBusy(true);
    setError(undefined);
    const r = await p.onShare(picked, scope, endOfDay(ends));
    setBusy(false);
    if (!r.ok) setError(r.error);
    else p.onDone(r.value.existing ? 'You had already shared that here.' : `Shared with: ${scopeHelp(scope, p.placeWords)}.`);
  }

  return (
    <div class="picker" role="group" aria-label="Share a calendar, event or chat">
      <fieldset class="choice">
        <legend>Share</legend>
        {p.kinds.map((k) => (
          <label key={k}>
            <input type="radio" name="item-kind" checked={kind === k} onChange={() => { setKind(k); setPicked(undefined); setScope(pickScope(scope, ruleOf(k))); }} /> {KIND_LABEL[k]}
          </label>
        ))}
      </fieldset>
      {needs ? (
        <div>
          <p>{kind === 'chat' ? 'To share a Teams chat, the app needs your permission to read your chats in Microsoft 365' : 'To share from your calendar, the app needs your permission to read your calendars in Microsoft 365'}: whoever opens {p.placeWords} then sees it as it is now, read on your behalf. Microsoft asks you once, in a new tab.</p>
          <p class="muted small">If Microsoft says an administrator must approve it, ask a site admin to approve “{kind === 'chat' ? 'Share Teams chats' : kind === 'event' ? 'Share single events' : 'Share calendars'}” on the app’s settings page.</p>
          <div class="picker-actions">
            <button type="button" class="primary" onClick={() => void p.onAllow(FEATURE[kind])}>{kind === 'chat' ? 'Allow reading chats' : 'Allow reading calendars'}</button>
            <button type="button" onClick={p.onCancel}>Cancel</button>
          </div>
        </div>
      ) : (
        <>
          {kind === 'calendar' && <CalendarPicker key="calendar" graph={p.graph} onChange={setPicked} />}
          {kind === 'event' && <EventPicker key="event" graph={p.graph} onChange={setPicked} />}
          {kind === 'chat' && <ChatPicker key="chat" graph={p.graph} myName={p.myName} onChange={setPicked} />}
          <fieldset class="choice">
            <legend>Who can see it</legend>
            {rule.allowedScopes.map((s) => (
              <label key={s}>
                <input type="radio" name="item-scope" checked={scope === s} onChange={() => { setScope(s); }} /> {SCOPE_LABEL[s]} <span class="muted small">— {scopeHelp(s, p.placeWords)}</span>
              </label>
            ))}
          </fieldset>
          {kind === 'event' && scope === 'public' && <p class="muted small">A Public event shows without its online-meeting join link.</p>}
          <EndsOn value={ends} scope={scope} publicMaxDays={rule.publicMaxDays} onChange={setEnds} />
          <p class="muted small">Only ids are stored. Whoever opens {p.placeWords} sees it as it is in your Microsoft 365 now, read on your behalf — until you remove it or sign out.</p>
          {error && <p class="error" role="alert">{error.message}</p>}
          <div class="picker-actions">
            <button type="button" class="primary" disabled={!picked || busy} aria-busy={busy} onClick={() => void share()}>Share</button>
            <button type="button" onClick={p.onCancel}>Cancel</button>
          </div>
        </>
      )}
    </div>
  );
}
