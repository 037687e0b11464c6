import type { GraphColumnDefinition as ColumnDefinition } from './graph-shapes';

/**
 * How a column's values are shown. `title` is a list's Title (links to the item), `fileName` a library's
 * Name (links to the file), `fileSize` the library's File Size; the rest follow Graph's column facets.
 */
export type ColumnType =
  | 'title'
  | 'fileName'
  | 'fileSize'
  | 'text'
  | 'note'
  | 'number'
  | 'currency'
  | 'dateTime'
  | 'boolean'
  | 'choice'
  | 'multiChoice'
  | 'person'
  | 'lookup'
  | 'hyperlink'
  | 'calculated'
  | 'term'
  | 'counter'
  | 'unknown';

export const COLUMN_TYPES: readonly ColumnType[] = [
  'title',
  'fileName',
  'fileSize',
  'text',
  'note',
  'number',
  'currency',
  'dateTime',
  'boolean',
  'choice',
  'multiChoice',
  'person',
  'lookup',
  'hyperlink',
  'calculated',
  'term',
  'counter',
  'unknown',
];

export type CalculatedOutput = 'text' | 'number' | 'currency' | 'dateTime' | 'boolean';

/** Display details copied from the column definition when the editor picks the column. */
export interface ColumnFormat {
  /** dateTime (and calculated dateTime): show the date without a time. */
  dateOnly?: boolean;
  /** number: fixed decimals 0..5; absent means "automatic". */
  decimals?: number;
  /** number: SharePoint stores 0.5 for 50 %. */
  percentage?: boolean;
  /** currency: the column's locale (`en-us`) or SharePoint LCID (`1033`), which fixes the currency. */
  currencyLocale?: string;
  /** note: the value is HTML. */
  richText?: boolean;
  /** calculated: the formula's output type. */
  outputType?: CalculatedOutput;
  /** person, lookup, term: more than one value allowed. */
  multi?: boolean;
}

/** A column as stored in the macro configuration and used by the table. */
export interface ColumnRef {
  name: string;
  displayName: string;
  type: ColumnType;
  format?: ColumnFormat;
}

export type ListKind = 'list' | 'library';

// Columns every list or library has that mean nothing to a reader, or duplicate another column.
// Graph returns most of them with `hidden: false` (seen in real `/lists/{id}/columns` answers), so the
// hidden flag alone is not enough.
const SYSTEM_COLUMNS = new Set(
  [
    'ContentType', 'ContentTypeId', 'Attachments', 'Edit', 'LinkTitle', 'LinkTitleNoMenu', 'LinkTitle2', 'DocIcon',
    'ItemChildCount', 'FolderChildCount', 'AppAuthor', 'AppEditor', 'ComplianceAssetId', 'SelectTitle', 'SelectFilename',
    'LinkFilename', 'LinkFilenameNoMenu', 'LinkFilename2', 'BaseName', 'FileRef', 'FileDirRef', 'FSObjType', 'PermMask',
    'UniqueId', 'ProgId', 'ScopeId', 'MetaInfo', 'owshiddenversion', 'Restricted', 'OriginatorId', 'NoExecute',
    'ContentVersion', 'AccessPolicy', 'SMTotalSize', 'SMLastModifiedDate', 'SMTotalFileStreamSize', 'SMTotalFileCount',
    'InstanceID', 'Order', 'WorkflowVersion', 'WorkflowInstanceID', 'ParentVersionString', 'ParentLeafName',
    'DocConcurrencyNumber', 'ParentUniqueId', 'StreamHash', 'TemplateUrl', 'xd_ProgID', 'xd_Signature', 'Combine',
    'RepairDocument', 'HTML_x0020_File_x0020_Type', 'File_x0020_Type', 'SyncClientId', 'VirusStatus', 'CheckedOutUserId',
    'IsCheckedoutToLocal', 'CheckedOutTitle', 'LinkCheckedOutTitle', 'GUID', 'WorkflowAssociation', 'TaxCatchAll',
    'TaxCatchAllLabel', 'Thumbnail', 'Preview', 'MediaLengthInSeconds',
  ].map((n) => n.toLowerCase()),
);
// `_`-prefixed names are internal (`_UIVersionString`, `_ComplianceTag`, `_IsRecord`, `_ColorTag`, …)
// except these, which SharePoint offers in its own column picker.
const UNDERSCORE_ALLOWED = new Set(['_checkincomment', '_moderationstatus', '_moderationcomments', '_extendeddescription']);
const BUILT_IN = new Set(['title', 'modified', 'created', 'author', 'editor', 'id', 'fileleafref', 'filesizedisplay', 'checkoutuser']);
const DECIMALS: Record<string, number> = { none: 0, one: 1, two: 2, three: 3, four: 4, five: 5 };
const OUTPUTS = new Set<CalculatedOutput>(['text', 'number', 'currency', 'dateTime', 'boolean']);

/** Whether Graph's column is one an editor should never be offered. */
export function isSystemColumn(name: string): boolean {
  const n = name.toLowerCase();
  if (SYSTEM_COLUMNS.has(n)) return true;
  if (n.startsWith('_') && !UNDERSCORE_ALLOWED.has(n)) return true;
  if (n.startsWith('_dlc_') || n.startsWith('_ip_')) return true;
  return n.startsWith('mediaservice') && n !== 'mediaserviceimagetags';
}

/**
 * Maps one Graph column definition to a pickable column, or undefined when it should not be offered
 * (hidden, in the `_Hidden` group, internal, or of a type the table can't show: geolocation, thumbnail).
 */
