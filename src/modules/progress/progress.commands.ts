import { newId } from "../../platform/ids.js";
import { addDays } from "../../platform/local-date.js";
import { type BookFinder, shelfName } from "../books/books.commands.js";
import type { BookRow, BooksRepo } from "../books/books.repo.js";
import type { ReadingsService } from "../books/readings.service.js";
import {
  checkAmount,
  type Failure,
  fail,
  isFailure,
  MAX_PAGE,
  progressCommand,
  splitAmount,
  splitDay,
} from "../text/amounts.js";
import { titleOf } from "../text/freeform.js";
import { formatProgressReply, projectFinish, shortDate, shortTitle } from "../text/reply-format.js";
import { isProgressCommand, type NumberCommand, type ProgressCommand } from "../text/text-command.js";
import { notUnderstood } from "../text/text-language.js";
import type { TextCommandDef, TextReply, Turn } from "../text/text-registry.js";
import type { ProgressRepo } from "./progress.repo.js";
import { PACE_DAYS, type ProgressService, type RecordInput } from "./progress.service.js";

/** The owner name of the question a progress reply leaves waiting for `yes`. */
export const PROGRESS_QUESTION = "progress";
/** The note of an entry that reverts another (its `supersedes`). */
export const UNDO_NOTE = "undo";

/**
 * A question waiting for `yes`: recording `command` on the book would lower its page (from `from`) or take
 * it off the paused shelf. Held so a confirmation applies only to the situation it was asked about.
 */
interface Confirmation {
  command: ProgressCommand;
  bookId: string;
  /** The book's page when asked. */
  from: number;
  /** Whether the book was paused when asked. */
  paused: boolean;
}

type ProgressUndo = { entryId: string; prevTotalPages?: number | null; resumed?: boolean };

