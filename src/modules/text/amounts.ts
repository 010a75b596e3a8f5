/**
 * The small grammars inside commands: progress amounts (`p. 142`, `142/412`, `+20`, `55%`), the day a
 * progress entry is for (`yesterday`, `2026-11-20`, `3 days ago`) and durations (`1h`, `2 hours`).
 * Inputs are already cleaned, flattened and digit-folded.
 */
import type { DayRef, ProgressCommand, UnknownCode } from "./text-command.js";

/** The highest page (and total pages) accepted; anything larger is a typo. */
export const MAX_PAGE = 100_000;
/** How far back a relative day may go. */
export const MAX_DAYS_AGO = 3660;

/** A progress amount without its title and day. `number` is a bare integer with no marker at all. */
export type Amount =
  | { kind: "page"; page: number; totalPages?: number }
  | { kind: "delta"; pages: number }
  | { kind: "percent"; percent: number }
  | { kind: "number"; value: number };

/** A failure with its machine code and human reason. */
export type Failure = { kind: "unknown"; code: UnknownCode; reason: string };
/** Whether a value returned alongside strings is a failure. */
export const isFailure = (v: unknown): v is Failure => typeof v === "object" && v !== null;
/** Builds an `unknown` command. */
export const fail = (code: UnknownCode, reason: string): Failure => ({ kind: "unknown", code, reason });

const N = "(\\d{1,9})";
const MARKER = `(?:p|pg|pp|pages?)\\s*\\.?\\s*${N}(?:\\s*\\/\\s*${N}|\\s+of\\s+${N})?`;
const FRACTION = `${N}(?:\\s*\\/\\s*|\\s+of\\s+)${N}`;
const PERCENT = "(\\d{1,3}(?:[.,]\\d{1,2})?)\\s*%";
const DELTA = `\\+\\s*${N}(?:\\s*(?:p|pages?)\\b)?`;
// Between a title and its amount: spaces, a colon/comma, or a spaced dash (`dune - 142`).
const SEP = "(?:\\s+[-–—]\\s+|[\\s:,;]+)";
// A title is empty or ends in a non-separator, so separator runs are tried once, not from every offset.
const TITLE = "((?:.*?[^\\s:,;])?)";

type Form = { re: RegExp; build: (m: RegExpMatchArray) => Amount };
const page = (p: string, ...totals: (string | undefined)[]): Amount => {
  const total = totals.find((t) => t !== undefined);
  return total === undefined
    ? { kind: "page", page: Number(p) }
    : { kind: "page", page: Number(p), totalPages: Number(total) };
};
const percent = (p: string): Amount => ({ kind: "percent", percent: Number(p.replace(",", ".")) });

// Amount last, title (possibly empty) first. Tried in order; the lazy title finds the shortest title.
const TRAILING_FORMS: Form[] = [
  { re: new RegExp(`^${TITLE}(?:^|${SEP})${MARKER}$`, "iu"), build: (m) => page(m[2]!, m[3], m[4]) },
  { re: new RegExp(`^${TITLE}(?:^|${SEP})${FRACTION}$`, "iu"), build: (m) => page(m[2]!, m[3]) },
  { re: new RegExp(`^${TITLE}(?:^|${SEP})${PERCENT}$`, "iu"), build: (m) => percent(m[2]!) },
  {
    re: new RegExp(`^${TITLE}(?:^|${SEP})${DELTA}$`, "iu"),
    build: (m) => ({ kind: "delta", pages: Number(m[2]) }),
  },
  {
    re: new RegExp(`^${TITLE}(?:^|${SEP})${N}$`, "iu"),
    build: (m) => ({ kind: "number", value: Number(m[2]) }),
  },
];
// Amount first, then a non-empty title: `142 dune`, `+20 dune`, `55% dune`, `p12 dune`.
const LEADING_FORMS: Form[] = [
  { re: new RegExp(`^${MARKER}${SEP}(.+)$`, "iu"), build: (m) => page(m[1]!, m[2], m[3]) },
  { re: new RegExp(`^${FRACTION}${SEP}(.+)$`, "iu"), build: (m) => page(m[1]!, m[2]) },
  { re: new RegExp(`^${PERCENT}${SEP}?(.+)$`, "iu"), build: (m) => percent(m[1]!) },
  { re: new RegExp(`^${DELTA}${SEP}(.+)$`, "iu"), build: (m) => ({ kind: "delta", pages: Number(m[1]) }) },
  { re: new RegExp(`^${N}${SEP}(.+)$`, "iu"), build: (m) => ({ kind: "number", value: Number(m[1]) }) },
];

/**
 * Splits `<title> <amount>` or `<amount> <title>` into its parts; the title is raw (may be empty).
 * Amount-last is tried first so a title with digits keeps them: `1984 45` is "1984", page 45.
 */
export function splitAmount(s: string): { title: string; amount: Amount } | undefined {
  for (const f of TRAILING_FORMS) {
    const m = s.match(f.re);
    if (m) return { title: m[1] ?? "", amount: f.build(m) };
  }
  for (const f of LEADING_FORMS) {
    const m = s.match(f.re);
    if (m) return { title: m[m.length - 1] ?? "", amount: f.build(m) };
  }
  return undefined;
}

