import { type Card, type FSRS, fsrs, type Grade, State } from "ts-fsrs";
import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import { isUniqueViolation } from "../../platform/db/errors.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { conflict, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { addDays, localDateOf } from "../../platform/local-date.js";
import type { CardRow, LogRow, ReviewRepo } from "./review.repo.js";
import type { HighlightCardMode, ReviewSource } from "./review.tables.js";

export const DEFAULT_RETENTION = 0.9;
/** Unless chosen otherwise, each highlight is its own card, and the day's review draws five. */
export const DEFAULT_HIGHLIGHT_CARDS: HighlightCardMode = "highlight";
export const DEFAULT_DAILY_HIGHLIGHTS = 5;

export interface ReviewSettingsValue {
  desiredRetention: number;
  highlightCards: HighlightCardMode;
  dailyHighlights: number;
}

/**
 * What the review module reads of highlights and notes (the notes module registers it): a port, so review
 * does not depend on the module that keeps them.
 */
export interface HighlightSource {
  /** The owner's highlight ids on a book, in id (creation) order. */
  onBook(ownerId: string, bookId: string): Promise<string[]>;
  /** The owner's books that have highlights. */
  books(ownerId: string): Promise<string[]>;
  /** How many notes and highlights the owner keeps on each book. */
  counts(
    ownerId: string,
    bookIds: readonly string[],
  ): Promise<Map<string, { notes: number; highlights: number }>>;
  /** Each highlight's quote and where it is in its book ("p. 7"), for the ones that still exist. */
  show(ownerId: string, ids: readonly string[]): Promise<Map<string, { text: string; where: string | null }>>;
}

const NO_HIGHLIGHTS: HighlightSource = {
  onBook: async () => [],
  books: async () => [],
  counts: async (_o, ids) => new Map(ids.map((id) => [id, { notes: 0, highlights: 0 }])),
  show: async () => new Map(),
};

const PROMPT_QUOTE_CHARS = 400;
/** A quote as a card shows it (cut to 400 characters). */
export function quotePrompt(text: string): string {
  const chars = Array.from(text);
  return chars.length > PROMPT_QUOTE_CHARS ? `${chars.slice(0, PROMPT_QUOTE_CHARS - 1).join("")}…` : text;
}
/** A highlight card's question: the quote, its book and place. */
export function highlightPrompt(quote: string, title: string, where: string | null): string {
  return `“${quotePrompt(quote)}” — ${title}${where ? ` (${where})` : ""}`;
}

/** A book card's question, with how much the reader kept of it. */
export function bookPrompt(title: string, counts: { notes: number; highlights: number }): string {
  return `What do you remember of ${title}? (${plural(counts.notes, "note")}, ${plural(counts.highlights, "highlight")})`;
}
const DAY_MS = 86_400_000;
/** Most cards one due list returns. */
export const DUE_LIMIT = 500;

export interface GradeOptions {
  source: ReviewSource;
  /** Replaying a key answers the first review again and records nothing; default: one per card review. */
  idempotencyKey?: string;
}

export interface GradeResult {
  card: CardRow;
  log: LogRow;
  /** True when the key had been seen: nothing was recorded this time. */
  replayed: boolean;
}

export interface CardPatch {
  suspended?: boolean;
  retired?: boolean;
  /** null: back to the owner's setting. */
  desiredRetention?: number | null;
}

/**
 * Spaced repetition with FSRS (ts-fsrs): whole-day intervals, fuzz on, the owner's desired retention
 * (or a card's own), due dates as local days in the owner's zone.
 */
export class ReviewService {
  private readonly schedulers = new Map<number, FSRS>();

  private readonly clock: Clock;
  private readonly repo: ReviewRepo;

  constructor(
    private readonly d: { uow: UnitOfWork; repo: ReviewRepo; clock: Clock; access: AccessControl },
  ) {
    this.clock = d.clock;
    this.repo = d.repo;
  }

  /** The owner's highlights and notes (the notes module registers them). */
  highlights: HighlightSource = NO_HIGHLIGHTS;

  /** Lets the module that keeps notes and highlights give cards their real counts and quotes. */
  useHighlights(source: HighlightSource): void {
    this.highlights = source;
  }

  private async bookCounts(ownerId: string, bookId: string) {
    return (await this.highlights.counts(ownerId, [bookId])).get(bookId) ?? { notes: 0, highlights: 0 };
  }

