import { KvsRequestError, platformErrors, reject, respond, type PlatformError } from './errors';
import { LIMITS } from './limits';
import {
  assertKey,
  assertValue,
  isObject,
  parseMetadataFields,
  parseSetOptions,
  parseTtl,
  payloadBytes,
  requireArray,
  requireObject,
  type JsonObject,
} from './rules';
import { withMetadata, type Table } from './table';
import type { EntityStore } from './entities';

export interface HandlerDeps {
  plain: Table;
  secrets: Table;
  entities: EntityStore;
  /** Called after every change, so the store can persist it. */
  changed: () => void;
}

type Handler = (body: unknown) => Response;

/** The KVS endpoints @forge/kvs 1.6.5 calls (see its storage-api.js), keyed by path. */
export function createRoutes(deps: HandlerDeps): (path: string, body: unknown) => Response {
  const { plain, secrets, entities, changed } = deps;
  const routes: Record<string, Handler> = {
    '/api/v1/get': (b) => get(plain, b),
    '/api/v1/set': (b) => set(plain, b, LIMITS.valueMaxBytes, changed),
    '/api/v1/delete': (b) => remove(plain, b, changed),
    '/api/v1/query': (b) => query(plain, b),
    '/api/v1/secret/get': (b) => get(secrets, b),
    '/api/v1/secret/set': (b) => set(secrets, b, LIMITS.secretMaxBytes, changed),
    '/api/v1/secret/delete': (b) => remove(secrets, b, changed),
    '/api/v1/entity/get': (b) => entityGet(entities, b),
    '/api/v1/entity/set': (b) => entitySet(entities, b, changed),
    '/api/v1/entity/delete': (b) => entityDelete(entities, b, changed),
    '/api/v1/entity/query': (b) => respond(200, entities.query(b)),
    '/api/v1/batch/get': (b) => batchGet(plain, entities, b),
    '/api/v1/batch/set': (b) => batchSet(plain, entities, b, changed),
    '/api/v1/batch/delete': (b) => batchDelete(plain, entities, b, changed),
    '/api/v1/transaction': (b) => transact(plain, entities, b, changed),
  };
  return (path, body) => {
    const route = routes[path];
    if (route) return route(body);
    return reject(platformErrors.unknownEndpoint(path));
  };
}

/** Body from @forge/kvs entity().get: `{entityName, key, options?:{metadataFields}}`. */
function entityGet(entities: EntityStore, body: unknown): Response {
  const b = requireObject(body);
  const schema = entities.schema(b.entityName);
  entities.assertKey(b.key);
  const fields = parseMetadataFields(isObject(b.options) ? b.options.metadataFields : undefined);
  const entry = entities.table(schema).read(b.key) ?? reject(platformErrors.keyNotFound());
  return respond(200, { ...withMetadata(b.key, entry, fields), entityName: schema.name });
}

/** entity().set: `{entityName, key, value, options?}`, the same options (TTL, key policy, return value) as set. */
function entitySet(entities: EntityStore, body: unknown, changed: () => void): Response {
  const b = requireObject(body);
  const schema = entities.schema(b.entityName);
  entities.assertKey(b.key);
  entities.assertValue(schema, b.value);
  const options = parseSetOptions(b.options);
  const table = entities.table(schema);
  if (options.failIfExists && table.read(b.key)) reject(platformErrors.keyConflict());
  const { previous, current } = table.write(b.key, b.value, options.ttlMs);
  changed();
  const answer = options.returnValue === 'PREVIOUS' ? previous : options.returnValue === 'LATEST' ? current : undefined;
  return answer ? respond(200, withMetadata(b.key, answer, options.returnFields)) : respond(204);
}

function entityDelete(entities: EntityStore, body: unknown, changed: () => void): Response {
  const b = requireObject(body);
  const schema = entities.schema(b.entityName);
  entities.assertKey(b.key);
  if (!entities.table(schema).remove(b.key)) reject(platformErrors.keyNotFound());
  changed();
  return respond(204);
}

