import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { addBook, move, progress, readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";
import { streaks } from "./stats.service.js";

describe("streaks", () => {
  it("counts consecutive days; today not yet read does not break the current streak", () => {
    const days = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-05", "2026-01-06"];
    expect(streaks(days, "2026-01-06")).toEqual({ current: 2, longest: 3, longestEndedOn: "2026-01-03" });
    expect(streaks(days, "2026-01-07").current).toBe(2);
    expect(streaks(days, "2026-01-08").current).toBe(0);
    expect(streaks([], "2026-01-08")).toEqual({ current: 0, longest: 0, longestEndedOn: null });
    expect(streaks(["2024-02-28", "2024-02-29", "2024-03-01"], "2024-03-01").current).toBe(3);
  });
});

describe.each(ENGINES)("stats and goals (%s)", (engine) => {
  let t: TestApp;
  let c: Client;
  let bob: Client;

  beforeAll(async () => {
    let admin: Client;
    ({ t, admin } = await appWithAdmin(engine));
    c = await newUser(t, { admin, timezone: "Europe/Berlin" });
    bob = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  it("derives current page, averages, projections, streaks, finished books and goal progress", async () => {
    t.clock.set("2026-06-30T10:00:00Z");
    const dune = await readingBook(c, { title: "Dune", totalPages: 500 });
    const noTotal = await readingBook(c, { title: "Untitled", totalPages: undefined });
    // 10 pages a day on 21–30 June (10 days), one gap on 18 June → 19 June.
    await progress(c, dune.id, { page: 10, date: "2026-06-17" });
    for (let d = 21; d <= 30; d++)
      await progress(c, dune.id, { page: 10 + (d - 20) * 10, date: `2026-06-${d}` });
    await progress(c, noTotal.id, { page: 7 });
    for (const [title, day] of [
      ["A", "2026-01-10"],
      ["B", "2026-01-20"],
      ["C", "2026-05-02"],
      ["D", "2025-12-31"],
    ] as const) {
      const b = await addBook(c, { title });
      await move(c, b.id, "reading", day);
      expect((await move(c, b.id, "finished", day)).statusCode).toBe(200);
    }
    await addBook(c, { title: "Wish" });
    await progress(bob, (await readingBook(bob)).id, { page: 300 });

    const r = await c.request({ method: "GET", url: "/api/stats" });
    expect(r.statusCode, r.body).toBe(200);
    const s = r.json();
    expect(s.today).toBe("2026-06-30");
    const byTitle = Object.fromEntries(s.reading.map((b: { title: string }) => [b.title, b]));
    // Dune: page 110 of 500; 110 pages in the last 14 days (17–30 June) → 7.9/day → 390 / (110/14) = 49.6 → 50 days.
    expect(byTitle.Dune).toMatchObject({
      currentPage: 110,
      percent: 22,
      pagesPerDay: 7.9,
      projectedFinish: "2026-08-19",
    });
    expect(byTitle.Untitled).toMatchObject({
      currentPage: 7,
      percent: null,
      totalPages: null,
      projectedFinish: null,
    });
    expect(s.reading).toHaveLength(2);
    // last 7 days: 24–30 June = 70 + 7; last 30 days (1–30 June): 110 + 7.
    expect(s.pagesPerDay).toEqual({ last7: 11, last30: 3.9 });
    expect(s.streak).toEqual({ current: 10, longest: 10, longestEndedOn: "2026-06-30" });
    expect(s.finished.byMonth).toEqual([
      { month: "2025-12", books: 1 },
      { month: "2026-01", books: 2 },
      { month: "2026-05", books: 1 },
    ]);
    expect(s.finished.byYear).toEqual([
      { year: 2025, books: 1 },
      { year: 2026, books: 3 },
    ]);
    expect(s.goal).toEqual({ year: 2026, books: null, pages: null, booksDone: 3, pagesDone: 117 });
  });

  it("sets and reads goals per year; null clears one, an omitted field keeps its value", async () => {
    const put = (year: number | string, payload: Record<string, unknown>) =>
      c.request({ method: "PUT", url: `/api/goals/${year}`, payload });
    const first = await put(2026, { books: 24, pages: 8000 });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ year: 2026, books: 24, pages: 8000, booksDone: 3, pagesDone: 117 });
    expect((await put(2026, { pages: null })).json()).toMatchObject({ books: 24, pages: null });
    expect((await c.request({ method: "GET", url: "/api/goals/2026" })).json()).toMatchObject({ books: 24 });
    expect((await c.request({ method: "GET", url: "/api/stats" })).json().goal).toMatchObject({ books: 24 });
    expect((await c.request({ method: "GET", url: "/api/goals/2025" })).json()).toEqual({
      year: 2025,
      books: null,
      pages: null,
      booksDone: 1,
      pagesDone: 0,
    });
    expect((await put(2026, { books: -1 })).statusCode).toBe(400);
    expect((await put(2026, { chapters: 3 })).statusCode).toBe(400);
    expect((await put("twenty", { books: 1 })).statusCode).toBe(400);
    expect((await bob.request({ method: "GET", url: "/api/goals/2026" })).json().books).toBeNull();
  });
});
