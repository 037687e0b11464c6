/**
 * The custom entities a manifest declares (`app.storage.entities`), checked the way `forge lint` / `forge deploy`
 * check them, and where Atlassian's pages disagree, the stricter reading (each rule names its source).
 */

export type AttributeType = 'string' | 'integer' | 'float' | 'boolean' | 'any';

export interface EntityIndex {
  name: string;
  /** runtime-reference/custom-entities: "range … can only have one attribute" (the schema allows a list). */
  range: string;
  /** Exact-match attributes, in declared order: queries must give one value for each. */
  partition: string[];
}

export interface EntitySchema {
  name: string;
  attributes: Record<string, AttributeType>;
  /** Declared indexes by name, plus the automatic `by-key` index (range = the key, no partition). */
  indexes: Map<string, EntityIndex>;
}

export type EntitySchemas = ReadonlyMap<string, EntitySchema>;

export const BY_KEY = 'by-key';

const ATTRIBUTE_TYPES: readonly AttributeType[] = ['string', 'integer', 'float', 'boolean', 'any'];

export const ENTITY_RULES = {
  /**
   * The runtime error page (storage-reference/handling-errors-customentities, INVALID_ENTITY_TYPE) gives
   * /^(?![\.\-])(?!.*\.{2})[a-z0-9:\-.]*(?<![.])$/ — no underscore — while the manifest schema allows `_`.
   * The stricter one is used, so a name that works here works at runtime too.
   */
  namePattern: /^(?![.-])(?!.*\.{2})[a-z0-9:\-.]*(?<![.])$/,
  nameMin: 3,
  nameMax: 60,
  /** @forge/manifest 13.7.0 schema `^[a-zA-Z][a-zA-Z0-9_]*$` (the docs allow a leading `_`): the stricter. */
  attributePattern: /^[a-zA-Z][a-zA-Z0-9_]*$/,
  /** @forge/manifest StorageValidator: 30 (the docs say 64): the stricter. */
  attributeMaxLength: 30,
  /** custom-entities "Limitations" and StorageValidator: 50 attributes, 7 indexes, 20 entities. */
  maxAttributes: 50,
  maxIndexes: 7,
  maxEntities: 20,
  /** custom-entities "Index": characters `a-zA-Z0-9:-_.`, not starting/ending with `.`, no `..`, 3–50 long. */
  indexPattern: /^(?!\.)(?!.*\.{2})[a-zA-Z0-9:\-_.]*(?<!\.)$/,
  indexMin: 3,
  indexMax: 50,
} as const;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parses `app.storage.entities`; throws an Error naming the first rule a declaration breaks. */
export function parseEntitySchemas(raw: unknown): Map<string, EntitySchema> {
  const out = new Map<string, EntitySchema>();
  if (raw === undefined) return out;
  if (!Array.isArray(raw) || raw.length === 0) throw new Error('app.storage.entities must be a non-empty list');
  if (raw.length > ENTITY_RULES.maxEntities) throw new Error(`An app can have at most ${ENTITY_RULES.maxEntities} entities (found ${raw.length}).`);
  for (const e of raw) {
    if (!isRecord(e) || typeof e.name !== 'string') throw new Error('Each entity needs a name');
    const name = e.name;
    if (name.length < ENTITY_RULES.nameMin || name.length > ENTITY_RULES.nameMax) {
      throw new Error(`Entity name '${name}' must be ${ENTITY_RULES.nameMin}–${ENTITY_RULES.nameMax} characters.`);
    }
    if (!ENTITY_RULES.namePattern.test(name)) throw new Error(`Entity name '${name}' must match ${String(ENTITY_RULES.namePattern)}.`);
    if (out.has(name)) throw new Error(`Entity '${name}' is declared twice.`);
    const attributes = parseAttributes(name, e.attributes);
    out.set(name, { name, attributes, indexes: parseIndexes(name, e.indexes, attributes) });
  }
  return out;
}

