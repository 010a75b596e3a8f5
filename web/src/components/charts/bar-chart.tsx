import { formatNumber } from "../../lib/format";
import { bandScale, linearScale, linePath } from "./scales";

export interface BarDatum {
  key: string;
  /** Axis label (shown on every `labelEvery`-th bar). */
  label: string;
  value: number;
}

export interface Overlay {
  name: string;
  values: (number | null)[];
}

const H = 220;
const MAX_BAND = 56;
const M = { top: 10, right: 8, bottom: 28, left: 44 };

/**
 * Bars with optional lines on top (e.g. pages per day with its 7- and 30-day averages), drawn as SVG from
 * our scales (./scales). It is one image to assistive technology (`labelledBy` names and describes it); its figure
 * gives the table view.
 */
export function BarChart({
  data,
  overlays = [],
  labelledBy,
  title,
  labelEvery = 1,
  unit,
  compact,
}: {
  /** Drawn for half the page's width (the SVG scales, so a narrower drawing keeps its text readable). */
  compact?: boolean;
  title: string;
  data: BarDatum[];
  overlays?: Overlay[];
  labelledBy: string;
  labelEvery?: number;
  unit: string;
}) {
  const max = Math.max(
    1,
    ...data.map((d) => d.value),
    ...overlays.flatMap((o) => o.values.map((v) => v ?? 0)),
  );
  const W = compact ? 420 : 720;
  // Few bars stay bar-sized instead of filling the width.
  const right = Math.min(W - M.right, M.left + data.length * MAX_BAND * 1.25);
  const x = bandScale(
    data.map((d) => d.key),
    [M.left, right],
    data.length > 60 ? 0.1 : 0.2,
  );
  const y = linearScale([0, max], [H - M.bottom, M.top], { nice: true });
  // Counts (pages, books, cards) get whole-number ticks: no "0.2 cards" on an axis of small numbers.
  const whole = data.every((d) => Number.isInteger(d.value));
  const ticks = y.ticks(4).filter((t) => !whole || Number.isInteger(t));
  const centre = (i: number) => (x(data[i]?.key ?? "") ?? 0) + x.bandwidth() / 2;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={labelledBy} data-chart="bar">
      <title>{title}</title>
      <g className="axis">
        {ticks.map((t) => (
          <g key={t} transform={`translate(0,${y(t)})`}>
            <line x1={M.left} x2={W - M.right} strokeOpacity={t === 0 ? 1 : 0.5} />
            <text x={M.left - 6} dy="0.32em" textAnchor="end">
              {formatNumber(t)}
            </text>
          </g>
        ))}
        {data.map((d, i) =>
          i % labelEvery === 0 ? (
            <text key={d.key} x={centre(i)} y={H - M.bottom + 16} textAnchor="middle">
              {d.label}
            </text>
          ) : null,
        )}
      </g>
      <g>
        {data.map((d) => (
          <rect
            key={d.key}
            className="bar"
            x={x(d.key)}
            y={y(d.value)}
            width={x.bandwidth()}
            height={Math.max(0, y(0) - y(d.value))}
            rx={x.bandwidth() > 6 ? 2 : 0}
          >
            <title>{`${d.label}: ${formatNumber(d.value)} ${unit}`}</title>
          </rect>
        ))}
        {overlays.map((o, n) => {
          const path = linePath(o.values.map((v, i) => (v === null ? null : [centre(i), y(v)])));
          return path ? <path key={o.name} className={`line-${n + 1}`} d={path} /> : null;
        })}
      </g>
    </svg>
  );
}

/** The mean of each window of `days` values ending at each index (null until the window is full). */
export function movingAverage(values: number[], days: number): (number | null)[] {
  let sum = 0;
  return values.map((v, i) => {
    sum += v;
    if (i >= days) sum -= values[i - days] ?? 0;
    return i >= days - 1 ? sum / days : null;
  });
}
