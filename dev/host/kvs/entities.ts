import { createHash } from 'node:crypto';
import { platformErrors, reject } from './errors';
import { LIMITS } from './limits';
import { assertKey, assertValue, isObject, parseMetadataFields, requireArray, requireObject, type JsonObject } from './rules';
import { Table, withMetadata, type StoredEntry } from './table';
import { BY_KEY, ENTITY_RULES, type AttributeType, type EntityIndex, type EntitySchema, type EntitySchemas } from './entity-schema';

type Scalar = string | number | boolean;

/** `where` conditions (storage-api-query-complex "where … Conditions"); filters add the rest. */
const WHERE_CONDITIONS = ['BEGINS_WITH', 'BETWEEN', 'EQUAL_TO', 'GREATER_THAN', 'GREATER_THAN_EQUAL_TO', 'LESS_THAN', 'LESS_THAN_EQUAL_TO'] as const;
const FILTER_CONDITIONS = [...WHERE_CONDITIONS, 'NOT_EQUAL_TO', 'EXISTS', 'NOT_EXISTS', 'CONTAINS', 'NOT_CONTAINS'] as const;
type Condition = (typeof FILTER_CONDITIONS)[number];

interface Clause {
  condition: Condition;
  values: unknown[];
}
interface FilterClause extends Clause {
  property: string;
}
interface Filters {
  operator: 'and' | 'or';
  clauses: FilterClause[];
}

/**
 * The Custom Entity Store: one key space per declared entity, values checked against the manifest's attribute
 * types, queries only through declared indexes. Shares the KVS key rules, value size and TTL handling.
 */
export class EntityStore {
  private readonly tables = new Map<string, Table>();

  constructor(
    private readonly schemas: EntitySchemas,
    now: () => number,
  ) {
    for (const name of schemas.keys()) this.tables.set(name, new Table(now));
  }

  /** The entity a request names, or the platform's refusal (an undeclared entity is refused too: stricter). */
  schema(name: unknown): EntitySchema {
    if (typeof name !== 'string') return reject(platformErrors.badRequest('entityName must be a string'));
    if (name.length < ENTITY_RULES.nameMin) return reject(platformErrors.entityTypeTooShort(ENTITY_RULES.nameMin));
    if (name.length > ENTITY_RULES.nameMax) return reject(platformErrors.entityTypeTooLarge(ENTITY_RULES.nameMax));
    if (!ENTITY_RULES.namePattern.test(name)) {
      return reject(platformErrors.invalidEntityType(`The provided entity name does not match the regex: ${String(ENTITY_RULES.namePattern)}`));
    }
    return this.schemas.get(name) ?? reject(platformErrors.invalidEntityType(`Entity '${name}' is not declared in the manifest (app.storage.entities).`));
  }

  table(schema: EntitySchema): Table {
    const t = this.tables.get(schema.name);
    if (!t) throw new Error(`no table for entity ${schema.name}`);
    return t;
  }

  assertKey(key: unknown): asserts key is string {
    assertKey(key, platformErrors.emptyKey);
  }

  /**
   * "The Custom Entity Store strictly enforces attribute types" (custom-entities, Values). An attribute the
   * manifest does not declare is refused as well (stricter: the docs do not say what happens to one).
   */
  assertValue(schema: EntitySchema, value: unknown): asserts value is JsonObject {
    if (!isObject(value)) reject(platformErrors.invalidEntityValue(`A value of entity '${schema.name}' must be an object of its attributes.`));
    assertValue(value, LIMITS.valueMaxBytes);
    for (const [attr, v] of Object.entries(value)) {
      const type = schema.attributes[attr];
      if (!type) reject(platformErrors.invalidEntityValue(`Attribute '${attr}' is not declared for entity '${schema.name}'.`));
      const problem = typeProblem(type, v);
      if (problem) reject(platformErrors.invalidEntityValue(`Attribute '${attr}' of entity '${schema.name}' (${type}): ${problem}.`));
    }
    for (const index of schema.indexes.values()) {
      if (index.name === BY_KEY || !index.partition.every((a) => a in value) || !(index.range in value)) continue;
      const rangeBytes = Buffer.byteLength(JSON.stringify(value[index.range]), 'utf8');
      const partitionBytes = Buffer.byteLength(JSON.stringify(index.partition.map((a) => value[a])), 'utf8');
      if (rangeBytes > LIMITS.indexRangeMaxBytes || partitionBytes > LIMITS.indexPartitionMaxBytes) {
        reject(platformErrors.invalidEntityValue(`Index '${index.name}' of entity '${schema.name}': range values may total ${LIMITS.indexRangeMaxBytes} bytes and partition values ${LIMITS.indexPartitionMaxBytes} bytes.`));
      }
    }
  }

