import type { Clause, FieldRef, Operand, Query } from './parser';

/** A value as JQL would write it back: quoted when it holds anything but letters, digits and `._-`. */
const encode = (text: string) => (/^[\p{L}\p{N}._-]+$/u.test(text) && !/^(and|or|not|empty|null|order|by|in|is)$/i.test(text) ? text : `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`);

function field(f: FieldRef) {
  if (f.kind === 'cf') return { name: `cf[${f.id}]`, encodedName: `cf[${f.id}]` };
  if (f.kind === 'property') {
    const name = `issue.property[${f.key}].${f.path}`;
    return { name, encodedName: name, property: [{ entity: 'issue', key: f.key, path: f.path }] };
  }
  return { name: f.name, encodedName: encode(f.name) };
}

function operand(o: Operand): Record<string, unknown> {
  switch (o.kind) {
    case 'value':
      return { value: o.text, encodedValue: encode(o.text) };
    case 'empty':
      return { keyword: 'empty' };
    case 'function':
      return { function: o.name, arguments: o.args, encodedOperand: `${o.name}(${o.args.map(encode).join(', ')})` };
    case 'list': {
      const values = o.items.map(operand);
      return { values, encodedOperand: `(${o.items.map((i) => (i.kind === 'value' ? encode(i.text) : i.kind === 'function' ? `${i.name}(${i.args.map(encode).join(', ')})` : 'EMPTY')).join(', ')})` };
    }
  }
}

function clause(c: Clause): Record<string, unknown> {
  if (c.kind === 'term') return { field: field(c.field), operator: c.op, operand: operand(c.operand) };
  if (c.kind === 'not') return { operator: 'not', clauses: [clause(c.clause)] };
  return { operator: c.kind, clauses: c.clauses.map(clause) };
}

/** The syntax tree as POST /rest/api/3/jql/parse returns it (`JqlQuery`: `where`, `orderBy`). */
export function jqlStructure(q: Query): Record<string, unknown> {
  return {
    ...(q.where ? { where: clause(q.where) } : {}),
    ...(q.orderBy.length ? { orderBy: { fields: q.orderBy.map((s) => ({ field: field(s.field), ...(s.direction ? { direction: s.direction } : {}) })) } } : {}),
  };
}
