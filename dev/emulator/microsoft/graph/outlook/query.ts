import type { MailMessage } from '../../data/mail';
import { badRequest, GraphError } from '../errors';
import { htmlToText } from './html';
import { extendedValue, parseExtendedId } from './render';

// $filter, $orderby and $search on message collections, with the combinations Exchange refuses.

type Value = string | number | boolean | null;

interface Property {
  get(m: MailMessage, folderId: (m: MailMessage) => string): Value;
  /** Ids and instants compare exactly; text compares without case, as Exchange does. */
  kind: 'id' | 'text' | 'bool' | 'date';
}

const PROPERTIES: Record<string, Property> = {
  conversationid: { kind: 'id', get: (m) => m.conversationId },
  internetmessageid: { kind: 'id', get: (m) => m.internetMessageId },
  parentfolderid: { kind: 'id', get: (m, folderId) => folderId(m) },
  subject: { kind: 'text', get: (m) => m.subject },
  importance: { kind: 'text', get: (m) => m.importance },
  isread: { kind: 'bool', get: (m) => m.isRead },
  isdraft: { kind: 'bool', get: (m) => m.isDraft },
  hasattachments: { kind: 'bool', get: (m) => m.attachments.some((a) => !a.isInline) },
  receiveddatetime: { kind: 'date', get: (m) => m.receivedMs },
  sentdatetime: { kind: 'date', get: (m) => m.sentMs },
  createddatetime: { kind: 'date', get: (m) => m.receivedMs },
  lastmodifieddatetime: { kind: 'date', get: (m) => m.modifiedMs },
  'from/emailaddress/address': { kind: 'text', get: (m) => m.from.address },
  'from/emailaddress/name': { kind: 'text', get: (m) => m.from.name },
  'sender/emailaddress/address': { kind: 'text', get: (m) => m.from.address },
  'sender/emailaddress/name': { kind: 'text', get: (m) => m.from.name },
};

const unknownProperty = (name: string): GraphError =>
  new GraphError(400, 'RequestBroker--ParseUri', `Could not find a property named '${name}' on type 'Microsoft.OutlookServices.Message'.`);

const invalidFilter = (detail: string): GraphError => badRequest(`Invalid filter clause: ${detail}`);

/** Message properties Exchange has but does not filter or sort on. */
const NOT_QUERYABLE = new Set(['body', 'uniquebody', 'bodypreview', 'weblink', 'torecipients', 'ccrecipients', 'bccrecipients',
  'replyto', 'categories', 'changekey', 'conversationindex', 'flag', 'internetmessageheaders', 'id']);

const propertyOf = (path: string): { key: string; p: Property } => {
  const key = path.toLowerCase();
  const p = PROPERTIES[key];
  if (p) return { key, p };
  if (NOT_QUERYABLE.has(key)) throw new GraphError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
  throw unknownProperty(path);
};

type Token = { t: 'str'; v: string } | { t: 'word'; v: string } | { t: 'punct'; v: '(' | ')' | ',' | ':' };

const tokenize = (s: string): Token[] => {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) throw invalidFilter('unterminated string literal');
        if (s[i] === "'" && s[i + 1] === "'") { v += "'"; i += 2; continue; }
        if (s[i] === "'") { i++; break; }
        v += s[i];
        i++;
      }
      out.push({ t: 'str', v });
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === ':') { out.push({ t: 'punct', v: ch }); i++; continue; }
    const m = /^[A-Za-z0-9_./+\-]+/.exec(s.slice(i));
    if (!m) throw invalidFilter(`unexpected '${ch}'`);
    // A date-time literal keeps its colons: 2024-05-01T07:00:00Z.
    const dt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?/.exec(s.slice(i));
    const word = dt ? dt[0] : m[0];
    out.push({ t: 'word', v: word });
    i += word.length;
  }
  return out;
};

export type MessagePredicate = (m: MailMessage, folderId: (m: MailMessage) => string) => boolean;

export interface ParsedFilter {
  test: MessagePredicate;
  /** Message properties in order of appearance (lower-cased paths), for the $orderby rule. */
  properties: string[];
}

