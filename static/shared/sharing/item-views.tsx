import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AppErrorBody, Result } from '../../../src/contract';
import type { CalendarBlock, CalendarView, ChatEntry, ChatView, EventView } from '../../../src/contracts/sharing';
import { retryWhileBusy } from './busy-retry';
import { MailBody } from './mail-frame';
import { HOUR_PX, layoutWeek } from './week-layout';

/** Times are sent in UTC; each viewer reads them in their own browser's time zone. All-day events keep their dates. */
let timeFormat: Intl.DateTimeFormat | undefined;
/** One formatter for every time shown (toLocaleTimeString builds a new one per call: too slow for a week of 300 events). */
const time = (iso: string): string => (timeFormat ??= new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })).format(new Date(iso));
const dayKey = (iso: string, allDay: boolean): string => {
  const d = new Date(iso);
  return allDay ? d.toISOString().slice(0, 10) : `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const dayLabel = (key: string): string => new Date(`${key}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const dateTime = (iso: string): string => new Date(iso).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' });
const SHOW_AS: Record<CalendarBlock['showAs'], string> = { free: 'Free', tentative: 'Tentative', busy: 'Busy', oof: 'Out of office', workingElsewhere: 'Working elsewhere' };
const RESPONSE: Record<string, string> = { none: 'No response', organizer: 'Organizer', accepted: 'Accepted', tentativelyAccepted: 'Tentative', declined: 'Declined', notResponded: 'No response' };
const zoneName = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const blockTitle = (b: CalendarBlock, freeBusy: boolean): string => (b.subject !== undefined ? b.subject || '(no title)' : b.private && !freeBusy ? 'Private event' : SHOW_AS[b.showAs]);

/** A shared calendar as an agenda, by day, in the viewer's time zone; busy blocks where titles are withheld. */
export function CalendarAgenda({ view }: { view: CalendarView }) {
  const days = useMemo(() => {
    const m = new Map<string, CalendarBlock[]>();
    for (const b of view.blocks) {
      // A multi-day all-day event shows on its first day, with its end date.
      const k = dayKey(b.start, b.isAllDay);
      m.set(k, [...(m.get(k) ?? []), b]);
    }
    return [...m];
  }, [view]);
  const last = new Date(new Date(view.end).getTime() - 1);
  return (
    <div class="calendar-agenda">
      <p class="muted small">
        {new Date(view.start).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' })} – {last.toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' })} · times in {zoneName()}
        {view.freeBusyOnly ? ' · Free/Busy only: times without titles' : ''}
      </p>
      {days.length === 0 && <p class="muted">Nothing in the calendar for these dates.</p>}
      {days.map(([k, blocks]) => (
        <section key={k} class="agenda-day" aria-label={dayLabel(k)}>
          <h4>{dayLabel(k)}</h4>
          <ul>
            {blocks.map((b, i) => (
              <li key={`${b.start}-${String(i)}`} class={`agenda-block show-${b.showAs}${b.subject === undefined ? ' busy-block' : ''}`}>
                <span class="agenda-time">{b.isAllDay ? 'All day' : `${time(b.start)}–${time(b.end)}`}</span>{' '}
                <span class="agenda-title">{blockTitle(b, view.freeBusyOnly)}</span>
                {b.subject !== undefined && b.showAs !== 'busy' && <span class="muted small"> · {SHOW_AS[b.showAs]}</span>}
                {b.location && <span class="muted small"> · {b.location}</span>}
                {b.isOnlineMeeting && <span class="muted small"> · online</span>}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {view.truncated && <p class="muted small">More events than this panel shows: open the calendar in Outlook for the rest.</p>}
    </div>
  );
}

const DAY_MS = 86_400_000;
const localDay = (t: number): Date => {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
};
const addDays = (d: Date, n: number): Date => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

/**
 * The week grid's labels, each from one formatter made once (a `toLocale…String` call builds a new
 * `Intl` formatter every time: 300 blocks' labels cost milliseconds that way). Times of day repeat
 * (meetings start on the quarter hour), so each minute of the day is formatted once and remembered.
 */
const weekFormats = {
  short: undefined as Intl.DateTimeFormat | undefined,
  long: undefined as Intl.DateTimeFormat | undefined,
  minutes: new Map<number, string>(),
  zone: undefined as string | undefined,
};
const shortDay = (d: Date): string => (weekFormats.short ??= new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' })).format(d);
const longDay = (d: Date): string => (weekFormats.long ??= new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' })).format(d);
const timeOfDay = (minute: number): string => {
  const m = Math.floor(minute);
  let s = weekFormats.minutes.get(m);
  if (s === undefined) {
    s = (timeFormat ??= new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })).format(new Date(2000, 0, 1, Math.floor(m / 60), m % 60));
    weekFormats.minutes.set(m, s);
  }
  return s;
};
const weekZone = (): string => (weekFormats.zone ??= zoneName());
const blockClass = (b: CalendarBlock): string => `week-block show-${b.showAs}${b.subject === undefined ? ' busy-block' : ''}`;
const HOUR_LINES = Array.from({ length: 24 }, (_, h) => ({ h, top: `top:${String(h * HOUR_PX)}px`, text: `${String(h).padStart(2, '0')}:00` }));

/**
 * A shared calendar as a week grid: seven day columns in the viewer's zone, events placed by time and
 * side by side where they overlap, busy blocks where titles are withheld. Every block is a focusable
 * item whose accessible name says its time and title; weeks within the shared window page by buttons.
 * The layout is a pure function (week-layout.ts); rendering only writes strings: one `style` text per
 * block, keyed by the block's place in the calendar, and reads nothing back from the page.
 */
export function CalendarWeek({ view }: { view: CalendarView }) {
  const first = localDay(Date.parse(view.start));
  const lastDay = localDay(Date.parse(view.end) - 1);
  const weeks = Math.max(1, Math.ceil((lastDay.getTime() - first.getTime() + DAY_MS) / (7 * DAY_MS)));
  const [week, setWeek] = useState(0);
  const start = addDays(first, week * 7);
  const days = useMemo(() => layoutWeek(view.blocks, start), [view, start.getTime()]);
  const fb = view.freeBusyOnly;
  const firstLabel = shortDay(days[0]?.date ?? start);
  return (
    <div class="calendar-week">
      <div class="week-nav">
        <button type="button" disabled={week === 0} onClick={() => { setWeek(week - 1); }}>Previous week</button>
        <span class="muted small" aria-live="polite">{firstLabel} – {shortDay(days[6]?.date ?? start)} · times in {weekZone()}{fb ? ' · Free/Busy only' : ''}</span>
        <button type="button" disabled={week >= weeks - 1} onClick={() => { setWeek(week + 1); }}>Next week</button>
      </div>
      <div class="week-grid" role="group" aria-label={`Week of ${firstLabel}`}>
        <div class="week-scroll">
          <div class="week-hours" aria-hidden="true">
            {HOUR_LINES.map((l) => <span key={l.h} style={l.top}>{l.text}</span>)}
          </div>
          {days.map((d) => (
            <section key={d.date.getTime()} class="week-day" aria-label={longDay(d.date)}>
              <h4>{shortDay(d.date)}</h4>
              <ul class="week-allday">
                {d.allDay.map(({ index, block: b }) => {
                  const title = blockTitle(b, fb);
                  return <li key={index} tabIndex={0} class={blockClass(b)} aria-label={`All day: ${title}`}>{title}</li>;
                })}
              </ul>
              <ul class="week-times" style={TIMES_STYLE}>
                {d.timed.map((p) => {
                  const title = blockTitle(p.block, fb);
                  return (
                    <li
                      key={p.index}
                      tabIndex={0}
                      class={blockClass(p.block)}
                      style={`top:${String(p.top)}px;height:${String(p.height)}px;left:${String((p.lane / p.lanes) * 100)}%;width:${String(100 / p.lanes)}%`}
                      aria-label={`${timeOfDay(p.startOfDay)}–${timeOfDay(p.endOfDay)}: ${title}`}
                    >
                      {title}
                    </li>
                  );
                })}
              </ul>
            </section>
          ))}
        </div>
      </div>
      {view.truncated && <p class="muted small">More events than this panel shows: open the calendar in Outlook for the rest.</p>}
    </div>
  );
}
const TIMES_STYLE = `height:${String(24 * HOUR_PX)}px`;

/** The shared calendar with its Agenda / Week toggle (Agenda first: it reads well in a narrow panel). */
export function SharedCalendar({ view }: { view: CalendarView }) {
  const [mode, setMode] = useState<'agenda' | 'week'>('agenda');
  return (
    <div class="shared-calendar">
      <div class="view-toggle" role="group" aria-label="Calendar view">
        <button type="button" aria-pressed={mode === 'agenda'} onClick={() => { setMode('agenda'); }}>Agenda</button>
        <button type="button" aria-pressed={mode === 'week'} onClick={() => { setMode('week'); }}>Week</button>
      </div>
      {mode === 'agenda' ? <CalendarAgenda view={view} /> : <CalendarWeek view={view} />}
    </div>
  );
}

/** A shared event: title, time in the viewer's zone, place, organizer, attendees and their answers, the sanitised body. */
export function EventCard({ view, title }: { view: EventView; title: string }) {
  const d = view.details;
  const when = view.isAllDay
    ? `${new Date(view.start).toLocaleDateString(undefined, { dateStyle: 'full', timeZone: 'UTC' })} (all day)`
    : `${dateTime(view.start)} – ${time(view.end)} (${zoneName()})`;
  return (
    <div class="event-card">
      <p><strong>When:</strong> {when}{view.recurring ? ' · one occurrence of a series' : ''}{view.isCancelled ? ' · cancelled' : ''}</p>
      {!d && <p class="unavailable">{view.private ? 'A private event: only the time is shared.' : SHOW_AS[view.showAs]}</p>}
      {d && (
        <>
          {d.location && <p><strong>Where:</strong> {d.location}</p>}
          {d.organizer && <p><strong>Organizer:</strong> {d.organizer.name}{d.organizer.address ? ` <${d.organizer.address}>` : ''}</p>}
          {d.attendees.length > 0 && (
            <div>
              <strong>Attendees</strong>
              <ul class="attendees">
                {d.attendees.map((a, i) => (
                  <li key={`${a.name}-${String(i)}`}>
                    {a.name || a.address}
                    {a.address && a.name ? <span class="muted small"> &lt;{a.address}&gt;</span> : null}
                    {a.type === 'optional' ? <span class="muted small"> (optional)</span> : null} — {RESPONSE[a.response] ?? a.response}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {view.joinUrl && (
            <p>
              <a href={view.joinUrl} target="_blank" rel="noopener noreferrer">Join the online meeting</a>
            </p>
          )}
          {d.body.content.trim() !== '' && <MailBody mail={{ subject: title, to: [], cc: [], at: view.start, body: d.body, inlineImages: {}, inlineImagesOmitted: 0, attachments: [] }} />}
        </>
      )}
    </div>
  );
}

export interface ChatThreadProps {
  view: ChatView;
  /** Older messages, created before `before` (the panel's `sharing/chatPage`). */
  loadOlder: (before: string) => Promise<Result<ChatView>>;
  /** Hosted images (the panel's `sharing/chatImages`), at most four at a time. */
  loadImages: (refs: Array<{ messageId: string; hostedId: string }>) => Promise<Result<Array<string | null>>>;
}

/**
 * A shared Teams chat, newest first as Teams pages it: sender and time, mentions, reactions, files,
 * system events as one quiet line, pictures fetched by the server and sent as data; **Older messages**
 * reads the next page only when asked. Message text is plain text (the server reduced the HTML).
 */
export function ChatThread({ view, loadOlder, loadImages }: ChatThreadProps) {
  const [pages, setPages] = useState<ChatView[]>([view]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorBody | undefined>();
  const [images, setImages] = useState<Record<string, string | null>>({});
  const entries = pages.flatMap((p) => p.entries);
  const older = pages[pages.length - 1]?.olderBefore;

  // Pictures of what is shown, four per call, one call after another (Teams reads one request per second per chat).
  useEffect(() => {
    const wanted: Array<{ messageId: string; hostedId: string }> = [];
    for (const e of entries) if (!e.events) for (const part of e.parts) if (part.t === 'image' && !(`${e.id}/${part.hostedId}` in images)) wanted.push({ messageId: e.id, hostedId: part.hostedId });
    const batch = wanted.slice(0, 4);
    if (batch.length === 0) return;
    let live = true;
    void retryWhileBusy(() => loadImages(batch)).then((r) => {
      if (!live) return;
      setImages((m) => ({ ...m, ...Object.fromEntries(batch.map((b, i) => [`${b.messageId}/${b.hostedId}`, r.ok ? (r.value[i] ?? null) : null])) }));
    });
    return () => {
      live = false;
    };
  }, [pages, images]);

  async function more() {
    if (!older) return;
    setBusy(true);
    setError(undefined);
    // Teams reads a chat once a second: a "busy" answer is asked again after its wait, as it promises.
    const r = await retryWhileBusy(() => loadOlder(older));
    setBusy(false);
    if (r.ok) setPages([...pages, r.value]);
    else setError(r.error);
  }

  return (
    <div class="chat-thread">
      <ol class="chat-messages" aria-label="Messages, newest first">
        {entries.map((e: ChatEntry, i) =>
          e.events ? (
            <li key={`ev-${String(i)}`} class="chat-events muted small">{e.text}</li>
          ) : (
            <li key={e.id} class={`chat-message${e.important ? ' important' : ''}`}>
              <p class="from">
                <strong>{e.from}</strong> <span class="muted small">{new Date(e.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}{e.edited ? ' · edited' : ''}</span>
              </p>
              {e.deleted ? (
                <p class="muted small">This message was deleted.</p>
              ) : (
                <p class="chat-text">
                  {e.parts.map((part, j) =>
                    part.t === 'text' ? (
                      <span key={j}>{part.text}</span>
                    ) : part.t === 'mention' ? (
                      <span key={j} class="mention">@{part.name}</span>
                    ) : images[`${e.id}/${part.hostedId}`] ? (
                      <img key={j} class="chat-image" alt={`Picture sent by ${e.from}`} src={images[`${e.id}/${part.hostedId}`] ?? ''} />
                    ) : (
                      <span key={j} class="muted small chat-image-note" role="note">
                        {`${e.id}/${part.hostedId}` in images ? '[picture too large to show here]' : '[loading picture…]'}
                      </span>
                    ),
                  )}
                </p>
              )}
              {e.files.length > 0 && <p class="muted small">Files: {e.files.join(', ')}</p>}
              {e.reactions.length > 0 && (
                <p class="reactions" aria-label="Reactions">
                  {e.reactions.map((r) => (
                    <span key={r.type} class="reaction">{r.type} {r.count}</span>
                  ))}
                </p>
              )}
            </li>
          ),
        )}
      </ol>
      {entries.length === 0 && <p class="muted">No messages.</p>}
      {error && <p class="error" role="alert">{error.message}</p>}
      {older && (
        <button type="button" disabled={busy} aria-busy={busy} onClick={() => void more()}>Older messages</button>
      )}
    </div>
  );
}
