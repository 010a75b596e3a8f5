import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { formatDay, formatInstant, formatNumber } from "../lib/format";
import { invalidateReadingLog, logProgress, useDay } from "../lib/queries";
import { useMe } from "../lib/session";
import { Field, ProblemAlert, rules, SubmitButton, useSubmit } from "./form";
import { Empty, QueryState } from "./states";

/** Fixes one book's page on a past day: a correction entry (the old one stays in the history). */
function FixPage({ bookId, title, date }: { bookId: string; title: string; date: string }) {
  const queryClient = useQueryClient();
  const [page, setPage] = useState("");
  const [done, setDone] = useState(false);
  const form = useSubmit({
    validate: () => ({
      page: rules.required(page, "The page") ?? rules.intRange(page, 0, 100_000, "The page"),
    }),
    submit: () => logProgress(bookId, { page: Number(page), date, correction: true }),
    onSuccess: () => {
      setPage("");
      setDone(true);
      invalidateReadingLog(queryClient, bookId);
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate className="row">
      <ProblemAlert problem={form.problem} />
      <Field label={`Page reached in ${title} that day`} error={form.errors.page}>
        {(p) => (
          <input
            {...p}
            type="number"
            inputMode="numeric"
            min={0}
            value={page}
            onChange={(e) => {
              setDone(false);
              setPage(e.target.value);
            }}
          />
        )}
      </Field>
      <SubmitButton pending={form.pending}>Save correction</SubmitButton>
      {done && (
        <span role="status" className="muted">
          Saved.
        </span>
      )}
    </form>
  );
}

/** What was read on a day: pages per book and each entry, with a way to fix a book's page that day. */
export function DayEntries({ date }: { date: string }) {
  const me = useMe();
  const day = useDay(date);
  return (
    <section className="card" aria-labelledby="day-title">
      <h2 id="day-title">{formatDay(date, { dateStyle: "full" })}</h2>
      <QueryState query={day}>
        {(d) =>
          d.entries.length === 0 ? (
            <Empty title="Nothing logged on this day">
              <p>
                Log a past day from a book's page, or type <kbd>{date} dune 120</kbd> on Today.
              </p>
            </Empty>
          ) : (
            <>
              <p>
                <strong>{formatNumber(d.pages)}</strong> pages in {d.books.length} book
                {d.books.length === 1 ? "" : "s"}.
              </p>
              {d.books.map((b) => (
                <div key={b.bookId} className="stack">
                  <h3>
                    <Link href={`/books/${b.bookId}`}>{b.title}</Link>: {formatNumber(b.pages)} pages
                  </h3>
                  <div className="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">Recorded</th>
                          <th scope="col" className="num">
                            Page
                          </th>
                          <th scope="col" className="num">
                            Pages
                          </th>
                          <th scope="col">From</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.entries
                          .filter((e) => e.bookId === b.bookId)
                          .map((e) => (
                            <tr key={e.id}>
                              <td>
                                {formatInstant(e.recordedAt, me.timezone)}
                                {e.supersedes ? " (correction)" : ""}
                              </td>
                              <td className="num">
                                {e.page ?? (e.percent !== null ? `${e.percent}%` : "–")}
                              </td>
                              <td className="num">{e.pagesDelta > 0 ? `+${e.pagesDelta}` : e.pagesDelta}</td>
                              <td>{e.source}</td>
                            </tr>
                          ))}
                      </tbody>
                    </table>
                  </div>
                  <FixPage bookId={b.bookId} title={b.title} date={date} />
                </div>
              ))}
            </>
          )
        }
      </QueryState>
    </section>
  );
}