function get(table: Table, body: unknown): Response {
  const b = requireObject(body);
  assertKey(b.key);
  const fields = parseMetadataFields(isObject(b.options) ? b.options.metadataFields : undefined);
  const entry = table.read(b.key) ?? reject(platformErrors.keyNotFound());
  return respond(200, withMetadata(b.key, entry, fields));
}

function set(table: Table, body: unknown, maxBytes: number, changed: () => void): Response {
  const b = requireObject(body);
  assertKey(b.key);
  assertValue(b.value, maxBytes);
  const options = parseSetOptions(b.options);
  if (options.failIfExists && table.read(b.key)) reject(platformErrors.keyConflict());
  const { previous, current } = table.write(b.key, b.value, options.ttlMs);
  changed();
  const answer = options.returnValue === 'PREVIOUS' ? previous : options.returnValue === 'LATEST' ? current : undefined;
  return answer ? respond(200, withMetadata(b.key, answer, options.returnFields)) : respond(204);
}

function remove(table: Table, body: unknown, changed: () => void): Response {
  const b = requireObject(body);
  assertKey(b.key);
  if (!table.remove(b.key)) reject(platformErrors.keyNotFound());
  changed();
  return respond(204);
}

/** Body from @forge/kvs: `{limit, after, where:[{property:'key', condition:'BEGINS_WITH', values:[prefix]}], options}`. */
function query(table: Table, body: unknown): Response {
  const b = requireObject(body);
  const limit = parseLimit(b.limit);
  const prefix = parsePrefix(b.where);
  const cursor = b.after ?? b.cursor;
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const fields = parseMetadataFields(isObject(b.options) ? b.options.metadataFields : undefined);
  const { items, more } = table.page(prefix, after, limit);
  const last = items.at(-1);
  return respond(200, {
    data: items.map(([key, entry]) => withMetadata(key, entry, fields)),
    ...(more && last ? { cursor: encodeCursor(last[0]) } : {}),
  });
}

function parseLimit(limit: unknown): number {
  if (limit === undefined) return LIMITS.queryDefaultLimit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    return reject(platformErrors.badRequest('limit must be a positive integer'));
  }
  return limit > LIMITS.queryMaxLimit ? reject(platformErrors.queryLimit(LIMITS.queryMaxLimit)) : limit;
}

function parsePrefix(where: unknown): string {
  if (where === undefined) return '';
  const clauses = requireArray(where, 'where');
  if (clauses.length === 0) return '';
  if (clauses.length > 1) reject(platformErrors.whereInvalid());
  const clause = requireObject(clauses[0]);
  if (clause.property !== 'key') reject(platformErrors.whereFieldInvalid());
  if (clause.condition !== 'BEGINS_WITH') reject(platformErrors.filterCondition());
  const values = Array.isArray(clause.values) ? clause.values : [];
  const [prefix] = values;
  if (values.length !== 1 || (typeof prefix !== 'string' && typeof prefix !== 'number')) reject(platformErrors.filterValues());
  return String(prefix);
}

/** Opaque to the app, but it only names the last key returned: stable across writes between pages. */
function encodeCursor(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 1, k: lastKey }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: unknown): string {
  const invalid = () => reject(platformErrors.badRequest('Provided cursor is invalid'));
  if (typeof cursor !== 'string' || cursor.length === 0) return invalid();
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isObject(parsed) && parsed.v === 1 && typeof parsed.k === 'string') return parsed.k;
  } catch {
    // falls through to the platform's refusal
  }
  return invalid();
}

interface BatchItem {
  key: string;
  entityName?: string;
  body: Record<string, unknown>;
}

