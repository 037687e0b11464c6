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

/** The kind a stored key belongs to (longest prefix wins), or undefined for a key nobody described. */
export function kindOfKey(key: string): keyof typeof RECORD_KINDS | undefined {
  let best: keyof typeof RECORD_KINDS | undefined;
  for (const [name, kind] of Object.entries(RECORD_KINDS) as Array<[keyof typeof RECORD_KINDS, RecordKind]>) {
    const exact = !kind.prefix.endsWith(':');
    if ((exact ? key === kind.prefix : key.startsWith(kind.prefix)) && (!best || kind.prefix.length > RECORD_KINDS[best].prefix.length)) best = name;
  }
  return best;
}