export function columnFromDefinition(def: ColumnDefinition, kind: ListKind): ColumnRef | undefined {
  const name = def.name;
  if (typeof name !== 'string' || name === '' || def.hidden === true || def.columnGroup === '_Hidden') return undefined;
  if (isSystemColumn(name)) return undefined;
  const displayName = typeof def.displayName === 'string' && def.displayName.trim() !== '' ? def.displayName : name;
  const typed = typeOf(def, kind);
  if (typed === undefined) return undefined;
  const col: ColumnRef = { name, displayName, type: typed.type };
  if (typed.format !== undefined && Object.keys(typed.format).length > 0) col.format = typed.format;
  return col;
}

function typeOf(def: ColumnDefinition, kind: ListKind): { type: ColumnType; format?: ColumnFormat } | undefined {
  const n = (def.name ?? '').toLowerCase();
  if (n === 'title' && kind === 'list') return { type: 'title' };
  if (n === 'fileleafref') return { type: 'fileName' };
  if (n === 'filesizedisplay') return { type: 'fileSize' };
  if (n === 'id') return { type: 'counter' };
  if (def.text) return def.text.allowMultipleLines ? { type: 'note', format: { richText: def.text.textType === 'richText' } } : { type: 'text' };
  if (def.number) {
    const format: ColumnFormat = {};
    const d = DECIMALS[def.number.decimalPlaces ?? ''];
    if (d !== undefined) format.decimals = d;
    if (def.number.displayAs === 'percentage') format.percentage = true;
    return { type: 'number', format };
  }
  if (def.currency) return { type: 'currency', format: def.currency.locale ? { currencyLocale: def.currency.locale.toLowerCase() } : {} };
  if (def.dateTime) return { type: 'dateTime', format: { dateOnly: def.dateTime.format === 'dateOnly' } };
  if (def.boolean) return { type: 'boolean' };
  if (def.choice) return { type: def.choice.displayAs === 'checkBoxes' ? 'multiChoice' : 'choice' };
  if (def.personOrGroup) return { type: 'person', format: { multi: def.personOrGroup.allowMultipleSelection === true } };
  if (def.lookup) return { type: 'lookup', format: { multi: def.lookup.allowMultipleValues === true } };
  if (def.hyperlinkOrPicture) return { type: 'hyperlink' };
  if (def.term) return { type: 'term', format: { multi: def.term.allowMultipleValues === true } };
  if (def.contentApprovalStatus) return { type: 'choice' };
  if (def.calculated) {
    const out = def.calculated.outputType as CalculatedOutput | undefined;
    const format: ColumnFormat = { outputType: out !== undefined && OUTPUTS.has(out) ? out : 'text' };
    if (def.calculated.format === 'dateOnly') format.dateOnly = true;
    return { type: 'calculated', format };
  }
  if (def.geolocation || def.thumbnail) return undefined;
  return { type: 'unknown' };
}

/** The columns an editor may pick, in Graph's order, without duplicates. */
export function pickableColumns(defs: readonly ColumnDefinition[], kind: ListKind): ColumnRef[] {
  const seen = new Set<string>();
  const out: ColumnRef[] = [];
  for (const def of defs) {
    const col = columnFromDefinition(def, kind);
    if (col === undefined || seen.has(col.name.toLowerCase())) continue;
    seen.add(col.name.toLowerCase());
    out.push(col);
  }
  return out;
}

const FALLBACK: Record<string, ColumnRef> = {
  Title: { name: 'Title', displayName: 'Title', type: 'title' },
  FileLeafRef: { name: 'FileLeafRef', displayName: 'Name', type: 'fileName' },
  Modified: { name: 'Modified', displayName: 'Modified', type: 'dateTime', format: { dateOnly: false } },
  Editor: { name: 'Editor', displayName: 'Modified By', type: 'person', format: { multi: false } },
  FileSizeDisplay: { name: 'FileSizeDisplay', displayName: 'File Size', type: 'fileSize' },
};

/**
 * Columns shown before the editor chooses. Lists: Title, up to three of the list's own columns, Modified,
 * Modified By. Libraries: Name, Modified, Modified By, File Size — as SharePoint's default library view.
 * Built-ins missing from `pickable` (Graph omits some for libraries) are added with their usual names.
 */
export function defaultColumns(pickable: readonly ColumnRef[], kind: ListKind): ColumnRef[] {
  const byName = (name: string): ColumnRef | undefined =>
    pickable.find((c) => c.name.toLowerCase() === name.toLowerCase()) ?? FALLBACK[name];
  const pick = (names: string[]): ColumnRef[] => names.map(byName).filter((c): c is ColumnRef => c !== undefined);
  if (kind === 'library') return pick(['FileLeafRef', 'Modified', 'Editor', 'FileSizeDisplay']);
  const custom = pickable.filter((c) => !BUILT_IN.has(c.name.toLowerCase()) && c.type !== 'note').slice(0, 3);
  return [...pick(['Title']), ...custom, ...pick(['Modified', 'Editor'])];
}

/**
 * Refreshes stored columns against the list's current definitions: display names and formats follow
 * SharePoint (a renamed column keeps working, since the internal name never changes); columns that
 * no longer exist are reported so the viewer can say so instead of showing empty cells.
 */
export function reconcileColumns(
  stored: readonly ColumnRef[],
  live: readonly ColumnRef[],
): { columns: ColumnRef[]; missing: ColumnRef[] } {
  const byName = new Map(live.map((c) => [c.name.toLowerCase(), c]));
  const columns: ColumnRef[] = [];
  const missing: ColumnRef[] = [];
  for (const col of stored) {
    const now = byName.get(col.name.toLowerCase()) ?? FALLBACK[col.name];
    if (now === undefined) missing.push(col);
    else columns.push(now);
  }
  return { columns, missing };
}
