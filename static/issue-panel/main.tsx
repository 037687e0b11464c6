import { useEffect, useState } from 'preact/hooks';
import { mount } from '../shared/mount';
import { loadContext, type ViewContext } from '../shared/context';
import { useMicrosoftAccount } from '../shared/use-account';
import { AccountControl } from '../shared/account-control';

function IssuePanel({ ctx }: { ctx: ViewContext }) {
  const account = useMicrosoftAccount(ctx.accountId);
  return (
    <section aria-label="Microsoft 365">
      <AccountControl state={account.state} onConnect={account.connect} onSignOut={account.signOut} />
    </section>
  );
}

function App() {
  const [ctx, setCtx] = useState<ViewContext | null>(null);
  useEffect(() => void loadContext().then(setCtx), []);
  return ctx ? <IssuePanel ctx={ctx} /> : null;
}

mount(<App />);
