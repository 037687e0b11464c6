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
  msSignInOutcome: {
    name: 'How sign-ins ended',
    prefix: 'ms-signin-outcome:',
    storage: 'plain',
    what: 'Whether a sign-in that was started connected or why it did not, so the page that started it can say so.',
    fields: ['hash of the one-time state', 'Atlassian account id', 'connected, or the reason it failed'],
    kept: '10 minutes.',
    perAccount: false,
  },
  share: {
    name: 'Shared mails, conversations, calendars, events and Teams chats',
    prefix: 'share:',
    storage: 'entity',
    what: 'Which Outlook mail or conversation, calendar (for a date window), event or Teams chat someone shared into which Jira issue or Confluence page, and with whom. The item itself is read from their Microsoft 365 each time it is viewed and never stored: no subject, title, message or name.',
    fields: ['share id', 'mail, conversation, calendar, event or chat', 'Atlassian account id of the person who shared it', 'Microsoft user and tenant ids', 'immutable message id, Message-ID and conversation id (mail)', 'calendar id, date window and whether only free/busy shows (calendars)', 'immutable event id (events)', 'Teams chat id (chats)', 'scope (private, Atlassian users, public)', 'Jira issue and project ids, or Confluence page and space ids', 'when shared', 'when it ends (if its sharer set an end date)'],
    kept: 'Until the person who shared it (or a project admin) removes it, it ends (deleted within the hour), the person deletes their data, or their account closes.',
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
  shareOpen: {
    name: 'Who opened a share',
    prefix: 'share-open:',
    storage: 'entity',
    what: 'When a shared item was opened and by whom, shown only to the person who shared it. Views by one person within half an hour count once.',
    fields: ['share id', 'Atlassian account id of the person who shared it', 'Atlassian account id of the person who opened it (none for anonymous visitors)', 'when'],
    kept: '90 days, or until the share is removed, handed over or ends; deleted with the data of the person who shared it or who opened it.',
    perAccount: true,
  },
  shareOffer: {
    name: 'Shares offered to a colleague',
    prefix: 'share-offer:',
    storage: 'entity',
    what: 'A hand-over someone offered and the colleague has not accepted or refused yet.',
    fields: ['offer id', 'Atlassian account ids of the person offering and of the colleague', 'share ids', 'when offered'],
    kept: 'Until accepted, refused or withdrawn; 14 days at most; deleted with either person’s data.',
    perAccount: true,
  },
  shareProjectPolicy: {
    name: 'Project sharing rules',
    prefix: 'share-policy:',
    storage: 'plain',
    what: 'How a project’s admins narrowed the site’s sharing rules for their project (kinds switched off, fewer audiences, free/busy only, shorter Public shares).',
    fields: ['Jira project id', 'per kind: off, allowed audiences, default audience, free/busy only, longest Public share in days', 'Atlassian account id of the project admin who last changed them', 'when changed'],
    kept: 'Until a project admin changes them, or the app is uninstalled.',
    perAccount: false,
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
  automationRule: {
    name: 'Automation rules',
    prefix: 'auto-rule:',
    storage: 'plain',
    what: 'Each project’s rules that post Jira changes to Microsoft Teams, as a project admin set them up. The messages themselves are built when they are sent and never stored.',
    fields: ['rule id and name', 'Jira project id', 'which changes (created, moved to which statuses, commented, assigned, priority)', 'JQL', 'Teams team and channel ids and names, or chat id and name', 'an optional first line', 'Atlassian account id and Microsoft user id of its owner', 'active, paused (and why) or off', 'when created and changed'],
    kept: 'Until a project admin deletes it. When its owner’s account closes or they delete their data, the rule stays, paused and without an owner, for a project admin to take over.',
    perAccount: true,
  },
  automationLog: {
    name: 'Automation delivery log',
    prefix: 'auto-log:',
    storage: 'plain',
    what: 'The last 50 deliveries of each rule: ids and outcomes only, no message text.',
    fields: ['rule id', 'when', 'Jira change id (changelog, comment or issue id)', 'issue id and key', 'sent, failed, retrying', 'error code', 'the change as ids (status, priority, assignee account ids), so it can be sent again'],
    kept: 'The last 50 per rule; 90 days at most; deleted with the rule.',
    perAccount: false,
  },
  automationSeen: {
    name: 'Handled changes',
    prefix: 'auto-seen:',
    storage: 'plain',
    what: 'Which Jira changes each rule already handled, and which To Do completions already moved an issue, so a repeated delivery does nothing twice.',
    fields: ['rule id and Jira change id, or link id and completion time'],
    kept: '7 days (Jira changes) or 30 days (completions).',
    perAccount: false,
  },
  automationCap: {
    name: 'Teams daily counts',
    prefix: 'auto-cap:',
    storage: 'plain',
    what: 'How many messages the app posted in each Teams channel today, to stay under Teams’ daily limit.',
    fields: ['Teams team and channel ids', 'day', 'count'],
    kept: '2 days.',
    perAccount: false,
  },
  automationMapping: {
    name: 'Status for completed tasks',
    prefix: 'auto-map:',
    storage: 'plain',
    what: 'Per project, the status an issue moves to when a linked Microsoft To Do task is completed.',
    fields: ['Jira project id', 'status id and name', 'when changed'],
    kept: 'Until a project admin changes it, or the app is uninstalled.',
    perAccount: false,
  },
  todoLink: {
    name: 'To Do ↔ issue links',
    prefix: 'todo-link:',
    storage: 'plain',
    what: 'Which of a person’s Microsoft To Do tasks is linked to which Jira issue. The task itself is read from their To Do when it changes and never stored.',
    fields: ['link id', 'Atlassian account id', 'Microsoft user id', 'Jira issue and project ids', 'To Do list and task ids', 'subscription record id', 'when linked', 'the last completion acted on and its outcome (moved to which status, or why not)'],
    kept: 'Until the person unlinks it, deletes their data, or their account closes.',
    perAccount: true,
  },
  todoIssueIndex: {
    name: 'To Do links by issue',
    prefix: 'todo-issue:',
    storage: 'plain',
    what: 'Finds the links of an issue for its panel.',
    fields: ['Jira issue id, Atlassian account id and link id (in the key)'],
    kept: 'As long as the link.',
    perAccount: true,
  },
  todoSubscription: {
    name: 'To Do list subscriptions',
    prefix: 'todo-sub:',
    storage: 'plain',
    what: 'The Microsoft Graph change-notification subscription on each To Do list that holds linked tasks, so completions reach the app.',
    fields: ['subscription record id', 'Atlassian account id', 'Microsoft user id', 'To Do list id', 'Graph subscription id', 'when it expires (at most 4,230 minutes ahead, renewed hourly when under a day)', 'the last problem creating or renewing it'],
    kept: 'While the list has linked tasks and the Automations feature is on.',
    perAccount: true,
  },
  automationKey: {
    name: 'To Do notification key',
    prefix: 'automation-key',
    storage: 'secret',
    what: 'A random key the clientState of every To Do subscription is derived from; a notification without the right one is ignored.',
    fields: ['32 random bytes (encrypted by Forge)'],
    kept: 'Replaced when the Automations feature is turned off; deleted with the app.',
    perAccount: false,
  },
} as const satisfies Record<string, RecordKind>;

/** Custom entities declared in manifest.yml (`app.storage.entities`); their keys come from `keys` below. */
export const ENTITIES = { share: 'mail-share', link: 'mail-link', shareOpen: 'share-open', shareOffer: 'share-offer' } as const;

/** Keeping shares under control (src/adapters/forge/share-controls.ts). */
export const shareControlKeys = {
  open: (openId: string) => `${RECORD_KINDS.shareOpen.prefix}${openId}`,
  offer: (offerId: string) => `${RECORD_KINDS.shareOffer.prefix}${offerId}`,
  projectPolicy: (projectId: string) => `${RECORD_KINDS.shareProjectPolicy.prefix}${projectId}`,
} as const;

export const keys = {
  settings: () => RECORD_KINDS.settings.prefix,
  clientSecret: () => RECORD_KINDS.clientSecret.prefix,
  accountIndex: (accountId: string) => `${RECORD_KINDS.accountIndex.prefix}${accountId}`,
  msConnection: (accountId: string) => `${RECORD_KINDS.msConnection.prefix}${accountId}`,
  msPendingSignIn: (stateHash: string) => `${RECORD_KINDS.msPendingSignIn.prefix}${stateHash}`,
  msSignInOutcome: (stateHash: string) => `${RECORD_KINDS.msSignInOutcome.prefix}${stateHash}`,
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

/** Automations' keys (src/adapters/forge/automation-store.ts). */
export const automationKeys = {
  rule: (projectId: string, ruleId: string) => `${RECORD_KINDS.automationRule.prefix}${projectId}:${ruleId}`,
  rulesOf: (projectId: string) => `${RECORD_KINDS.automationRule.prefix}${projectId}:`,
  log: (ruleId: string, entryId: string) => `${RECORD_KINDS.automationLog.prefix}${ruleId}:${entryId}`,
  logOf: (ruleId: string) => `${RECORD_KINDS.automationLog.prefix}${ruleId}:`,
  seen: (key: string) => `${RECORD_KINDS.automationSeen.prefix}${key}`,
  cap: (key: string) => `${RECORD_KINDS.automationCap.prefix}${key}`,
  mapping: (projectId: string) => `${RECORD_KINDS.automationMapping.prefix}${projectId}`,
  link: (accountId: string, linkId: string) => `${RECORD_KINDS.todoLink.prefix}${accountId}:${linkId}`,
  linksOf: (accountId: string) => `${RECORD_KINDS.todoLink.prefix}${accountId}:`,
  issueIndex: (issueId: string, accountId: string, linkId: string) => `${RECORD_KINDS.todoIssueIndex.prefix}${issueId}:${accountId}:${linkId}`,
  issueIndexOf: (issueId: string) => `${RECORD_KINDS.todoIssueIndex.prefix}${issueId}:`,
  subscription: (subId: string) => `${RECORD_KINDS.todoSubscription.prefix}${subId}`,
  notificationKey: () => RECORD_KINDS.automationKey.prefix,
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
