import type { ColumnDefinition } from '@microsoft/microsoft-graph-types';
import type { DocumentMacroConfig, ListMacroConfig } from '../../../src/core/sharepoint/config';

export const SITE_ID = 'contoso.sharepoint.com,3f2504e0-4f89-11d3-9a0c-0305e82c3301,9a0c4f89-3f25-11d3-4f89-0305e82c3302';
export const LIST_ID = '5d1c3a4e-0000-4000-8000-00000000000a';
export const DRIVE_ID = 'b!4IOMP4lP00GaDAMF6CwzAQKXaJ4tM5lBjzKPl_abcdEFGH-ijklmnopQRSTuvwxyz0123';
export const ITEM_ID = '01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K';

export const listConfig = (over: Partial<ListMacroConfig> = {}): ListMacroConfig => ({
  version: 3,
  siteId: SITE_ID,
  listId: LIST_ID,
  kind: 'list',
  columns: [
    { name: 'Title', displayName: 'Title', type: 'title' },
    { name: 'Status', displayName: 'Status', type: 'choice' },
    { name: 'Due', displayName: 'Due date', type: 'dateTime', format: { dateOnly: true } },
    { name: 'Owner', displayName: 'Owner', type: 'person', format: { multi: false } },
    { name: 'Modified', displayName: 'Modified', type: 'dateTime', format: { dateOnly: false } },
  ],
  pageSize: 25,
  ...over,
});

export const libraryConfig = (over: Partial<ListMacroConfig> = {}): ListMacroConfig =>
  listConfig({
    kind: 'library',
    driveId: DRIVE_ID,
    columns: [
      { name: 'FileLeafRef', displayName: 'Name', type: 'fileName' },
      { name: 'Modified', displayName: 'Modified', type: 'dateTime', format: { dateOnly: false } },
      { name: 'Editor', displayName: 'Modified By', type: 'person' },
      { name: 'FileSizeDisplay', displayName: 'File Size', type: 'fileSize' },
    ],
    ...over,
  });

export const documentConfig = (over: Partial<DocumentMacroConfig> = {}): DocumentMacroConfig => ({
  version: 2,
  siteId: SITE_ID,
  driveId: DRIVE_ID,
  itemId: ITEM_ID,
  ...over,
});

const col = (name: string, displayName: string, extra: Partial<ColumnDefinition> = {}): ColumnDefinition => ({
  columnGroup: 'Custom Columns',
  description: '',
  displayName,
  enforceUniqueValues: false,
  hidden: false,
  indexed: false,
  name,
  readOnly: false,
  required: false,
  ...extra,
});
const lookupish = (name: string, displayName: string): ColumnDefinition =>
  col(name, displayName, {
    readOnly: true,
    lookup: { allowMultipleValues: false, allowUnlimitedLength: false, columnName: name.replace(/^_/, ''), listId: '', primaryLookupColumnId: 'ID' },
  });

/**
 * `GET /sites/{id}/lists/{id}/columns` for a generic list, as Graph answers it: most system columns come
 * back with `hidden: false` (shape taken from a recorded response), plus a few custom columns.
 */
