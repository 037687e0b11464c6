import { isRecord } from '../guards';
import type { CalculatedOutput, ColumnRef } from './columns';
import { currencyForLocale } from './currency';
import { formatFileSize } from './files';
import { htmlToText, stripControls } from './html-text';
import { dateTimeOptions, type FormatContext } from './format-context';
import type { PersonRef, TableRow } from './rows';

export { createFormatContext, type CellLabels, type FormatContext, type FormatOptions } from './format-context';

/**
 * What a table cell shows. Always text, never HTML: the UI renders `text` as a text node and `href` as
 * an anchor's address (http/https only, checked here).
 */
export type Cell =
  | { kind: 'empty'; text: '' }
  | { kind: 'text'; text: string; values?: string[]; numeric?: boolean }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'person'; text: string; people: PersonRef[]; unresolvedIds?: string[] };

const EMPTY: Cell = { kind: 'empty', text: '' };
const isBlank = (v: unknown): boolean => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const text = (t: string, extra: { values?: string[]; numeric?: boolean } = {}): Cell =>
  t === '' ? EMPTY : { kind: 'text', text: t, ...extra };

/** Formats one column of one row for display. Never throws; unreadable values show as empty. */
export function formatCell(column: ColumnRef, row: TableRow, ctx: FormatContext): Cell {
  try {
    return format(column, row, ctx);
  } catch {
    return EMPTY;
  }
}

function format(column: ColumnRef, row: TableRow, ctx: FormatContext): Cell {
  const value = row.fields[column.name];
  const f = column.format ?? {};
  switch (column.type) {
    case 'title': {
      const title = plain(value ?? row.fields['LinkTitle'] ?? row.fields['Title']);
      if (row.webUrl !== undefined) return { kind: 'link', text: title || ctx.labels.noTitle, href: row.webUrl };
      return text(title);
    }
    case 'fileName': {
      const name = row.name ?? plain(value ?? row.fields['LinkFilename']);
      if (name !== '' && row.webUrl !== undefined) return { kind: 'link', text: name, href: row.webUrl };
      return text(name);
    }
    case 'fileSize': {
      if (row.kind === 'folder') return row.childCount === undefined ? EMPTY : text(ctx.labels.items(row.childCount), { numeric: true });
      const bytes = row.size ?? toNumber(value);
      return bytes === undefined ? EMPTY : text(formatFileSize(bytes, ctx.locale), { numeric: true });
    }
    case 'note':
      return text(typeof value === 'string' && (f.richText === true || /<[a-z!/]/i.test(value)) ? htmlToText(value) : plain(value));
    case 'number':
      return numberCell(value, ctx, f.decimals, f.percentage === true);
    case 'currency':
      return currencyCell(value, ctx, f.currencyLocale);
    case 'dateTime':
      return dateCell(value, ctx, f.dateOnly === true);
    case 'boolean':
      return booleanCell(value, ctx);
    case 'counter': {
      const n = toNumber(value);
      return n === undefined ? EMPTY : text(String(n), { numeric: true });
    }
    case 'multiChoice':
    case 'term':
    case 'lookup': {
      const values = listValues(value);
      if (values.length === 0) return EMPTY;
      return values.length === 1 ? text(values[0] as string) : text(values.join('; '), { values });
    }
    case 'person':
      return personCell(column.name, row, ctx);
    case 'hyperlink':
      return hyperlinkCell(value);
    case 'calculated':
      return calculatedCell(value, ctx, f.outputType ?? 'text', f.dateOnly === true);
    case 'choice':
    case 'text':
    case 'unknown':
      return text(plain(value));
  }
}

// Text of a scalar or of the display part of Graph's lookup-like objects; objects without one show nothing.
function plain(v: unknown): string {
  if (typeof v === 'string') return stripControls(v).trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return listValues(v).join('; ');
  if (isRecord(v)) {
    const label = v['LookupValue'] ?? v['Label'] ?? v['Description'] ?? v['displayName'] ?? v['Title'];
    return typeof label === 'string' || typeof label === 'number' ? plain(label) : '';
  }
  return '';
}

