/**
 * The app's storage layout: every KVS key the app writes is built here, and described here. The
 * admin page's "What this app stores" and each user's export are generated from this table, and a
 * test reads back everything stored after the browser tests and fails on a key no entry describes.
 * Keys must match Forge's rule /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/ and stay ≤ 500 chars.
 */
export interface RecordKind {
  name: string;
  /** Key prefix (all keys of this kind start with it). */
  prefix: string;
  /** `entity`: a Custom Entity Store record (`app.storage.entities`); `prefix` starts its keys there. */
  storage: 'plain' | 'secret' | 'entity';
  what: string;
  fields: string[];
  kept: string;
  /** Keyed by Atlassian account id: exported to and deleted for that user, and on account closure. */
  perAccount: boolean;
}

export const RECORD_KINDS = {
  settings: {
    name: 'Admin settings',
    prefix: 'settings',
    storage: 'plain',
    what: 'The settings on the app’s admin page.',
    fields: ['feature switches', 'SharePoint tenants', 'sharing defaults', 'diagnostics level', 'Microsoft tenant and client id', 'when permissions were approved'],
    kept: 'Until the app is uninstalled.',
    perAccount: false,
  },
  clientSecret: {
    name: 'Microsoft client secret',
    prefix: 'registration-secret',
    storage: 'secret',
    what: 'The client secret of the Microsoft Entra app registration, when set on the admin page.',
    fields: ['client secret (encrypted by Forge)'],
    kept: 'Until an admin replaces or removes it, or the app is uninstalled.',
    perAccount: false,
  },
  accountIndex: {
    name: 'Users with stored data',
    prefix: 'account:',
    storage: 'plain',
    what: 'Which Atlassian accounts have data stored by the app, so it can be reported to Atlassian’s personal data API and deleted when an account closes.',
    fields: ['Atlassian account id', 'when last updated'],
    kept: 'While the account has other records here.',
    perAccount: true,
  },
  msConnection: {
    name: 'Microsoft 365 connections',
    prefix: 'ms-connection:',
    storage: 'secret',
    what: 'A user’s connection to Microsoft 365, so the app can get short-lived access tokens for them.',
    fields: ['Microsoft refresh token and a short-lived access token (encrypted by Forge)', 'Microsoft user and tenant ids', 'Microsoft display and sign-in name', 'granted permissions', 'app registration it was made with', 'when connected'],
    kept: 'Until the user signs out, Microsoft revokes it, the admin changes the app registration, or the account closes.',
    perAccount: true,
  },
  msPendingSignIn: {
    name: 'Sign-ins in progress',
    prefix: 'ms-signin:',
    storage: 'secret',
    what: 'A sign-in or approval that was started and not finished yet.',
    fields: ['hash of the one-time state', 'Atlassian account id', 'PKCE verifier and nonce', 'redirect address'],
    kept: '10 minutes.',
    perAccount: false,
  },
  share: {
    name: 'Shared mails and conversations',
    prefix: 'share:',
    storage: 'entity',
    what: 'Which Outlook mail or conversation someone shared into which Jira issue, and with whom. The mail itself is read from their mailbox each time it is viewed and never stored.',
    fields: ['share id', 'mail or conversation', 'Atlassian account id of the person who shared it', 'Microsoft user and tenant ids', 'immutable message id, Message-ID and conversation id', 'scope (private, Atlassian users, public)', 'Jira issue and project ids', 'when shared'],
    kept: 'Until the person who shared it (or a project admin) removes it, the person deletes their data, or their account closes.',
    perAccount: true,
  },
  link: {
    name: 'Mail ↔ issue links',
    prefix: 'link:',
    storage: 'entity',
    what: 'Which conversations belong to which Jira issues, so related issues can be found from a mail (and by JQL, through an issue property holding the same ids).',
    fields: ['conversation id', 'Message-ID', 'Microsoft user id', 'app (jira)', 'Jira issue id, key and project id', 'Atlassian account id of the person who linked it', 'when linked'],
    kept: 'As long as the share it was recorded with.',
    perAccount: true,
  },
  feed: {
    name: 'Calendar feeds',
    prefix: 'feed:',
    storage: 'plain',
    what: 'Each calendar feed’s definition, as its owner saved it.',
    fields: ['feed id and name', 'Atlassian account id of its owner', 'project key (for project feeds)', 'JQL', 'date window', 'date fields', 'all-day or timed, time zone', 'title template and description choices', 'who may subscribe (group ids and names, project role ids and names, or a user field id)', 'when created and changed'],
    kept: 'Until its owner, a project admin or a site admin deletes it, or its owner’s account closes.',
    perAccount: true,
  },
  feedState: {
    name: 'Calendar feed status',
    prefix: 'feed-state:',
    storage: 'plain',
    what: 'How each feed’s last build went, what its cache holds, and the figures its page shows.',
    fields: ['cache generation, size and version', 'date window fetched', 'project ids and keys, ids of issues with a security level', 'build progress (Jira’s page token)', 'last build: when, how long, Jira requests and points', 'last calendar served: when, bytes, events', 'the last problem', 'the site’s address'],
    kept: 'As long as the feed.',
    perAccount: false,
  },
  feedCache: {
    name: 'Calendar feed cache',
    prefix: 'feed-cache:',
    storage: 'plain',
    what: 'The issues each feed holds, shared by its subscribers, so a calendar poll does not ask Jira for every issue again. No issue text is stored: titles and other fields are fetched from Jira, as the subscriber, when a calendar is served.',
    fields: ['issue id and key', 'project id', 'the event’s date(s)', 'when the issue was last updated', 'security level id', 'account ids in the feed’s user field (user-field feeds only)'],
    kept: 'Rebuilt at least daily; 7 days after the last rebuild at most (then it is rebuilt on the next fetch), and deleted with the feed.',
    perAccount: false,
  },
  feedDelta: {
    name: 'Calendar feed changes',
    prefix: 'feed-delta:',
    storage: 'plain',
    what: 'Issues that changed since a feed’s last full build, until they are folded into its cache.',
    fields: ['the same fields as the cache', 'ids of issues that left the feed'],
    kept: 'Until the next full build; 7 days at most.',
    perAccount: false,
  },
  feedUrl: {
    name: 'Calendar addresses',
    prefix: 'feed-url:',
    storage: 'plain',
    what: 'Each person’s own calendar address for a feed. The address’s secret part is never stored, only its SHA-256 hash.',
    fields: ['Atlassian account id', 'feed id', 'SHA-256 hash of the secret', 'when created, when it expires, when last used'],
    kept: 'Until the person or a site admin revokes it, it is rotated, the person deletes their data or their account closes; an expired address is deleted 30 days after it expires.',
    perAccount: true,
  },
  feedToken: {
    name: 'Calendar address look-up',
    prefix: 'feed-token:',
    storage: 'plain',
    what: 'Finds an address from the hash of the secret a calendar app sends.',
    fields: ['SHA-256 hash of the secret (in the key)', 'Atlassian account id', 'feed id'],
    kept: 'As long as the address.',
    perAccount: true,
  },
  feedMarks: {
    name: 'Calendar feed change marks',
    prefix: 'feed-marks',
    storage: 'plain',
    what: 'When Jira last reported an issue change, and the ids of deleted issues, so feeds refresh on their next fetch.',
    fields: ['time of the last issue event', 'ids of deleted issues and when'],
    kept: 'Deleted issue ids for 7 days.',
    perAccount: false,
  },
} as const satisfies Record<string, RecordKind>;

