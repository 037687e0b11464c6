import { useEffect, useId, useRef } from 'preact/hooks';
import type { ShareScope } from '../../../src/core/settings/model';

const DAY_MS = 86_400_000;
const pad = (n: number): string => String(n).padStart(2, '0');
/** A date input's value for `d` in the viewer's own zone. */
export const ymd = (d: Date): string => `${String(d.getFullYear())}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/**
 * The moment a share picked to end "on" a day ends: the end of that day in the viewer's zone, in UTC
 * (the server takes ISO instants only). Empty or unreadable: no end date.
 */
export function endOfDay(day: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const at = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1, 0, 0, 0, 0);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/**
 * The last day a Public share may be picked to end on when the admin allows `maxDays`: the server
 * refuses an end later than now + maxDays (src/core/sharing/lifecycle.ts `endDate`), and a picked day
 * ends at the following midnight, so it is the day before the one the limit falls on.
 */
export function latestEndDay(maxDays: number, now: Date = new Date()): string {
  const limit = new Date(now.getTime() + maxDays * DAY_MS);
  // maxDays ≥ 1, so this is today at the earliest.
  return ymd(new Date(limit.getFullYear(), limit.getMonth(), limit.getDate() - 1));
}

export interface EndsOnProps {
  value: string;
  scope: ShareScope;
  /** The admin's (or project's) Public maximum for what is being shared, in days; absent: none. */
  publicMaxDays: number | undefined;
  onChange: (v: string) => void;
}

/**
 * The "Ends on" date of a new share, in every share form (mail, conversation, calendar, event, chat).
 * Optional, except that a Public share must end within the admin's maximum: choosing Public prefills
 * the latest day allowed and the date cannot be picked later; leaving Public drops a date the form
 * prefilled. The server decides all of it again and its refusal words show in the form.
 */
export function EndsOn({ value, scope, publicMaxDays, onChange }: EndsOnProps) {
  const limited = scope === 'public' && publicMaxDays !== undefined;
  const latest = limited ? latestEndDay(publicMaxDays) : undefined;
  /** The date this form put in (not the sharer): dropped again when it no longer applies. */
  const prefilled = useRef<string | undefined>(undefined);
  const helpId = useId();
  useEffect(() => {
    if (latest !== undefined) {
      if (value === '' || value > latest) {
        prefilled.current = latest;
        onChange(latest);
      }
    } else if (prefilled.current !== undefined && value === prefilled.current) {
      prefilled.current = undefined;
      onChange('');
    }
  }, [latest]);
  return (
    <p class="ends-on">
      <label>
        {limited ? 'Ends on' : 'Ends on (optional)'}{' '}
        <input
          type="date"
          value={value}
          min={ymd(new Date())}
          max={latest}
          required={limited}
          aria-describedby={helpId}
          onInput={(e) => {
            prefilled.current = undefined;
            onChange(e.currentTarget.value);
          }}
        />
      </label>
      {value && !limited && (
        <button type="button" class="subtle" onClick={() => { onChange(''); }}>No end date</button>
      )}
      <span id={helpId} class="muted small">
        {' '}
        {limited
          ? `Public shares end within ${String(publicMaxDays)} ${publicMaxDays === 1 ? 'day' : 'days'} (set by your admin).`
          : scope === 'public'
            ? 'Without a date it lasts until removed.'
            : 'Without a date it lasts until you remove it.'}
      </span>
    </p>
  );
}
