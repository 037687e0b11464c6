import { AppError } from '../../core/result';

/** KVS failures become STORAGE_UNAVAILABLE (or THROTTLED) with the cause kept for the logs. */
export async function guardStorage<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'RATE_LIMIT_EXCEEDED' || code === 'TOO_MANY_REQUESTS') {
      throw new AppError('THROTTLED', 'Storage is busy. Try again in a moment.', {}, { cause: e });
    }
    throw new AppError('STORAGE_UNAVAILABLE', 'The app could not reach its storage. Nothing was changed; try again in a moment.', {}, { cause: e });
  }
}
