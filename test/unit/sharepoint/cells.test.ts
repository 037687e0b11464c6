import { describe, expect, it } from 'vitest';
import { cellSortKey, createFormatContext, formatCell, safeHref, type Cell } from '../../../src/core/sharepoint/cells';
import type { ColumnRef, ColumnType, ColumnFormat } from '../../../src/core/sharepoint/columns';
import { rowFromDriveItem, rowFromListItem, type TableRow } from '../../../src/core/sharepoint/rows';

const us = createFormatContext({ locale: 'en-US', timeZone: 'America/New_York' });
const de = createFormatContext({ locale: 'de-DE', timeZone: 'Europe/Berlin' });

const col = (name: string, type: ColumnType, format?: ColumnFormat): ColumnRef => ({ name, displayName: name, type, ...(format ? { format } : {}) });
const item = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}): TableRow =>
  rowFromListItem({ id: '7', webUrl: 'https://contoso.sharepoint.com/sites/x/Lists/Tasks/7_.000', fields, ...extra })!;
// Intl uses no-break spaces in some locales; compare on plain spaces.
const show = (c: Cell): string => c.text.replace(/\s/g, ' ');
const fmt = (column: ColumnRef, fields: Record<string, unknown>, ctx = us) => formatCell(column, item(fields), ctx);

describe('empty and missing values', () => {
  const types: ColumnType[] = ['title', 'text', 'note', 'number', 'currency', 'dateTime', 'boolean', 'choice', 'multiChoice', 'person', 'lookup', 'hyperlink', 'calculated', 'term', 'counter', 'unknown', 'fileSize'];
  it.each(types)('%s: missing, null, empty string and empty array show as empty', (type) => {
    for (const fields of [{}, { X: null }, { X: '' }, { X: [] }]) {
      const row = rowFromListItem({ id: '1', fields })!; // no webUrl, so Title can't become a link
      expect(formatCell(col('X', type), row, us)).toEqual({ kind: 'empty', text: '' });
    }
  });
});

describe('text and notes', () => {
  it('plain text is shown as is, without control characters', () => {
    expect(fmt(col('T', 'text'), { T: 'Hello\u0007 world ' })).toEqual({ kind: 'text', text: 'Hello world' });
  });

  it('HTML in a text column stays literal text (the UI never renders it)', () => {
    expect(fmt(col('T', 'text'), { T: '<img src=x onerror=alert(1)>' }).text).toBe('<img src=x onerror=alert(1)>');
  });

  it('rich-text notes become plain text with line breaks', () => {
    const html = '<div class="ExternalClass12"><p>First &amp; <b>bold</b></p><p>Second&nbsp;line<br>third</p><ul><li>a</li><li>b</li></ul></div>';
    expect(fmt(col('N', 'note', { richText: true }), { N: html }).text).toBe('First & bold\nSecond line\nthird\n• a\n• b');
  });

  it('notes drop scripts, styles and comments entirely', () => {
    const html = '<p>Hi</p><script>alert("x")</script><style>p{}</style><!-- secret --><p>there</p>';
    expect(fmt(col('N', 'note', { richText: true }), { N: html }).text).toBe('Hi\nthere');
  });

  it('notes decode numeric entities and refuse control characters from them', () => {
    expect(fmt(col('N', 'note', { richText: true }), { N: '<p>&#72;&#x69; &#1;&#0; &#xD800; &lt;tag&gt;</p>' }).text).toBe('Hi \uFFFD <tag>');
  });

  it('plain notes are kept as written, and a stray < is text', () => {
    expect(fmt(col('N', 'note'), { N: 'a < b\nc' }).text).toBe('a < b\nc');
  });

  // Linear scan: a backtracking parser would run past the test timeout on this input.
  it('huge hostile HTML becomes plain text without markup', () => {
    const html = 'start ' + '<script>'.repeat(10_000) + '<p'.repeat(30_000) + '<'.repeat(30_000);
    const out = fmt(col('N', 'note', { richText: true }), { N: html }).text ?? '';
    expect(out).not.toContain('<script>');
    expect(out.startsWith('start')).toBe(true);
  });
});