  /** Transaction conditions and checks: the same `{and|or:[…]}` filters as queries, against the stored value. */
  conditionsHold(schema: EntitySchema, conditions: unknown, key: string): boolean {
    const filters = parseFilters(schema, conditions);
    if (!filters) return reject(platformErrors.badRequest('conditions must be {and:[…]} or {or:[…]}'));
    const entry = this.table(schema).read(key);
    return matches(filters, entry === undefined ? undefined : (entry.value as JsonObject));
  }

  /** `/api/v1/entity/query`: one index, its partition, a range condition, in-memory filters, sort, cursor, limit. */
  query(body: unknown): { data: Array<Record<string, unknown>>; cursor?: string } {
    const b = requireObject(body);
    const schema = this.schema(b.entityName);
    if (typeof b.indexName !== 'string') return reject(platformErrors.invalidEntityIndex('indexName must be a string'));
    const index = schema.indexes.get(b.indexName) ?? reject(platformErrors.invalidEntityIndex(`Entity '${schema.name}' has no index '${b.indexName}' (declared: ${[...schema.indexes.keys()].join(', ')}).`));
    const partition = parsePartition(schema, index, b.partition);
    const range = b.range === undefined ? undefined : parseClause(b.range, WHERE_CONDITIONS, rangeType(schema, index), 'range');
    const filters = b.filters === undefined ? undefined : parseFilters(schema, b.filters);
    if ((range ? 1 : 0) + (filters?.clauses.length ?? 0) > LIMITS.entityQueryMaxConditions) {
      reject(platformErrors.badRequest(`A query can have at most ${LIMITS.entityQueryMaxConditions} conditions.`));
    }
    if (b.sort !== undefined && b.sort !== 'ASC' && b.sort !== 'DESC') reject(platformErrors.badRequest('sort must be ASC or DESC'));
    const descending = b.sort === 'DESC';
    const limit = parseLimit(b.limit);
    const fields = parseMetadataFields(isObject(b.options) ? b.options.metadataFields : undefined);
    const fingerprint = queryFingerprint(b);
    const after = b.cursor === undefined ? undefined : decodeCursor(b.cursor, fingerprint);

    const rangeOf = (key: string, value: JsonObject): Scalar => (index.name === BY_KEY ? key : (value[index.range] as Scalar));
    // The index holds only items that have every attribute it is built on (a sparse index).
    const candidates = this.table(schema)
      .live()
      .filter(([, entry]) => {
        const v = entry.value as JsonObject;
        return index.name === BY_KEY || (index.range in v && index.partition.every((a) => a in v));
      })
      .filter(([, entry]) => index.partition.every((a, i) => (entry.value as JsonObject)[a] === partition[i]))
      .map(([key, entry]) => ({ key, entry, r: rangeOf(key, entry.value as JsonObject) }))
      .filter((c) => !range || test(range, c.r))
      .sort((x, y) => (descending ? -1 : 1) * (compare(x.r, y.r) || compare(x.key, y.key)))
      .filter((c) => !after || (descending ? -1 : 1) * (compare(c.r, after.r) || compare(c.key, after.k)) > 0);

    // Filters run in memory on the page the index gave, as Forge documents: a page can come back short, or
    // empty, with a cursor to where the matches are.
    const page = candidates.slice(0, limit);
    const last = page.at(-1);
    const data = page
      .filter((c) => !filters || matches(filters, c.entry.value as JsonObject))
      .map((c) => withMetadata(c.key, c.entry, fields));
    return candidates.length > limit && last ? { data, cursor: encodeCursor(fingerprint, last.r, last.key) } : { data };
  }

  live(): Array<{ entityName: string; key: string; entry: StoredEntry }> {
    return [...this.tables].flatMap(([entityName, t]) => t.live().map(([key, entry]) => ({ entityName, key, entry })));
  }

  clear(): void {
    for (const t of this.tables.values()) t.clear();
  }

