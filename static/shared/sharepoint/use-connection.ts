import { useCallback, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import type { AppErrorBody, Result, SessionToken } from '../../../src/contract';
import { bootMark } from '../boot-mark';
import { call } from '../invoke';
import { createSession, tabHoldsSession, type Session } from '../session';
import { useConnectFlow } from '../connect-flow';
import type { AccountState } from '../use-account';

/**
 * The session token, asked before the product has said who is viewing. A macro's frame that holds no
 * session token in this tab asks `account/token` once it knows the viewer, i.e. after
 * `view.getContext()`; the call itself needs no context (the resolver authorises from the invocation's
 * own, `context.accountId`), so it starts when this module loads — alongside getContext instead of after
 * it — and the viewer's session takes its answer for its first ask (stored under the viewer's account as
 * always). Only when the tab holds no session token for anyone: a tab that has one costs no call. The
 * price: a viewer who is not logged in, or a macro not configured yet, makes that one call for nothing
 * (answered `UNAUTHENTICATED`, or not read).
 * Imported by the two macro views only (sp-list, sp-document), which ask for the token on every load.
 */
let early: Promise<Result<SessionToken>> | undefined = (() => {
  if (tabHoldsSession()) return undefined;
  try {
    const asked = call('account/token', { refresh: false });
    // Handled here too: a frame that never asks (no viewer, no configuration) must not report a rejection.
    asked.catch(() => undefined);
    return asked;
  } catch {
    return undefined;
  }
})();

/** The early answer for the session's first plain ask; every other ask calls the resolver. */
function fetchToken({ refresh }: { refresh: boolean }): Promise<Result<SessionToken>> {
  const first = early;
  early = undefined;
  if (first && !refresh) return first;
  return call('account/token', { refresh });
}

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
