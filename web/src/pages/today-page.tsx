import { useState } from "react";
import { Link } from "wouter";
import { toProblem } from "../api/problem";
import { CommandBar } from "../components/command-bar";
import { ProblemAlert } from "../components/form";
import { Empty, QueryState } from "../components/states";
import { formatDay, formatNumber, plural } from "../lib/format";
import { type Stats, useDay, useStats } from "../lib/queries";
import { useLogPages } from "../lib/use-log-pages";

type ReadingBook = Stats["reading"][number];

function ProgressBar({ percent, label }: { percent: number | null; label: string }) {
  const value = percent ?? 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value)}
    >
      <div className="progress-fill" style={{ width: `${Math.min(100, value)}%` }} />
    </div>
  );
}

function BookRow({ book, pagesToday, today }: { book: ReadingBook; pagesToday: number; today: string }) {
  const log = useLogPages();
  const [page, setPage] = useState("");
  const [error, setError] = useState<string | null>(null);
  const current = book.currentPage ?? 0;

  const submit = (target: number) => {
    setError(null);
    if (!Number.isInteger(target) || target < 0 || target > 100_000) {
      setError("Enter a page between 0 and 100,000");
      return;
    }
    if (book.totalPages && target > book.totalPages) {
      setError(`This book has ${formatNumber(book.totalPages)} pages`);
      return;
    }
    log.mutate({ bookId: book.bookId, page: target, today }, { onSuccess: () => setPage("") });
  };

  const pageId = `page-${book.bookId}`;
  const errorId = `page-error-${book.bookId}`;
  return (
    <li className="reading-book">
      <div className="reading-head">
        <Link href={`/books/${book.bookId}`} className="reading-title">
          {book.title}
        </Link>
        <span className="muted">
          {book.currentPage === null ? "not started" : `p. ${formatNumber(current)}`}
          {book.totalPages ? ` of ${formatNumber(book.totalPages)}` : ""}
          {book.percent !== null ? ` · ${formatNumber(book.percent)}%` : ""}
        </span>
      </div>
      <ProgressBar percent={book.percent} label={`${book.title}: progress`} />
      <p className="muted small">
        {pagesToday > 0 ? `+${plural(pagesToday, "page", "pages")} today` : "No pages today yet"}
        {book.projectedFinish ? ` · at this pace you finish on ${formatDay(book.projectedFinish)}` : ""}
      </p>
      <form
        className="quick-log"
        onSubmit={(e) => {
          e.preventDefault();
          submit(Number(page));
        }}
        noValidate
      >
        <button
          type="button"
          className="button"
          onClick={() => submit(book.totalPages ? Math.min(book.totalPages, current + 10) : current + 10)}
          aria-label={`Add 10 pages to ${book.title}`}
        >
          +10
        </button>
        <label htmlFor={pageId} className="visually-hidden">
          Page of {book.title}
        </label>
        <input
          id={pageId}
          type="number"
          inputMode="numeric"
          min={0}
          placeholder="page"
          value={page}
          onChange={(e) => setPage(e.target.value)}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? errorId : undefined}
        />
        <button type="submit" className="button" disabled={page === ""}>
          Set page
        </button>
      </form>
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
      {log.error && <ProblemAlert problem={toProblem(log.error)} />}
    </li>
  );
}

export function TodayPage() {
  const stats = useStats();
  const today = stats.data?.today;
  const day = useDay(today);
  return (
    <>
      <h1>
        Today
        {today ? <span className="muted h-sub"> · {formatDay(today, { dateStyle: "full" })}</span> : null}
      </h1>
      <CommandBar />
      <QueryState query={stats}>
        {(s) => (
          <>
            <section className="tiles" aria-label="Today in numbers">
              <div className="tile">
                <p className="tile-value">{formatNumber(day.data?.pages ?? 0)}</p>
                <p className="tile-label">pages today</p>
              </div>
              <div className="tile">
                <p className="tile-value">{formatNumber(s.streak.current)}</p>
                <p className="tile-label">day streak (longest {formatNumber(s.streak.longest)})</p>
              </div>
              <div className="tile">
                <p className="tile-value">{formatNumber(s.pagesPerDay.last7)}</p>
                <p className="tile-label">pages a day, last 7 days</p>
              </div>
            </section>
            <section className="card" aria-labelledby="reading-title">
              <h2 id="reading-title">Reading now</h2>
              {s.reading.length === 0 ? (
                <Empty title="Nothing on your reading shelf">
                  <p>
                    <Link href="/library?add=1">Add a book</Link>, or type <kbd>start Dune</kbd> above.
                  </p>
                </Empty>
              ) : (
                <ul className="reading-list">
                  {s.reading.map((b) => (
                    <BookRow
                      key={b.bookId}
                      book={b}
                      today={s.today}
                      pagesToday={day.data?.books.find((x) => x.bookId === b.bookId)?.pages ?? 0}
                    />
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </QueryState>
    </>
  );
}