const literal = (tok: Token | undefined): Value => {
  if (!tok) throw invalidFilter('a value is missing');
  if (tok.t === 'str') return tok.v;
  if (tok.t === 'word') {
    const w = tok.v.toLowerCase();
    if (w === 'true' || w === 'false') return w === 'true';
    if (w === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(w)) return Number(w);
    const ms = Date.parse(tok.v);
    if (/^\d{4}-\d{2}-\d{2}/.test(tok.v) && !Number.isNaN(ms)) return ms;
  }
  throw invalidFilter(`'${tok.v}' is not a value`);
};

const compare = (p: Property, actual: Value, op: string, expected: Value): boolean => {
  let a = actual;
  let b = expected;
  if (p.kind === 'text' && typeof a === 'string' && typeof b === 'string') { a = a.toLowerCase(); b = b.toLowerCase(); }
  if (p.kind === 'date' && typeof b === 'string') b = Date.parse(b);
  switch (op) {
    case 'eq': return a === b;
    case 'ne': return a !== b;
    case 'gt': return a !== null && b !== null && a > b;
    case 'ge': return a !== null && b !== null && a >= b;
    case 'lt': return a !== null && b !== null && a < b;
    case 'le': return a !== null && b !== null && a <= b;
    default: throw invalidFilter(`unknown operator '${op}'`);
  }
};

const OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

/** OData `$filter` over messages: comparisons, contains/startswith, and/or/not, and the extended-property `any`. */
export const parseFilter = (raw: string): ParsedFilter => {
  const toks = tokenize(raw);
  const properties: string[] = [];
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const word = (w: string): boolean => { const t = toks[i]; return t?.t === 'word' && t.v.toLowerCase() === w; };
  const expect = (v: string): void => {
    const t = toks[i++];
    if (!t || t.v.toLowerCase() !== v) throw invalidFilter(`expected '${v}'`);
  };
  const note = (key: string): void => { if (!properties.includes(key)) properties.push(key); };

  const anyExtended = (): MessagePredicate => {
    expect('(');
    const v = toks[i++];
    if (v?.t !== 'word') throw invalidFilter('expected a lambda variable');
    expect(':');
    const idPath = toks[i++];
    if (idPath?.t !== 'word' || idPath.v.toLowerCase() !== `${v.v.toLowerCase()}/id`) throw invalidFilter(`expected ${v.v}/id`);
    expect('eq');
    const idTok = toks[i++];
    if (idTok?.t !== 'str') throw invalidFilter('expected the extended property id');
    const ext = parseExtendedId(idTok.v);
    expect('and');
    const valuePath = `${v.v.toLowerCase()}/value`;
    let test: (value: string) => boolean;
    const fn = peek();
    if (fn?.t === 'word' && (fn.v.toLowerCase() === 'contains' || fn.v.toLowerCase() === 'startswith')) {
      i++;
      expect('(');
      const p = toks[i++];
      if (p?.t !== 'word' || p.v.toLowerCase() !== valuePath) throw invalidFilter(`expected ${valuePath}`);
      expect(',');
      const needle = literal(toks[i++]);
      expect(')');
      if (typeof needle !== 'string') throw invalidFilter('expected a string');
      const n = needle.toLowerCase();
      test = fn.v.toLowerCase() === 'contains' ? (x) => x.toLowerCase().includes(n) : (x) => x.toLowerCase().startsWith(n);
    } else {
      const p = toks[i++];
      if (p?.t !== 'word' || p.v.toLowerCase() !== valuePath) throw invalidFilter(`expected ${valuePath}`);
      const op = toks[i++]?.v.toLowerCase() ?? '';
      if (op !== 'eq' && op !== 'ne') throw invalidFilter('string extended properties take eq, ne, contains or startswith');
      const expected = literal(toks[i++]);
      if (typeof expected !== 'string') throw invalidFilter('expected a string');
      // Filtering the value of an extended property is case-insensitive (singleValueLegacyExtendedProperty get).
      test = op === 'eq' ? (x) => x.toLowerCase() === expected.toLowerCase() : (x) => x.toLowerCase() !== expected.toLowerCase();
    }
    expect(')');
    note(`singlevalueextendedproperties:${ext.tag}`);
    return (m) => {
      const value = extendedValue(m, ext.tag);
      return value !== null && test(value);
    };
  };

  const primary = (): MessagePredicate => {
    const t = peek();
    if (!t) throw invalidFilter('the expression ends early');
    if (t.t === 'punct' && t.v === '(') {
      i++;
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (t.t !== 'word') throw invalidFilter(`unexpected '${t.v}'`);
    const name = t.v.toLowerCase();
    if (name === 'singlevalueextendedproperties/any') { i++; return anyExtended(); }
    if (name === 'contains' || name === 'startswith' || name === 'endswith') {
      i++;
      expect('(');
      const p = toks[i++];
      if (p?.t !== 'word') throw invalidFilter('expected a property');
      const { key, p: prop } = propertyOf(p.v);
      note(key);
      expect(',');
      const needle = literal(toks[i++]);
      expect(')');
      if (typeof needle !== 'string') throw invalidFilter('expected a string');
      const n = needle.toLowerCase();
      return (m, f) => {
        const v = String(prop.get(m, f) ?? '').toLowerCase();
        return name === 'contains' ? v.includes(n) : name === 'startswith' ? v.startsWith(n) : v.endsWith(n);
      };
    }
    i++;
    const { key, p: prop } = propertyOf(t.v);
    note(key);
    const op = toks[i++];
    if (op?.t !== 'word' || !OPS.has(op.v.toLowerCase())) throw invalidFilter(`expected an operator after '${t.v}'`);
    const expected = literal(toks[i++]);
    return (m, f) => compare(prop, prop.get(m, f), op.v.toLowerCase(), expected);
  };

  const unary = (): MessagePredicate => {
    if (word('not')) { i++; const inner = unary(); return (m, f) => !inner(m, f); }
    return primary();
  };
  const andExpr = (): MessagePredicate => {
    let left = unary();
    while (word('and')) { i++; const l = left; const r = unary(); left = (m, f) => l(m, f) && r(m, f); }
    return left;
  };
  const orExpr = (): MessagePredicate => {
    let left = andExpr();
    while (word('or')) { i++; const l = left; const r = andExpr(); left = (m, f) => l(m, f) || r(m, f); }
    return left;
  };

  const test = orExpr();
  if (i < toks.length) throw invalidFilter(`unexpected '${toks[i]?.v ?? ''}'`);
  return { test, properties };
};

export interface OrderKey {
  key: string;
  desc: boolean;
}

export const parseOrderBy = (raw: string): OrderKey[] =>
  raw.split(',').map((part) => {
    const m = /^\s*([\w/]+)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m?.[1]) throw badRequest(`Invalid $orderby clause '${part.trim()}'.`);
    const { key } = propertyOf(m[1]);
    return { key, desc: (m[2] ?? 'asc').toLowerCase() === 'desc' };
  });

