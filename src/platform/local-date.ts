import { DateTime } from "luxon";
import { invalidField } from "./errors.js";

/** A local calendar day 'YYYY-MM-DD'. */
export type LocalDate = string;

export const LOCAL_DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";

/** The local day of `instant` in the IANA `zone` (DST-correct: Luxon applies the zone's rules). */
export function localDateOf(instant: Date, zone: string): LocalDate {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

/** True when `s` is a real calendar day written YYYY-MM-DD (so 2026-02-30 is not). */
export function isLocalDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s, { zone: "UTC" }).isValid;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD day (calendar arithmetic in UTC, where every day has 24 h). */
export function dayNumber(date: LocalDate): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** The day `n` days after `date` (before, for negative n). */
export function addDays(date: LocalDate, n: number): LocalDate {
  return new Date((dayNumber(date) + n) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return dayNumber(b) - dayNumber(a);
}

/**
 * Checks a day sent by a client: a real date, not after today in the user's zone. Throws a field
 * error naming `field` otherwise.
 */
export function checkPastDate(date: string, zone: string, now: Date, field: string): LocalDate {
  if (!isLocalDate(date)) throw invalidField(field, "format", `"${date}" is not a date (YYYY-MM-DD)`);
  const problem = futureDateProblem(date, zone, now);
  if (problem) throw invalidField(field, "not-future", problem);
  return date;
}

/** Why a day is refused for being after today in the user's zone, or undefined when it is not. */
export function futureDateProblem(date: LocalDate, zone: string, now: Date): string | undefined {
  const today = localDateOf(now, zone);
  return date > today ? `${date} is in the future (today is ${today} in ${zone})` : undefined;
}
