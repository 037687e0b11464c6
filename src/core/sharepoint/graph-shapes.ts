/**
 * The parts of Microsoft Graph's answers this core reads, as the core sees them: every field optional
 * and nullable, because the answers are checked as they are read, not trusted. They are structurally
 * compatible with `@microsoft/microsoft-graph-types` (the browser passes those in), which core does not
 * import: its boundary admits no `@microsoft/*` package.
 */
type Maybe<T> = T | null | undefined;

/** `columnDefinition`, with the facets that decide how a column is shown. */
export interface GraphColumnDefinition {
  name?: Maybe<string>;
  displayName?: Maybe<string>;
  hidden?: Maybe<boolean>;
  indexed?: Maybe<boolean>;
  columnGroup?: Maybe<string>;
  text?: Maybe<{ allowMultipleLines?: Maybe<boolean>; textType?: Maybe<string> }>;
  number?: Maybe<{ decimalPlaces?: Maybe<string>; displayAs?: Maybe<string> }>;
  currency?: Maybe<{ locale?: Maybe<string> }>;
  dateTime?: Maybe<{ format?: Maybe<string> }>;
  boolean?: Maybe<object>;
  choice?: Maybe<{ displayAs?: Maybe<string> }>;
  personOrGroup?: Maybe<{ allowMultipleSelection?: Maybe<boolean> }>;
  lookup?: Maybe<{ allowMultipleValues?: Maybe<boolean> }>;
  hyperlinkOrPicture?: Maybe<object>;
  term?: Maybe<{ allowMultipleValues?: Maybe<boolean> }>;
  contentApprovalStatus?: Maybe<object>;
  calculated?: Maybe<{ outputType?: Maybe<string>; format?: Maybe<string> }>;
  geolocation?: Maybe<object>;
  thumbnail?: Maybe<object>;
}

interface GraphIdentity {
  displayName?: Maybe<string>;
  /** SharePoint adds it; Graph's typings don't list it. */
  email?: Maybe<string>;
}

/** `identitySet`; SharePoint also sends `group` identities, which Graph's typings don't list. */
export interface GraphIdentitySet {
  user?: Maybe<GraphIdentity>;
  group?: Maybe<GraphIdentity>;
  application?: Maybe<GraphIdentity>;
}

/** `listItem` with `$expand=fields`. */
export interface GraphListItem {
  id?: Maybe<string>;
  webUrl?: Maybe<string>;
  fields?: Maybe<object>;
  contentType?: Maybe<{ name?: Maybe<string> }>;
  createdBy?: Maybe<GraphIdentitySet>;
  lastModifiedBy?: Maybe<GraphIdentitySet>;
}

interface GraphThumbnail {
  url?: Maybe<string>;
}

/** `driveItem` with the `$select`/`$expand` of `requests.ts`. */
export interface GraphDriveItem {
  id?: Maybe<string>;
  name?: Maybe<string>;
  webUrl?: Maybe<string>;
  size?: Maybe<number>;
  createdDateTime?: Maybe<string>;
  lastModifiedDateTime?: Maybe<string>;
  createdBy?: Maybe<GraphIdentitySet>;
  lastModifiedBy?: Maybe<GraphIdentitySet>;
  file?: Maybe<{ mimeType?: Maybe<string> }>;
  folder?: Maybe<{ childCount?: Maybe<number> }>;
  package?: Maybe<{ type?: Maybe<string> }>;
  parentReference?: Maybe<{ path?: Maybe<string>; id?: Maybe<string> }>;
  listItem?: Maybe<{ fields?: Maybe<object> }>;
  thumbnails?: Maybe<Array<{ small?: Maybe<GraphThumbnail>; medium?: Maybe<GraphThumbnail> }>>;
}
