import type { Actor } from "../../platform/access/actor.js";
import { conflict, invalidField } from "../../platform/errors.js";
import type { DomainEvent } from "../../platform/events/event.js";
import type { EventSubscriber } from "../../platform/events/event-relay.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { HighlightReview } from "../review/highlight-review.js";
import { type HighlightSource, highlightPrompt, type ReviewService } from "../review/review.service.js";
import type { UsersRepo } from "../users/users.repo.js";
import { describeLocation, type HighlightLocation } from "./anchoring/highlight-location.js";
import type { HighlightsService } from "./highlights.service.js";
import type { NotesRepo } from "./notes.repo.js";

/** A highlight turned into a review card by hand (its book's highlights must be reviewed one by one). */
export class HighlightCards {
  constructor(
    private readonly d: {
      review: ReviewService;
      highlightReview: HighlightReview;
      highlights: HighlightsService;
      books: BooksRepo;
    },
  ) {}

  /**
   * The highlight's card (made now unless it has one). Owner only; the highlight needs a book whose
   * highlights are reviewed one by one (409 otherwise: the book's or your setting says per book or off).
   */
  async ensure(actor: Actor, highlightId: string) {
    const h = await this.d.highlights.get(actor, highlightId, "highlight.delete");
    const book = h.book_id ? await this.d.books.byId(h.owner_id, h.book_id) : undefined;
    if (!book)
      throw invalidField(
        "/params/id",
        "no-book",
        "Only a highlight on one of your books can become a review card",
      );
    const mode = await this.d.highlightReview.modeOf(actor.userId, book.id);
    if (mode !== "highlight")
      throw conflict(
        `The highlights of ${book.title} are reviewed ${mode === "book" ? "as one card for the book" : "not at all"}: ` +
          "set highlightCards to highlight (PUT /api/books/{id}/review-settings) to give each its own card",
      );
    const where = describeLocation(JSON.parse(h.location) as HighlightLocation);
    const prompt = highlightPrompt(h.text, book.title, where || null);
    const card = await this.d.review.ensureCard(
      { id: actor.userId, timezone: actor.timezone },
      { kind: "highlight", subjectId: h.id, bookId: book.id, prompt },
    );
    return { ...card, prompt };
  }
}

const bookIdsOf = (e: DomainEvent): string[] => {
  const p = e.payload as { bookId?: unknown; bookIds?: unknown };
  if (Array.isArray(p.bookIds)) return p.bookIds.filter((b): b is string => typeof b === "string");
  return typeof p.bookId === "string" ? [p.bookId] : [];
};

/** What the review module reads of the owner's highlights and notes. */
export function highlightSource(repo: NotesRepo): HighlightSource {
  return {
    onBook: (ownerId, bookId) => repo.highlightIdsOnBook(ownerId, bookId),
    books: (ownerId) => repo.booksWithHighlights(ownerId),
    counts: (ownerId, bookIds) => repo.countsForBooks(ownerId, bookIds),
    async show(ownerId, ids) {
      const rows = await repo.highlightsByIds(ownerId, ids);
      return new Map(
        rows.map((h) => [
          h.id,
          { text: h.text, where: describeLocation(JSON.parse(h.location) as HighlightLocation) || null },
        ]),
      );
    },
  };
}

/**
 * Keeps each book's highlight cards in line with its highlights (ADR 0304): new highlights, typed or
 * imported, get cards as the book's mode says; deleted or moved ones lose theirs. A Kindle bookmark is
 * never a highlight, so it never gets a card.
 */
export function highlightCardsSubscriber(cards: HighlightReview, users: UsersRepo): EventSubscriber {
  return {
    name: "review-highlight-cards",
    events: ["highlight.created", "highlight.updated", "highlight.deleted", "notes.imported"],
    async handle(e) {
      if (!e.ownerId) return;
      const owner = await users.byId(e.ownerId);
      if (!owner) return;
      const ids = new Set(bookIdsOf(e));
      // A highlight moved to another book: the book it left is found by its card.
      const p = e.payload as { highlightId?: unknown };
      if (e.name === "highlight.updated" && typeof p.highlightId === "string") {
        const had = await cards.bookOfHighlightCard(e.ownerId, p.highlightId);
        if (had) ids.add(had);
      }
      for (const bookId of ids) await cards.syncBook(owner, bookId);
    },
  };
}
