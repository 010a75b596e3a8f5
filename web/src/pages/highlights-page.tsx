import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "wouter";
import { api, unwrap } from "../api/client";
import { HighlightList } from "../components/highlight-list";
import { Empty, QueryState } from "../components/states";
import { fetchHighlights, noteKeys } from "../lib/notes";
import { keys } from "../lib/queries";

/** A book's highlights, in the order they are in the book (by location), each with where it is. */
export function HighlightsPage() {
  const { id = "" } = useParams<{ id: string }>();
  const book = useQuery({
    queryKey: keys.book(id),
    queryFn: () => unwrap(api.GET("/api/books/{id}", { params: { path: { id } } })),
  });
  const highlights = useQuery({
    queryKey: noteKeys.highlights({ bookId: id }),
    queryFn: () => fetchHighlights({ bookId: id }),
  });
  return (
    <>
      <p>
        <Link href={`/books/${id}`}>← {book.data?.title ?? "Book"}</Link>
      </p>
      <h1>Highlights{book.data ? ` in ${book.data.title}` : ""}</h1>
      <QueryState query={highlights} loading="Loading highlights…">
        {(h) =>
          h.items.length === 0 ? (
            <Empty title="No highlights in this book">
              <p>
                <Link href="/notes/import">Import them from a Kindle or Readwise</Link>.
              </p>
            </Empty>
          ) : (
            <>
              <HighlightList items={sortByLocation(h.items)} label="Highlights" />
              {h.nextCursor && <p className="muted">Showing the first {h.items.length}.</p>}
            </>
          )
        }
      </QueryState>
    </>
  );
}

function position(h: {
  location: { kindle?: { start: number }; page?: { start: string }; percent?: number };
}) {
  return (
    h.location.kindle?.start ??
    (Number(h.location.page?.start) || undefined) ??
    h.location.percent ??
    Infinity
  );
}

function sortByLocation<T extends Parameters<typeof position>[0]>(items: T[]): T[] {
  return [...items].sort((a, b) => position(a) - position(b));
}
