import { useCallback, useEffect, useState } from 'preact/hooks';
import type { PageItemView, ShareKind } from '../../src/contracts/sharing';
import { AccountControl } from '../shared/account-control';
import { close, submit } from '../shared/bridge';
import type { ViewContext } from '../shared/context';
import { behaveAsDialog } from '../shared/dialog';
import { call } from '../shared/invoke';
import { mountWithContext } from '../shared/mount';
import { useMicrosoftAccount } from '../shared/use-account';
import { signInFor } from '../shared/sharing/api';
import { ItemSharePicker, type ItemKind } from '../shared/sharing/item-pickers';
import { SCOPE_LABEL } from '../shared/sharing/labels';
import { SharePicker } from '../shared/sharing/picker';
import '../shared/sharing/sharing.css';
import './config.css';
import { featureOfKind, pageIdOf, shareIdOf } from '../m365-item/place';

type State = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; view: PageItemView };

const MAIL_KINDS: readonly ShareKind[] = ['mail', 'conversation'];
const isItemKind = (k: ShareKind): k is ItemKind => k === 'calendar' || k === 'event' || k === 'chat';
const flag = (v: unknown, key: string): boolean => typeof v === 'object' && v !== null && (v as Record<string, unknown>)[key] === true;

/** The title of the item the macro shows now, read at view time (never stored). */
function currentTitle(view: PageItemView): string | undefined {
  const item = view.item;
  if (!item) return undefined;
  const first = item.messages[0];
  if (first) return first.subject || '(no subject)';
  return item.kind === 'conversation' ? 'A shared conversation' : item.kind === 'mail' ? 'A shared mail' : 'A shared item';
}

/**
 * The macro's settings: the editor picks one of their own items (the same pickers as the Jira panel)
 * and who may see it. Sharing stores the share (ids only) and the macro's configuration keeps only its
 * id: `view.submit({ config: { shareId } })`.
 */
function Settings({ ctx }: { ctx: ViewContext }) {
  const pageId = pageIdOf(ctx);
  const currentShare = shareIdOf(ctx);
  const account = useMicrosoftAccount(ctx.accountId);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [notice, setNotice] = useState<string | undefined>();
  const [what, setWhat] = useState<'mail' | 'item'>('mail');

  const load = useCallback(async (): Promise<PageItemView | undefined> => {
    if (!pageId) {
      setState({ kind: 'error', message: 'This macro is not on a page the app can read. Save the page and try again.' });
      return undefined;
    }
    const r = await call('sharing/pageItem', currentShare ? { pageId, shareId: currentShare } : { pageId });
    if (r.ok) {
      setState({ kind: 'ready', view: r.value });
      return r.value;
    }
    setState({ kind: 'error', message: r.error.message });
    return undefined;
  }, [pageId, currentShare]);

  // Again once the editor has connected (or signed out): what they may share depends on their connection.
  useEffect(() => {
    if (account.state.kind !== 'loading' && account.state.kind !== 'connecting') void load();
  }, [load, account.state.kind]);

  /** Incremental consent (Mail.Read, Calendars.Read, Chat.Read), then the tab's old token is dropped. */
  const allow = useCallback(
    async (feature: ReturnType<typeof featureOfKind>, granted: (v: PageItemView) => boolean): Promise<boolean> => {
      setNotice('Finish signing in to Microsoft 365 in the new tab. These settings update by themselves.');
      const r = await signInFor(feature, async () => {
        const v = await load();
        return v ? granted(v) : false;
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

  const chosen = (shareId: string) => {
    // Only the id goes into the page: no subject, sender or name.
    void submit({ config: { shareId } });
  };

  const view = state.kind === 'ready' ? state.view : undefined;
  const mailKinds = view ? view.sharing.kinds.filter((k) => MAIL_KINDS.includes(k)) : [];
  const itemKinds = view ? view.sharing.kinds.filter(isItemKind) : [];
  const title = view ? currentTitle(view) : undefined;
  return (
    <main class="m365-item-config" aria-label="Microsoft 365 item settings">
      <section class="sp-account" aria-label="Microsoft 365">
        <AccountControl state={account.state} onConnect={account.connect} onSignOut={account.signOut} />
      </section>
      {state.kind === 'error' && <p class="error" role="alert">{state.message}</p>}
      {view?.item && title && (
        <p class="current">
          This macro shows <strong>{title}</strong>, shared by {view.item.mine ? 'you' : view.item.sharer.name} ({SCOPE_LABEL[view.item.effectiveScope]}). Choose another item below to replace it.
        </p>
      )}
      {currentShare && view && !view.item && <p class="notice" role="status">The item this macro showed is no longer shared, or not with you. Choose an item to show instead.</p>}
      {notice && <p class="notice" role="status">{notice}</p>}
      {view && !view.viewer.canShare && <p class="notice">{view.viewer.loggedIn ? (view.sharing.kinds.length === 0 ? 'Your admin has not switched on sharing from Microsoft 365.' : 'This page already holds as many shared items as it can (20).') : 'Log in to share items.'}</p>}
      {view?.viewer.canShare && (
        <>
          {mailKinds.length > 0 && itemKinds.length > 0 && (
            <fieldset class="choice what">
              <legend>What to share</legend>
              <label><input type="radio" name="what" checked={what === 'mail'} onChange={() => { setWhat('mail'); }} /> A mail or conversation from Outlook</label>
              <label><input type="radio" name="what" checked={what === 'item'} onChange={() => { setWhat('item'); }} /> A calendar, event or Teams chat</label>
            </fieldset>
          )}
          {mailKinds.length > 0 && (what === 'mail' || itemKinds.length === 0) && (
            <SharePicker
              view={view}
              at={{ pageId: view.page.id }}
              graph={account.graph}
              onAllowMail={(feature) => allow(feature, (v) => v.viewer.mailAllowed)}
              onCreated={chosen}
              onDone={setNotice}
              onCancel={() => void close()}
            />
          )}
          {itemKinds.length > 0 && (what === 'item' || mailKinds.length === 0) && (
            <ItemSharePicker
              kinds={itemKinds}
              allowedScopes={view.sharing.allowedScopes}
              defaultScope={view.sharing.defaultScope}
              byKind={view.sharing.byKind}
              graph={account.graph}
              connected={view.viewer.connected}
              allowed={{ calendar: flag(view.viewer, 'calendarsAllowed'), chat: flag(view.viewer, 'chatsAllowed') }}
              myName={account.state.kind === 'connected' ? account.state.name : ''}
              placeWords="this page"
              onAllow={(feature) => allow(feature, (v) => flag(v.viewer, feature === 'share.chat' ? 'chatsAllowed' : 'calendarsAllowed'))}
              onShare={async (item, scope, expiresAt) => {
                const r = await call('sharing/createItem', { pageId: view.page.id, ...item, scope, ...(expiresAt ? { expiresAt } : {}) });
                if (r.ok) chosen(r.value.shareId);
                return r;
              }}
              onDone={setNotice}
              onCancel={() => void close()}
            />
          )}
          <p class="muted small">
            The page keeps only the share’s id. Viewers see the item as it is in your Microsoft 365 now, read on your behalf, if they may view this page and the audience you chose includes them. Removing this macro does not end the share: it stays in your Microsoft 365 shares (My shares), where you can remove it.
          </p>
        </>
      )}
    </main>
  );
}

behaveAsDialog({ focusFirstField: true });
mountWithContext((ctx) => <Settings ctx={ctx} />);
