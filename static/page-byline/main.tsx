import { mountWithContext } from '../shared/mount';
import { behaveAsDialog } from '../shared/dialog';
import type { ViewContext } from '../shared/context';
import { useMicrosoftAccount } from '../shared/use-account';
import { AccountControl } from '../shared/account-control';
import { MyData } from '../shared/my-data';
import { MySharesDisclosure } from '../shared/my-shares/disclosure';
import { useSignOutWarning } from '../shared/sharing/sign-out';

/** The Confluence byline popup: the viewer's Microsoft 365 connection. */
function PageByline({ ctx }: { ctx: ViewContext }) {
  const account = useMicrosoftAccount(ctx.accountId);
  // Signing out here stops the mails shared into Jira issues too: say so first.
  const warning = useSignOutWarning(account.signOut);
  return (
    <>
      <AccountControl state={account.state} onConnect={account.connect} onSignOut={warning.onSignOut} footer={<><MyData account={account} /><MySharesDisclosure accountId={ctx.accountId} /></>} />
      {warning.dialog}
    </>
  );
}

// Shown in the byline's inline dialog: Esc closes it.
behaveAsDialog({ focusFirstField: false });
mountWithContext((ctx) => <PageByline ctx={ctx} />);
