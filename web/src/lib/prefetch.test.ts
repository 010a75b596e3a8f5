import { QueryClient } from "@tanstack/react-query";
import { waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { prefetchFor } from "./prefetch";
import { keys, pagesPerDayFrom } from "./query-keys";

const TODAY = "2026-05-20";
const ZONE = "Europe/Berlin";

function answerAll() {
  fakeApi
    .on("GET /api/me", () => json({ id: "u1", timezone: ZONE }))
    .on("GET /api/stats", () => json({ today: TODAY }))
    .on("GET /api/stats/pages-by-month", () => json({ items: [] }))
    .on("GET /api/days", () => json({ days: [] }))
    .on("GET /api/days/2026-05-20", () => json({ date: TODAY, pages: 0, entries: [] }))
    .on("GET /api/stats/years/2026", () => json({ books: [] }));
}

const paths = () => fakeApi.calls.map((c) => c.path);

describe("prefetchFor (the boot script's requests)", () => {
  // This browser's clock: midday of TODAY in Berlin (only Date is faked; timers run).
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(`${TODAY}T10:00:00Z`));
  });
  afterEach(() => vi.useRealTimers());

  it("asks for the whole dashboard at once on /stats: what needs the user's today as soon as /api/me answers, before the stats", async () => {
    answerAll();
    // The stats (the slow request of a big account) answer only when let go.
    let answerStats = () => {};
    fakeApi.on(
      "GET /api/stats",
      () => new Promise<Response>((resolve) => (answerStats = () => resolve(json({ today: TODAY })))),
    );
    const queryClient = new QueryClient();
    prefetchFor(queryClient, "/stats");
    // The first three leave together, before any answer.
    await waitFor(() =>
      expect(paths().slice(0, 3)).toEqual(["/api/me", "/api/stats", "/api/stats/pages-by-month"]),
    );
    const from = pagesPerDayFrom(TODAY);
    await waitFor(() => expect(queryClient.getQueryData(keys.days(from, TODAY))).toEqual({ days: [] }));
    await waitFor(() => expect(queryClient.getQueryData(keys.yearInBooks(2026))).toEqual({ books: [] }));
    // Both answered while the stats were still being computed.
    expect(queryClient.getQueryData(keys.stats)).toBeUndefined();
    answerStats();
    await waitFor(() => expect(queryClient.getQueryData(keys.stats)).toEqual({ today: TODAY }));
    // The stats say the same today: nothing is asked twice.
    expect(paths().slice(3).sort()).toEqual(["/api/days", "/api/stats/years/2026"]);
    expect(queryClient.getQueryData(keys.pagesByMonth)).toEqual({ items: [] });
  });

  it("asks again for the stats' today when this browser's clock says another day (around midnight)", async () => {
    answerAll();
    fakeApi.on("GET /api/stats/years/2025", () => json({ books: [{ x: 1 }] }));
    // 00:30 on 1 January 2026 in Berlin; the server's clock still says 31 December 2025.
    vi.setSystemTime(new Date("2025-12-31T23:30:00Z"));
    fakeApi.on("GET /api/stats", () => json({ today: "2025-12-31" }));
    fakeApi.on("GET /api/stats/years/2026", () => json({ books: [] }));
    const queryClient = new QueryClient();
    prefetchFor(queryClient, "/stats");
    const day = "2025-12-31";
    await waitFor(() =>
      expect(queryClient.getQueryData(keys.days(pagesPerDayFrom(day), day))).toEqual({ days: [] }),
    );
    await waitFor(() =>
      expect(queryClient.getQueryData(keys.yearInBooks(2025))).toEqual({ books: [{ x: 1 }] }),
    );
    // The guess was asked for too (the page will use the stats' today).
    expect(queryClient.getQueryData(keys.days(pagesPerDayFrom("2026-01-01"), "2026-01-01"))).toBeDefined();
    expect(fakeApi.callsTo("GET", "/api/days")).toHaveLength(2);
  });

  it("waits for the stats' today when the user's time zone is unknown to this browser", async () => {
    answerAll();
    fakeApi.on("GET /api/me", () => json({ id: "u1", timezone: "Mars/Olympus_Mons" }));
    const queryClient = new QueryClient();
    prefetchFor(queryClient, "/stats");
    await waitFor(() => expect(queryClient.getQueryData(keys.yearInBooks(2026))).toEqual({ books: [] }));
    expect(fakeApi.callsTo("GET", "/api/days")).toHaveLength(1);
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
