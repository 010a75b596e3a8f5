import type { Actor } from "../../platform/access/actor.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { AppError } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { addDays, localDateOf } from "../../platform/local-date.js";
import type { BookRow, BooksRepo } from "../books/books.repo.js";
import type { BooksService } from "../books/books.service.js";
import type { ReadingStatus } from "../books/books.tables.js";
import type { BookMetadata } from "../books/metadata.js";
import type { ReadingsRepo } from "../books/readings.repo.js";
import type { ReadingsService } from "../books/readings.service.js";
import type { DaysService } from "../days/days.service.js";
import type { ProgressRepo } from "../progress/progress.repo.js";
import type { ProgressService, RecordInput } from "../progress/progress.service.js";
import type { EntrySource } from "../progress/progress.tables.js";
import type { ReviewService } from "../review/review.service.js";
import { type ReviewSession, type ReviewTextCommand, reviewText } from "../review/review-text.js";
import { PACE_DAYS, type StatsService } from "../stats/stats.service.js";
import type { UsersRepo } from "../users/users.repo.js";
import { helpText } from "./help.js";
import { parseText } from "./parser.js";
import {
  formatChoicePrompt,
  formatProgressReply,
  projectFinish,
  shortDate,
  shortTitle,
} from "./reply-format.js";
import type { ConversationRow, TextRepo, TextUndoRepo } from "./text.repo.js";
import { resolveBareNumber, type ShelfAction, type TextCommand } from "./text-command.js";
import { reminderReply } from "./text-reminders.js";
import { summary } from "./text-summaries.js";
import { revert, shelfName, type UndoPayload } from "./text-undo.js";
import { matchTitle, sameTitle } from "./title-match.js";

/** Where a message came from; also the `source` of what it records. */
export type TextChannel = "api" | "cli" | "web" | "whatsapp" | "telegram";

/** Who sent a message, through what, and in which conversation. */
export interface TextContext {
  userId: string;
  channel: TextChannel;
  /** One conversation's state (pending choices, last book, undo log): "api", "whatsapp:60173526233", "telegram:42". */
  conversationKey: string;
  /** The message this one replies to, when the channel knows it (e.g. a reminder about a book). */
  replyTo?: { bookId?: string };
  /** When the message was sent: its local day is the day pages are logged for (defaults to now). */
  receivedAt?: Date;
  /** The sender as an actor, when the caller has it (an API request: the credential's scopes); else looked up. */
  actor?: Actor;
}

/** A message read and parsed, its lookups made: `TextService.run` acts on it inside a unit of work. */
export interface PreparedMessage {
  ctx: TextContext;
  turn: Turn | TextReply;
}

/** The answer to send back. */
export interface TextReply {
  text: string;
  /** The book this reply is about, so that a later reply to it resolves to that book. */
  bookId?: string;
}

/** How long numbered choices stay open. */
export const PENDING_TTL_MS = 24 * 3600_000;
/** Most books read to match a title against. */
const MAX_BOOKS = 10_000;

const TARGET: Record<ShelfAction, ReadingStatus> = {
  start: "reading",
  want: "wishlist",
  finished: "finished",
  pause: "paused",
  drop: "abandoned",
  resume: "reading",
};

type ProgressCommand = Extract<TextCommand, { kind: "page" | "delta" | "percent" }>;
type ShelfCommand = Extract<TextCommand, { kind: "shelf" }>;
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
type Pending =
  | { command: ProgressCommand | ShelfCommand; choices: string[] }
  | { review: ReviewSession }
  | { confirm: Confirmation };

/** One message being handled. */
interface Turn {
  cmd: TextCommand;
  reader: Actor;
  ctx: TextContext;
  key: string;
  source: EntrySource;
  now: Date;
  today: string;
  /** The sender's local day of the message (differs from `today` for a message delivered late). */
  sentOn: string;
  conv?: ConversationRow;
  pending?: Extract<Pending, { choices: string[] }>;
  /** The review session the conversation is in, if any. */
  reviewing?: ReviewSession;
  /** The question the last reply asked, waiting for `yes`. */
  confirming?: Confirmation;
  /** What the conversation waits for after this message. */
  nextPending?: Pending;
  /** Open Library's record for the title of a `start`/`want` that creates a book, looked up beforehand. */
  found?: BookMetadata;
  books?: BookRow[];
}

