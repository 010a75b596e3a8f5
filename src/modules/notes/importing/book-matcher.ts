import { createHash } from "node:crypto";
import type { Actor } from "../../../platform/access/actor.js";
import { newId } from "../../../platform/ids.js";
import type { BookRow, BooksRepo } from "../../books/books.repo.js";
import { AUTHOR_MAX, AUTHORS_MAX, TITLE_MAX } from "../../books/books.schemas.js";
import type { BooksService } from "../../books/books.service.js";
import { parseIsbn } from "../../books/isbn.js";
import { titleKey } from "../../imports/import-plan.js";
import type { SourceBook } from "../imports/kindle-clippings.js";
import type { NotesRepo } from "../notes.repo.js";

export interface MatchedBook {
  id: string;
  title: string;
  action: "matched" | "created" | "new";
  /** Set when this source book matched a library book another source book of the same file matched first. */
  warning?: string;
}

/** The import key that remembers which library book a source book became. */
const keys = new Map<string, string>();
function sourceKey(b: SourceBook): string {
  const what = JSON.stringify(b.asin ? ["asin", b.asin] : [b.title, b.authors]);
  let key = keys.get(what);
  if (key === undefined) {
    key = `book:${createHash("sha256").update(what).digest("base64url").slice(0, 24)}`;
    if (keys.size > 10_000) keys.clear(); // a bounded memo: a file names few books, thousands of times
    keys.set(what, key);
  }
  return key;
}

/**
 * Finds the library book of each book an import names, in this order: the book an earlier import of the
 * same source made of it; the ISBN (a Readwise ASIN that is an ISBN-10); the title and first author. Two
 * books the source tells apart (other title or authors, other ASIN) never become one: when a second one
 * matches a book already taken in this import, it gets a book of its own. Books not found are created on
 * the `finished` shelf (they were read: they have highlights). In a dry run nothing is created.
 */
export class BookMatcher {
  private library: BookRow[] | undefined;
  private readonly byTitle = new Map<string, BookRow[]>();
  private readonly taken = new Map<string, string>();
  private readonly found = new Map<string, MatchedBook>();
  private readonly newKeys: Array<{ key: string; id: string }> = [];
  private remembered: Map<string, { object_id: string | null }> | undefined;
  /** Books to create, with the ids already handed out. */
  private readonly pending: Array<{
    id: string;
    input: { title: string; authors: string[]; isbn13?: string };
    reading: { status: "finished"; finishedOn: string | null };
  }> = [];

  /** Reads at once which library books earlier imports made of these source books. */
  async prefetch(books: readonly SourceBook[]): Promise<void> {
    const keys = [...new Set(books.map(sourceKey))];
    this.remembered = await this.d.repo.knownKeys(this.actor.userId, this.source, keys);
  }

  constructor(
    private readonly d: { books: BooksService; booksRepo: BooksRepo; repo: NotesRepo },
    private readonly actor: Actor,
    private readonly source: string,
    private readonly dryRun: boolean,
  ) {}

  private async load(): Promise<BookRow[]> {
    if (!this.library) {
      this.library = await this.d.booksRepo.list(this.actor.userId, { limit: 1_000_000 });
      for (const b of this.library) {
        const k = titleKey(b.title, JSON.parse(b.authors) as string[]);
        if (k) this.byTitle.set(k, [...(this.byTitle.get(k) ?? []), b]);
      }
    }
    return this.library;
  }

  /** The library book for a source book (the same answer for the same source book). */
  async match(book: SourceBook, finishedOn?: string): Promise<MatchedBook> {
    const key = sourceKey(book);
    const known = this.found.get(key);
    if (known) return known;
    const library = await this.load();
    const source = book.asin ? `${book.title} (${book.asin})` : book.title;
    const remembered = this.remembered
      ? this.remembered.get(key)
      : (await this.d.repo.knownKeys(this.actor.userId, this.source, [key])).get(key);
    let hit = remembered?.object_id ? library.find((b) => b.id === remembered.object_id) : undefined;
    if (!hit && book.asin) {
      const isbn = parseIsbn(book.asin)?.isbn13;
      if (isbn) hit = library.find((b) => b.isbn13 === isbn);
    }
    if (!hit) {
      const tk = titleKey(book.title, book.authors);
      const candidates = (tk ? this.byTitle.get(tk) : undefined) ?? [];
      hit = candidates.find((b) => !this.taken.has(b.id)) ?? candidates[0];
    }
    let result: MatchedBook;
    if (hit && !this.taken.has(hit.id)) {
      result = { id: hit.id, title: hit.title, action: "matched" };
    } else {
      const warning = hit
        ? `"${source}" looks like "${this.taken.get(hit.id)}", which matched "${hit.title}" already: it gets a book of its own`
        : undefined;
      result = await this.create(book, finishedOn, warning);
    }
    if (!remembered && result.action !== "new") this.newKeys.push({ key, id: result.id });
    this.taken.set(result.id, source);
    this.found.set(key, result);
    return result;
  }

  private async create(
    book: SourceBook,
    finishedOn: string | undefined,
    warning?: string,
  ): Promise<MatchedBook> {
    const title = book.title.slice(0, TITLE_MAX);
    if (this.dryRun) return { id: `new:${sourceKey(book)}`, title, action: "new", warning };
    const isbn = book.asin ? parseIsbn(book.asin) : undefined;
    const id = newId();
    this.pending.push({
      id,
      input: {
        title,
        authors: book.authors.slice(0, AUTHORS_MAX).map((a) => a.slice(0, AUTHOR_MAX)),
        isbn13: isbn?.isbn13,
      },
      reading: { status: "finished", finishedOn: finishedOn ?? null },
    });
    return { id, title: title.trim(), action: "created", warning };
  }

  /** Writes the books matched to no library book so far (all at once): call before rows that refer to them. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const items = this.pending.splice(0);
    await this.d.books.createMany(this.actor, items, { metadataSource: this.source });
  }

  /** Records which library book each source book became (for the next import of the same source). */
  async remember(at: string): Promise<void> {
    await this.flush();
    await this.d.repo.insertKeys(
      this.newKeys.map((k) => ({
        owner_id: this.actor.userId,
        source: this.source,
        key: k.key,
        kind: "book",
        object_id: k.id,
        created_at: at,
      })),
    );
  }
}
