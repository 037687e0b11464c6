import { useCallback, useEffect, useRef } from 'preact/hooks';
import { messageFor } from '../../src/core/messages';
import { events, router } from './bridge';
import { call } from './invoke';
import { accountEvents } from './account-events';
import { readSignInStatus } from './sign-in-outcome';

/** This frame's part in keeping the page's modules in step. */
export const pageAccount = accountEvents(events);

const POLL_MS = 2000;
const CONNECT_WINDOW_MS = 10 * 60 * 1000;

type FlowState =
  | { kind: 'connecting'; cancel: () => void }
  | { kind: 'disconnected'; message?: string; quiet?: true }
  | { kind: 'error'; message: string };

/** What the flow needs to keep this module in step with the app's other modules on the page. */
export interface FlowSync {
  accountId: string | undefined;
  /** Forgets the token cached in this frame (after a sign-out elsewhere). */
  forget?: () => void;
}

/**
 * Connect, as every Microsoft 365 view does it: the sign-in opens in a new tab (Entra will not
 * render inside a Forge iframe, and Forge forbids pop-ups), then the sign-in's status is asked every
 * few seconds and whenever this tab regains focus. Connected → `check` reads the connection; declined,
 * failed or abandoned → back to Connect with the reason; Cancel ends the sign-in, and so does declining
 * the page's "you're leaving" confirmation (no tab opens then). While
 * `isConnecting()`, a check that finds no connection yet keeps the "connecting" state.
 *
 * A connection made or ended here is announced to the app's other modules on the page, and theirs
 * here: each then asks its resolver again (account-events.ts).
 */
export function useConnectFlow(stateKind: string, check: () => Promise<unknown>, setState: (s: FlowState) => void, sync: FlowSync = { accountId: undefined }) {
  const since = useRef<number | null>(null);
  const signInId = useRef<string | undefined>(undefined);
  const latestCheck = useRef(check);
  latestCheck.current = check;
  const { accountId, forget } = sync;

  const stop = useCallback(
    (message: string, quiet = false) => {
      since.current = null;
      signInId.current = undefined;
      setState({ kind: 'disconnected', message, ...(quiet ? { quiet: true as const } : {}) });
    },
    [setState],
  );

  useEffect(() => {
    if (stateKind !== 'connecting') return undefined;
    let asking = false;
    const step = async () => {
      const id = signInId.current;
      const status = id ? await call('account/signIn/status', { signInId: id }) : undefined;
      if (since.current === null || signInId.current !== id) return; // cancelled, or another sign-in started meanwhile
      const outcome = readSignInStatus(status);
      if (outcome.kind === 'failed') { stop(outcome.error.message); return; }
      if (outcome.kind === 'pending') return;
      await latestCheck.current();
    };
    const tick = async () => {
      if (since.current === null || asking) return;
      if (Date.now() - since.current > CONNECT_WINDOW_MS) { stop(messageFor('MS_SIGN_IN_FAILED', 'sign_in_abandoned')); return; }
      asking = true;
      try {
        await step();
      } finally {
        asking = false;
      }
    };
    const poll = () => void tick();
    const timer = setInterval(poll, POLL_MS);
    window.addEventListener('focus', poll);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', poll);
    };
  }, [stateKind, stop]);

  useEffect(() => {
    if (!accountId) return undefined;
    return pageAccount.listen(accountId, (change) => {
      // Another module connected or signed out: this one's own sign-in, if any, is moot.
      since.current = null;
      signInId.current = undefined;
      if (change === 'signedOut') forget?.();
      void latestCheck.current();
    });
  }, [accountId, forget]);

  const cancel = useCallback(() => {
    const id = signInId.current;
    stop(messageFor('MS_SIGN_IN_FAILED', 'sign_in_cancelled'));
    if (id) void call('account/signIn/cancel', { signInId: id });
  }, [stop]);

  const connect = useCallback(async () => {
    const res = await call('account/connect', {});
    if (!res.ok) {
      setState({ kind: 'error', message: res.error.message });
      return;
    }
    since.current = Date.now();
    signInId.current = res.value.signInId;
    setState({ kind: 'connecting', cancel });
    const id = res.value.signInId;
    try {
      await router.open(res.value.authorizeUrl);
    } catch {
      // The page asked "you're leaving…" and the person declined, so router.open rejected and no tab opened
      // (Forge docs, custom-ui-bridge/router): back to Connect, quietly, and the unused sign-in is ended.
      if (signInId.current !== id) return; // cancelled, or another sign-in started meanwhile
      stop(messageFor('MS_SIGN_IN_FAILED', 'sign_in_not_opened'), true);
      void call('account/signIn/cancel', { signInId: id });
    }
  }, [setState, cancel, stop]);

  return {
    connect,
    isConnecting: () => since.current !== null,
    /** The flow is over (connected, or failed for another reason than "not connected yet"). */
    settled: (outcome?: 'connected') => {
      const wasConnecting = since.current !== null;
      since.current = null;
      signInId.current = undefined;
      if (outcome === 'connected' && wasConnecting && accountId) pageAccount.announce('connected', accountId);
    },
  };
}