type Found = { book: BookRow } | { reply: TextReply };

/** All the shelves (a pool of every status is the whole library). */
const ALL_SHELVES = 5;

export interface TextDeps {
  uow: UnitOfWork;
  clock: Clock;
  users: UsersRepo;
  books: BooksService;
  booksRepo: BooksRepo;
  readings: ReadingsService;
  readingsRepo: ReadingsRepo;
  progress: ProgressService;
  entries: ProgressRepo;
  text: TextRepo;
  undoRepo: TextUndoRepo;
  days: DaysService;
  stats: StatsService;
  /** Reminder control by text (`snooze 1h`, `pause reminders 3d`, `resume`); absent: not offered. */
  reminders?: ReminderControl;
  /** Spaced-repetition reviews by text (`review`, then grades); absent: not offered. */
  review?: ReviewService;
  log?: { error(obj: object, msg: string): void };
}

/** What text commands may do to the sender's reminder schedules (RemindersService implements it). */
export interface ReminderControl {
  /** Returns when the snoozed schedule asks again, or undefined when the sender has no schedule. */
  snoozeLatest(actor: Actor, minutes: number): Promise<{ next_fire_at: string | null } | undefined>;
  /** Returns how many schedules were paused (minutes undefined: with no end). */
  pauseAll(actor: Actor, minutes?: number): Promise<number>;
  resumeAll(actor: Actor): Promise<number>;
}

/**
 * Text commands (DESIGN.md §5) for every channel: parses a message, resolves titles among the sender's
 * books (reading first), acts through the books/readings/progress services and answers one short reply.
 * Never throws; every lookup is by the sender's id.
 */
export class TextService {
  constructor(private readonly deps: TextDeps) {}

  /** Offers reminder control by text (the reminders module, built after this one, attaches itself). */
  attachReminders(reminders: ReminderControl): void {
    this.deps.reminders = reminders;
  }

  /**
   * Handles one message and answers the reply to send back; never throws. The message is one unit of work:
   * in the caller's when there is one, else one of its own shared with other messages (group commit). What
   * may wait on the network (a metadata lookup) is done first, outside any transaction — so a caller that
   * holds one (a webhook) calls `prepare` before opening it and `run` inside it.
   */
  async handle(ctx: TextContext, input: string): Promise<TextReply> {
    const prepared = await this.prepare(ctx, input);
    try {
      return await this.deps.uow.grouped(() => this.run(prepared));
    } catch (err) {
      return this.failure(err, ctx);
    }
  }

  /** Reads the sender and the conversation, parses the message and makes its lookups; writes nothing. */
  async prepare(ctx: TextContext, input: string): Promise<PreparedMessage> {
    try {
      const t = await this.begin(ctx, typeof input === "string" ? input : "");
      if ("cmd" in t) t.found = await this.lookupNewTitle(t);
      return { ctx, turn: t };
    } catch (err) {
      return { ctx, turn: this.failure(err, ctx) };
    }
  }

  /**
   * Runs a prepared message in the caller's unit of work. A command that fails half-way is rolled back to a
   * savepoint — nothing of it stays — and the failure is answered; the caller's unit goes on.
   */
  async run(prepared: PreparedMessage): Promise<TextReply> {
    const t = prepared.turn;
    if (!("cmd" in t)) return t;
    // Fresh per run: under group commit a unit may run again after its group rolled back.
    const turn: Turn = { ...t, books: undefined, nextPending: undefined };
    try {
      return await this.deps.uow.savepoint(() => this.finish(turn));
    } catch (err) {
      return this.failure(err, prepared.ctx);
    }
  }

