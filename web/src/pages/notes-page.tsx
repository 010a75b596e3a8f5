import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useSearchParams } from "wouter";
import { api, unwrap } from "../api/client";
import { Snippet } from "../components/snippet";
import { Empty, QueryState } from "../components/states";
import { formatInstant } from "../lib/format";
import { fetchNotes, locationText, noteKeys } from "../lib/notes";
import { useMe } from "../lib/session";

function hitHref(kind: string, id: string, bookId: string | null): string {
  if (kind === "note") return `/notes/${id}`;
  if (kind === "book") return `/books/${id}`;
  if (kind === "highlight" && bookId) return `/books/${bookId}/highlights`;
  if (kind === "article") return `/articles/${id}`;
  return "/notes";
}

function SearchResults({ q }: { q: string }) {
  const search = useQuery({
    queryKey: noteKeys.search(q),
    queryFn: () => unwrap(api.GET("/api/search", { params: { query: { q, limit: 50 } } })),
  });
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">Results for “{q}”</h2>
      <QueryState query={search} loading="Searching…">
        {(r) =>
          r.hits.length === 0 ? (
            <Empty title="Nothing matches">
              <p>Try fewer or other words.</p>
            </Empty>
          ) : (
            <ul className="item-list" aria-label="Search results">
              {r.hits.map((h) => (
                <li key={`${h.kind}:${h.id}`} className="item">
                  <p className="muted small">{h.kind}</p>
                  <h3>
                    <Link href={hitHref(h.kind, h.id, h.bookId)}>
                      {h.title ? <Snippet snippet={h.title} /> : "Untitled"}
                    </Link>
                  </h3>
                  <p>
                    <Snippet snippet={h.snippet} />
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}

export function NotesPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const tag = params.get("tag") ?? "";
  const bookId = params.get("book") ?? "";
  const me = useMe();
  const [text, setText] = useState(q);
  const books = useQuery({
    queryKey: ["books", "all"],
    queryFn: () => unwrap(api.GET("/api/books", { params: { query: { limit: 200 } } })),
  });
  const filter = { ...(bookId ? { bookId } : {}), ...(tag ? { tag } : {}) };
  const notes = useQuery({
    queryKey: noteKeys.notes(filter),
    queryFn: () => fetchNotes(filter),
    enabled: !q,
  });
  const set = (key: string, value: string) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });
  const search = (e: FormEvent) => {
    e.preventDefault();
    set("q", text.trim());
  };
  const titleOf = (id: string | null) => books.data?.items.find((b) => b.id === id)?.title;

  return (
    <>
      <div className="row spread">
        <h1>Notes</h1>
        <div className="row">
          <Link href="/notes/new" className="button primary">
            New note
          </Link>
          <Link href="/notes/import" className="button">
            Import highlights
          </Link>
        </div>
      </div>
      <form className="row" onSubmit={search}>
        <label htmlFor="notes-q" className="visually-hidden">
          Search notes, highlights and books
        </label>
        <input
          id="notes-q"
          type="search"
          value={text}
          placeholder="Search notes, highlights and books"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
        {q && (
          <button
            type="button"
            className="button ghost"
            onClick={() => {
              setText("");
              set("q", "");
            }}
          >
            Clear
          </button>
        )}
      </form>
      {q ? (
        <SearchResults q={q} />
      ) : (
        <>
          <div className="row">
            <label htmlFor="notes-book">Book</label>
            <select id="notes-book" value={bookId} onChange={(e) => set("book", e.target.value)}>
              <option value="">All books</option>
              {books.data?.items.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.title}
                </option>
              ))}
            </select>
            {tag && (
              <button type="button" className="button ghost" onClick={() => set("tag", "")}>
                Tag: {tag} ✕<span className="visually-hidden"> (remove this filter)</span>
              </button>
            )}
          </div>
          <QueryState query={notes} loading="Loading notes…">
            {(list) =>
              list.items.length === 0 ? (
                <Empty title={bookId || tag ? "No notes match" : "No notes yet"}>
                  <p>
                    <Link href="/notes/new">Write one</Link>, or type <kbd>note dune: …</kbd> in Today's
                    command box.
                  </p>
                </Empty>
              ) : (
                <ul className="item-list" aria-label="Notes">
                  {list.items.map((n) => (
                    <li key={n.id} className="item">
                      <h2 className="h3">
                        <Link href={`/notes/${n.id}`}>{n.title || n.body.slice(0, 80) || "Untitled"}</Link>
                      </h2>
                      <p className="muted small">
                        {[
                          titleOf(n.bookId),
                          locationText(n.locationLabel, n.location),
                          `edited ${formatInstant(n.updatedAt, me.timezone)}`,
                        ]
                          .filter(Boolean)
                          .join(" · ")}
                      </p>
                      {n.tags.length > 0 && (
                        <ul className="tags" aria-label="Tags">
                          {n.tags.map((t) => (
                            <li key={t}>
                              <button type="button" className="tag" onClick={() => set("tag", t)}>
                                #{t}
                              </button>
                            </li>
                          ))}
                        </ul>
                      )}
                    </li>
                  ))}
                </ul>
              )
            }
          </QueryState>
        </>
      )}
    </>
  );
}