describe('numbers and currency', () => {
  it('numbers in the viewer’s locale, with the column’s decimals', () => {
    expect(show(fmt(col('N', 'number', { decimals: 2 }), { N: 1234.5 }))).toBe('1,234.50');
    expect(show(fmt(col('N', 'number', { decimals: 2 }), { N: 1234.5 }, de))).toBe('1.234,50');
    expect(show(fmt(col('N', 'number', { decimals: 0 }), { N: 2.6 }))).toBe('3');
    expect(show(fmt(col('N', 'number'), { N: 0.1 + 0.2 }))).toBe('0.3');
    expect(fmt(col('N', 'number'), { N: 5 })).toMatchObject({ kind: 'text', numeric: true });
  });

  it('numbers sent as strings are still numbers; junk is shown as text', () => {
    expect(show(fmt(col('N', 'number', { decimals: 1 }), { N: '42' }))).toBe('42.0');
    expect(show(fmt(col('N', 'number'), { N: 'n/a' }))).toBe('n/a');
  });

  it('percentages: SharePoint stores 0.125 for 12.5 %', () => {
    expect(show(fmt(col('P', 'number', { percentage: true }), { P: 0.125 }))).toBe('12.5%');
    expect(show(fmt(col('P', 'number', { percentage: true, decimals: 0 }), { P: 0.5 }, de))).toBe('50 %');
  });

  it('currency uses the column’s currency and the viewer’s number format', () => {
    expect(show(fmt(col('C', 'currency', { currencyLocale: 'de-de' }), { C: 1234.5 }))).toBe('€1,234.50');
    expect(show(fmt(col('C', 'currency', { currencyLocale: 'de-de' }), { C: 1234.5 }, de))).toBe('1.234,50 €');
    expect(show(fmt(col('C', 'currency', { currencyLocale: '1033' }), { C: -3 }))).toBe('-$3.00');
    expect(show(fmt(col('C', 'currency', { currencyLocale: 'ja-jp' }), { C: 1500 }))).toBe('¥1,500');
  });

  it('currency without a known currency is a plain amount, not a guessed symbol', () => {
    expect(show(fmt(col('C', 'currency', { currencyLocale: 'de' }), { C: 12 }))).toBe('12.00');
    expect(show(fmt(col('C', 'currency'), { C: 12 }))).toBe('12.00');
  });

  it('IDs are whole numbers without grouping', () => {
    expect(fmt(col('ID', 'counter'), { ID: '1234' }).text).toBe('1234');
  });
});

describe('dates', () => {
  it('date and time in the viewer’s time zone', () => {
    expect(show(fmt(col('D', 'dateTime'), { D: '2024-03-05T14:15:00Z' }))).toBe('3/5/2024, 9:15 AM');
    expect(show(fmt(col('D', 'dateTime'), { D: '2024-03-05T23:30:00Z' }, de))).toBe('6.3.2024, 0:30');
  });

  it('date-only values stored as site-local midnight show the site’s date, not a shifted one', () => {
    // Midnight in a Pacific-time site is 08:00Z; in a Berlin site it is 23:00Z the day before.
    expect(show(fmt(col('D', 'dateTime', { dateOnly: true }), { D: '2024-03-05T08:00:00Z' }))).toBe('3/5/2024');
    expect(show(fmt(col('D', 'dateTime', { dateOnly: true }), { D: '2024-03-04T23:00:00Z' }))).toBe('3/5/2024');
    expect(show(fmt(col('D', 'dateTime', { dateOnly: true }), { D: '2024-03-05T00:00:00Z' }, de))).toBe('5.3.2024');
    expect(show(fmt(col('D', 'dateTime', { dateOnly: true }), { D: '2024-03-05' }))).toBe('3/5/2024');
  });

  it('with the site’s time zone known, even UTC+13 dates are exact', () => {
    const nz = createFormatContext({ locale: 'en-US', timeZone: 'UTC', siteTimeZone: 'Pacific/Auckland' });
    // Midnight 5 March in Auckland (UTC+13 in summer) is 11:00Z on 4 March.
    expect(show(fmt(col('D', 'dateTime', { dateOnly: true }), { D: '2024-03-04T11:00:00Z' }, nz))).toBe('3/5/2024');
  });

  it('unparseable dates are shown as sent, never as "Invalid Date"', () => {
    expect(fmt(col('D', 'dateTime'), { D: 'soon' }).text).toBe('soon');
    expect(fmt(col('D', 'dateTime'), { D: '2024-13-45T99:00:00Z' }).text).not.toMatch(/Invalid/);
  });

  it('an invalid locale or time zone falls back instead of throwing', () => {
    const odd = createFormatContext({ locale: 'not a locale!!', timeZone: 'Mars/Olympus' });
    expect(odd.locale).toBe('en-US');
    expect(odd.timeZone).toBe('UTC');
    expect(show(formatCell(col('D', 'dateTime'), item({ D: '2024-03-05T14:15:00Z' }), odd))).toBe('3/5/2024, 2:15 PM');
    expect(createFormatContext({ locale: 'de_DE', timeZone: 'UTC' }).locale).toBe('de-DE');
  });
});

