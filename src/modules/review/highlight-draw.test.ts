import { describe, expect, it } from "vitest";
import {
  type DrawBook,
  drawHighlights,
  highlightWeight,
  rotation,
  seedOf,
  TUNE_MAX,
  TUNE_MIN,
  tuned,
} from "./highlight-draw.js";

const cards = (prefix: string, n: number, shows = 0, tune = 1) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${String(i).padStart(3, "0")}`, tune, shows }));
const book = (bookId: string, list: DrawBook["cards"]): DrawBook => ({
  bookId,
  asOne: false,
  highlights: list.length,
  cards: list,
});

/** How often each id comes first over `runs` seeds. */
function firsts(books: DrawBook[], runs = 4000): Map<string, number> {
  const out = new Map<string, number>();
  for (let s = 0; s < runs; s++) {
    const id = drawHighlights(books, 1, seedOf(`seed:${s}`))[0]!;
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

describe("the daily highlight draw", () => {
  it("is deterministic given the seed, whatever the input order", () => {
    const books = [book("b1", cards("a", 10)), book("b2", cards("b", 5))];
    const one = drawHighlights(books, 5, 42);
    expect(drawHighlights(books, 5, 42)).toEqual(one);
    const shuffled = [book("b2", [...cards("b", 5)].reverse()), book("b1", cards("a", 10))];
    expect(drawHighlights(shuffled, 5, 42)).toEqual(one);
    expect(new Set(one).size).toBe(5); // without replacement
    expect(drawHighlights(books, 5, 43)).not.toEqual(one);
  });

  it("a book's chance follows its share of the highlights", () => {
    // 30 of 40 highlights: three quarters of the first picks.
    const books = [book("big", cards("a", 30)), book("small", cards("b", 10))];
    const counts = firsts(books);
    const big = [...counts].filter(([id]) => id.startsWith("a")).reduce((n, [, k]) => n + k, 0);
    expect(big / 4000).toBeGreaterThan(0.71);
    expect(big / 4000).toBeLessThan(0.79);
  });

  it("a highlight shown more often is drawn less often; soon and later tune it", () => {
    const shown = { id: "x-shown", tune: 1, shows: 3 };
    const fresh = { id: "x-fresh", tune: 1, shows: 0 };
    const counts = firsts([book("b", [shown, fresh])]);
    // Weights 1/4 and 1: a fifth and four fifths.
    expect((counts.get("x-shown") ?? 0) / 4000).toBeGreaterThan(0.16);
    expect((counts.get("x-shown") ?? 0) / 4000).toBeLessThan(0.24);
    expect(highlightWeight(shown)).toBe(0.25);
    const soon = { ...shown, tune: tuned(1, "soon") };
    expect(highlightWeight(soon)).toBe(0.5);
    expect(tuned(1, "later")).toBe(0.5);
    expect(tuned(TUNE_MAX, "soon")).toBe(TUNE_MAX);
    expect(tuned(TUNE_MIN, "later")).toBe(TUNE_MIN);
  });

  it("a book reviewed as one card comes once, with its share times its tune", () => {
    const one: DrawBook = {
      bookId: "one",
      asOne: true,
      highlights: 20,
      cards: [{ id: "card", tune: 1, shows: 5 }],
    };
    const draw = drawHighlights([one, book("b", cards("b", 20))], 10, 7);
    expect(draw.filter((id) => id === "card")).toHaveLength(1);
    expect(draw).toHaveLength(10);
    // Shows do not lower a book card's share: 20 of 40.
    const counts = firsts([one, book("b", cards("b", 20))]);
    expect((counts.get("card") ?? 0) / 4000).toBeGreaterThan(0.45);
    expect((counts.get("card") ?? 0) / 4000).toBeLessThan(0.55);
    const later = { ...one, cards: [{ id: "card", tune: 0.5, shows: 0 }] };
    const fewer = firsts([later, book("b", cards("b", 20))]);
    expect((fewer.get("card") ?? 0) / 4000).toBeLessThan(0.4);
  });

  it("asks for more than there is: all of them", () => {
    expect(drawHighlights([book("b", cards("a", 3))], 5, 1).sort()).toEqual(["a000", "a001", "a002"]);
    expect(drawHighlights([], 5, 1)).toEqual([]);
  });

  it("a book's one card shows the next few highlights in turn", () => {
    const ids = ["h1", "h2", "h3", "h4", "h5"];
    expect(rotation(ids, 0)).toEqual(["h1", "h2", "h3"]);
    expect(rotation(ids, 1)).toEqual(["h4", "h5", "h1"]);
    expect(rotation(["h1", "h2"], 4)).toEqual(["h1", "h2"]);
  });
});
