import { type Card, type FSRS, fsrs, type Grade, State } from "ts-fsrs";
import type { Clock } from "../../platform/clock.js";
import type { Db, DbKind } from "../../platform/db/database.js";
import { isUniqueViolation } from "../../platform/db/errors.js";
import type { ReviewSource } from "../../platform/db/schema.js";
import { conflict, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { addDays, localDateOf } from "../../platform/local-date.js";
import type { Reader } from "../readings/readings.service.js";
import { type CardRow, type LogRow, ReviewRepo } from "./review.repo.js";

export const DEFAULT_RETENTION = 0.9;
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

  constructor(
    private readonly db: Db,
    private readonly kind: DbKind,
    private readonly clock: Clock,
  ) {}

  /** Inside `tx`: a card for a finished book unless it has one already; its first review is tomorrow. */
  async ensureBookCard(tx: Db, reader: Reader, book: { id: string; title: string }): Promise<void> {
    const repo = new ReviewRepo(tx, this.kind);
    if (await repo.cardFor(reader.id, "book", book.id)) return;
    const now = this.clock.now();
    const at = now.toISOString();
    const due = new Date(now.getTime() + DAY_MS);
    // Notes and highlights do not exist yet: their counts are 0 until those modules arrive.
    const counts = { notes: 0, highlights: 0 };
    await repo.insertCard({
      id: newId(now.getTime()),
      owner_id: reader.id,
      kind: "book",
      subject_id: book.id,
      book_id: book.id,
      prompt: `What do you remember of ${book.title}? (${plural(counts.notes, "note")}, ${plural(counts.highlights, "highlight")})`,
      due_on: localDateOf(due, reader.timezone),
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
  async due(reader: Reader, exclude: readonly string[] = [], limit = DUE_LIMIT): Promise<CardRow[]> {
    return new ReviewRepo(this.db, this.kind).due(reader.id, this.todayOf(reader), limit, exclude);
  }

  async countDue(reader: Reader): Promise<number> {
    return new ReviewRepo(this.db, this.kind).countDue(reader.id, this.todayOf(reader));
  }

  /** The reader's card; 404 when not theirs. */
  async card(reader: Reader, id: string): Promise<CardRow> {
    const card = await new ReviewRepo(this.db, this.kind).card(reader.id, id);
    if (!card) throw notFound("Review card");
    return card;
  }

  /**
   * Grades a due card and schedules its next review. 404 when not theirs, 409 when suspended, retired
   * or not due yet. A key seen before answers that review again without recording another.
   */
  async grade(reader: Reader, cardId: string, grade: Grade, opts: GradeOptions): Promise<GradeResult> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        const repo = new ReviewRepo(tx, this.kind);
        const card = await repo.card(reader.id, cardId, true);
        if (!card) throw notFound("Review card");
        const key = opts.idempotencyKey ?? `${card.id}:${card.reps}`;
        const seen = await repo.logByKey(reader.id, key);
        if (seen) return { card, log: seen, replayed: true };
        if (card.retired_at) throw conflict("This card is retired: it is not reviewed any more");
        if (card.suspended_at) throw conflict("This card is suspended: unsuspend it to review it");
        const now = this.clock.now();
        const today = localDateOf(now, reader.timezone);
        if (card.due_on > today)
          throw conflict(
            `This card is not due yet: its next review is on ${card.due_on} (today is ${today})`,
          );
        const retention = card.desired_retention ?? (await this.retention(tx, reader.id));
        const next = this.scheduler(retention).next(toFsrs(card), now, grade).card;
        const patch = fromFsrs(next, reader.timezone, now);
        await repo.updateCard(reader.id, card.id, patch);
        const log: LogRow = {
          id: newId(now.getTime()),
          owner_id: reader.id,
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
      if (!isUniqueViolation(err)) throw err;
      const repo = new ReviewRepo(this.db, this.kind);
      const card = await repo.card(reader.id, cardId);
      const key = opts.idempotencyKey ?? (card ? `${card.id}:${card.reps - 1}` : "");
      const seen = card && (await repo.logByKey(reader.id, key));
      if (!card || !seen) throw err;
      return { card, log: seen, replayed: true };
    }
  }

  /** Puts a due card off to tomorrow without a review (text `later`). */
  async postpone(reader: Reader, cardId: string): Promise<CardRow> {
    const card = await this.card(reader, cardId);
    const now = this.clock.now();
    const tomorrow = addDays(this.todayOf(reader), 1);
    const due = new Date(Math.max(now.getTime() + DAY_MS, Date.parse(card.due_at)));
    const patch = { due_on: tomorrow, due_at: due.toISOString(), updated_at: now.toISOString() };
    await new ReviewRepo(this.db, this.kind).updateCard(reader.id, card.id, patch);
    return { ...card, ...patch };
  }

  /** Suspends/unsuspends, retires/unretires, or sets a card's own desired retention. */
  async update(reader: Reader, cardId: string, input: CardPatch): Promise<CardRow> {
    const card = await this.card(reader, cardId);
    const at = this.clock.now().toISOString();
    const patch: Partial<CardRow> = { updated_at: at };
    if (input.suspended !== undefined)
      patch.suspended_at = input.suspended ? (card.suspended_at ?? at) : null;
    if (input.retired !== undefined) patch.retired_at = input.retired ? (card.retired_at ?? at) : null;
    if (input.desiredRetention !== undefined) patch.desired_retention = input.desiredRetention;
    await new ReviewRepo(this.db, this.kind).updateCard(reader.id, card.id, patch);
    return { ...card, ...patch };
  }

  /** Reviews per day over the last `days` days, the share recalled (good or easy), cards due in the next 7 days. */
  async stats(reader: Reader, days = 30) {
    const repo = new ReviewRepo(this.db, this.kind);
    const today = this.todayOf(reader);
    const perDay = await repo.reviewsPerDay(reader.id, addDays(today, -(days - 1)));
    const reviews = perDay.reduce((n, d) => n + d.reviews, 0);
    const recalled = perDay.reduce((n, d) => n + d.recalled, 0);
    const due = await repo.duePerDay(reader.id, addDays(today, 6));
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

  async settings(reader: Reader) {
    return { desiredRetention: await this.retention(this.db, reader.id) };
  }

  async saveSettings(reader: Reader, desiredRetention: number) {
    await new ReviewRepo(this.db, this.kind).saveSettings(
      reader.id,
      desiredRetention,
      this.clock.now().toISOString(),
    );
    return { desiredRetention };
  }

  /** Today in the reader's zone. */
  todayOf(reader: Reader): string {
    return localDateOf(this.clock.now(), reader.timezone);
  }

  private async retention(db: Db, ownerId: string): Promise<number> {
    return (await new ReviewRepo(db, this.kind).desiredRetention(ownerId)) ?? DEFAULT_RETENTION;
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
