import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { renderPage } from "../test/render";
import { NotePage } from "./note-page";

function note(version = 2) {
  return {
    id: "n1",
    ownerId: "u1",
    bookId: null,
    target: null,
    location: null,
    locationLabel: null,
    title: "Spice",
    body: "Spice\n\nSee [[Dune]] and [[Nowhere]].",
    tags: ["sf"],
    language: null,
    source: "web",
    version,
    createdAt: "2026-11-01T10:00:00Z",
    updatedAt: "2026-11-02T10:00:00Z",
    html: '<p>Spice</p><p>See <a href="/books/b1" class="wikilink" data-wikilink="Dune">Dune</a> and <span class="wikilink wikilink-missing" data-wikilink="Nowhere">Nowhere</span>.</p>',
    links: [
      { target: "Dune", alias: null, resolved: { kind: "book", id: "b1", title: "Dune" } },
      { target: "Nowhere", alias: null, resolved: null },
    ],
    backlinks: [{ noteId: "n2", title: "Arrakis" }],
  };
}

function setup() {
  fakeApi.on("GET /api/books", () => json({ items: [], nextCursor: null }));
  fakeApi.on("GET /api/notes/n1", () => json(note()));
  fakeApi.on("GET /api/notes/n1/revisions", () =>
    json({
      items: [
        {
          version: 2,
          title: "Spice",
          body: "Spice\n\nSee [[Dune]]",
          tags: [],
          savedBy: "u1",
          createdAt: "2026-11-02T10:00:00Z",
        },
        {
          version: 1,
          title: "Spice",
          body: "Spice",
          tags: [],
          savedBy: "u1",
          createdAt: "2026-11-01T10:00:00Z",
        },
      ],
    }),
  );
}

const render = (path = "/notes/n1") => renderPage(NotePage, "/notes/:id", path);

describe("NotePage", () => {
  it("shows the rendered note with its wikilinks, the missing one marked, and its backlinks", async () => {
    setup();
    render();
    expect(await screen.findByRole("heading", { level: 1, name: "Spice" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Dune" }).getAttribute("href")).toBe("/books/b1");
    expect(screen.getByText("Nowhere").className).toContain("wikilink-missing");
    expect(screen.getByText(/Links to nothing yet: Nowhere/)).toBeTruthy();
    expect(screen.getByRole("link", { name: "Arrakis" }).getAttribute("href")).toBe("/notes/n2");
  });

  it("saves with ifVersion and says plainly when someone saved in between (409)", async () => {
    setup();
    fakeApi.on("PATCH /api/notes/n1", () =>
      problem(409, "The note is at version 3, not 2: reload it and retry"),
    );
    render();
    await userEvent.click(await screen.findByRole("button", { name: "Edit" }));
    const box = screen.getByLabelText("Note (Markdown)");
    await userEvent.type(box, " More.");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("this note changed meanwhile");
    expect(fakeApi.callsTo("PATCH", "/api/notes/n1")[0]?.body).toMatchObject({ ifVersion: 2 });
    expect((box as HTMLTextAreaElement).value).toContain("More.");
  });

  it("lists revisions and restores an earlier one", async () => {
    setup();
    fakeApi.on("POST /api/notes/n1/restore", () => json(note(3)));
    render();
    const list = await screen.findByRole("list", { name: "Revisions, latest first" });
    await waitFor(() => expect(within(list).getAllByRole("listitem")).toHaveLength(2));
    await userEvent.click(within(list).getByRole("button", { name: "Restore version 1" }));
    await waitFor(() =>
      expect(fakeApi.callsTo("POST", "/api/notes/n1/restore")[0]?.body).toEqual({ version: 1 }),
    );
  });

  it("shows the server's field error next to the field when a new note is refused", async () => {
    setup();
    fakeApi.on("POST /api/notes", () =>
      problem(400, "body: too long", [
        { field: "/body/body", rule: "maxLength", message: "At most 100000 characters" },
      ]),
    );
    render("/notes/new");
    await userEvent.type(
      await screen.findByLabelText("Note (Markdown)"),
      "Hello **you**, see [[[[Dune|the book]]",
    );
    await userEvent.click(screen.getByRole("button", { name: "Preview" }));
    const preview = await screen.findByRole("region", { name: "Preview" });
    expect((await within(preview).findByText("you")).tagName).toBe("STRONG");
    expect(within(preview).getByText("the book").className).toBe("wikilink");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("At most 100000 characters")).toBeTruthy();
    expect(screen.getByLabelText("Note (Markdown)").getAttribute("aria-invalid")).toBe("true");
  });
});