  /**
   * For `start <title>` / `want <title>` naming none of the sender's books: Open Library's record when its
   * title is the one typed (`dune` → "Dune"), so the new book gets the proper title, authors and length.
   * Looked up before the message's unit of work: a lookup may take up to OPENLIBRARY_TIMEOUT_MS.
   */
  private async lookupNewTitle(t: Turn): Promise<BookMetadata | undefined> {
    const { cmd } = t;
    if (cmd.kind !== "shelf" || cmd.title === undefined || !this.deps.books.lookupsEnabled) return undefined;
    if (cmd.action !== "start" && cmd.action !== "want") return undefined;
    try {
      if (matchTitle(cmd.title, await this.allBooks(t)).kind !== "none") return undefined;
    } finally {
      t.books = undefined; // read again inside the unit of work
    }
    const { found } = await this.deps.books.lookup({ title: cmd.title });
    return found?.title && sameTitle(cmd.title, found.title) ? found : undefined;
  }

  /** The reply to a command that threw: a service's refusal as a sentence, anything else logged. */
  private failure(err: unknown, ctx: TextContext): TextReply {
    if (err instanceof AppError && err.status < 500) return { text: sentence(err.message) };
    this.deps.log?.error({ err: String(err), userId: ctx.userId }, "text command failed");
    return { text: "Something went wrong on my side. Please try again in a moment." };
  }

  /**
   * Remembers `bookId` as the book the conversation last asked about (e.g. a reminder), so `142` means it;
   * on `db` when given (a caller's transaction).
   */
  async rememberBook(userId: string, conversationKey: string, bookId: string): Promise<void> {
    if (!(await this.deps.booksRepo.byId(userId, bookId))) return;
    await this.deps.text.saveConversation({
      owner_id: userId,
      conversation_key: conversationKey,
      pending: null,
      last_book_id: bookId,
      updated_at: this.deps.clock.now().toISOString(),
    });
  }

  /** Opens a review session in the conversation (the review digest), so `3` in reply grades its card. */
  async startReview(userId: string, conversationKey: string, session: ReviewSession): Promise<void> {
    const repo = this.deps.text;
    const conv = await repo.conversation(userId, conversationKey);
    await repo.saveConversation({
      owner_id: userId,
      conversation_key: conversationKey,
      pending: JSON.stringify({ review: session } satisfies Pending),
      last_book_id: conv?.last_book_id ?? null,
      updated_at: this.deps.clock.now().toISOString(),
    });
  }

  /** Reads the sender and the conversation and parses the message (no writes). */
  private async begin(ctx: TextContext, input: string): Promise<Turn | TextReply> {
    const reader = ctx.actor ?? (await this.deps.users.actor(ctx.userId));
    if (!reader || reader.userId !== ctx.userId) return { text: "This account is not available." };
    const now = this.deps.clock.now();
    const today = localDateOf(now, reader.timezone);
    const sent =
      ctx.receivedAt && ctx.receivedAt < now ? localDateOf(ctx.receivedAt, reader.timezone) : today;
    const key = ctx.conversationKey.trim().slice(0, 200) || ctx.channel;
    const conv = await this.deps.text.conversation(reader.userId, key);
    const cmd = parseText(input, { today: sent });
    const t: Turn = {
      cmd,
      reader,
      ctx,
      key,
      source: ctx.channel,
      now,
      today,
      sentOn: sent,
      conv,
    };
    if (conv?.pending && now.getTime() - Date.parse(conv.updated_at) < PENDING_TTL_MS) {
      const p = JSON.parse(conv.pending) as Pending;
      if ("review" in p) t.reviewing = p.review;
      else if ("confirm" in p) t.confirming = p.confirm;
      else t.pending = p;
    }
    return t;
  }

  private bareNumber(t: Turn, value: number) {
    return resolveBareNumber(value, {
      pendingChoices: t.pending?.choices.length,
      reviewing: t.reviewing !== undefined,
    });
  }

