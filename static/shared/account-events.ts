/**
 * One Microsoft 365 connection for the whole page: a module that connects or signs out tells the app's
 * other modules on the page through the bridge's `events` (which reach only this app's frames). A
 * message is only a nudge: each module asks its own resolver again, which trusts the context, not this.
 */
export const ACCOUNT_EVENT = 'm365.account.changed';

export type AccountChange = 'connected' | 'signedOut';

interface AccountMessage {
  change: AccountChange;
  accountId: string;
  /** The frame that sent it: it changed its own state already. */
  from: string;
}

/** The part of `@forge/bridge`'s `events` used here. */
export interface EventsApi {
  emit(event: string, payload?: unknown): Promise<void>;
  on(event: string, callback: (payload?: unknown) => unknown): Promise<{ unsubscribe(): void }>;
}

/** The change a message announces to this frame, or nothing: its own, another account's, or not ours. */
export function readAccountMessage(payload: unknown, self: { frameId: string; accountId: string }): AccountChange | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const m = payload as Partial<Record<keyof AccountMessage, unknown>>;
  if (m.change !== 'connected' && m.change !== 'signedOut') return undefined;
  if (m.from === self.frameId || m.accountId !== self.accountId) return undefined;
  return m.change;
}

/** This frame's side: announce its own changes, hear the others'. */
export function accountEvents(events: EventsApi, frameId: string = randomId()) {
  return {
    frameId,
    announce(change: AccountChange, accountId: string): void {
      const message: AccountMessage = { change, accountId, from: frameId };
      // Nobody listening is not a failure; without the bridge's events a page only loses the nudge.
      events.emit(ACCOUNT_EVENT, message).catch(() => undefined);
    },
    /** Calls `onChange` for each change another frame announces for `accountId`. Returns the unsubscribe. */
    listen(accountId: string, onChange: (change: AccountChange) => void): () => void {
      let closed = false;
      let subscription: { unsubscribe(): void } | undefined;
      events
        .on(ACCOUNT_EVENT, (payload) => {
          const change = closed ? undefined : readAccountMessage(payload, { frameId, accountId });
          if (change) onChange(change);
        })
        .then((s) => {
          if (closed) s.unsubscribe();
          else subscription = s;
        })
        .catch(() => undefined);
      return () => {
        closed = true;
        subscription?.unsubscribe();
      };
    },
  };
}

const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
