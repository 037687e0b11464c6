import { randomUUID } from 'node:crypto';
import type { InjectedFault } from '../faults';
import { errorBody, GraphError } from './errors';
import type { Outcome } from './dispatch';

export const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** A finished Graph answer, the same for an HTTP response and a `$batch` part. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export const graphDate = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');

/** Turns a handler outcome into an answer with Graph's headers and, for errors, its innerError. */
export const answer = (outcome: Outcome, clientRequestId: string | undefined, now: number): Answer => {
  const requestId = randomUUID();
  const ids = { 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId };
  if (!outcome.ok) {
    const e = outcome.error;
    return {
      status: e.status,
      headers: { ...ids, ...e.headers, 'Content-Type': JSON_TYPE },
      body: errorBody(e.code, e.message, { date: graphDate(now), requestId, clientRequestId: ids['client-request-id'] }),
    };
  }
  const r = outcome.result;
  const headers: Record<string, string> = { ...ids, ...(r.headers ?? {}) };
  // Bytes ($value of hosted contents) carry their own Content-Type; everything else is OData JSON.
  if (r.body !== undefined && !(r.body instanceof Uint8Array)) {
    headers['Content-Type'] = JSON_TYPE;
    headers['OData-Version'] = '4.0';
  }
  return { status: r.status, headers, ...(r.body !== undefined ? { body: r.body } : {}) };
};

const FAULTS: Record<InjectedFault['status'], { code: string; message: string }> = {
  429: { code: 'TooManyRequests', message: 'Too many requests. Please retry after the time given in the Retry-After header.' },
  503: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Please retry after the time given in the Retry-After header.' },
  500: { code: 'generalException', message: 'General exception while processing.' },
};

export const faultOutcome = (f: InjectedFault): Outcome => {
  const { code, message } = FAULTS[f.status];
  const headers: Record<string, string> = f.retryAfterSeconds !== undefined && f.status !== 500
    ? { 'Retry-After': String(f.retryAfterSeconds) }
    : {};
  return { ok: false, error: new GraphError(f.status, code, message, headers) };
};
