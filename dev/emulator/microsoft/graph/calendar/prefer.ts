import { UTC, type Zone, zoneNamed } from '../../data/timezones';
import { GraphError } from '../errors';

// The `Prefer` preferences Outlook's calendar honours, read from every `Prefer` header of a request.

export interface CalendarPreferences {
  immutableIds: boolean;
  /** `outlook.timezone`, or UTC (event-get.md: "If not specified, those time values are returned in UTC"). */
  zone: Zone;
  zoneAsked: boolean;
  bodyType: 'text' | 'html' | undefined;
}

/** Splits `a="x, y", b` at the commas outside quotes. */
const tokens = (header: string): string[] => {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter(Boolean);
};

const valueOf = (token: string, name: string): string | undefined => {
  const m = new RegExp(`^${name.replace('.', '\\.')}\\s*=\\s*(?:"([^"]*)"|([^\\s";]+))$`, 'i').exec(token);
  return m ? m[1] ?? m[2] : undefined;
};

/**
 * An unknown time zone is Exchange's 400 `TimeZoneNotSupportedException` (as jasonjoh shows it in
 * microsoftgraph/microsoft-graph-docs#6870).
 */
export const calendarPreferences = (headers: Headers): CalendarPreferences => {
  const all = tokens(headers.get('prefer') ?? '');
  let zone: Zone = UTC;
  let zoneAsked = false;
  let bodyType: 'text' | 'html' | undefined;
  let immutableIds = false;
  for (const t of all) {
    const tz = valueOf(t, 'outlook.timezone');
    if (tz !== undefined) {
      const z = zoneNamed(tz);
      if (!z) {
        throw new GraphError(400, 'TimeZoneNotSupportedException',
          `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${tz}'.`);
      }
      zone = z;
      zoneAsked = true;
    }
    const body = valueOf(t, 'outlook.body-content-type')?.toLowerCase();
    if (body === 'text' || body === 'html') bodyType = body;
    if (valueOf(t, 'IdType')?.toLowerCase() === 'immutableid') immutableIds = true;
  }
  return { immutableIds, zone, zoneAsked, bodyType };
};

/** `Preference-Applied`, as event-get.md's example shows it for the time zone. */
export const preferenceApplied = (p: CalendarPreferences, opts: { events: boolean }): Record<string, string> => {
  const applied = [
    ...(p.immutableIds ? ['IdType="ImmutableId"'] : []),
    ...(opts.events && p.zoneAsked ? [`outlook.timezone="${p.zone.name}"`] : []),
    ...(opts.events && p.bodyType !== undefined ? [`outlook.body-content-type="${p.bodyType}"`] : []),
  ];
  return applied.length > 0 ? { 'Preference-Applied': applied.join(', ') } : {};
};
