import { attempt, fail, type Result } from '../core/result';

/**
 * The only trustworthy identity in a resolver is `context.accountId` (set by the platform from
 * the product session); nothing in the payload is. Anonymous visitors have none.
 */
export function requireAccount(context: { accountId?: unknown }) {
  const accountId = context.accountId;
  if (typeof accountId === 'string' && accountId.length > 0 && accountId.length <= 128) return { ok: true as const, accountId };
  return fail('UNAUTHENTICATED', 'Log in to Atlassian to use Microsoft 365 here.');
}

/** Every resolver's first step: authorise from the context, then run `fn` with errors as values. */
export const asAccount = <T>(context: { accountId?: unknown }, fn: (accountId: string) => Promise<Result<T>>): Promise<Result<T>> =>
  attempt(async () => {
    const who = requireAccount(context);
    return who.ok ? fn(who.accountId) : who;
  });
