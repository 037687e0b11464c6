/**
 * What `new InvocationError(options)` becomes once returned: `@forge/events` 3.0.8 `invocationError.js` returns
 * `{_retry: true, retryOptions: {retryAfter, retryReason, retryData}}` from its constructor, and the value reaches the
 * host after the function result's JSON round trip.
 */

/** "You can only retry an event for a maximum of four times" (events-reference/product_events). */
export const MAX_RETRIES = 4;
/** `retryOptions.js`: MIN_RETRY_AFTER = 1; "the maximum retryAfter value is 900 seconds … lowered to 900". */
const MIN_RETRY_AFTER = 1;
const MAX_RETRY_AFTER = 900;
/** limits-async-events: retryData up to 4 KB. */
const MAX_RETRY_DATA_BYTES = 4096;

export type RetryRequest = { retryAfter: number; retryReason: string; retryData?: unknown } | { invalid: string };

export function retryRequest(value: unknown): RetryRequest | undefined {
  if (!value || typeof value !== 'object' || (value as { _retry?: unknown })._retry !== true) return undefined;
  const o = ((value as { retryOptions?: unknown }).retryOptions ?? {}) as { retryAfter?: unknown; retryReason?: unknown; retryData?: unknown };
  const after = typeof o.retryAfter === 'number' && Number.isFinite(o.retryAfter) ? o.retryAfter : MIN_RETRY_AFTER;
  if (o.retryData !== undefined && Buffer.byteLength(JSON.stringify(o.retryData)) > MAX_RETRY_DATA_BYTES) {
    return { invalid: `retryData is larger than ${MAX_RETRY_DATA_BYTES} bytes; the event is not retried` };
  }
  return {
    retryAfter: Math.min(Math.max(after, MIN_RETRY_AFTER), MAX_RETRY_AFTER),
    retryReason: typeof o.retryReason === 'string' ? o.retryReason : 'FUNCTION_RETRY_REQUEST',
    ...(o.retryData !== undefined ? { retryData: o.retryData } : {}),
  };
}
