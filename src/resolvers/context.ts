import { attempt, failWith, fail, type Result } from '../core/result';
import { isSiteAdmin, productOf, type Product } from '../adapters/forge/product';
import { logFailure } from '../adapters/forge/log';
import type { Services } from '../services';

/** The parts of a resolver's context the platform vouches for; everything else can be forged. */
export interface TrustedContext {
  accountId?: unknown;
  accountType?: unknown;
  installContext?: unknown;
  moduleKey?: unknown;
}

/**
 * The only trustworthy identity in a resolver is `context.accountId` (set by the platform from
 * the product session); nothing in the payload is. Anonymous visitors have none — or, in a module
 * that declares `unlicensedAccess: [anonymous]`, the shared placeholder `unidentified` with
 * `accountType: 'anonymous'` (access-to-forge-apps-for-unlicensed-users), which is nobody's account.
 */
export function requireAccount(context: { accountId?: unknown; accountType?: unknown }) {
  const accountId = context.accountId;
  if (context.accountType === 'anonymous' || accountId === 'unidentified') return fail('UNAUTHENTICATED', 'Log in to Atlassian to use Microsoft 365 here.');
  if (typeof accountId === 'string' && accountId.length > 0 && accountId.length <= 128) return { ok: true as const, accountId };
  return fail('UNAUTHENTICATED', 'Log in to Atlassian to use Microsoft 365 here.');
}

/** Runs a handler with errors as values, logged at the admin's diagnostics level. */
async function guarded<T>(s: Services, where: string, accountId: string | undefined, fn: () => Promise<Result<T>>): Promise<Result<T>> {
  return attempt(fn, (e) => {
    // The level comes from storage, which may be what failed: then log codes only.
    void s.settings.current().then(
      (st) => {
        logFailure(st.diagnostics, where, e, accountId);
      },
      () => {
        logFailure('codes-only', where, e);
      },
    );
  });
}

/** Every user resolver's first step: authorise from the context, then run `fn` with errors as values. */
export const asAccount = <T>(s: Services, where: string, context: TrustedContext, fn: (accountId: string) => Promise<Result<T>>): Promise<Result<T>> => {
  const who = requireAccount(context);
  return guarded(s, where, who.ok ? who.accountId : undefined, async () => (who.ok ? fn(who.accountId) : who));
};

/** Resolvers that anonymous visitors may call too (they get what the public may know). */
export const asAnyone = <T>(s: Services, where: string, fn: () => Promise<Result<T>>): Promise<Result<T>> => guarded(s, where, undefined, fn);

/**
 * Admin resolvers: a logged-in user whom the product, asked as that user, calls a site admin.
 * The module being an admin page proves nothing: anyone can craft an invoke.
 */
export const asAdmin = <T>(s: Services, where: string, context: TrustedContext, fn: (accountId: string, product: Product) => Promise<Result<T>>): Promise<Result<T>> =>
  asAccount(s, where, context, async (accountId) => {
    const product = productOf(context.installContext);
    if (!product || !(await isSiteAdmin(product))) return failWith('FORBIDDEN', 'not_admin');
    return fn(accountId, product);
  });
