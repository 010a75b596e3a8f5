import { Readable } from "node:stream";
import type { Actor } from "../../platform/access/actor.js";
import type { BooksRepo } from "../books/books.repo.js";
import {
  compareLocations,
  describeLocation,
  type HighlightLocation,
} from "./anchoring/highlight-location.js";
import type { ExportBook, ExportNote } from "./markdown/markdown-export.js";
import type { HighlightRow, NoteRow, NotesRepo } from "./notes.repo.js";

const PAGE = 500;

const noteOf = (n: NoteRow): ExportNote => ({
  id: n.id,
  title: n.title ?? undefined,
  markdown: n.body,
  tags: JSON.parse(n.tags) as string[],
  createdAt: n.created_at,
  updatedAt: n.updated_at,
});

/**
 * `GET /api/export/markdown`: a zip of Markdown files readable in Obsidian — one per book that has
 * highlights or notes (front matter, highlights in reading order with block ids, notes with their wikilinks),
 * one per note on no book. Streamed: one book in memory at a time.
 */
export class MarkdownExportService {
  constructor(private readonly d: { repo: NotesRepo; books: BooksRepo }) {}

  private async *books(ownerId: string): AsyncGenerator<ExportBook> {
    let after: string | undefined;
    for (;;) {
      const page = await this.d.repo.page("books", ownerId, after, PAGE);
      if (page.length === 0) return;
      for (const b of page) {
        const [highlights, notes] = await Promise.all([
          this.d.repo.ofBook("highlights", ownerId, b.id),
          this.d.repo.ofBook("notes", ownerId, b.id),
        ]);
        if (highlights.length === 0 && notes.length === 0) continue;
        const located = (highlights as HighlightRow[]).map((h) => ({
          h,
          loc: JSON.parse(h.location) as HighlightLocation,
        }));
        located.sort((x, y) => compareLocations(x.loc, y.loc) || (x.h.id < y.h.id ? -1 : 1));
        const book = b as unknown as {
          title: string;
          authors: string;
          isbn13: string | null;
          isbn10: string | null;
          created_at: string;
        };
        yield {
          id: b.id,
          title: book.title,
          authors: JSON.parse(book.authors) as string[],
          isbn13: book.isbn13 ?? undefined,
          isbn10: book.isbn10 ?? undefined,
          dates: { added: book.created_at.slice(0, 10) },
          highlights: located.map(({ h, loc }) => ({
            id: h.id,
            text: h.text,
            note: h.note ?? undefined,
            location: describeLocation(loc) || undefined,
            color: h.color ?? undefined,
            tags: JSON.parse(h.tags) as string[],
            createdAt: h.highlighted_at ?? h.created_at,
          })),
          notes: (notes as NoteRow[]).map(noteOf),
        };
      }
      after = page[page.length - 1]!.id;
    }
  }

  private async *standalone(ownerId: string): AsyncGenerator<ExportNote> {
    for (const n of await this.d.repo.ofBook("notes", ownerId, null)) yield noteOf(n as NoteRow);
  }

  /** The zip as a stream (fflate is loaded on first use). */
  async zip(actor: Actor): Promise<Readable> {
    const { markdownExportZip } = await import("./markdown/markdown-export.js");
    return Readable.from(markdownExportZip(this.books(actor.userId), this.standalone(actor.userId)));
  }
}
