import { QueryClient } from "@tanstack/react-query";
import { waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { prefetchFor } from "./prefetch";
import { keys, pagesPerDayFrom } from "./query-keys";

const TODAY = "2026-05-20";

function answerAll() {
  fakeApi
    .on("GET /api/me", () => json({ id: "u1" }))
    .on("GET /api/stats", () => json({ today: TODAY }))
    .on("GET /api/stats/pages-by-month", () => json({ items: [] }))
    .on("GET /api/days", () => json({ days: [] }))
    .on("GET /api/days/2026-05-20", () => json({ date: TODAY, pages: 0, entries: [] }))
    .on("GET /api/stats/years/2026", () => json({ books: [] }));
}

const paths = () => fakeApi.calls.map((c) => c.path);

describe("prefetchFor (the boot script's requests)", () => {
  it("asks for the whole dashboard at once on /stats: what needs the stats' today as soon as they answer", async () => {
    answerAll();
    const queryClient = new QueryClient();
    prefetchFor(queryClient, "/stats");
    // The first three leave together, before any answer.
    await waitFor(() =>
      expect(paths().slice(0, 3)).toEqual(["/api/me", "/api/stats", "/api/stats/pages-by-month"]),
    );
    const from = pagesPerDayFrom(TODAY);
    await waitFor(() => expect(queryClient.getQueryData(keys.days(from, TODAY))).toEqual({ days: [] }));
    await waitFor(() => expect(queryClient.getQueryData(keys.yearInBooks(2026))).toEqual({ books: [] }));
    expect(paths().slice(3).sort()).toEqual(["/api/days", "/api/stats/years/2026"]);
    expect(queryClient.getQueryData(keys.pagesByMonth)).toEqual({ items: [] });
  });

  it("asks for today's stats and day on Today", async () => {
    answerAll();
    const queryClient = new QueryClient();
    prefetchFor(queryClient, "/");
    await waitFor(() => expect(queryClient.getQueryData(keys.day(TODAY))).toBeDefined());
    expect(paths()).toEqual(["/api/me", "/api/stats", "/api/days/2026-05-20"]);
  });

  it("asks for nothing on the sign-in page, and only for the session on other pages", async () => {
    answerAll();
    const signIn = new QueryClient();
    prefetchFor(signIn, "/sign-in");
    const library = new QueryClient();
    prefetchFor(library, "/library");
    await waitFor(() => expect(library.getQueryData(keys.me)).toBeDefined());
    expect(paths()).toEqual(["/api/me"]);
    expect(signIn.getQueryCache().getAll()).toEqual([]);
  });

  it("stops after a 401 (no session yet): the page asks again after sign-in", async () => {
    fakeApi
      .on("GET /api/me", () => problem(401, "Sign in first"))
      .on("GET /api/stats", () => problem(401, "Sign in first"))
      .on("GET /api/stats/pages-by-month", () => problem(401, "Sign in first"));
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    prefetchFor(queryClient, "/stats");
    await waitFor(() => expect(queryClient.getQueryState(keys.stats)?.status).toBe("error"));
    expect(paths()).toEqual(["/api/me", "/api/stats", "/api/stats/pages-by-month"]);
  });
});