describe('booleans and choices', () => {
  it('yes/no from booleans and their string forms, with translatable labels', () => {
    expect(fmt(col('B', 'boolean'), { B: true }).text).toBe('Yes');
    expect(fmt(col('B', 'boolean'), { B: false }).text).toBe('No');
    expect(fmt(col('B', 'boolean'), { B: '1' }).text).toBe('Yes');
    expect(fmt(col('B', 'boolean'), { B: 'maybe' })).toEqual({ kind: 'empty', text: '' });
    const ja = createFormatContext({ locale: 'de-DE', timeZone: 'UTC', labels: { yes: 'Ja', no: 'Nein' } });
    expect(formatCell(col('B', 'boolean'), item({ B: false }), ja).text).toBe('Nein');
  });

  it('single choice and multi-choice (array or ;# string)', () => {
    expect(fmt(col('S', 'choice'), { S: 'Done' }).text).toBe('Done');
    expect(fmt(col('M', 'multiChoice'), { M: ['Red', 'Blue'] })).toEqual({ kind: 'text', text: 'Red; Blue', values: ['Red', 'Blue'] });
    expect(fmt(col('M', 'multiChoice'), { M: ';#Red;#Blue;#' })).toMatchObject({ values: ['Red', 'Blue'] });
    expect(fmt(col('M', 'multiChoice'), { M: ['Only'] })).toEqual({ kind: 'text', text: 'Only' });
  });
});

