import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { authorsOf, BookFieldsEditor, emptyBook, validateBook } from "../components/book-form";
import { Cover } from "../components/cover";
import { ErrorAlert, Field, ProblemAlert, SubmitButton, useSubmit } from "../components/form";
import { Empty, Loading } from "../components/states";
import { useDraft } from "../lib/draft";
import { formatNumber } from "../lib/format";
import { type Book, invalidateReadingLog, keys, SHELVES, type Status, shelfLabel } from "../lib/queries";

const LOOKUP_TEXT = {
  found: "Details were filled in from Open Library.",
  "not-found": "Open Library has no match; the book was added as you typed it.",
  failed: "Open Library did not answer in time; the book was added as you typed it.",
  skipped: "",
} as const;

function AddBook({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [values, setValues, clear] = useDraft("add-book", {
    ...emptyBook,
    status: "reading" as Status,
    lookup: true,
  });
  const [added, setAdded] = useState<{ id: string; title: string; lookup: keyof typeof LOOKUP_TEXT } | null>(
    null,
  );
  const form = useSubmit({
    validate: () => ({
      ...validateBook(values, { titleRequired: false }),
      title: !values.title.trim() && !values.isbn.trim() ? "Give a title or an ISBN" : undefined,
    }),
    submit: () =>
      unwrap(
        api.POST("/api/books", {
          body: {
            ...(values.title.trim() ? { title: values.title.trim() } : {}),
            ...(authorsOf(values.authors).length ? { authors: authorsOf(values.authors) } : {}),
            ...(values.isbn.trim() ? { isbn: values.isbn.trim() } : {}),
            ...(values.totalPages ? { totalPages: Number(values.totalPages) } : {}),
            ...(values.coverUrl.trim() ? { coverUrl: values.coverUrl.trim() } : {}),
            status: values.status,
            lookup: values.lookup,
          },
        }),
      ),
    onSuccess: (book) => {
      clear();
      setAdded({ id: book.id, title: book.title, lookup: book.lookup });
      invalidateReadingLog(queryClient, book.id);
    },
  });
  return (
    <section className="card" aria-labelledby="add-title">
      <h2 id="add-title">Add a book</h2>
      {added && (
        <div className="alert alert-success" role="status">
          Added <Link href={`/books/${added.id}`}>{added.title}</Link>. {LOOKUP_TEXT[added.lookup]}
        </div>
      )}
      <ProblemAlert problem={form.problem} />
      <form onSubmit={form.onSubmit} noValidate>
        <BookFieldsEditor
          values={values}
          onChange={(v) => setValues({ ...values, ...v })}
          errors={form.errors}
          titleHint="Or just an ISBN: Open Library fills in the rest"
        />
        <Field label="Shelf" error={form.errors.status}>
          {(p) => (
            <select
              {...p}
              value={values.status}
              onChange={(e) => setValues({ ...values, status: e.target.value as Status })}
            >
              {SHELVES.map((s) => (
                <option key={s.status} value={s.status}>
                  {s.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={values.lookup}
            onChange={(e) => setValues({ ...values, lookup: e.target.checked })}
          />
          Look up missing details (title, authors, pages, cover) on Open Library by ISBN or title
        </label>
        <div className="row">
          <SubmitButton pending={form.pending}>Add book</SubmitButton>
          <button type="button" className="button" onClick={onDone}>
            Close
          </button>
          {added && (
            <button type="button" className="button" onClick={() => navigate(`/books/${added.id}`)}>
              Open {added.title}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function MoveSelect({ book }: { book: Book }) {
  const queryClient = useQueryClient();
  const move = useMutation({
    mutationFn: (status: Status) =>
      unwrap(api.POST("/api/books/{id}/status", { params: { path: { id: book.id } }, body: { status } })),
    onSettled: () => invalidateReadingLog(queryClient, book.id),
  });
  const id = `move-${book.id}`;
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        Shelf of {book.title}
      </label>
      <select
        id={id}
        value={book.status}
        disabled={move.isPending}
        onChange={(e) => move.mutate(e.target.value as Status)}
      >
        {SHELVES.map((s) => (
          <option key={s.status} value={s.status}>
            {s.label}
          </option>
        ))}
      </select>
      {move.error && <ProblemAlert problem={toProblem(move.error)} />}
    </>
  );
}

export function LibraryPage() {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const shelf = (search.get("shelf") as Status | null) ?? null;
  const [q, setQ] = useState(search.get("q") ?? "");
  const [debounced, setDebounced] = useState(q);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(q.trim()), 250);
    return () => clearTimeout(t);
  }, [q]);
  const adding = search.get("add") === "1";
  const setParam = (k: string, v: string | null) => {
    const next = new URLSearchParams(search);
    if (v === null) next.delete(k);
    else next.set(k, v);
    const qs = next.toString();
    navigate(qs ? `/library?${qs}` : "/library", { replace: true });
  };
  const books = useInfiniteQuery({
    queryKey: [...keys.books, shelf, debounced],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/books", {
          params: {
            query: {
              limit: 50,
              ...(pageParam ? { cursor: pageParam } : {}),
              ...(shelf ? { status: shelf } : {}),
              ...(debounced ? { q: debounced } : {}),
            },
          },
        }),
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = books.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <div className="row">
        <h1>Library</h1>
        <button
          type="button"
          className="button primary"
          onClick={() => setParam("add", adding ? null : "1")}
          aria-expanded={adding}
        >
          Add a book
        </button>
        <Link href="/library/import" className="button">
          Import
        </Link>
      </div>
      {adding && <AddBook onDone={() => setParam("add", null)} />}
      <fieldset className="shelf-tabs">
        <legend className="visually-hidden">Shelf</legend>
        <button
          type="button"
          className="button"
          aria-pressed={shelf === null}
          onClick={() => setParam("shelf", null)}
        >
          All
        </button>
        {SHELVES.map((s) => (
          <button
            key={s.status}
            type="button"
            className="button"
            aria-pressed={shelf === s.status}
            onClick={() => setParam("shelf", s.status)}
          >
            {s.label}
          </button>
        ))}
      </fieldset>
      <Field label="Search by title or author">
        {(p) => (
          <input {...p} type="search" value={q} onChange={(e) => setQ(e.target.value)} maxLength={200} />
        )}
      </Field>
      {books.error ? (
        <ErrorAlert error={books.error} />
      ) : books.isPending ? (
        <Loading label="Loading books…" />
      ) : items.length === 0 ? (
        <Empty
          title={
            debounced
              ? `No book matches “${debounced}”`
              : shelf
                ? `Nothing on “${shelfLabel(shelf)}”`
                : "Your library is empty"
          }
        >
          {!debounced && (
            <p>
              <button type="button" className="button" onClick={() => setParam("add", "1")}>
                Add a book
              </button>{" "}
              or <Link href="/library/import">import from Goodreads or StoryGraph</Link>.
            </p>
          )}
        </Empty>
      ) : (
        <>
          <ul className="book-list" aria-label="Books">
            {items.map((b) => (
              <li key={b.id} className="book-item">
                <Cover title={b.title} url={b.coverUrl} />
                <div>
                  <h3>
                    <Link href={`/books/${b.id}`}>{b.title}</Link>
                  </h3>
                  {b.authors.length > 0 && <p className="muted small">{b.authors.join(", ")}</p>}
                  {b.totalPages && <p className="muted small">{formatNumber(b.totalPages)} pages</p>}
                  <MoveSelect book={b} />
                </div>
              </li>
            ))}
          </ul>
          {books.hasNextPage && (
            <p>
              <button
                type="button"
                className="button"
                onClick={() => books.fetchNextPage()}
                disabled={books.isFetchingNextPage}
              >
                {books.isFetchingNextPage ? "Loading…" : "Show more"}
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}
