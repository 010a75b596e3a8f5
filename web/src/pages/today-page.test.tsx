import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { renderApp } from "../test/render";
import { TodayPage } from "./today-page";

const TODAY = "2026-11-20";

function stats(page: number | null) {
  return {
    today: TODAY,
    reading: [
      {
        bookId: "b1",
        title: "Dune",
        totalPages: 400,
        currentPage: page,
        percent: page === null ? null : (page / 400) * 100,
        pagesPerDay: 10,
        projectedFinish: "2026-12-20",
      },
    ],
    pagesPerDay: { last7: 10, last30: 8 },
    streak: { current: 3, longest: 9, longestEndedOn: "2026-10-01" },
    finished: { byMonth: [], byYear: [] },
    goal: { year: 2026, books: null, pages: null, booksDone: 0, pagesDone: 0 },
  };
}

function day(pages: number) {
  return {
    date: TODAY,
    pages,
    books: pages ? [{ bookId: "b1", title: "Dune", pages, entries: 1 }] : [],
    entries: [],
  };
}

/** A response the test releases when it wants, to look at the screen while the request is in flight. */
function deferred() {
  let release: (r: Response) => void = () => {};
  const promise = new Promise<Response>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe("TodayPage", () => {
  it("shows +10 at once (optimistic), sends the page, and keeps it after the server agrees", async () => {
    let serverPage = 100;
    fakeApi.on("GET /api/stats", () => json(stats(serverPage)));
    fakeApi.on("GET /api/days/2026-11-20", () => json(day(serverPage - 100)));
    const answer = deferred();
    fakeApi.on("POST /api/books/b1/progress", () => answer.promise);
    renderApp(<TodayPage />);
    const row = (await screen.findByText("Dune")).closest("li");
    if (!row) throw new Error("no row");
    expect(within(row).getByText(/p\. 100 of 400/)).toBeTruthy();

    await userEvent.click(within(row).getByRole("button", { name: "Add 10 pages to Dune" }));
    expect(within(row).getByText(/p\. 110 of 400/)).toBeTruthy();
    expect(within(row).getByText(/\+10 pages today/)).toBeTruthy();
    expect(fakeApi.callsTo("POST", "/api/books/b1/progress")[0]?.body).toEqual({ source: "web", page: 110 });

    serverPage = 110;
    answer.release(
      json(
        { entry: {}, currentPage: 110, percent: 27.5, totalPages: 400, pagesToday: 10, pagesThatDay: 10 },
        201,
      ),
    );
    await waitFor(() => expect(fakeApi.callsTo("GET", "/api/stats").length).toBeGreaterThan(1));
    expect(within(row).getByText(/p\. 110 of 400/)).toBeTruthy();
  });

  it("puts the page back and shows the server's detail when the server refuses", async () => {
    fakeApi.on("GET /api/stats", () => json(stats(100)));
    fakeApi.on("GET /api/days/2026-11-20", () => json(day(0)));
    fakeApi.on("POST /api/books/b1/progress", () =>
      problem(409, "Page 90 is below the last entry (100); send it as a correction"),
    );
    renderApp(<TodayPage />);
    const row = (await screen.findByText("Dune")).closest("li");
    if (!row) throw new Error("no row");
    await userEvent.type(within(row).getByLabelText("Page of Dune"), "90");
    await userEvent.click(within(row).getByRole("button", { name: "Set page" }));
    expect((await within(row).findByRole("alert")).textContent).toContain("send it as a correction");
    expect(within(row).getByText(/p\. 100 of 400/)).toBeTruthy();
  });

  it("checks a typed page against the book's length before sending", async () => {
    fakeApi.on("GET /api/stats", () => json(stats(100)));
    fakeApi.on("GET /api/days/2026-11-20", () => json(day(0)));
    renderApp(<TodayPage />);
    const row = (await screen.findByText("Dune")).closest("li");
    if (!row) throw new Error("no row");
    await userEvent.type(within(row).getByLabelText("Page of Dune"), "999");
    await userEvent.click(within(row).getByRole("button", { name: "Set page" }));
    expect(within(row).getByText("This book has 400 pages")).toBeTruthy();
    expect(fakeApi.callsTo("POST", "/api/books/b1/progress")).toHaveLength(0);
  });

  it("sends commands to POST /api/text, shows the reply, and keeps the text when it fails", async () => {
    fakeApi.on("GET /api/stats", () => json(stats(100)));
    fakeApi.on("GET /api/days/2026-11-20", () => json(day(0)));
    fakeApi.on("POST /api/text", (_r, body) =>
      (body as { text: string }).text === "dune 142"
        ? json({ reply: "Dune: p.142 (+42 today, 36%).", bookId: "b1" })
        : problem(400, "The text is empty"),
    );
    renderApp(<TodayPage />);
    const box = screen.getByLabelText("Command");
    await userEvent.type(box, "dune 142{Enter}");
    const log = await screen.findByRole("list", { name: "Commands and replies" });
    expect(within(log).getByText("Dune: p.142 (+42 today, 36%).")).toBeTruthy();
    expect(fakeApi.callsTo("POST", "/api/text")[0]?.body).toEqual({ text: "dune 142", channel: "web" });
    expect((box as HTMLInputElement).value).toBe("");
    // ↑ brings the last command back.
    await userEvent.type(box, "{ArrowUp}");
    expect((box as HTMLInputElement).value).toBe("dune 142");

    await userEvent.clear(box);
    await userEvent.type(box, "zzz{Enter}");
    await waitFor(() => expect(within(log).getByText("The text is empty")).toBeTruthy());
    expect((box as HTMLInputElement).value).toBe("zzz");
  });

  it("says what to do when nothing is being read", async () => {
    fakeApi.on("GET /api/stats", () => json({ ...stats(null), reading: [] }));
    fakeApi.on("GET /api/days/2026-11-20", () => json(day(0)));
    renderApp(<TodayPage />);
    expect(await screen.findByText("Nothing on your reading shelf")).toBeTruthy();
  });
});
