import type { PersonRef } from './rows';

export interface CellLabels {
  yes: string;
  no: string;
  noTitle: string;
  items: (count: number) => string;
}

export interface FormatOptions {
  /** The viewer's locale, e.g. from Confluence (`de-DE` or `de_DE`). Invalid values fall back to `en-US`. */
  locale: string;
  /** The viewer's IANA time zone. Invalid values fall back to `UTC`. */
  timeZone: string;
  /**
   * The SharePoint site's time zone, when known. SharePoint stores a date-only value as midnight in the
   * site's zone, converted to UTC; without this, the nearest UTC midnight is taken, which is right for
   * zones from UTC−11 to UTC+12.
   */
  siteTimeZone?: string;
  labels?: Partial<CellLabels>;
  /** Maps a person field's `LookupId` (a site user id) to a person, when the UI has looked it up. */
  resolvePerson?: (lookupId: string) => PersonRef | undefined;
}

/** Validated options plus cached Intl formatters; create one per table render, not per cell. */
export interface FormatContext {
  readonly locale: string;
  readonly timeZone: string;
  readonly siteTimeZone: string | undefined;
  readonly labels: CellLabels;
  readonly resolvePerson: ((lookupId: string) => PersonRef | undefined) | undefined;
  numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat;
  dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat;
}

const DEFAULT_LABELS: CellLabels = {
  yes: 'Yes',
  no: 'No',
  noTitle: '(no title)',
  items: (n) => (n === 1 ? '1 item' : `${n} items`),
};

function validLocale(locale: string): string {
  try {
    // Confluence and Java write `en_US`; Intl wants `en-US`.
    return Intl.getCanonicalLocales(locale.replace(/_/g, '-'))[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

function validZone(zone: string | undefined): string | undefined {
  if (zone === undefined || zone === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Builds the formatting context, replacing invalid locales and time zones instead of throwing. */
export function createFormatContext(opts: FormatOptions): FormatContext {
  const locale = validLocale(opts.locale);
  const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
  const cached = <F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit as F;
    const made = make();
    cache.set(key, made);
    return made;
  };
  return {
    locale,
    timeZone: validZone(opts.timeZone) ?? 'UTC',
    siteTimeZone: validZone(opts.siteTimeZone),
    labels: { ...DEFAULT_LABELS, ...opts.labels },
    resolvePerson: opts.resolvePerson,
    numberFormat: (o) => cached(`n${JSON.stringify(o)}`, () => new Intl.NumberFormat(locale, o)),
    dateFormat: (o) => cached(`d${JSON.stringify(o)}`, () => new Intl.DateTimeFormat(locale, o)),
  };
}

/** A date-and-time value as a cell shows it: the viewer's day and time, in the viewer's time zone. */
export function dateTimeOptions(ctx: Pick<FormatContext, 'timeZone'>): Intl.DateTimeFormatOptions {
  return { timeZone: ctx.timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit' };
}

/**
 * Formats one date and time as a cell does, and one number, and throws the result away. A frame's first
 * use of `Intl` loads ICU's locale and time-zone data: 15–30 ms of the main thread in Chromium (bench,
 * issue 8), which otherwise falls between Graph's answer and the first rows. ICU keeps that data for the
 * whole process, so doing it while Graph answers makes the real formatters cheap. Never throws.
 */
export function warmFormats(opts: Pick<FormatOptions, 'locale' | 'timeZone'>): void {
  try {
    const ctx = createFormatContext(opts);
    ctx.dateFormat(dateTimeOptions(ctx)).format(0);
    ctx.numberFormat({ maximumFractionDigits: 1 }).format(1.5);
  } catch {
    // No Intl worth warming: the view formats (or falls back) as it always does.
  }
}