describe('people', () => {
  const owner = col('Owner', 'person');

  it('a single person known only by LookupId stays unresolved until the UI resolves it', () => {
    expect(fmt(owner, { OwnerLookupId: '12' })).toEqual({ kind: 'person', text: '', people: [], unresolvedIds: ['12'] });
    const ctx = createFormatContext({ locale: 'en-US', timeZone: 'UTC', resolvePerson: (id) => (id === '12' ? { name: 'Ada Lovelace', email: 'ada@contoso.com' } : undefined) });
    expect(formatCell(owner, item({ OwnerLookupId: '12' }), ctx)).toEqual({
      kind: 'person',
      text: 'Ada Lovelace',
      people: [{ name: 'Ada Lovelace', email: 'ada@contoso.com' }],
    });
  });

  it('multi-person arrays of {LookupId, LookupValue, Email}', () => {
    const v = [
      { LookupId: 12, LookupValue: 'Ada Lovelace', Email: 'ada@contoso.com' },
      { LookupId: 13, LookupValue: 'Alan Turing' },
      { LookupId: 14 },
    ];
    expect(fmt(col('Reviewers', 'person', { multi: true }), { Reviewers: v })).toEqual({
      kind: 'person',
      text: 'Ada Lovelace; Alan Turing',
      people: [{ name: 'Ada Lovelace', email: 'ada@contoso.com' }, { name: 'Alan Turing' }],
      unresolvedIds: ['14'],
    });
  });

  it('a single person object, or a display name string', () => {
    expect(fmt(owner, { Owner: { LookupId: 3, LookupValue: 'Grace Hopper' } }).text).toBe('Grace Hopper');
    expect(fmt(owner, { Owner: 'Grace Hopper' }).text).toBe('Grace Hopper');
  });

  it('multiple LookupIds without values', () => {
    expect(fmt(col('R', 'person'), { RLookupId: ['1', '2'] })).toMatchObject({ unresolvedIds: ['1', '2'] });
  });

  it('Created By and Modified By come from the item’s createdBy/lastModifiedBy', () => {
    const row = item(
      { AuthorLookupId: '13', EditorLookupId: '14' },
      {
        createdBy: { user: { displayName: 'Ada Lovelace', email: 'ada@contoso.com' } },
        lastModifiedBy: { user: { displayName: 'Alan Turing' }, application: { displayName: 'Graph explorer' } },
      },
    );
    expect(formatCell(col('Author', 'person'), row, us)).toEqual({ kind: 'person', text: 'Ada Lovelace', people: [{ name: 'Ada Lovelace', email: 'ada@contoso.com' }] });
    expect(formatCell(col('Editor', 'person'), row, us).text).toBe('Alan Turing');
  });
});

describe('lookups, terms and calculated columns', () => {
  it('single lookup value with its id, and multi lookups', () => {
    expect(fmt(col('Project', 'lookup'), { Project: 'Apollo', ProjectLookupId: '4' }).text).toBe('Apollo');
    expect(fmt(col('Project', 'lookup'), { Project: [{ LookupId: 4, LookupValue: 'Apollo' }, { LookupId: 5, LookupValue: 'Gemini' }] })).toEqual({
      kind: 'text',
      text: 'Apollo; Gemini',
      values: ['Apollo', 'Gemini'],
    });
    expect(fmt(col('Project', 'lookup'), { Project: '4;#Apollo;#5;#Gemini' })).toMatchObject({ values: ['Apollo', 'Gemini'] });
  });

  it('managed metadata shows term labels', () => {
    expect(fmt(col('T', 'term'), { T: { Label: 'Europe', TermGuid: 'x', WssId: 3 } }).text).toBe('Europe');
    expect(fmt(col('T', 'term'), { T: [{ Label: 'Europe' }, { Label: 'Asia' }] }).text).toBe('Europe; Asia');
  });

  it('calculated values are formatted by their output type, with SharePoint’s type prefixes removed', () => {
    expect(show(fmt(col('A', 'calculated', { outputType: 'number' }), { A: 'float;#12.5000000000000' }))).toBe('12.5');
    expect(show(fmt(col('A', 'calculated', { outputType: 'dateTime', dateOnly: true }), { A: 'datetime;#2024-03-05T08:00:00Z' }))).toBe('3/5/2024');
    expect(fmt(col('A', 'calculated', { outputType: 'boolean' }), { A: 'boolean;#1' }).text).toBe('Yes');
    expect(fmt(col('A', 'calculated', { outputType: 'text' }), { A: 'string;#Late' }).text).toBe('Late');
    expect(fmt(col('A', 'calculated', { outputType: 'number' }), { A: 'error;##DIV/0!' }).text).toBe('#DIV/0!');
  });

  it('unknown types never show "[object Object]"', () => {
    expect(fmt(col('U', 'unknown'), { U: { some: 'thing' } })).toEqual({ kind: 'empty', text: '' });
    expect(fmt(col('U', 'unknown'), { U: 42 }).text).toBe('42');
  });
});