/** Checks an amount's ranges; a `number` is checked by the caller, which knows if it is a page. */
export function checkAmount(a: Amount): Failure | undefined {
  if (a.kind === "page") {
    if (a.page < 1 || a.page > MAX_PAGE) return fail("out_of_range", `Page ${a.page} is out of range.`);
    if (a.totalPages !== undefined && (a.totalPages < a.page || a.totalPages > MAX_PAGE)) {
      return fail("out_of_range", `Page ${a.page} cannot be past the last page (${a.totalPages}).`);
    }
  }
  if (a.kind === "delta" && (a.pages < 1 || a.pages > MAX_PAGE)) {
    return fail("out_of_range", `+${a.pages} pages is out of range.`);
  }
  if (a.kind === "percent" && a.percent > 100) {
    return fail("out_of_range", `${a.percent}% is more than 100%.`);
  }
  return undefined;
}

/** Whether `s` is a real calendar day written YYYY-MM-DD. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() >= 1900 && d.toISOString().slice(0, 10) === s;
}

/** `date` (YYYY-MM-DD) moved by `days` calendar days; pure calendar arithmetic, no time zone involved. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const DAY_WORDS = "yesterday|yday|yest";
const DAY_FORMS = `(${DAY_WORDS})|(\\d{4}-\\d{2}-\\d{2})|(\\d{1,4})\\s*(?:d|days?)\\s+ago`;
const DAY_FIRST = new RegExp(`^(?:on\\s+)?(?:${DAY_FORMS})(?:[\\s:,;]+|$)(.*)$`, "iu");
const DAY_LAST = new RegExp(`^((?:.*?[^\\s,;])?)[\\s,;]+(?:on\\s+)?(?:${DAY_FORMS})$`, "iu");

/**
 * Takes a day off the start or end of a progress command: `yesterday dune 120`, `dune 120 2026-11-20`.
 * Returns the rest and the day, a failure for an impossible or future day, or undefined when there is none.
 */
export function splitDay(s: string, today?: string): { rest: string; on: DayRef } | Failure | undefined {
  const first = s.match(DAY_FIRST);
  const last = first ? null : s.match(DAY_LAST);
  if (!first && !last) return undefined;
  const [word, iso, ago] = first ? [first[1], first[2], first[3]] : [last?.[2], last?.[3], last?.[4]];
  const rest = (first ? first[4] : last?.[1]) ?? "";
  const known = today && isCalendarDate(today) ? today : undefined;
  let on: DayRef;
  if (word) {
    on = known ? { kind: "yesterday", date: addDays(known, -1) } : { kind: "yesterday" };
  } else if (iso) {
    if (!isCalendarDate(iso)) return fail("invalid_date", `${iso} is not a real day (use YYYY-MM-DD).`);
    if (known && iso > known)
      return fail("invalid_date", `${iso} is in the future; log a day that has passed.`);
    on = { kind: "explicit", date: iso };
  } else {
    const daysAgo = Number(ago);
    if (daysAgo < 1 || daysAgo > MAX_DAYS_AGO) {
      return fail("out_of_range", `Use between 1 and ${MAX_DAYS_AGO} days ago.`);
    }
    on = known
      ? { kind: "relative", daysAgo, date: addDays(known, -daysAgo) }
      : { kind: "relative", daysAgo };
  }
  return { rest: rest.trim(), on };
}

const UNIT_MINUTES: [RegExp, number][] = [
  [/^(?:m|mins?|minutes?)$/, 1],
  [/^(?:h|hrs?|hours?)$/, 60],
  [/^(?:d|days?)$/, 1440],
  [/^(?:w|wks?|weeks?)$/, 10080],
];

/** `30m`, `1h`, `1.5 hours`, `3d`, `an hour`, `for 1 week` as whole minutes; undefined when not a duration. */
export function parseDuration(s: string): number | undefined {
  const m = /^(?:for\s+)?(?:(\d{1,5}(?:[.,]\d{1,2})?)\s*|(?:an?|one)\s+)([a-z]+)$/iu.exec(s.trim());
  if (!m) return undefined;
  const amount = m[1] === undefined ? 1 : Number(m[1].replace(",", "."));
  const unit = UNIT_MINUTES.find(([re]) => re.test(m[2]!.toLowerCase()));
  if (!unit) return undefined;
  const minutes = Math.round(amount * unit[1]);
  return minutes >= 1 ? minutes : undefined;
}

/** Attaches a title and day to an amount, producing the progress command. */
export function progressCommand(
  amount: Amount,
  title: string | undefined,
  on: DayRef | undefined,
): ProgressCommand {
  const extra = { ...(title === undefined ? {} : { title }), ...(on === undefined ? {} : { on }) };
  switch (amount.kind) {
    case "page":
      return { ...amount, ...extra };
    case "delta":
      return { ...amount, ...extra };
    case "percent":
      return { ...amount, ...extra };
    case "number":
      return { kind: "page", page: amount.value, ...extra };
  }
}
