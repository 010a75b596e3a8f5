import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { renderPage } from "../test/render";
import { NotePage } from "./note-page";

// The live editor (Yjs, CodeMirror, Hocuspocus) runs in a real browser: test/e2e/notes-together.test.ts.
vi.mock("../components/note-together", () => ({
  default: ({ noteId, link }: { noteId: string; link?: string }) => (
    <p>
      live editor of {noteId}
      {link ? ` with ${link}` : ""}
    </p>
  ),
}));

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

  it("edits the text together (the live editor, on its own chunk) and saves title, tags and book apart", async () => {
    setup();
    fakeApi.on("PATCH /api/notes/n1", () => json(note(3)));
    render();
    await userEvent.click(await screen.findByRole("button", { name: "Edit" }));
    expect(await screen.findByText("live editor of n1")).toBeTruthy();
    const title = screen.getByLabelText("Title");
    await userEvent.clear(title);
    await userEvent.type(title, "Melange");
    await userEvent.click(screen.getByRole("button", { name: "Save title, tags and book" }));
    await waitFor(() =>
      expect(fakeApi.callsTo("PATCH", "/api/notes/n1")[0]?.body).toEqual({
        title: "Melange",
        tags: ["sf"],
        bookId: null,
      }),
    );
    // The text is not sent over REST: the collab server stores it.
    expect(fakeApi.callsTo("PATCH", "/api/notes/n1")[0]?.body).not.toHaveProperty("body");
    await userEvent.click(screen.getByRole("button", { name: "Stop editing" }));
    expect(screen.queryByText("live editor of n1")).toBeNull();
  });

  it("shares with an account, makes a link shown once, revokes it and stops sharing (owner)", async () => {
    setup();
    let shares = {
      accounts: [{ userId: "u2", name: "Bob", role: "viewer", expiresAt: null }] as unknown[],
      invitations: [] as unknown[],
      links: [] as unknown[],
    };
    fakeApi.on("GET /api/notes/n1/shares", () => json(shares));
    fakeApi.on("POST /api/notes/n1/shares", () => {
      shares = {
        ...shares,
        invitations: [
          { id: "g1", email: "bob@example.com", role: "viewer", createdAt: "2026-11-02T10:00:00Z" },
        ],
      };
      return new Response(null, { status: 204 });
    });
    fakeApi.on("DELETE /api/notes/n1/invitations/g1", () => {
      shares = { ...shares, invitations: [] };
      return new Response(null, { status: 204 });
    });
    fakeApi.on("POST /api/notes/n1/links", () => {
      const link = {
        id: "l1",
        noteId: "n1",
        role: "editor",
        expiresAt: null,
        createdAt: "2026-11-02T10:00:00Z",
      };
      shares = { ...shares, links: [link] };
      return json({ ...link, token: "s3cret" }, 201);
    });
    fakeApi.on("DELETE /api/notes/n1/links/l1", () => {
      shares = { ...shares, links: [] };
      return new Response(null, { status: 204 });
    });
    fakeApi.on("DELETE /api/notes/n1/shares/u2", () => {
      shares = { ...shares, accounts: [] };
      return new Response(null, { status: 204 });
    });
    render();
    const sharing = await screen.findByRole("region", { name: "Sharing" });
    await userEvent.type(within(sharing).getByLabelText("Share with (their email)"), "bob@example.com");
    await userEvent.selectOptions(within(sharing).getByLabelText("They"), "viewer");
    await userEvent.click(within(sharing).getByRole("button", { name: "Share" }));
    // Invited by email: listed as invited (never as an account) until whoever has it opens the note.
    const invited = await within(sharing).findByRole("list", { name: "Invited, not opened yet" });
    expect(within(invited).getByText("bob@example.com")).toBeTruthy();
    expect(within(invited).getByText(/invited \(can read\)/)).toBeTruthy();
    expect(within(sharing).getByRole("status").textContent).toMatch(/^Invited bob@example.com \(can read\)/);
    expect(fakeApi.callsTo("POST", "/api/notes/n1/shares")[0]?.body).toEqual({
      email: "bob@example.com",
      role: "viewer",
    });
    await userEvent.click(
      within(invited).getByRole("button", { name: "Cancel invitation of bob@example.com" }),
    );
    await waitFor(() =>
      expect(within(sharing).queryByRole("list", { name: "Invited, not opened yet" })).toBeNull(),
    );
    const people = within(sharing).getByRole("list", { name: "People it is shared with" });
    expect(within(people).getByText("Bob")).toBeTruthy();
    expect(within(people).getByText("can read")).toBeTruthy();

    await userEvent.selectOptions(within(sharing).getByLabelText("Whoever has the link"), "editor");
    await userEvent.selectOptions(within(sharing).getByLabelText("for"), "Until revoked");
    await userEvent.click(within(sharing).getByRole("button", { name: "Make a link" }));
    const url = (await within(sharing).findByLabelText(/The link \(shown once/)) as HTMLInputElement;
    expect(url.value).toMatch(/\/notes\/n1\?link=s3cret$/);
    expect(fakeApi.callsTo("POST", "/api/notes/n1/links")[0]?.body).toEqual({
      role: "editor",
      expiresInHours: null,
    });
    const links = await within(sharing).findByRole("list", { name: "Live links" });
    await userEvent.click(within(links).getByRole("button", { name: "Revoke this link" }));
    await waitFor(() => expect(within(sharing).queryByRole("list", { name: "Live links" })).toBeNull());
    await userEvent.click(within(people).getByRole("button", { name: "Stop sharing with Bob" }));
    await waitFor(() => expect(fakeApi.callsTo("DELETE", "/api/notes/n1/shares/u2")).toHaveLength(1));
  });

  it("a note shared with me: no Delete, no Sharing, the live editor when I edit", async () => {
    setup();
    fakeApi.on("GET /api/notes/n1", () => json({ ...note(), ownerId: "u9" }));
    render();
    expect(await screen.findByText("Shared with you.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull();
    expect(screen.queryByRole("region", { name: "Sharing" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Edit" }));
    expect(await screen.findByText("live editor of n1")).toBeTruthy();
    expect(screen.queryByLabelText("Title")).toBeNull();
  });

  it("opens a note by its share link: the live editor with the link's secret", async () => {
    setup();
    fakeApi.on("GET /api/notes/n1", () => problem(404, "Note not found"));
    render("/notes/n1?link=s3cret");
    expect(await screen.findByRole("heading", { level: 1, name: "Shared note" })).toBeTruthy();
    expect(await screen.findByText("live editor of n1 with s3cret")).toBeTruthy();
  });

  it("a share link shows the note's real title, read with the link's secret", async () => {
    setup();
    fakeApi.on("GET /api/notes/n1", (request) =>
      request.headers.get("x-readlog-link") === "s3cret" ? json(note()) : problem(404, "Note not found"),
    );
    render("/notes/n1?link=s3cret");
    expect(await screen.findByRole("heading", { level: 1, name: "Spice" })).toBeTruthy();
    expect(await screen.findByText("live editor of n1 with s3cret")).toBeTruthy();
    expect(screen.queryByRole("region", { name: "Sharing" })).toBeNull();
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