  /** Runs the command and saves the conversation's state; the reply. */
  private async finish(t: Turn): Promise<TextReply> {
    const { conv, reader, key, now } = t;
    const reply = await this.dispatch(t, t.cmd);
    const lastBook = reply.bookId ?? conv?.last_book_id ?? null;
    const pending = t.nextPending ? JSON.stringify(t.nextPending) : null;
    if (!conv || conv.pending !== pending || conv.last_book_id !== lastBook || pending)
      await this.deps.text.saveConversation({
        owner_id: reader.userId,
        conversation_key: key,
        pending,
        last_book_id: lastBook,
        updated_at: now.toISOString(),
      });
    return reply;
  }

  private async dispatch(t: Turn, cmd: TextCommand): Promise<TextReply> {
    switch (cmd.kind) {
      case "number": {
        const meaning = this.bareNumber(t, cmd.value);
        if (meaning.kind === "grade") return this.review(t, meaning);
        if (meaning.kind === "choice" && t.pending) {
          const bookId = t.pending.choices[meaning.choice - 1]!;
          const found = await this.byId(t, bookId);
          if ("reply" in found) return found.reply;
          return t.pending.command.kind === "shelf"
            ? this.shelf(t, t.pending.command, found.book)
            : this.progress(t, t.pending.command, found.book);
        }
        return this.progress(t, { kind: "page", page: cmd.value });
      }
      case "page":
      case "delta":
      case "percent":
        return this.progress(t, cmd);
      case "shelf":
        return this.shelf(t, cmd);
      case "note":
      case "quote":
        return { text: "Notes and highlights arrive in a later version of Readlog; nothing was saved." };
      case "link":
        return this.saveLinks(t, cmd.urls, cmd.comment);
      case "summary":
        return summary(cmd.what, this.deps, t.reader, t.today, () => this.allBooks(t));
      case "review":
      case "grade":
      case "reviewControl":
        return this.review(t, cmd);
      case "snooze":
      case "pauseReminders":
      case "resumeReminders":
        return reminderReply(this.deps.reminders, t.reader, cmd);
      case "undo":
        return this.undo(t);
      case "answer":
        return this.answer(t, cmd.yes);
      case "help":
        return { text: helpText(cmd.topic) };
      case "unknown":
        return { text: cmd.reason };
    }
  }

  private async review(t: Turn, cmd: ReviewTextCommand): Promise<TextReply> {
    if (!this.deps.review)
      return { text: "Reviews are not available yet; they arrive in a later version of Readlog." };
    const source = t.source === "import" ? "api" : t.source;
    const r = await reviewText(this.deps.review, t.reader, t.reviewing, cmd, source);
    if (r.session) t.nextPending = { review: r.session };
    return { text: r.text };
  }

  private async allBooks(t: Turn): Promise<BookRow[]> {
    t.books ??= await this.deps.booksRepo.list(t.reader.userId, { limit: MAX_BOOKS });
    return t.books;
  }

  /** The sender's books on these shelves, newest first (one indexed query, not the whole library). */
  private onShelves(t: Turn, pool: readonly ReadingStatus[]): Promise<BookRow[]> {
    if (t.books || pool.length >= ALL_SHELVES)
      return this.allBooks(t).then((books) => books.filter((b) => pool.includes(b.status)));
    return this.deps.booksRepo.onShelves(t.reader.userId, pool, MAX_BOOKS);
  }

  private async byId(t: Turn, bookId: string): Promise<Found> {
    const book = await this.deps.booksRepo.byId(t.reader.userId, bookId);
    return book ? { book } : { reply: { text: "That book is not on your shelves any more." } };
  }

