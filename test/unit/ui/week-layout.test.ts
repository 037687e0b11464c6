import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarBlock } from '../../../src/contracts/sharing';
import { HOUR_PX, MIN_BLOCK_PX, layoutWeek, type TimedPiece } from '../../../static/shared/sharing/week-layout';

// The week grid reads times in the viewer's zone (the runtime's): these tests pin it to Berlin, which has
// DST (2026: clocks forward on Sunday 29 March at 02:00, back on Sunday 25 October at 03:00).
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const ev = (start: string, end: string, subject = 'Meeting', extra: Partial<CalendarBlock> = {}): CalendarBlock => ({ start, end, isAllDay: false, showAs: 'busy', subject, ...extra });
const allDay = (start: string, end: string, subject = 'Offsite'): CalendarBlock => ({ start: `${start}T00:00:00Z`, end: `${end}T00:00:00Z`, isAllDay: true, showAs: 'oof', subject });
/** Monday 7 December 2026, 00:00 in Berlin. */
const monday = () => new Date(2026, 11, 7);
const titles = (pieces: TimedPiece[]) => pieces.map((p) => p.block.subject);

describe('week grid layout', () => {
  it('puts overlapping events side by side and lets a later one take a freed lane', () => {
    // Tuesday 8 December, Berlin = UTC+1.
    const days = layoutWeek([ev('2026-12-08T08:00:00Z', '2026-12-08T09:00:00Z', 'A'), ev('2026-12-08T08:30:00Z', '2026-12-08T09:30:00Z', 'B'), ev('2026-12-08T09:00:00Z', '2026-12-08T10:00:00Z', 'C'), ev('2026-12-08T11:00:00Z', '2026-12-08T12:00:00Z', 'D')], monday());
    const tue = days[1]?.timed ?? [];
    expect(titles(tue)).toEqual(['A', 'B', 'C', 'D']);
    expect(tue.map((p) => [p.lane, p.lanes])).toEqual([[0, 2], [1, 2], [0, 2], [0, 1]]);
    // 09:00 local on the grid: 9 hours down.
    expect(tue[0]?.top).toBe(9 * HOUR_PX);
    expect(tue[0]?.height).toBe(HOUR_PX);
    expect(days.filter((_, i) => i !== 1).every((d) => d.timed.length === 0 && d.allDay.length === 0)).toBe(true);
  });

  it('keeps short events apart as drawn: a 5-minute block is as tall as a line, so the next one goes beside it', () => {
    const days = layoutWeek([ev('2026-12-09T09:00:00Z', '2026-12-09T09:05:00Z', 'Quick'), ev('2026-12-09T09:10:00Z', '2026-12-09T09:40:00Z', 'Next')], monday());
    const wed = days[2]?.timed ?? [];
    expect(wed[0]?.height).toBe(MIN_BLOCK_PX);
    expect(wed.map((p) => [p.lane, p.lanes])).toEqual([[0, 2], [1, 2]]);
  });

  it('cuts an event crossing midnight into two pieces, each labelled with the whole event’s times', () => {
    // Thursday 23:00 – Friday 01:00 Berlin.
    const days = layoutWeek([ev('2026-12-10T22:00:00Z', '2026-12-11T00:00:00Z', 'Release')], monday());
    const thu = days[3]?.timed ?? [];
    const fri = days[4]?.timed ?? [];
    expect(thu.map((p) => [p.fromMin, p.toMin])).toEqual([[23 * 60, 24 * 60]]);
    expect(fri.map((p) => [p.fromMin, p.toMin])).toEqual([[0, 60]]);
    expect([thu[0]?.startOfDay, thu[0]?.endOfDay, fri[0]?.index]).toEqual([23 * 60, 60, 0]);
    expect(thu[0]?.top).toBe(23 * HOUR_PX);
    expect((thu[0]?.top ?? 0) + (thu[0]?.height ?? 0)).toBe(24 * HOUR_PX);
  });

  it('places events by wall-clock time on the days clocks change', () => {
    // Week of Monday 23 March 2026; Sunday 29 March has 23 hours.
    const spring = layoutWeek([ev('2026-03-29T07:00:00Z', '2026-03-29T08:00:00Z', 'Brunch'), ev('2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z', 'Across the gap')], new Date(2026, 2, 23));
    const sun = spring[6]?.timed ?? [];
    // 09:00 CEST is 8 hours after midnight, yet it sits on the 09:00 line.
    expect(sun.find((p) => p.block.subject === 'Brunch')?.fromMin).toBe(9 * 60);
    // 01:30 CET → 03:30 CEST: one hour passed, drawn from 01:30 to 03:30 on the wall-clock grid.
    expect(sun.find((p) => p.block.subject === 'Across the gap')).toMatchObject({ fromMin: 90, toMin: 210 });
    // Week of Monday 19 October 2026; Sunday 25 October has 25 hours: 02:30 CEST → 02:15 CET is 45 minutes.
    const autumn = layoutWeek([ev('2026-10-25T00:30:00Z', '2026-10-25T01:15:00Z', 'Night shift'), ev('2026-10-25T09:00:00Z', '2026-10-25T10:00:00Z', 'Late brunch')], new Date(2026, 9, 19));
    const sun2 = autumn[6]?.timed ?? [];
    expect(sun2.find((p) => p.block.subject === 'Night shift')).toMatchObject({ fromMin: 150, toMin: 195 });
    expect(sun2.find((p) => p.block.subject === 'Late brunch')?.fromMin).toBe(10 * 60);
    expect(autumn[6]?.date.getDate()).toBe(25);
  });

  it('keeps all-day events on their dates, in any zone, and spreads multi-day ones over each day', () => {
    const blocks = [allDay('2026-12-08', '2026-12-10', 'Offsite'), allDay('2026-12-13', '2026-12-14', 'Sunday off'), allDay('2026-12-14', '2026-12-15', 'Next week')];
    const inBerlin = layoutWeek(blocks, monday()).map((d) => d.allDay.map((a) => a.block.subject));
    expect(inBerlin).toEqual([[], ['Offsite'], ['Offsite'], [], [], [], ['Sunday off']]);
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(new Date(2026, 11, 7).getTimezoneOffset()).toBe(480);
      // UTC midnights are the previous evening in Los Angeles: the dates still hold.
      expect(layoutWeek(blocks, new Date(2026, 11, 7)).map((d) => d.allDay.map((a) => a.block.subject))).toEqual(inBerlin);
    } finally {
      process.env.TZ = 'Europe/Berlin';
    }
    // All-day events never enter the timed grid.
    expect(layoutWeek(blocks, monday()).every((d) => d.timed.length === 0)).toBe(true);
  });

  it('never draws two blocks over each other, and blocks that overlap share one lane count (300 random events)', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const base = Date.UTC(2026, 11, 6, 23);
    const blocks = Array.from({ length: 300 }, (_, i) => {
      const s = base + Math.floor(rnd() * 7 * 96) * 15 * 60_000;
      return ev(new Date(s).toISOString(), new Date(s + (1 + Math.floor(rnd() * 12)) * 10 * 60_000).toISOString(), `E${String(i)}`);
    });
    const days = layoutWeek(blocks, monday());
    const pieces = days.flatMap((d) => d.timed);
    expect(new Set(pieces.map((p) => p.index)).size).toBe(300);
    for (const d of days) {
      const drawn = d.timed.map((p) => ({ p, from: p.top, to: p.top + p.height }));
      for (const a of drawn) {
        expect(a.p.lane).toBeLessThan(a.p.lanes);
        for (const b of drawn) {
          if (a === b || !(a.from < b.to && b.from < a.to)) continue;
          expect(a.p.lane).not.toBe(b.p.lane);
          expect(a.p.lanes).toBe(b.p.lanes);
        }
      }
      // In time order: the order a keyboard user tabs through.
      expect(d.timed.map((p) => p.fromMin)).toEqual([...d.timed.map((p) => p.fromMin)].sort((x, y) => x - y));
    }
  });
});
