import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import { fail, isFailure } from "../text/amounts.js";
import { titleOf } from "../text/freeform.js";
import { lookup } from "../text/normalize.js";
import { shortTitle } from "../text/reply-format.js";
import { isOptStr } from "../text/text-command.js";
import type { TextCommandDef, TextReply, Turn } from "../text/text-registry.js";
import { matchTitle, sameTitle } from "../text/title-match.js";
import { bookShelved } from "./books.events.js";
import type { BookRow, BooksRepo } from "./books.repo.js";
import type { BooksService, ProgressFacts } from "./books.service.js";
import { READING_STATUSES, type ReadingStatus } from "./books.tables.js";
import type { BookMetadata } from "./metadata.js";
import type { ReadingsRepo } from "./readings.repo.js";
import type { ReadingsService } from "./readings.service.js";

/** Shelf moves. `resume` puts a paused book back to reading. */
export const SHELF_ACTIONS = ["start", "want", "finished", "pause", "drop", "resume"] as const;
export type ShelfAction = (typeof SHELF_ACTIONS)[number];
export type ShelfCommand = { kind: "shelf"; action: ShelfAction; title?: string };

const SHELF_VERBS: Record<string, ShelfAction> = {
  start: "start",
  started: "start",
  begin: "start",
  want: "want",
  wishlist: "want",
  tbr: "want",
  finish: "finished",
  finished: "finished",
  done: "finished",
  pause: "pause",
  paused: "pause",
  drop: "drop",
  dropped: "drop",
  abandon: "drop",
  abandoned: "drop",
  dnf: "drop",
  resume: "resume",
  resumed: "resume",
};

const TARGET: Record<ShelfAction, ReadingStatus> = {
  start: "reading",
  want: "wishlist",
  finished: "finished",
  pause: "paused",
  drop: "abandoned",
  resume: "reading",
};

/** Most books read to match a title against. */
const MAX_BOOKS = 10_000;
/** All the shelves (a pool of every status is the whole library). */
const ALL_SHELVES = READING_STATUSES.values.length;

/** How a shelf is named in replies. */
export function shelfName(status: ReadingStatus): string {
  switch (status) {
    case "wishlist":
      return "your want-to-read list";
    case "reading":
      return "your reading shelf";
    case "paused":
      return "the paused shelf";
    case "finished":
      return "the finished shelf";
    case "abandoned":
      return "the dropped shelf";
  }
}

export type Found = { book: BookRow } | { reply: TextReply };

/**
 * The sender's books as text commands find them: by title (among a pool of shelves first, then the whole
 * library), else the book replied to, the only one being read, or the one last asked about. Several close
 * matches (or several books being read) answer numbered choices.
 */
export class BookFinder {
  constructor(private readonly books: BooksRepo) {}

  /** The whole library, read once per turn. */
  all(turn: Turn): Promise<BookRow[]> {
    return turn.memo("books:all", () => this.books.list(turn.actor.userId, { limit: MAX_BOOKS }));
  }

  /** The sender's books on these shelves, newest first (one indexed query, not the whole library). */
  onShelves(turn: Turn, pool: readonly ReadingStatus[]): Promise<BookRow[]> {
    if (pool.length >= ALL_SHELVES) return this.all(turn);
    return this.books.onShelves(turn.actor.userId, pool, MAX_BOOKS);
  }

  /** The sender's book by id (a numbered choice's answer), or a reply saying it is gone. */
  async byId(turn: Turn, bookId: string): Promise<Found> {
    const book = await this.books.byId(turn.actor.userId, bookId);
    return book ? { book } : { reply: { text: "That book is not on your shelves any more." } };
  }

  /** The book `command` means; `none` when its title matches nothing. */
  async resolve(
    turn: Turn,
    command: { kind: string; title?: string },
    opts: { pool: readonly ReadingStatus[]; prefer: ReadingStatus },
  ): Promise<Found | { none: string }> {
    if (turn.chosen) return this.byId(turn, turn.chosen);
    const title = command.title;
    // The pool first: most titles are found among the few books being read, without reading the library.
    const inPool = await this.onShelves(turn, opts.pool);
    if (title !== undefined) {
      let m = matchTitle(title, inPool, { prefer: opts.prefer });
      if (m.kind === "none") m = matchTitle(title, await this.all(turn), { prefer: opts.prefer });
      if (m.kind === "one") return { book: m.book };
      if (m.kind === "many") return { reply: this.ask(turn, command, m.candidates) };
      return { none: title };
    }
    const replied = turn.replyToBookId;
    const mine = replied ? await this.books.byId(turn.actor.userId, replied) : undefined;
    if (mine) return { book: mine };
    if (inPool.length === 1) return { book: inPool[0]! };
    const lastId = turn.lastBookId;
    const last = lastId ? await this.books.byId(turn.actor.userId, lastId) : undefined;
    if (last) return { book: last };
    if (inPool.length > 1) return { reply: this.ask(turn, command, inPool.slice(0, 5)) };
    return {
      reply: {
        text: "Which book? Send it with the title, e.g. `dune 142`, or `start <title>` to begin one.",
      },
    };
  }