  /**
   * The book a command means: by title (among `pool` statuses first, then all books), else the book
   * replied to, the only one being read, or the one last asked about. Several close matches (or several
   * books being read) answer numbered choices and remember `command` for the choice.
   */
  private async resolve(
    t: Turn,
    command: ProgressCommand | ShelfCommand,
    opts: { pool: readonly ReadingStatus[]; prefer: ReadingStatus; create?: boolean },
  ): Promise<Found | { none: string }> {
    const title = command.title;
    // The pool first: most titles are found among the few books being read, without reading the library.
    const inPool = await this.onShelves(t, opts.pool);
    if (title !== undefined) {
      let m = matchTitle(title, inPool, { prefer: opts.prefer });
      if (m.kind === "none") m = matchTitle(title, await this.allBooks(t), { prefer: opts.prefer });
      if (m.kind === "one") return { book: m.book };
      if (m.kind === "many") return this.ask(t, command, m.candidates);
      return { none: title };
    }
    const books = this.deps.booksRepo;
    const replied = t.ctx.replyTo?.bookId;
    const mine = replied ? await books.byId(t.reader.userId, replied) : undefined;
    if (mine) return { book: mine };
    if (inPool.length === 1) return { book: inPool[0]! };
    const lastId = t.conv?.last_book_id;
    const last = lastId ? await books.byId(t.reader.userId, lastId) : undefined;
    if (last) return { book: last };
    if (inPool.length > 1) return this.ask(t, command, inPool.slice(0, 5));
    return {
      reply: {
        text: "Which book? Send it with the title, e.g. `dune 142`, or `start <title>` to begin one.",
      },
    };
  }

  private ask(t: Turn, command: ProgressCommand | ShelfCommand, candidates: BookRow[]): Found {
    t.nextPending = { command, choices: candidates.map((b) => b.id) };
    return { reply: { text: formatChoicePrompt(candidates.map((b) => b.title)) } };
  }

  /** `yes` or `no` to the question the last reply asked. */
  private async answer(t: Turn, yes: boolean): Promise<TextReply> {
    const asked = t.confirming;
    if (!asked) return { text: "Nothing is waiting for a yes or no." };
    if (!yes) return { text: "OK, nothing changed.", bookId: asked.bookId };
    const found = await this.byId(t, asked.bookId);
    if ("reply" in found) return found.reply;
    return this.progress(t, asked.command, found.book, asked);
  }

  /**
   * Records a page, delta or percent. Never guesses (DESIGN §5): a page below the last one is recorded only
   * with the correction word (`correct dune 90`) or after asking and a `yes`, and so is progress on a paused
   * book (which puts it back on the reading shelf); until then nothing changes.
   */
  private async progress(
    t: Turn,
    cmd: ProgressCommand,
    chosen?: BookRow,
    confirmed?: Confirmation,
  ): Promise<TextReply> {
    let book = chosen;
    if (!book) {
      const found = await this.resolve(t, cmd, { pool: ["reading", "paused"], prefer: "reading" });
      if ("none" in found)
        return {
          text: `I found no book matching “${shortTitle(found.none, 40)}”. Send \`start ${shortTitle(found.none, 40)}\` to add it.`,
        };
      if ("reply" in found) return found.reply;
      book = found.book;
    }
    const title = shortTitle(book.title);
    if (book.status !== "reading" && book.status !== "paused")
      return {
        text: `${title} is on ${shelfName(book.status)}. Send \`start ${shortTitle(book.title, 40)}\` first.`,
        bookId: book.id,
      };
    // Locks the read-through on PostgreSQL; what is read from here on is passed to `record` as is.
    const current = await this.deps.readings.currentOf(t.reader, book);
    const entries = this.deps.entries;
    const lastAny = await entries.last(current.id);
    const lastPaged = lastAny?.page != null ? lastAny : await entries.last(current.id, true);
    const lastPage = lastPaged?.page ?? 0;
    const date = cmd.on?.date ?? (t.sentOn !== t.today ? t.sentOn : undefined);
    const input: RecordInput = { source: t.source, ...(date ? { date } : {}) };
    if (cmd.kind === "percent") input.percent = cmd.percent;
    else input.page = cmd.kind === "delta" ? lastPage + cmd.pages : cmd.page;
    if (cmd.kind === "page" && cmd.totalPages !== undefined) input.totalPages = cmd.totalPages;
    const totalChanges = input.totalPages !== undefined && input.totalPages !== book.total_pages;
    if (input.page !== undefined && lastAny && lastAny.page === input.page && !totalChanges && !date)
      return { text: `${title}: already at p.${input.page}. Nothing changed.`, bookId: book.id };
    const newPage =
      input.page ??
      (input.percent !== undefined && (input.totalPages ?? book.total_pages)
        ? Math.round((input.percent * (input.totalPages ?? book.total_pages)!) / 100)
        : undefined);
    const lowers =
      newPage !== undefined
        ? newPage < lastPage
        : input.percent !== undefined && lastAny?.percent != null && input.percent < lastAny.percent;
    const explicit = cmd.kind !== "delta" && cmd.correction === true;
    const short = shortTitle(book.title, 40);
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
      t.nextPending = { confirm: { command: cmd, bookId: book.id, from: lastPage, paused } };
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
    const prevTotalPages = book.total_pages;
    const resumed = paused;
    // In the message's unit of work, with the undo log entry.
    const r = await this.deps.progress.record(t.reader, book.id, input, {
      prior: { book, current, last: lastAny, lastPaged },
    });
    await this.logUndo(t, {
      kind: "progress",
      entryId: r.entry.id,
      ...(totalChanges ? { prevTotalPages } : {}),
      ...(resumed ? { resumed: true } : {}),
    });
    let text: string;
    if (r.currentPage === null) text = `${title}: ${r.percent ?? 0}%.`;
    else if (date && date !== t.today)
      text = `${title}: p.${r.currentPage} on ${shortDate(date, t.today)} (${signed(r.pagesThatDay)} that day).`;
    else {
      const pace = await this.pace(t, book.id);
      text = formatProgressReply({
        title: book.title,
        page: r.currentPage,
        totalPages: r.totalPages ?? undefined,
        pagesToday: r.pagesToday,
        finishOn: projectFinish({
          page: r.currentPage,
          totalPages: r.totalPages ?? undefined,
          pagesPerDay: pace,
          today: t.today,
        }),
        today: t.today,
      });
    }
    if (corrected) text += ` (corrected from p.${lastPage})`;
    if (book.status === "paused") text += " Back on your reading shelf.";
    return { text, bookId: book.id };
  }

