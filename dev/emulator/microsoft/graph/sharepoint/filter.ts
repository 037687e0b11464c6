import type { Column } from '../../data/columns';
import type { ListItem, SpList } from '../../data/sharepoint';
import { invalidRequest } from '../errors';

// The slice of OData `$filter` SharePoint list items accept through Graph: comparisons and
// startswith on `fields/X`, joined by and/or, with parentheses and not.

export interface FieldRef {
  name: string;
  column?: Column;
  /** `value` is the column's own value; for people and lookups `lookupId` is the id, `value` the shown text. */
  kind: 'id' | 'value' | 'lookupId';
  indexed: boolean;
}

type Literal = string | number | boolean | null;
type Op = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { t: 'cmp'; op: Op; field: FieldRef; value: Literal }
  | { t: 'startswith'; field: FieldRef; value: string }
  | { t: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { t: 'not'; inner: FilterNode };

const isLookupLike = (c: Column): boolean => c.type === 'personOrGroup' || c.lookup !== undefined;

export const resolveField = (list: SpList, path: string): FieldRef => {
  const m = /^fields\/(\w+)$/i.exec(path);
  if (!m?.[1]) {
    if (/^id$/i.test(path)) return { name: 'id', kind: 'id', indexed: true };
    throw invalidRequest(`Invalid filter or orderby clause: '${path}'. List item columns are addressed as fields/<name>.`);
  }
  const name = m[1];
  if (/^id$/i.test(name)) return { name: 'id', kind: 'id', indexed: true };
  const direct = list.columns.find((c) => c.name === name);
  if (direct) return { name, column: direct, kind: isLookupLike(direct) ? 'lookupId' : 'value', indexed: direct.indexed };
  const lookup = /^(\w+)LookupId$/.exec(name);
  const base = lookup?.[1] !== undefined ? list.columns.find((c) => c.name === lookup[1] && isLookupLike(c)) : undefined;
  if (base) return { name, column: base, kind: 'lookupId', indexed: base.indexed };
  throw invalidRequest(`Field '${name}' is not recognized.`);
};

type Token = { k: 'id' | 'str' | 'num' | 'punct'; v: string };

const tokenize = (s: string): Token[] => {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '(' || ch === ')' || ch === ',') { out.push({ k: 'punct', v: ch }); i++; continue; }
    if (ch === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) throw invalidRequest('Invalid filter clause: unterminated string literal.');
        if (s[i] === "'" && s[i + 1] === "'") { v += "'"; i += 2; continue; }
        if (s[i] === "'") { i++; break; }
        v += s[i];
        i++;
      }
      out.push({ k: 'str', v });
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(s.slice(i));
    if (num) { out.push({ k: 'num', v: num[0] }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][\w/]*/.exec(s.slice(i));
    if (id) { out.push({ k: 'id', v: id[0] }); i += id[0].length; continue; }
    throw invalidRequest(`Invalid filter clause: unexpected '${ch}'.`);
  }
  return out;
};

