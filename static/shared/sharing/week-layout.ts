import type { CalendarBlock } from '../../../src/contracts/sharing';

/**
 * The week grid's layout, as a pure function of the blocks and the week's first day (no DOM, no
 * formatting): which day each block falls on, where it sits on the wall-clock hour grid, and its lane
 * among the blocks it overlaps. O(n log n) for n blocks — one pass to cut them into days, a sort and a
 * sweep with two heaps per day — so 300 events cost well under a millisecond before rendering.
 *
 * Times are read in the viewer's zone (the JavaScript runtime's): the grid's rows are wall-clock hours,
 * so on a DST day an event at 09:00 sits on the 09:00 line although 8 or 10 hours passed since midnight.
 * All-day events keep their dates (Graph sends them as UTC midnights), whatever the viewer's zone.
 */
export const HOUR_PX = 32;
/** The shortest block drawn (a 5-minute event still needs a line of text); overlaps are packed as drawn. */
export const MIN_BLOCK_PX = 14;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const DAY_MIN = 24 * 60;

/** A timed block's piece within one local day, cut at local midnights. */
export interface TimedPiece {
  /** Index of the block in the calendar's `blocks` (a stable key). */
  index: number;
  block: CalendarBlock;
  /** Wall-clock minutes since the day's midnight where the piece starts and ends (0–1440). */
  fromMin: number;
  toMin: number;
  /** Pixels on the grid (HOUR_PX an hour). */
  top: number;
  height: number;
  /** Its lane among the blocks it overlaps (directly or through others), and how many lanes they take. */
  lane: number;
  lanes: number;
  /** Wall-clock minutes of day of the whole event's start and end (for its label: "23:00–01:00"). */
  startOfDay: number;
  endOfDay: number;
}

export interface WeekDay {
  /** Local midnight. */
  date: Date;
  allDay: Array<{ index: number; block: CalendarBlock }>;
  /** In time order (then longer first): the order blocks are read and tabbed through. */
  timed: TimedPiece[];
}

const addDays = (d: Date, n: number): Date => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const minuteOfDay = (t: number): number => {
  const d = new Date(t);
  return d.getHours() * 60 + d.getMinutes() + d.getSeconds() / 60;
};

/** A binary min-heap on `key`; small and allocation-light (the sweep pushes each piece once). */
class Heap<T> {
  private readonly a: T[] = [];
  constructor(private readonly key: (x: T) => number) {}
  get size(): number {
    return this.a.length;
  }
  peek(): T | undefined {
    return this.a[0];
  }
  push(x: T): void {
    const a = this.a;
    let i = a.push(x) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.key(a[p] as T) <= this.key(x)) break;
      a[i] = a[p] as T;
      i = p;
    }
    a[i] = x;
  }
  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    const k = this.key(last);
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && this.key(a[r] as T) < this.key(a[l] as T) ? r : l;
      if (this.key(a[c] as T) >= k) break;
      a[i] = a[c] as T;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

/**
 * Lanes for one day's pieces (sorted by start, longer first): each piece takes the lowest lane free at its
 * start; a cluster (pieces chained by overlap) shares one lane count, so its blocks split the column evenly.
 * Overlap is judged as drawn (a block is at least MIN_BLOCK_PX tall), so short blocks never cover each other.
 */
function packLanes(pieces: TimedPiece[]): void {
  const minMin = (MIN_BLOCK_PX / HOUR_PX) * 60;
  const drawnEnd = (p: TimedPiece) => Math.max(p.toMin, p.fromMin + minMin);
  const busy = new Heap<{ end: number; lane: number }>((x) => x.end);
  const free = new Heap<number>((x) => x);
  let cluster: TimedPiece[] = [];
  let lanes = 0;
  let clusterEnd = -1;
  const close = () => {
    for (const p of cluster) p.lanes = lanes;
    cluster = [];
    lanes = 0;
    while (busy.pop() !== undefined);
    while (free.pop() !== undefined);
  };
  for (const p of pieces) {
    if (p.fromMin >= clusterEnd) close();
    while (busy.size > 0 && (busy.peek()?.end ?? Infinity) <= p.fromMin) free.push(busy.pop()?.lane ?? 0);
    const lane = free.size > 0 ? (free.pop() ?? 0) : lanes++;
    p.lane = lane;
    const end = drawnEnd(p);
    busy.push({ end, lane });
    clusterEnd = Math.max(clusterEnd, end);
    cluster.push(p);
  }
  close();
}

/** The seven days from `first` (a local midnight), with their blocks placed. */
export function layoutWeek(blocks: readonly CalendarBlock[], first: Date): WeekDay[] {
  const start = new Date(first.getFullYear(), first.getMonth(), first.getDate());
  const dates = Array.from({ length: 7 }, (_, i) => addDays(start, i));
  // Local midnights bounding the days (8 of them: a DST day is 23 or 25 hours long).
  const bounds = [...dates.map((d) => d.getTime()), addDays(start, 7).getTime()];
  const firstUtcDate = Date.UTC(start.getFullYear(), start.getMonth(), start.getDate());
  const days: WeekDay[] = dates.map((date) => ({ date, allDay: [], timed: [] }));
  const weekStart = bounds[0] ?? 0;
  const weekEnd = bounds[7] ?? 0;

  blocks.forEach((block, index) => {
    const s = Date.parse(block.start);
    const e = Math.max(Date.parse(block.end), s + MINUTE_MS);
    if (!Number.isFinite(s) || !Number.isFinite(e)) return;
    if (block.isAllDay) {
      // Day i (its date at UTC midnight, k) shows the event when start <= k < end.
      const from = Math.max(0, Math.ceil((s - firstUtcDate) / DAY_MS));
      const to = Math.min(7, Math.ceil((e - firstUtcDate) / DAY_MS));
      for (let i = from; i < to; i++) days[i]?.allDay.push({ index, block });
      return;
    }
    if (e <= weekStart || s >= weekEnd) return;
    // The day the event starts on (or the week's first), then each day it reaches.
    let i = 0;
    while (i < 6 && (bounds[i + 1] ?? Infinity) <= s) i++;
    const startOfDay = minuteOfDay(s);
    const endOfDay = minuteOfDay(e);
    for (; i < 7; i++) {
      const d0 = bounds[i] ?? 0;
      const d1 = bounds[i + 1] ?? 0;
      if (d0 >= e) break;
      const from = Math.max(s, d0);
      const to = Math.min(e, d1);
      const fromMin = from === d0 ? 0 : minuteOfDay(from);
      // On the day clocks go back, wall-clock end can come before wall-clock start: keep the elapsed length.
      const toMin = Math.min(DAY_MIN, Math.max(to === d1 ? DAY_MIN : minuteOfDay(to), fromMin + (to - from) / MINUTE_MS));
      days[i]?.timed.push({ index, block, fromMin, toMin, top: (fromMin / 60) * HOUR_PX, height: Math.max(((toMin - fromMin) / 60) * HOUR_PX, MIN_BLOCK_PX), lane: 0, lanes: 1, startOfDay, endOfDay });
    }
  });

  for (const day of days) {
    day.timed.sort((x, y) => x.fromMin - y.fromMin || y.toMin - x.toMin || x.index - y.index);
    packLanes(day.timed);
  }
  return days;
}
