/**
 * Dates and numbers in the browser's locale. Local days (YYYY-MM-DD) are calendar days already in the
 * user's zone, so they are formatted as UTC dates (no shift); instants are shown in the user's zone.
 */
const locale = typeof navigator === "undefined" ? "en" : navigator.language;

export function parseDay(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

export function dayString(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const d = parseDay(day);
  d.setUTCDate(d.getUTCDate() + n);
  return dayString(d);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / 86_400_000);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
function dayFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" });
    dayFormats.set(key, f);
  }
  return f;
}

/** "12 Dec 2026" (in the locale's order). */
export function formatDay(
  day: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: "medium" },
): string {
  return dayFormat(options).format(parseDay(day));
}

/** "December 2026" for "2026-12". */
export function formatMonth(month: string, style: "long" | "short" = "long"): string {
  return dayFormat({ month: style, year: "numeric" }).format(parseDay(`${month}-01`));
}

/** An instant in the user's time zone: "12 Dec 2026, 21:04". */
export function formatInstant(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    new Date(iso),
  );
}

// Formatters are made when first used, not when this module loads: the first Intl object of a page
// initialises ICU's locale data (50–150 ms in a new renderer process on this machine), and the boot script
// imports this module before it sends the page's requests, which must not wait for that.
let numberFormat: Intl.NumberFormat | undefined;
export function formatNumber(n: number): string {
  numberFormat ??= new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  return numberFormat.format(n);
}

let percentFormat: Intl.NumberFormat | undefined;
export function formatPercent(fraction: number): string {
  percentFormat ??= new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  return percentFormat.format(fraction);
}

const todayFormats = new Map<string, Intl.DateTimeFormat>();
/** Today's local day in a time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  let f = todayFormats.get(timeZone);
  if (!f) {
    // en-CA formats as YYYY-MM-DD.
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    todayFormats.set(timeZone, f);
  }
  return f.format(now);
}

/** The browser's time zone, e.g. "Europe/Paris". */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Every IANA zone the browser knows (for a select), with the given one first if it is missing. */
export function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return all.includes(current) ? all : [current, ...all];
}

export function plural(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
