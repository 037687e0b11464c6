/**
 * What a failed Teams post means for the rule: wait and try again (Microsoft throttled or stumbled),
 * pause it with a reason a project admin can act on (the owner cannot post there any more), or give
 * up on this one message. Decided from the app's error vocabulary, never from Graph's raw answer.
 */
import type { AppErrorBody } from '../result';
import type { PauseReason } from './model';

/** Teams: "3,000 messages per app per day per channel" (Graph throttling limits; RESEARCH §0.5). */
export const TEAMS_CHANNEL_DAILY_CAP = 3000;
/**
 * The counter is a read-modify-write and several consumers may send at once, so it can undercount
 * by a few: stopping 50 short keeps the app under Teams' own limit.
 */
export const CAP_MARGIN = 50;
/** Tries per message for failures that are not throttling (Forge retries async events at most a few times too). */
export const MAX_ATTEMPTS = 5;
/** Tries per message while Microsoft throttles (each waits as long as Retry-After says). */
export const MAX_THROTTLED_ATTEMPTS = 10;
/** `delayInSeconds` of an async event is at most 900 (RESEARCH §3.3). */
export const MAX_DELAY_SECONDS = 900;

export type FailureVerdict =
  | { action: 'pause'; reason: PauseReason }
  | { action: 'retry'; afterSeconds: number }
  | { action: 'give_up'; reason?: 'teams_wait' };

export function onSendFailure(error: AppErrorBody, attempt: number): FailureVerdict {
  switch (error.code) {
    case 'MS_SIGN_IN_REQUIRED':
      return { action: 'pause', reason: 'owner_signed_out' };
    case 'MS_CONSENT_REQUIRED':
      return { action: 'pause', reason: 'owner_consent' };
    // Teams answers 403 to a poster who is not (any more) a member of the channel or chat.
    case 'FORBIDDEN':
      return { action: 'pause', reason: 'owner_not_member' };
    case 'NOT_FOUND':
      return { action: 'pause', reason: 'target_gone' };
    case 'THROTTLED': {
      const after = Math.max(1, Math.ceil(error.retryAfterSeconds ?? 30));
      // Teams answers its daily cap with a Retry-After until the next UTC day: not worth a queue of retries.
      if (after > MAX_DELAY_SECONDS || attempt + 1 >= MAX_THROTTLED_ATTEMPTS) return { action: 'give_up', reason: 'teams_wait' };
      return { action: 'retry', afterSeconds: after };
    }
    case 'MS_UNAVAILABLE':
    case 'STORAGE_UNAVAILABLE':
    case 'INTERNAL':
      if (attempt + 1 >= MAX_ATTEMPTS) return { action: 'give_up' };
      // 10 s, 40 s, 160 s, 640 s: Microsoft's own outages are minutes long.
      return { action: 'retry', afterSeconds: Math.min(MAX_DELAY_SECONDS, 10 * 4 ** attempt) };
    default:
      return { action: 'give_up' };
  }
}

/** UTC day of a send, for the per-channel daily counter. */
export const capDay = (now: Date): string => now.toISOString().slice(0, 10);

/** Log entry ids sort newest first as KVS keys: inverted milliseconds, then a random tail. */
export const entryIdAt = (now: Date, random: string): string => `${String(9_999_999_999_999 - now.getTime()).padStart(13, '0')}-${random}`;
