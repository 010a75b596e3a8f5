import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json } from "../test/fake-api";
import { renderApp } from "../test/render";
import { NotesPage } from "./notes-page";

const empty = { items: [], nextCursor: null };

describe("NotesPage", () => {
  it("searches and marks the matches as text (never as HTML)", async () => {
    fakeApi.on("GET /api/notes", () => json(empty));
    fakeApi.on("GET /api/highlights", () => json(empty));
    fakeApi.on("GET /api/search", () =>
      json({
        hits: [
          {
            kind: "highlight",
            id: "h1",
            bookId: "b1",
            date: null,
            title: null,
            snippet: {
              text: "Fear is the <b>mind</b>-killer.",
              marks: [[15, 19]],
              cutStart: false,
              cutEnd: false,
            },
            score: 1,
          },
        ],
        nextCursor: null,
      }),
    );
    renderApp(<NotesPage />, "/notes");
    await userEvent.type(await screen.findByLabelText("Books, notes and highlights"), "mind");
    await userEvent.click(screen.getByRole("button", { name: "Search" }));
    const mark = await screen.findByText("mind");
    expect(mark.tagName).toBe("MARK");
    expect(mark.closest("a")?.getAttribute("href")).toBe("/books/b1");
    expect(document.querySelector("b")).toBeNull();
  });

  it("saves a new note and lists it", async () => {
    let notes: unknown[] = [];
    fakeApi.on("GET /api/notes", () => json({ items: notes, nextCursor: null }));
    fakeApi.on("GET /api/highlights", () => json(empty));
    fakeApi.on("POST /api/notes", (_r, body) => {
      notes = [
        {
          id: "n1",
          title: "Idea",
          body: (body as { body: string }).body,
          tags: [],
          updatedAt: "2026-11-20T10:00:00Z",
        },
      ];
      return json(notes[0], 201);
    });
    renderApp(<NotesPage />, "/notes");
    await userEvent.type(await screen.findByLabelText("Title (optional)"), "Idea");
    await userEvent.type(screen.getByLabelText(/Markdown/), "See dune");
    await userEvent.click(screen.getByRole("button", { name: "Save note" }));
    expect(await screen.findByRole("link", { name: "Idea" })).toBeTruthy();
    expect(fakeApi.callsTo("POST", "/api/notes")[0]?.body).toEqual({ title: "Idea", body: "See dune" });
  });
});
