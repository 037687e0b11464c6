/**
 * Shape of the `"microsoft"` section of `dev/fixtures/demo-tenant.json`.
 *
 * People are referred to by `key` everywhere else in the fixture. Dates (`When`) are either ISO
 * strings or relative to the emulator's start day (midnight UTC): `"-2d 09:30"`, `"+1d"`, `"-45m"`,
 * so mail and calendars look current whenever the demo runs. Big data is described by
 * `generateItems` / `generateFiles` and produced deterministically at start.
 */
export interface MicrosoftFixture {
  $comment?: string;
  tenants: TenantFixture[];
  users: UserFixture[];
  /**
   * Delegated Graph permissions of a registration that comes only from `createMicrosoftEmulator`'s `app`
   * option (no entry in `registrations`): what its `.default` asks for.
   */
  appPermissions: string[];
  /** Entra app registrations (App registrations in the admin center). */
  registrations?: RegistrationFixture[];
  /** Permission grants that exist when the emulator starts (`oAuth2PermissionGrants`, app role assignments). */
  consents?: ConsentFixture[];
  sites: SiteFixture[];
  /** Sharing links ("Copy link" in SharePoint) that `GET /shares/{u!…}` resolves. */
  sharingLinks?: SharingLinkFixture[];
  mail?: MessageFixture[];
  calendars?: CalendarFixture[];
  chats?: ChatFixture[];
  todo?: TodoListFixture[];
  /** Teams with their channels (data/teams.ts); chats are `chats`. */
  teams?: TeamFixture[];
}

export type When = string;

export interface TenantFixture {
  key: string;
  id: string;
  displayName: string;
  /** The first is the initial `*.onmicrosoft.com` domain. */
  domains: string[];
  sharePointHost?: string;
  /**
   * Entra's "User consent for applications" setting. `microsoft-managed` (Microsoft's default since
   * 2025): users may consent only to low-risk permissions; `allow-user-consent`: to any permission that
   * does not always need an admin. Default `microsoft-managed`.
   */
  userConsent?: UserConsentSetting;
}

export type UserConsentSetting = 'microsoft-managed' | 'allow-user-consent';

/** Directory roles that matter to consent, as the admin center names them. */
export type DirectoryRole =
  | 'Global Administrator' | 'Privileged Role Administrator'
  | 'Cloud Application Administrator' | 'Application Administrator';

export interface RegistrationFixture {
  $comment?: string;
  clientId: string;
  /** What sign-in and consent pages call the app. */
  displayName: string;
  /** Tenant key of the directory the app is registered in. */
  homeTenant: string;
  /** `AzureADMyOrg`: only the home tenant; `AzureADMultipleOrgs`: any Entra tenant that consents. */
  signInAudience: 'AzureADMyOrg' | 'AzureADMultipleOrgs';
  /** Client secrets ("Certificates & secrets"); a request may use any one that has not expired. */
  secrets: Array<{ description?: string; value: string; expires: When }>;
  /**
   * Web redirect URIs, compared exactly. `{origin}` stands for the emulator's origin, whose port
   * changes from run to run.
   */
  redirectUris: string[];
  /** Delegated Graph permissions configured under "API permissions": what `/.default` asks for. */
  requiredPermissions: string[];
  /** Graph application permissions (app roles) configured; only an admin consent grants them. */
  applicationPermissions?: string[];
}

/**
 * A grant in one tenant: without `user`, tenant-wide admin consent (`consentType: AllPrincipals`);
 * with `user` (a user key), that person's own consent.
 */
export interface ConsentFixture {
  $comment?: string;
  tenant: string;
  clientId: string;
  scopes: string[];
  user?: string;
  /** Application permissions granted by an admin. */
  appRoles?: string[];
}

export interface UserFixture {
  key: string;
  /** Home tenant key. */
  tenant: string;
  /** Object id in the home tenant. */
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  userPrincipalName: string;
  jobTitle?: string;
  /** Directory roles in the home tenant. */
  roles?: DirectoryRole[];
  /** B2B invitations: the guest object this person has in another tenant. */
  guestIn?: Array<{ tenant: string; id: string; userPrincipalName: string; roles?: DirectoryRole[] }>;
}

/** A user key, `"members"` (every Member of the site's tenant) or `"everyone"` (guests too). */
export type Grantee = string;

