// Time zones as Outlook speaks them: events keep the organizer's zone (`originalStartTimeZone`, a
// Windows name), answers give start and end in UTC or in the zone a `Prefer: outlook.timezone` asks
// for. Conversions go through Intl (full ICU in Node 20 and 22), so DST rules are the IANA database's.

/**
 * The IANA names Graph accepts besides Windows names (microsoft-graph-docs-contrib
 * `api-reference/v1.0/resources/datetimetimezone.md`, "Additional time zones"). Entries the page
 * gives with an old name in parentheses accept both.
 */
const GRAPH_IANA = [
  'Etc/GMT+12', 'Etc/GMT+11', 'Pacific/Honolulu', 'America/Anchorage', 'America/Santa_Isabel', 'America/Los_Angeles',
  'America/Phoenix', 'America/Chihuahua', 'America/Denver', 'America/Guatemala', 'America/Chicago', 'America/Mexico_City',
  'America/Regina', 'America/Bogota', 'America/New_York', 'America/Indiana/Indianapolis', 'America/Caracas', 'America/Asuncion',
  'America/Halifax', 'America/Cuiaba', 'America/La_Paz', 'America/Santiago', 'America/St_Johns', 'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires', 'America/Cayenne', 'America/Godthab', 'America/Montevideo', 'America/Bahia', 'Etc/GMT+2',
  'Atlantic/Azores', 'Atlantic/Cape_Verde', 'Africa/Casablanca', 'Etc/GMT', 'Europe/London', 'Atlantic/Reykjavik', 'Europe/Berlin',
  'Europe/Budapest', 'Europe/Paris', 'Europe/Warsaw', 'Africa/Lagos', 'Africa/Windhoek', 'Europe/Bucharest', 'Asia/Beirut',
  'Africa/Cairo', 'Asia/Damascus', 'Africa/Johannesburg', 'Europe/Kyiv', 'Europe/Kiev', 'Europe/Istanbul', 'Asia/Jerusalem',
  'Asia/Amman', 'Asia/Baghdad', 'Europe/Kaliningrad', 'Asia/Riyadh', 'Africa/Nairobi', 'Asia/Tehran', 'Asia/Dubai', 'Asia/Baku',
  'Europe/Moscow', 'Indian/Mauritius', 'Asia/Tbilisi', 'Asia/Yerevan', 'Asia/Kabul', 'Asia/Karachi', 'Asia/Toshkent',
  'Asia/Tashkent', 'Asia/Kolkata', 'Asia/Colombo', 'Asia/Kathmandu', 'Asia/Astana', 'Asia/Almaty', 'Asia/Dhaka',
  'Asia/Yekaterinburg', 'Asia/Yangon', 'Asia/Rangoon', 'Asia/Bangkok', 'Asia/Novosibirsk', 'Asia/Shanghai', 'Asia/Krasnoyarsk',
  'Asia/Singapore', 'Australia/Perth', 'Asia/Taipei', 'Asia/Ulaanbaatar', 'Asia/Irkutsk', 'Asia/Tokyo', 'Asia/Seoul',
  'Australia/Adelaide', 'Australia/Darwin', 'Australia/Brisbane', 'Australia/Sydney', 'Pacific/Port_Moresby', 'Australia/Hobart',
  'Asia/Yakutsk', 'Pacific/Guadalcanal', 'Asia/Vladivostok', 'Pacific/Auckland', 'Etc/GMT-12', 'Pacific/Fiji', 'Asia/Magadan',
  'Pacific/Tongatapu', 'Pacific/Apia', 'Pacific/Kiritimati',
];

/**
 * Windows zone ids (what Outlook clients write into `originalStartTimeZone`) and the IANA zone CLDR's
 * windowsZones.xml maps each to ("001" territory). Graph accepts every Windows zone; the emulator knows
 * these and refuses others as Graph refuses unknown names (stricter, never more lenient).
 */
const WINDOWS_TO_IANA: Readonly<Record<string, string>> = {
  'UTC': 'Etc/UTC',
  'Dateline Standard Time': 'Etc/GMT+12',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Alaskan Standard Time': 'America/Anchorage',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time': 'America/Denver',
  'Central Standard Time': 'America/Chicago',
  'Central America Standard Time': 'America/Guatemala',
  'Canada Central Standard Time': 'America/Regina',
  'Eastern Standard Time': 'America/New_York',
  'US Eastern Standard Time': 'America/Indiana/Indianapolis',
  'SA Pacific Standard Time': 'America/Bogota',
  'Atlantic Standard Time': 'America/Halifax',
  'Newfoundland Standard Time': 'America/St_Johns',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'Argentina Standard Time': 'America/Argentina/Buenos_Aires',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'GMT Standard Time': 'Europe/London',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Romance Standard Time': 'Europe/Paris',
  'Central European Standard Time': 'Europe/Warsaw',
  'W. Central Africa Standard Time': 'Africa/Lagos',
  'GTB Standard Time': 'Europe/Bucharest',
  'FLE Standard Time': 'Europe/Kiev',
  'Israel Standard Time': 'Asia/Jerusalem',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Egypt Standard Time': 'Africa/Cairo',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Russian Standard Time': 'Europe/Moscow',
  'Arab Standard Time': 'Asia/Riyadh',
  'E. Africa Standard Time': 'Africa/Nairobi',
  'Iran Standard Time': 'Asia/Tehran',
  'Arabian Standard Time': 'Asia/Dubai',
  'Pakistan Standard Time': 'Asia/Karachi',
  'India Standard Time': 'Asia/Kolkata',
  'Nepal Standard Time': 'Asia/Kathmandu',
  'Bangladesh Standard Time': 'Asia/Dhaka',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'W. Australia Standard Time': 'Australia/Perth',
  'Taipei Standard Time': 'Asia/Taipei',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'Cen. Australia Standard Time': 'Australia/Adelaide',
  'AUS Central Standard Time': 'Australia/Darwin',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'Tasmania Standard Time': 'Australia/Hobart',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'Fiji Standard Time': 'Pacific/Fiji',
};

