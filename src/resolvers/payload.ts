import { AppError } from '../core/result';
import { isRecord, own } from '../core/guards';

/** What each payload field may hold, by its name. */
export type PayloadShapes = Record<string, (v: unknown) => boolean>;

/**
 * Payloads are read strictly: an object with exactly the expected fields, each of its exact shape.
 * Anything else — another type, an extra field, a field of the wrong shape, an oversized payload —
 * is refused (BAD_REQUEST, `bad_payload`) before storage, a product or Graph is touched.
 *
 * One reader per resolver family, each with its own shapes and size limit.
 */
export function payloadReader<S extends PayloadShapes>(shapes: S, maxChars: number) {
  return function parse<K extends keyof S & string>(payload: unknown, required: readonly K[], optional: ReadonlyArray<keyof S & string> = []): Record<K, string> {
    const bad = () => new AppError('BAD_REQUEST', 'That request was not understood. Reload the page and try again.', { reason: 'bad_payload' });
    if (!isRecord(payload)) throw bad();
    let size: number;
    try {
      size = JSON.stringify(payload).length;
    } catch {
      throw bad();
    }
    if (size > maxChars) throw bad();
    const allowed = new Set<string>([...required, ...optional]);
    for (const k of Object.keys(payload)) if (!allowed.has(k)) throw bad();
    for (const k of required) if (!shapes[k]?.(own(payload, k))) throw bad();
    for (const k of optional) if (own(payload, k) !== undefined && !shapes[k]?.(own(payload, k))) throw bad();
    return payload as Record<K, string>;
  };
}