// Values of multi-choice, lookup and term fields: arrays of strings or of `{LookupId, LookupValue}` /
// `{Label, TermGuid}` objects, a single such object, or SharePoint's `;#`-joined string form.
function listValues(v: unknown): string[] {
  if (isBlank(v)) return [];
  if (Array.isArray(v)) return v.map((x) => plain(x)).filter((s) => s !== '');
  if (typeof v === 'string' && v.includes(';#')) return v.split(';#').map((s) => s.trim()).filter((s) => s !== '' && !/^\d+$/.test(s));
  const one = plain(v);
  return one === '' ? [] : [one];
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v)) return Number(v);
  return undefined;
}

function numberCell(value: unknown, ctx: FormatContext, decimals: number | undefined, percentage: boolean): Cell {
  const n = toNumber(value);
  if (n === undefined) return text(plain(value));
  const opts: Intl.NumberFormatOptions =
    decimals === undefined
      ? { maximumFractionDigits: percentage ? 2 : 10 }
      : { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
  if (percentage) opts.style = 'percent';
  return text(ctx.numberFormat(opts).format(n), { numeric: true });
}

function currencyCell(value: unknown, ctx: FormatContext, currencyLocale: string | undefined): Cell {
  const n = toNumber(value);
  if (n === undefined) return text(plain(value));
  const currency = currencyForLocale(currencyLocale);
  // Unknown currency: a plain number is better than a symbol the list doesn't use.
  if (currency === undefined) return text(ctx.numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n), { numeric: true });
  return text(ctx.numberFormat({ style: 'currency', currency }).format(n), { numeric: true });
}

function booleanCell(value: unknown, ctx: FormatContext): Cell {
  const b = toBoolean(value);
  return b === undefined ? EMPTY : text(b ? ctx.labels.yes : ctx.labels.no);
}

function toBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === '1' || (typeof v === 'string' && v.toLowerCase() === 'true')) return true;
  if (v === 0 || v === '0' || (typeof v === 'string' && v.toLowerCase() === 'false')) return false;
  return undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
const DAY_MS = 86_400_000;

// Epoch ms of a Graph date value, or undefined. Bare dates (`2024-03-05`) are UTC midnight.
function toTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || !ISO_DATE.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

// The calendar day a date-only value means, as UTC midnight of that day.
function dateOnlyDay(v: string, t: number, ctx: FormatContext): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return t;
  if (ctx.siteTimeZone !== undefined) {
    const parts = ctx.dateFormat({ timeZone: ctx.siteTimeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(t);
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
    // formatToParts in the viewer's locale may use non-Latin digits; fall back to the UTC rule then.
    const [y, m, d] = [get('year'), get('month'), get('day')];
    if (Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d)) return Date.UTC(y, m - 1, d);
  }
  return Math.floor((t + DAY_MS / 2) / DAY_MS) * DAY_MS;
}

