import { describe, expect, it } from 'vitest';
import { defaultColumns, pickableColumns, reconcileColumns } from '../../../src/core/sharepoint/columns';
import { GENERIC_LIST_COLUMNS, LIBRARY_COLUMNS } from './fixtures';

describe('pickableColumns for a generic list', () => {
  const cols = pickableColumns(GENERIC_LIST_COLUMNS, 'list');
  const names = cols.map((c) => c.name);

  it('offers what a SharePoint user would recognise, in Graph order', () => {
    expect(names).toEqual([
      'ID', 'Title', 'Modified', 'Created', 'Author', 'Editor', 'Status', 'Tags', 'Owner', 'Reviewers', 'Notes', 'Budget',
      'Effort', 'Done', 'Due', 'Approved', 'Project', 'Spec', 'Age',
    ]);
  });

  it('skips system columns even though Graph marks them visible', () => {
    for (const hidden of ['ContentType', '_UIVersionString', 'Attachments', 'Edit', 'LinkTitleNoMenu', 'LinkTitle', 'DocIcon', 'ItemChildCount', 'FolderChildCount', '_ComplianceFlags', '_ComplianceTag', 'AppAuthor', 'AppEditor', 'ComplianceAssetId', '_IsRecord', '_ColorTag']) {
      expect(names).not.toContain(hidden);
    }
  });

  it('skips hidden columns and types the table cannot show', () => {
    expect(names).not.toContain('Secret');
    expect(names).not.toContain('Where');
  });

  it('tags each column with its type and display details', () => {
    const byName = Object.fromEntries(cols.map((c) => [c.name, c]));
    expect(byName['Title']).toEqual({ name: 'Title', displayName: 'Title', type: 'title' });
    expect(byName['ID']?.type).toBe('counter');
    expect(byName['Status']?.type).toBe('choice');
    expect(byName['Tags']?.type).toBe('multiChoice');
    expect(byName['Owner']).toMatchObject({ type: 'person', format: { multi: false } });
    expect(byName['Reviewers']).toMatchObject({ type: 'person', format: { multi: true } });
    expect(byName['Notes']).toMatchObject({ type: 'note', format: { richText: true } });
    expect(byName['Budget']).toMatchObject({ type: 'currency', format: { currencyLocale: 'de-de' } });
    expect(byName['Effort']).toMatchObject({ type: 'number', format: { decimals: 2 } });
    expect(byName['Done']).toMatchObject({ type: 'number', format: { percentage: true } });
    expect(byName['Done']?.format?.decimals).toBeUndefined();
    expect(byName['Due']).toMatchObject({ type: 'dateTime', format: { dateOnly: true } });
    expect(byName['Modified']).toMatchObject({ type: 'dateTime', format: { dateOnly: false } });
    expect(byName['Approved']?.type).toBe('boolean');
    expect(byName['Project']).toMatchObject({ type: 'lookup', format: { multi: false } });
    expect(byName['Spec']?.type).toBe('hyperlink');
    expect(byName['Age']).toMatchObject({ type: 'calculated', format: { outputType: 'number', dateOnly: true } });
    expect(byName['Author']?.displayName).toBe('Created By');
  });

  it('defaults to Title, three of the list’s own columns, Modified and Modified By', () => {
    expect(defaultColumns(cols, 'list').map((c) => c.name)).toEqual(['Title', 'Status', 'Tags', 'Owner', 'Modified', 'Editor']);
  });
});

describe('pickableColumns for a document library', () => {
  const cols = pickableColumns(LIBRARY_COLUMNS, 'library');
  const names = cols.map((c) => c.name);

  it('keeps one Name column and the columns SharePoint offers, without internal ones', () => {
    expect(names).toEqual(['ID', 'Created', 'Author', 'Modified', 'Editor', 'CheckoutUser', '_CheckinComment', 'FileSizeDisplay', 'FileLeafRef', 'Title', 'MediaServiceImageTags', 'Department']);
    expect(cols.find((c) => c.name === 'FileLeafRef')?.type).toBe('fileName');
    expect(cols.find((c) => c.name === 'FileSizeDisplay')?.type).toBe('fileSize');
    // In a library, Title is ordinary metadata, not the item link.
    expect(cols.find((c) => c.name === 'Title')?.type).toBe('text');
  });

  it('defaults to the SharePoint library view: Name, Modified, Modified By, File Size', () => {
    expect(defaultColumns(cols, 'library').map((c) => [c.name, c.displayName])).toEqual([
      ['FileLeafRef', 'Name'],
      ['Modified', 'Modified'],
      ['Editor', 'Modified By'],
      ['FileSizeDisplay', 'File Size'],
    ]);
  });

  it('defaults still work when Graph leaves out built-in columns', () => {
    expect(defaultColumns([], 'library').map((c) => c.name)).toEqual(['FileLeafRef', 'Modified', 'Editor', 'FileSizeDisplay']);
    expect(defaultColumns([], 'list').map((c) => c.name)).toEqual(['Title', 'Modified', 'Editor']);
  });
});

describe('reconcileColumns', () => {
  it('follows renamed columns and reports deleted ones', () => {
    const live = pickableColumns(GENERIC_LIST_COLUMNS, 'list').map((c) => (c.name === 'Status' ? { ...c, displayName: 'State' } : c));
    const stored = [
      { name: 'Status', displayName: 'Status', type: 'choice' as const },
      { name: 'Gone', displayName: 'Gone', type: 'text' as const },
    ];
    const r = reconcileColumns(stored, live);
    expect(r.columns.map((c) => c.displayName)).toEqual(['State']);
    expect(r.missing.map((c) => c.name)).toEqual(['Gone']);
  });
});
