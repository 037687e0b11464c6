import { fetch } from '@forge/api';
import { confluencePages } from './adapters/forge/confluence-pages';
import { connectionStore } from './adapters/forge/account-stores';
import { jiraIssues } from './adapters/forge/jira-issues';
import { linkStore } from './adapters/forge/link-store';
import { productOf } from './adapters/forge/product';
import { offerStore, openStore, ownShareStore, projectPolicyStore } from './adapters/forge/share-controls';
import { sharePlaces } from './adapters/forge/share-places';
import { shareStore } from './adapters/forge/share-store';
import { graphClient } from './adapters/graph/client';
import { forgeRemainingMs } from './adapters/graph/forge';
import { handoverItems } from './adapters/graph/handover-items';
import { m365Items } from './adapters/graph/items';
import { findMessages } from './adapters/graph/mail-find';
import { accountClients, mailboxes, type MailboxDeps } from './adapters/graph/mailbox';
import { nodeCrypto } from './adapters/node/crypto';
import { toAppError } from './core/result';
import { itemSharing } from './core/sharing/items-service';
import { mySharesService, type MySharesService } from './core/sharing/my-shares';
import { sharingService, type SharingService } from './core/sharing/service';
import type { Services } from './services';

/*
 * Sharing wired to Forge storage, Jira, Confluence and Graph, per invocation like src/services.ts: the sharing
 * core (mails, conversations, calendars, events, chats) and My shares, over one way of reaching each person's
 * mailbox. The resolvers (src/resolvers/sharing.ts, my-shares.ts) and the hourly expiry trigger use it.
 */

/** Which installation an invocation runs in (`context.installContext`): Jira or Confluence. */
export interface Installation {
  installContext?: unknown;
}

/** Wires the sharing core to Forge storage, Jira and Graph, for one invocation. */
export function sharing(s: Services): SharingService {
  return sharingService(sharingDeps(s));
}

/** Calendars, events and Teams chats: creating such shares, a chat's older pages and its images. */
export const sharingItems = (s: Services) => itemSharing(sharingDeps(s));

function sharingDeps(s: Services) {
  const md = microsoftDeps(s);
  // One connection read and one Graph client per sharer, for mail and the other kinds alike.
  const shared = accountClients(md);
  return {
    shares: shareStore,
    links: linkStore,
    jira: jiraIssues,
    confluence: confluencePages,
    mail: mailboxes(md, shared),
    items: m365Items(md, shared),
    settings: s.settings,
    projects: projectPolicyStore,
    crypto: nodeCrypto,
  };
}

/** Graph for the people of this invocation, through their stored connections (the sign-in service refreshes tokens). */
function microsoftDeps(s: Services): MailboxDeps {
  return {
    graphBaseUrl: s.endpoints.graphBaseUrl,
    fetch: (url, init) => fetch(url, init),
    remainingMs: forgeRemainingMs(),
    readConnection: (accountId) => connectionStore.get(accountId),
    accessToken: async (accountId, opts) => {
      try {
        return await (await s.accounts()).accessToken(accountId, opts);
      } catch (e) {
        return { ok: false, error: toAppError(e).toBody() };
      }
    },
    registrationKey: async () => (await s.settings.microsoftApp())?.key,
  };
}

/** Wires My shares to Forge storage, the product of this installation and Graph, for one invocation. */
export function myShares(s: Services, installation: Installation): MySharesService {
  const product = productOf(installation.installContext) ?? 'jira';
  const deps = microsoftDeps(s);
  // One connection read and one Graph client per person for this invocation, shared by the mail and item lookups.
  const clients = accountClients(deps);
  const box = mailboxes(deps, clients);
  return mySharesService({
    shares: ownShareStore,
    links: linkStore,
    opens: openStore,
    offers: offerStore,
    projects: projectPolicyStore,
    places: sharePlaces(product),
    mail: {
      connection: (accountId) => box.connection(accountId),
      find: (accountId, ids) =>
        findMessages(
          graphClient({
            baseUrl: s.endpoints.graphBaseUrl,
            fetch: (url, init) => fetch(url, init),
            remainingMs: forgeRemainingMs(),
            token: async ({ refresh }) => {
              const t = await deps.accessToken(accountId, { forceRefresh: refresh });
              return t.ok ? { ok: true, value: { accessToken: t.value.accessToken } } : t;
            },
          }),
          ids,
        ),
    },
    items: handoverItems(clients),
    settings: s.settings,
    randomToken: (n) => nodeCrypto.randomToken(n),
  });
}

/** Records who saw which items' content (never the sharer's own views); a failure never fails the view. */
export async function recordShown(s: Services, installation: Installation, viewerAccountId: string | undefined, items: ReadonlyArray<{ shareId: string; sharer: { accountId: string }; problem?: unknown }>): Promise<void> {
  const shown = items.filter((i) => i.problem === undefined).map((i) => ({ shareId: i.shareId, sharerAccountId: i.sharer.accountId }));
  if (shown.length === 0) return;
  await myShares(s, installation).recordOpens(viewerAccountId, shown).catch(() => undefined);
}
