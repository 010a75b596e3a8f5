import type { Actor } from "../../platform/access/actor.js";
import { addDays } from "../../platform/local-date.js";
import type { BookRow } from "../books/books.repo.js";
import type { DaysService } from "../days/days.service.js";
import type { StatsService } from "../stats/stats.service.js";
import { shortTitle } from "./reply-format.js";
import type { SummaryKind } from "./text-command.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The replies to `today`, `week`, `books` and `streak`, from the days and stats services. */
export async function summary(
  what: SummaryKind,
  deps: { days: DaysService; stats: StatsService },
  reader: Actor,
  today: string,
  books: () => Promise<BookRow[]>,
): Promise<{ text: string; bookId?: string }> {
  switch (what) {
    case "today": {
      const day = await deps.days.day(reader, today);
      if (day.entries.length === 0) return { text: "Nothing logged today yet. Send e.g. `dune 142`." };
      const parts = day.books.map((b) => `${shortTitle(b.title, 40)} ${b.pages >= 0 ? "+" : ""}${b.pages}`);
      const only = day.books.length === 1 ? day.books[0]?.bookId : undefined;
      return { text: `Today: ${plural(day.pages, "page")} — ${parts.join(", ")}.`, bookId: only };
    }
    case "week": {
      const cal = await deps.days.calendar(reader, addDays(today, -6), today);
      if (cal.days.length === 0) return { text: "Nothing logged in the last 7 days." };
      const avg = Math.round(cal.pages / 7);
      return {
        text: `Last 7 days: ${plural(cal.pages, "page")} on ${plural(cal.days.length, "day")} (about ${avg}/day).`,
      };
    }
    case "books": {
      const [all, stats] = await Promise.all([books(), deps.stats.stats(reader)]);
      if (all.length === 0) return { text: "No books yet. Send `start <title>` or `want <title>`." };
      const reading = stats.reading.map((b) => {
        const at =
          b.currentPage === null
            ? "not started"
            : `p.${b.currentPage}${b.totalPages ? `/${b.totalPages}` : ""}${b.percent !== null ? ` (${Math.floor(b.percent)}%)` : ""}`;
        return `${shortTitle(b.title, 40)} ${at}`;
      });
      const count = (s: string) => all.filter((b) => b.status === s).length;
      const others = [
        [count("paused"), "paused"],
        [count("wishlist"), "want to read"],
        [count("finished"), "finished"],
        [count("abandoned"), "dropped"],
      ]
        .filter(([n]) => Number(n) > 0)
        .map(([n, s]) => `${n} ${s}`);
      const head = reading.length ? `Reading: ${reading.join(" · ")}.` : "Not reading anything right now.";
      return {
        text: others.length ? `${head} Also ${others.join(", ")}.` : head,
        bookId: stats.reading.length === 1 ? stats.reading[0]?.bookId : undefined,
      };
    }
    case "streak": {
      const { streak } = await deps.stats.stats(reader);
      if (streak.current === 0)
        return {
          text: streak.longest
            ? `No streak right now (longest: ${plural(streak.longest, "day")}). Log a page to start one.`
            : "No streak yet. Log a page today to start one.",
        };
      return {
        text: `Streak: ${plural(streak.current, "day")} in a row (longest: ${plural(streak.longest, "day")}).`,
      };
    }
  }
}