export interface SiteFixture {
  key: string;
  tenant: string;
  /** Server-relative path: `"/"` or `"/sites/phoenix"`. */
  path: string;
  /** Site collection GUID. */
  id: string;
  webId: string;
  displayName: string;
  description?: string;
  created?: When;
  owners: Grantee[];
  members: Grantee[];
  visitors?: Grantee[];
  lists: ListFixture[];
}

/**
 * A sharing link to one file. Who may open it, besides everyone who can already read the file:
 * `organization` — every Member of the site's tenant (not guests); `users` ("specific people") — the `users`
 * listed; `anonymous` — anyone signed in (Graph's `/shares` always needs a user); `existingAccess` — nobody new.
 */
export interface SharingLinkFixture {
  $comment?: string;
  /** As SharePoint hands it out: `https://contoso.sharepoint.com/:b:/s/phoenix/E…`. Matched without query or fragment. */
  url: string;
  /** The site's `key`, the library's `name` and the file's path in it. */
  site: string;
  list: string;
  path: string;
  scope: 'organization' | 'users' | 'anonymous' | 'existingAccess';
  type?: 'view' | 'edit';
  /** For `users`: user keys. */
  users?: string[];
}

export type ColumnType =
  | 'text' | 'note' | 'number' | 'currency' | 'dateTime' | 'boolean' | 'choice'
  | 'personOrGroup' | 'lookup' | 'hyperlinkOrPicture' | 'calculated';

export interface ColumnFixture {
  name: string;
  displayName?: string;
  type: ColumnType;
  indexed?: boolean;
  required?: boolean;
  hidden?: boolean;
  choices?: string[];
  /** For `lookup`: the target list's `name` in the same site and the column shown. */
  lookup?: { list: string; column: string };
  dateOnly?: boolean;
  /** For `calculated`: the SharePoint formula; the emulator stores the computed value in the item. */
  formula?: string;
}

export interface ListFixture {
  id: string;
  /** URL name: `Tasks`, `Shared Documents`. */
  name: string;
  displayName: string;
  template: 'genericList' | 'documentLibrary';
  description?: string;
  hidden?: boolean;
  created?: When;
  /** Unique permissions; absent = inherits the site's. */
  readers?: Grantee[];
  columns?: ColumnFixture[];
  items?: ItemFixture[];
  folders?: FolderFixture[];
  files?: FileFixture[];
  generateItems?: ItemsGenerator;
  generateFiles?: FilesGenerator;
}

export interface ItemFixture {
  id?: number;
  /**
   * Column values by column name. Person columns take a user key, lookups the target item id,
   * hyperlinks `{ Url, Description }`.
   */
  fields: Record<string, unknown>;
  readers?: Grantee[];
  author?: string;
  editor?: string;
  created?: When;
  modified?: When;
}

export interface FolderFixture {
  path: string;
  readers?: Grantee[];
  author?: string;
  created?: When;
}

export interface FileFixture {
  path: string;
  size?: number;
  readers?: Grantee[];
  author?: string;
  editor?: string;
  created?: When;
  modified?: When;
  /** Shown on the preview page. */
  text?: string;
}

/** Restrict every `every`-th generated entry (1-based, counting from `offset`) to `readers`. */
export interface Restriction {
  every: number;
  offset?: number;
  readers: Grantee[];
}

export interface ItemsGenerator {
  count: number;
  seed: number;
  /** `{n}` is replaced by the item number, zero-padded to the width of `count`. */
  title: string;
  /** Fixed start date of generated Created/Modified values, so output never depends on the clock. */
  since: string;
  /** People to pick for person columns and authors. */
  people: string[];
  restrict?: Restriction[];
}

export interface FilesGenerator {
  count: number;
  seed: number;
  folders: number;
  folderName: string;
  fileName: string;
  extensions: string[];
  since: string;
  people: string[];
  restrict?: Restriction[];
}

/** Outlook's well-known folders that the emulator keeps (`mailFolders/{name}` accepts these names). */
export type MailFolderName = 'inbox' | 'sentitems' | 'drafts' | 'deleteditems' | 'archive';

/**
 * One message in one mailbox. A message someone sent to colleagues exists once per mailbox (the
 * sender's Sent Items copy and each recipient's Inbox copy): give every copy after the first `copyOf`.
 */
