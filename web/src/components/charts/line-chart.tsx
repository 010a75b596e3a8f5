import { daysBetween, formatDay, formatNumber } from "../../lib/format";
import { areaPath, linearScale, linePath } from "./scales";

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
  const x = linearScale([0, span], [M.left, W - M.right]);
  const y = linearScale([0, Math.max(1, max ?? 0, ...points.map((p) => p.value))], [H - M.bottom, M.top], {
    nice: true,
  });
  const px = (p: LinePoint) => x(daysBetween(first, p.date));
  const xy = points.map((p) => [px(p), y(p.value)] as const);
  const path = linePath(xy);
  const under = areaPath(xy, y(0));
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