  private async pace(t: Turn, bookId: string): Promise<number> {
    const from = addDays(t.today, -(PACE_DAYS - 1));
    const pages = await this.deps.entries.bookPagesBetween(t.reader.userId, bookId, from, t.today);
    return pages / PACE_DAYS;
  }

  private async shelf(t: Turn, cmd: ShelfCommand, chosen?: BookRow): Promise<TextReply> {
    const to = TARGET[cmd.action];
    let book = chosen;
    if (!book) {
      const opts =
        cmd.action === "start"
          ? { pool: ["wishlist", "paused"] as const, prefer: "wishlist" as const }
          : cmd.action === "resume"
            ? { pool: ["paused"] as const, prefer: "paused" as const }
            : cmd.action === "want"
              ? {
                  pool: ["wishlist", "reading", "paused", "finished", "abandoned"] as const,
                  prefer: "wishlist" as const,
                }
              : { pool: ["reading", "paused"] as const, prefer: "reading" as const };
      const found = await this.resolve(t, cmd, opts);
      if ("reply" in found) return found.reply;
      if ("none" in found) {
        if (cmd.action === "start" || cmd.action === "want") return this.create(t, found.none, to);
        return { text: `I found no book matching “${shortTitle(found.none, 40)}” on your shelves.` };
      }
      book = found.book;
    }
    const title = shortTitle(book.title);
    if (book.status === to) return { text: `${title} is already on ${shelfName(to)}.`, bookId: book.id };
    if (to === "wishlist")
      return { text: `${title} is already on ${shelfName(book.status)}.`, bookId: book.id };
    const before = book.current_reading_id
      ? await this.deps.readingsRepo.byId(t.reader.userId, book.current_reading_id)
      : undefined;
    const { reading } = await this.deps.readings.move(t.reader, book.id, { status: to });
    if (before)
      await this.logUndo(t, {
        kind: "shelf",
        bookId: book.id,
        readingId: reading.id,
        to,
        before: { status: before.status, startedOn: before.started_on, finishedOn: before.finished_on },
        ...(reading.id !== before.id ? { previousReadingId: before.id } : {}),
      });
    const again = before && reading.id !== before.id ? " again" : "";
    const text =
      cmd.action === "finished"
        ? `Finished ${title}. Well done!`
        : cmd.action === "pause"
          ? `Paused ${title}. Send \`resume ${shortTitle(book.title, 40)}\` to pick it up again.`
          : cmd.action === "drop"
            ? `Dropped ${title}.`
            : `Started ${title}${again}. Send \`${shortTitle(book.title, 40)} 10\` as you read.`;
    return { text, bookId: book.id };
  }

