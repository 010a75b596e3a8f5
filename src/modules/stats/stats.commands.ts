import type { Actor } from "../../platform/access/actor.js";
import { addDays } from "../../platform/local-date.js";
import type { BookRow, BooksRepo } from "../books/books.repo.js";
import type { DaysService } from "../days/days.service.js";
import { shortTitle } from "../text/reply-format.js";
import type { TextCommandDef } from "../text/text-registry.js";
import type { StatsService } from "./stats.service.js";

/** The short summaries. */
export const SUMMARY_KINDS = ["today", "week", "books", "streak"] as const;
export type SummaryKind = (typeof SUMMARY_KINDS)[number];
type SummaryCommand = { kind: "summary"; what: SummaryKind };

/** Most books read for the `books` summary. */
const MAX_BOOKS = 10_000;

/** `today`, `week`, `books`, `streak`: the stats module's text commands. */
export function summaryCommands(deps: {
  days: DaysService;
  stats: StatsService;
  books: BooksRepo;
}): TextCommandDef {
  const cmd = (what: SummaryKind): SummaryCommand => ({ kind: "summary", what });
  return {
    name: "summaries",
    kinds: ["summary"],
    exact: {
      today: cmd("today"),
      week: cmd("week"),
      "this week": cmd("week"),
      books: cmd("books"),
      "my books": cmd("books"),
      streak: cmd("streak"),
    },
    reserved: ["today", "week", "books", "streak"],
    isCommand: (v) => SUMMARY_KINDS.includes((v as Partial<SummaryCommand>).what as SummaryKind),
    handle: (c, turn) =>
      summary((c as SummaryCommand).what, deps, turn.actor, turn.today, () =>
        turn.memo("books:all", () => deps.books.list(turn.actor.userId, { limit: MAX_BOOKS })),
      ),
    help: { lines: [{ order: 80, line: "today · week · books · streak — summaries" }] },
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The replies to `today`, `week`, `books` and `streak`, from the days and stats services. */
async function summary(
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
