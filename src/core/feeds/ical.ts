/**
 * The iCalendar writer. Events are formatted by ical-generator (property names, escaping of
 * `\ ; , newline`, DATE vs DATE-TIME values); three things are done here because ical-generator
 * 10.2 gets them wrong or too slowly for a feed of thousands of events:
 * - it writes the calendar's NAME / X-WR-CALNAME / X-WR-CALDESC without escaping (a newline in a
 *   feed's name would end the line), so the calendar properties are written here;
 * - its line folding allocates a TextEncoder per character (72 s for 50,000 events on this machine),
 *   so lines are folded here, at 75 octets, never inside a UTF-8 sequence or a surrogate pair;
 * - it ends the object without the final CRLF RFC 5545 requires.
 */
import { ICalCalendar, ICalEvent, ICalEventClass, ICalEventTransparency } from 'ical-generator';
import type { EventSpec } from './events';
import { cleanText } from './events';

export const PRODID = '-//Microsoft 365 for Jira and Confluence//Calendar feeds//EN';

/** RFC 5545 §3.3.11 TEXT escaping. */
export const escapeText = (s: string): string => cleanText(s).replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');

/** UTF-8 length of one UTF-16 code unit at `i` (a surrogate pair counts 4 at its first half). */
function octets(s: string, i: number): { bytes: number; units: number } {
  const c = s.charCodeAt(i);
  if (c < 0x80) return { bytes: 1, units: 1 };
  if (c < 0x800) return { bytes: 2, units: 1 };
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return { bytes: 4, units: 2 };
  }
  return { bytes: 3, units: 1 };
}

/**
 * Folds one content line (RFC 5545 §3.1): at most 75 octets per physical line, continuation lines
 * start with one space (which counts), and no break falls inside a character.
 */
export function foldLine(line: string): string {
  let out = '';
  let start = 0;
  let used = 0;
  let limit = 75;
  for (let i = 0; i < line.length; ) {
    const { bytes, units } = octets(line, i);
    if (used + bytes > limit) {
      out += `${line.slice(start, i)}\r\n `;
      start = i;
      used = 1;
      limit = 75;
    }
    used += bytes;
    i += units;
  }
  return out + line.slice(start);
}

export interface CalendarSpec {
  name: string;
  description?: string;
  /** When this content last changed: every DTSTAMP (RFC 5545 §3.8.7.2, with METHOD). */
  stamp: Date;
  events: EventSpec[];
}

/** The whole feed as RFC 5545 text: CRLF line ends, folded, ending with CRLF. */
export function writeCalendar(spec: CalendarSpec): string {
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `NAME:${escapeText(spec.name)}`,
    `X-WR-CALNAME:${escapeText(spec.name)}`,
  ];
  if (spec.description) lines.push(`X-WR-CALDESC:${escapeText(spec.description)}`);
  // Hints only: Google and Outlook ignore them; Apple's clients honour them.
  lines.push('REFRESH-INTERVAL;VALUE=DURATION:PT1H', 'X-PUBLISHED-TTL:PT1H');
  // The events' owner calendar is never written: named exports only (the default export breaks in CommonJS bundles).
  const owner = new ICalCalendar();
  for (const e of spec.events) {
    const event = new ICalEvent(
      {
        id: e.uid,
        sequence: e.sequence,
        stamp: spec.stamp,
        start: e.start,
        end: e.end,
        allDay: e.allDay,
        summary: cleanText(e.summary),
        description: e.description ? cleanText(e.description) : null,
        url: e.url,
        lastModified: e.lastModified,
        class: ICalEventClass.PRIVATE,
        transparency: ICalEventTransparency.TRANSPARENT,
      },
      owner,
    );
    for (const l of event.toString().split('\r\n')) if (l) lines.push(l);
  }
  lines.push('END:VCALENDAR');
  let out = '';
  for (const l of lines) out += `${foldLine(l)}\r\n`;
  return out;
}

/** UTF-8 byte length without encoding the string. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; ) {
    const { bytes, units } = octets(s, i);
    n += bytes;
    i += units;
  }
  return n;
}
