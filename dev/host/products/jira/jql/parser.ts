/**
 * JQL: tokens → syntax tree. Errors are Jira's (see products/README.md for the sources of each
 * wording). The input is bounded before anything else runs: its length, the nesting of
 * parentheses and NOT, the number of clauses, and the size of value lists.
 */

export const LIMITS = {
  /** Characters in one query. Jira documents no limit; a search URL of more than this fails long before. */
  length: 10_000,
  /** Parentheses and NOT nested inside each other. */
  depth: 32,
  /** Field clauses in one query. */
  clauses: 200,
  /** Values in one `in (…)` list. */
  listItems: 1_000,
  /** Fields in ORDER BY: "orderBy clause can contain a maximum of 7 fields" (search/jql docs). */
  orderBy: 7,
};

export interface Pos {
  line: number;
  col: number;
}

export type TokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  at: Pos;
}

export type Op = '=' | '!=' | '<' | '>' | '<=' | '>=' | '~' | '!~' | 'in' | 'not in' | 'is' | 'is not' | 'was' | 'was not' | 'was in' | 'was not in' | 'changed';

export type FieldRef = { kind: 'name'; name: string; quoted: boolean } | { kind: 'cf'; id: string } | { kind: 'property'; key: string; path: string };

export type Operand =
  | { kind: 'value'; text: string; quoted: boolean; at: Pos }
  | { kind: 'list'; items: Operand[]; at: Pos }
  | { kind: 'function'; name: string; args: string[]; at: Pos }
  | { kind: 'empty'; keyword: string; at: Pos };

export interface Term {
  kind: 'term';
  field: FieldRef;
  op: Op;
  operand: Operand;
  at: Pos;
}

export type Clause = { kind: 'and' | 'or'; clauses: Clause[] } | { kind: 'not'; clause: Clause } | Term;

export interface SortItem {
  field: FieldRef;
  direction?: 'asc' | 'desc';
  at: Pos;
}

export interface Query {
  where: Clause | null;
  orderBy: SortItem[];
}

export type ParseResult = { ok: true; query: Query } | { ok: false, error: string };

/** Thrown inside the parser only; `parseJql` turns it into a value. */
class SyntaxFailure extends Error {}

const VALID_OPERATORS = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";
const where = (at: Pos) => ` (line ${at.line}, character ${at.col})`;
const fail = (message: string, at?: Pos): never => {
  throw new SyntaxFailure(`Error in JQL Query: ${message}${at ? where(at) : ''}`);
};
/** Jira words a missing token at the end differently from a wrong one (which gets a position). */
const unexpected = (t: Token, atEnd: string, got: (text: string) => string): never => (t.kind === 'eof' ? fail(atEnd) : fail(got(t.text), t.at));

/** Characters JQL reserves outside quotes (Jira's advanced search reference: "reserved characters"). */
const RESERVED = new Set(['+', ';', '?', '*', '/', '%', '^', '$', '#', '@', '{', '}']);
const DELIMITERS = new Set(['(', ')', ',', '=', '!', '<', '>', '~', '"', "'", '&', '|']);
const KEYWORDS = new Set(['and', 'or', 'not', 'empty', 'null', 'order', 'by', 'asc', 'desc', 'in', 'is', 'was', 'changed']);
const isSpace = (c: string) => /\s/u.test(c);

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Pos => ({ line, col: at - lineStart + 1 });
  while (i < input.length) {
    const c = input[i] as string;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    const at = pos(i);
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c, at });
      i++;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '!~' || two === '&&' || two === '||') {
      tokens.push({ kind: 'op', text: two, at });
      i += 2;
      continue;
    }
    if ('=<>~!&|'.includes(c)) {
      tokens.push({ kind: 'op', text: c, at });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= input.length) fail(`The quoted string '${text}' has not been completed.`, at);
        const d = input[j] as string;
        if (d === c) break;
        if (d === '\n') fail(`The quoted string '${text}' has not been completed.`, at);
        if (d === '\\') {
          const e = input[j + 1];
          const simple: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", n: '\n', r: '\r', t: '\t', ' ': ' ' };
          if (e !== undefined && e in simple) {
            text += simple[e];
            j += 2;
            continue;
          }
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(input.slice(j + 2, j + 6))) {
            text += String.fromCharCode(parseInt(input.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          fail(`The escape sequence '\\${e ?? ''}' in the quoted string '${text}' is illegal.`, pos(j));
        }
        text += d;
        j++;
      }
      tokens.push({ kind: 'string', text, at });
      i = j + 1;
      continue;
    }
    let j = i;
    let text = '';
    while (j < input.length) {
      const d = input[j] as string;
      if (isSpace(d) || DELIMITERS.has(d)) break;
      if (RESERVED.has(d)) {
        const code = d.charCodeAt(0).toString(16).padStart(4, '0');
        fail(`The character '${d}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${code}' instead.`, pos(j));
      }
      if (d === '\\') {
        const e = input[j + 1];
        if (e === ' ' || e === '"' || e === "'" || e === '\\') {
          text += e;
          j += 2;
          continue;
        }
        fail(`The escape sequence '\\${e ?? ''}' is illegal.`, pos(j));
      }
      text += d;
      j++;
    }
    tokens.push({ kind: 'word', text, at });
    i = j;
  }
  tokens.push({ kind: 'eof', text: '', at: pos(i) });
  return tokens;
}