  /** Loads stored items; items of entities the manifest no longer declares are kept out (and reported by the caller). */
  load(items: Record<string, Array<[string, StoredEntry]>>): string[] {
    const dropped: string[] = [];
    for (const t of this.tables.values()) t.clear();
    for (const [name, entries] of Object.entries(items)) {
      const t = this.tables.get(name);
      if (t) t.load(entries);
      else dropped.push(name);
    }
    return dropped;
  }
}

/** custom-entities "Values": integer is 32-bit signed; float is 0 or 1E-130…9.99E+125 in magnitude; string non-blank. */
function typeProblem(type: AttributeType, v: unknown): string | undefined {
  switch (type) {
    case 'string':
      return typeof v !== 'string' ? 'expected a string' : v.trim() === '' ? 'a string needs at least one non-whitespace character' : undefined;
    case 'integer':
      return typeof v !== 'number' || !Number.isInteger(v) ? 'expected an integer' : v < -2_147_483_648 || v > 2_147_483_647 ? 'outside the 32-bit signed range' : undefined;
    case 'float': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'expected a number';
      const m = Math.abs(v);
      return v === 0 || (m >= 1e-130 && m < 1e126) ? undefined : 'outside ±1E-130…9.99E+125';
    }
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'expected true or false';
    case 'any':
      return v === null ? 'null is not a value' : undefined;
  }
}

function rangeType(schema: EntitySchema, index: EntityIndex): AttributeType {
  return index.name === BY_KEY ? 'string' : (schema.attributes[index.range] ?? 'any');
}

function parsePartition(schema: EntitySchema, index: EntityIndex, raw: unknown): Scalar[] {
  if (index.partition.length === 0) {
    if (raw !== undefined && !(Array.isArray(raw) && raw.length === 0)) reject(platformErrors.badRequest(`Index '${index.name}' has no partition.`));
    return [];
  }
  // storage-api-query-complex: "If your index's partition has multiple attributes, then you must set a value for each attribute".
  if (!Array.isArray(raw) || raw.length !== index.partition.length) {
    return reject(platformErrors.badRequest(`Index '${index.name}' needs a partition value for each of: ${index.partition.join(', ')}.`));
  }
  raw.forEach((v, i) => {
    const attr = index.partition[i] as string;
    const problem = typeProblem(schema.attributes[attr] as AttributeType, v);
    if (problem) reject(platformErrors.badRequest(`Partition value for '${attr}': ${problem}.`));
  });
  return raw as Scalar[];
}

function parseClause(raw: unknown, allowed: readonly Condition[], type: AttributeType, what: string): Clause {
  const c = requireObject(raw);
  if (typeof c.condition !== 'string' || !allowed.includes(c.condition as Condition)) reject(platformErrors.filterCondition());
  const condition = c.condition as Condition;
  const values = requireArray(c.values, `${what}.values`);
  if (condition === 'BETWEEN') {
    if (values.length < 2) reject(platformErrors.insufficientFilterValues());
    if (values.length > 2) reject(platformErrors.filterValues());
  } else if (values.length !== 1) {
    reject(platformErrors.filterValues());
  }
  if (condition === 'EXISTS' || condition === 'NOT_EXISTS') {
    if (values[0] !== true) reject(platformErrors.filterValues());
    return { condition, values };
  }
  for (const v of values) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') reject(platformErrors.filterValues());
    // A value of another type than the attribute can never match; the host refuses it so the mistake shows (stricter).
    if (type !== 'any' && condition !== 'CONTAINS' && condition !== 'NOT_CONTAINS' && typeProblem(type, v) && !(typeof v === 'number' && (type === 'integer' || type === 'float'))) {
      reject(platformErrors.badRequest(`${what}: ${JSON.stringify(v)} is not a ${type}.`));
    }
  }
  if ((condition === 'BEGINS_WITH' || condition === 'CONTAINS' || condition === 'NOT_CONTAINS') && typeof values[0] !== 'string') reject(platformErrors.filterValues());
  return { condition, values };
}