  private ask(turn: Turn, command: { kind: string }, candidates: BookRow[]): TextReply {
    return turn.choose(
      command,
      candidates.map((b) => ({ id: b.id, label: b.title })),
    );
  }
}

interface Deps {
  books: BooksService;
  booksRepo: BooksRepo;
  readings: ReadingsService;
  readingsRepo: ReadingsRepo;
  finder: BookFinder;
  events: EventLog;
  /** What the progress module knows (were pages logged since a move?); absent until it registers. */
  progress: () => ProgressFacts | undefined;
}

type ShelfUndo = {
  bookId: string;
  readingId: string;
  to: ReadingStatus;
  before: { status: ReadingStatus; startedOn: string | null; finishedOn: string | null };
  /** Set when the move opened `readingId` as a new read-through after this one. */
  previousReadingId?: string;
};

/** `start`/`want`/`finished`/`pause`/`drop`/`resume <title>`: the books module's text commands. */
export function shelfCommands(d: Deps): TextCommandDef {
  return {
    name: "shelves",
    kinds: ["shelf"],
    reserved: [...Object.keys(SHELF_VERBS)],
    parse: {
      stage: "keyword",
      order: 200,
      read(m) {
        const action = lookup(SHELF_VERBS, m.verb);
        if (!action) return undefined;
        const title = titleOf(m.rest.replace(/^(?:to\s+read|reading)(?:\s+|$)/iu, ""));
        if (isFailure(title)) return title;
        if (title === undefined) {
          if (action === "start" || action === "want" || action === "resume")
            return fail("missing_argument", `Which book? e.g. \`${m.verb} dune\`.`);
          return { kind: "shelf", action };
        }
        return { kind: "shelf", action, title };
      },
    },
    isCommand: (v) => {
      const c = v as Partial<ShelfCommand>;
      return SHELF_ACTIONS.includes(c.action as ShelfAction) && isOptStr(c.title);
    },
    prepare: (cmd, turn) => lookupNewTitle(d, cmd as ShelfCommand, turn),
    handle: (cmd, turn) => shelf(d, cmd as ShelfCommand, turn),
    undo: {
      shelf: (p, turn) => undoShelf(d, p as ShelfUndo, turn),
      book: (p, turn) => undoBook(d, p as { bookId: string }, turn),
    },
    help: {
      lines: [{ order: 60, line: "start / want / finished / pause / drop / resume <title> — move a book" }],
      topics: { shelf: "start dune, want dune, finished dune, pause dune, drop dune, resume dune." },
      aliases: { books: "shelf" },
    },
  };
}

/**
 * For `start <title>` / `want <title>` naming none of the sender's books: Open Library's record when its
 * title is the one typed (`dune` → "Dune"), so the new book gets the proper title, authors and length.
 * Looked up before the message's unit of work: a lookup may take up to OPENLIBRARY_TIMEOUT_MS.
 */
async function lookupNewTitle(d: Deps, cmd: ShelfCommand, turn: Turn): Promise<BookMetadata | undefined> {
  if (cmd.title === undefined || !d.books.lookupsEnabled) return undefined;
  if (cmd.action !== "start" && cmd.action !== "want") return undefined;
  if (matchTitle(cmd.title, await d.finder.all(turn)).kind !== "none") return undefined;
  const { found } = await d.books.lookup({ title: cmd.title });
  return found?.title && sameTitle(cmd.title, found.title) ? found : undefined;
}

function poolFor(action: ShelfAction): { pool: readonly ReadingStatus[]; prefer: ReadingStatus } {
  switch (action) {
    case "start":
      return { pool: ["wishlist", "paused"], prefer: "wishlist" };
    case "resume":
      return { pool: ["paused"], prefer: "paused" };
    case "want":
      return { pool: READING_STATUSES.values, prefer: "wishlist" };
    default:
      return { pool: ["reading", "paused"], prefer: "reading" };
  }
}

