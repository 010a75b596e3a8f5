import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation, useParams } from "wouter";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { authorsOf, BookFieldsEditor, ConfirmButton, validateBook } from "../components/book-form";
import { BookNotes } from "../components/book-notes";
import { ChartFrame } from "../components/charts/chart-frame";
import { LineChart } from "../components/charts/line-chart";
import { Cover } from "../components/cover";
import { Field, ProblemAlert, rules, SubmitButton, useSubmit } from "../components/form";
import { Empty, QueryState } from "../components/states";
import { formatDay, formatInstant, formatNumber, todayIn } from "../lib/format";
import {
  type Book,
  HIGHLIGHT_MODES,
  type HighlightMode,
  invalidateReadingLog,
  keys,
  logProgress,
  SHELVES,
  type Status,
  shelfLabel,
  useStats,
} from "../lib/queries";
import { useMe } from "../lib/session";

function EditBook({ book, onDone }: { book: Book; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState({
    title: book.title,
    authors: book.authors.join(", "),
    isbn: book.isbn13 ?? book.isbn10 ?? "",
    totalPages: book.totalPages?.toString() ?? "",
    coverUrl: book.coverUrl ?? "",
  });
  const form = useSubmit({
    validate: () => validateBook(values, { titleRequired: true }),
    submit: () =>
      unwrap(
        api.PATCH("/api/books/{id}", {
          params: { path: { id: book.id } },
          body: {
            title: values.title.trim(),
            authors: authorsOf(values.authors),
            ...(values.isbn.trim() ? { isbn: values.isbn.trim() } : {}),
            totalPages: values.totalPages ? Number(values.totalPages) : null,
            coverUrl: values.coverUrl.trim() || null,
          },
        }),
      ),
    onSuccess: () => {
      invalidateReadingLog(queryClient, book.id);
      onDone();
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate className="card">
      <h2>Edit</h2>
      <ProblemAlert problem={form.problem} />
      <BookFieldsEditor values={values} onChange={setValues} errors={form.errors} />
      <div className="row">
        <SubmitButton pending={form.pending}>Save</SubmitButton>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function LogForm({ book, today }: { book: Book; today: string }) {
  const queryClient = useQueryClient();
  const [v, setV] = useState({ page: "", date: today, correction: false, note: "" });
  const [saved, setSaved] = useState<string | null>(null);
  const form = useSubmit({
    validate: () => ({
      page:
        rules.required(v.page, "The page") ??
        rules.intRange(v.page, 0, 100_000, "The page") ??
        (book.totalPages && Number(v.page) > book.totalPages
          ? `This book has ${book.totalPages} pages`
          : undefined),
      date: !v.date ? "Pick a day" : v.date > today ? "The day cannot be in the future" : undefined,
    }),
    submit: () =>
      logProgress(book.id, {
        page: Number(v.page),
        ...(v.date !== today || v.correction ? { date: v.date } : {}),
        ...(v.correction ? { correction: true } : {}),
        ...(v.note.trim() ? { note: v.note.trim() } : {}),
      }),
    onSuccess: (r) => {
      setSaved(
        `Saved: page ${r.currentPage ?? v.page}${r.percent !== null ? ` (${r.percent}%)` : ""}, +${r.pagesThatDay} pages that day.`,
      );
      setV({ ...v, page: "", note: "", correction: false });
      invalidateReadingLog(queryClient, book.id);
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <ProblemAlert problem={form.problem} />
      {saved && (
        <p className="alert alert-success" role="status">
          {saved}
        </p>
      )}
      <div className="grid">
        <Field label="Page" error={form.errors.page}>
          {(p) => (
            <input
              {...p}
              type="number"
              inputMode="numeric"
              min={0}
              value={v.page}
              onChange={(e) => setV({ ...v, page: e.target.value })}
            />
          )}
        </Field>
        <Field label="Day" hint="A past day is fine" error={form.errors.date}>
          {(p) => (
            <input
              {...p}
              type="date"
              max={today}
              value={v.date}
              onChange={(e) => setV({ ...v, date: e.target.value })}
            />
          )}
        </Field>
      </div>
      <Field label="Note (optional)" error={form.errors.note}>
        {(p) => (
          <input
            {...p}
            value={v.note}
            maxLength={2000}
            onChange={(e) => setV({ ...v, note: e.target.value })}
          />
        )}
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={v.correction}
          onChange={(e) => setV({ ...v, correction: e.target.checked })}
        />
        This corrects an earlier entry (a page lower than the last one; the old entry stays in the history)
      </label>
      <SubmitButton pending={form.pending}>Log page</SubmitButton>
    </form>
  );
}

/** How this book's highlights come to review: the user's choice, or the book's own. */
function BookReviewSetting({ bookId }: { bookId: string }) {
  const queryClient = useQueryClient();
  const key = ["reviews", "book-settings", bookId];
  const setting = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET("/api/books/{id}/review-settings", { params: { path: { id: bookId } } })),
  });
  const save = useMutation({
    mutationFn: (highlightCards: HighlightMode | null) =>
      unwrap(
        api.PUT("/api/books/{id}/review-settings", {
          params: { path: { id: bookId } },
          body: { highlightCards },
        }),
      ),
    onSuccess: (data) => {
      queryClient.setQueryData(key, data);
      void queryClient.invalidateQueries({ queryKey: ["reviews", "highlights"] });
    },
  });
  return (
    <QueryState query={setting}>
      {(s) => (
        <section className="card" aria-labelledby="book-review-title">
          <h2 id="book-review-title">Highlights in review</h2>
          <ProblemAlert problem={save.error ? toProblem(save.error) : null} />
          <Field
            label="This book's highlights"
            hint={
              s.highlightCards === null
                ? `As your setting says (${HIGHLIGHT_MODES.find((m) => m.value === s.effective)?.label.toLowerCase()}).`
                : "This book's own choice."
            }
          >
            {(p) => (
              <select
                {...p}
                value={s.highlightCards ?? ""}
                disabled={save.isPending}
                onChange={(e) =>
                  save.mutate(e.target.value === "" ? null : (e.target.value as HighlightMode))
                }
              >
                <option value="">As in my settings</option>
                {HIGHLIGHT_MODES.map((m) => (
                  <option key={m.value} value={m.value}>
                    {m.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </section>
      )}
    </QueryState>
  );
}

export function BookPage() {
  const { id = "" } = useParams<{ id: string }>();
  const me = useMe();
  const today = todayIn(me.timezone);
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [editing, setEditing] = useState(false);
  const book = useQuery({
    queryKey: keys.book(id),
    queryFn: () => unwrap(api.GET("/api/books/{id}", { params: { path: { id } } })),
  });
  const readings = useQuery({
    queryKey: [...keys.book(id), "readings"],
    queryFn: () => unwrap(api.GET("/api/books/{id}/readings", { params: { path: { id } } })),
  });
  const progress = useQuery({
    queryKey: [...keys.book(id), "progress"],
    queryFn: () =>
      unwrap(api.GET("/api/books/{id}/progress", { params: { path: { id }, query: { limit: 200 } } })),
  });
  const stats = useStats();
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/books/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      invalidateReadingLog(queryClient);
      navigate("/library", { replace: true });
    },
  });
  const move = useMutation({
    mutationFn: (status: Status) =>
      unwrap(api.POST("/api/books/{id}/status", { params: { path: { id } }, body: { status } })),
    onSettled: () => invalidateReadingLog(queryClient, id),
  });
  const projected = stats.data?.reading.find((r) => r.bookId === id);

  return (
    <QueryState query={book}>
      {(b) => (
        <>
          <p>
            <Link href="/library">← Library</Link>
          </p>
          <div className="row" style={{ alignItems: "flex-start" }}>
            <Cover title={b.title} url={b.coverUrl} large />
            <div>
              <h1>{b.title}</h1>
              {b.authors.length > 0 && <p>{b.authors.join(", ")}</p>}
              <p className="muted">
                {shelfLabel(b.status)}
                {b.totalPages ? ` · ${formatNumber(b.totalPages)} pages` : ""}
                {b.isbn13 ? ` · ISBN ${b.isbn13}` : b.isbn10 ? ` · ISBN ${b.isbn10}` : ""}
              </p>
              {projected && (
                <p>
                  {projected.currentPage !== null
                    ? `Page ${formatNumber(projected.currentPage)}`
                    : "Not started"}
                  {projected.percent !== null ? ` (${formatNumber(projected.percent)}%)` : ""}
                  {projected.projectedFinish
                    ? `; at ${formatNumber(projected.pagesPerDay)} pages a day you finish on ${formatDay(projected.projectedFinish)}.`
                    : projected.totalPages === null
                      ? "; set the total pages to see when you will finish."
                      : "; read a little to see when you will finish."}
                </p>
              )}
              <div className="row">
                <label htmlFor="book-shelf" className="visually-hidden">
                  Shelf
                </label>
                <select
                  id="book-shelf"
                  value={b.status}
                  style={{ width: "auto" }}
                  onChange={(e) => move.mutate(e.target.value as Status)}
                >
                  {SHELVES.map((s) => (
                    <option key={s.status} value={s.status}>
                      {s.label}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="button"
                  onClick={() => setEditing(!editing)}
                  aria-expanded={editing}
                >
                  Edit
                </button>
                <ConfirmButton
                  label="Delete"
                  question={`Delete “${b.title}” with all its reading history?`}
                  onConfirm={() => remove.mutate()}
                  pending={remove.isPending}
                />
              </div>
              {move.error && <ProblemAlert problem={toProblem(move.error)} />}
              {remove.error && <ProblemAlert problem={toProblem(remove.error)} />}
            </div>
          </div>
          {editing && <EditBook book={b} onDone={() => setEditing(false)} />}
          <section className="card" aria-labelledby="log-title">
            <h2 id="log-title">Log a page</h2>
            <LogForm book={b} today={today} />
          </section>
          <BookNotes bookId={b.id} />
          <BookReviewSetting bookId={b.id} />
          <section className="card" aria-labelledby="progress-title">
            <h2 id="progress-title">Progress</h2>
            <QueryState query={progress}>
              {(p) => {
                const entries = [...p.items].reverse();
                const superseded = new Set(entries.map((e) => e.supersedes).filter(Boolean));
                // The page reached at the end of each day (the last entry of the day that is not corrected).
                const byDay = new Map<string, number>();
                for (const e of [...entries].sort((x, y) => (x.recordedAt < y.recordedAt ? -1 : 1)))
                  if (e.page !== null && !superseded.has(e.id)) byDay.set(e.date, e.page);
                const points = [...byDay]
                  .sort(([a], [c]) => (a < c ? -1 : 1))
                  .map(([date, value]) => ({ date, value }));
                if (entries.length === 0)
                  return (
                    <Empty title="No pages logged yet">
                      Log a page above, or type the title and a page on Today.
                    </Empty>
                  );
                return (
                  <>
                    {points.length > 0 && (
                      <ChartFrame
                        title="Page by day"
                        summary={`From page ${formatNumber(points[0]?.value ?? 0)} on ${formatDay(points[0]?.date ?? today)} to page ${formatNumber(points.at(-1)?.value ?? 0)} on ${formatDay(points.at(-1)?.date ?? today)}.`}
                        rows={points}
                        columns={[
                          { label: "Day", value: (r) => formatDay(r.date) },
                          { label: "Page", value: (r) => formatNumber(r.value), numeric: true },
                        ]}
                      >
                        {(l) => (
                          <LineChart
                            points={points}
                            {...l}
                            {...(b.totalPages ? { max: b.totalPages } : {})}
                          />
                        )}
                      </ChartFrame>
                    )}
                    <h3>History</h3>
                    <div className="table-wrap">
                      <table>
                        <thead>
                          <tr>
                            <th scope="col">Day</th>
                            <th scope="col" className="num">
                              Page
                            </th>
                            <th scope="col" className="num">
                              Pages
                            </th>
                            <th scope="col">Recorded</th>
                            <th scope="col">Note</th>
                          </tr>
                        </thead>
                        <tbody>
                          {p.items.map((e) => (
                            <tr key={e.id} className={superseded.has(e.id) ? "superseded" : undefined}>
                              <td>{formatDay(e.date)}</td>
                              <td className="num">
                                {e.page ?? (e.percent !== null ? `${e.percent}%` : "–")}
                              </td>
                              <td className="num">{e.pagesDelta > 0 ? `+${e.pagesDelta}` : e.pagesDelta}</td>
                              <td>
                                {formatInstant(e.recordedAt, me.timezone)} via {e.source}
                                {e.supersedes ? " · correction" : ""}
                                {superseded.has(e.id) ? " · corrected later" : ""}
                              </td>
                              <td>{e.note ?? ""}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </>
                );
              }}
            </QueryState>
          </section>
          <section className="card" aria-labelledby="readings-title">
            <h2 id="readings-title">Read-throughs</h2>
            <QueryState query={readings}>
              {(r) =>
                r.items.length === 0 ? (
                  <Empty title="Not started yet" />
                ) : (
                  <ol>
                    {r.items.map((x) => (
                      <li key={x.id}>
                        <p>
                          <strong>{shelfLabel(x.status)}</strong>
                          {x.current ? " (current)" : ""}
                          {x.startedOn ? ` · started ${formatDay(x.startedOn)}` : ""}
                          {x.finishedOn ? ` · finished ${formatDay(x.finishedOn)}` : ""}
                          {x.rating !== null ? ` · rated ${x.rating}` : ""}
                        </p>
                        {x.changes.length > 0 && (
                          <ul className="small muted">
                            {x.changes.map((c) => (
                              <li key={c.changedAt + c.to}>
                                {formatDay(c.date)}: {c.from ? `${shelfLabel(c.from)} → ` : ""}
                                {shelfLabel(c.to)}
                              </li>
                            ))}
                          </ul>
                        )}
                      </li>
                    ))}
                  </ol>
                )
              }
            </QueryState>
          </section>
        </>
      )}
    </QueryState>
  );
}