function parseAttributes(entity: string, raw: unknown): Record<string, AttributeType> {
  if (!isRecord(raw) || Object.keys(raw).length === 0) throw new Error(`Entity '${entity}' must contain at least one attribute.`);
  const names = Object.keys(raw);
  if (names.length > ENTITY_RULES.maxAttributes) throw new Error(`Entity '${entity}' has more than ${ENTITY_RULES.maxAttributes} attributes.`);
  const out: Record<string, AttributeType> = {};
  for (const attr of names) {
    if (!ENTITY_RULES.attributePattern.test(attr) || attr.length > ENTITY_RULES.attributeMaxLength) {
      throw new Error(`Entity '${entity}' attribute '${attr}' must match ${String(ENTITY_RULES.attributePattern)} and be at most ${ENTITY_RULES.attributeMaxLength} characters.`);
    }
    const def = raw[attr];
    const type = isRecord(def) ? def.type : undefined;
    if (typeof type !== 'string' || !ATTRIBUTE_TYPES.includes(type as AttributeType)) {
      throw new Error(`Entity '${entity}' attribute '${attr}' needs a type among ${ATTRIBUTE_TYPES.join(', ')}.`);
    }
    out[attr] = type as AttributeType;
  }
  return out;
}

function parseIndexes(entity: string, raw: unknown, attributes: Record<string, AttributeType>): Map<string, EntityIndex> {
  const indexes = new Map<string, EntityIndex>([[BY_KEY, { name: BY_KEY, range: '', partition: [] }]]);
  if (raw === undefined) return indexes;
  if (!Array.isArray(raw) || raw.length === 0) throw new Error(`Entity '${entity}': indexes must be a non-empty list.`);
  if (raw.length > ENTITY_RULES.maxIndexes) throw new Error(`Entity '${entity}' contains more indexes than the allowed limit of ${ENTITY_RULES.maxIndexes}.`);
  const indexable = (attr: unknown, role: string): string => {
    if (typeof attr !== 'string' || !(attr in attributes)) throw new Error(`Entity '${entity}' index ${role} '${String(attr)}' must refer to a valid attribute of the entity.`);
    // "The range and partition parameters … accept all data types (except for any)" (custom-entities, Indexes).
    if (attributes[attr] === 'any') throw new Error(`Entity '${entity}' index ${role} '${attr}' cannot use an attribute of type any.`);
    return attr;
  };
  for (const ix of raw) {
    const index: EntityIndex =
      typeof ix === 'string'
        ? { name: ix, range: indexable(ix, 'range'), partition: [] }
        : isRecord(ix) && typeof ix.name === 'string' && Array.isArray(ix.range)
          ? {
              name: ix.name,
              range: ix.range.length === 1 ? indexable(ix.range[0], 'range') : failRange(entity, ix.name),
              partition: ix.partition === undefined ? [] : Array.isArray(ix.partition) && ix.partition.length > 0 ? ix.partition.map((p) => indexable(p, 'partition')) : failPartition(entity, ix.name),
            }
          : failIndex(entity);
    if (index.name === BY_KEY) throw new Error(`Entity '${entity}' cannot use reserved index name '${BY_KEY}'.`);
    if (index.name.length < ENTITY_RULES.indexMin || index.name.length > ENTITY_RULES.indexMax || !ENTITY_RULES.indexPattern.test(index.name)) {
      throw new Error(`Entity '${entity}' index name '${index.name}' must be ${ENTITY_RULES.indexMin}–${ENTITY_RULES.indexMax} characters of a-zA-Z0-9:-_. (not starting or ending with '.', no '..').`);
    }
    if (indexes.has(index.name)) throw new Error(`Entity '${entity}' declares index '${index.name}' twice.`);
    indexes.set(index.name, index);
  }
  return indexes;
}

const failRange = (entity: string, index: string): never => {
  throw new Error(`Entity '${entity}' index '${index}': range must name exactly one attribute.`);
};
const failPartition = (entity: string, index: string): never => {
  throw new Error(`Entity '${entity}' index '${index}': partition must be a non-empty list of attributes.`);
};
const failIndex = (entity: string): never => {
  throw new Error(`Entity '${entity}': an index is an attribute name or {name, range:[attribute], partition?:[attributes]}.`);
};