/**
 * "Properties that appear in $orderby must also appear in $filter … in the same order … before any
 * properties that aren't", else 400 InefficientFilter (List messages, "Using filter and orderby in
 * the same query").
 */
export const checkFilterAndOrder = (filterProps: readonly string[], order: readonly OrderKey[]): void => {
  const ok = order.every((o, idx) => filterProps[idx] === o.key);
  if (!ok) throw new GraphError(400, 'InefficientFilter', 'The restriction or sort order is too complex for this operation.');
};

export const sortBy = (xs: MailMessage[], order: readonly OrderKey[], folderId: (m: MailMessage) => string): MailMessage[] =>
  [...xs].sort((a, b) => {
    for (const o of order) {
      const p = PROPERTIES[o.key];
      if (!p) continue;
      let x = p.get(a, folderId);
      let y = p.get(b, folderId);
      if (typeof x === 'string' && typeof y === 'string' && p.kind === 'text') { x = x.toLowerCase(); y = y.toLowerCase(); }
      if (x === y) continue;
      const lt = x === null || (y !== null && x < y);
      return (lt ? -1 : 1) * (o.desc ? -1 : 1);
    }
    return b.seq - a.seq;
  });

// --- $search (KQL over the message's searchable properties) ---------------------------------------

interface SearchFields {
  subject: string;
  body: string;
  from: string;
  to: string;
  cc: string;
  attachment: string;
}

