import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json } from "../test/fake-api";
import { renderPage } from "../test/render";
import { ReviewsPage } from "./reviews-page";

const CARD = {
  id: "c1",
  kind: "highlight",
  subjectId: "h1",
  bookId: "b1",
  prompt: "“Fear is the mind-killer.” — Dune (p. 8)",
  dueOn: "2026-05-02",
  dueAt: "2026-05-02T08:00:00Z",
  state: "new",
  reps: 0,
  lapses: 0,
  stability: 0,
  difficulty: 0,
  scheduledDays: 0,
  lastReview: null,
  desiredRetention: null,
  suspendedAt: null,
  retiredAt: null,
  tune: 1,
  shows: 1,
  weight: 0.5,
  lastShownOn: "2026-05-02",
};

function setup() {
  let answer: string | null = null;
  fakeApi.on("GET /api/reviews/due", () => json({ today: "2026-05-02", items: [], highlights: [] }));
  fakeApi.on("GET /api/reviews/stats", () =>
    json({
      from: "2026-04-03",
      to: "2026-05-02",
      reviewsPerDay: [],
      reviews: 0,
      retention: null,
      dueNext7Days: [],
    }),
  );
  fakeApi.on("GET /api/reviews/highlights", () =>
    json({ today: "2026-05-02", items: [{ card: CARD, highlightIds: ["h1"], answer }] }),
  );
  fakeApi.on("POST /api/reviews/c1/answer", (_r, body) => {
    answer = (body as { answer: string }).answer;
    return json({ card: { ...CARD, tune: 2, weight: 1 }, answer, localDate: "2026-05-02", replaced: null });
  });
  fakeApi.on("DELETE /api/reviews/c1/answer", () => {
    answer = null;
    return json(CARD);
  });
}

describe("ReviewsPage", () => {
  it("shows today's highlight cards; master, soon and later answer them, and an answer can be undone", async () => {
    setup();
    renderPage(ReviewsPage, "/reviews", "/reviews");
    const section = await screen.findByRole("region", { name: "Today's highlights" });
    expect(within(section).getByText("“Fear is the mind-killer.” — Dune (p. 8)")).toBeTruthy();
    const card = within(section).getByRole("listitem", { name: /Fear is the mind-killer/ });
    const group = within(card).getByRole("group", { name: "How often should it come back?" });
    const soon = within(group).getByRole("button", { name: /Soon/ });
    expect(soon.getAttribute("aria-pressed")).toBe("false");
    expect(within(group).getByRole("button", { name: /Master/ })).toBeTruthy();
    expect(within(group).getByRole("button", { name: /Later/ })).toBeTruthy();
    await userEvent.click(soon);
    expect(fakeApi.callsTo("POST", "/api/reviews/c1/answer")[0]?.body).toEqual({ answer: "soon" });
    await waitFor(() =>
      expect(within(group).getByRole("button", { name: /Soon/ }).getAttribute("aria-pressed")).toBe("true"),
    );
    expect(within(card).getByRole("status").textContent).toMatch(/Answered soon/);
    await userEvent.click(within(card).getByRole("button", { name: "Undo" }));
    await waitFor(() => expect(fakeApi.callsTo("DELETE", "/api/reviews/c1/answer")).toHaveLength(1));
    await waitFor(() =>
      expect(within(group).getByRole("button", { name: /Soon/ }).getAttribute("aria-pressed")).toBe("false"),
    );
  });
});
