import { type KeyboardEvent, useRef } from "react";
import { addDays, formatDay, formatNumber, parseDay } from "../../lib/format";

const CELL = 13;
const GAP = 3;
const LEFT = 28;
const TOP = 16;

/** Level 0–4 of a day: 0 for none, then quarters of the year's busiest day (GitHub-style). */
export function levels(values: number[]): (v: number) => number {
  const max = Math.max(0, ...values);
  return (v) => (v <= 0 || max === 0 ? 0 : Math.min(4, Math.max(1, Math.ceil((v / max) * 4))));
}

/** Monday-first weekday (0–6) of a local day. */
function weekday(day: string): number {
  return (parseDay(day).getUTCDay() + 6) % 7;
}

/**
 * A year of pages per day, one square a day, a column a week (Monday first). One square at a time is in
 * the tab order; the arrow keys move between days, Home/End to the year's ends, Enter or a click opens
 * the day.
 */
export function Heatmap({
  year,
  pages,
  selected,
  onSelect,
}: {
  year: number;
  pages: Map<string, number>;
  selected: string | null;
  onSelect: (day: string) => void;
}) {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const days: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
  const level = levels([...pages.values()]);
  const offset = weekday(first);
  const pos = (i: number) => {
    const cell = i + offset;
    return { x: LEFT + Math.floor(cell / 7) * (CELL + GAP), y: TOP + (cell % 7) * (CELL + GAP) };
  };
  const weeks = Math.ceil((days.length + offset) / 7);
  const width = LEFT + weeks * (CELL + GAP);
  const height = TOP + 7 * (CELL + GAP);
  const focusDay =
    selected && selected >= first && selected <= last ? selected : (days.find((d) => pages.has(d)) ?? first);
  const svg = useRef<SVGSVGElement>(null);

  const move = (e: KeyboardEvent<SVGRectElement>, day: string) => {
    const step: Record<string, number> = { ArrowLeft: -7, ArrowRight: 7, ArrowUp: -1, ArrowDown: 1 };
    let next: string | null = null;
    if (e.key in step) next = addDays(day, step[e.key] ?? 0);
    else if (e.key === "Home") next = first;
    else if (e.key === "End") next = last;
    else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onSelect(day);
      return;
    }
    if (!next) return;
    e.preventDefault();
    if (next < first || next > last) return;
    onSelect(next);
    svg.current?.querySelector<SVGRectElement>(`[data-day="${next}"]`)?.focus();
  };

  const monthStarts = days.filter((d) => d.endsWith("-01"));
  const weekdayNames = [0, 2, 4].map((i) => ({
    i,
    name: new Intl.DateTimeFormat(undefined, { weekday: "short", timeZone: "UTC" }).format(
      parseDay(addDays("2024-01-01", i)),
    ),
  }));
  return (
    <div className="heatmap">
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG cannot hold a <fieldset>; role=group names the days it holds */}
      <svg ref={svg} viewBox={`0 0 ${width} ${height}`} role="group" aria-label={`Pages per day in ${year}`}>
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: month and weekday labels only; each square says its own day */}
        <g aria-hidden="true">
          {monthStarts.map((d) => (
            <text key={d} x={pos(days.indexOf(d)).x} y={10}>
              {new Intl.DateTimeFormat(undefined, { month: "short", timeZone: "UTC" }).format(parseDay(d))}
            </text>
          ))}
          {weekdayNames.map((w) => (
            <text key={w.i} x={0} y={TOP + w.i * (CELL + GAP) + CELL - 2}>
              {w.name}
            </text>
          ))}
        </g>
        {days.map((d, i) => {
          const p = pos(i);
          const n = pages.get(d) ?? 0;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG square cannot be a <button>; it has the role, name and keys of one
            <rect
              key={d}
              data-day={d}
              data-level={level(n)}
              x={p.x}
              y={p.y}
              width={CELL}
              height={CELL}
              rx={2}
              role="button"
              tabIndex={d === focusDay ? 0 : -1}
              aria-label={`${formatDay(d, { dateStyle: "full" })}: ${n > 0 ? `${formatNumber(n)} pages` : "no pages"}`}
              aria-pressed={d === selected}
              onClick={() => onSelect(d)}
              onKeyDown={(e) => move(e, d)}
            />
          );
        })}
      </svg>
    </div>
  );
}