  /**
   * Cards with their prompts as of now: a book card's counts of notes and highlights, a highlight card's
   * quote as it reads today (the stored prompt is only what it said when the card was made). A per-book
   * highlight card's prompt is `highlightsShown` (its day's highlights) when given.
   */
  async present(
    ownerId: string,
    cards: readonly CardRow[],
    highlightsShown: ReadonlyMap<string, readonly string[]> = new Map(),
  ): Promise<CardRow[]> {
    if (cards.length === 0) return [];
    const titles = await this.repo.bookTitles(
      ownerId,
      cards.map((c) => c.book_id),
    );
    const bookIds = [...new Set(cards.filter((c) => c.kind === "book").map((c) => c.book_id))];
    const counts = bookIds.length > 0 ? await this.highlights.counts(ownerId, bookIds) : new Map();
    const quoteIds = cards.flatMap((c) =>
      c.kind === "highlight"
        ? [c.subject_id]
        : c.kind === "highlights"
          ? [...(highlightsShown.get(c.id) ?? [])]
          : [],
    );
    const quotes = quoteIds.length > 0 ? await this.highlights.show(ownerId, quoteIds) : new Map();
    return cards.map((c) => {
      const title = titles.get(c.book_id);
      if (!title) return c;
      if (c.kind === "book")
        return { ...c, prompt: bookPrompt(title, counts.get(c.book_id) ?? { notes: 0, highlights: 0 }) };
      if (c.kind === "highlight") {
        const q = quotes.get(c.subject_id);
        return q ? { ...c, prompt: highlightPrompt(q.text, title, q.where) } : c;
      }
      if (c.kind === "highlights") {
        const shown = (highlightsShown.get(c.id) ?? []).flatMap((id) => {
          const q = quotes.get(id);
          return q ? [`• “${quotePrompt(q.text)}”${q.where ? ` (${q.where})` : ""}`] : [];
        });
        return { ...c, prompt: [`Highlights from ${title}:`, ...shown].join("\n") };
      }
      return c;
    });
  }

  /**
   * A card for a finished book unless it has one already; its first review is a day after `finishedAt` (when
   * the book was finished, not when this runs), as a local day in the owner's zone.
   */
  async ensureBookCard(
    owner: { id: string; timezone: string },
    book: { id: string; title: string },
    finishedAt: Date = this.clock.now(),
  ): Promise<void> {
    if (await this.repo.cardFor(owner.id, "book", book.id)) return;
    const prompt = bookPrompt(book.title, await this.bookCounts(owner.id, book.id));
    await this.insertNewCard(
      owner,
      { kind: "book", subjectId: book.id, bookId: book.id, prompt },
      finishedAt,
    );
  }

  /**
   * A card for another subject (a highlight, a note) of one of the owner's books unless it has one already,
   * first due tomorrow. Returns the card.
   */
  async ensureCard(
    owner: { id: string; timezone: string },
    subject: { kind: "note" | "highlight" | "highlights"; subjectId: string; bookId: string; prompt: string },
  ): Promise<CardRow> {
    const had = await this.repo.cardFor(owner.id, subject.kind, subject.subjectId);
    if (had) return had;
    await this.insertNewCard(owner, subject, this.clock.now());
    return (await this.repo.cardFor(owner.id, subject.kind, subject.subjectId))!;
  }

  private async insertNewCard(
    owner: { id: string; timezone: string },
    subject: { kind: CardRow["kind"]; subjectId: string; bookId: string; prompt: string },
    from: Date,
  ): Promise<void> {
    await this.repo.insertCard(this.newCardRow(owner, subject, from));
  }

  /** A new card's row: first due the local day after `from`. */
  newCardRow(
    owner: { id: string; timezone: string },
    subject: { kind: CardRow["kind"]; subjectId: string; bookId: string; prompt: string },
    from: Date = this.clock.now(),
  ): CardRow {
    const at = this.clock.now().toISOString();
    const due = new Date(from.getTime() + DAY_MS);
    return {
      id: newId(from.getTime()),
      owner_id: owner.id,
      kind: subject.kind,
      subject_id: subject.subjectId,
      book_id: subject.bookId,
      prompt: subject.prompt,
      due_on: localDateOf(due, owner.timezone),
      due_at: due.toISOString(),
      stability: 0,
      difficulty: 0,
      elapsed_days: 0,
      scheduled_days: 0,
      learning_steps: 0,
      reps: 0,
      lapses: 0,
      state: State.New,
      last_review: null,
      desired_retention: null,
      suspended_at: null,
      retired_at: null,
      created_at: at,
      updated_at: at,
      tune: 1,
      shows: 0,
      last_shown_on: null,
    };
  }

