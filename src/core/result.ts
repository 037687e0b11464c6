/**
 * The app's one error vocabulary. Expected failures cross the bridge as values; only bugs throw.
 * Every resolver answers `Result<T>`, so the Custom UI can switch on `error.code`; web triggers and
 * scheduled work speak the same codes. The words users read come from one table (`messages.ts`).
 */
import { ERROR_CODES, type ErrorCode } from './error-codes';
import { messageFor, type Reason } from './messages';

export { ERROR_CODES, type ErrorCode };

export interface AppErrorBody {
  code: ErrorCode;
  message: string;
  /** A machine-readable detail the UI may branch on, e.g. `revoked`. Never contains secrets. */
  reason?: string;
  retryAfterSeconds?: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorBody };
export interface Failure {
  ok: false;
  error: AppErrorBody;
}
type Extra = Omit<AppErrorBody, 'code' | 'message'>;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** A failure with an explicit message (use when the words must name something, e.g. a file). */
export const fail = (code: ErrorCode, message: string, extra: Extra = {}): Failure => ({
  ok: false,
  error: { code, message, ...extra },
});

/** A failure whose words come from the message table, by reason (or the code's default). */
export const failWith = (code: ErrorCode, reason?: Reason, extra: Omit<Extra, 'reason'> = {}): Failure => ({
  ok: false,
  error: { code, message: messageFor(code, reason), ...(reason ? { reason } : {}), ...extra },
});

export class AppError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly extra: Extra = {}, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'AppError';
  }
  static of(code: ErrorCode, reason?: Reason, opts?: { cause?: unknown; retryAfterSeconds?: number }): AppError {
    const extra: Extra = { ...(reason ? { reason } : {}), ...(opts?.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: opts.retryAfterSeconds }) };
    return new AppError(code, messageFor(code, reason), extra, opts?.cause === undefined ? undefined : { cause: opts.cause });
  }
  toBody(): AppErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

/** The one place an unknown throw becomes an error value; the cause stays on the server. */
export const toAppError = (e: unknown): AppError => (e instanceof AppError ? e : new AppError('INTERNAL', messageFor('INTERNAL'), {}, { cause: e }));

/** True for a value that is an error body of our vocabulary (used where answers cross a boundary). */
export const isAppErrorBody = (v: unknown): v is AppErrorBody =>
  typeof v === 'object' && v !== null && ERROR_CODES.includes((v as { code?: unknown }).code as ErrorCode) && typeof (v as { message?: unknown }).message === 'string';

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