  /** A book created by `start`/`want`: Open Library's title and details when it knew the title, else as typed. */
  private async create(t: Turn, title: string, status: ReadingStatus): Promise<TextReply> {
    const found = t.found;
    const { book } = await this.deps.books.create(
      t.reader,
      { title: found?.title ?? title },
      { reading: { status }, ...(found ? { metadata: found } : {}) },
    );
    await this.logUndo(t, { kind: "book", bookId: book.id });
    const short = shortTitle(book.title);
    const cmd = shortTitle(book.title, 40);
    if (status !== "reading") return { text: `Added ${short} to your want-to-read list.`, bookId: book.id };
    const text = book.total_pages
      ? `Started ${short} (new book, ${book.total_pages} pages). Send \`${cmd} 10\` as you read.`
      : `Started ${short} (new book). Send \`${cmd} 10\` as you read; \`${cmd} 10/N\` also sets its length to N pages.`;
    return { text, bookId: book.id };
  }

  private async saveLinks(t: Turn, urls: string[], comment?: string): Promise<TextReply> {
    const fresh: string[] = [];
    for (const url of new Set(urls))
      if (!(await this.deps.undoRepo.linkByUrl(t.reader.userId, url))) fresh.push(url);
    if (fresh.length === 0)
      return { text: urls.length === 1 ? "Already saved for later." : "Those links are already saved." };
    const rows = fresh.map((url) => ({
      id: newId(t.now.getTime()),
      owner_id: t.reader.userId,
      url,
      status: "saved" as const,
      comment: comment ?? null,
      source: t.source,
      created_at: t.now.toISOString(),
    }));
    await this.deps.text.insertLinks(rows);
    await this.logUndo(t, { kind: "links", ids: rows.map((r) => r.id) });
    return {
      text:
        rows.length === 1
          ? `Saved for later: ${shortTitle(fresh[0]!, 80)}`
          : `Saved ${rows.length} links for later.`,
    };
  }

  private async undo(t: Turn): Promise<TextReply> {
    const row = await this.deps.text.lastUndo(t.reader.userId, t.key);
    if (!row) return { text: "Nothing to undo." };
    if (!(await this.deps.text.markUndone(t.reader.userId, row.id, t.now.toISOString())))
      return { text: "That was undone already." };
    const d = this.deps;
    return revert(
      {
        readings: d.readings,
        books: d.booksRepo,
        readingsRepo: d.readingsRepo,
        progress: d.entries,
        text: d.text,
        undo: d.undoRepo,
      },
      t.reader,
      row,
      { now: t.now, today: t.today, source: t.source },
    );
  }

  private async logUndo(t: Turn, payload: UndoPayload): Promise<void> {
    const repo = this.deps.text;
    // Ids order the log: keep their time part strictly increasing within a conversation.
    const newest = await repo.newestUndo(t.reader.userId, t.key);
    const at = Math.max(t.now.getTime(), newest ? Date.parse(newest.created_at) + 1 : 0);
    await repo.insertUndo({
      id: newId(at),
      owner_id: t.reader.userId,
      conversation_key: t.key,
      kind: payload.kind,
      payload: JSON.stringify(payload),
      created_at: new Date(at).toISOString(),
      undone_at: null,
    });
  }
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : String(n);
}

/** A service error as a reply sentence. */
function sentence(message: string): string {
  const s = message.trim();
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
