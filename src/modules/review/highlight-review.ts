import type { Actor } from "../../platform/access/actor.js";
import { requireScope } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { conflict, invalidField, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { localDateOf } from "../../platform/local-date.js";
import {
  bookSeed,
  type DrawShare,
  drawBookSlots,
  drawCards,
  placeCards,
  rotation,
  seedOf,
  tuned,
} from "./highlight-draw.js";
import type { AnswerRow, CardRow, ReviewRepo, ShowingRow } from "./review.repo.js";
import type { ReviewService, ReviewSettingsValue } from "./review.service.js";
import type { HighlightAnswer, HighlightCardMode, ReviewSource } from "./review.tables.js";

/** One card of the day's highlight draw, with what it shows and how it was answered today. */
export interface HighlightPick {
  card: CardRow;
  highlightIds: string[];
  answer: HighlightAnswer | null;
}

export interface AnswerResult {
  card: CardRow;
  answer: AnswerRow;
  /** The answer it replaced (a second answer the same day replaces the first). */
  replaced: HighlightAnswer | null;
}

export const isHighlightCard = (c: { kind: string }) => c.kind === "highlight" || c.kind === "highlights";

/**
 * Highlights in the daily review (ADR 0304): which books' highlights get cards (per highlight, one per
 * book, or none; the owner's choice, overridden per book), the day's weighted draw, and the master / soon /
 * later answers that tune it. Bookmarks are never highlights (the Kindle import keeps none), so they never
 * get cards.
 */
export class HighlightReview {
  constructor(
    private readonly d: {
      uow: UnitOfWork;
      repo: ReviewRepo;
      clock: Clock;
      access: AccessControl;
      review: ReviewService;
    },
  ) {}

  private get repo() {
    return this.d.repo;
  }

  /** The book of a highlight's card, if it has one. */
  async bookOfHighlightCard(ownerId: string, highlightId: string): Promise<string | undefined> {
    return (await this.repo.cardFor(ownerId, "highlight", highlightId))?.book_id;
  }

  /** The mode a book's highlights follow: its own, else the owner's. */
  async modeOf(ownerId: string, bookId: string): Promise<HighlightCardMode> {
    const own = (await this.repo.bookModes(ownerId, [bookId])).get(bookId);
    return own ?? (await this.d.review.settings({ userId: ownerId })).highlightCards;
  }

  async bookSetting(reader: Actor, bookId: string) {
    await this.requireBook(reader, bookId);
    const own = (await this.repo.bookModes(reader.userId, [bookId])).get(bookId) ?? null;
    const user = (await this.d.review.settings(reader)).highlightCards;
    return { bookId, highlightCards: own, effective: own ?? user };
  }

  /** Sets (null: removes) a book's own mode, and brings its cards in line. */
  async saveBookSetting(reader: Actor, bookId: string, mode: HighlightCardMode | null) {
    requireScope(reader, "write");
    await this.requireBook(reader, bookId);
    return this.d.uow.transaction(async () => {
      await this.repo.saveBookMode(reader.userId, bookId, mode, this.d.clock.now().toISOString());
      await this.syncBook(reader, bookId);
      return this.bookSetting(reader, bookId);
    });
  }

  /** Changes the owner's settings; a new highlight card mode brings every book's cards in line. */
  async saveSettings(reader: Actor, patch: Partial<ReviewSettingsValue>): Promise<ReviewSettingsValue> {
    return this.d.uow.transaction(async () => {
      const before = await this.d.review.settings(reader);
      const after = await this.d.review.saveSettings(reader, patch);
      if (after.highlightCards !== before.highlightCards)
        await this.syncAll({ id: reader.userId, timezone: reader.timezone });
      return after;
    });
  }

  /** The owner's mode changed: every book with highlights gets the cards its mode asks for. */
  async syncAll(owner: { id: string; timezone: string }): Promise<void> {
    for (const bookId of await this.d.review.highlights.books(owner.id)) await this.syncBook(owner, bookId);
  }

  /**
   * Brings a book's highlight cards in line with its highlights and mode: a card for each highlight (per
   * highlight), or one for the book (per book); cards of highlights gone from the book are deleted. Cards of
   * the other mode are kept (with their weights) but not drawn, so switching back finds them.
   */
  async syncBook(owner: { id: string; timezone: string } | Actor, bookId: string): Promise<void> {
    const o = "userId" in owner ? { id: owner.userId, timezone: owner.timezone } : owner;
    const ids = await this.d.review.highlights.onBook(o.id, bookId);
    const has = new Set(ids);
    const cards = await this.repo.cardsOfBook(o.id, bookId, "highlight");
    const gone = cards.filter((c) => !has.has(c.subject_id)).map((c) => c.id);
    if (gone.length > 0) await this.repo.deleteCards(o.id, gone);
    const mode = await this.modeOf(o.id, bookId);
    if (mode === "highlight") {
      const carded = new Set(cards.map((c) => c.subject_id));
      const fresh = ids
        .filter((id) => !carded.has(id))
        .map((id) =>
          this.d.review.newCardRow(o, { kind: "highlight", subjectId: id, bookId, prompt: "Highlight" }),
        );
      await this.repo.insertCards(fresh);
    } else if (mode === "book" && ids.length > 0) {
      const made = await this.repo.cardsOfBook(o.id, bookId, "highlights");
      if (made.length === 0)
        await this.repo.insertCards([
          this.d.review.newCardRow(o, {
            kind: "highlights",
            subjectId: bookId,
            bookId,
            prompt: "Highlights",
          }),
        ]);
    }
  }

  /**
   * Today's highlight cards: drawn on the first ask of the day (each drawn card counts one more showing, which
   * lowers its weight), the same all day after.
   */
  async today(reader: Actor): Promise<HighlightPick[]> {
    const day = this.d.review.todayOf(reader);
    let showings = await this.repo.showingsOn(reader.userId, day);
    if (showings.length === 0) {
      await this.d.uow.transaction(() => this.draw(reader, day));
      showings = await this.repo.showingsOn(reader.userId, day);
    }
    return this.picks(reader, day, showings);
  }

  private async picks(reader: Actor, day: string, showings: ShowingRow[]): Promise<HighlightPick[]> {
    const cards = await this.repo.cardsByIds(
      reader.userId,
      showings.map((s) => s.card_id),
    );
    const byId = new Map(cards.map((c) => [c.id, c]));
    const shown = new Map(showings.map((s) => [s.card_id, JSON.parse(s.highlight_ids) as string[]]));
    const presented = new Map(
      (await this.d.review.present(reader.userId, cards, shown)).map((c) => [c.id, c]),
    );
    const answers = new Map(
      (await this.repo.answersOn(reader.userId, day)).map((a) => [a.card_id, a.answer]),
    );
    return showings.flatMap((s) => {
      const card = presented.get(s.card_id) ?? byId.get(s.card_id);
      return card
        ? [{ card, highlightIds: shown.get(s.card_id) ?? [], answer: answers.get(s.card_id) ?? null }]
        : [];
    });
  }

  /** The draw's first stage input: each book whose mode reviews its highlights, with its share. */
  async drawShares(ownerId: string): Promise<DrawShare[]> {
    const counts = await this.repo.highlightCardCounts(ownerId);
    const userMode = (await this.d.review.settings({ userId: ownerId })).highlightCards;
    const own = await this.repo.bookModes(ownerId);
    const modeOf = (b: string) => own.get(b) ?? userMode;
    const asOne = counts.filter((c) => c.kind === "highlights" && modeOf(c.book_id) === "book");
    const asOneIds = asOne.map((c) => c.book_id);
    const [cards, highlights] = await Promise.all([
      this.repo.activeCardsOn(ownerId, "highlights", asOneIds),
      asOneIds.length > 0 ? this.d.review.highlights.counts(ownerId, asOneIds) : new Map(),
    ]);
    const tunes = new Map(cards.map((c) => [c.book_id, c.tune]));
    return [
      ...counts
        .filter((c) => c.kind === "highlight" && modeOf(c.book_id) === "highlight")
        .map((c) => ({ bookId: c.book_id, asOne: false, share: c.n, cards: c.n })),
      ...asOneIds.map((bookId) => ({
        bookId,
        asOne: true,
        share: (highlights.get(bookId)?.highlights ?? 0) * (tunes.get(bookId) ?? 0),
        cards: 1,
      })),
    ];
  }

  /**
   * The day's cards (ADR 0304): the books of the slots from the shares, then the cards of only those books.
   */
  async drawIds(ownerId: string, count: number, seed: number): Promise<string[]> {
    const shares = await this.drawShares(ownerId);
    const slots = drawBookSlots(shares, count, seed);
    const asOne = new Set(shares.filter((s) => s.asOne).map((s) => s.bookId));
    const per = new Map<string, number>();
    for (const b of slots) per.set(b, (per.get(b) ?? 0) + 1);
    const books = [...per.keys()];
    const [each, one] = await Promise.all([
      this.repo.activeCardsOn(
        ownerId,
        "highlight",
        books.filter((b) => !asOne.has(b)),
      ),
      this.repo.activeCardsOn(
        ownerId,
        "highlights",
        books.filter((b) => asOne.has(b)),
      ),
    ]);
    const cardsOf = new Map<string, typeof each>();
    for (const c of [...each, ...one]) cardsOf.set(c.book_id, [...(cardsOf.get(c.book_id) ?? []), c]);
    const drawn = new Map(
      books.map((b) => {
        const cards = cardsOf.get(b) ?? [];
        return [
          b,
          asOne.has(b)
            ? cards.slice(0, 1).map((c) => c.id)
            : drawCards(cards, per.get(b)!, bookSeed(seed, b)),
        ];
      }),
    );
    return placeCards(slots, (b) => drawn.get(b) ?? []);
  }

  /** Draws the day's cards and records them, each one more showing. */
  private async draw(reader: Actor, day: string): Promise<void> {
    const { dailyHighlights } = await this.d.review.settings(reader);
    if (dailyHighlights === 0) return;
    const ids = await this.drawIds(reader.userId, dailyHighlights, seedOf(`${reader.userId}:${day}`));
    const cards = new Map((await this.repo.cardsByIds(reader.userId, ids)).map((c) => [c.id, c]));
    const now = this.d.clock.now();
    for (const [ord, id] of ids.entries()) {
      const card = cards.get(id);
      if (!card) continue;
      const highlightIds =
        card.kind === "highlight"
          ? [card.subject_id]
          : rotation(await this.d.review.highlights.onBook(reader.userId, card.book_id), card.shows);
      const inserted = await this.repo.insertShowing({
        id: newId(now.getTime()),
        owner_id: reader.userId,
        card_id: id,
        local_date: day,
        ord,
        highlight_ids: JSON.stringify(highlightIds),
      });
      if (inserted)
        await this.repo.updateCard(reader.userId, id, {
          shows: card.shows + 1,
          last_shown_on: day,
          updated_at: now.toISOString(),
        });
    }
  }

  /**
   * Answers a highlight card: master (never again: the card is retired), soon (twice as often), later
   * (half as often). A second answer the same day replaces the first. 400 for a card that is not a
   * highlight card; 409 for one suspended, or retired before today.
   */
  async answer(
    reader: Actor,
    cardId: string,
    answer: HighlightAnswer,
    source: ReviewSource,
  ): Promise<AnswerResult> {
    return this.d.uow.transaction(async () => {
      const card = await this.d.review.card(reader, cardId, "review-card.grade");
      if (!isHighlightCard(card))
        throw invalidField(
          "/body/answer",
          "highlight-card",
          "master, soon and later answer highlight cards: grade a book card 1–4 (POST /api/reviews/{id}/grade)",
        );
      const now = this.d.clock.now();
      const day = localDateOf(now, reader.timezone);
      const prev = await this.repo.answerOn(reader.userId, card.id, day);
      const base = prev
        ? { tune: prev.tune_before, retired: prev.retired_before }
        : { tune: card.tune, retired: card.retired_at };
      if (card.suspended_at) throw conflict("This card is suspended: unsuspend it to answer it");
      if (base.retired) throw conflict("This card is retired (mastered): it is not shown any more");
      const at = now.toISOString();
      const patch: Partial<CardRow> =
        answer === "master"
          ? { tune: base.tune, retired_at: at, updated_at: at }
          : { tune: tuned(base.tune, answer), retired_at: null, updated_at: at };
      await this.repo.updateCard(reader.userId, card.id, patch);
      const row: AnswerRow = {
        id: prev?.id ?? newId(now.getTime()),
        owner_id: reader.userId,
        card_id: card.id,
        local_date: day,
        answer,
        tune_before: base.tune,
        retired_before: base.retired,
        answered_at: at,
        source,
      };
      await this.repo.saveAnswer(row);
      return { card: { ...card, ...patch }, answer: row, replaced: prev?.answer ?? null };
    });
  }

  /** Takes back today's answer to a card (its weight and retirement as before). 409 when there is none. */
  async undoAnswer(reader: Actor, cardId: string, answerId?: string): Promise<CardRow> {
    return this.d.uow.transaction(async () => {
      const card = await this.d.review.card(reader, cardId, "review-card.grade");
      const day = this.d.review.todayOf(reader);
      const a = await this.repo.answerOn(reader.userId, card.id, day);
      if (!a || (answerId && a.id !== answerId)) throw conflict("This card has no answer today to take back");
      const at = this.d.clock.now().toISOString();
      const patch = { tune: a.tune_before, retired_at: a.retired_before, updated_at: at };
      await this.repo.updateCard(reader.userId, card.id, patch);
      await this.repo.deleteAnswer(reader.userId, a.id);
      return { ...card, ...patch };
    });
  }

  private async requireBook(reader: Actor, bookId: string) {
    const t = await this.repo.bookTitles(reader.userId, [bookId]);
    if (!t.has(bookId)) throw notFound("Book");
  }
}
