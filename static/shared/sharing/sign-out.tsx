import { useState } from 'preact/hooks';
import { call } from '../invoke';
import { ConfirmDialog } from '../confirm-dialog';
import { signOutWarning } from './sign-out-warning';

/**
 * Signing out stops every item the person shared from showing (they are read on their behalf):
 * before signing out, say how many, and sign out only when they confirm. Nothing shared: no question.
 */
export function useSignOutWarning(signOut: () => Promise<void>, after?: () => void) {
  const [asking, setAsking] = useState<{ count: number; issues: number; pages: number } | undefined>();
  const [busy, setBusy] = useState(false);

  async function go() {
    setBusy(true);
    await signOut();
    setBusy(false);
    setAsking(undefined);
    after?.();
  }

  async function onSignOut() {
    const mine = await call('sharing/mine');
    // Sharing switched off or storage trouble: signing out must still work.
    if (mine.ok && mine.value.count > 0) setAsking(mine.value);
    else await go();
  }

  const dialog = asking && (
    <ConfirmDialog title="Sign out of Microsoft 365?" confirmLabel="Sign out" busy={busy} onConfirm={() => void go()} onCancel={() => { setAsking(undefined); }}>
      <p>{signOutWarning(asking)}</p>
      <p>Signing in again with the same Microsoft account shows them again.</p>
    </ConfirmDialog>
  );
  return { onSignOut: () => void onSignOut(), dialog };
}