export interface MessageFixture {
  /** Fixture-wide unique; a reply or copy names the message it answers or copies by this key. */
  key: string;
  mailbox: string;
  /** A user key or an external address. */
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  /** HTML of what this message adds; the quoted earlier message is appended when `quote` is set. */
  body: string;
  received: When;
  /**
   * Messages with the same key share a conversation (conversationId is per mailbox, as Exchange
   * builds it from the mailbox and the thread). Default: the message's own key.
   */
  conversation?: string;
  isRead?: boolean;
  importance?: 'low' | 'normal' | 'high';
  folder?: MailFolderName;
  /** The key of the message this one answers: sets In-Reply-To and References. */
  replyTo?: string;
  /** Append the answered message below this one, as Outlook (or, for external senders, Gmail) quotes it. */
  quote?: boolean;
  /** The key of the same sent message in another mailbox: same internetMessageId, headers and thread index. */
  copyOf?: string;
  attachments?: AttachmentFixture[];
}

/**
 * A file attached to a message. Content is `base64`, or `text` (UTF-8), or `size` bytes generated
 * deterministically (with a PNG signature for `image/png`), for large attachments.
 */
export interface AttachmentFixture {
  name: string;
  contentType: string;
  /** Shown in the body through `<img src="cid:{contentId}">`; such attachments do not count for hasAttachments. */
  inline?: boolean;
  contentId?: string;
  base64?: string;
  text?: string;
  size?: number;
}

export interface CalendarFixture {
  key: string;
  owner: string;
  name: string;
  color?: string;
  isDefault?: boolean;
  events: EventFixture[];
  /** Deterministic filler events (for benchmarks), added after `events`. */
  generateEvents?: EventsGenerator;
  /**
   * People the owner shared this calendar with in Outlook (read access), who accepted: it appears in their
   * own `/me/calendars` under an id of their mailbox, with `owner` the person who shared it.
   */
  sharedWith?: string[];
}

export type Weekday = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';

/**
 * One event in one calendar. `start` and `end` are wall-clock times in `timeZone` (the organizer's zone,
 * default UTC): a relative `When` (`"+1d 09:00"` is 09:00 there on the day after the start day) or an
 * ISO date-time without offset. An ISO instant with `Z` or an offset is taken as that instant. All-day
 * events give dates (`"+3d"`, `"2026-12-24"`) and an exclusive end.
 */
export interface EventFixture {
  key: string;
  subject: string;
  /** HTML inside `<body>`; Exchange wraps it in a whole document. */
  body?: string;
  start: When;
  end: When;
  /** IANA zone; stored as the Windows name Outlook writes into `originalStartTimeZone`. */
  timeZone?: string;
  isAllDay?: boolean;
  location?: string;
  /** User keys or e-mail addresses, or objects with the attendee's type and response. */
  attendees?: Array<string | AttendeeFixture>;
  /** A user key or address, when someone other than the calendar's owner organized it. */
  organizer?: string;
  online?: boolean;
  showAs?: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere';
  sensitivity?: 'normal' | 'personal' | 'private' | 'confidential';
  importance?: 'low' | 'normal' | 'high';
  categories?: string[];
  /** The organizer cancelled the meeting; attendees' copies stay in their calendars until removed. */
  isCancelled?: boolean;
  recurrence?: RecurrenceFixture;
}

export interface AttendeeFixture {
  /** A user key or an external address. */
  user: string;
  /** Display name for an external address. */
  name?: string;
  type?: 'required' | 'optional' | 'resource';
  response?: 'none' | 'accepted' | 'tentativelyAccepted' | 'declined' | 'notResponded';
  /** When the attendee responded (default: a day before the event). */
  responded?: When;
}

/**
 * A recurring series. Occurrences keep the first one's wall-clock time in `timeZone` (so their UTC
 * times move at DST changes). Occurrence numbers in `exceptions` and `cancelled` count from 1.
 */
export interface RecurrenceFixture {
  pattern: {
    type: 'daily' | 'weekly' | 'absoluteMonthly';
    interval?: number;
    /** Weekly: default the first occurrence's weekday. */
    daysOfWeek?: Weekday[];
    /** absoluteMonthly: default the first occurrence's day. */
    dayOfMonth?: number;
    firstDayOfWeek?: Weekday;
  };
  /** `noEnd` series are expanded for two years. */
  range: { type: 'numbered'; count: number } | { type: 'endDate'; until: When } | { type: 'noEnd' };
  /** Occurrences changed on their own: they become `exception` events. */
  exceptions?: Array<{ occurrence: number; start?: When; end?: When; subject?: string; location?: string; body?: string }>;
  /** Occurrences deleted from the series: calendarView and instances leave them out. */
  cancelled?: number[];
}

