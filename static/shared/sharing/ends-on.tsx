import { useEffect, useId, useRef } from 'preact/hooks';
import type { ShareScope } from '../../../src/core/settings/model';

import { latestEndDay, ymd } from './end-dates';

export { endOfDay, latestEndDay, ymd } from './end-dates';

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
          : 'Without a date it lasts until you remove it.'}
      </span>
    </p>
  );
}
