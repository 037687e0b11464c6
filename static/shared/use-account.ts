import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { router } from './bridge';
import { call } from './invoke';
import { createSession } from './session';
import { createGraph, type Graph } from './graph';

export type AccountState =
  | { kind: 'loading' }
  | { kind: 'anonymous' }
  | { kind: 'disconnected'; message?: string }
  | { kind: 'connecting' }
  | { kind: 'connected'; name: string; mail: string }
  | { kind: 'error'; message: string };

interface Me {
  displayName?: string;
  mail?: string | null;
  userPrincipalName?: string;
}

const POLL_MS = 2000;
const CONNECT_WINDOW_MS = 10 * 60 * 1000;

/**
 * The viewer's Microsoft 365 connection. Sign-in runs in a new tab (Entra will not render inside
 * a Forge iframe, and Forge forbids pop-ups); this tab notices the new connection by asking for
 * a token every few seconds and whenever it regains focus.
 */
export function useMicrosoftAccount(accountId: string | undefined) {
  const [state, setState] = useState<AccountState>(accountId ? { kind: 'loading' } : { kind: 'anonymous' });
  const session = useMemo(() => (accountId ? createSession(accountId, ({ refresh }) => call('account/token', { refresh })) : undefined), [accountId]);
  const graph = useMemo<Graph | undefined>(() => (session ? createGraph(session) : undefined), [session]);
  const connectingSince = useRef<number | null>(null);

  const load = useCallback(async (): Promise<boolean> => {
    if (!graph) return false;
    const me = await graph.request<Me>('/me?$select=displayName,mail,userPrincipalName');
    if (me.ok) {
      connectingSince.current = null;
      setState({ kind: 'connected', name: me.value.displayName ?? '', mail: me.value.mail || me.value.userPrincipalName || '' });
      return true;
    }
    if (me.error.code === 'MS_SIGN_IN_REQUIRED') {
      if (connectingSince.current === null) {
        setState({ kind: 'disconnected', ...(me.error.reason && me.error.reason !== 'not_connected' ? { message: me.error.message } : {}) });
      }
      return false;
    }
    connectingSince.current = null;
    setState({ kind: 'error', message: me.error.message });
    return false;
  }, [graph]);

  useEffect(() => {
    if (accountId) void load();
  }, [accountId, load]);

  useEffect(() => {
    if (state.kind !== 'connecting') return undefined;
    const tick = () => {
      if (connectingSince.current !== null && Date.now() - connectingSince.current > CONNECT_WINDOW_MS) {
        connectingSince.current = null;
        setState({ kind: 'disconnected', message: 'The sign-in was not finished. Try again.' });
        return;
      }
      void load();
    };
    const timer = setInterval(tick, POLL_MS);
    window.addEventListener('focus', tick);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', tick);
    };
  }, [state.kind, load]);

  const connect = useCallback(async () => {
    const res = await call('account/connect');
    if (!res.ok) {
      setState({ kind: 'error', message: res.error.message });
      return;
    }
    connectingSince.current = Date.now();
    setState({ kind: 'connecting' });
    await router.open(res.value.authorizeUrl);
  }, []);

  const signOut = useCallback(async () => {
    const res = await call('account/signOut');
    session?.clear();
    if (res.ok) setState({ kind: 'disconnected' });
    else setState({ kind: 'error', message: res.error.message });
  }, [session]);

  return { state, graph, connect, signOut, reload: load };
}
