import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AppErrorBody, Result } from '../../../src/contract';
import type { CalendarBlock, CalendarView, ChatEntry, ChatView, EventView } from '../../../src/contracts/sharing';
import { MailBody } from './mail-frame';

/** Times are sent in UTC; each viewer reads them in their own browser's time zone. All-day events keep their dates. */
let timeFormat: Intl.DateTimeFormat | undefined;
/** One formatter for every time shown (toLocaleTimeString builds a new one per call: too slow for a week of 300 events). */
const time = (iso: string): string => (timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })).format(new Date(iso));
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

const HOUR_PX = 32;
const DAY_MS = 86_400_000;
const localDay = (t: number): Date => {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
};
const addDays = (d: Date, n: number): Date => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

/** A timed block's piece within one local day, with its lane among the day's overlapping pieces. */
interface Piece {
  b: CalendarBlock;
  top: number;
  height: number;
  lane: number;
  lanes: number;
}

/** Each day's pieces: cut at local midnight, laid out side by side where they overlap (greedy lanes per cluster). */
export function weekLayout(blocks: readonly CalendarBlock[], first: Date): { allDay: CalendarBlock[][]; timed: Piece[][] } {
  const days = Array.from({ length: 7 }, (_, i) => addDays(first, i));
  const allDay: CalendarBlock[][] = days.map(() => []);
  const raw: Array<Array<{ b: CalendarBlock; from: number; to: number }>> = days.map(() => []);
  for (const b of blocks) {
    const s = Date.parse(b.start);
    const e = Math.max(Date.parse(b.end), s + 60_000);
    days.forEach((d, i) => {
      const d0 = d.getTime();
      const d1 = addDays(d, 1).getTime();
      if (b.isAllDay) {
        // All-day events keep their dates (UTC midnights), whatever the viewer's zone.
        const key = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
        if (s <= key && key < e) allDay[i]?.push(b);
      } else if (s < d1 && e > d0) raw[i]?.push({ b, from: Math.max(s, d0) - d0, to: Math.min(e, d1) - d0 });
    });
  }
  const timed = raw.map((list) => {
    list.sort((x, y) => x.from - y.from || y.to - x.to);
    const out: Piece[] = [];
    let cluster: Piece[] = [];
    let laneEnds: number[] = [];
    let clusterEnd = -1;
    const close = () => {
      for (const p of cluster) p.lanes = laneEnds.length;
      cluster = [];
      laneEnds = [];
    };
    for (const r of list) {
      if (r.from >= clusterEnd) close();
      let lane = laneEnds.findIndex((end) => end <= r.from);
      if (lane < 0) lane = laneEnds.push(r.to) - 1;
      else laneEnds[lane] = r.to;
      clusterEnd = Math.max(clusterEnd, r.to);
      const p: Piece = { b: r.b, top: (r.from / 3_600_000) * HOUR_PX, height: Math.max(((r.to - r.from) / 3_600_000) * HOUR_PX, 14), lane, lanes: 1 };
      cluster.push(p);
      out.push(p);
    }
    close();
    return out;
  });
  return { allDay, timed };
}

/**
 * A shared calendar as a week grid: seven day columns in the viewer's zone, events placed by time and
 * side by side where they overlap, busy blocks where titles are withheld. Every block is a focusable
 * item whose accessible name says its time and title; weeks within the shared window page by buttons.
 */
export function CalendarWeek({ view }: { view: CalendarView }) {
  const first = localDay(Date.parse(view.start));
  const lastDay = localDay(Date.parse(view.end) - 1);
  const weeks = Math.max(1, Math.ceil((lastDay.getTime() - first.getTime() + DAY_MS) / (7 * DAY_MS)));
  const [week, setWeek] = useState(0);
  const start = addDays(first, week * 7);
  const { allDay, timed } = useMemo(() => weekLayout(view.blocks, start), [view, start.getTime()]);
  const days = Array.from({ length: 7 }, (_, i) => addDays(start, i));
  const label = (d: Date) => d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
  return (
    <div class="calendar-week">
      <div class="week-nav">
        <button type="button" disabled={week === 0} onClick={() => { setWeek(week - 1); }}>Previous week</button>
        <span class="muted small" aria-live="polite">{label(days[0] ?? start)} – {label(days[6] ?? start)} · times in {zoneName()}{view.freeBusyOnly ? ' · Free/Busy only' : ''}</span>
        <button type="button" disabled={week >= weeks - 1} onClick={() => { setWeek(week + 1); }}>Next week</button>
      </div>
      <div class="week-grid" role="group" aria-label={`Week of ${label(start)}`}>
        <div class="week-scroll">
          <div class="week-hours" aria-hidden="true">
            {Array.from({ length: 24 }, (_, h) => <span key={h} style={{ top: `${String(h * HOUR_PX)}px` }}>{String(h).padStart(2, '0')}:00</span>)}
          </div>
          {days.map((d, i) => (
            <section key={d.getTime()} class="week-day" aria-label={d.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' })}>
              <h4>{label(d)}</h4>
              <ul class="week-allday">
                {(allDay[i] ?? []).map((b, j) => (
                  <li key={`a${String(j)}`} tabIndex={0} class={`week-block show-${b.showAs}${b.subject === undefined ? ' busy-block' : ''}`} aria-label={`All day: ${blockTitle(b, view.freeBusyOnly)}`}>{blockTitle(b, view.freeBusyOnly)}</li>
                ))}
              </ul>
              <ul class="week-times" style={{ height: `${String(24 * HOUR_PX)}px` }}>
                {(timed[i] ?? []).map((p, j) => (
                  <li
                    key={`t${String(j)}`}
                    tabIndex={0}
                    class={`week-block show-${p.b.showAs}${p.b.subject === undefined ? ' busy-block' : ''}`}
                    style={{ top: `${String(p.top)}px`, height: `${String(p.height)}px`, left: `${String((p.lane / p.lanes) * 100)}%`, width: `${String(100 / p.lanes)}%` }}
                    aria-label={`${time(p.b.start)}–${time(p.b.end)}: ${blockTitle(p.b, view.freeBusyOnly)}`}
                  >
                    {blockTitle(p.b, view.freeBusyOnly)}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </div>
      {view.truncated && <p class="muted small">More events than this panel shows: open the calendar in Outlook for the rest.</p>}
    </div>
  );
}

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

const REACTION_EMOJI: Record<string, string> = { like: '👍', heart: '❤️', laugh: '😆', surprised: '😮', sad: '😢', angry: '😠' };

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
    void loadImages(batch).then((r) => {
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
    const r = await loadOlder(older);
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
                    <span key={r.type} class="reaction">{REACTION_EMOJI[r.type] ?? r.type} {r.count}</span>
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