const IANA_TO_WINDOWS = new Map<string, string>(Object.entries(WINDOWS_TO_IANA).map(([w, i]) => [i, w]));
IANA_TO_WINDOWS.set('Europe/Kyiv', 'FLE Standard Time');

const GRAPH_IANA_LOWER = new Map(GRAPH_IANA.map((z) => [z.toLowerCase(), z]));
const WINDOWS_LOWER = new Map(Object.keys(WINDOWS_TO_IANA).map((w) => [w.toLowerCase(), w]));

/** A zone as a request or the fixture names it: the name to echo, and the IANA zone to compute with. */
export interface Zone {
  /** As Graph writes it back in `timeZone` and `Preference-Applied`. */
  name: string;
  iana: string;
}

export const UTC: Zone = { name: 'UTC', iana: 'Etc/UTC' };

/** A Windows or Graph-listed IANA name (case-insensitive, as Exchange compares them), else undefined. */
export const zoneNamed = (raw: string): Zone | undefined => {
  const s = raw.trim();
  const w = WINDOWS_LOWER.get(s.toLowerCase());
  if (w !== undefined) return { name: w, iana: WINDOWS_TO_IANA[w] ?? 'Etc/UTC' };
  const i = GRAPH_IANA_LOWER.get(s.toLowerCase());
  return i !== undefined ? { name: i, iana: i } : undefined;
};

/** The Windows name Outlook would store for an organizer in this IANA zone (the IANA name if none is known). */
export const windowsNameOf = (iana: string): string => (iana === 'Etc/UTC' || iana === 'UTC' ? 'UTC' : IANA_TO_WINDOWS.get(iana) ?? iana);

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (iana: string): Intl.DateTimeFormat => {
  let f = formatters.get(iana);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: iana, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(iana, f);
  }
  return f;
};

const QUARTER_HOUR = 900_000;
/** Offsets by zone and quarter hour: every zone changes its offset on a quarter hour, and Intl is slow. */
const offsets = new Map<string, Map<number, number>>();

const offsetAt = (ms: number, iana: string): number => {
  let byBucket = offsets.get(iana);
  if (!byBucket) {
    byBucket = new Map();
    offsets.set(iana, byBucket);
  }
  const bucket = Math.floor(ms / QUARTER_HOUR);
  let off = byBucket.get(bucket);
  if (off === undefined) {
    const t = bucket * QUARTER_HOUR;
    const parts: Record<string, number> = {};
    for (const p of formatter(iana).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    off = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0) - t;
    byBucket.set(bucket, off);
  }
  return off;
};

/** The wall clock in `iana` at instant `ms`, as milliseconds of a UTC clock showing the same digits. */
export const wallClockMs = (ms: number, iana: string): number => (iana === 'Etc/UTC' ? ms : ms + offsetAt(ms, iana));

/**
 * The instant at which `iana`'s clocks show `wallMs`. A wall time that a spring-forward skips is moved
 * forward by the gap (as Outlook does); one that a fall-back repeats is the first (daylight) instance.
 */
export const instantOfWallClock = (wallMs: number, iana: string): number => {
  if (iana === 'Etc/UTC') return wallMs;
  const before = offsetAt(wallMs - 86_400_000, iana);
  const after = offsetAt(wallMs + 86_400_000, iana);
  const candidates = [wallMs - before, wallMs - after].filter((t) => wallClockMs(t, iana) === wallMs).sort((a, b) => a - b);
  if (candidates[0] !== undefined) return candidates[0];
  // In the gap: the earlier offset maps it past the jump.
  return wallMs - Math.min(before, after);
};

/** Outlook's local date-time text: seven fractional digits and no offset. */
export const outlookDateTime = (wallMs: number): string => new Date(wallMs).toISOString().replace(/\.(\d{3})Z$/, '.$10000');

/** `{dateTime, timeZone}` of an instant in a zone, as Graph writes `start` and `end`. */
export const dateTimeTimeZone = (ms: number, zone: Zone): { dateTime: string; timeZone: string } =>
  ({ dateTime: outlookDateTime(wallClockMs(ms, zone.iana)), timeZone: zone.name });
