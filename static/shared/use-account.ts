import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { AppErrorBody } from '../../src/contract';
import { call } from './invoke';
import { pageAccount, useConnectFlow } from './connect-flow';
import { createSession } from './session';
import { createGraphSender, type GraphSender } from './graph-send';

export type AccountState =
  | { kind: 'loading' }
  | { kind: 'anonymous' }
  | { kind: 'disconnected'; message?: string; /** Nothing went wrong (the person chose not to go on): said as a note, not an alert. */ quiet?: true }
  /** A sign-in tab is open; `cancel` ends that sign-in. */
  | { kind: 'connecting'; cancel?: () => void }
  | { kind: 'connected'; name: string; mail: string }
  | { kind: 'error'; message: string };

interface Me {
  displayName?: string;
  mail?: string | null;
  userPrincipalName?: string;
}

/** The viewer's Microsoft 365 connection, confirmed by reading who they are from Graph `/me`. */
export function useMicrosoftAccount(accountId: string | undefined) {
  const [state, setState] = useState<AccountState>(accountId ? { kind: 'loading' } : { kind: 'anonymous' });
  /** The resolver refused to hand out a token in this module (the admin switched its feature off). */
  const [refusal, setRefusal] = useState<AppErrorBody | undefined>();
  const session = useMemo(() => (accountId ? createSession(accountId, ({ refresh }) => call('account/token', { refresh })) : undefined), [accountId]);
  const graph = useMemo<GraphSender | undefined>(() => (session ? createGraphSender({ session }) : undefined), [session]);
  // `load` is defined below; the flow only calls it after the first render.
  const forget = useCallback(() => session?.clear(), [session]);
  const flow = useConnectFlow(state.kind, () => load(), setState, { accountId, forget });
  const load = useCallback(async (): Promise<boolean> => {
    if (!graph) return false;
    const me = await graph.send<Me>({ method: 'GET', path: '/me?$select=displayName,mail,userPrincipalName' });
    if (me.ok) {
      flow.settled('connected');
      setState({ kind: 'connected', name: me.value.displayName ?? '', mail: me.value.mail || me.value.userPrincipalName || '' });
      return true;
    }
    if (me.error.code === 'MS_SIGN_IN_REQUIRED') {
      if (!flow.isConnecting()) {
        setState({ kind: 'disconnected', ...(me.error.reason && me.error.reason !== 'not_connected' ? { message: me.error.message } : {}) });
      }
      return false;
    }
    flow.settled();
    if (me.error.code === 'FEATURE_OFF') setRefusal(me.error);
    setState({ kind: 'error', message: me.error.message });
    return false;
  }, [graph]);

  useEffect(() => {
    if (accountId) void load();
  }, [accountId, load]);

  const signOut = useCallback(async () => {
    const res = await call('account/signOut');
    session?.clear();
    if (res.ok) {
      setState({ kind: 'disconnected' });
      if (accountId) pageAccount.announce('signedOut', accountId);
    } else setState({ kind: 'error', message: res.error.message });
  }, [session, accountId]);

  // `session` is exposed for its `graphBaseUrl` (e.g. to check where an embed URL may point).
  return { state, refusal, graph, session, connect: flow.connect, signOut, reload: load };
}