  /** Active cards due today or earlier in the reader's zone, oldest due first. */
  async due(reader: Actor, exclude: readonly string[] = [], limit = DUE_LIMIT): Promise<CardRow[]> {
    return this.repo.due(reader.userId, this.todayOf(reader), limit, exclude);
  }

  async countDue(reader: Actor): Promise<number> {
    return this.repo.countDue(reader.userId, this.todayOf(reader));
  }

  /** The actor's card; 404 when they may not `action` it. */
  async card(reader: Actor, id: string, action = "review-card.read"): Promise<CardRow> {
    const card = await this.repo.card(reader.userId, id);
    if (!card) throw notFound("Review card");
    await this.d.access.require(reader, action, id, [{ id, ownerId: card.owner_id }]);
    return card;
  }

  /**
   * Grades a due card and schedules its next review. 404 when not theirs, 409 when suspended, retired
   * or not due yet. A key seen before answers that review again without recording another.
   */
  async grade(reader: Actor, cardId: string, grade: Grade, opts: GradeOptions): Promise<GradeResult> {
    // Joined to a caller's transaction, a unique violation has aborted that transaction (PostgreSQL): let
    // it fail as a whole; the caller's retry then finds the review already recorded.
    const joined = this.d.uow.active;
    try {
      return await this.d.uow.transaction(async () => {
        const repo = this.repo;
        const card = await repo.card(reader.userId, cardId, true);
        if (!card) throw notFound("Review card");
        await this.d.access.require(reader, "review-card.grade", card.id, [
          { id: card.id, ownerId: card.owner_id },
        ]);
        const key = opts.idempotencyKey ?? `${card.id}:${card.reps}`;
        const seen = await repo.logByKey(reader.userId, key);
        if (seen) return { card, log: seen, replayed: true };
        if (card.kind === "highlight" || card.kind === "highlights")
          throw conflict("A highlight card is answered master, soon or later, not graded");
        if (card.retired_at) throw conflict("This card is retired: it is not reviewed any more");
        if (card.suspended_at) throw conflict("This card is suspended: unsuspend it to review it");
        const now = this.clock.now();
        const today = localDateOf(now, reader.timezone);
        if (card.due_on > today)
          throw conflict(
            `This card is not due yet: its next review is on ${card.due_on} (today is ${today})`,
          );
        const retention = card.desired_retention ?? (await this.retention(reader.userId));
        const next = this.scheduler(retention).next(toFsrs(card), now, grade).card;
        const patch = fromFsrs(next, reader.timezone, now);
        await repo.updateCard(reader.userId, card.id, patch);
        const log: LogRow = {
          id: newId(now.getTime()),
          owner_id: reader.userId,
          card_id: card.id,
          grade,
          state: card.state,
          scheduled_days: next.scheduled_days,
          reviewed_at: now.toISOString(),
          local_date: today,
          source: opts.source,
          idempotency_key: key,
        };
        await repo.insertLog(log);
        return { card: { ...card, ...patch }, log, replayed: false };
      });
    } catch (err) {
      // The same key committed by a concurrent request: answer that one.
      if (joined || !isUniqueViolation(err)) throw err;
      const repo = this.repo;
      const card = await repo.card(reader.userId, cardId);
      const key = opts.idempotencyKey ?? (card ? `${card.id}:${card.reps - 1}` : "");
      const seen = card && (await repo.logByKey(reader.userId, key));
      if (!card || !seen) throw err;
      return { card, log: seen, replayed: true };
    }
  }

  /** Puts a due card off to tomorrow without a review (text `later`). */
  async postpone(reader: Actor, cardId: string): Promise<CardRow> {
    const card = await this.card(reader, cardId, "review-card.grade");
    const now = this.clock.now();
    const tomorrow = addDays(this.todayOf(reader), 1);
    const due = new Date(Math.max(now.getTime() + DAY_MS, Date.parse(card.due_at)));
    const patch = { due_on: tomorrow, due_at: due.toISOString(), updated_at: now.toISOString() };
    await this.repo.updateCard(reader.userId, card.id, patch);
    return { ...card, ...patch };
  }

