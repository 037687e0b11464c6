import type { ComponentChildren } from 'preact';
import type { AccountState } from './use-account';

interface Props {
  state: AccountState;
  onConnect: () => unknown;
  onSignOut: () => unknown;
  /** Shown below the control to logged-in Atlassian users, whatever their connection (e.g. "Your data"). */
  footer?: ComponentChildren;
  /** What connecting unlocks here, said once beside the button (a macro: "Sign in to Microsoft 365 to see the list …"). */
  ask?: string;
}

/** The "Microsoft 365 account" control: the same everywhere the app appears. */
export function AccountControl({ footer, ...props }: Props) {
  const loggedIn = props.state.kind !== 'anonymous' && props.state.kind !== 'loading';
  // The footer keeps its place (and its own state) while the connection state changes above it.
  return footer && loggedIn ? <>{<Status {...props} />}{footer}</> : <Status {...props} />;
}

function Status({ state, onConnect, onSignOut, ask }: Omit<Props, 'footer'>) {
  switch (state.kind) {
    case 'loading':
      return <p class="muted" role="status" data-placeholder>Checking your Microsoft 365 connection…</p>;
    case 'anonymous':
      return <p class="notice" role="status">Log in to Atlassian to connect Microsoft 365.</p>;
    case 'disconnected':
      return (
        <div class="account">
          {state.message && state.quiet ? <p class="muted" role="status">{state.message}</p> : state.message ? <p class="notice" role="alert">{state.message}</p> : <p class={ask ? undefined : 'muted'}>{ask ?? 'Connect your Microsoft 365 account to see mail, files and lists from Microsoft 365 here.'}</p>}
          <button type="button" class="primary" onClick={() => void onConnect()}>Connect Microsoft 365</button>
        </div>
      );
    case 'connecting':
      return (
        <div class="account" role="status">
          <p>Finish signing in to Microsoft 365 in the new tab. This updates by itself.</p>
          <button type="button" onClick={() => void onConnect()}>Open the sign-in again</button>
          {state.cancel && <button type="button" class="subtle" onClick={state.cancel}>Cancel</button>}
        </div>
      );
    case 'connected':
      return (
        <div class="account">
          <p role="status">Signed in as <strong>{state.name}</strong> ({state.mail})</p>
          <button type="button" onClick={() => void onSignOut()}>Sign out</button>
        </div>
      );
    case 'error':
      return (
        <div class="account">
          <p class="error" role="alert">{state.message}</p>
          <button type="button" onClick={() => void onConnect()}>Connect Microsoft 365</button>
        </div>
      );
  }
}