export const GENERIC_LIST_COLUMNS: ColumnDefinition[] = [
  col('ID', 'ID', { readOnly: true }),
  col('ContentType', 'Content Type', { columnGroup: '_Hidden' }),
  col('Title', 'Title', { required: true, text: { allowMultipleLines: false, appendChangesToExistingText: false, linesForEditing: 0, maxLength: 255 } }),
  col('Modified', 'Modified', { readOnly: true, dateTime: { displayAs: 'default', format: 'dateTime' } }),
  col('Created', 'Created', { readOnly: true, dateTime: { displayAs: 'default', format: 'dateTime' } }),
  col('Author', 'Created By', { readOnly: true, personOrGroup: { allowMultipleSelection: false, displayAs: 'nameWithPresence', chooseFromType: 'peopleAndGroups' } }),
  col('Editor', 'Modified By', { readOnly: true, personOrGroup: { allowMultipleSelection: false, displayAs: 'nameWithPresence', chooseFromType: 'peopleAndGroups' } }),
  col('_UIVersionString', 'Version', { readOnly: true, text: { allowMultipleLines: false, maxLength: 255 } }),
  col('Attachments', 'Attachments'),
  col('Edit', 'Edit', { readOnly: true }),
  col('LinkTitleNoMenu', 'Title', { readOnly: true }),
  col('LinkTitle', 'Title', { readOnly: true }),
  col('DocIcon', 'Type', { readOnly: true }),
  lookupish('ItemChildCount', 'Item Child Count'),
  lookupish('FolderChildCount', 'Folder Child Count'),
  lookupish('_ComplianceFlags', 'Label setting'),
  lookupish('_ComplianceTag', 'Retention label'),
  lookupish('_ComplianceTagWrittenTime', 'Retention label Applied'),
  lookupish('_ComplianceTagUserId', 'Label applied by'),
  col('AppAuthor', 'App Created By', { readOnly: true, lookup: { columnName: 'Title', listId: 'AppPrincipals' } }),
  col('AppEditor', 'App Modified By', { readOnly: true, lookup: { columnName: 'Title', listId: 'AppPrincipals' } }),
  col('ComplianceAssetId', 'Compliance Asset Id', { readOnly: true, text: { allowMultipleLines: false, maxLength: 255 } }),
  col('_IsRecord', 'Item is a Record', { readOnly: true }),
  col('_ColorTag', 'Color Tag', { readOnly: true, text: { allowMultipleLines: false, maxLength: 255 } }),
  col('Status', 'Status', { choice: { allowTextEntry: false, choices: ['Not started', 'Done'], displayAs: 'dropDownMenu' } }),
  col('Tags', 'Tags', { choice: { allowTextEntry: false, choices: ['A', 'B'], displayAs: 'checkBoxes' } }),
  col('Owner', 'Owner', { personOrGroup: { allowMultipleSelection: false, chooseFromType: 'peopleOnly' } }),
  col('Reviewers', 'Reviewers', { personOrGroup: { allowMultipleSelection: true, chooseFromType: 'peopleOnly' } }),
  col('Notes', 'Notes', { text: { allowMultipleLines: true, textType: 'richText' } }),
  col('Budget', 'Budget', { currency: { locale: 'de-DE' } }),
  col('Effort', 'Effort', { number: { decimalPlaces: 'two', displayAs: 'number' } }),
  col('Done', 'Done %', { number: { decimalPlaces: 'automatic', displayAs: 'percentage' } }),
  col('Due', 'Due date', { dateTime: { displayAs: 'default', format: 'dateOnly' } }),
  col('Approved', 'Approved', { boolean: {} }),
  col('Project', 'Project', { lookup: { allowMultipleValues: false, columnName: 'Title', listId: 'f0000000-0000-4000-8000-000000000001' } }),
  col('Spec', 'Spec', { hyperlinkOrPicture: { isPicture: false } }),
  col('Age', 'Age', { calculated: { format: 'dateOnly', formula: '=TODAY()-Created', outputType: 'number' } }),
  col('Where', 'Where', { geolocation: {} }),
  col('Secret', 'Secret', { hidden: true, text: { allowMultipleLines: false } }),
];

/** `GET …/columns` for a document library (visible columns Graph returns for "Documents"). */
export const LIBRARY_COLUMNS: ColumnDefinition[] = [
  col('ID', 'ID', { readOnly: true }),
  col('ContentType', 'Content Type', { columnGroup: '_Hidden' }),
  col('Created', 'Created', { readOnly: true, dateTime: { format: 'dateTime' } }),
  col('Author', 'Created By', { readOnly: true, personOrGroup: { allowMultipleSelection: false } }),
  col('Modified', 'Modified', { readOnly: true, dateTime: { format: 'dateTime' } }),
  col('Editor', 'Modified By', { readOnly: true, personOrGroup: { allowMultipleSelection: false } }),
  col('_CopySource', 'Copy Source', { readOnly: true, text: { allowMultipleLines: false } }),
  col('CheckoutUser', 'Checked Out To', { readOnly: true, personOrGroup: { allowMultipleSelection: false } }),
  col('_CheckinComment', 'Check In Comment', { readOnly: true, lookup: { columnName: 'CheckinComment', listId: '' } }),
  col('LinkFilenameNoMenu', 'Name', { readOnly: true }),
  col('LinkFilename', 'Name', { readOnly: true }),
  col('DocIcon', 'Type', { readOnly: true }),
  col('FileSizeDisplay', 'File Size', { readOnly: true }),
  lookupish('ItemChildCount', 'Item Child Count'),
  lookupish('FolderChildCount', 'Folder Child Count'),
  lookupish('_ComplianceFlags', 'Label setting'),
  lookupish('_ComplianceTag', 'Retention label'),
  col('_DisplayName', 'Sensitivity', { readOnly: true, text: { allowMultipleLines: false } }),
  col('AppAuthor', 'App Created By', { readOnly: true, lookup: { columnName: 'Title', listId: 'AppPrincipals' } }),
  col('AppEditor', 'App Modified By', { readOnly: true, lookup: { columnName: 'Title', listId: 'AppPrincipals' } }),
  col('FileLeafRef', 'Name', { required: true }),
  col('Title', 'Title', { text: { allowMultipleLines: false, maxLength: 255 } }),
  col('ParentVersionString', 'Version (link)', { readOnly: true, lookup: { columnName: 'ParentVersionString', listId: '' } }),
  col('ParentLeafName', 'Name (link)', { readOnly: true, lookup: { columnName: 'ParentLeafName', listId: '' } }),
  col('MediaServiceImageTags', 'Image Tags', { term: { allowMultipleValues: true, showFullyQualifiedName: false } }),
  col('MediaServiceOCR', 'Extracted Text', { readOnly: true, text: { allowMultipleLines: true } }),
  col('Department', 'Department', { choice: { choices: ['HR', 'IT'], displayAs: 'dropDownMenu' } }),
  col('ComplianceAssetId', 'Compliance Asset Id', { readOnly: true, text: { allowMultipleLines: false } }),
];