export const parseFilter = (list: SpList, text: string): FilterNode => {
  const toks = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => toks[pos];
  const next = (): Token => {
    const t = toks[pos++];
    if (!t) throw invalidRequest('Invalid filter clause: unexpected end.');
    return t;
  };
  const expect = (v: string): void => {
    const t = next();
    if (t.v !== v) throw invalidRequest(`Invalid filter clause: expected '${v}' but found '${t.v}'.`);
  };
  const literal = (): Literal => {
    const t = next();
    if (t.k === 'str') return t.v;
    if (t.k === 'num') return Number(t.v);
    if (t.k === 'id' && (t.v === 'true' || t.v === 'false')) return t.v === 'true';
    if (t.k === 'id' && t.v === 'null') return null;
    throw invalidRequest(`Invalid filter clause: '${t.v}' is not a literal.`);
  };
  const primary = (): FilterNode => {
    const t = next();
    if (t.v === '(') {
      const e = orExpr();
      expect(')');
      return e;
    }
    if (t.k === 'id' && t.v.toLowerCase() === 'not') return { t: 'not', inner: primary() };
    if (t.k === 'id' && t.v.toLowerCase() === 'startswith') {
      expect('(');
      const field = resolveField(list, next().v);
      expect(',');
      const value = literal();
      expect(')');
      if (typeof value !== 'string') throw invalidRequest('startswith needs a string literal.');
      return { t: 'startswith', field, value };
    }
    if (t.k !== 'id') throw invalidRequest(`Invalid filter clause near '${t.v}'.`);
    const field = resolveField(list, t.v);
    const op = next().v.toLowerCase();
    if (!['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(op)) throw invalidRequest(`Invalid filter clause: unsupported operator '${op}'.`);
    return { t: 'cmp', op: op as Op, field, value: literal() };
  };
  const andExpr = (): FilterNode => {
    let left = primary();
    while (peek()?.v.toLowerCase() === 'and') { pos++; left = { t: 'and', left, right: primary() }; }
    return left;
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (peek()?.v.toLowerCase() === 'or') { pos++; left = { t: 'or', left, right: andExpr() }; }
    return left;
  };
  const tree = orExpr();
  if (pos !== toks.length) throw invalidRequest(`Invalid filter clause: unexpected '${toks[pos]?.v ?? ''}'.`);
  return tree;
};

export const fieldsOf = (n: FilterNode): FieldRef[] =>
  n.t === 'cmp' || n.t === 'startswith' ? [n.field]
    : n.t === 'not' ? fieldsOf(n.inner)
      : [...fieldsOf(n.left), ...fieldsOf(n.right)];

/** The comparable value of a field: person and lookup columns compare by their lookup id. */
export const fieldValue = (item: ListItem, f: FieldRef): unknown => {
  if (f.kind === 'id') return item.id;
  const raw = item.fields[f.column?.name ?? f.name];
  if (f.kind === 'lookupId' && f.column?.type === 'personOrGroup') {
    return typeof raw === 'string' ? item.list.site.userLookupIds.get(raw) : undefined;
  }
  return raw;
};

/** SharePoint compares text case-insensitively and numbers as numbers. */
export const compareValues = (a: unknown, b: unknown): number => {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a === true || a === 1) - Number(b === true || b === 1);
  const na = Number(a);
  const nb = Number(b);
  if (typeof a === 'number' || typeof b === 'number') {
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  }
  return textOf(a).toLowerCase().localeCompare(textOf(b).toLowerCase());
};

/** Field values are JSON: compound ones (hyperlinks, lookups) compare by their JSON rather than all as `[object Object]`. */
const textOf = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export const evaluate = (n: FilterNode, item: ListItem): boolean => {
  switch (n.t) {
    case 'and': return evaluate(n.left, item) && evaluate(n.right, item);
    case 'or': return evaluate(n.left, item) || evaluate(n.right, item);
    case 'not': return !evaluate(n.inner, item);
    case 'startswith': {
      const v = fieldValue(item, n.field);
      return typeof v === 'string' && v.toLowerCase().startsWith(n.value.toLowerCase());
    }
    case 'cmp': {
      const v = fieldValue(item, n.field);
      if (n.value === null) return n.op === 'eq' ? v === undefined || v === null : n.op === 'ne' ? v !== undefined && v !== null : false;
      if (v === undefined || v === null) return n.op === 'ne';
      const c = compareValues(v, n.value);
      switch (n.op) {
        case 'eq': return c === 0;
        case 'ne': return c !== 0;
        case 'gt': return c > 0;
        case 'ge': return c >= 0;
        case 'lt': return c < 0;
        case 'le': return c <= 0;
      }
    }
  }
};

/** An `eq` on an indexed column that every match must satisfy: its index bucket can replace a scan. */
export const indexedEquality = (n: FilterNode): { column: string; key: string } | undefined => {
  if (n.t === 'cmp' && n.op === 'eq' && n.field.kind === 'value' && n.field.indexed && n.field.column && n.value !== null) {
    return { column: n.field.column.name, key: String(n.value).toLowerCase() };
  }
  if (n.t === 'and') return indexedEquality(n.left) ?? indexedEquality(n.right);
  return undefined;
};
