import type { UiModule } from './manifest';
import type { AtlassianUser } from './products/tenant';

/** Forge's `accountType` (access-to-forge-apps-for-unlicensed-users); `customer` (JSM portals) is not emulated. */
export type AccountType = 'licensed' | 'unlicensed' | 'anonymous';
export type Product = 'jira' | 'confluence';

/**
 * The product a module runs in, and so the installation it belongs to: `jira:*` modules are Jira's; `macro` and
 * `confluence:*` are Confluence's.
 */
export const productOfModule = (type: string): Product => (type.startsWith('jira:') ? 'jira' : 'confluence');

/** The fixture's product access groups, as Atlassian's default groups are named. */
const PRODUCT_GROUP: Record<Product, string> = { jira: 'jira-software-users', confluence: 'confluence-users' };

/**
 * `licensed` = may use the product on this site; `unlicensed` = logged in without product access (a Confluence
 * guest, a Jira user without Jira); `anonymous` = not logged in.
 */
export function accountTypeFor(user: AtlassianUser | undefined, product: Product): AccountType {
  if (!user) return 'anonymous';
  return user.admin || user.groups.includes(PRODUCT_GROUP[product]) ? 'licensed' : 'unlicensed';
}

/**
 * "By default, only licensed, authenticated users of the Atlassian app within which an app runs, can use that app"
 * (access-to-forge-apps-for-unlicensed-users): others only where the module's `unlicensedAccess` names their type.
 */
export const moduleAllows = (m: UiModule, accountType: AccountType): boolean => accountType === 'licensed' || m.unlicensedAccess.includes(accountType);

/** What a resolver's context says about the caller: the documented `unidentified` account id for anonymous users. */
export const ANONYMOUS_ACCOUNT_ID = 'unidentified';
