import { scaleLinear } from "d3-scale";
import { area, line } from "d3-shape";
import { daysBetween, formatDay, formatNumber } from "../../lib/format";

export interface LinePoint {
  date: string;
  value: number;
}

const W = 720;
const H = 220;
const M = { top: 10, right: 12, bottom: 28, left: 44 };

/** A value over local days (a book's page by day), as an SVG step line with the area under it. */
export function LineChart({
  points,
  labelledBy,
  title,
  max,
}: {
  points: LinePoint[];
  labelledBy: string;
  title: string;
  max?: number;
}) {
  const first = points[0]?.date ?? "1970-01-01";
  const last = points.at(-1)?.date ?? first;
  const span = Math.max(1, daysBetween(first, last));
  const x = scaleLinear()
    .domain([0, span])
    .range([M.left, W - M.right]);
  const y = scaleLinear()
    .domain([0, Math.max(1, max ?? 0, ...points.map((p) => p.value))])
    .nice()
    .range([H - M.bottom, M.top]);
  const px = (p: LinePoint) => x(daysBetween(first, p.date));
  const path =
    line<LinePoint>()
      .x(px)
      .y((p) => y(p.value))(points) ?? "";
  const under =
    area<LinePoint>()
      .x(px)
      .y0(y(0))
      .y1((p) => y(p.value))(points) ?? "";
  const dateTicks = [first, ...(span > 1 ? [last] : [])];
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={labelledBy} data-chart="line">
      <title>{title}</title>
      <g className="axis">
        {y.ticks(4).map((t) => (
          <g key={t} transform={`translate(0,${y(t)})`}>
            <line x1={M.left} x2={W - M.right} strokeOpacity={t === 0 ? 1 : 0.5} />
            <text x={M.left - 6} dy="0.32em" textAnchor="end">
              {formatNumber(t)}
            </text>
          </g>
        ))}
        {dateTicks.map((d, i) => (
          <text key={d} x={x(daysBetween(first, d))} y={H - 8} textAnchor={i === 0 ? "start" : "end"}>
            {formatDay(d)}
          </text>
        ))}
      </g>
      <g>
        <path className="area" d={under} />
        <path className="line-1" d={path} />
        {points.map((p) => (
          <circle key={p.date} cx={px(p)} cy={y(p.value)} r={3} className="bar">
            <title>{`${formatDay(p.date)}: page ${formatNumber(p.value)}`}</title>
          </circle>
        ))}
      </g>
    </svg>
  );
}
