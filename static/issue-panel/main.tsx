import { mountWithContext } from '../shared/mount';
import type { ViewContext } from '../shared/context';
import { useMicrosoftAccount } from '../shared/use-account';
import { AccountControl } from '../shared/account-control';
import { MyData } from '../shared/my-data';

/** The Jira issue panel: the viewer's Microsoft 365 connection (shared items will join it). */
function IssuePanel({ ctx }: { ctx: ViewContext }) {
  const account = useMicrosoftAccount(ctx.accountId);
  return (
    <section aria-label="Microsoft 365">
      <AccountControl state={account.state} onConnect={account.connect} onSignOut={account.signOut} footer={<MyData account={account} />} />
    </section>
  );
}

mountWithContext((ctx) => <IssuePanel ctx={ctx} />);
