import { Type } from "@sinclair/typebox";
import { defineEvent } from "../../platform/events/event.js";
import { READING_STATUSES } from "./books.tables.js";

const BookRef = { bookId: Type.String() };

/** Events of a book (aggregate: the book). */
export const bookCreated = defineEvent("book.created", Type.Object({ ...BookRef, title: Type.String() }));
export const bookUpdated = defineEvent("book.updated", Type.Object(BookRef));
export const bookDeleted = defineEvent("book.deleted", Type.Object(BookRef));
/** The book moved shelves (its current read-through changed status, or a new read-through began). */
export const bookShelved = defineEvent(
  "book.shelved",
  Type.Object({
    ...BookRef,
    readingId: Type.String(),
    from: Type.Union([READING_STATUSES.schema(), Type.Null()]),
    to: READING_STATUSES.schema(),
    date: Type.String(),
  }),
);
/** A read-through ended finished (review cards hang off this). */
export const readingFinished = defineEvent(
  "reading.finished",
  Type.Object({ ...BookRef, readingId: Type.String(), date: Type.String() }),
);