/** Whole-batch refusals (storage-reference/entities-batch): empty, over 25 keys, a key twice, over 4 MB. */
function batchItems(body: unknown): BatchItem[] {
  const list = requireArray(body, 'batch request');
  if (list.length === 0) reject(platformErrors.badRequest('A batch request must contain at least one key.'));
  if (list.length > LIMITS.batchMaxItems) {
    reject(platformErrors.badRequest(`A batch request can contain at most ${LIMITS.batchMaxItems} keys; got ${list.length}.`));
  }
  assertPayload(body);
  const seen = new Set<string>();
  return list.map((raw) => {
    const item = requireObject(raw);
    if (typeof item.key !== 'string') reject(platformErrors.badRequest('key must be a string'));
    const entityName = typeof item.entityName === 'string' ? item.entityName : undefined;
    const id = JSON.stringify([entityName ?? null, item.key]);
    if (seen.has(id)) reject(platformErrors.badRequest(`The batch request contains the key "${item.key}" more than once.`));
    seen.add(id);
    return { key: item.key, ...(entityName === undefined ? {} : { entityName }), body: item };
  });
}

function assertPayload(body: unknown): void {
  const bytes = payloadBytes(body);
  if (bytes > LIMITS.payloadMaxBytes) {
    reject({ status: 413, code: 'PAYLOAD_TOO_LARGE', message: `The request payload (${bytes} bytes) exceeds the 4MB limit.` });
  }
}

function ref(item: BatchItem): { key: string; entityName?: string } {
  return item.entityName === undefined ? { key: item.key } : { key: item.key, entityName: item.entityName };
}

/** Runs one item; a platform refusal becomes that item's failure instead of the batch's. */
function perItem<T>(run: () => T): { ok: T } | { failed: PlatformError } {
  try {
    return { ok: run() };
  } catch (e) {
    if (e instanceof KvsRequestError) return { failed: e.error };
    throw e;
  }
}

function failure(item: BatchItem, error: PlatformError) {
  return { ...ref(item), error: { code: error.code, message: error.message } };
}

/** The table a batch or transaction item addresses: a custom entity's when it names one, the plain keys' otherwise. */
function target(plain: Table, entities: EntityStore, item: JsonObject, value?: { v: unknown }): Table {
  if (item.entityName === undefined) {
    assertKey(item.key);
    if (value) assertValue(value.v, LIMITS.valueMaxBytes);
    return plain;
  }
  const schema = entities.schema(item.entityName);
  entities.assertKey(item.key);
  if (value) entities.assertValue(schema, value.v);
  return entities.table(schema);
}

function batchSet(plain: Table, entities: EntityStore, body: unknown, changed: () => void): Response {
  const successfulKeys: unknown[] = [];
  const failedKeys: unknown[] = [];
  for (const item of batchItems(body)) {
    const outcome = perItem(() => {
      const table = target(plain, entities, item.body, { v: item.body.value });
      const ttlMs = parseTtl(isObject(item.body.options) ? item.body.options.ttl : undefined);
      table.write(item.key, item.body.value, ttlMs);
    });
    if ('ok' in outcome) successfulKeys.push(ref(item));
    else failedKeys.push(failure(item, outcome.failed));
  }
  if (successfulKeys.length > 0) changed();
  return respond(200, { successfulKeys, failedKeys });
}

function batchGet(plain: Table, entities: EntityStore, body: unknown): Response {
  const successfulKeys: unknown[] = [];
  const failedKeys: unknown[] = [];
  for (const item of batchItems(body)) {
    const outcome = perItem(() => {
      const table = target(plain, entities, item.body);
      const fields = parseMetadataFields(isObject(item.body.options) ? item.body.options.metadataFields : undefined);
      const entry = table.read(item.key) ?? reject({ ...platformErrors.keyNotFound(), message: 'Key does not exist' });
      return { ...withMetadata(item.key, entry, fields), ...(item.entityName === undefined ? {} : { entityName: item.entityName }) };
    });
    if ('ok' in outcome) successfulKeys.push(outcome.ok);
    else failedKeys.push(failure(item, outcome.failed));
  }
  return respond(200, { successfulKeys, failedKeys });
}

