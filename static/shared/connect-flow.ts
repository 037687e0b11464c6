import { useCallback, useEffect, useRef } from 'preact/hooks';
import { router } from './bridge';
import { call } from './invoke';

const POLL_MS = 2000;
const CONNECT_WINDOW_MS = 10 * 60 * 1000;

type FlowState = { kind: 'connecting' } | { kind: 'disconnected'; message?: string } | { kind: 'error'; message: string };

/**
 * Connect, as every Microsoft 365 view does it: the sign-in opens in a new tab (Entra will not
 * render inside a Forge iframe, and Forge forbids pop-ups), then `check` runs every few seconds and
 * whenever this tab regains focus, until it finds a connection or ten minutes pass.
 * While `isConnecting()`, a check that finds no connection yet keeps the "connecting" state.
 */
export function useConnectFlow(stateKind: string, check: () => Promise<unknown>, setState: (s: FlowState) => void) {
  const since = useRef<number | null>(null);
  const latestCheck = useRef(check);
  latestCheck.current = check;

  useEffect(() => {
    if (stateKind !== 'connecting') return undefined;
    const tick = () => {
      if (since.current !== null && Date.now() - since.current > CONNECT_WINDOW_MS) {
        since.current = null;
        setState({ kind: 'disconnected', message: 'The sign-in was not finished. Try again.' });
        return;
      }
      void latestCheck.current();
    };
    const timer = setInterval(tick, POLL_MS);
    window.addEventListener('focus', tick);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', tick);
    };
  }, [stateKind, setState]);

  const connect = useCallback(async () => {
    const res = await call('account/connect', {});
    if (!res.ok) {
      setState({ kind: 'error', message: res.error.message });
      return;
    }
    since.current = Date.now();
    setState({ kind: 'connecting' });
    await router.open(res.value.authorizeUrl);
  }, [setState]);

  return {
    connect,
    isConnecting: () => since.current !== null,
    /** The flow is over (connected, or failed for another reason than "not connected yet"). */
    settled: () => {
      since.current = null;
    },
  };
}
