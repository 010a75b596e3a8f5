import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { renderPage } from "../test/render";
import { NotesPage } from "./notes-page";

const NOTE = {
  id: "n1",
  ownerId: "u1",
  bookId: "b1",
  target: null,
  location: { page: { start: "42" } },
  locationLabel: null,
  title: "Spice must flow",
  body: "Spice must flow\n\ntext",
  tags: ["sf", "ideas"],
  language: null,
  source: "web",
  version: 1,
  createdAt: "2026-11-01T10:00:00Z",
  updatedAt: "2026-11-02T10:00:00Z",
};

function setup() {
  fakeApi.on("GET /api/books", () => json({ items: [{ id: "b1", title: "Dune" }], nextCursor: null }));
  fakeApi.on("GET /api/notes", (r) => {
    const tag = new URL(r.url).searchParams.get("tag");
    return json({ items: tag && tag !== "sf" ? [] : [NOTE], nextCursor: null });
  });
}

describe("NotesPage", () => {
  it("lists notes with their book and location, and filters by a tag", async () => {
    setup();
    renderPage(NotesPage, "/notes", "/notes");
    const list = await screen.findByRole("list", { name: "Notes" });
    expect(within(list).getByRole("link", { name: "Spice must flow" }).getAttribute("href")).toBe(
      "/notes/n1",
    );
    await waitFor(() => expect(within(list).getByText(/Dune · p\. 42/)).toBeTruthy());
    await userEvent.click(within(list).getByRole("button", { name: "#ideas" }));
    expect(await screen.findByText("No notes match")).toBeTruthy();
    expect(fakeApi.calls.some((c) => c.path === "/api/notes")).toBe(true);
  });

  it("searches with /api/search and marks the matched words", async () => {
    setup();
    fakeApi.on("GET /api/search", (r) => {
      expect(new URL(r.url).searchParams.get("q")).toBe("spice");
      return json({
        hits: [
          {
            kind: "note",
            id: "n1",
            bookId: "b1",
            date: null,
            title: { text: "Spice must flow", marks: [[0, 5]], cutStart: false, cutEnd: false },
            snippet: {
              text: "Spice must flow, said the man",
              marks: [[0, 5]],
              cutStart: false,
              cutEnd: true,
            },
            score: 1,
          },
        ],
        nextCursor: null,
      });
    });
    const { container } = renderPage(NotesPage, "/notes", "/notes");
    await userEvent.type(await screen.findByLabelText("Search notes, highlights and books"), "spice{Enter}");
    const results = await screen.findByRole("list", { name: "Search results" });
    expect(within(results).getByRole("link", { name: "Spice must flow" })).toBeTruthy();
    expect(container.querySelector("mark")?.textContent).toBe("Spice");
  });

  it("shows the problem's detail when the list cannot be loaded", async () => {
    setup();
    fakeApi.on("GET /api/notes", () => problem(503, "The database is not answering"));
    renderPage(NotesPage, "/notes", "/notes");
    expect((await screen.findByRole("alert")).textContent).toContain("The database is not answering");
  });
});
