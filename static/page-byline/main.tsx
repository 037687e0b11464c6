import { mountWithContext } from '../shared/mount';
import type { ViewContext } from '../shared/context';
import { useMicrosoftAccount } from '../shared/use-account';
import { AccountControl } from '../shared/account-control';
import { MyData } from '../shared/my-data';

/** The Confluence byline popup: the viewer's Microsoft 365 connection. */
function PageByline({ ctx }: { ctx: ViewContext }) {
  const account = useMicrosoftAccount(ctx.accountId);
  return <AccountControl state={account.state} onConnect={account.connect} onSignOut={account.signOut} footer={<MyData account={account} />} />;
}

mountWithContext((ctx) => <PageByline ctx={ctx} />);
