/**
 * When shares end. A share may end on a date its sharer picks (when sharing, or later on My shares);
 * a Public share must end within the admin's (or the project's) maximum. An ended share shows as
 * ended at once — the view path compares dates, it does not wait for storage — and the scheduled
 * expiry run (src/triggers/share-expiry.ts) deletes its records.
 */
import { fail, failWith, ok, type Result } from '../result';
import type { KindPolicy } from './kind-policy';
import type { ShareScope } from './model';

const DAY_MS = 86_400_000;
/** Nobody picks an end date further away than this (ten years): a typo, not a plan. */
export const MAX_EXPIRY_DAYS = 3650;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export const isIsoInstant = (v: unknown): v is string => typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v));

/** Ended: its end date is now or past. */
export const hasEnded = (s: { expiresAt?: string }, now: Date): boolean => s.expiresAt !== undefined && !(Date.parse(s.expiresAt) > now.getTime());

/**
 * The end date a share gets for `scope`: the one asked for (`null`: none), checked against the rule
 * in force. A Public share without an end date gets the latest one allowed; one asked beyond it is
 * refused (a silent shortening would surprise the sharer).
 */
export function endDate(asked: string | null | undefined, scope: ShareScope, policy: Pick<KindPolicy, 'publicMaxDays'>, now: Date): Result<string | undefined> {
  let at: number | undefined;
  if (asked !== undefined && asked !== null) {
    if (!isIsoInstant(asked)) return failWith('BAD_REQUEST', 'bad_payload');
    at = Date.parse(asked);
    if (at <= now.getTime()) return failWith('BAD_REQUEST', 'expiry_in_past');
    if (at > now.getTime() + MAX_EXPIRY_DAYS * DAY_MS) return failWith('BAD_REQUEST', 'expiry_too_far');
  }
  const max = scope === 'public' ? policy.publicMaxDays : undefined;
  if (max !== undefined) {
    const latest = now.getTime() + max * DAY_MS;
    if (at === undefined) at = latest;
    else if (at > latest) return fail('BAD_REQUEST', `A Public share may last at most ${String(max)} days here. Pick an earlier end date.`, { reason: 'public_expiry_too_far' });
  }
  // The date asked for is kept as written (it passed the checks); a computed one is written out.
  return ok(at === undefined ? undefined : asked !== undefined && asked !== null && Date.parse(asked) === at ? asked : new Date(at).toISOString());
}

/**
 * When a share's scope changes, its end date is kept unless the new scope needs an earlier one (a
 * Public share within the maximum): then it ends at the latest allowed moment.
 */
export function endDateForScope(current: string | undefined, scope: ShareScope, policy: Pick<KindPolicy, 'publicMaxDays'>, now: Date): string | undefined {
  const max = scope === 'public' ? policy.publicMaxDays : undefined;
  if (max === undefined) return current;
  const latest = now.getTime() + max * DAY_MS;
  return current !== undefined && Date.parse(current) <= latest ? current : new Date(latest).toISOString();
}