  /** Suspends/unsuspends, retires/unretires, or sets a card's own desired retention. */
  async update(reader: Actor, cardId: string, input: CardPatch): Promise<CardRow> {
    const card = await this.card(reader, cardId, "review-card.update");
    const at = this.clock.now().toISOString();
    const patch: Partial<CardRow> = { updated_at: at };
    if (input.suspended !== undefined)
      patch.suspended_at = input.suspended ? (card.suspended_at ?? at) : null;
    if (input.retired !== undefined) patch.retired_at = input.retired ? (card.retired_at ?? at) : null;
    if (input.desiredRetention !== undefined) patch.desired_retention = input.desiredRetention;
    await this.repo.updateCard(reader.userId, card.id, patch);
    return { ...card, ...patch };
  }

  /** Reviews per day over the last `days` days, the share recalled (good or easy), cards due in the next 7 days. */
  async stats(reader: Actor, days = 30) {
    const repo = this.repo;
    const today = this.todayOf(reader);
    const perDay = await repo.reviewsPerDay(reader.userId, addDays(today, -(days - 1)));
    const reviews = perDay.reduce((n, d) => n + d.reviews, 0);
    const recalled = perDay.reduce((n, d) => n + d.recalled, 0);
    const due = await repo.duePerDay(reader.userId, addDays(today, 6));
    const upcoming = Array.from({ length: 7 }, (_, i) => {
      const day = addDays(today, i);
      const cards = due
        .filter((d) => (i === 0 ? d.day <= day : d.day === day))
        .reduce((n, d) => n + d.cards, 0);
      return { day, cards };
    });
    return {
      from: addDays(today, -(days - 1)),
      to: today,
      reviewsPerDay: perDay.map((d) => ({ day: d.day, reviews: d.reviews })),
      reviews,
      retention: reviews === 0 ? null : recalled / reviews,
      dueNext7Days: upcoming,
    };
  }

  async settings(reader: { userId: string }): Promise<ReviewSettingsValue> {
    const row = await this.repo.settingsRow(reader.userId);
    return {
      desiredRetention: row?.desired_retention ?? DEFAULT_RETENTION,
      highlightCards: row?.highlight_cards ?? DEFAULT_HIGHLIGHT_CARDS,
      dailyHighlights: row?.daily_highlights ?? DEFAULT_DAILY_HIGHLIGHTS,
    };
  }

  /** Changes some settings (the others kept). */
  async saveSettings(reader: Actor, patch: Partial<ReviewSettingsValue>): Promise<ReviewSettingsValue> {
    requireScope(reader, "write");
    const next = { ...(await this.settings(reader)), ...patch };
    await this.repo.saveSettings({
      owner_id: reader.userId,
      desired_retention: next.desiredRetention,
      highlight_cards: next.highlightCards,
      daily_highlights: next.dailyHighlights,
      updated_at: this.clock.now().toISOString(),
    });
    return next;
  }

  /** Today in the reader's zone. */
  todayOf(reader: { timezone: string }): string {
    return localDateOf(this.clock.now(), reader.timezone);
  }

  private async retention(ownerId: string): Promise<number> {
    return (await this.repo.desiredRetention(ownerId)) ?? DEFAULT_RETENTION;
  }

  private scheduler(retention: number): FSRS {
    let f = this.schedulers.get(retention);
    if (!f) {
      f = fsrs({ request_retention: retention, enable_fuzz: true, enable_short_term: false });
      this.schedulers.set(retention, f);
    }
    return f;
  }
}

function toFsrs(c: CardRow): Card {
  return {
    due: new Date(c.due_at),
    stability: c.stability,
    difficulty: c.difficulty,
    elapsed_days: c.elapsed_days,
    scheduled_days: c.scheduled_days,
    learning_steps: c.learning_steps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state as State,
    ...(c.last_review ? { last_review: new Date(c.last_review) } : {}),
  };
}

function fromFsrs(c: Card, zone: string, now: Date): Partial<CardRow> {
  return {
    due_on: localDateOf(c.due, zone),
    due_at: c.due.toISOString(),
    stability: c.stability,
    difficulty: c.difficulty,
    elapsed_days: c.elapsed_days,
    scheduled_days: c.scheduled_days,
    learning_steps: c.learning_steps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state,
    last_review: (c.last_review ?? now).toISOString(),
    updated_at: now.toISOString(),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export const STATE_NAMES = ["new", "learning", "review", "relearning"] as const;
