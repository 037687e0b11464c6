/**
 * The app's features as an admin switches them, with the Microsoft Graph permissions each one needs
 * (delegated), so consent can be asked per feature and only for what that feature uses.
 */
export type FeatureKey =
  | 'sharepoint'
  | 'share.mail'
  | 'share.conversation'
  | 'share.calendar'
  | 'share.event'
  | 'share.chat'
  | 'linkStore'
  | 'automations'
  | 'calendarFeeds';

export interface FeatureInfo {
  label: string;
  description: string;
  /** Built in this version. A feature that is not built cannot be turned on. */
  built: boolean;
  /** Delegated Graph permissions beyond the sign-in basics. */
  scopes: readonly string[];
  /**
   * `first-use`: the permissions are asked when a person first uses the feature (incremental consent),
   * not at sign-in, so nobody grants mail access just to see a SharePoint list.
   */
  consent?: 'first-use';
  /** Built features are on for a new installation; the rest stay off until they exist. */
  defaultOn: boolean;
}

/** Every sign-in asks these: who the user is, and a refresh token to keep the connection. */
export const BASE_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'User.Read'] as const;

export const FEATURES: Readonly<Record<FeatureKey, FeatureInfo>> = {
  sharepoint: {
    label: 'SharePoint List and Document macros',
    description: 'Confluence macros that show SharePoint lists, libraries and documents to each viewer as SharePoint lets them see it.',
    built: true,
    scopes: ['Sites.Read.All', 'Files.Read.All'],
    defaultOn: true,
  },
  'share.mail': { label: 'Share single mails', description: 'Share an Outlook mail into a Jira issue.', built: true, scopes: ['Mail.Read'], consent: 'first-use', defaultOn: true },
  'share.conversation': {
    label: 'Share whole conversations',
    description: 'Share an Outlook conversation, including replies that arrive later, into a Jira issue.',
    built: true,
    scopes: ['Mail.Read'],
    consent: 'first-use',
    defaultOn: true,
  },
  'share.calendar': { label: 'Share calendars', description: 'Share an Outlook calendar for a date window (agenda and week grid; private events show as busy).', built: true, scopes: ['Calendars.Read'], consent: 'first-use', defaultOn: true },
  'share.event': { label: 'Share single events', description: 'Share one Outlook event or meeting.', built: true, scopes: ['Calendars.Read'], consent: 'first-use', defaultOn: true },
  'share.chat': { label: 'Share Teams chats', description: 'Share a Microsoft Teams chat, read on the sharer’s behalf when someone opens the issue.', built: true, scopes: ['Chat.Read'], consent: 'first-use', defaultOn: true },
  linkStore: {
    label: 'Mail ↔ issue links',
    description: 'Remember which mails and conversations belong to which Jira issues (ids only).',
    built: true,
    scopes: ['Mail.Read'],
    consent: 'first-use',
    defaultOn: true,
  },
  automations: {
    label: 'Automations',
    description: 'Jira issue updates posted to Teams; completed Microsoft To Do tasks move Jira issues.',
    built: true,
    // Posting as the rule's owner; the picker lists the owner's teams, channels and chats in their browser;
    // tasks are created or picked in the browser and read by the app as their owner.
    scopes: ['ChannelMessage.Send', 'ChatMessage.Send', 'Team.ReadBasic.All', 'Channel.ReadBasic.All', 'Chat.ReadBasic', 'Tasks.ReadWrite'],
    consent: 'first-use',
    defaultOn: false,
  },
  calendarFeeds: {
    label: 'Calendar feeds',
    description: 'Read-only calendar subscriptions of Jira issues, at personal unguessable addresses.',
    built: true,
    scopes: [],
    defaultOn: true,
  },
};

export const FEATURE_KEYS = Object.keys(FEATURES) as FeatureKey[];

export const isFeatureKey = (v: unknown): v is FeatureKey => typeof v === 'string' && Object.hasOwn(FEATURES, v);

/**
 * The scopes a sign-in asks for: the basics plus what the enabled features need (de-duplicated),
 * except features that ask for theirs when first used.
 */
export function scopesFor(features: Iterable<FeatureKey>): string[] {
  const out = new Set<string>(BASE_SCOPES);
  for (const f of features) if (FEATURES[f].consent !== 'first-use') for (const s of FEATURES[f].scopes) out.add(s);
  return [...out];
}

/** The scopes a sign-in started for `feature` adds (incremental consent); none for other features. */
export const firstUseScopes = (feature: FeatureKey): readonly string[] => (FEATURES[feature].consent === 'first-use' ? FEATURES[feature].scopes : []);
