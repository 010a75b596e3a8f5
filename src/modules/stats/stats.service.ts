import type { Actor } from "../../platform/access/actor.js";
import type { Clock } from "../../platform/clock.js";
import { addDays, daysBetween, localDateOf } from "../../platform/local-date.js";
import { PACE_DAYS } from "../progress/progress.service.js";
import type { GoalsRepo } from "./goals.repo.js";
import type { StatsRepo } from "./stats.repo.js";
import type { YearInBooksRepo } from "./year-in-books.repo.js";

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Consecutive-day streaks over sorted active days; the current streak may end today or yesterday. */
export function streaks(activeDays: string[], today: string) {
  let longest = 0;
  let longestEnd: string | null = null;
  let run = 0;
  let prev: string | null = null;
  for (const d of activeDays) {
    run = prev !== null && daysBetween(prev, d) === 1 ? run + 1 : 1;
    if (run > longest) {
      longest = run;
      longestEnd = d;
    }
    prev = d;
  }
  // A day still in progress does not break the streak: it counts from yesterday until today ends.
  const last = activeDays[activeDays.length - 1];
  const current = last !== undefined && (last === today || last === addDays(today, -1)) ? run : 0;
  return { current, longest, longestEndedOn: longestEnd };
}

/** Reading statistics and yearly goals, all derived from the progress log and the shelves. */
export class StatsService {
  constructor(
    private readonly d: { stats: StatsRepo; goals: GoalsRepo; years: YearInBooksRepo; clock: Clock },
  ) {}

  async stats(actor: Actor) {
    const repo = this.d.stats;
    const today = localDateOf(this.d.clock.now(), actor.timezone);
    const [pages, activeDays, reading, finished] = await Promise.all([
      repo.pages(actor.userId, addDays(today, -29), addDays(today, -6), today),
      repo.activeDays(actor.userId),
      repo.readingBooks(actor.userId),
      repo.finishedByMonth(actor.userId),
    ]);
    const pace = await repo.bookPages(
      actor.userId,
      reading.map((b) => b.id),
      addDays(today, -(PACE_DAYS - 1)),
      today,
    );
    const books = reading.map((b) => {
      const currentPage = b.current_reading_id && b.current_page != null ? Number(b.current_page) : null;
      const perDay = (pace.get(b.id) ?? 0) / PACE_DAYS;
      const remaining = b.total_pages !== null && currentPage !== null ? b.total_pages - currentPage : null;
      return {
        bookId: b.id,
        title: b.title,
        totalPages: b.total_pages,
        currentPage,
        percent: currentPage !== null && b.total_pages ? round1((currentPage / b.total_pages) * 100) : null,
        pagesPerDay: round1(perDay),
        projectedFinish:
          remaining === null
            ? null
            : remaining <= 0
              ? today
              : perDay > 0
                ? addDays(today, Math.ceil(remaining / perDay))
                : null,
      };
    });
    const byYear = new Map<string, number>();
    for (const m of finished)
      byYear.set(m.month.slice(0, 4), (byYear.get(m.month.slice(0, 4)) ?? 0) + m.books);
    const year = Number(today.slice(0, 4));
    return {
      today,
      reading: books,
      pagesPerDay: { last7: round1(pages.recent / 7), last30: round1(pages.pages / 30) },
      streak: streaks(activeDays, today),
      finished: {
        byMonth: finished,
        byYear: [...byYear].sort().map(([y, n]) => ({ year: Number(y), books: n })),
      },
      goal: await this.goalWith(actor, year, byYear.get(String(year)) ?? 0),
    };
  }

  /** Pages per month over all time (months with pages only), for the dashboard's month and year charts. */
  async pagesByMonth(actor: Actor) {
    return { items: await this.d.years.pagesByMonth(actor.userId) };
  }

  /** A year in books: every read-through finished that year with its book, oldest first. */
  async yearInBooks(actor: Actor, year: number) {
    const y = String(year).padStart(4, "0");
    const rows = await this.d.years.finishedIn(actor.userId, `${y}-01-01`, `${y}-12-31`);
    return {
      year,
      books: rows.map((r) => ({
        readingId: r.reading_id,
        bookId: r.book_id,
        title: r.title,
        authors: JSON.parse(r.authors) as string[],
        coverUrl: r.cover_url,
        totalPages: r.total_pages,
        startedOn: r.started_on,
        finishedOn: r.finished_on ?? `${y}-12-31`,
        rating: r.rating,
      })),
    };
  }

  /** The goal of `year` (nulls when none is set) with the books finished and pages read that year so far. */
  async goal(actor: Actor, year: number) {
    const finished = await this.d.stats.finishedByMonth(actor.userId);
    const prefix = `${String(year).padStart(4, "0")}-`;
    const booksDone = finished.filter((m) => m.month.startsWith(prefix)).reduce((n, m) => n + m.books, 0);
    return this.goalWith(actor, year, booksDone);
  }

  private async goalWith(actor: Actor, year: number, booksDone: number) {
    const y = String(year).padStart(4, "0");
    const [goal, pages] = await Promise.all([
      this.d.goals.get(actor.userId, year),
      this.d.stats.pages(actor.userId, `${y}-01-01`, `${y}-12-31`, `${y}-12-31`),
    ]);
    return {
      year,
      books: goal?.books ?? null,
      pages: goal?.pages ?? null,
      booksDone,
      pagesDone: pages.pages,
    };
  }

  /** Sets the goal of `year`; a field left out keeps its value, null clears it. */
  async setGoal(actor: Actor, year: number, input: { books?: number | null; pages?: number | null }) {
    const repo = this.d.goals;
    const current = await repo.get(actor.userId, year);
    await repo.put({
      owner_id: actor.userId,
      year,
      books: input.books !== undefined ? input.books : (current?.books ?? null),
      pages: input.pages !== undefined ? input.pages : (current?.pages ?? null),
      updated_at: this.d.clock.now().toISOString(),
    });
    return this.goal(actor, year);
  }
}
