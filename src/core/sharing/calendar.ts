/**
 * A shared calendar, for a date window: which window it is, the time span it covers now, and what
 * each viewer may see of each event. Pure: the adapter reads `calendarView` on the sharer's behalf,
 * this decides what leaves the server. Nothing here is stored except the window's text.
 *
 * Rules (issue 10): events the owner marked private or confidential show as busy blocks only, to
 * everyone but the sharer; a Free/Busy-only share shows blocks without titles, whatever the event.
 * Graph does not hide anything from the owner's own token (`sensitivity` is only a flag), so the
 * server must drop the fields before the answer leaves it — the browser never receives them.
 */
import { CALENDAR_WINDOW } from './model';

/** A window as the sharer chose it. `next` counts days from today (UTC), today included. */
export type CalendarWindow = { kind: 'this-week' } | { kind: 'next'; days: number } | { kind: 'fixed'; start: string; end: string };

/** Longest window: Graph's calendarView takes any span, but a share should stay a view, not an export. */
export const MAX_WINDOW_DAYS = 92;
const DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const dateMs = (d: string): number | undefined => {
  const m = DATE.exec(d);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // 2026-02-30 rolls over to March: not a date.
  return new Date(t).toISOString().slice(0, 10) === d ? t : undefined;
};

/** The stored text of a window, or undefined when it is not one (bad dates, end before start, too long). */
export function parseWindow(text: string): CalendarWindow | undefined {
  if (!CALENDAR_WINDOW.test(text)) return undefined;
  if (text === 'this-week') return { kind: 'this-week' };
  const next = /^next-(\d+)d$/.exec(text);
  if (next) {
    const days = Number(next[1]);
    return days >= 1 && days <= MAX_WINDOW_DAYS ? { kind: 'next', days } : undefined;
  }
  const [start = '', end = ''] = text.split('..');
  const a = dateMs(start);
  const b = dateMs(end);
  if (a === undefined || b === undefined || b < a || (b - a) / DAY + 1 > MAX_WINDOW_DAYS) return undefined;
  return { kind: 'fixed', start, end };
}

export const windowText = (w: CalendarWindow): string => (w.kind === 'this-week' ? 'this-week' : w.kind === 'next' ? `next-${String(w.days)}d` : `${w.start}..${w.end}`);

/**
 * The instants the window covers at `now`: `this-week` is Monday 00:00 to the next Monday 00:00 (UTC),
 * `next-Nd` today 00:00 for N days, fixed dates from the first day's start to the end of the last.
 * Days are UTC days; a viewer far from UTC sees the edges shifted by their offset (said in the README).
 */
export function windowSpan(w: CalendarWindow, now: Date): { start: string; end: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let start: number;
  let end: number;
  if (w.kind === 'this-week') {
    start = today - ((now.getUTCDay() + 6) % 7) * DAY;
    end = start + 7 * DAY;
  } else if (w.kind === 'next') {
    start = today;
    end = today + w.days * DAY;
  } else {
    start = dateMs(w.start) ?? today;
    end = (dateMs(w.end) ?? today) + DAY;
  }
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/** `showAs` as Outlook has it; anything else reads as busy. */
export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere';
export const SHOW_AS: readonly ShowAs[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere'];

/** An event as the adapter read it (bounded strings); never stored. */
export interface CalendarEntry {
  /** ISO instants (UTC). All-day events: midnight to midnight of their dates. */
  start: string;
  end: string;
  isAllDay: boolean;
  showAs: ShowAs;
  /** `private` or `confidential` (and `personal`, which Outlook also keeps from others). */
  sensitive: boolean;
  isCancelled: boolean;
  subject: string;
  location: string;
  isOnlineMeeting: boolean;
}

/** What a viewer receives for one event: a block with times, and the title only when they may see it. */
export interface CalendarBlock {
  start: string;
  end: string;
  isAllDay: boolean;
  showAs: ShowAs;
  /** Absent for busy blocks (private events for others, every event of a Free/Busy share). */
  subject?: string;
  location?: string;
  isOnlineMeeting?: boolean;
  /** The title was withheld because the owner marked the event private (only shown as a reason). */
  private?: true;
}

export interface CalendarView {
  window: string;
  /** The span read, ISO instants. */
  start: string;
  end: string;
  freeBusyOnly: boolean;
  /** By start. */
  blocks: CalendarBlock[];
  /** More events than the panel reads (the first pages only): the viewer is told. */
  truncated: boolean;
}

/** Most events one view carries (four pages of calendarView). */
export const CALENDAR_MAX_EVENTS = 1000;

/**
 * The blocks a viewer may see. `viewerIsSharer`: the sharer sees their own private events in full,
 * unless the share is Free/Busy only (then everyone, the sharer too, sees what the others see).
 * Cancelled events are left out; in a Free/Busy share so are free ones (they block no time).
 */
export function calendarBlocks(entries: readonly CalendarEntry[], opts: { freeBusyOnly: boolean; viewerIsSharer: boolean }): CalendarBlock[] {
  const out: CalendarBlock[] = [];
  for (const e of entries) {
    if (e.isCancelled) continue;
    if (opts.freeBusyOnly && e.showAs === 'free') continue;
    const base: CalendarBlock = { start: e.start, end: e.end, isAllDay: e.isAllDay, showAs: e.showAs };
    if (opts.freeBusyOnly) out.push(base);
    else if (e.sensitive && !opts.viewerIsSharer) out.push({ ...base, private: true });
    else out.push({ ...base, subject: e.subject, ...(e.location ? { location: e.location } : {}), ...(e.isOnlineMeeting ? { isOnlineMeeting: true } : {}) });
  }
  return out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}
