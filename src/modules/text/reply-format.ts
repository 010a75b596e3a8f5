/**
 * Short replies for chat channels. Pure: callers pass numbers and local days (YYYY-MM-DD), these return
 * strings. English only for now; a locale parameter belongs here when translations arrive.
 */
import { addDays, isCalendarDate } from "./amounts.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Longest title shown in a reply before it is cut with an ellipsis. */
export const REPLY_TITLE_CHARS = 60;
/** Furthest projection shown: past this, "at this pace" is not a useful date. */
export const MAX_PROJECTION_DAYS = 3650;

/** A title for a reply: whitespace flattened and cut to `max` characters (code points) with "…". */
export function shortTitle(title: string, max = REPLY_TITLE_CHARS): string {
  const chars = Array.from(title.replace(/\s+/gu, " ").trim());
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

/** `12 Dec` for a local day, with the year when it differs from `today`'s (or when `today` is absent). */
export function shortDate(date: string, today?: string): string {
  if (!isCalendarDate(date)) return date;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const sameYear = today !== undefined && today.slice(0, 4) === date.slice(0, 4);
  return `${d} ${MONTHS[m - 1]}${sameYear ? "" : ` ${y}`}`;
}

/** Whole percent read, rounded down so 100% means the last page; undefined without a positive total. */
export function percentRead(page: number, totalPages?: number): number | undefined {
  if (!totalPages || totalPages <= 0 || !Number.isFinite(page)) return undefined;
  return Math.max(0, Math.min(100, Math.floor((page / totalPages) * 100)));
}

/**
 * The local day the book is finished at `pagesPerDay`: `today` when no pages are left; undefined when
 * the pace is zero, the total unknown, or the day further than `MAX_PROJECTION_DAYS`.
 */
export function projectFinish(input: {
  page: number;
  totalPages?: number;
  pagesPerDay: number;
  today: string;
}): string | undefined {
  const { page, totalPages, pagesPerDay, today } = input;
  if (!totalPages || !isCalendarDate(today)) return undefined;
  const left = totalPages - page;
  if (left <= 0) return today;
  if (!(pagesPerDay > 0)) return undefined;
  const days = Math.ceil(left / pagesPerDay);
  return days > MAX_PROJECTION_DAYS ? undefined : addDays(today, days);
}

/** What a progress reply shows. */
export interface ProgressReply {
  title: string;
  page: number;
  totalPages?: number;
  /** Pages read today so far (shown when positive). */
  pagesToday?: number;
  /** The projected finishing day (YYYY-MM-DD), e.g. from `projectFinish`. */
  finishOn?: string;
  /** The user's local day, to leave the year out of near dates. */
  today?: string;
}

/** `Dune: p.142 (+22 today, 34%). At this pace you finish on 12 Dec.` */
export function formatProgressReply(r: ProgressReply): string {
  const details: string[] = [];
  if (r.pagesToday && r.pagesToday > 0) details.push(`+${r.pagesToday} today`);
  const pct = percentRead(r.page, r.totalPages);
  if (pct !== undefined) details.push(`${pct}%`);
  let text = `${shortTitle(r.title)}: p.${r.page}${details.length ? ` (${details.join(", ")})` : ""}.`;
  if (r.totalPages && r.page >= r.totalPages) text += " That is the last page: send `finished` to shelve it.";
  else if (r.finishOn) text += ` At this pace you finish on ${shortDate(r.finishOn, r.today)}.`;
  return text;
}

/** `Which book? 1) Dune 2) Dune Messiah — reply with the number` (options numbered from 1). */
export function formatChoicePrompt(options: readonly string[], question = "Which book?"): string {
  const list = options.map((o, i) => `${i + 1}) ${shortTitle(o)}`).join(" ");
  return `${question} ${list} — reply with the number`;
}

/** `30 min`, `1 h`, `1 h 30 min`, `3 days`, `1 week`: for "snoozed for …" and "paused for …" replies. */
export function formatDuration(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (m >= 10080 && m % 10080 === 0) return plural(m / 10080, "week");
  if (m >= 1440 && m % 1440 === 0) return plural(m / 1440, "day");
  if (m >= 60) return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
  return `${m} min`;
}