/** Custom entities declared in manifest.yml (`app.storage.entities`); their keys come from `keys` below. */
export const ENTITIES = { share: 'mail-share', link: 'mail-link' } as const;

export const keys = {
  settings: () => RECORD_KINDS.settings.prefix,
  clientSecret: () => RECORD_KINDS.clientSecret.prefix,
  accountIndex: (accountId: string) => `${RECORD_KINDS.accountIndex.prefix}${accountId}`,
  msConnection: (accountId: string) => `${RECORD_KINDS.msConnection.prefix}${accountId}`,
  msPendingSignIn: (stateHash: string) => `${RECORD_KINDS.msPendingSignIn.prefix}${stateHash}`,
  share: (shareId: string) => `${RECORD_KINDS.share.prefix}${shareId}`,
  link: (linkId: string) => `${RECORD_KINDS.link.prefix}${linkId}`,
} as const;

/** Calendar feeds' keys (src/adapters/forge/feed-store.ts). */
export const feedKeys = {
  feed: (id: string) => `${RECORD_KINDS.feed.prefix}${id}`,
  state: (id: string) => `${RECORD_KINDS.feedState.prefix}${id}`,
  chunk: (id: string, gen: number, index: number) => `${RECORD_KINDS.feedCache.prefix}${id}:${gen}:${index}`,
  delta: (id: string) => `${RECORD_KINDS.feedDelta.prefix}${id}`,
  url: (accountId: string, feedId: string) => `${RECORD_KINDS.feedUrl.prefix}${accountId}:${feedId}`,
  token: (hash: string) => `${RECORD_KINDS.feedToken.prefix}${hash}`,
  marks: () => RECORD_KINDS.feedMarks.prefix,
} as const;

/** The kind a stored key belongs to (longest prefix wins), or undefined for a key nobody described. */
export function kindOfKey(key: string): keyof typeof RECORD_KINDS | undefined {
  let best: keyof typeof RECORD_KINDS | undefined;
  for (const [name, kind] of Object.entries(RECORD_KINDS) as Array<[keyof typeof RECORD_KINDS, RecordKind]>) {
    const exact = !kind.prefix.endsWith(':');
    if ((exact ? key === kind.prefix : key.startsWith(kind.prefix)) && (!best || kind.prefix.length > RECORD_KINDS[best].prefix.length)) best = name;
  }
  return best;
}
