import { createRequire } from "node:module";
import { DateTime, IANAZone } from "luxon";
import type { Options as RRuleOptions, RRule as RRuleType } from "rrule";
import { invalidField } from "../../platform/errors.js";

// rrule ships a UMD main file and an ESM build without "type": "module"; Node's ESM loader cannot name its
// exports, so it is loaded through require (same object, same types).
let rruleModule: typeof import("rrule") | undefined;
/** The rrule package (~4.5 MB), loaded the first time a schedule uses an RRULE rather than at boot. */
function rrule(): typeof import("rrule") {
  rruleModule ??= createRequire(import.meta.url)("rrule") as typeof import("rrule");
  return rruleModule;
}

/** When a schedule fires, in its zone's wall-clock time. */
export type When = { daily: string } | { weekdays: number[]; at: string } | { rrule: string };

/** Hours during which nothing is sent; a slot inside them is delivered when they end. */
export interface QuietHours {
  from: string;
  to: string;
}

export interface Timing {
  when: When;
  zone: string;
  quiet: QuietHours | null;
  /** Anchors an RRULE's DTSTART (its local day at 00:00): INTERVAL>1 counts from there. */
  createdAt: Date;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE = 60_000;

const bad = (field: string, rule: string, message: string) => invalidField(field, rule, message);

/** Checks an IANA zone name; throws a problem naming `field`. */
export function checkZone(zone: string, field = "timezone"): string {
  if (!IANAZone.isValidZone(zone))
    throw bad(field, "iana-zone", `${field} must be an IANA time zone such as Europe/Berlin (got "${zone}")`);
  return zone;
}

function checkHhmm(value: string, field: string): void {
  if (!HHMM.test(value)) throw bad(field, "hh-mm", `${field} must be a time HH:MM between 00:00 and 23:59`);
}

/** Validates a `when`, returning it normalised (weekdays sorted, RRULE upper-cased without "RRULE:"). */
export function checkWhen(when: When): When {
  if ("daily" in when) {
    checkHhmm(when.daily, "when.daily");
    return { daily: when.daily };
  }
  if ("weekdays" in when) {
    if (when.weekdays.length === 0)
      throw bad(
        "when.weekdays",
        "min-items",
        "when.weekdays must name at least one day (1 = Monday … 7 = Sunday)",
      );
    for (const d of when.weekdays)
      if (!(Number.isInteger(d) && d >= 1 && d <= 7))
        throw bad("when.weekdays", "iso-weekday", "when.weekdays are ISO days: 1 = Monday … 7 = Sunday");
    checkHhmm(when.at, "when.at");
    return { weekdays: [...new Set(when.weekdays)].sort((a, b) => a - b), at: when.at };
  }
  const text = when.rrule
    .trim()
    .replace(/^RRULE:/i, "")
    .toUpperCase();
  parseRule(text);
  return { rrule: text };
}

/** Validates quiet hours: both HH:MM, and not the whole day. */
export function checkQuiet(q: QuietHours): QuietHours {
  checkHhmm(q.from, "quietHours.from");
  checkHhmm(q.to, "quietHours.to");
  if (q.from === q.to)
    throw bad("quietHours", "not-whole-day", "quietHours may not cover the whole day (from equals to)");
  return q;
}

function parseRule(text: string): Partial<RRuleOptions> {
  const field = "when.rrule";
  if (/DTSTART|TZID|UNTIL=[^;]*[^Z;0-9T]/.test(text) || /\n/.test(text))
    throw bad(
      field,
      "rrule",
      `${field}: give only the rule (FREQ=…;BYDAY=…); the zone is the schedule's timezone`,
    );
  let opts: Partial<RRuleOptions>;
  try {
    opts = rrule().RRule.parseString(text);
  } catch (err) {
    throw bad(
      field,
      "rrule",
      `${field} is not a valid RFC 5545 rule: ${err instanceof Error ? err.message : err}`,
    );
  }
  if (opts.freq === undefined || opts.freq === null) throw bad(field, "rrule", `${field} needs FREQ=…`);
  if (opts.freq === rrule().RRule.MINUTELY || opts.freq === rrule().RRule.SECONDLY)
    throw bad(field, "rrule", `${field}: reminders may repeat at most hourly (FREQ=HOURLY or slower)`);
  const known = new Set([
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTH",
    "BYMONTHDAY",
    "BYHOUR",
    "BYMINUTE",
    "BYSETPOS",
    "BYYEARDAY",
    "BYWEEKNO",
    "WKST",
  ]);
  for (const part of text.split(";")) {
    const [key] = part.split("=");
    if (!key || !known.has(key)) throw bad(field, "rrule", `${field}: unknown or unsupported part "${part}"`);
  }
  return opts;
}

// --- wall-clock arithmetic ------------------------------------------------------------------------------

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const pad = (n: number) => String(n).padStart(2, "0");
const wallKey = (w: Wall) => `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;

function wallOf(t: number, zone: string): Wall {
  const d = DateTime.fromMillis(t, { zone });
  return { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute };
}

/**
 * The instant a wall-clock time happens in `zone`. A time that happens twice (the fall-back hour) is the
 * first of the two; a time that does not exist (the spring-forward gap) is the first instant after the gap,
 * so the reminder still fires once that day.
 */
export function resolveWall(w: Wall, zone: string): Date {
  const want = wallKey(w);
  const floating = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const offsets = new Set(
    [floating - 36 * 3600_000, floating, floating + 36 * 3600_000].map(
      (t) => DateTime.fromMillis(t, { zone }).offset,
    ),
  );
  const hits = [...offsets]
    .map((o) => floating - o * MINUTE)
    .filter((t) => wallKey(wallOf(t, zone)) === want)
    .sort((a, b) => a - b);
  if (hits.length > 0) return new Date(hits[0]!);
  // In a gap: walk back from the time read with the larger (earlier) offset's reading to the transition.
  let t = Math.max(...[...offsets].map((o) => floating - o * MINUTE));
  for (let i = 0; i < 24 * 60 && wallKey(wallOf(t - MINUTE, zone)) >= want; i++) t -= MINUTE;
  return new Date(t);
}

const hm = (s: string) => {
  const [h, m] = s.split(":").map(Number);
  return { hour: h!, minute: m! };
};

function addDaysWall(w: Wall, days: number): Wall {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function isoWeekday(w: Wall): number {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  return d === 0 ? 7 : d;
}

const slotCache = new Map<string, number | null>();

/** The first nominal slot strictly after `after`, or null when the rule has no more occurrences. */
export function nextSlot(timing: Timing, after: Date): Date | null {
  // Pure, and many schedules share a rule and fire together: the scheduler asks the same question often.
  const key = `${JSON.stringify(timing.when)}|${timing.zone}|${"rrule" in timing.when ? timing.createdAt.getTime() : ""}|${after.getTime()}`;
  let hit = slotCache.get(key);
  if (hit === undefined) {
    hit = computeNextSlot(timing, after)?.getTime() ?? null;
    if (slotCache.size >= 10_000) slotCache.clear();
    slotCache.set(key, hit);
  }
  return hit === null ? null : new Date(hit);
}

function computeNextSlot(timing: Timing, after: Date): Date | null {
  const { when, zone } = timing;
  const t = after.getTime();
  if ("rrule" in when) return nextRuleSlot(timing, when.rrule, t);
  const at = hm("daily" in when ? when.daily : when.at);
  const days = "weekdays" in when ? new Set(when.weekdays) : null;
  const start = { ...wallOf(t, zone), ...at };
  for (let i = -1; i <= 9; i++) {
    const day = addDaysWall(start, i);
    if (days && !days.has(isoWeekday(day))) continue;
    const instant = resolveWall(day, zone);
    if (instant.getTime() > t) return instant;
  }
  return null;
}

const ruleCache = new Map<string, RRuleType>();

function nextRuleSlot(timing: Timing, text: string, t: number): Date | null {
  const anchor = wallOf(timing.createdAt.getTime(), timing.zone);
  const key = `${text}|${anchor.year}-${anchor.month}-${anchor.day}`;
  let rule = ruleCache.get(key);
  if (!rule) {
    // Rules run in "floating" time: wall-clock times coded as UTC, turned into instants by resolveWall.
    // DTSTART at local midnight: a rule without BYHOUR/BYMINUTE fires at 00:00 (or on the hour, hourly).
    rule = new (rrule().RRule)({
      ...parseRule(text),
      bysecond: 0,
      dtstart: new Date(Date.UTC(anchor.year, anchor.month - 1, anchor.day)),
    });
    if (ruleCache.size > 1000) ruleCache.clear();
    ruleCache.set(key, rule);
  }
  const w = wallOf(t, timing.zone);
  // Start a day early: a wall time just before `after` may map to an instant after it around DST changes.
  let cursor: Date | null = new Date(Date.UTC(w.year, w.month - 1, w.day - 1, w.hour, w.minute));
  for (let i = 0; i < 1000 && cursor; i++) {
    cursor = rule.after(cursor, false);
    if (!cursor) return null;
    const instant = resolveWall(
      {
        year: cursor.getUTCFullYear(),
        month: cursor.getUTCMonth() + 1,
        day: cursor.getUTCDate(),
        hour: cursor.getUTCHours(),
        minute: cursor.getUTCMinutes(),
      },
      timing.zone,
    );
    if (instant.getTime() > t) return instant;
  }
  return null;
}

/** When a nominal slot is delivered: at once, or when quiet hours covering it end. */
export function fireAt(timing: Timing, slot: Date): Date {
  const q = timing.quiet;
  if (!q) return slot;
  const w = wallOf(slot.getTime(), timing.zone);
  const now = w.hour * 60 + w.minute;
  const from = hm(q.from);
  const to = hm(q.to);
  const f = from.hour * 60 + from.minute;
  const e = to.hour * 60 + to.minute;
  const inside = f < e ? now >= f && now < e : now >= f || now < e;
  if (!inside) return slot;
  const endDay = f < e || now < e ? w : addDaysWall(w, 1);
  return resolveWall({ ...endDay, ...to }, timing.zone);
}

/** The latest slot whose delivery time is at or before `now`, starting from `first` (missed slots collapse). */
export function latestDue(timing: Timing, first: Date, now: Date): Date {
  let slot = first;
  // After a long downtime, skip ahead: quiet hours delay a slot by less than a day.
  const skipTo = now.getTime() - 8 * 86_400_000;
  if (first.getTime() < skipTo) {
    const s = nextSlot(timing, new Date(skipTo));
    if (s && fireAt(timing, s).getTime() <= now.getTime()) slot = s;
  }
  for (let i = 0; i < 100_000; i++) {
    const next = nextSlot(timing, slot);
    if (!next || fireAt(timing, next).getTime() > now.getTime()) break;
    slot = next;
  }
  return slot;
}
