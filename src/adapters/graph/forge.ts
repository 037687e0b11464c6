import { fetch, getAppContext } from '@forge/api';
import type { MicrosoftAccounts } from '../../core/account/service';
import { graphClient, type GraphClient } from './client';

/** What `forAccount` needs of the accounts service: its token for an account, refreshed on request. */
export type AccountTokens = Pick<MicrosoftAccounts, 'accessToken'>;

/** Forge's shortest limit (resolvers, 25 s): assumed when the runtime cannot say how long is left. */
const SHORTEST_FORGE_LIMIT_MS = 25_000;

/**
 * The invocation's remaining time, through @forge/api's public accessor
 * `getAppContext().invocationRemainingTimeInMillis()` (8.x; it reads
 * `__forge_runtime__.lambdaContext.getRemainingTimeInMillis`). An old `forge tunnel` lacks it and the
 * SDK then throws; counting down from the shortest Forge limit keeps waits safe there.
 */
export function forgeRemainingMs(startedAt: number = Date.now()): () => number {
  return () => {
    try {
      return getAppContext().invocationRemainingTimeInMillis();
    } catch {
      return SHORTEST_FORGE_LIMIT_MS - (Date.now() - startedAt);
    }
  };
}

/**
 * Graph as `accountId`'s stored Microsoft 365 connection, over Forge's egress-checked `fetch`. Build it
 * per invocation (the client keeps that account's token); never in module scope.
 */
export function forAccount(accounts: AccountTokens, accountId: string, settings: { graphBaseUrl: string }): GraphClient {
  return graphClient({
    baseUrl: settings.graphBaseUrl,
    token: ({ refresh }) => accounts.accessToken(accountId, { forceRefresh: refresh }),
    fetch: (url, init) => fetch(url, init),
    remainingMs: forgeRemainingMs(),
  });
}
