import { useMemo } from "react";
import { useLocation, useSearch } from "wouter";
import { ChartFrame } from "../components/charts/chart-frame";
import { Heatmap } from "../components/charts/heatmap";
import { DayEntries } from "../components/day-entries";
import { QueryState } from "../components/states";
import { addDays, formatDay, formatMonth, formatNumber, parseDay, todayIn } from "../lib/format";
import { useDays } from "../lib/queries";
import { useMe } from "../lib/session";

function MonthView({
  month,
  pages,
  selected,
  onSelect,
}: {
  month: string;
  pages: Map<string, number>;
  selected: string | null;
  onSelect: (d: string) => void;
}) {
  const first = `${month}-01`;
  const offset = (parseDay(first).getUTCDay() + 6) % 7;
  const days: string[] = [];
  for (let d = first; d.startsWith(month); d = addDays(d, 1)) days.push(d);
  const names = Array.from({ length: 7 }, (_, i) =>
    new Intl.DateTimeFormat(undefined, { weekday: "short", timeZone: "UTC" }).format(
      parseDay(addDays("2024-01-01", i)),
    ),
  );
  return (
    <div className="month-grid">
      {names.map((n) => (
        <div key={n} className="dow" aria-hidden="true">
          {n}
        </div>
      ))}
      {Array.from({ length: offset }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: blank cells before the 1st
        <div key={`blank-${i}`} aria-hidden="true" />
      ))}
      {days.map((d) => {
        const n = pages.get(d) ?? 0;
        return (
          <button
            key={d}
            type="button"
            className={n > 0 ? "month-day has-pages" : "month-day"}
            aria-pressed={d === selected}
            onClick={() => onSelect(d)}
          >
            <span aria-hidden="true">{Number(d.slice(8))}</span>
            <span className="visually-hidden">{formatDay(d, { dateStyle: "full" })}:</span>
            <span className={n > 0 ? "pages" : "visually-hidden"}>
              {n > 0 ? formatNumber(n) : "no"}
              <span className="visually-hidden"> pages</span>
            </span>
          </button>
        );
      })}
    </div>
  );
}

export function CalendarPage() {
  const me = useMe();
  const today = todayIn(me.timezone);
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const selected = search.get("day");
  const year = Number(search.get("year") ?? (selected ?? today).slice(0, 4));
  const month = search.get("month") ?? (selected ?? today).slice(0, 7);
  const days = useDays(`${year}-01-01`, `${year}-12-31`);
  const pages = useMemo(() => new Map((days.data?.days ?? []).map((d) => [d.date, d.pages])), [days.data]);
  const monthDays = useDays(`${month}-01`, monthEnd(month));
  const monthPages = useMemo(
    () => new Map((monthDays.data?.days ?? []).map((d) => [d.date, d.pages])),
    [monthDays.data],
  );

  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    navigate(`/calendar?${next}`, { replace: true });
  };
  const select = (d: string) => go({ day: d, month: d.slice(0, 7) });
  const shiftMonth = (n: number) => {
    const d = parseDay(`${month}-01`);
    d.setUTCMonth(d.getUTCMonth() + n);
    go({ month: d.toISOString().slice(0, 7) });
  };

  return (
    <>
      <h1>Calendar</h1>
      <section className="card" aria-labelledby="year-title">
        <div className="row">
          <h2 id="year-title">Pages per day in {year}</h2>
          <button type="button" className="button" onClick={() => go({ year: String(year - 1) })}>
            ← {year - 1}
          </button>
          <button type="button" className="button" onClick={() => go({ year: String(year + 1) })}>
            {year + 1} →
          </button>
        </div>
        <QueryState query={days}>
          {(d) => (
            <ChartFrame
              title={`Reading days in ${year}`}
              summary={`${formatNumber(d.pages)} pages on ${d.days.length} days in ${year}. Use the arrow keys to move between days and Enter to open one.`}
              rows={d.days}
              columns={[
                { label: "Day", value: (r) => formatDay(r.date) },
                { label: "Pages", value: (r) => formatNumber(r.pages), numeric: true },
                { label: "Entries", value: (r) => formatNumber(r.entries), numeric: true },
              ]}
            >
              {() => <Heatmap year={year} pages={pages} selected={selected} onSelect={select} />}
            </ChartFrame>
          )}
        </QueryState>
      </section>
      <div className="grid">
        <section className="card" aria-labelledby="month-title">
          <div className="row">
            <h2 id="month-title">{formatMonth(month)}</h2>
            <button
              type="button"
              className="button"
              onClick={() => shiftMonth(-1)}
              aria-label="Previous month"
            >
              ←
            </button>
            <button type="button" className="button" onClick={() => shiftMonth(1)} aria-label="Next month">
              →
            </button>
          </div>
          <MonthView month={month} pages={monthPages} selected={selected} onSelect={select} />
        </section>
        {selected ? (
          <DayEntries date={selected} />
        ) : (
          <section className="card">
            <h2>Pick a day</h2>
            <p className="muted">Choose a day in the year or the month to see and fix what you read.</p>
          </section>
        )}
      </div>
    </>
  );
}

function monthEnd(month: string): string {
  const d = parseDay(`${month}-01`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}
