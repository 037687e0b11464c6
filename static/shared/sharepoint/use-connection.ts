import { useCallback, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import type { AppErrorBody, SessionToken } from '../../../src/contract';
import { bootMark } from '../boot-mark';
import { createSession, type Session } from '../session';
import { fetchToken } from './early';
import { useConnectFlow } from '../connect-flow';
import type { AccountState } from '../use-account';

/** `refused`: the resolver will not hand out a token here (the admin switched the macros off). */
export type ConnectionState = { kind: 'ready'; token: SessionToken } | { kind: 'refused'; error: AppErrorBody } | Exclude<AccountState, { kind: 'connected' }>;

/**
 * The viewer's Graph session for a macro, without the `/me` call `useMicrosoftAccount` makes: a cached
 * session token costs nothing, a missing one costs one resolver call. Not connected → the same
 * Connect flow as the account control.
 */
export function useConnection(accountId: string | undefined): { state: ConnectionState; session: Session | undefined; connect: () => Promise<void>; retry: () => void } {
  const session = useMemo(() => (accountId ? createSession(accountId, fetchToken) : undefined), [accountId]);
  const [state, setState] = useState<ConnectionState>(() => {
    if (!accountId) return { kind: 'anonymous' };
    const cached = session?.peek();
    if (cached) bootMark('token');
    return cached ? { kind: 'ready', token: cached } : { kind: 'loading' };
  });
  // `load` is defined below; the flow only calls it after the first render.
  const forget = useCallback(() => session?.clear(), [session]);
  const flow = useConnectFlow(state.kind, () => load(), setState, { accountId, forget });

  const load = useCallback(async () => {
    if (!session) return;
    const t = await session.token(false);
    if (t.ok) {
      bootMark('token');
      flow.settled('connected');
      setState({ kind: 'ready', token: t.value });
    } else if (t.error.code === 'MS_SIGN_IN_REQUIRED') {
      if (!flow.isConnecting()) setState({ kind: 'disconnected', ...(t.error.reason && t.error.reason !== 'not_connected' ? { message: t.error.message } : {}) });
    } else if (t.error.code === 'UNAUTHENTICATED') setState({ kind: 'anonymous' });
    else if (t.error.code === 'FEATURE_OFF') {
      flow.settled();
      setState({ kind: 'refused', error: t.error });
    }
    else setState({ kind: 'error', message: t.error.message });
  }, [session]);

  // Layout effect: started right after render, not after the next animation frame (late in iframes).
  useLayoutEffect(() => void load(), [load]);

  /** Back to the Connect prompt, e.g. after Graph refused the token even after a refresh. */
  const retry = useCallback(() => {
    session?.clear();
    void load();
  }, [session, load]);

  return { state, session, connect: flow.connect, retry };
}
