/**
 * The subset of Jira expressions that trigger filters may use locally (dev/host/events/README.md, "Filters").
 * Anything outside it is an error, never a guess: the filter then follows its `onError`, so an app cannot come
 * to rely on something the real evaluator might read differently.
 */

export class ExpressionError extends Error {}

/** Jira expressions are limited to 1,000 characters (developer.atlassian.com/cloud/jira/platform/jira-expressions, "Limits"). */
export const MAX_EXPRESSION_LENGTH = 1000;

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'id'; v: string }
  | { t: 'op'; v: string };

const OPS = ['?.[', '?.', '==', '!=', '<=', '>=', '&&', '||', '!', '<', '>', '.', '[', ']', '(', ')', ','];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ExpressionError('Unterminated string literal.');
        const c = src[i] as string;
        if (c === '\\') {
          const next = src[i + 1];
          if (next === undefined) throw new ExpressionError('Unterminated string literal.');
          v += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
          continue;
        }
        if (c === ch) {
          i++;
          break;
        }
        v += c;
        i++;
      }
      out.push({ t: 'str', v });
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_$][\w$]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`Unexpected character '${ch}' at ${i}.`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'var'; name: string }
  | { k: 'list'; items: Node[] }
  | { k: 'member'; obj: Node; key: Node | string; optional: boolean }
  | { k: 'call'; obj: Node; method: string; args: Node[]; optional: boolean }
  | { k: 'not'; arg: Node }
  | { k: 'bin'; op: string; left: Node; right: Node };

const BINARY: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4 };

function parse(tokens: Token[]): Node {
  let p = 0;
  const peek = () => tokens[p];
  const isOp = (v: string) => {
    const t = peek();
    return t?.t === 'op' && t.v === v;
  };
  const expectOp = (v: string) => {
    if (!isOp(v)) throw new ExpressionError(`Expected '${v}'.`);
    p++;
  };

  const primary = (): Node => {
    const t = tokens[p++];
    if (!t) throw new ExpressionError('Unexpected end of expression.');
    if (t.t === 'str' || t.t === 'num') return { k: 'lit', v: t.v };
    if (t.t === 'id') {
      if (t.v === 'true') return { k: 'lit', v: true };
      if (t.v === 'false') return { k: 'lit', v: false };
      if (t.v === 'null') return { k: 'lit', v: null };
      return { k: 'var', name: t.v };
    }
    if (t.v === '(') {
      const e = expr(0);
      expectOp(')');
      return e;
    }
    if (t.v === '[') {
      const items: Node[] = [];
      if (!isOp(']')) {
        for (;;) {
          items.push(expr(0));
          if (isOp(',')) p++;
          else break;
        }
      }
      expectOp(']');
      return { k: 'list', items };
    }
    throw new ExpressionError(`Unexpected '${t.v}'.`);
  };

  const postfix = (): Node => {
    let node = primary();
    for (;;) {
      const t = peek();
      if (t?.t !== 'op') return node;
      if (t.v === '.' || t.v === '?.') {
        p++;
        const name = tokens[p++];
        if (name?.t !== 'id') throw new ExpressionError('Expected a member name.');
        if (isOp('(')) {
          p++;
          const args: Node[] = [];
          if (!isOp(')')) {
            for (;;) {
              args.push(expr(0));
              if (isOp(',')) p++;
              else break;
            }
          }
          expectOp(')');
          node = { k: 'call', obj: node, method: name.v, args, optional: t.v === '?.' };
        } else {
          node = { k: 'member', obj: node, key: name.v, optional: t.v === '?.' };
        }
      } else if (t.v === '[' || t.v === '?.[') {
        p++;
        const key = expr(0);
        expectOp(']');
        node = { k: 'member', obj: node, key, optional: t.v === '?.[' };
      } else {
        return node;
      }
    }
  };

  const unary = (): Node => {
    if (isOp('!')) {
      p++;
      return { k: 'not', arg: unary() };
    }
    return postfix();
  };

  const expr = (minPrec: number): Node => {
    let left = unary();
    for (;;) {
      const t = peek();
      if (t?.t !== 'op') return left;
      const prec = BINARY[t.v];
      if (prec === undefined || prec < minPrec) return left;
      p++;
      const right = expr(prec + 1);
      left = { k: 'bin', op: t.v, left, right };
    }
  };

  const root = expr(0);
  if (p !== tokens.length) throw new ExpressionError(`Unexpected '${String(tokens[p]?.v)}'.`);
  return root;
}

/** What the expression may read: the event payload and the app's properties. */
export interface ExpressionContext {
  event: unknown;
  appProperties: (key: string) => unknown;
}

const APP = Symbol('app');
const APP_PROPERTIES = Symbol('app.properties');

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'List' : typeof v === 'object' ? 'Map' : typeof v);

