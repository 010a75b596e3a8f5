import type { Actor } from "../../platform/access/actor.js";
import { invalidField } from "../../platform/errors.js";
import { daysBetween, isLocalDate } from "../../platform/local-date.js";
import type { DaysRepo } from "./days.repo.js";

/** The longest calendar range one request may ask for. */
export const MAX_CALENDAR_DAYS = 366;

/** Day-wise memory: what was read on a day, and pages per day over a range. */
export class DaysService {
  constructor(private readonly repo: DaysRepo) {}

  /** Every entry of a local day and the pages read per book (a correction counts on its own day). */
  async day(actor: Actor, date: string) {
    if (!isLocalDate(date))
      throw invalidField("/params/date", "format", `"${date}" is not a date (YYYY-MM-DD)`);
    const entries = await this.repo.day(actor.userId, date);
    const books = new Map<string, { bookId: string; title: string; pages: number; entries: number }>();
    for (const e of entries) {
      const b = books.get(e.book_id) ?? { bookId: e.book_id, title: e.title, pages: 0, entries: 0 };
      b.pages += e.pages_delta;
      b.entries += 1;
      books.set(e.book_id, b);
    }
    const list = [...books.values()];
    return { date, pages: list.reduce((s, b) => s + b.pages, 0), books: list, entries };
  }

  /** Pages per day from `from` to `to` inclusive (at most 366 days); days without entries are left out. */
  async calendar(actor: Actor, from: string, to: string) {
    if (!isLocalDate(from))
      throw invalidField("/querystring/from", "format", `"${from}" is not a date (YYYY-MM-DD)`);
    if (!isLocalDate(to))
      throw invalidField("/querystring/to", "format", `"${to}" is not a date (YYYY-MM-DD)`);
    if (to < from) throw invalidField("/querystring/to", "after-from", `to (${to}) is before from (${from})`);
    const span = daysBetween(from, to) + 1;
    if (span > MAX_CALENDAR_DAYS)
      throw invalidField(
        "/querystring/to",
        "max-range",
        `The range covers ${span} days; at most ${MAX_CALENDAR_DAYS} are allowed`,
      );
    const days = await this.repo.calendar(actor.userId, from, to);
    return { from, to, pages: days.reduce((s, d) => s + d.pages, 0), days };
  }
}
