import { platformErrors, reject, type PlatformError } from './errors';
import { LIMITS, METADATA_FIELDS, TTL_UNIT_MS, type MetadataField, type TtlUnit } from './limits';

export type JsonObject = Record<string, unknown>;

export function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function requireObject(x: unknown): JsonObject {
  return isObject(x) ? x : reject(platformErrors.badRequest());
}

export function requireArray(x: unknown, what: string): unknown[] {
  return Array.isArray(x) ? x : reject(platformErrors.badRequest(`${what} must be an array`));
}

/** KVS keys answer KEY_TOO_SHORT when empty; custom entity keys answer EMPTY_KEY (their own error page). */
export function assertKey(key: unknown, empty: () => PlatformError = platformErrors.keyTooShort): asserts key is string {
  if (typeof key !== 'string') reject(platformErrors.badRequest('key must be a string'));
  if (key.length === 0) reject(empty());
  if (key.length > LIMITS.keyMaxLength) reject(platformErrors.keyTooLong(LIMITS.keyMaxLength));
  if (!LIMITS.keyPattern.test(key)) reject(platformErrors.invalidKey(LIMITS.keyPattern));
}

/** The REST schema allows string, boolean, number, array or object; null and a missing value are refused. */
export function assertValue(value: unknown, maxBytes: number): void {
  if (value === undefined || value === null) reject(platformErrors.badRequest('value must be a string, number, boolean, array or object'));
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > maxBytes) reject(platformErrors.maxSize(bytes, maxBytes));
  if (depthExceeds(value, LIMITS.valueMaxDepth)) reject(platformErrors.maxDepth(LIMITS.valueMaxDepth));
}

/** Nesting of arrays/objects: `{}` is depth 1. Iterative, so a hostile value cannot blow the stack. */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, d: d + 1 });
  }
  return false;
}

/** `{value, unit}` → milliseconds. */
export function parseTtl(ttl: unknown): number | undefined {
  if (ttl === undefined) return undefined;
  if (!isObject(ttl)) return reject(platformErrors.badRequest('ttl must be {value, unit}'));
  const { value, unit } = ttl;
  if (typeof unit !== 'string' || !(unit in TTL_UNIT_MS)) {
    return reject(platformErrors.badRequest(`ttl.unit must be one of ${Object.keys(TTL_UNIT_MS).join(', ')}`));
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    return reject(platformErrors.badRequest('ttl.value must be a positive integer'));
  }
  return value * TTL_UNIT_MS[unit as TtlUnit];
}

export function parseMetadataFields(fields: unknown): ReadonlySet<MetadataField> {
  if (fields === undefined) return new Set();
  const list = requireArray(fields, 'metadataFields');
  for (const f of list) {
    if (!METADATA_FIELDS.includes(f as MetadataField)) {
      reject(platformErrors.badRequest(`metadataFields must be among ${METADATA_FIELDS.join(', ')}`));
    }
  }
  return new Set(list as MetadataField[]);
}

export interface SetOptions {
  ttlMs: number | undefined;
  failIfExists: boolean;
  returnValue: 'PREVIOUS' | 'LATEST' | undefined;
  returnFields: ReadonlySet<MetadataField>;
}

export function parseSetOptions(options: unknown): SetOptions {
  if (options === undefined) return { ttlMs: undefined, failIfExists: false, returnValue: undefined, returnFields: new Set() };
  const o = requireObject(options);
  if (o.keyPolicy !== undefined && o.keyPolicy !== 'OVERRIDE' && o.keyPolicy !== 'FAIL_IF_EXISTS') {
    reject(platformErrors.badRequest('keyPolicy must be OVERRIDE or FAIL_IF_EXISTS'));
  }
  if (o.returnValue !== undefined && o.returnValue !== 'PREVIOUS' && o.returnValue !== 'LATEST') {
    reject(platformErrors.badRequest('returnValue must be PREVIOUS or LATEST'));
  }
  return {
    ttlMs: parseTtl(o.ttl),
    failIfExists: o.keyPolicy === 'FAIL_IF_EXISTS',
    returnValue: o.returnValue,
    returnFields: parseMetadataFields(o.returnMetadataFields),
  };
}

export function payloadBytes(body: unknown): number {
  return Buffer.byteLength(JSON.stringify(body) ?? '', 'utf8');
}