interface Deps {
  finder: BookFinder;
  booksRepo: BooksRepo;
  readings: ReadingsService;
  progress: ProgressService;
  entries: ProgressRepo;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const signed = (n: number) => (n >= 0 ? `+${n}` : String(n));

/** `dune 142`, `142 dune`, `+20 dune`, `dune 55%`, `yesterday dune 120`, a bare `142`; `#2` / `2)` a choice. */
export function parseProgress(
  core: string,
  today: string | undefined,
): ProgressCommand | NumberCommand | Failure | undefined {
  const choice = /^#\s*(\d{1,9})$|^(\d{1,9})\s*\)$/u.exec(core);
  if (choice) return bareNumber(Number(choice[1] ?? choice[2]));
  const day = splitDay(core, today);
  if (day && "code" in day) return day;
  const body = day ? day.rest : core;
  if (day && body === "") return fail("missing_argument", "Which page? e.g. `yesterday dune 120`.");
  const split = splitAmount(body);
  if (!split) return undefined;
  const bad = checkAmount(split.amount);
  if (bad) return bad;
  const title = titleOf(split.title);
  if (isFailure(title)) return title;
  if (split.amount.kind === "number" && title === undefined && !day) return bareNumber(split.amount.value);
  if (split.amount.kind === "number" && (split.amount.value < 1 || split.amount.value > MAX_PAGE))
    return fail("out_of_range", `Page ${split.amount.value} is out of range.`);
  return progressCommand(split.amount, title, day?.on);
}

function bareNumber(value: number): NumberCommand | Failure {
  if (value < 1 || value > MAX_PAGE)
    return fail("out_of_range", `${value} is not a page or a choice I can use.`);
  return { kind: "number", value };
}

/** `correct dune 90`: a page (or percent) that replaces the last one, even when it is lower. */
function parseCorrection(rest: string, today: string | undefined): ProgressCommand | Failure {
  const example = "e.g. `correct dune 120`";
  if (rest === "") return fail("missing_argument", `Correct to which page? ${example}.`);
  const cmd = parseProgress(rest, today) ?? notUnderstood(rest);
  switch (cmd.kind) {
    case "number":
      return { kind: "page", page: cmd.value, correction: true };
    case "page":
    case "percent":
      return { ...cmd, correction: true };
    case "unknown":
      return cmd.code === "missing_argument"
        ? fail("missing_argument", `Correct to which page? ${example}.`)
        : cmd;
    default:
      return fail("not_understood", `A correction names the right page, ${example}.`);
  }
}

function isConfirmation(v: unknown): v is Confirmation {
  const c = v as Partial<Confirmation>;
  return (
    isProgressCommand(c?.command) &&
    typeof c.bookId === "string" &&
    Number.isSafeInteger(c.from) &&
    typeof c.paused === "boolean"
  );
}

/** Pages, percents, past days and corrections: the progress module's text commands. */
export function progressCommands(d: Deps): TextCommandDef[] {
  return [
    {
      name: PROGRESS_QUESTION,
      kinds: ["page", "delta", "percent"],
      parse: { stage: "fallback", order: 100, read: (m) => parseProgress(m.core, m.today) },
      isCommand: isProgressCommand,
      isState: isConfirmation,
      handle: (cmd, turn) => record(d, turn, cmd as ProgressCommand),
      answers: {
        async yesNo(yes, state, turn) {
          const asked = state as Confirmation;
          if (!yes) return { text: "OK, nothing changed.", bookId: asked.bookId };
          const found = await d.finder.byId(turn, asked.bookId);
          if ("reply" in found) return found.reply;
          return record(d, turn, asked.command, found.book, asked);
        },
      },
      undo: { progress: (p, turn) => undoProgress(d, p as ProgressUndo, turn) },
      help: {
        lines: [
          {
            order: 10,
            line: "dune 142 — page 142 (also: 142 dune, dune p142, dune 142/412 to set total pages)",
          },
          { order: 20, line: "+20 dune — 20 pages more · dune 55% — percent" },
          { order: 30, line: "yesterday dune 120 · 2026-11-20 dune 120 — log a past day" },
          { order: 40, line: "142 — page of the book you are reading (or the one I asked about)" },
        ],
        topics: {
          pages: "Send the title and page: dune 142, 142 dune, dune p142, dune 142/412, +20 dune, dune 55%.",
          dates: "Put a day first or last: yesterday dune 120, 2026-11-20 dune 120, 3 days ago dune 90.",
        },
        aliases: { page: "pages", progress: "pages", date: "dates", yesterday: "dates" },
      },
    },
    {
      name: "corrections",
      kinds: [],
      reserved: ["correct", "correction"],
      parse: {
        stage: "keyword",
        order: 130,
        read: (m) =>
          m.verb === "correct" || m.verb === "correction" ? parseCorrection(m.rest, m.today) : undefined,
      },
      help: {
        lines: [{ order: 50, line: "correct dune 90 — a page below the last one (else I ask first)" }],
        topics: {
          corrections:
            "A page below the last one: correct dune 90 (or send dune 90 and reply yes when I ask). undo takes back the last change.",
        },
        aliases: { correct: "corrections", correction: "corrections" },
      },
    },
  ];
}

/**
 * Records a page, delta or percent. Never guesses (DESIGN §5): a page below the last one is recorded only
 * with the correction word (`correct dune 90`) or after asking and a `yes`, and so is progress on a paused
 * book (which puts it back on the reading shelf); until then nothing changes.
 */
async function record(
  d: Deps,
  turn: Turn,
  cmd: ProgressCommand,
  chosen?: BookRow,
  confirmed?: Confirmation,
): Promise<TextReply> {
  let book = chosen;
  if (!book) {
    const found = await d.finder.resolve(turn, cmd, { pool: ["reading", "paused"], prefer: "reading" });
    if ("none" in found) {
      const t = shortTitle(found.none, 40);
      return { text: `I found no book matching “${t}”. Send \`start ${t}\` to add it.` };
    }
    if ("reply" in found) return found.reply;
    book = found.book;
  }
  const title = shortTitle(book.title);
  const short = shortTitle(book.title, 40);
  if (book.status !== "reading" && book.status !== "paused")
    return {
      text: `${title} is on ${shelfName(book.status)}. Send \`start ${short}\` first.`,
      bookId: book.id,
    };
  // Locks the read-through on PostgreSQL; what is read from here on is passed to `record` as is.
  const current = await d.readings.currentOf(turn.actor, book);
  const lastAny = await d.entries.last(current.id);
  const lastPaged = lastAny?.page != null ? lastAny : await d.entries.last(current.id, true);
  const lastPage = lastPaged?.page ?? 0;
  const date = cmd.on?.date ?? (turn.sentOn !== turn.today ? turn.sentOn : undefined);
  const input: RecordInput = { source: turn.source, ...(date ? { date } : {}) };
  if (cmd.kind === "percent") input.percent = cmd.percent;
  else input.page = cmd.kind === "delta" ? lastPage + cmd.pages : cmd.page;
  if (cmd.kind === "page" && cmd.totalPages !== undefined) input.totalPages = cmd.totalPages;
  const totalChanges = input.totalPages !== undefined && input.totalPages !== book.total_pages;
  if (input.page !== undefined && lastAny && lastAny.page === input.page && !totalChanges && !date)
    return { text: `${title}: already at p.${input.page}. Nothing changed.`, bookId: book.id };
  const total = input.totalPages ?? book.total_pages;
  const newPage =
    input.page ??
    (input.percent !== undefined && total ? Math.round((input.percent * total) / 100) : undefined);
  const lowers =
    newPage !== undefined
      ? newPage < lastPage
      : input.percent !== undefined && lastAny?.percent != null && input.percent < lastAny.percent;
  const explicit = cmd.kind !== "delta" && cmd.correction === true;
  const what = cmd.kind === "percent" ? `${cmd.percent}%` : String(input.page);
  if (lowers && date && !explicit)
    return {
      text: `${what} is below your last page of ${title} (p.${lastPage}): log past days in order, or send \`correct ${short} ${what}\` to correct the last entry.`,
      bookId: book.id,
    };
  const paused = book.status === "paused";
  const asks = (lowers && !explicit) || paused;
  // A `yes` answers the question as it was asked: if the book moved since, ask again.
  const answered = confirmed && confirmed.from === lastPage && (!paused || confirmed.paused);
  if (asks && !answered) {
    turn.wait(PROGRESS_QUESTION, {
      command: cmd,
      bookId: book.id,
      from: lastPage,
      paused,
    } satisfies Confirmation);
    const position = lastPage > 0 || lastAny?.percent == null ? `p.${lastPage}` : `${lastAny.percent}%`;
    const text =
      lowers && !explicit
        ? paused
          ? `${title} is paused on ${position} — is ${what} a correction, and back to reading? reply yes`
          : `${title} is on ${position} — is ${what} a correction? reply yes`
        : `${title} is paused — log ${cmd.kind === "percent" ? what : `p.${what}`} and put it back on your reading shelf? reply yes`;
    return { text, bookId: book.id };
  }
  const corrected = lowers || explicit;
  if (corrected) input.correction = true;
  const r = await d.progress.record(turn.actor, book.id, input, {
    prior: { book, current, last: lastAny, lastPaged },
  });
  await turn.logUndo("progress", {
    entryId: r.entry.id,
    ...(totalChanges ? { prevTotalPages: book.total_pages } : {}),
    ...(paused ? { resumed: true } : {}),
  } satisfies ProgressUndo);
  let text: string;
  if (r.currentPage === null) text = `${title}: ${r.percent ?? 0}%.`;
  else if (date && date !== turn.today)
    text = `${title}: p.${r.currentPage} on ${shortDate(date, turn.today)} (${signed(r.pagesThatDay)} that day).`;
  else {
    const from = addDays(turn.today, -(PACE_DAYS - 1));
    const pace = (await d.entries.bookPagesBetween(turn.actor.userId, book.id, from, turn.today)) / PACE_DAYS;
    const totalPages = r.totalPages ?? undefined;
    text = formatProgressReply({
      title: book.title,
      page: r.currentPage,
      totalPages,
      pagesToday: r.pagesToday,
      finishOn: projectFinish({ page: r.currentPage, totalPages, pagesPerDay: pace, today: turn.today }),
      today: turn.today,
    });
  }
  if (corrected) text += ` (corrected from p.${lastPage})`;
  if (paused) text += " Back on your reading shelf.";
  return { text, bookId: book.id };
}

/**
 * The log is append-only, so an undone entry is not deleted. A new entry with `note = "undo"` supersedes
 * it, carrying the position before it and the negative of its pages on the same local day, so day totals,
 * calendar and stats come out as if it had never been sent. A total page count set by `dune 142/412` is
 * restored, and a book that the entry resumed is paused again. Refused when newer progress was recorded
 * for that read-through since.
 */
async function undoProgress(d: Deps, p: ProgressUndo, turn: Turn): Promise<TextReply> {
  const owner = turn.actor.userId;
  const entry = await d.entries.byId(owner, p.entryId);
  if (!entry) return { text: "That change is gone already (the book was deleted)." };
  const { book, current } = await d.readings.current(turn.actor, entry.book_id);
  // Entries after it must all be undone ones (or the undo entries themselves).
  const after = await d.entries.after(entry);
  const reverted = new Set(after.filter((e) => e.note === UNDO_NOTE).map((e) => e.supersedes));
  if (after.some((e) => e.note !== UNDO_NOTE && !reverted.has(e.id)))
    return {
      text: `Newer progress of ${shortTitle(book.title)} was recorded since, so I left it as it is. Send the right page instead.`,
      bookId: book.id,
    };
  const prev = await d.entries.before(entry);
  const page = entry.page !== null ? entry.page - entry.pages_delta : (prev?.page ?? null);
  const total = p.prevTotalPages !== undefined ? p.prevTotalPages : book.total_pages;
  const percent = prev?.percent ?? (page !== null && total ? round2((page / total) * 100) : 0);
  const last = await d.entries.last(entry.reading_id);
  const lastAt = Date.parse(last?.recorded_at ?? entry.recorded_at);
  const when = turn.now.getTime() <= lastAt ? new Date(lastAt + 1) : turn.now;
  await d.entries.insert({
    id: newId(when.getTime()),
    owner_id: owner,
    reading_id: entry.reading_id,
    book_id: entry.book_id,
    page,
    percent,
    local_date: entry.local_date,
    recorded_at: when.toISOString(),
    source: turn.source,
    supersedes: entry.id,
    pages_delta: -entry.pages_delta,
    note: UNDO_NOTE,
  });
  if (p.prevTotalPages !== undefined)
    await d.booksRepo.update(owner, book.id, {
      total_pages: p.prevTotalPages,
      updated_at: turn.now.toISOString(),
    });
  if (p.resumed && current.id === entry.reading_id && current.status === "reading")
    await d.readings.applyMove(turn.actor, book, current, "paused", turn.today);
  const where = page ? `p.${page}` : "the start";
  return { text: `Undone: ${shortTitle(book.title)} is back to ${where}.`, bookId: book.id };
}
