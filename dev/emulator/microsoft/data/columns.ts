import type { ColumnFixture, ColumnType } from '../fixture';
import { stableGuid } from './ids';

export interface Column {
  id: string;
  name: string;
  displayName: string;
  type: ColumnType | 'none';
  group: string;
  indexed: boolean;
  required: boolean;
  hidden: boolean;
  readOnly: boolean;
  choices?: string[];
  /** Target list id and column name, resolved when the site is built. */
  lookup?: { listId: string; column: string; listName: string };
  dateOnly: boolean;
  formula?: string;
}

type SystemColumn = Pick<Column, 'name' | 'displayName' | 'type'> & Partial<Pick<Column, 'hidden' | 'group'>>;

// The columns SharePoint adds to every list; apps have to skip them, so the emulator shows them.
const ITEM_SYSTEM: SystemColumn[] = [
  { name: 'ContentType', displayName: 'Content Type', type: 'none', group: '_Hidden' },
  { name: 'Modified', displayName: 'Modified', type: 'dateTime' },
  { name: 'Created', displayName: 'Created', type: 'dateTime' },
  { name: 'Author', displayName: 'Created By', type: 'personOrGroup' },
  { name: 'Editor', displayName: 'Modified By', type: 'personOrGroup' },
  { name: '_UIVersionString', displayName: 'Version', type: 'text' },
  { name: 'Attachments', displayName: 'Attachments', type: 'boolean' },
  { name: 'Edit', displayName: 'Edit', type: 'none' },
  { name: 'LinkTitleNoMenu', displayName: 'Title', type: 'none' },
  { name: 'LinkTitle', displayName: 'Title', type: 'none' },
  { name: 'ItemChildCount', displayName: 'Item Child Count', type: 'lookup' },
  { name: 'FolderChildCount', displayName: 'Folder Child Count', type: 'lookup' },
  { name: 'AppAuthor', displayName: 'App Created By', type: 'lookup', hidden: true },
  { name: 'AppEditor', displayName: 'App Modified By', type: 'lookup', hidden: true },
  { name: 'ComplianceAssetId', displayName: 'Compliance Asset Id', type: 'text', hidden: true },
];

const LIBRARY_SYSTEM: SystemColumn[] = [
  { name: 'FileLeafRef', displayName: 'Name', type: 'text' },
  { name: 'Title', displayName: 'Title', type: 'text' },
  { name: 'ContentType', displayName: 'Content Type', type: 'none', group: '_Hidden' },
  { name: 'Modified', displayName: 'Modified', type: 'dateTime' },
  { name: 'Created', displayName: 'Created', type: 'dateTime' },
  { name: 'Author', displayName: 'Created By', type: 'personOrGroup' },
  { name: 'Editor', displayName: 'Modified By', type: 'personOrGroup' },
  { name: '_CheckinComment', displayName: 'Check In Comment', type: 'lookup' },
  { name: 'LinkFilenameNoMenu', displayName: 'Name', type: 'none' },
  { name: 'LinkFilename', displayName: 'Name', type: 'none' },
  { name: 'DocIcon', displayName: 'Type', type: 'text' },
  { name: 'FileSizeDisplay', displayName: 'File Size', type: 'none' },
  { name: 'ItemChildCount', displayName: 'Item Child Count', type: 'lookup' },
  { name: 'FolderChildCount', displayName: 'Folder Child Count', type: 'lookup' },
  { name: '_UIVersionString', displayName: 'Version', type: 'text' },
  { name: 'Edit', displayName: 'Edit', type: 'none' },
  { name: 'ParentVersionString', displayName: 'Version (link to version)', type: 'lookup', hidden: true },
  { name: 'ParentLeafName', displayName: 'Name (for use in forms)', type: 'lookup', hidden: true },
];

export const buildColumns = (
  listId: string, template: 'genericList' | 'documentLibrary', custom: readonly ColumnFixture[],
): Column[] => {
  const own: Column[] = custom.map((c) => ({
    id: stableGuid(listId, 'column', c.name),
    name: c.name,
    displayName: c.displayName ?? c.name,
    type: c.type,
    group: 'Custom Columns',
    indexed: c.indexed ?? false,
    required: c.required ?? false,
    hidden: c.hidden ?? false,
    readOnly: c.type === 'calculated',
    ...(c.choices ? { choices: [...c.choices] } : {}),
    dateOnly: c.dateOnly ?? false,
    ...(c.formula !== undefined ? { formula: c.formula } : {}),
  }));
  if (template === 'genericList' && !own.some((c) => c.name === 'Title')) {
    own.unshift({
      id: stableGuid(listId, 'column', 'Title'), name: 'Title', displayName: 'Title', type: 'text',
      group: 'Custom Columns', indexed: false, required: true, hidden: false, readOnly: false, dateOnly: false,
    });
  }
  const system = (template === 'genericList' ? ITEM_SYSTEM : LIBRARY_SYSTEM).map((s): Column => ({
    id: stableGuid(listId, 'column', s.name),
    name: s.name,
    displayName: s.displayName,
    type: s.type,
    group: s.group ?? 'Base Columns',
    indexed: false,
    required: s.name === 'FileLeafRef',
    hidden: s.hidden ?? false,
    readOnly: !['FileLeafRef', 'Title', 'ContentType'].includes(s.name),
    dateOnly: false,
  }));
  return [...own, ...system];
};
