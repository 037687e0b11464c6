import type { AppErrorBody } from '../../../src/core/result';
import { stateTone, type StateTone } from '../../../src/core/sharepoint/states';

/**
 * Each tone's look (classes in shared/ui.css, Atlassian's section message colours) and icon, and how
 * urgently a screen reader hears it. The tone itself comes from the state table (`stateTone`).
 */
const LOOKS: Record<StateTone, { role: 'status' | 'alert'; icon: string }> = {
  // Atlassian's information, warning, error and neutral glyphs, drawn on a 16×16 grid.
  information: { role: 'status', icon: 'M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1Zm-1 6v5h2V7H7Zm1-3a1 1 0 1 0 0 2 1 1 0 0 0 0-2Z' },
  warning: { role: 'alert', icon: 'M8.9 1.5a1 1 0 0 0-1.8 0L.6 13.5A1 1 0 0 0 1.5 15h13a1 1 0 0 0 .9-1.5L8.9 1.5ZM7 6h2v4H7V6Zm1 5.5a1 1 0 1 1 0 2 1 1 0 0 1 0-2Z' },
  danger: { role: 'alert', icon: 'M5 1h6l4 4v6l-4 4H5l-4-4V5l4-4Zm2 3v5h2V4H7Zm1 6.5a1 1 0 1 0 0 2 1 1 0 0 0 0-2Z' },
  neutral: { role: 'status', icon: 'M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1Zm-1 6v5h2V7H7Zm1-3a1 1 0 1 0 0 2 1 1 0 0 0 0-2Z' },
};

/**
 * A macro's or dialog's state (`viewerState`, or any error of the one vocabulary) in words, toned by the
 * state table: the same state looks the same everywhere. The button, if any, is the caller's (it knows
 * what "retry" or "sign in" means there).
 */
export function StateMessage({ state }: { state: Pick<AppErrorBody, 'code' | 'message'> }) {
  const tone = stateTone(state);
  const look = LOOKS[tone];
  return (
    <div class={`state-message state-${tone}`} role={look.role} data-tone={tone}>
      <svg class="state-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
        <path d={look.icon} fill="currentColor" fill-rule="evenodd" />
      </svg>
      <p>{state.message}</p>
    </div>
  );
}
