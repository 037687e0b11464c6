import { useMemo, useState } from 'preact/hooks';
import { parseListMacroConfig, viewerState, type ListMacroConfig, type ViewerState } from '../../src/core/sharepoint';
import { AccountControl } from '../shared/account-control';
import type { ViewContext } from '../shared/context';
import { mountWithContext } from '../shared/mount';
import { useMacroRefusal } from '../shared/sharepoint/macro-policy';
import { StateMessage } from '../shared/sharepoint/state-message';
import { useConnection } from '../shared/sharepoint/use-connection';
import { ListTable } from './table';

function Connected({ ctx, config, accountId }: { ctx: ViewContext; config: ListMacroConfig; accountId: string }) {
  const conn = useConnection(accountId);
  const refusal = useMacroRefusal(config.siteId, conn);
  const [expired, setExpired] = useState<ViewerState | undefined>();
  const s = conn.state;
  // The page stores ids only: before Graph has answered with the viewer's token, no name is known.
  const target = { kind: config.kind };
  const label = config.kind === 'library' ? 'SharePoint library' : 'SharePoint list';
  if (refusal) {
    return (
      <section class="sp-list" aria-label={label}>
        <StateMessage state={viewerState(refusal, target)} />
      </section>
    );
  }
  if (s.kind === 'refused') return null;
  if (s.kind === 'ready' && conn.session && !expired) {
    return (
      <ListTable
        config={config}
        session={conn.session}
        token={s.token}
        locale={ctx.locale}
        timeZone={ctx.timezone}
        onSignInRequired={(state) => {
          setExpired(state);
          conn.retry();
        }}
      />
    );
  }
  const ask = viewerState({ code: 'MS_SIGN_IN_REQUIRED', message: '' }, target).message;
  return (
    <section class="sp-list" aria-label={label}>
      <AccountControl
        state={expired && s.kind !== 'connecting' ? { kind: 'disconnected', message: expired.message } : s.kind === 'ready' ? { kind: 'loading' } : s}
        ask={ask}
        onConnect={() => {
          setExpired(undefined);
          void conn.connect();
        }}
        onSignOut={() => undefined}
      />
    </section>
  );
}

function ListMacro({ ctx }: { ctx: ViewContext }) {
  const parsed = useMemo(() => parseListMacroConfig(ctx.extension['config']), [ctx]);
  if (!ctx.accountId) return <p class="notice" role="status">Log in to see this SharePoint list.</p>;
  if (!parsed.ok) {
    const empty = ctx.extension['config'] === undefined || ctx.extension['config'] === null;
    return (
      <p class={empty ? 'muted' : 'error'} role={empty ? 'status' : 'alert'}>
        {parsed.error.message}
        {ctx.extension['isEditing'] === true ? ' Use “Edit SharePoint List” above.' : ''}
      </p>
    );
  }
  return <Connected ctx={ctx} config={parsed.value} accountId={ctx.accountId} />;
}

/** Shows the macro once the context its entry module asked for is in (static/sp-list/main.tsx). */
export function show(context: Promise<ViewContext>): void {
  mountWithContext((ctx) => <ListMacro ctx={ctx} />, context);
}
