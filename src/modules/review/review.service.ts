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
import type { ReviewSource } from "./review.tables.js";

export const DEFAULT_RETENTION = 0.9;

/** Counts shown on a book's card. */
export type BookCounts = (ownerId: string, bookId: string) => Promise<{ notes: number; highlights: number }>;

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

  /** How many notes and highlights the owner keeps on a book (the notes module registers it). */
  private bookCounts: BookCounts = async () => ({ notes: 0, highlights: 0 });

  /** Lets the module that keeps notes and highlights give book cards their real counts. */
  useBookCounts(counts: BookCounts): void {
    this.bookCounts = counts;
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

  /** Rewrites a book card's prompt with the book's current counts (after notes or highlights change). */
  async refreshBookPrompt(ownerId: string, book: { id: string; title: string }): Promise<void> {
    const card = await this.repo.cardFor(ownerId, "book", book.id);
    if (!card) return;
    const prompt = bookPrompt(book.title, await this.bookCounts(ownerId, book.id));
    if (prompt !== card.prompt)
      await this.repo.updateCard(ownerId, card.id, { prompt, updated_at: this.clock.now().toISOString() });
  }

  /**
   * A card for another subject (a highlight, a note) of one of the owner's books unless it has one already,
   * first due tomorrow. Returns the card.
   */
  async ensureCard(
    owner: { id: string; timezone: string },
    subject: { kind: "note" | "highlight"; subjectId: string; bookId: string; prompt: string },
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
    const at = this.clock.now().toISOString();
    const due = new Date(from.getTime() + DAY_MS);
    await this.repo.insertCard({
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
    });
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

  async settings(reader: Actor) {
    return { desiredRetention: await this.retention(reader.userId) };
  }

  async saveSettings(reader: Actor, desiredRetention: number) {
    requireScope(reader, "write");
    await this.repo.saveSettings(reader.userId, desiredRetention, this.clock.now().toISOString());
    return { desiredRetention };
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
