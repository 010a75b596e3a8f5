import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { renderPage } from "../test/render";
import { ClubsPage, JoinClubPage } from "./clubs-page";

const CLUB = {
  id: "c1",
  name: "Dune readers",
  description: null,
  role: "owner",
  reading: { title: "Dune", totalPages: 400, startsOn: "2026-11-01", pagesPerWeek: 50 },
  schedule: { week: 3, targetPage: 150 },
  unread: 4,
  createdAt: "2026-11-01T10:00:00Z",
};

describe("ClubsPage", () => {
  it("lists clubs with their unread count and the week's target", async () => {
    fakeApi.on("GET /api/clubs", () => json({ items: [CLUB] }));
    fakeApi.on("GET /api/club-invites", () => json({ items: [] }));
    renderPage(ClubsPage, "/clubs", "/clubs");
    const list = await screen.findByRole("list", { name: "Your clubs" });
    expect(within(list).getByRole("link", { name: "Dune readers" }).getAttribute("href")).toBe("/clubs/c1");
    expect(within(list).getByText("unread messages", { exact: false }).parentElement?.textContent).toBe(
      "4 unread messages",
    );
    expect(within(list).getByText(/week 3: up to p\. 150/)).toBeTruthy();
  });

  it("creates a club, showing the server's field error next to the field", async () => {
    fakeApi.on("GET /api/clubs", () => json({ items: [] }));
    fakeApi.on("GET /api/club-invites", () => json({ items: [] }));
    fakeApi.on("POST /api/clubs", () =>
      problem(400, "name: too long", [
        { field: "/body/name", rule: "maxLength", message: "At most 100 characters" },
      ]),
    );
    renderPage(ClubsPage, "/clubs", "/clubs");
    expect(await screen.findByText("You are in no club yet")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Create the club" }));
    expect(screen.getByText("The name is required")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Name"), "Sci-fi");
    await userEvent.click(screen.getByRole("button", { name: "Create the club" }));
    expect(await screen.findByText("At most 100 characters")).toBeTruthy();
    expect(fakeApi.callsTo("POST", "/api/clubs")[0]?.body).toEqual({ name: "Sci-fi" });
  });
});

describe("JoinClubPage", () => {
  it("joins with the invitation's secret and opens the club", async () => {
    fakeApi.on("POST /api/club-invites/accept", () => json({ clubId: "c1" }));
    const { location } = renderPage(JoinClubPage, "/clubs/join", "/clubs/join?token=s3cret");
    await waitFor(() => expect(location.history?.at(-1)).toBe("/clubs/c1"));
    expect(fakeApi.callsTo("POST", "/api/club-invites/accept")[0]?.body).toEqual({ token: "s3cret" });
  });

  it("says why an invitation did not work", async () => {
    fakeApi.on("POST /api/club-invites/accept", () =>
      problem(410, "This invitation expired; ask for a new one"),
    );
    renderPage(JoinClubPage, "/clubs/join", "/clubs/join?token=old");
    expect((await screen.findByRole("alert")).textContent).toContain("This invitation expired");
  });
});