const fieldsOf = (m: MailMessage): SearchFields => {
  const addr = (a: { name: string; address: string }): string => `${a.name} ${a.address}`;
  return {
    subject: m.subject,
    body: htmlToText(m.bodyInner),
    from: addr(m.from),
    to: m.to.map(addr).join(' '),
    cc: m.cc.map(addr).join(' '),
    attachment: m.attachments.map((a) => a.name).join(' '),
  };
};

/** A term matches at the start of a word (Exchange's prefix matching); a phrase matches as written. */
const matches = (haystack: string, term: string): boolean => {
  const h = haystack.toLowerCase();
  const t = term.toLowerCase();
  if (t === '') return true;
  let at = h.indexOf(t);
  while (at >= 0) {
    if (at === 0 || !/[\p{L}\p{N}]/u.test(h[at - 1] ?? '')) return true;
    at = h.indexOf(t, at + 1);
  }
  return false;
};

const DEFAULT_SEARCH: Array<keyof SearchFields> = ['subject', 'body', 'from'];

const KQL_FIELDS: Record<string, Array<keyof SearchFields>> = {
  subject: ['subject'], body: ['body'], from: ['from'], to: ['to'], cc: ['cc'], attachment: ['attachment'],
  participants: ['from', 'to', 'cc'], recipients: ['to', 'cc'],
};

type SearchTest = (m: MailMessage, f: SearchFields) => boolean;

const searchTerm = (prop: string | undefined, value: string): SearchTest => {
  if (prop === undefined) return (_m, f) => DEFAULT_SEARCH.some((k) => matches(f[k], value));
  const p = prop.toLowerCase();
  if (p === 'hasattachment' || p === 'hasattachments') {
    const want = value.toLowerCase() === 'true';
    return (m) => m.attachments.some((a) => !a.isInline) === want;
  }
  if (p === 'importance') return (m) => m.importance === value.toLowerCase();
  if (p === 'kind') return () => value.toLowerCase() === 'email';
  if (p === 'received' || p === 'sent') {
    const day = Date.parse(/^\d{1,2}\/\d{1,2}\/\d{4}$/.test(value) ? `${value} UTC` : value);
    if (Number.isNaN(day)) throw badRequest(`The $search value '${value}' is not a date.`);
    const start = day - (day % 86_400_000);
    return (m) => {
      const t = p === 'received' ? m.receivedMs : m.sentMs;
      return t >= start && t < start + 86_400_000;
    };
  }
  const fields = KQL_FIELDS[p];
  // An unknown property name is searched as text, as KQL treats "foo:bar".
  if (!fields) return (_m, f) => DEFAULT_SEARCH.some((k) => matches(f[k], `${prop}:${value}`));
  return (_m, f) => fields.some((k) => matches(f[k], value));
};

/**
 * `$search="…"`: KQL terms (`word`, `"a phrase"`, `property:value`), implicit AND, `OR`, `NOT`, over
 * subject, body and from by default (Use the $search query parameter, "Using $search on message
 * collections").
 */
export const parseSearch = (raw: string): ((m: MailMessage) => boolean) => {
  let q = raw.trim();
  if (q.length >= 2 && q.startsWith('"') && q.endsWith('"')) q = q.slice(1, -1);
  const toks = [...q.matchAll(/(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)/g)];
  const clauses: SearchTest[][] = [[]];
  let negate = false;
  for (const t of toks) {
    const bare = t[6];
    if (bare === 'OR') { clauses.push([]); continue; }
    if (bare === 'AND') continue;
    if (bare === 'NOT') { negate = true; continue; }
    const test = t[1] !== undefined ? searchTerm(t[1], t[2] ?? '')
      : t[3] !== undefined ? searchTerm(t[3], t[4] ?? '')
        : searchTerm(undefined, t[5] ?? bare ?? '');
    const neg = negate;
    negate = false;
    clauses.at(-1)?.push(neg ? (m, f) => !test(m, f) : test);
  }
  return (m) => {
    const f = fieldsOf(m);
    return clauses.some((c) => c.length > 0 && c.every((test) => test(m, f)));
  };
};