describe('hyperlinks', () => {
  const link = col('Spec', 'hyperlink');

  it('http(s) links become links with their description', () => {
    expect(fmt(link, { Spec: { Url: 'https://example.com/spec', Description: 'The spec' } })).toEqual({ kind: 'link', text: 'The spec', href: 'https://example.com/spec' });
    expect(fmt(link, { Spec: { Url: 'http://example.com/' } })).toEqual({ kind: 'link', text: 'http://example.com/', href: 'http://example.com/' });
  });

  it.each(['javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', '//evil.com', '/relative', 'https://user:pw@example.com/', 'java\nscript:alert(1)'])(
    '%s is shown as text, never as a link',
    (url) => {
      const cell = fmt(link, { Spec: { Url: url, Description: 'Click me' } });
      expect(cell.kind).toBe('text');
      expect(cell.text).toBe('Click me');
    },
  );

  it('SharePoint’s "url, description" string form', () => {
    expect(fmt(link, { Spec: 'https://example.com/a, Docs' })).toEqual({ kind: 'link', text: 'Docs', href: 'https://example.com/a' });
  });

  it('safeHref normalises and refuses', () => {
    expect(safeHref('https://EXAMPLE.com/a b')).toBeUndefined();
    expect(safeHref('https://EXAMPLE.com/a')).toBe('https://example.com/a');
  });
});

describe('titles and file names link to the item', () => {
  it('list Title links to the item; an empty title still gives a link', () => {
    expect(fmt(col('Title', 'title'), { Title: 'Fix the roof' })).toEqual({
      kind: 'link',
      text: 'Fix the roof',
      href: 'https://contoso.sharepoint.com/sites/x/Lists/Tasks/7_.000',
    });
    expect(fmt(col('Title', 'title'), {}).text).toBe('(no title)');
  });

  it('a non-https webUrl from Graph is never used as a link', () => {
    const row = rowFromListItem({ id: '1', webUrl: 'javascript:alert(1)', fields: { Title: 'x' } })!;
    expect(formatCell(col('Title', 'title'), row, us)).toEqual({ kind: 'text', text: 'x' });
  });

  it('library rows: name links to the file, size is human, folders count items', () => {
    const file = rowFromDriveItem({ id: 'A1', name: 'q3.xlsx', size: 1_572_864, webUrl: 'https://contoso.sharepoint.com/sites/x/Shared%20Documents/q3.xlsx', file: { mimeType: 'application/vnd.ms-excel' } })!;
    const folder = rowFromDriveItem({ id: 'F1', name: 'Reports', folder: { childCount: 3 }, size: 999 })!;
    expect(formatCell(col('FileLeafRef', 'fileName'), file, us)).toEqual({ kind: 'link', text: 'q3.xlsx', href: 'https://contoso.sharepoint.com/sites/x/Shared%20Documents/q3.xlsx' });
    expect(formatCell(col('FileSizeDisplay', 'fileSize'), file, us).text).toBe('1.5 MB');
    expect(formatCell(col('FileSizeDisplay', 'fileSize'), folder, us).text).toBe('3 items');
    expect(formatCell(col('FileLeafRef', 'fileName'), folder, us)).toEqual({ kind: 'text', text: 'Reports' });
  });
});

describe('cellSortKey', () => {
  it('orders numbers, dates and booleans by value and everything else by text; empty is null', () => {
    expect(cellSortKey(col('N', 'number'), item({ N: '10' }), us)).toBe(10);
    expect(cellSortKey(col('D', 'dateTime'), item({ D: '2024-03-05T00:00:00Z' }), us)).toBe(Date.UTC(2024, 2, 5));
    expect(cellSortKey(col('D', 'dateTime', { dateOnly: true }), item({ D: '2024-03-04T23:00:00Z' }), us)).toBe(Date.UTC(2024, 2, 5));
    expect(cellSortKey(col('B', 'boolean'), item({ B: true }), us)).toBe(1);
    expect(cellSortKey(col('P', 'person'), item({ P: 'Zed' }), us)).toBe('Zed');
    expect(cellSortKey(col('P', 'person'), item({}), us)).toBeNull();
    expect(cellSortKey(col('A', 'calculated', { outputType: 'number' }), item({ A: 'float;#3' }), us)).toBe(3);
  });
});
