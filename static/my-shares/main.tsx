import { mountWithContext } from '../shared/mount';
import { MyShares } from '../shared/my-shares/page';

/** Jira's personal settings page "Microsoft 365 shares": everything the user shared. */
mountWithContext((ctx) => <MyShares accountId={ctx.accountId} />);
