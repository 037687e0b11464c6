export { graphClient, MAX_BATCH_PARTS, type BatchPart, type GraphClient, type GraphClientDeps, type Page, type RequestOptions } from './client';
export { graphFailure, type GraphFailureInput } from './errors';
export { DEFAULT_RETRY, type GraphFetch, type GraphResponse, type RetryPolicy, type TokenSource } from './middleware';
export { graphBase, graphPath, IMMUTABLE_IDS, immutableIds, prefer } from './paths';
