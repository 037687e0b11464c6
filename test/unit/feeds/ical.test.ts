import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { describe, expect, it } from 'vitest';
import { toEvent, type EventContext, type FeedRow } from '../../../src/core/feeds/events';
import { foldLine, writeCalendar } from '../../../src/core/feeds/ical';
import type { FeedDefinition } from '../../../src/core/feeds/model';

/**
 * The feed as two independent parsers read it back: Mozilla's ical.js (Thunderbird's) and node-ical.
 * What a calendar user would notice is asserted: titles exactly as in Jira, the right days and times,
 * and nothing that a client could mis-read (a broken line, half an emoji).
 */
const SITE = 'https://contoso.atlassian.net';
const base: EventContext['def'] = { dates: { kind: 'single', field: { id: 'duedate', type: 'date' } }, timing: { allDay: true }, timeZone: 'Europe/Berlin', summaryTemplate: '{key} {summary}', description: ['link'] };
const ctx = (def: Partial<FeedDefinition> = {}): EventContext => ({ def: { ...base, ...def }, siteUrl: SITE, siteHost: 'contoso.atlassian.net' });
const row = (over: Partial<FeedRow> = {}): FeedRow => ({ id: '10001', key: 'DEMO-1', projectId: '10000', start: '2025-03-30', updated: Date.UTC(2025, 2, 1, 12), ...over });

function calendar(events: Array<[EventContext, FeedRow, Record<string, string>]>, name = 'Team deadlines'): string {
  return writeCalendar({ name, stamp: new Date(Date.UTC(2025, 2, 2)), events: events.map(([c, r, t]) => toEvent(c, r, t)).filter((e) => e !== undefined) });
}

const byMozilla = (text: string) => new ICAL.Component(ICAL.parse(text));
const byNodeIcal = (text: string) => Object.values(nodeIcal.sync.parseICS(text)).filter((c) => c?.type === 'VEVENT') as Array<Record<string, unknown>>;

const HOSTILE = [
  'Line one\nline two\r\nline three',
  'semi;colon, comma\\ backslash',
  '😀'.repeat(300),
  'עדכון גרסה: תיקון באג בדף ההתחברות 🚀 (RTL)',
  'Tab\there and a bell\u0007 and NUL\u0000 gone',
  'e\u0301 combining, 👩‍👩‍👧 family, 🇩🇪 flag',
];

