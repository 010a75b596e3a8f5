import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import type { paths } from "../api/openapi.gen";
import { BarChart, movingAverage } from "../components/charts/bar-chart";
import { ChartFrame } from "../components/charts/chart-frame";
import { Field, ProblemAlert, rules, SubmitButton, useSubmit } from "../components/form";
import { Empty, QueryState } from "../components/states";
import { addDays, daysBetween, formatDay, formatMonth, formatNumber, plural } from "../lib/format";
import { keys, type Stats, useDays, useStats } from "../lib/queries";
import { fetchPagesByMonth, fetchYearInBooks, pagesPerDayFrom, SHOWN_DAYS } from "../lib/query-keys";

type YearInBooks = paths["/api/stats/years/{year}"]["get"]["responses"]["200"]["content"]["application/json"];
type FinishedBook = YearInBooks["books"][number];

function lastMonths(today: string, n: number): string[] {
  const [y, m] = today.split("-").map(Number);
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1 - (n - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

function Tiles({ s }: { s: Stats }) {
  return (
    <section className="tiles" aria-label="Averages and streaks">
      <div className="tile">
        <p className="tile-value">{formatNumber(s.pagesPerDay.last7)}</p>
        <p className="tile-label">pages a day, 7-day average</p>
      </div>
      <div className="tile">
        <p className="tile-value">{formatNumber(s.pagesPerDay.last30)}</p>
        <p className="tile-label">pages a day, 30-day average</p>
      </div>
      <div className="tile">
        <p className="tile-value">{plural(s.streak.current, "day", "days")}</p>
        <p className="tile-label">current streak</p>
      </div>
      <div className="tile">
        <p className="tile-value">{plural(s.streak.longest, "day", "days")}</p>
        <p className="tile-label">
          longest streak{s.streak.longestEndedOn ? `, ended ${formatDay(s.streak.longestEndedOn)}` : ""}
        </p>
      </div>
    </section>
  );
}

function GoalLine({
  label,
  done,
  goal,
  unit,
  one,
  daysLeft,
}: {
  label: string;
  done: number;
  goal: number | null;
  unit: string;
  /** The unit for one ("1 book so far"). */
  one: string;
  daysLeft: number;
}) {
  if (goal === null || goal === 0)
    return (
      <p>
        {label}: {plural(done, one, unit)} so far, no goal set.
      </p>
    );
  const left = Math.max(0, goal - done);
  const pct = Math.min(100, (done / goal) * 100);
  return (
    <div className="goal">
      <p>
        <strong>{label}:</strong> {formatNumber(done)} of {formatNumber(goal)} {unit} ({formatNumber(pct)}%)
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label={`${label} goal`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="muted small">
        {left === 0
          ? "Goal reached."
          : daysLeft > 0
            ? `${formatNumber(left)} ${unit} to go: ${formatNumber(left / daysLeft)} ${unit} a day for the ${plural(daysLeft, "day", "days")} left.`
            : `${formatNumber(left)} ${unit} short.`}
      </p>
    </div>
  );
}

function GoalCard({ s }: { s: Stats }) {
  const queryClient = useQueryClient();
  const [books, setBooks] = useState(s.goal.books?.toString() ?? "");
  const [pages, setPages] = useState(s.goal.pages?.toString() ?? "");
  const [editing, setEditing] = useState(false);
  const daysLeft = daysBetween(s.today, `${s.goal.year}-12-31`) + 1;
  const form = useSubmit({
    validate: () => ({
      books: rules.intRange(books, 0, 10_000, "Books"),
      pages: rules.intRange(pages, 0, 10_000_000, "Pages"),
    }),
    submit: () =>
      unwrap(
        api.PUT("/api/goals/{year}", {
          params: { path: { year: s.goal.year } },
          body: { books: books === "" ? null : Number(books), pages: pages === "" ? null : Number(pages) },
        }),
      ),
    onSuccess: () => {
      setEditing(false);
      void queryClient.invalidateQueries({ queryKey: keys.stats });
    },
  });
  return (
    <section className="card" aria-labelledby="goal-title">
      <h2 id="goal-title">{s.goal.year} goal</h2>
      <GoalLine
        label="Books"
        done={s.goal.booksDone}
        goal={s.goal.books}
        unit="books"
        one="book"
        daysLeft={daysLeft}
      />
      <GoalLine
        label="Pages"
        done={s.goal.pagesDone}
        goal={s.goal.pages}
        unit="pages"
        one="page"
        daysLeft={daysLeft}
      />
      {editing ? (
        <form onSubmit={form.onSubmit} noValidate>
          <ProblemAlert problem={form.problem} />
          <Field label="Books to finish" hint="Leave empty for no goal" error={form.errors.books}>
            {(p) => (
              <input
                {...p}
                type="number"
                inputMode="numeric"
                min={0}
                value={books}
                onChange={(e) => setBooks(e.target.value)}
              />
            )}
          </Field>
          <Field label="Pages to read" hint="Leave empty for no goal" error={form.errors.pages}>
            {(p) => (
              <input
                {...p}
                type="number"
                inputMode="numeric"
                min={0}
                value={pages}
                onChange={(e) => setPages(e.target.value)}
              />
            )}
          </Field>
          <div className="row">
            <SubmitButton pending={form.pending}>Save goal</SubmitButton>
            <button type="button" className="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="button" onClick={() => setEditing(true)}>
          Set goal
        </button>
      )}
    </section>
  );
}

function PagesPerDay({ today }: { today: string }) {
  const from = pagesPerDayFrom(today);
  const days = useDays(from, today);
  return (
    <QueryState query={days}>
      {(d) => {
        const byDate = new Map(d.days.map((x) => [x.date, x.pages]));
        const all: number[] = [];
        for (let day = from; day <= today; day = addDays(day, 1)) all.push(byDate.get(day) ?? 0);
        const avg7 = movingAverage(all, 7).slice(-SHOWN_DAYS);
        const avg30 = movingAverage(all, 30).slice(-SHOWN_DAYS);
        const shown = all.slice(-SHOWN_DAYS).map((value, i) => {
          const date = addDays(today, i - SHOWN_DAYS + 1);
          return { key: date, label: formatDay(date, { day: "numeric", month: "short" }), value, date };
        });
        const total = shown.reduce((n, x) => n + x.value, 0);
        return (
          <ChartFrame
            title={`Pages per day, last ${SHOWN_DAYS} days`}
            summary={`${formatNumber(total)} pages in ${SHOWN_DAYS} days; today's 7-day average is ${formatNumber(avg7.at(-1) ?? 0)} and 30-day average ${formatNumber(avg30.at(-1) ?? 0)} pages a day.`}
            rows={shown.map((x, i) => ({ ...x, avg7: avg7[i], avg30: avg30[i] }))}
            columns={[
              { label: "Day", value: (r) => formatDay(r.date) },
              { label: "Pages", value: (r) => formatNumber(r.value), numeric: true },
              { label: "7-day average", value: (r) => formatNumber(r.avg7 ?? 0), numeric: true },
              { label: "30-day average", value: (r) => formatNumber(r.avg30 ?? 0), numeric: true },
            ]}
            legend={
              <ul className="legend" aria-hidden="true">
                <li>
                  <span className="swatch swatch-bar" /> pages
                </li>
                <li>
                  <span className="swatch swatch-1" /> 7-day average
                </li>
                <li>
                  <span className="swatch swatch-2" /> 30-day average
                </li>
              </ul>
            }
          >
            {(a11y) => (
              <BarChart
                data={shown}
                {...a11y}
                labelEvery={15}
                unit="pages"
                overlays={[
                  { name: "7-day average", values: avg7 },
                  { name: "30-day average", values: avg30 },
                ]}
              />
            )}
          </ChartFrame>
        );
      }}
    </QueryState>
  );
}

function Months({ s, pagesByMonth }: { s: Stats; pagesByMonth: { month: string; pages: number }[] }) {
  const months = lastMonths(s.today, 12);
  const books = new Map(s.finished.byMonth.map((m) => [m.month, m.books]));
  const pages = new Map(pagesByMonth.map((m) => [m.month, m.pages]));
  const rows = months.map((m) => ({
    key: m,
    label: formatMonth(m, "short").split(" ")[0] ?? m,
    month: m,
    books: books.get(m) ?? 0,
    pages: pages.get(m) ?? 0,
  }));
  const columns = [
    { label: "Month", value: (r: (typeof rows)[number]) => formatMonth(r.month) },
    { label: "Books finished", value: (r: (typeof rows)[number]) => formatNumber(r.books), numeric: true },
    { label: "Pages", value: (r: (typeof rows)[number]) => formatNumber(r.pages), numeric: true },
  ];
  return (
    <div className="grid">
      <div className="card">
        <ChartFrame
          title="Books finished per month"
          summary={`${plural(
            rows.reduce((n, r) => n + r.books, 0),
            "book",
            "books",
          )} finished in the last 12 months.`}
          rows={rows}
          columns={columns}
        >
          {(l) => (
            <BarChart
              data={rows.map((r) => ({ ...r, value: r.books }))}
              {...l}
              labelEvery={2}
              unit="books"
              compact
            />
          )}
        </ChartFrame>
      </div>
      <div className="card">
        <ChartFrame
          title="Pages per month"
          summary={`${formatNumber(rows.reduce((n, r) => n + r.pages, 0))} pages in the last 12 months.`}
          rows={rows}
          columns={columns}
        >
          {(l) => (
            <BarChart
              data={rows.map((r) => ({ ...r, value: r.pages }))}
              {...l}
              labelEvery={2}
              unit="pages"
              compact
            />
          )}
        </ChartFrame>
      </div>
    </div>
  );
}

function Years({ s, pagesByMonth }: { s: Stats; pagesByMonth: { month: string; pages: number }[] }) {
  const pages = new Map<number, number>();
  for (const m of pagesByMonth)
    pages.set(Number(m.month.slice(0, 4)), (pages.get(Number(m.month.slice(0, 4))) ?? 0) + m.pages);
  const books = new Map(s.finished.byYear.map((y) => [y.year, y.books]));
  const years = [...new Set([...pages.keys(), ...books.keys()])].sort();
  if (years.length === 0) return null;
  const rows = years.map((y) => ({ year: y, books: books.get(y) ?? 0, pages: pages.get(y) ?? 0 }));
  return (
    <div className="card">
      <ChartFrame
        title="Pages per year"
        summary={rows
          .map((r) => `${r.year}: ${plural(r.books, "book", "books")}, ${formatNumber(r.pages)} pages`)
          .join("; ")}
        rows={rows}
        columns={[
          { label: "Year", value: (r) => r.year },
          { label: "Books finished", value: (r) => formatNumber(r.books), numeric: true },
          { label: "Pages", value: (r) => formatNumber(r.pages), numeric: true },
        ]}
      >
        {(l) => (
          <BarChart
            data={rows.map((r) => ({ key: String(r.year), label: String(r.year), value: r.pages }))}
            {...l}
            unit="pages"
          />
        )}
      </ChartFrame>
    </div>
  );
}

const BUCKETS = [
  { label: "under 200", max: 199 },
  { label: "200–349", max: 349 },
  { label: "350–499", max: 499 },
  { label: "500 and more", max: Number.POSITIVE_INFINITY },
];

function pace(b: FinishedBook): number | null {
  if (!b.totalPages || !b.startedOn) return null;
  return b.totalPages / (daysBetween(b.startedOn, b.finishedOn) + 1);
}

function Cover({ book }: { book: { title: string; coverUrl: string | null } }) {
  return book.coverUrl ? (
    <img className="cover" src={book.coverUrl} alt={`Cover of ${book.title}`} loading="lazy" />
  ) : (
    <span className="cover" role="img" aria-label={`${book.title} (no cover)`}>
      {book.title.slice(0, 1).toUpperCase()}
    </span>
  );
}

function YearInBooksCard({ year, data, s }: { year: number; data: YearInBooks; s: Stats }) {
  const books = data.books;
  const withPages = books.filter((b) => b.totalPages !== null);
  const pagesTotal = withPages.reduce((n, b) => n + (b.totalPages ?? 0), 0);
  const shortest = withPages.reduce<FinishedBook | null>(
    (a, b) => (!a || (b.totalPages ?? 0) < (a.totalPages ?? 0) ? b : a),
    null,
  );
  const longest = withPages.reduce<FinishedBook | null>(
    (a, b) => (!a || (b.totalPages ?? 0) > (a.totalPages ?? 0) ? b : a),
    null,
  );
  const rated = books.filter((b) => b.rating !== null);
  const avgRating = rated.length ? rated.reduce((n, b) => n + (b.rating ?? 0), 0) / rated.length : null;
  const buckets = BUCKETS.map((k, i) => ({
    key: k.label,
    label: k.label,
    value: withPages.filter(
      (b) => (b.totalPages ?? 0) <= k.max && (b.totalPages ?? 0) > (BUCKETS[i - 1]?.max ?? -1),
    ).length,
  }));
  const paced = books.map((b) => ({ b, pace: pace(b) })).filter((x) => x.pace !== null);
  return (
    <section className="card" aria-labelledby="yib-title">
      <h2 id="yib-title">{year} in books</h2>
      {books.length === 0 ? (
        <Empty title={`No book finished in ${year} yet`}>
          <p>Finished books appear here with their covers, lengths and ratings.</p>
        </Empty>
      ) : (
        <>
          <section className="tiles" aria-label={`${year} in numbers`}>
            <div className="tile">
              <p className="tile-value">{formatNumber(books.length)}</p>
              <p className="tile-label">books finished</p>
            </div>
            <div className="tile">
              <p className="tile-value">{formatNumber(pagesTotal)}</p>
              <p className="tile-label">pages in those books</p>
            </div>
            <div className="tile">
              <p className="tile-value">
                {withPages.length ? formatNumber(Math.round(pagesTotal / withPages.length)) : "–"}
              </p>
              <p className="tile-label">pages on average</p>
            </div>
            <div className="tile">
              <p className="tile-value">{avgRating === null ? "–" : formatNumber(avgRating)}</p>
              <p className="tile-label">average rating{rated.length ? ` (${rated.length} rated)` : ""}</p>
            </div>
          </section>
          {shortest && longest && (
            <p>
              Shortest: <Link href={`/books/${shortest.bookId}`}>{shortest.title}</Link> (
              {formatNumber(shortest.totalPages ?? 0)} pages). Longest:{" "}
              <Link href={`/books/${longest.bookId}`}>{longest.title}</Link> (
              {formatNumber(longest.totalPages ?? 0)} pages).
            </p>
          )}
          <ul className="covers" aria-label={`Books finished in ${year}`}>
            {books.slice(0, 60).map((b) => (
              <li key={b.readingId}>
                <Link href={`/books/${b.bookId}`}>
                  <Cover book={b} />
                </Link>
              </li>
            ))}
          </ul>
          {books.length > 60 && <p className="muted small">and {formatNumber(books.length - 60)} more.</p>}
          <div className="grid">
            <ChartFrame
              title="Books by length"
              summary={buckets.map((k) => `${k.label} pages: ${k.value}`).join("; ")}
              rows={buckets}
              columns={[
                { label: "Pages", value: (r) => r.label },
                { label: "Books", value: (r) => formatNumber(r.value), numeric: true },
              ]}
            >
              {(l) => <BarChart data={buckets} {...l} unit="books" compact />}
            </ChartFrame>
            <div>
              <h3>Reading pace per book</h3>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Book</th>
                      <th scope="col" className="num">
                        Pages a day
                      </th>
                      <th scope="col">Finished</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.reading.map((b) => (
                      <tr key={b.bookId}>
                        <td>
                          <Link href={`/books/${b.bookId}`}>{b.title}</Link> (reading)
                        </td>
                        <td className="num">{formatNumber(b.pagesPerDay)}</td>
                        <td>{b.projectedFinish ? `expected ${formatDay(b.projectedFinish)}` : "–"}</td>
                      </tr>
                    ))}
                    {paced.slice(-20).map(({ b, pace: p }) => (
                      <tr key={b.readingId}>
                        <td>
                          <Link href={`/books/${b.bookId}`}>{b.title}</Link>
                        </td>
                        <td className="num">{formatNumber(p ?? 0)}</td>
                        <td>{formatDay(b.finishedOn)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

export function StatsPage() {
  const stats = useStats();
  const pagesByMonth = useQuery({ queryKey: keys.pagesByMonth, queryFn: fetchPagesByMonth });
  const today = stats.data?.today;
  const [year, setYear] = useState<number | null>(null);
  const shownYear = year ?? Number(today?.slice(0, 4) ?? new Date().getFullYear());
  const yearInBooks = useQuery({
    queryKey: keys.yearInBooks(shownYear),
    queryFn: () => fetchYearInBooks(shownYear),
    enabled: Boolean(today),
  });
  // Every query of the page answered (the benchmark and the browser test wait for this to see it drawn).
  const days = useDays(today ? pagesPerDayFrom(today) : "", today ?? "", Boolean(today));
  const ready = Boolean(stats.data && pagesByMonth.data && yearInBooks.data && days.data);
  const years = stats.data
    ? [
        ...new Set([Number(stats.data.today.slice(0, 4)), ...stats.data.finished.byYear.map((y) => y.year)]),
      ].sort((a, b) => b - a)
    : [];
  return (
    <div data-stats-ready={ready}>
      <h1>Stats</h1>
      <QueryState query={stats}>
        {(s) => (
          <>
            <Tiles s={s} />
            <GoalCard s={s} />
            <section className="card">
              <PagesPerDay today={s.today} />
            </section>
            <QueryState query={pagesByMonth}>
              {(p) => (
                <>
                  <Months s={s} pagesByMonth={p.items} />
                  <Years s={s} pagesByMonth={p.items} />
                </>
              )}
            </QueryState>
            <div className="row">
              <label htmlFor="yib-year" className="label">
                Year in books
              </label>
              <select
                id="yib-year"
                value={shownYear}
                onChange={(e) => setYear(Number(e.target.value))}
                style={{ width: "auto" }}
              >
                {years.map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
              </select>
            </div>
            <QueryState query={yearInBooks}>
              {(y) => <YearInBooksCard year={shownYear} data={y} s={s} />}
            </QueryState>
          </>
        )}
      </QueryState>
    </div>
  );
}