function batchDelete(plain: Table, entities: EntityStore, body: unknown, changed: () => void): Response {
  const successfulKeys: unknown[] = [];
  const failedKeys: unknown[] = [];
  for (const item of batchItems(body)) {
    const outcome = perItem(() => {
      const table = target(plain, entities, item.body);
      if (!table.remove(item.key)) reject({ ...platformErrors.keyNotFound(), message: 'Key does not exist' });
    });
    if ('ok' in outcome) successfulKeys.push(ref(item));
    else failedKeys.push(failure(item, outcome.failed));
  }
  if (successfulKeys.length > 0) changed();
  return respond(200, { successfulKeys, failedKeys });
}

/**
 * Transactions (storage-reference/transactions, transactions-entities): ≤ 25 operations, each key (per entity)
 * once, 4 MB, all or nothing. Custom entity operations may carry conditions and `check` operations must; any
 * condition that does not hold fails the whole transaction with CONDITIONAL_CHECK_FAILED. Everything is checked
 * before anything is written.
 */
function transact(plain: Table, entities: EntityStore, body: unknown, changed: () => void): Response {
  const b = requireObject(body);
  const sets = b.set === undefined ? [] : requireArray(b.set, 'set').map(requireObject);
  const deletes = b.delete === undefined ? [] : requireArray(b.delete, 'delete').map(requireObject);
  const checks = b.check === undefined ? [] : requireArray(b.check, 'check').map(requireObject);
  const count = sets.length + deletes.length + checks.length;
  if (count === 0) reject(platformErrors.badRequest('INVALID_TRANSACTION_REQUEST - Transaction request must include one of set, check or delete.'));
  if (count > LIMITS.transactionMaxOperations) {
    reject(platformErrors.badRequest(`A transaction can contain at most ${LIMITS.transactionMaxOperations} operations; got ${count}.`));
  }
  assertPayload(body);

  const seen = new Set<string>();
  const once = (op: JsonObject) => {
    const id = JSON.stringify([op.entityName ?? null, op.key]);
    if (seen.has(id)) reject(platformErrors.badRequest(`Each key can only be used once in a transaction: "${String(op.key)}".`));
    seen.add(id);
  };
  const conditionsHold = (op: JsonObject, required: boolean): boolean => {
    if (op.conditions === undefined) {
      if (required) reject(platformErrors.badRequest('A check needs an entityName and conditions.'));
      return true;
    }
    // KVS (untyped) items cannot carry conditions: the REST schema allows only {key, value, options} for them.
    if (op.entityName === undefined) return reject(platformErrors.badRequest('Conditions are only allowed on custom entity operations.'));
    return entities.conditionsHold(entities.schema(op.entityName), op.conditions, op.key as string);
  };

  const writes: Array<{ table: Table; key: string; value: unknown; ttlMs: number | undefined }> = [];
  const removals: Array<{ table: Table; key: string }> = [];
  for (const op of sets) {
    const table = target(plain, entities, op, { v: op.value });
    once(op);
    writes.push({ table, key: op.key as string, value: op.value, ttlMs: parseTtl(isObject(op.options) ? op.options.ttl : undefined) });
  }
  for (const op of deletes) {
    removals.push({ table: target(plain, entities, op), key: op.key as string });
    once(op);
  }
  for (const op of checks) {
    if (op.entityName === undefined) reject(platformErrors.badRequest('A check needs an entityName and conditions.'));
    target(plain, entities, op);
    once(op);
  }
  for (const op of [...sets, ...deletes, ...checks]) {
    if (!conditionsHold(op, checks.includes(op))) reject(platformErrors.conditionalCheckFailed(String(op.key)));
  }

  for (const w of writes) w.table.write(w.key, w.value, w.ttlMs);
  for (const r of removals) r.table.remove(r.key);
  changed();
  return respond(204);
}
