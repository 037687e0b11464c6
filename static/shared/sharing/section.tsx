import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AppErrorBody } from '../../../src/contract';
import type { At, MailAddress, MailView, PanelView, ShareItemView } from '../../../src/contracts/sharing';
import type { ShareScope } from '../../../src/core/settings/model';
import { call } from '../invoke';
import { ConfirmDialog } from '../confirm-dialog';
import type { GraphSender } from '../graph-send';
import { signInFor } from './api';
import { useBusyRetry } from './busy-retry';
import { MailBody } from './mail-frame';
import { SharePicker } from './picker';
import type { ItemKind } from './item-pickers';

type KindsModule = typeof import('./item-kinds');
/** The calendar, event and chat components (./item-kinds.ts), fetched the first time something needs them. */
function useKinds(needed: boolean): KindsModule | undefined {
  const [m, setM] = useState<KindsModule | undefined>();
  useEffect(() => {
    if (needed && !m) void import('./item-kinds').then((x) => { setM(() => x); });
  }, [needed]);
  return m;
}
import { scopeHelp, SCOPE_LABEL } from './labels';
import './sharing.css';

/** What the section needs of the viewer's Microsoft 365 account (use-account.ts). */
export interface SharingAccount {
  graph: GraphSender | undefined;
  session: { clear(): void } | undefined;
  reload: () => Promise<unknown>;
}

type State = { kind: 'loading' } | { kind: 'hidden' } | { kind: 'error'; message: string } | { kind: 'ready'; view: PanelView };

const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};
/** The day a share ends on, as the viewer reads dates (it ends at the start of the next day: show the last whole day). */
const day = (iso: string): string => {
  const d = new Date(Date.parse(iso) - 1);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString(undefined, { dateStyle: 'medium' });
};
const person = (a: MailAddress | undefined): string => (a ? (a.name && a.address ? `${a.name} <${a.address}>` : a.name || a.address) : '');
const people = (xs: MailAddress[]): string => xs.map(person).join(', ');
const size = (n: number): string => (n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : `${String(Math.max(1, Math.round(n / 1024)))} KB`);

