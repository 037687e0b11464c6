import { useState } from 'preact/hooks';
import { call } from '../invoke';
import { ConfirmDialog } from '../confirm-dialog';

/**
 * Signing out stops every item the person shared from showing (they are read on their behalf):
 * before signing out, say how many, and sign out only when they confirm. Nothing shared: no question.
 */
export function useSignOutWarning(signOut: () => Promise<void>, after?: () => void) {
  const [asking, setAsking] = useState<{ count: number; issues: number } | undefined>();
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
      <p>
        {asking.count === 1 ? 'The mail or conversation you shared' : `The ${String(asking.count)} mails and conversations you shared`}
        {asking.issues === 1 ? ' on 1 issue' : ` on ${String(asking.issues)} issues`} will be unavailable to everyone while you are signed out.
      </p>
      <p>Signing in again with the same Microsoft account shows them again.</p>
    </ConfirmDialog>
  );
  return { onSignOut: () => void onSignOut(), dialog };
}