describe('the iCalendar writer', () => {
  it('writes the calendar properties RFC 5545 and the calendar apps need, with CRLF line ends', () => {
    const text = calendar([[ctx(), row(), { summary: 'Ship it' }]], 'Deadlines; team A, B\nnew');
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const cal = byMozilla(text);
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    expect(cal.getFirstPropertyValue('prodid')).toMatch(/Calendar feeds/);
    expect(cal.getFirstPropertyValue('method')).toBe('PUBLISH');
    // X-WR-CALNAME is TEXT by convention; parsers keep X- values raw, so the escaped line itself is checked.
    expect(text).toContain('\r\nX-WR-CALNAME:Deadlines\\; team A\\, B\\nnew\r\n');
    const [ev] = cal.getAllSubcomponents('vevent');
    expect(ev?.getFirstPropertyValue('uid')).toBe('jira-issue-10001@contoso.atlassian.net');
    expect(String(ev?.getFirstPropertyValue('dtstamp'))).toBe('2025-03-02T00:00:00Z');
    expect(String(ev?.getFirstPropertyValue('last-modified'))).toBe('2025-03-01T12:00:00Z');
    expect(ev?.getFirstPropertyValue('sequence')).toBeGreaterThan(0);
    expect(ev?.getFirstPropertyValue('class')).toBe('PRIVATE');
    expect(ev?.getFirstPropertyValue('description')).toBe(`${SITE}/browse/DEMO-1`);
  });

  it('keeps hostile titles exactly, folds at 75 octets and never splits a character', () => {
    const text = calendar(HOSTILE.map((s, i) => [ctx(), row({ id: String(20000 + i), key: `DEMO-${i + 1}` }), { summary: s }]));
    const bytes = Buffer.from(text, 'utf8');
    let lineStart = 0;
    for (let i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
        const line = bytes.subarray(lineStart, i);
        expect(line.length).toBeLessThanOrEqual(75);
        // A fold inside a UTF-8 sequence would make this physical line invalid UTF-8 on its own.
        expect(() => new TextDecoder('utf-8', { fatal: true }).decode(line)).not.toThrow();
        lineStart = i + 2;
      }
    }
    const expected = HOSTILE.map((s, i) => `DEMO-${i + 1} ${s.replace(/\r\n|\r|\n/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim()}`);
    const mozilla = byMozilla(text).getAllSubcomponents('vevent').map((e) => e.getFirstPropertyValue('summary'));
    expect(mozilla).toEqual(expected);
    const other = byNodeIcal(text).map((e) => e.summary);
    expect(other).toEqual(expected);
    expect(mozilla[2]).toHaveLength('DEMO-3 '.length + 600);
  });

  it('writes all-day events as DATE values with an exclusive end', () => {
    const text = calendar([
      [ctx(), row(), {}],
      [ctx({ dates: { kind: 'range', start: { id: 'customfield_10015', type: 'date' }, end: { id: 'duedate', type: 'date' } } }), row({ id: '10002', start: '2025-03-28', end: '2025-03-31' }), {}],
    ]);
    expect(text).toContain('DTSTART;VALUE=DATE:20250330\r\nDTEND;VALUE=DATE:20250331\r\n');
    const [one, range] = byMozilla(text).getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
    expect(one?.startDate.isDate).toBe(true);
    expect(one?.startDate.toString()).toBe('2025-03-30');
    expect(one?.endDate.toString()).toBe('2025-03-31');
    expect(range?.startDate.toString()).toBe('2025-03-28');
    expect(range?.endDate.toString()).toBe('2025-04-01');
    const [n1] = byNodeIcal(text);
    expect(n1?.datetype).toBe('date');
  });

  it('puts timed events at the right instant on both sides of a daylight saving change', () => {
    const timed = ctx({ timing: { allDay: false, startTime: '09:00', durationMinutes: 30 } });
    const text = calendar([
      [timed, row({ id: '1', start: '2025-03-29' }), {}],
      [timed, row({ id: '2', start: '2025-03-30' }), {}],
      [timed, row({ id: '3', start: '2025-10-26' }), {}],
      [timed, row({ id: '4', start: '2025-03-30', key: 'DEMO-4' }), {}],
    ]);
    const starts = byNodeIcal(text).map((e) => (e.start as Date).toISOString());
    expect(starts.slice(0, 3)).toEqual(['2025-03-29T08:00:00.000Z', '2025-03-30T07:00:00.000Z', '2025-10-26T08:00:00.000Z']);
    const [first] = byMozilla(text).getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
    if (!first) throw new Error('no event');
    expect(first.endDate.toJSDate().getTime() - first.startDate.toJSDate().getTime()).toBe(30 * 60_000);
  });

  it('puts a date-time field on the day it is in the feed’s time zone', () => {
    const allDayFromTime = ctx({ dates: { kind: 'single', field: { id: 'resolutiondate', type: 'datetime' } } });
    // 23:30 UTC on the night clocks go forward is already 01:30 CEST the next day in Berlin.
    const text = calendar([
      [allDayFromTime, row({ start: '2025-03-29T23:30:00.000+0000' }), {}],
      [{ ...allDayFromTime, def: { ...allDayFromTime.def, timeZone: 'America/New_York' } }, row({ id: '2', start: '2025-03-29T23:30:00.000+0000' }), {}],
    ]);
    expect(byMozilla(text).getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('dtstart')))).toEqual(['2025-03-30', '2025-03-29']);
  });

  it('adds the fields the owner chose to the description, one per line', () => {
    const text = calendar([[ctx({ description: ['link', 'status', 'assignee'] }), row(), { summary: 'x', status: 'In Progress', assignee: 'Bob Brown' }]]);
    const [ev] = byNodeIcal(text);
    expect(ev?.description).toBe(`${SITE}/browse/DEMO-1\nStatus: In Progress\nAssignee: Bob Brown`);
  });
});

describe('folding', () => {
  it('leaves short lines alone and breaks long ASCII lines at exactly 75 octets', () => {
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short');
    const folded = foldLine(`SUMMARY:${'a'.repeat(200)}`).split('\r\n');
    expect(folded.map((l) => l.length)).toEqual([75, 75, 60]);
    expect(folded.slice(1).every((l) => l.startsWith(' '))).toBe(true);
  });
});