const CF = /^cf\[(\d+)\]$/i;
const PROPERTY = /^issue\.property\[([^\]]+)\]\.(.+)$/i;

class Parser {
  private i = 0;
  private clauses = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private next(): Token {
    return this.tokens[this.i++] as Token;
  }
  private isWord(t: Token, ...words: string[]) {
    return t.kind === 'word' && words.includes(t.text.toLowerCase());
  }
  private isAnd(t: Token) {
    return this.isWord(t, 'and') || (t.kind === 'op' && (t.text === '&&' || t.text === '&'));
  }
  private isOr(t: Token) {
    return this.isWord(t, 'or') || (t.kind === 'op' && (t.text === '||' || t.text === '|'));
  }
  private isNot(t: Token) {
    return this.isWord(t, 'not') || (t.kind === 'op' && t.text === '!');
  }

  query(): Query {
    const start = this.peek();
    const where = start.kind === 'eof' || this.isWord(start, 'order') ? null : this.or(0);
    const orderBy: SortItem[] = [];
    const t = this.peek();
    if (this.isWord(t, 'order')) {
      this.next();
      const by = this.next();
      if (!this.isWord(by, 'by')) unexpected(by, "Expecting 'BY' before the end of the query.", (x) => `Expecting 'BY' but got '${x}'.`);
      for (;;) {
        orderBy.push(this.sortItem());
        if (this.peek().kind !== 'comma') break;
        this.next();
      }
    }
    const end = this.peek();
    if (end.kind !== 'eof') {
      if (end.kind === 'rparen') fail(`Expecting either 'OR' or 'AND' but got ')'.`, end.at);
      fail(orderBy.length ? `Expecting either ',' or the end of the query but got '${end.text}'.` : `Expecting either 'OR' or 'AND' but got '${end.text}'.`, end.at);
    }
    return { where, orderBy };
  }

  private sortItem(): SortItem {
    const t = this.peek();
    if (t.kind === 'eof') fail('Expecting a field name before the end of the query.');
    const field = this.field();
    const d = this.peek();
    if (this.isWord(d, 'asc', 'desc')) {
      this.next();
      return { field, direction: d.text.toLowerCase() as 'asc' | 'desc', at: t.at };
    }
    return { field, at: t.at };
  }

  private or(depth: number): Clause {
    const clauses = [this.and(depth)];
    while (this.isOr(this.peek())) {
      this.next();
      clauses.push(this.and(depth));
    }
    return clauses.length === 1 ? (clauses[0] as Clause) : { kind: 'or', clauses };
  }

  private and(depth: number): Clause {
    const clauses = [this.not(depth)];
    while (this.isAnd(this.peek())) {
      this.next();
      clauses.push(this.not(depth));
    }
    return clauses.length === 1 ? (clauses[0] as Clause) : { kind: 'and', clauses };
  }

  private not(depth: number): Clause {
    const t = this.peek();
    if (depth >= LIMITS.depth) fail(`The query nests parentheses and NOT more than ${LIMITS.depth} deep, more than the local host accepts.`, t.at);
    if (this.isNot(t)) {
      this.next();
      return { kind: 'not', clause: this.not(depth + 1) };
    }
    if (t.kind === 'lparen') {
      this.next();
      const inner = this.or(depth + 1);
      const close = this.next();
      if (close.kind !== 'rparen') unexpected(close, "Expecting ')' before the end of the query.", (x) => `Expecting ')' but got '${x}'.`);
      return inner;
    }
    return this.term();
  }

