import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { BarChart } from "../components/charts/bar-chart";
import { ChartFrame } from "../components/charts/chart-frame";
import { ProblemAlert } from "../components/form";
import { Empty, QueryState } from "../components/states";
import { formatDay, formatNumber, formatPercent } from "../lib/format";

const GRADES = [
  { grade: 1, name: "again", label: "Again", hint: "forgot" },
  { grade: 2, name: "hard", label: "Hard", hint: "with effort" },
  { grade: 3, name: "good", label: "Good", hint: "remembered" },
  { grade: 4, name: "easy", label: "Easy", hint: "at once" },
] as const;

function DueCards() {
  const queryClient = useQueryClient();
  const due = useQuery({ queryKey: ["reviews", "due"], queryFn: () => unwrap(api.GET("/api/reviews/due")) });
  const [shown, setShown] = useState(false);
  const card = due.data?.items[0];
  const grade = useMutation({
    mutationFn: ({ id, grade }: { id: string; grade: number }) =>
      unwrap(
        api.POST("/api/reviews/{id}/grade", {
          params: { path: { id } },
          // One key per card and answer: a retried request is not counted twice.
          body: { grade, idempotencyKey: `${id}:${card?.reps ?? 0}` },
        }),
      ),
    onSuccess: () => {
      setShown(false);
      void queryClient.invalidateQueries({ queryKey: ["reviews"] });
    },
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!card || grade.isPending || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target;
      if (
        target instanceof HTMLInputElement ||
        target instanceof HTMLTextAreaElement ||
        target instanceof HTMLSelectElement
      )
        return;
      if (!shown && (e.key === " " || e.key === "Enter") && !(target instanceof HTMLButtonElement)) {
        e.preventDefault();
        setShown(true);
      } else if (shown && ["1", "2", "3", "4"].includes(e.key)) {
        e.preventDefault();
        grade.mutate({ id: card.id, grade: Number(e.key) });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [card, shown, grade]);

  return (
    <QueryState query={due}>
      {(d) =>
        !card ? (
          <Empty title="Nothing to review today">
            <p>Finished books come back here the day after, then less and less often.</p>
          </Empty>
        ) : (
          <section className="card review-card" aria-labelledby="card-title">
            <p className="muted">
              {formatNumber(d.items.length)} due today · card{" "}
              {card.reps === 0 ? "new" : `seen ${card.reps} times`}
            </p>
            <h2 id="card-title" className="review-prompt">
              {card.prompt}
            </h2>
            <p>
              <Link href={`/books/${card.bookId}`}>Open the book</Link>
            </p>
            <ProblemAlert problem={grade.error ? toProblem(grade.error) : null} />
            {!shown ? (
              <button type="button" className="button primary" onClick={() => setShown(true)}>
                I thought about it (Space)
              </button>
            ) : (
              <>
                <p>How well did you remember it? Keys 1–4.</p>
                <fieldset className="grades">
                  <legend className="visually-hidden">Grade</legend>
                  {GRADES.map((g) => (
                    <button
                      key={g.grade}
                      type="button"
                      className="button"
                      disabled={grade.isPending}
                      onClick={() => grade.mutate({ id: card.id, grade: g.grade })}
                      aria-keyshortcuts={String(g.grade)}
                    >
                      <strong>
                        {g.grade} {g.label}
                      </strong>
                      <span className="small muted">{g.hint}</span>
                    </button>
                  ))}
                </fieldset>
              </>
            )}
          </section>
        )
      }
    </QueryState>
  );
}

const ANSWERS = [
  { answer: "master", label: "Master", hint: "never again" },
  { answer: "soon", label: "Soon", hint: "more often" },
  { answer: "later", label: "Later", hint: "less often" },
] as const;
type Answer = (typeof ANSWERS)[number]["answer"];

/** Today's highlight cards (drawn once a day, Readwise-style), each answered master, soon or later. */
function HighlightCards() {
  const queryClient = useQueryClient();
  const picks = useQuery({
    queryKey: ["reviews", "highlights"],
    queryFn: () => unwrap(api.GET("/api/reviews/highlights")),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["reviews"] });
  const answer = useMutation({
    mutationFn: ({ id, answer }: { id: string; answer: Answer }) =>
      unwrap(api.POST("/api/reviews/{id}/answer", { params: { path: { id } }, body: { answer } })),
    onSuccess: refresh,
  });
  const undo = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/reviews/{id}/answer", { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const problem = answer.error ?? undo.error;
  return (
    <QueryState query={picks}>
      {(p) =>
        p.items.length === 0 ? null : (
          <section className="card" aria-labelledby="highlights-title">
            <h2 id="highlights-title">Today's highlights</h2>
            <p className="muted">
              {formatNumber(p.items.length)} drawn for today: a book's highlights come up as often as its
              share of yours, each one less after every showing.
            </p>
            <ProblemAlert problem={problem ? toProblem(problem) : null} />
            <ol className="highlight-cards">
              {p.items.map(({ card, answer: given }, i) => {
                const titleId = `highlight-card-${i}`;
                return (
                  <li key={card.id} className="review-card" aria-labelledby={titleId}>
                    <p id={titleId} className="review-prompt" style={{ whiteSpace: "pre-line" }}>
                      {card.prompt}
                    </p>
                    <p className="small">
                      <Link href={`/books/${card.bookId}`}>Open the book</Link>
                    </p>
                    <fieldset className="grades">
                      <legend className="visually-hidden">How often should it come back?</legend>
                      {ANSWERS.map((a) => (
                        <button
                          key={a.answer}
                          type="button"
                          className={given === a.answer ? "button primary" : "button"}
                          aria-pressed={given === a.answer}
                          disabled={answer.isPending || undo.isPending}
                          onClick={() => answer.mutate({ id: card.id, answer: a.answer })}
                        >
                          <strong>{a.label}</strong>
                          <span className="small muted">{a.hint}</span>
                        </button>
                      ))}
                    </fieldset>
                    {given && (
                      <p className="small" role="status">
                        Answered {given}.{" "}
                        <button
                          type="button"
                          className="button link"
                          disabled={undo.isPending}
                          onClick={() => undo.mutate(card.id)}
                        >
                          Undo
                        </button>
                      </p>
                    )}
                  </li>
                );
              })}
            </ol>
          </section>
        )
      }
    </QueryState>
  );
}

function ReviewStats() {
  const stats = useQuery({
    queryKey: ["reviews", "stats"],
    queryFn: () => unwrap(api.GET("/api/reviews/stats")),
  });
  return (
    <QueryState query={stats}>
      {(s) => (
        <div className="grid">
          <section className="card">
            <h2>Retention</h2>
            <p className="tile-value">{s.retention === null ? "–" : formatPercent(s.retention)}</p>
            <p className="muted">
              of {formatNumber(s.reviews)} reviews from {formatDay(s.from)} to {formatDay(s.to)} were
              remembered (Hard, Good or Easy).
            </p>
          </section>
          <section className="card">
            <ChartFrame
              title="Cards due in the next 7 days"
              summary={s.dueNext7Days
                .map((d) => `${formatDay(d.day, { weekday: "short", day: "numeric" })}: ${d.cards}`)
                .join(", ")}
              rows={s.dueNext7Days}
              columns={[
                { label: "Day", value: (r) => formatDay(r.day) },
                { label: "Cards", value: (r) => formatNumber(r.cards), numeric: true },
              ]}
            >
              {(l) => (
                <BarChart
                  compact
                  data={s.dueNext7Days.map((d) => ({
                    key: d.day,
                    label: formatDay(d.day, { weekday: "short" }),
                    value: d.cards,
                  }))}
                  {...l}
                  unit="cards"
                />
              )}
            </ChartFrame>
          </section>
        </div>
      )}
    </QueryState>
  );
}

export function ReviewsPage() {
  return (
    <>
      <h1>Reviews</h1>
      <DueCards />
      <HighlightCards />
      <ReviewStats />
    </>
  );
}
