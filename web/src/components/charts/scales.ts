/**
 * The little of d3 the charts use, written out (ADR 0101): a linear scale with "nice" bounds and round
 * ticks (d3-array's tick algorithm: steps of 1, 2 or 5 times a power of ten), a band scale, and SVG paths
 * for a line with gaps and the area under it. d3-scale and d3-shape cost 40 KB of JavaScript (13 KB gzip)
 * for this, most of it interpolators, colours and number formats the charts never use.
 */

const E10 = Math.sqrt(50);
const E5 = Math.sqrt(10);
const E2 = Math.sqrt(2);

/** [first tick index, last tick index, increment] (a negative increment -k means a step of 1/k). */
function tickSpec(start: number, stop: number, count: number): [number, number, number] {
  const step = (stop - start) / Math.max(0, count);
  const power = Math.floor(Math.log10(step));
  const error = step / 10 ** power;
  const factor = error >= E10 ? 10 : error >= E5 ? 5 : error >= E2 ? 2 : 1;
  let i1: number;
  let i2: number;
  let inc: number;
  if (power < 0) {
    inc = 10 ** -power / factor;
    i1 = Math.round(start * inc);
    i2 = Math.round(stop * inc);
    if (i1 / inc < start) ++i1;
    if (i2 / inc > stop) --i2;
    inc = -inc;
  } else {
    inc = 10 ** power * factor;
    i1 = Math.round(start / inc);
    i2 = Math.round(stop / inc);
    if (i1 * inc < start) ++i1;
    if (i2 * inc > stop) --i2;
  }
  if (i2 < i1 && 0.5 <= count && count < 2) return tickSpec(start, stop, count * 2);
  return [i1, i2, inc];
}

/** About `count` round values from `start` to `stop` (start ≤ stop). */
export function ticks(start: number, stop: number, count: number): number[] {
  if (!(count > 0)) return [];
  if (start === stop) return [start];
  const [i1, i2, inc] = tickSpec(start, stop, count);
  if (!(i2 >= i1)) return [];
  return Array.from({ length: i2 - i1 + 1 }, (_, i) => (inc < 0 ? (i1 + i) / -inc : (i1 + i) * inc));
}

function tickIncrement(start: number, stop: number, count: number): number {
  return tickSpec(start, stop, count)[2];
}

/** [start, stop] widened to round tick values, as d3's `linear.nice()` does. */
export function niceDomain(start: number, stop: number, count = 10): [number, number] {
  let prestep: number | undefined;
  for (let i = 0; i < 10; i++) {
    const step = tickIncrement(start, stop, count);
    if (step === prestep) break;
    if (step > 0) {
      start = Math.floor(start / step) * step;
      stop = Math.ceil(stop / step) * step;
    } else if (step < 0) {
      start = Math.ceil(start * step) / step;
      stop = Math.floor(stop * step) / step;
    } else break;
    prestep = step;
  }
  return [start, stop];
}

export interface LinearScale {
  (value: number): number;
  ticks(count: number): number[];
}

/** Maps [d0, d1] onto [r0, r1] (optionally with nice bounds first). */
export function linearScale(
  [d0, d1]: [number, number],
  [r0, r1]: [number, number],
  options: { nice?: boolean } = {},
): LinearScale {
  const [a, b] = options.nice ? niceDomain(d0, d1) : [d0, d1];
  const scale = (value: number) => {
    const t = b === a ? 0.5 : (value - a) / (b - a);
    return r0 * (1 - t) + r1 * t;
  };
  scale.ticks = (count: number) => ticks(a, b, count);
  return scale;
}

export interface BandScale {
  /** The left edge of a key's band (undefined for a key not in the domain). */
  (key: string): number | undefined;
  bandwidth(): number;
}

/** Equal bands for `keys` across [r0, r1], `padding` (0–1) of a step between and around them, centred. */
export function bandScale(keys: string[], [r0, r1]: [number, number], padding: number): BandScale {
  const n = keys.length;
  const step = (r1 - r0) / Math.max(1, n - padding + padding * 2);
  const start = r0 + (r1 - r0 - step * (n - padding)) * 0.5;
  const width = step * (1 - padding);
  const index = new Map(keys.map((k, i) => [k, i]));
  const scale = (key: string) => {
    const i = index.get(key);
    return i === undefined ? undefined : start + step * i;
  };
  scale.bandwidth = () => width;
  return scale;
}

type Point = readonly [number, number];

/** An SVG path through the points, lifting the pen over nulls (a line with gaps). */
export function linePath(points: (Point | null)[]): string {
  let d = "";
  let pen = false;
  for (const p of points) {
    if (p === null) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${p[0]},${p[1]}`;
    pen = true;
  }
  return d;
}

/** The closed SVG path of the area between the points and the horizontal line at `y0`. */
export function areaPath(points: Point[], y0: number): string {
  if (points.length === 0) return "";
  const top = points.map((p, i) => `${i ? "L" : "M"}${p[0]},${p[1]}`).join("");
  const bottom = [...points]
    .reverse()
    .map((p) => `L${p[0]},${y0}`)
    .join("");
  return `${top}${bottom}Z`;
}
