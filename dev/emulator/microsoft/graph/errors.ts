/** A Graph error answer. Handlers throw it; the dispatcher turns it into Graph's error body. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const itemNotFound = (message = 'The resource could not be found.'): GraphError =>
  new GraphError(404, 'itemNotFound', message);

export const accessDenied = (message = 'Access denied'): GraphError => new GraphError(403, 'accessDenied', message);

export const invalidRequest = (message: string): GraphError => new GraphError(400, 'invalidRequest', message);

export const badRequest = (message: string): GraphError => new GraphError(400, 'BadRequest', message);

const BEARER_CHALLENGE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export const invalidToken = (message: string): GraphError =>
  new GraphError(401, 'InvalidAuthenticationToken', message, { 'WWW-Authenticate': BEARER_CHALLENGE });

export interface ErrorMeta {
  date: string;
  requestId: string;
  clientRequestId: string;
}

export const errorBody = (code: string, message: string, meta: ErrorMeta): unknown => ({
  error: {
    code,
    message,
    innerError: { date: meta.date, 'request-id': meta.requestId, 'client-request-id': meta.clientRequestId },
  },
});

/** Anything thrown that is not a GraphError is an emulator bug; Graph would say generalException. */
export const toGraphError = (e: unknown): GraphError =>
  e instanceof GraphError ? e : new GraphError(500, 'generalException', `General exception while processing: ${String(e)}`);
