import { randomBytes } from 'node:crypto';

/** A platform answer that is not 2xx: the HTTP status and the `{code, message}` body Forge sends. */
export interface PlatformError {
  status: number;
  code: string;
  message: string;
}

/** Thrown inside a handler to end the request with a platform error. */
export class KvsRequestError extends Error {
  constructor(readonly error: PlatformError) {
    super(`${error.code}: ${error.message}`);
    this.name = 'KvsRequestError';
  }
}

export function reject(error: PlatformError): never {
  throw new KvsRequestError(error);
}

/**
 * The error answers this emulator gives. Codes and messages come from Forge's KVS error page
 * (storage-reference/handling-errors-kvs) and the fixtures in @forge/kvs's own tests where the page is silent.
 */
export const platformErrors = {
  badRequest: (message = 'Provided request body is invalid'): PlatformError => ({ status: 400, code: 'BAD_REQUEST', message }),
  keyTooShort: (): PlatformError => ({ status: 400, code: 'KEY_TOO_SHORT', message: 'The provided key needs to be more than one character.' }),
  keyTooLong: (max: number): PlatformError => ({
    status: 400,
    code: 'KEY_TOO_LONG',
    message: `The provided key has exceeded the maximum ${max} characters.`,
  }),
  invalidKey: (pattern: RegExp): PlatformError => ({
    status: 400,
    code: 'INVALID_KEY',
    message: `The provided key does not match the regex: ${String(pattern)}`,
  }),
  maxSize: (bytes: number, max: number): PlatformError => ({
    status: 400,
    code: 'MAX_SIZE',
    message: `The provided value has exceeded the maximum size limit (${bytes} > ${max} bytes).`,
  }),
  maxDepth: (max: number): PlatformError => ({
    status: 400,
    code: 'MAX_DEPTH',
    message: `The provided value has exceeded the maximum object depth (${max}) limit.`,
  }),
  keyNotFound: (): PlatformError => ({ status: 404, code: 'KEY_NOT_FOUND', message: 'Provided key does not exist' }),
  /** 409 KEY_CONFLICT for keyPolicy FAIL_IF_EXISTS: not on Atlassian's error page; reported by users of the API. */
  keyConflict: (): PlatformError => ({ status: 409, code: 'KEY_CONFLICT', message: 'The provided key already exists' }),
  queryLimit: (max: number): PlatformError => ({
    status: 400,
    code: 'LIST_QUERY_LIMIT_EXCEEDED',
    message: `Limit for list query should be below ${max}.`,
  }),
  whereInvalid: (): PlatformError => ({ status: 400, code: 'QUERY_WHERE_INVALID', message: 'KVS queries should contain only a single "where" clause.' }),
  whereFieldInvalid: (): PlatformError => ({ status: 400, code: 'QUERY_WHERE_FIELD_INVALID', message: 'The specified field is not supported for filters.' }),
  filterCondition: (): PlatformError => ({ status: 400, code: 'INVALID_FILTER_CONDITION', message: 'The specified condition is not supported for filters.' }),
  filterValues: (): PlatformError => ({
    status: 400,
    code: 'INVALID_FILTER_VALUES',
    message: 'The specified number of values are not supported by the given condition.',
  }),
  /** Custom Entity Store codes: storage-reference/handling-errors-customentities. */
  emptyKey: (): PlatformError => ({ status: 400, code: 'EMPTY_KEY', message: 'Key cannot be empty.' }),
  entityTypeTooShort: (min: number): PlatformError => ({ status: 400, code: 'ENTITY_TYPE_TOO_SHORT', message: `The provided entity name needs to be at least ${min} characters.` }),
  entityTypeTooLarge: (max: number): PlatformError => ({ status: 400, code: 'ENTITY_TYPE_TOO_LARGE', message: `The provided entity name has exceeded the maximum ${max} characters.` }),
  invalidEntityType: (message: string): PlatformError => ({ status: 400, code: 'INVALID_ENTITY_TYPE', message }),
  invalidEntityValue: (message: string): PlatformError => ({ status: 400, code: 'INVALID_ENTITY_VALUE', message }),
  invalidEntityIndex: (message: string): PlatformError => ({ status: 400, code: 'INVALID_ENTITY_INDEX', message }),
  complexQueryLimit: (max: number): PlatformError => ({
    status: 400,
    code: 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE',
    message: `The page limit must be set between 1 and ${max} (the local host's stricter reading; Atlassian's pages say 100 and, before CHANGE-1916, 20).`,
  }),
  emptyFilterOperator: (): PlatformError => ({ status: 400, code: 'EMPTY_FILTER_OPERATOR', message: 'Filter operators "and" and "or" cannot be empty.' }),
  filterOperatorsCombination: (): PlatformError => ({
    status: 400,
    code: 'INVALID_FILTER_OPERATORS_COMBINATION',
    message: 'Filter operators "and" and "or" cannot be present at the same level.',
  }),
  insufficientFilterValues: (): PlatformError => ({ status: 400, code: 'INSUFFICIENT_FILTER_VALUES', message: 'The specified condition needs at least two values.' }),
  /** Forge storage REST (transaction group): 400 CONDITIONAL_CHECK_FAILED. */
  conditionalCheckFailed: (key: string): PlatformError => ({
    status: 400,
    code: 'CONDITIONAL_CHECK_FAILED',
    message: `Request failed due to conditional check specified or optimistic locking (key "${key}").`,
  }),
  unknownEndpoint: (path: string): PlatformError => ({ status: 404, code: 'NOT_FOUND', message: `No KVS endpoint at ${path}` }),
  internal: (): PlatformError => ({ status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'An internal server error has occurred' }),
  rateLimited: (): PlatformError => ({ status: 429, code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded' }),
} as const;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A WHATWG Response as the KVS service sends it; the trace id is what @forge/kvs puts in its errors. */
export function respond(status: number, body?: unknown): Response {
  const headers = new Headers({ 'x-trace-id': randomBytes(8).toString('hex') });
  const init = { status, statusText: STATUS_TEXT[status] ?? '', headers };
  if (body === undefined || status === 204) return new Response(null, init);
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(body), init);
}

export function respondError(error: PlatformError): Response {
  return respond(error.status, { code: error.code, message: error.message });
}
