import type { Actor } from "../../platform/access/actor.js";
import { invalidField } from "../../platform/errors.js";
import type { DomainEvent } from "../../platform/events/event.js";
import type { EventSubscriber } from "../../platform/events/event-relay.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { ReviewService } from "../review/review.service.js";
import { describeLocation, type HighlightLocation } from "./anchoring/highlight-location.js";
import type { HighlightsService } from "./highlights.service.js";

const PROMPT_QUOTE_CHARS = 400;

/** A highlight turned into a review card: the quote (cut), its book and place. */
export class HighlightCards {
  constructor(
    private readonly d: { review: ReviewService; highlights: HighlightsService; books: BooksRepo },
  ) {}

  /** The highlight's card (made now, first due tomorrow, unless it has one). Owner only; the highlight needs a book. */
  async ensure(actor: Actor, highlightId: string) {
    const h = await this.d.highlights.get(actor, highlightId, "highlight.delete");
    const book = h.book_id ? await this.d.books.byId(h.owner_id, h.book_id) : undefined;
    if (!book)
      throw invalidField(
        "/params/id",
        "no-book",
        "Only a highlight on one of your books can become a review card",
      );
    const chars = Array.from(h.text);
    const quote =
      chars.length > PROMPT_QUOTE_CHARS ? `${chars.slice(0, PROMPT_QUOTE_CHARS - 1).join("")}…` : h.text;
    const where = describeLocation(JSON.parse(h.location) as HighlightLocation);
    const prompt = `“${quote}” — ${book.title}${where ? ` (${where})` : ""}`;
    return this.d.review.ensureCard(
      { id: actor.userId, timezone: actor.timezone },
      { kind: "highlight", subjectId: h.id, bookId: book.id, prompt },
    );
  }
}

const bookIdsOf = (e: DomainEvent): string[] => {
  const p = e.payload as { bookId?: unknown; bookIds?: unknown };
  if (Array.isArray(p.bookIds)) return p.bookIds.filter((b): b is string => typeof b === "string");
  return typeof p.bookId === "string" ? [p.bookId] : [];
};

/** Keeps each book card's "(n notes, m highlights)" true as notes and highlights come and go. */
export function bookCardCounts(review: ReviewService, books: BooksRepo): EventSubscriber {
  return {
    name: "review-book-counts",
    events: [
      "note.created",
      "note.updated",
      "note.deleted",
      "highlight.created",
      "highlight.deleted",
      "notes.imported",
    ],
    async handle(e) {
      if (!e.ownerId) return;
      for (const bookId of bookIdsOf(e)) {
        const book = await books.byId(e.ownerId, bookId);
        if (book) await review.refreshBookPrompt(e.ownerId, book);
      }
    },
  };
}