function dateCell(value: unknown, ctx: FormatContext, dateOnly: boolean): Cell {
  const t = toTime(value);
  if (t === undefined) return text(plain(value));
  if (dateOnly) {
    const day = dateOnlyDay(value as string, t, ctx);
    return text(ctx.dateFormat({ timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' }).format(day));
  }
  return text(ctx.dateFormat(dateTimeOptions(ctx)).format(t));
}

// Person fields come in several shapes: Graph's `XLookupId` alone (single person), arrays of
// `{LookupId, LookupValue, Email}` (multi-person), a single such object, or a display name string.
// Created By / Modified By are taken from the item's own `createdBy`/`lastModifiedBy`, which Graph
// always fills in, rather than from the `AuthorLookupId`/`EditorLookupId` fields.
function personCell(name: string, row: TableRow, ctx: FormatContext): Cell {
  const builtIn = name === 'Author' ? row.createdBy : name === 'Editor' ? row.modifiedBy : undefined;
  const people: PersonRef[] = builtIn === undefined ? [] : [builtIn];
  const unresolved: string[] = [];
  const resolve = (id: string): void => {
    const found = ctx.resolvePerson?.(id);
    if (found !== undefined) people.push(found);
    else unresolved.push(id);
  };
  if (builtIn === undefined) {
    const value = row.fields[name];
    for (const entry of Array.isArray(value) ? value : isBlank(value) ? [] : [value]) {
      if (typeof entry === 'string' && entry.trim() !== '') people.push({ name: stripControls(entry).trim() });
      else if (isRecord(entry)) {
        const label = entry['LookupValue'] ?? entry['displayName'] ?? entry['Title'];
        const email = entry['Email'] ?? entry['email'];
        if (typeof label === 'string' && label.trim() !== '') {
          const p: PersonRef = { name: stripControls(label).trim() };
          if (typeof email === 'string' && email !== '') p.email = email;
          people.push(p);
        } else if (typeof entry['LookupId'] === 'string' || typeof entry['LookupId'] === 'number') resolve(String(entry['LookupId']));
      }
    }
    if (people.length === 0 && unresolved.length === 0) {
      const ids = row.fields[`${name}LookupId`];
      for (const id of Array.isArray(ids) ? ids : isBlank(ids) ? [] : [ids]) {
        if (typeof id === 'string' || typeof id === 'number') resolve(String(id));
      }
    }
  }
  if (people.length === 0 && unresolved.length === 0) return EMPTY;
  const cell: Cell = { kind: 'person', text: people.map((p) => p.name).join('; '), people };
  if (unresolved.length > 0) cell.unresolvedIds = unresolved;
  return cell;
}

/** A link only for http(s) addresses; anything else (javascript:, data:, relative) is shown as text. */
export function safeHref(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 2048 || /[\u0000-\u001F\u007F\s\\]/.test(url.trim())) return undefined;
  try {
    const u = new URL(url.trim());
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function hyperlinkCell(value: unknown): Cell {
  let url: unknown;
  let description: unknown;
  if (isRecord(value)) {
    url = value['Url'] ?? value['url'];
    description = value['Description'] ?? value['description'];
  } else if (typeof value === 'string') {
    // SharePoint's text form is "url, description" (a literal comma in the URL is written ",,").
    const m = /^(.*?[^,]),\s(.*)$/s.exec(value);
    url = m ? m[1] : value;
    description = m ? m[2] : undefined;
  }
  const label = plain(description) || plain(url);
  const href = safeHref(url);
  if (href !== undefined) return { kind: 'link', text: label || href, href };
  return text(label);
}

const CALC_PREFIX = /^(string|float|number|datetime|boolean|error);#/i;

function calculatedCell(value: unknown, ctx: FormatContext, output: CalculatedOutput, dateOnly: boolean): Cell {
  const v = typeof value === 'string' ? value.replace(CALC_PREFIX, '') : value;
  if (typeof value === 'string' && /^error;#/i.test(value)) return text(plain(v));
  switch (output) {
    case 'number':
      return numberCell(v, ctx, undefined, false);
    case 'currency':
      return currencyCell(v, ctx, undefined);
    case 'dateTime':
      return dateCell(v, ctx, dateOnly);
    case 'boolean':
      return booleanCell(v, ctx);
    case 'text':
      return text(plain(v));
  }
}

/**
 * A comparable key for client-side sorting: numbers for numeric, date and yes/no columns, display text
 * otherwise, null for empty cells (sorted last either way).
 */
export function cellSortKey(column: ColumnRef, row: TableRow, ctx: FormatContext): number | string | null {
  const value = row.fields[column.name];
  const type = column.type === 'calculated' ? column.format?.outputType ?? 'text' : column.type;
  const raw = typeof value === 'string' ? value.replace(CALC_PREFIX, '') : value;
  switch (type) {
    case 'number':
    case 'currency':
    case 'counter':
      return toNumber(raw) ?? null;
    case 'fileSize':
      return row.kind === 'folder' ? -1 : row.size ?? toNumber(raw) ?? null;
    case 'dateTime': {
      const t = toTime(raw);
      if (t === undefined) return null;
      return column.format?.dateOnly === true ? dateOnlyDay(raw as string, t, ctx) : t;
    }
    case 'boolean': {
      const b = toBoolean(raw);
      return b === undefined ? null : b ? 1 : 0;
    }
    default: {
      const cell = formatCell(column, row, ctx);
      return cell.kind === 'empty' ? null : cell.text;
    }
  }
}
