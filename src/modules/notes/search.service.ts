import type { Actor } from "../../platform/access/actor.js";
import { requireScope } from "../../platform/access/actor.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { invalidField } from "../../platform/errors.js";
import type { DomainEvent } from "../../platform/events/event.js";
import type { EventSubscriber } from "../../platform/events/event-relay.js";
import { SearchQueryError } from "../../platform/search/query-parser.js";
import type {
  SearchDocument,
  SearchIndex,
  SearchPage,
  SearchQuery,
} from "../../platform/search/search-index.js";
import type { BookRow, BooksRepo } from "../books/books.repo.js";
import { highlightDocument, noteDocument } from "./note-values.js";
import type { NotesRepo } from "./notes.repo.js";

/** The kinds this module indexes (other modules add theirs: articles). */
export const NOTES_SEARCH_KINDS = ["book", "note", "highlight"] as const;

/** Yields one owner's (or everyone's) documents of one kind in batches, for a rebuild. */
export type SearchSource = (ownerId: string | undefined) => AsyncIterable<readonly SearchDocument[]>;

const BATCH = 500;

export function bookDocument(b: BookRow): SearchDocument {
  const authors = JSON.parse(b.authors) as string[];
  return {
    kind: "book",
    id: b.id,
    ownerId: b.owner_id,
    title: b.title,
    body: [authors.join(", "), b.isbn13 ?? ""].filter(Boolean).join("\n"),
    bookId: b.id,
    date: b.created_at,
  };
}

export interface SearchFilters {
  q: string;
  kinds?: string[];
  bookId?: string;
  tags?: string[];
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/**
 * `GET /api/search` over everything the user keeps, and the index's upkeep: notes and highlights are
 * indexed by their services in the same unit of work; books through their events (a subscriber, at least
 * once); `rebuild` replaces the index from the tables (`readlog reindex`). Hits whose object is gone are
 * dropped (and removed from the index), never shown.
 */
export class SearchService {
  private readonly sources = new Map<string, SearchSource>();

  constructor(
    private readonly d: { uow: UnitOfWork; index: SearchIndex; repo: NotesRepo; books: BooksRepo },
  ) {
    this.addSource("book", (owner) => this.pages(owner, "books", bookDocument));
    this.addSource("note", (owner) => this.pages(owner, "notes", noteDocument));
    this.addSource("highlight", (owner) => this.pages(owner, "highlights", highlightDocument));
  }

  /** Lets another module's objects be rebuilt with the rest (its own writes keep them indexed). */
  addSource(kind: string, source: SearchSource): void {
    if (this.sources.has(kind)) throw new Error(`search source "${kind}" is added twice`);
    this.sources.set(kind, source);
  }

  private async *pages<R extends { id: string }>(
    ownerId: string | undefined,
    table: "books" | "notes" | "highlights",
    toDoc: (r: R) => SearchDocument,
  ): AsyncIterable<readonly SearchDocument[]> {
    let after: string | undefined;
    for (;;) {
      const rows = (await this.d.repo.page(table, ownerId, after, BATCH)) as unknown as R[];
      if (rows.length === 0) return;
      yield rows.map(toDoc);
      after = rows[rows.length - 1]!.id;
    }
  }

  async search(actor: Actor, f: SearchFilters): Promise<SearchPage> {
    const query: SearchQuery = {
      ownerId: actor.userId,
      q: f.q,
      kinds: f.kinds,
      bookId: f.bookId,
      tags: f.tags?.map((t) => t.toLowerCase()),
      from: f.from,
      to: f.to,
      limit: f.limit,
      cursor: f.cursor,
    };
    let page: SearchPage;
    try {
      page = await this.d.index.search(query);
    } catch (err) {
      if (err instanceof SearchQueryError)
        throw invalidField(`/querystring/${err.field}`, err.rule, err.message);
      throw err;
    }
    const gone = await this.missing(actor.userId, page.hits);
    if (gone.length === 0) return page;
    await this.d.uow.transaction(() => this.d.index.removeMany(gone));
    const dropped = new Set(gone.map((h) => `${h.kind}/${h.id}`));
    return { ...page, hits: page.hits.filter((h) => !dropped.has(`${h.kind}/${h.id}`)) };
  }

  /** Hits of this module's kinds whose object no longer exists. */
  private async missing(ownerId: string, hits: SearchPage["hits"]) {
    const ids = (kind: string) => hits.filter((h) => h.kind === kind).map((h) => h.id);
    const present = await this.d.repo.existing(ownerId, {
      books: ids("book"),
      notes: ids("note"),
      highlights: ids("highlight"),
    });
    return hits.filter(
      (h) => (NOTES_SEARCH_KINDS as readonly string[]).includes(h.kind) && !present.has(`${h.kind}/${h.id}`),
    );
  }

  /**
   * Replaces the index (or one owner's part of it) from the tables; returns how many documents it holds.
   * Documents of kinds no source rebuilds (a module that indexes without adding a source) are carried over
   * as the index holds them.
   */
  async rebuild(ownerId?: string): Promise<number> {
    const sources = [...this.sources.values()];
    return this.d.uow.transaction(async () => {
      const kept = await this.d.repo.indexedOtherKinds([...this.sources.keys()], ownerId);
      async function* all() {
        for (let i = 0; i < kept.length; i += BATCH) yield kept.slice(i, i + BATCH);
        for (const s of sources) yield* s(ownerId);
      }
      return this.d.index.rebuild(all(), ownerId ? { ownerId } : undefined);
    });
  }

  /** Rebuilds the actor's own part of the index. */
  async reindexMine(actor: Actor): Promise<number> {
    requireScope(actor, "write");
    return this.rebuild(actor.userId);
  }

  /** Keeps books in the index: reads the book as it is now (so a replayed event does no harm). */
  bookSubscriber(): EventSubscriber {
    return {
      name: "search-books",
      events: ["book.created", "book.updated", "book.deleted"],
      handle: async (e: DomainEvent) => {
        if (!e.ownerId) return;
        const book = await this.d.books.byId(e.ownerId, e.aggregateId);
        await this.d.uow.transaction(() =>
          book ? this.d.index.upsert(bookDocument(book)) : this.d.index.remove("book", e.aggregateId),
        );
      },
    };
  }
}
