import { useEffect, useRef, useState } from 'preact/hooks';
import { mountWithContext } from '../shared/mount';
import type { ViewContext } from '../shared/context';
import { connectionChanged } from '../shared/connection-change';
import { useMicrosoftAccount } from '../shared/use-account';
import { AccountControl } from '../shared/account-control';
import { MyData } from '../shared/my-data';
import { SharingSection } from '../shared/sharing/section';
import { useSignOutWarning } from '../shared/sharing/sign-out';
import { TodoSlot } from '../shared/todo/slot';

/** The issue id from the product's context: display only, every resolver checks it with Jira. */
const issueIdOf = (ctx: ViewContext): string | undefined => {
  const issue = ctx.extension.issue as { id?: unknown } | undefined;
  return typeof issue?.id === 'string' ? issue.id : undefined;
};

/** The Jira issue panel: the viewer's Microsoft 365 connection and the mails shared into the issue. */
function IssuePanel({ ctx }: { ctx: ViewContext }) {
  const account = useMicrosoftAccount(ctx.accountId);
  const [version, setVersion] = useState(0);
  const warning = useSignOutWarning(account.signOut);
  // Connecting or signing out changes what the shared items show (they are read as their sharers).
  const was = useRef(account.state.kind);
  useEffect(() => {
    const before = was.current;
    was.current = account.state.kind;
    if (connectionChanged(before, account.state.kind)) setVersion((v) => v + 1);
  }, [account.state.kind]);
  return (
    <section aria-label="Microsoft 365">
      <AccountControl state={account.state} onConnect={account.connect} onSignOut={warning.onSignOut} footer={<MyData account={account} />} />
      {warning.dialog}
      <SharingSection key={version} issueId={issueIdOf(ctx)} account={account} />
      <TodoSlot key={`todo-${String(version)}`} issueId={issueIdOf(ctx)} account={{ ...account, connected: account.state.kind === 'connected' }} />
    </section>
  );
}

mountWithContext((ctx) => <IssuePanel ctx={ctx} />);
