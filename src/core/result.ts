/**
 * Expected failures cross the bridge as values; only bugs throw.
 * Every resolver answers `Result<T>`, so the Custom UI can switch on `error.code`.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'        // no Atlassian user (anonymous visitor)
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'MS_SIGN_IN_REQUIRED'    // no usable Microsoft 365 connection for this Atlassian user
  | 'MS_SIGN_IN_FAILED'      // the sign-in itself failed (state, consent, code exchange)
  | 'MS_UNAVAILABLE'         // Microsoft answered with an unexpected failure
  | 'THROTTLED'
  | 'STORAGE_UNAVAILABLE'
  | 'MISCONFIGURED'
  | 'INTERNAL';

export interface AppErrorBody {
  code: ErrorCode;
  message: string;
  /** A machine-readable detail the UI may branch on, e.g. `revoked`. Never contains secrets. */
  reason?: string;
  retryAfterSeconds?: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorBody };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, extra: Omit<AppErrorBody, 'code' | 'message'> = {}): { ok: false; error: AppErrorBody } => ({
  ok: false,
  error: { code, message, ...extra },
});

export class AppError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly extra: Omit<AppErrorBody, 'code' | 'message'> = {}, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'AppError';
  }
  toBody(): AppErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

/** The one place an unknown throw becomes an error value; the cause stays on the server. */
export const toAppError = (e: unknown): AppError =>
  e instanceof AppError ? e : new AppError('INTERNAL', 'Something went wrong on our side. Please try again.', {}, { cause: e });

/** Runs `fn`, turning thrown AppErrors (and bugs) into error values. */
export async function attempt<T>(fn: () => Promise<Result<T>>, log: (e: unknown) => void = console.error): Promise<Result<T>> {
  try {
    return await fn();
  } catch (e) {
    const err = toAppError(e);
    if (err.code === 'INTERNAL') log(e);
    return { ok: false, error: err.toBody() };
  }
}
