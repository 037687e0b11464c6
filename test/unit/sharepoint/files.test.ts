import { describe, expect, it } from 'vitest';
import { createFormatContext } from '../../../src/core/sharepoint/cells';
import { documentCard } from '../../../src/core/sharepoint/document-card';
import { fileIconKey, formatFileSize, openLinks } from '../../../src/core/sharepoint/files';

const policy = { allowedHosts: [] };

describe('fileIconKey', () => {
  it.each([
    ['Q3 report.docx', 'word'],
    ['budget.XLSX', 'excel'],
    ['data.csv', 'excel'],
    ['deck.pptx', 'powerpoint'],
    ['scan.pdf', 'pdf'],
    ['photo.HEIC', 'image'],
    ['clip.mp4', 'video'],
    ['memo.m4a', 'audio'],
    ['backup.7z', 'zip'],
    ['script.ps1', 'code'],
    ['readme.md', 'text'],
    ['Notebook.onetoc2', 'onenote'],
    ['plan.vsdx', 'visio'],
    ['no-extension', 'generic'],
    ['archive.tar.gz', 'zip'],
    ['trailing.', 'generic'],
  ])('%s → %s', (name, key) => {
    expect(fileIconKey({ name })).toBe(key);
  });

  it('folders, OneNote packages, and MIME type when the name says nothing', () => {
    expect(fileIconKey({ name: 'Reports', isFolder: true })).toBe('folder');
    expect(fileIconKey({ name: 'Team Notebook', isFolder: true, packageType: 'oneNote' })).toBe('onenote');
    expect(fileIconKey({ name: 'blob', mimeType: 'image/png' })).toBe('image');
    expect(fileIconKey({ name: 'blob', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' })).toBe('word');
    expect(fileIconKey({ name: 'blob', mimeType: 'application/octet-stream' })).toBe('generic');
    expect(fileIconKey({})).toBe('generic');
  });
});

describe('formatFileSize', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1,023 bytes'],
    [1024, '1 KB'],
    [12_650, '12.4 KB'],
    [1_572_864, '1.5 MB'],
    [5 * 1024 ** 3, '5 GB'],
    [3.5 * 1024 ** 4, '3.5 TB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatFileSize(bytes)).toBe(text);
  });

  it('uses the viewer’s decimal separator and refuses nonsense', () => {
    expect(formatFileSize(1_572_864, 'de-DE')).toBe('1,5 MB');
    expect(formatFileSize(-1)).toBe('');
    expect(formatFileSize(Number.NaN)).toBe('');
  });
});

describe('openLinks', () => {
  const direct = 'https://contoso.sharepoint.com/sites/x/Shared%20Documents/Q3%20report.docx';
  const docAspx = 'https://contoso.sharepoint.com/sites/x/_layouts/15/Doc.aspx?sourcedoc=%7B1%7D&file=Q3%20report.docx&action=default';

  it('Office files open in Office for the web, plus the desktop app when webUrl is the file itself', () => {
    expect(openLinks({ name: 'Q3 report.docx', webUrl: direct }, policy)).toEqual([
      { kind: 'office-web', label: 'Open in Word for the web', href: direct },
      { kind: 'office-desktop', label: 'Open in Word', href: `ms-word:ofe|u|${direct}` },
    ]);
  });

  it('no desktop link for Doc.aspx addresses, which the desktop apps cannot open', () => {
    expect(openLinks({ name: 'Q3 report.docx', webUrl: docAspx }, policy)).toEqual([{ kind: 'office-web', label: 'Open in Word for the web', href: docAspx }]);
  });

  it('other files and folders open in SharePoint', () => {
    expect(openLinks({ name: 'scan.pdf', webUrl: 'https://contoso.sharepoint.com/sites/x/Shared%20Documents/scan.pdf' }, policy)[0]?.kind).toBe('sharepoint');
    expect(openLinks({ name: 'Reports', isFolder: true, webUrl: 'https://contoso.sharepoint.com/sites/x/Shared%20Documents/Reports' }, policy)).toHaveLength(1);
  });

  it('offers nothing for addresses that are not https SharePoint', () => {
    expect(openLinks({ name: 'a.docx', webUrl: 'javascript:alert(1)' }, policy)).toEqual([]);
    expect(openLinks({ name: 'a.docx', webUrl: 'https://evil.com/a.docx' }, policy)).toEqual([]);
    expect(openLinks({ name: 'a.docx', webUrl: 'http://contoso.sharepoint.com/a.docx' }, policy)).toEqual([]);
    expect(openLinks({ name: 'a.docx' }, policy)).toEqual([]);
  });
});

describe('documentCard', () => {
  const ctx = createFormatContext({ locale: 'en-US', timeZone: 'UTC' });

  it('shows name, icon, size, who changed it and when', () => {
    const r = documentCard(
      {
        id: '01ABC',
        name: 'Q3 report.docx',
        size: 24_576,
        webUrl: 'https://contoso.sharepoint.com/sites/x/Shared%20Documents/Q3%20report.docx',
        lastModifiedDateTime: '2024-03-05T14:15:00Z',
        lastModifiedBy: { user: { displayName: 'Ada Lovelace' } },
        file: { mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
        thumbnails: [{ small: { url: 'https://contoso.sharepoint.com/thumb.jpg' } }],
      },
      ctx,
      policy,
    );
    expect(r.ok && r.value).toMatchObject({
      name: 'Q3 report.docx',
      icon: 'word',
      sizeText: '24 KB',
      modifiedBy: 'Ada Lovelace',
      modifiedText: '3/5/2024, 2:15 PM',
      thumbnailUrl: 'https://contoso.sharepoint.com/thumb.jpg',
    });
    expect(r.ok && r.value.links[0]?.kind).toBe('office-web');
  });

  it('refuses an answer without a name', () => {
    expect(documentCard({ id: 'x' }, ctx, policy).ok).toBe(false);
    expect(documentCard('nope', ctx, policy).ok).toBe(false);
  });
});