async function shelf(d: Deps, cmd: ShelfCommand, turn: Turn): Promise<TextReply> {
  const to = TARGET[cmd.action];
  const found = await d.finder.resolve(turn, cmd, poolFor(cmd.action));
  if ("reply" in found) return found.reply;
  if ("none" in found) {
    if (cmd.action === "start" || cmd.action === "want") return create(d, turn, found.none, to);
    return { text: `I found no book matching “${shortTitle(found.none, 40)}” on your shelves.` };
  }
  const book = found.book;
  const title = shortTitle(book.title);
  if (book.status === to) return { text: `${title} is already on ${shelfName(to)}.`, bookId: book.id };
  if (to === "wishlist")
    return { text: `${title} is already on ${shelfName(book.status)}.`, bookId: book.id };
  const before = book.current_reading_id
    ? await d.readingsRepo.byId(turn.actor.userId, book.current_reading_id)
    : undefined;
  const { reading } = await d.readings.move(turn.actor, book.id, { status: to });
  if (before)
    await turn.logUndo("shelf", {
      bookId: book.id,
      readingId: reading.id,
      to,
      before: { status: before.status, startedOn: before.started_on, finishedOn: before.finished_on },
      ...(reading.id !== before.id ? { previousReadingId: before.id } : {}),
    } satisfies ShelfUndo);
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
async function create(d: Deps, turn: Turn, title: string, status: ReadingStatus): Promise<TextReply> {
  const found = turn.prepared as BookMetadata | undefined;
  const { book } = await d.books.create(
    turn.actor,
    { title: found?.title ?? title },
    { reading: { status }, ...(found ? { metadata: found } : {}) },
  );
  await turn.logUndo("book", { bookId: book.id });
  const short = shortTitle(book.title);
  const cmd = shortTitle(book.title, 40);
  if (status !== "reading") return { text: `Added ${short} to your want-to-read list.`, bookId: book.id };
  const text = book.total_pages
    ? `Started ${short} (new book, ${book.total_pages} pages). Send \`${cmd} 10\` as you read.`
    : `Started ${short} (new book). Send \`${cmd} 10\` as you read; \`${cmd} 10/N\` also sets its length to N pages.`;
  return { text, bookId: book.id };
}

/**
 * A move within a read-through is reversed in place (status and dates restored, the reversal appended to
 * the shelf history); a move that opened a new read-through (re-reading a finished book) removes that
 * read-through if nothing was logged on it.
 */
async function undoShelf(d: Deps, p: ShelfUndo, turn: Turn): Promise<TextReply> {
  const owner = turn.actor.userId;
  const book = await d.booksRepo.byId(owner, p.bookId);
  if (!book) return { text: "That change is gone already (the book was deleted)." };
  const title = shortTitle(book.title);
  const at = turn.now.toISOString();
  if (book.current_reading_id !== p.readingId || book.status !== p.to)
    return { text: `${title} has moved since, so I left it where it is.`, bookId: book.id };
  const shelved = (readingId: string, to: ReadingStatus) =>
    d.events.record(
      bookShelved,
      { bookId: book.id, readingId, from: p.to, to, date: turn.today },
      { aggregateId: book.id, ownerId: book.owner_id },
    );
  if (p.previousReadingId) {
    if (await d.progress()?.hasEntries(owner, { readingId: p.readingId }))
      return { text: `Pages were logged on ${title} since, so I left it as it is.`, bookId: book.id };
    const previous = await d.readingsRepo.byId(owner, p.previousReadingId);
    if (!previous) return { text: "That change is gone already.", bookId: book.id };
    await d.readingsRepo.delete(owner, p.readingId);
    await d.booksRepo.setCurrent(book.id, previous.id, previous.status, at);
    await shelved(previous.id, previous.status);
    return { text: `Undone: ${title} is back on ${shelfName(previous.status)}.`, bookId: book.id };
  }
  await d.readingsRepo.update(p.readingId, {
    status: p.before.status,
    started_on: p.before.startedOn,
    finished_on: p.before.finishedOn,
    updated_at: at,
  });
  await d.readingsRepo.insertChange({
    id: newId(turn.now.getTime()),
    owner_id: owner,
    reading_id: p.readingId,
    from_status: p.to,
    to_status: p.before.status,
    local_date: turn.today,
    changed_at: at,
  });
  await d.booksRepo.setCurrent(book.id, p.readingId, p.before.status, at);
  await shelved(p.readingId, p.before.status);
  return { text: `Undone: ${title} is back on ${shelfName(p.before.status)}.`, bookId: book.id };
}

/** A book created by `start`/`want` is deleted if no progress was recorded for it. */
async function undoBook(d: Deps, p: { bookId: string }, turn: Turn): Promise<TextReply> {
  const book = await d.booksRepo.byId(turn.actor.userId, p.bookId);
  if (!book) return { text: "That book is gone already." };
  if (await d.progress()?.hasEntries(turn.actor.userId, { bookId: book.id }))
    return { text: `Pages were logged on ${shortTitle(book.title)} since, so I kept it.`, bookId: book.id };
  await d.books.delete(turn.actor, book.id);
  return { text: `Undone: removed ${shortTitle(book.title)}.` };
}