/**
 * Exactly `count` events spread over `days` days from `from` (a date), between 08:00 and 19:00 in
 * `timeZone`, with a mix of durations, overlaps, all-day events, private events, free/tentative/oof and
 * online meetings. Same seed, same events.
 */
export interface EventsGenerator {
  count: number;
  seed: number;
  from: When;
  days: number;
  timeZone?: string;
  subjects: string[];
  locations?: string[];
  /** Attendees are picked from these user keys. */
  people: string[];
}

/**
 * A Teams chat. Members are user keys. Message `at`s must differ (Teams message ids are the creation
 * time in milliseconds); `created` defaults to the first message's time.
 */
export interface ChatFixture {
  /** The Teams thread id, e.g. `19:...@unq.gbl.spaces` (1:1) or `19:...@thread.v2`. */
  id: string;
  chatType: 'oneOnOne' | 'group' | 'meeting';
  topic?: string;
  members: string[];
  created?: When;
  /** Meeting chats: the online meeting's event as `calendarKey/eventKey` (its organizer's calendar). */
  meeting?: string;
  messages: ChatMessageFixture[];
  generateMessages?: ChatMessagesGenerator;
}

export interface ChatMessageFixture {
  /** The sender's user key; absent for system event messages. */
  from?: string;
  at: When;
  /** Text or HTML. `<at id="n">Name</at>` marks `mentions[n]`; `{{image:n}}` places `images[n]` inline. */
  body?: string;
  contentType?: 'text' | 'html';
  /** User keys, in the order of the `<at id>`s. */
  mentions?: string[];
  /** `type`: a Unicode emoji or one of Teams' legacy names (like, heart, laugh, surprised, sad, angry). */
  reactions?: Array<{ by: string; type: string; at: When }>;
  edited?: When;
  deleted?: When;
  importance?: 'normal' | 'high' | 'urgent';
  /** Inline images, served by `hostedContents/{id}/$value`: given bytes, or a generated PNG of that size. */
  images?: Array<{ contentType?: 'image/png'; base64?: string; width?: number; height?: number; noise?: boolean }>;
  /** Files shared in the chat (reference attachments to SharePoint/OneDrive). */
  attachments?: Array<{ name: string; contentUrl: string; contentType?: string }>;
  system?: SystemEventFixture;
}

/** Teams' system messages that a chat can carry (microsoft-graph-docs-contrib `concepts/system-messages.md`). */
export type SystemEventFixture =
  | { type: 'membersAdded'; by: string; members: string[] }
  | { type: 'membersDeleted'; by: string; members: string[] }
  | { type: 'chatRenamed'; by: string; topic: string }
  | { type: 'callStarted'; by: string }
  | { type: 'callEnded'; by: string; durationSeconds: number; participants: string[] }
  | { type: 'messagePinned'; by: string };

/** `count` plain messages from `people` in turn-ish order, one every `everyMinutes` from `since`. */
export interface ChatMessagesGenerator {
  count: number;
  seed: number;
  since: When;
  everyMinutes: number;
  people: string[];
}

export interface TodoListFixture {
  key: string;
  owner: string;
  displayName: string;
  wellknownListName?: 'defaultList' | 'flaggedEmails' | 'none';
  tasks: Array<{
    key: string;
    title: string;
    status: 'notStarted' | 'inProgress' | 'completed' | 'waitingOnOthers' | 'deferred';
    importance?: 'low' | 'normal' | 'high';
    created: When;
    due?: When;
    completed?: When;
    body?: string;
  }>;
}

/** A team and its channels. Standard channels have the team's members; private ones list their own. */
export interface TeamFixture {
  /** The group id (GUID). */
  id: string;
  displayName: string;
  description?: string;
  members: string[];
  channels: Array<{
    /** The thread id, e.g. `19:…@thread.tacv2`. */
    id: string;
    displayName: string;
    membershipType?: 'standard' | 'private';
    /** Private channels only: a subset of the team's members. */
    members?: string[];
  }>;
}