/** The issue panel's shared mails and conversations: one resolver call draws it all. */
export function SharingSection({ issueId, account }: { issueId: string | undefined; account: SharingAccount }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [picking, setPicking] = useState(false);
  const [pickingItem, setPickingItem] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  // What the last share did ("Shared with: …"): said as done, not as a warning, and gone when the next one starts.
  const [done, setDone] = useState<string | undefined>();
  const retryBusy = useBusyRetry();

  const load = useCallback(async (): Promise<PanelView | undefined> => {
    if (!issueId) {
      setState({ kind: 'hidden' });
      return undefined;
    }
    const r = await call('sharing/panel', { issueId });
    if (r.ok) {
      setState({ kind: 'ready', view: r.value });
      // An item Microsoft 365 was too busy to read says "Trying again shortly": the panel does, after Graph's wait.
      retryBusy(r.value.items, load);
      return r.value;
    }
    // Sharing switched off, or an issue this viewer may not see: nothing to show here.
    if (r.error.code === 'FEATURE_OFF' || r.error.code === 'NOT_FOUND') setState({ kind: 'hidden' });
    else setState({ kind: 'error', message: r.error.message });
    return undefined;
  }, [issueId, retryBusy]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Sign in again asking Mail.Read too; then drop the tab's old token (it lacks the permission). */
  const allowMail = useCallback(
    async (feature: 'share.mail' | 'share.conversation' = 'share.mail'): Promise<boolean> => {
      setNotice('Finish signing in to Microsoft 365 in the new tab. This panel updates by itself.');
      const r = await signInFor(feature, async () => (await load())?.viewer.mailAllowed === true);
      setNotice(r.ok ? undefined : r.error.message);
      if (r.ok) {
        account.session?.clear();
        await account.reload();
      }
      return r.ok;
    },
    [load, account],
  );

  /** Incremental consent for calendars or chats, as for mail: a new tab, then this panel updates by itself. */
  const allowKind = useCallback(
    async (feature: 'share.calendar' | 'share.event' | 'share.chat'): Promise<boolean> => {
      setNotice('Finish signing in to Microsoft 365 in the new tab. This panel updates by itself.');
      const r = await signInFor(feature, async () => {
        const v = await load();
        return feature === 'share.chat' ? v?.viewer.chatsAllowed === true : v?.viewer.calendarsAllowed === true;
      });
      setNotice(r.ok ? undefined : r.error.message);
      if (r.ok) {
        account.session?.clear();
        await account.reload();
      }
      return r.ok;
    },
    [load, account],
  );

  const pickers = useKinds(pickingItem);
  const ItemSharePicker = pickers?.ItemSharePicker;

  if (state.kind === 'loading' || state.kind === 'hidden') return null;
  if (state.kind === 'error') return <p class="error" role="alert">{state.message}</p>;
  const { view } = state;
  const mailKinds = view.sharing.kinds.filter((k) => k === 'mail' || k === 'conversation');
  const itemKinds = view.sharing.kinds.filter((k): k is ItemKind => k === 'calendar' || k === 'event' || k === 'chat');
  return (
    <section class="sharing" aria-label="Shared mails and conversations">
      <div class="sharing-head">
        <h3>Shared from Outlook</h3>
        <span class="sharing-actions">
          {view.viewer.canShare && mailKinds.length > 0 && !picking && (
            <button type="button" onClick={() => { setPicking(true); setPickingItem(false); setDone(undefined); }}>Share from Outlook</button>
          )}
          {view.viewer.canShare && itemKinds.length > 0 && !pickingItem && (
            <button type="button" onClick={() => { setPickingItem(true); setPicking(false); setDone(undefined); }}>Share calendar, event or chat</button>
          )}
        </span>
      </div>
      {notice && <p class="notice" role="status">{notice}</p>}
      {done && <p class="success" role="status">{done}</p>}
      {picking && (
        <SharePicker
          view={view}
          graph={account.graph}
          onAllowMail={allowMail}
          onDone={(message) => {
            setPicking(false);
            setDone(message);
            void load();
          }}
          onCancel={() => { setPicking(false); }}
        />
      )}
      {pickingItem && ItemSharePicker && (
        <ItemSharePicker
          kinds={itemKinds}
          allowedScopes={view.sharing.allowedScopes}
          defaultScope={view.sharing.defaultScope}
          byKind={view.sharing.byKind}
          graph={account.graph}
          connected={view.viewer.connected}
          allowed={{ calendar: view.viewer.calendarsAllowed, chat: view.viewer.chatsAllowed }}
          myName=""
          placeWords="this issue"
          onAllow={allowKind}
          onShare={(item, scope, expiresAt) => call('sharing/createItem', { issueId: view.issue.id, ...item, scope, ...(expiresAt ? { expiresAt } : {}) })}
          onDone={(message) => {
            setPickingItem(false);
            setDone(message);
            void load();
          }}
          onCancel={() => { setPickingItem(false); }}
        />
      )}
      {view.items.length === 0 ? (
        <p class="muted">Nothing shared here yet.</p>
      ) : (
        <ul class="shared-items">
          {view.items.map((item, i) => (
            <li key={item.shareId}>
              <SharedItem item={item} view={view} at={{ issueId: view.issue.id }} open={i === 0} onChanged={() => void load()} onAllowMail={() => void (item.kind === 'chat' ? allowKind('share.chat') : item.kind === 'calendar' || item.kind === 'event' ? allowKind(`share.${item.kind}`) : allowMail())} />
            </li>
          ))}
        </ul>
      )}
      {view.full && <p class="muted">This issue shows as many shared items as it can (20).</p>}
    </section>
  );
}

/**
 * One shared item, with what the viewer may do to it. `at` is where it is shown (a Jira issue or a
 * Confluence page): every action names it, and the resolvers check it again as the viewer.
 */
export function SharedItem({ item, view, at, open, onChanged, onAllowMail, placeWords = 'this issue' }: { item: ShareItemView; view: Pick<PanelView, 'sharing'>; at: At; open: boolean; onChanged: () => void; onAllowMail: () => void; placeWords?: string }) {
  const kinds = useKinds(item.kind === 'calendar' || item.kind === 'event' || item.kind === 'chat');
  const [expanded, setExpanded] = useState(open);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<AppErrorBody | undefined>();
  const first = item.messages[0];
  const title = itemTitle(item) ?? (first ? first.subject || '(no subject)' : item.kind === 'mail' ? 'Shared mail' : 'Shared conversation');
  const narrowed = item.effectiveScope !== item.scope;

  async function act(p: Promise<{ ok: true } | { ok: false; error: AppErrorBody }>) {
    setBusy(true);
    const r = await p;
    setBusy(false);
    setConfirming(false);
    if (r.ok) onChanged();
    else setError(r.error);
  }

  return (
    <article class="shared-item" aria-label={title}>
      <header>
        <button type="button" class="disclosure" aria-expanded={expanded} onClick={() => { setExpanded(!expanded); }}>
          <strong>{title}</strong>
        </button>
        <span class={`badge scope-${item.effectiveScope}`} title={narrowed ? `Shared as ${SCOPE_LABEL[item.scope]}; your admin now allows ${SCOPE_LABEL[item.effectiveScope]} at most` : scopeHelp(item.effectiveScope, placeWords)}>
          {SCOPE_LABEL[item.effectiveScope]}
        </span>
      </header>
      <p class="meta muted">
        {KIND_META[item.kind] ?? (item.kind === 'conversation' ? `Conversation${item.messages.length ? ` · ${String(item.messages.length + item.olderOmitted)} messages` : ''}` : 'Mail')} · shared by {item.mine ? 'you' : item.sharer.name} · {when(item.sharedAt)}
        {item.expiresAt && !item.problem && <> · <span class="ends">Ends on {day(item.expiresAt)}</span></>}
      </p>
      {item.problem && (
        <p class={item.problem.code === 'THROTTLED' ? 'notice' : 'unavailable'} role="status">
          {item.problem.message}{' '}
          {item.problem.action === 'signIn' || item.problem.action === 'allowMail' ? (
            <button type="button" onClick={onAllowMail}>{item.problem.action === 'signIn' ? 'Sign in to Microsoft 365' : item.kind === 'chat' ? 'Allow reading chats' : item.kind === 'calendar' || item.kind === 'event' ? 'Allow reading calendars' : 'Allow reading mail'}</button>
          ) : item.problem.action === 'retry' ? (
            <button type="button" onClick={onChanged}>Try again</button>
          ) : null}
        </p>
      )}
      {expanded && item.messages.length > 0 && (
        <div class="messages">
          {item.olderOmitted > 0 && <p class="muted">{item.olderOmitted} earlier messages are not shown.</p>}
          {item.messages.map((m, i) => (
            <Message key={`${String(i)}-${m.at}`} mail={m} showSubject={i > 0 && m.subject !== item.messages[i - 1]?.subject} />
          ))}
          {item.kind === 'conversation' && <p class="muted small">Quoted earlier messages are left out of each reply. Replies that arrive later show here too.</p>}
        </div>
      )}
      {expanded && item.calendar && kinds && <kinds.SharedCalendar view={item.calendar} />}
      {expanded && item.event && kinds && <kinds.EventCard view={item.event} title={title} />}
      {expanded && item.chat && kinds && (
        <kinds.ChatThread
          view={item.chat}
          loadOlder={(before) => call('sharing/chatPage', { ...at, shareId: item.shareId, before })}
          loadImages={(images) => call('sharing/chatImages', { ...at, shareId: item.shareId, images })}
        />
      )}
      {(item.canChangeScope || item.canRemove || item.openInOutlook) && (
        <div class="item-actions">
          {item.canChangeScope && (
            <label>
              Who can see it{' '}
              <select disabled={busy} value={item.scope} onChange={(e) => void act(call('sharing/scope', { ...at, shareId: item.shareId, scope: (e.currentTarget).value as ShareScope }))}>
                {[...new Set([...view.sharing.allowedScopes, item.scope])].map((s) => (
                  <option key={s} value={s} disabled={!view.sharing.allowedScopes.includes(s)}>{SCOPE_LABEL[s]}</option>
                ))}
              </select>
            </label>
          )}
          {item.openInOutlook && <a href={item.openInOutlook} target="_blank" rel="noopener noreferrer">Open in Outlook</a>}
          {item.canRemove && <button type="button" class="subtle" disabled={busy} onClick={() => { setConfirming(true); }}>Remove</button>}
        </div>
      )}
      {error && <p class="error" role="alert">{error.message}</p>}
      {confirming && (
        <ConfirmDialog title="Remove this shared item?" confirmLabel="Remove" tone="danger" busy={busy} onConfirm={() => void act(call('sharing/remove', { ...at, shareId: item.shareId }))} onCancel={() => { setConfirming(false); }}>
          <p>{item.mine ? `It stops showing on ${placeWords}. ${STAYS[item.kind]} in your Microsoft 365.` : `It stops showing on ${placeWords}. ${STAYS[item.kind]} in ${item.sharer.name}’s Microsoft 365.`}</p>
        </ConfirmDialog>
      )}
    </article>
  );
}

function Message({ mail, showSubject }: { mail: MailView; showSubject: boolean }) {
  return (
    <div class="message">
      <p class="from">
        <strong>{person(mail.from)}</strong> <span class="muted">{when(mail.at)}</span>
      </p>
      {showSubject && <p class="subject">{mail.subject}</p>}
      {(mail.to.length > 0 || mail.cc.length > 0) && (
        <p class="to muted small">
          To {people(mail.to)}
          {mail.cc.length > 0 && `; Cc ${people(mail.cc)}`}
        </p>
      )}
      <MailBody mail={mail} />
      {mail.attachments.length > 0 && (
        <p class="attachments muted small">
          Attachments (open them in Outlook): {mail.attachments.map((a) => `${a.name} (${size(a.size)})`).join(', ')}
        </p>
      )}
    </div>
  );
}

const KIND_META: Partial<Record<ShareItemView['kind'], string>> = { calendar: 'Calendar', event: 'Event', chat: 'Teams chat' };
const STAYS: Record<ShareItemView['kind'], string> = { mail: 'The mail stays', conversation: 'The mail stays', calendar: 'The calendar stays', event: 'The event stays', chat: 'The chat stays' };
const WINDOW_WORDS: Record<string, string> = { 'this-week': 'this week', 'next-7d': 'next 7 days', 'next-30d': 'next 30 days' };

/** The title of a calendar, event or chat item (mail items are titled by their subject). */
function itemTitle(item: ShareItemView): string | undefined {
  if (item.kind === 'calendar') {
    const w = item.calendar?.window;
    const words = w === undefined ? '' : (WINDOW_WORDS[w] ?? (/^next-(\d+)d$/.exec(w) ? `next ${w.slice(5, -1)} days` : w.replace('..', ' to ')));
    return `Calendar${item.calendar?.freeBusyOnly ? ' (free/busy)' : ''}${words ? `, ${words}` : ''}`;
  }
  if (item.kind === 'event') return item.event?.details?.subject || (item.event?.private ? 'Private event' : 'Shared event');
  if (item.kind === 'chat') return 'Teams chat';
  return undefined;
}