function parseFilters(schema: EntitySchema, raw: unknown): Filters | undefined {
  const f = requireObject(raw);
  const ops = Object.keys(f);
  if (ops.includes('and') && ops.includes('or')) reject(platformErrors.filterOperatorsCombination());
  const operator = ops[0];
  if (ops.length !== 1 || (operator !== 'and' && operator !== 'or')) return reject(platformErrors.badRequest('filters must be {and:[…]} or {or:[…]}'));
  const list = requireArray(f[operator], `filters.${operator}`);
  if (list.length === 0) reject(platformErrors.emptyFilterOperator());
  const clauses = list.map((item) => {
    const o = requireObject(item);
    if (typeof o.property !== 'string' || !(o.property in schema.attributes)) {
      return reject(platformErrors.badRequest(`Filter property '${String(o.property)}' is not an attribute of entity '${schema.name}'.`));
    }
    const type = schema.attributes[o.property] as AttributeType;
    return { property: o.property, ...parseClause(o, FILTER_CONDITIONS, type, `filter on ${o.property}`) };
  });
  return { operator, clauses };
}

function parseLimit(limit: unknown): number {
  if (limit === undefined) return LIMITS.entityQueryDefaultLimit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIMITS.entityQueryMaxLimit) {
    return reject(platformErrors.complexQueryLimit(LIMITS.entityQueryMaxLimit));
  }
  return limit;
}

function matches(filters: Filters, value: JsonObject | undefined): boolean {
  const results = filters.clauses.map((c) => test(c, value?.[c.property]));
  return filters.operator === 'and' ? results.every(Boolean) : results.some(Boolean);
}

/** One condition against one attribute value; a missing attribute satisfies only NOT_EXISTS. */
function test(c: Clause, v: unknown): boolean {
  if (c.condition === 'EXISTS') return v !== undefined;
  if (c.condition === 'NOT_EXISTS') return v === undefined;
  if (v === undefined) return false;
  const [a, b] = c.values as Scalar[];
  switch (c.condition) {
    case 'EQUAL_TO':
      return v === a;
    case 'NOT_EQUAL_TO':
      return v !== a;
    case 'BEGINS_WITH':
      return typeof v === 'string' && v.startsWith(String(a));
    case 'CONTAINS':
      return typeof v === 'string' ? v.includes(String(a)) : Array.isArray(v) && v.includes(a);
    case 'NOT_CONTAINS':
      return typeof v === 'string' ? !v.includes(String(a)) : Array.isArray(v) && !v.includes(a);
  }
  if (!sameKind(v, a)) return false;
  const cmp = compare(v as Scalar, a as Scalar);
  switch (c.condition) {
    case 'GREATER_THAN':
      return cmp > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return cmp >= 0;
    case 'LESS_THAN':
      return cmp < 0;
    case 'LESS_THAN_EQUAL_TO':
      return cmp <= 0;
    case 'BETWEEN':
      return sameKind(v, b) && cmp >= 0 && compare(v as Scalar, b as Scalar) <= 0;
  }
  return false;
}

const sameKind = (x: unknown, y: unknown) => typeof x === typeof y && (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean');

/** Strings by UTF-16 code units (byte order for ASCII), numbers numerically, false before true. */
function compare(x: Scalar, y: Scalar): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const sx = typeof x === 'boolean' ? Number(x) : x;
  const sy = typeof y === 'boolean' ? Number(y) : y;
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

/**
 * Cursors name the last item of the page and the query they belong to: Forge says "You will have to use the same
 * parameters as the initial query", so a cursor from another query is refused rather than silently misread.
 */
function queryFingerprint(b: JsonObject): string {
  const { entityName, indexName, partition, range, filters, sort } = b;
  return createHash('sha256').update(JSON.stringify([entityName, indexName, partition ?? null, range ?? null, filters ?? null, sort ?? 'ASC'])).digest('base64url').slice(0, 16);
}

function encodeCursor(fingerprint: string, r: Scalar, k: string): string {
  return Buffer.from(JSON.stringify({ v: 1, q: fingerprint, r, k }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: unknown, fingerprint: string): { r: Scalar; k: string } {
  const invalid = (why = 'Provided cursor is invalid') => reject(platformErrors.badRequest(why));
  if (typeof cursor !== 'string' || cursor.length === 0) return invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
  if (!isObject(parsed) || parsed.v !== 1 || typeof parsed.k !== 'string' || !['string', 'number', 'boolean'].includes(typeof parsed.r)) return invalid();
  if (parsed.q !== fingerprint) return invalid('The cursor belongs to a query with other parameters; use the same entity, index, partition, conditions and sort.');
  return { r: parsed.r as Scalar, k: parsed.k };
}
