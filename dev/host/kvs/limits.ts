/**
 * Forge KVS limits, as documented (read 2026; pages named beside each value).
 * Where two Atlassian pages disagree the stricter value is used, so code that passes here passes there.
 */
export const LIMITS = {
  /** limits-kvs-ce "Key and object size limits"; handling-errors-kvs KEY_TOO_LONG. */
  keyMaxLength: 500,
  /** limits-kvs-ce "Key format"; handling-errors-kvs INVALID_KEY. Valid without the `u` flag only. */
  keyPattern: /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/,
  /** limits-kvs-ce "Value size 240 KiB … (in RAW)": the value's JSON text, UTF-8. */
  valueMaxBytes: 240 * 1024,
  /** runtime-reference/storage-api-secret: "persisted JSON values may be up to 128 KiB". */
  secretMaxBytes: 128 * 1024,
  /** limits-kvs-ce says 31, handling-errors-kvs says 32: 31 is used. */
  valueMaxDepth: 31,
  /** js-api-reference/storage-api-query: "up to 10 values by default … a maximum of 100". */
  queryDefaultLimit: 10,
  queryMaxLimit: 100,
  /**
   * Custom entity queries. runtime-reference/storage-api-query-complex says "up to 10 values by default … a maximum
   * of 100" and the error page says COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE "between 1 and 100"; the limit was 20
   * until CHANGE-1916 (2024-08-26) and older pages still say so. The stricter, 20, is used.
   */
  entityQueryDefaultLimit: 10,
  entityQueryMaxLimit: 20,
  /** storage-reference/entities-api-query: "each complex query can only have a maximum of 100 conditions". */
  entityQueryMaxConditions: 100,
  /** runtime-reference/custom-entities "Index": combined range values ≤ 900 bytes, partition values ≤ 1700 bytes. */
  indexRangeMaxBytes: 900,
  indexPartitionMaxBytes: 1700,
  /** storage-reference/entities-batch: "Each batch operation can contain a maximum of 25 keys". */
  batchMaxItems: 25,
  /** storage-reference/transactions: "a maximum of 25 operations", "Each key can only be used once". */
  transactionMaxOperations: 25,
  /** storage-reference/transactions and batchops: "payload size of 4MB". */
  payloadMaxBytes: 4 * 1024 * 1024,
} as const;

export const TTL_UNIT_MS = {
  SECONDS: 1_000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
} as const;

export type TtlUnit = keyof typeof TTL_UNIT_MS;

export const METADATA_FIELDS = ['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'] as const;
export type MetadataField = (typeof METADATA_FIELDS)[number];