  private field(): FieldRef {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'name', name: t.text, quoted: true };
    if (t.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase())) {
      if (t.kind === 'eof') fail('Expecting a field name before the end of the query.');
      fail(`Expecting a field name but got '${t.text}'. You must surround '${t.text}' in quotation marks to use it as a field name.`, t.at);
    }
    const cf = CF.exec(t.text);
    if (cf) return { kind: 'cf', id: cf[1] as string };
    const prop = PROPERTY.exec(t.text);
    if (prop) return { kind: 'property', key: prop[1] as string, path: prop[2] as string };
    if (/[[\]]/.test(t.text)) fail(`The character '${t.text.includes('[') ? '[' : ']'}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u00${t.text.includes('[') ? '5b' : '5d'}' instead.`, t.at);
    return { kind: 'name', name: t.text, quoted: false };
  }

  private operator(): Op {
    const t = this.next();
    if (t.kind === 'op' && ['=', '!=', '<', '>', '<=', '>=', '~', '!~'].includes(t.text)) return t.text as Op;
    if (t.kind === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'in') return 'in';
      if (w === 'changed') return 'changed';
      if (w === 'not' && this.isWord(this.peek(), 'in')) {
        this.next();
        return 'not in';
      }
      if (w === 'is') {
        if (this.isWord(this.peek(), 'not')) {
          this.next();
          return 'is not';
        }
        return 'is';
      }
      if (w === 'was') {
        if (this.isWord(this.peek(), 'not')) {
          this.next();
          if (this.isWord(this.peek(), 'in')) {
            this.next();
            return 'was not in';
          }
          return 'was not';
        }
        if (this.isWord(this.peek(), 'in')) {
          this.next();
          return 'was in';
        }
        return 'was';
      }
    }
    if (t.kind === 'eof') return fail(`Expecting operator before the end of the query. ${VALID_OPERATORS}`);
    return fail(`Expecting operator but got '${t.text}'. ${VALID_OPERATORS}`, t.at);
  }

  private term(): Term {
    const at = this.peek().at;
    if (++this.clauses > LIMITS.clauses) fail(`The query has more than ${LIMITS.clauses} clauses, more than the local host accepts.`, at);
    const field = this.field();
    const op = this.operator();
    if (op === 'changed') return { kind: 'term', field, op, operand: { kind: 'empty', keyword: '', at }, at };
    const operand = op === 'in' || op === 'not in' || op === 'was in' || op === 'was not in' ? this.listOperand() : this.operand();
    return { kind: 'term', field, op, operand, at };
  }

  private listOperand(): Operand {
    const t = this.peek();
    if (t.kind !== 'lparen') return this.operand();
    this.next();
    const items: Operand[] = [];
    for (;;) {
      if (items.length >= LIMITS.listItems) fail(`A list may hold at most ${LIMITS.listItems} values in the local host.`, this.peek().at);
      items.push(this.operand());
      const sep = this.next();
      if (sep.kind === 'rparen') break;
      if (sep.kind !== 'comma') unexpected(sep, "Expecting ')' before the end of the query.", (x) => `Expecting ',' or ')' but got '${x}'.`);
    }
    return { kind: 'list', items, at: t.at };
  }

  private operand(): Operand {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'value', text: t.text, quoted: true, at: t.at };
    if (t.kind === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'empty' || w === 'null') return { kind: 'empty', keyword: t.text.toUpperCase(), at: t.at };
      if (KEYWORDS.has(w)) fail(`Expecting either a value, list or function but got '${t.text}'. You must surround '${t.text}' in quotation marks to use it as a value.`, t.at);
      if (this.peek().kind === 'lparen') {
        this.next();
        const args: string[] = [];
        if (this.peek().kind === 'rparen') this.next();
        else
          for (;;) {
            const a = this.next();
            if (a.kind !== 'word' && a.kind !== 'string') unexpected(a, "Expecting ')' before the end of the query.", (x) => `Expecting a function argument but got '${x}'.`);
            args.push(a.text);
            const sep = this.next();
            if (sep.kind === 'rparen') break;
            if (sep.kind !== 'comma') unexpected(sep, "Expecting ')' before the end of the query.", (x) => `Expecting ',' or ')' but got '${x}'.`);
          }
        return { kind: 'function', name: t.text, args, at: t.at };
      }
      if (/[[\]]/.test(t.text)) fail(`The character '${t.text.includes('[') ? '[' : ']'}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u00${t.text.includes('[') ? '5b' : '5d'}' instead.`, t.at);
      return { kind: 'value', text: t.text, quoted: false, at: t.at };
    }
    if (t.kind === 'eof') return fail('Expecting either a value, list or function before the end of the query.');
    return fail(`Expecting either a value, list or function but got '${t.text}'. You must surround '${t.text}' in quotation marks to use it as a value.`, t.at);
  }
}

/** Parses one JQL query; a bad one gives Jira's first syntax error, never an exception. */
export function parseJql(jql: string): ParseResult {
  if (jql.length > LIMITS.length) return { ok: false, error: `The JQL query is ${jql.length} characters long; the local host accepts at most ${LIMITS.length}.` };
  try {
    return { ok: true, query: new Parser(tokenize(jql)).query() };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: e.message };
    throw e;
  }
}
