import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { fetchHighlights, fetchNotes, noteKeys } from "../lib/notes";
import { HighlightList } from "./highlight-list";
import { QueryState } from "./states";

/** The Book page's notes and its latest highlights, with links to all of them. */
export function BookNotes({ bookId }: { bookId: string }) {
  const notes = useQuery({ queryKey: noteKeys.notes({ bookId }), queryFn: () => fetchNotes({ bookId }) });
  const highlights = useQuery({
    queryKey: noteKeys.highlights({ bookId }),
    queryFn: () => fetchHighlights({ bookId }),
  });
  return (
    <section className="card" aria-labelledby="book-notes-title">
      <h2 id="book-notes-title">Notes and highlights</h2>
      <QueryState query={notes} loading="Loading notes…">
        {(n) =>
          n.items.length === 0 ? (
            <p className="muted">No notes on this book yet.</p>
          ) : (
            <ul aria-label="Notes on this book">
              {n.items.slice(0, 10).map((note) => (
                <li key={note.id}>
                  <Link href={`/notes/${note.id}`}>{note.title || note.body.slice(0, 80) || "Untitled"}</Link>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      <p className="row">
        <Link href={`/notes/new?book=${bookId}`} className="button">
          Write a note
        </Link>
        <Link href={`/notes?book=${bookId}`}>All notes on this book</Link>
      </p>
      <h3>Highlights</h3>
      <QueryState query={highlights} loading="Loading highlights…">
        {(h) =>
          h.items.length === 0 ? (
            <p className="muted">
              No highlights yet. <Link href="/notes/import">Import them from a Kindle or Readwise</Link>.
            </p>
          ) : (
            <>
              <HighlightList items={h.items.slice(0, 3)} label="Latest highlights" />
              <p>
                <Link href={`/books/${bookId}/highlights`}>
                  All {h.items.length}
                  {h.nextCursor ? "+" : ""} highlights
                </Link>
              </p>
            </>
          )
        }
      </QueryState>
    </section>
  );
}
