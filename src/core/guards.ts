/**
 * Record guards for values that crossed a boundary (Graph answers, stored configs, KVS documents):
 * one definition, so "is this a plain object" means the same everywhere.
 */

/** A non-null, non-array object: something whose own fields may be read. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An own field only: `__proto__`, `constructor` and other inherited names read as absent. */
export const own = (o: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);

/** A string with at least one character, else undefined. */
export const nonEmptyString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