function member(obj: unknown, key: unknown, ctx: ExpressionContext): unknown {
  if (obj === APP) {
    if (key === 'properties') return APP_PROPERTIES;
    throw new ExpressionError(`app.${String(key)} is not known to the local evaluator.`);
  }
  if (obj === APP_PROPERTIES) {
    if (typeof key !== 'string') throw new ExpressionError('app.properties is indexed by a string key.');
    return ctx.appProperties(key) ?? null;
  }
  if (obj === null || obj === undefined) throw new ExpressionError(`Cannot read '${String(key)}' of null.`);
  if (Array.isArray(obj)) {
    if (key === 'length') return obj.length;
    if (typeof key === 'number' && Number.isInteger(key)) return obj[key] ?? null;
    throw new ExpressionError(`A List has no member '${String(key)}'.`);
  }
  if (typeof obj === 'string') {
    if (key === 'length') return obj.length;
    throw new ExpressionError(`A String has no member '${String(key)}'.`);
  }
  if (typeof obj === 'object') {
    if (typeof key !== 'string') throw new ExpressionError('A Map is indexed by a string key.');
    return Object.prototype.hasOwnProperty.call(obj, key) ? ((obj as Record<string, unknown>)[key] ?? null) : null;
  }
  throw new ExpressionError(`A ${typeName(obj)} has no member '${String(key)}'.`);
}

const equal = (a: unknown, b: unknown): boolean => {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
};

function evaluate(node: Node, ctx: ExpressionContext): unknown {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'var':
      if (node.name === 'event') return ctx.event ?? null;
      if (node.name === 'app') return APP;
      throw new ExpressionError(`The context variable '${node.name}' is not known to the local evaluator.`);
    case 'list':
      return node.items.map((i) => evaluate(i, ctx));
    case 'member': {
      const obj = evaluate(node.obj, ctx);
      if (node.optional && (obj === null || obj === undefined)) return null;
      const key = typeof node.key === 'string' ? node.key : evaluate(node.key, ctx);
      return member(obj, key, ctx);
    }
    case 'call': {
      const obj = evaluate(node.obj, ctx);
      if (node.optional && (obj === null || obj === undefined)) return null;
      const args = node.args.map((a) => evaluate(a, ctx));
      if (Array.isArray(obj) && node.method === 'includes' && args.length === 1) return obj.some((x) => equal(x, args[0]));
      if (Array.isArray(obj) && node.method === 'indexOf' && args.length === 1) return obj.findIndex((x) => equal(x, args[0]));
      throw new ExpressionError(`${typeName(obj)}.${node.method}(…) is not known to the local evaluator.`);
    }
    case 'not': {
      const v = evaluate(node.arg, ctx);
      if (typeof v !== 'boolean') throw new ExpressionError(`'!' needs a Boolean, got ${typeName(v)}.`);
      return !v;
    }
    case 'bin': {
      if (node.op === '&&' || node.op === '||') {
        const l = evaluate(node.left, ctx);
        if (typeof l !== 'boolean') throw new ExpressionError(`'${node.op}' needs Booleans, got ${typeName(l)}.`);
        if (node.op === '&&' ? !l : l) return l;
        const r = evaluate(node.right, ctx);
        if (typeof r !== 'boolean') throw new ExpressionError(`'${node.op}' needs Booleans, got ${typeName(r)}.`);
        return r;
      }
      const l = evaluate(node.left, ctx);
      const r = evaluate(node.right, ctx);
      if (node.op === '==') return equal(l, r);
      if (node.op === '!=') return !equal(l, r);
      if (!((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string'))) {
        throw new ExpressionError(`'${node.op}' compares two numbers or two strings, got ${typeName(l)} and ${typeName(r)}.`);
      }
      return node.op === '<' ? l < r : node.op === '<=' ? l <= r : node.op === '>' ? l > r : l >= r;
    }
  }
}

export type FilterVerdict = { ok: true; value: boolean } | { ok: false; error: string };

/** Compiles once; the result evaluates against many events. Syntax errors surface at evaluation as errors. */
export function compileExpression(source: string): (ctx: ExpressionContext) => FilterVerdict {
  let root: Node | undefined;
  let compileError: string | undefined;
  try {
    if (source.length > MAX_EXPRESSION_LENGTH) throw new ExpressionError(`The expression is longer than ${MAX_EXPRESSION_LENGTH} characters.`);
    root = parse(tokenize(source));
  } catch (e) {
    compileError = (e as Error).message;
  }
  return (ctx) => {
    if (!root) return { ok: false, error: compileError ?? 'Invalid expression.' };
    try {
      const v = evaluate(root, ctx);
      if (typeof v !== 'boolean') return { ok: false, error: `The expression evaluated to ${typeName(v)}, not a Boolean.` };
      return { ok: true, value: v };
    } catch (e) {
      if (e instanceof ExpressionError) return { ok: false, error: e.message };
      throw e;
    }
  };
}
