import { useCallback, useEffect, useState } from 'preact/hooks';
import type { PageItemView } from '../../src/contracts/sharing';
import { pageAccount } from '../shared/connect-flow';
import type { ViewContext } from '../shared/context';
import { call } from '../shared/invoke';
import { mountWithContext } from '../shared/mount';
import { signInFor } from '../shared/sharing/api';
import { useBusyRetry } from '../shared/sharing/busy-retry';
import { SharedItem } from '../shared/sharing/section';
import { featureOfKind, pageIdOf, shareIdOf } from './place';
import './item.css';

type State = { kind: 'loading' } | { kind: 'absent' } | { kind: 'error'; message: string } | { kind: 'ready'; view: PageItemView };

/**
 * The "Microsoft 365 item" macro on a Confluence page: the one shared mail or conversation its
 * configuration names, read at view time on the sharer's behalf, shown to this viewer only if they may
 * view the page (Confluence, asked as them) and the share's scope admits them. One resolver call.
 */
function ItemMacro({ ctx }: { ctx: ViewContext }) {
  const pageId = pageIdOf(ctx);
  const shareId = shareIdOf(ctx);
  const editing = ctx.extension['isEditing'] === true;
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [notice, setNotice] = useState<string | undefined>();
  const retryBusy = useBusyRetry();

  const load = useCallback(async (): Promise<PageItemView | undefined> => {
    if (!pageId || !shareId) {
      setState({ kind: 'absent' });
      return undefined;
    }
    const r = await call('sharing/pageItem', { pageId, shareId });
    if (r.ok) {
      setState(r.value.item ? { kind: 'ready', view: r.value } : { kind: 'absent' });
      // Microsoft 365 was busy (e.g. Outlook's 4 requests at a time per mailbox, when several macros of one
      // sharer load together): the item says "Trying again shortly", so it does.
      retryBusy(r.value.item ? [r.value.item] : [], load);
      return r.value;
    }
    // Sharing switched off, or a page this visitor may not view: nothing to show.
    if (r.error.code === 'FEATURE_OFF' || r.error.code === 'NOT_FOUND') setState({ kind: 'absent' });
    else setState({ kind: 'error', message: r.error.message });
    return undefined;
  }, [pageId, shareId, retryBusy]);

  useEffect(() => {
    void load();
  }, [load]);

  // One connection for the page: when the viewer connects or signs out in another module (the byline, a macro),
  // what this item shows can change (their own shares stop or come back), so it asks its resolver again.
  useEffect(() => (ctx.accountId ? pageAccount.listen(ctx.accountId, () => void load()) : undefined), [ctx.accountId, load]);

  if (state.kind === 'loading') return null;
  if (state.kind === 'error') return <p class="error" role="alert" data-state="error">{state.message}</p>;
  if (state.kind === 'absent') {
    // Viewers see nothing: a share they may not see is not there for them. Editors learn why the box is empty.
    // (An empty, hidden marker only says "done", for the page's own scripts and tests.)
    if (!editing) return <div hidden data-state="none" />;
    return (
      <p class="m365-item-empty muted" data-state="none">
        {shareId ? 'Microsoft 365 item: nothing to show you here. It was removed, or it is not shared with you.' : 'Microsoft 365 item: not set up yet. Edit the macro to choose what to share.'}
      </p>
    );
  }
  const { view } = state;
  const item = view.item;
  if (!item || !pageId) return <div hidden data-state="none" />;
  return (
    <section class="m365-item sharing-embedded" aria-label="Microsoft 365 item" data-state="shown">
      {notice && <p class="notice" role="status">{notice}</p>}
      <ul class="shared-items">
        <li>
          <SharedItem
            item={item}
            view={view}
            at={{ pageId }}
            open
            placeWords="this page"
            onChanged={() => void load()}
            onAllowMail={() => {
              setNotice('Finish signing in to Microsoft 365 in the new tab. This item updates by itself.');
              void signInFor(featureOfKind(item.kind), async () => (await load())?.item?.problem === undefined).then((r) => {
                setNotice(r.ok ? undefined : r.error.message);
                // The other modules on the page learn it too (they were asking the viewer to connect).
                if (r.ok && ctx.accountId) pageAccount.announce('connected', ctx.accountId);
              });
            }}
          />
        </li>
      </ul>
    </section>
  );
}

mountWithContext((ctx) => <ItemMacro ctx={ctx} />);
