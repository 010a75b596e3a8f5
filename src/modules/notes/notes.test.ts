import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { GrantsRepo } from "../../platform/access/grants.js";

describe.each(ENGINES)("notes API (%s)", (engine) => {
  let t: TestApp;
  let c: Client;
  let other: Client;

  beforeAll(async () => {
    const started = await appWithAdmin(engine);
    t = started.t;
    c = await newUser(t, { admin: started.admin });
    other = await newUser(t, { admin: started.admin });
  });
  afterAll(() => t.close());

  const post = (who: Client, url: string, payload: object) => who.request({ method: "POST", url, payload });
  const book = async (title: string) => (await post(c, "/api/books", { title })).json().id as string;

  it("creates, reads, lists and filters notes", async () => {
    const bookId = await book("Dune");
    const r = await post(c, "/api/notes", {
      title: "Spice",
      body: "The **spice** must flow.",
      bookId,
      location: { page: { start: "12" } },
      tags: ["Ideas", "ideas", "To  Review"],
    });
    expect(r.statusCode, r.body).toBe(201);
    const note = r.json();
    expect(note).toMatchObject({
      title: "Spice",
      bookId,
      tags: ["ideas", "to review"],
      version: 1,
      source: "api",
      locationLabel: "p. 12",
    });
    await post(c, "/api/notes", { body: "standalone thought", tags: ["misc"] });
    const all = (await c.request({ method: "GET", url: "/api/notes" })).json();
    expect(all.items.map((n: { body: string }) => n.body)).toEqual([
      "standalone thought",
      "The **spice** must flow.",
    ]);
    const byBook = (await c.request({ method: "GET", url: `/api/notes?bookId=${bookId}` })).json();
    expect(byBook.items.map((n: { id: string }) => n.id)).toEqual([note.id]);
    const byTag = (await c.request({ method: "GET", url: "/api/notes?tag=TO%20REVIEW" })).json();
    expect(byTag.items.map((n: { id: string }) => n.id)).toEqual([note.id]);
    const page1 = (await c.request({ method: "GET", url: "/api/notes?limit=1" })).json();
    expect(page1.items).toHaveLength(1);
    const page2 = (
      await c.request({ method: "GET", url: `/api/notes?limit=1&cursor=${page1.nextCursor}` })
    ).json();
    expect(page2.items.map((n: { id: string }) => n.id)).toEqual([note.id]);
    const tags = (await c.request({ method: "GET", url: "/api/tags" })).json();
    expect(tags.items).toEqual([
      { tag: "ideas", notes: 1, highlights: 0 },
      { tag: "misc", notes: 1, highlights: 0 },
      { tag: "to review", notes: 1, highlights: 0 },
    ]);
  });

  it("keeps each save as a revision, refuses a stale version, and restores an old one", async () => {
    const note = (await post(c, "/api/notes", { title: "Draft", body: "one" })).json();
    const patch = (payload: object) => c.request({ method: "PATCH", url: `/api/notes/${note.id}`, payload });
    expect((await patch({ body: "two", ifVersion: 1 })).json()).toMatchObject({ body: "two", version: 2 });
    const stale = await patch({ body: "three", ifVersion: 1 });
    expect(stale.statusCode).toBe(409);
    expect((await patch({ body: "three" })).json().version).toBe(3);
    const revs = (await c.request({ method: "GET", url: `/api/notes/${note.id}/revisions` })).json();
    expect(revs.items.map((r: { version: number; body: string }) => [r.version, r.body])).toEqual([
      [3, "three"],
      [2, "two"],
      [1, "one"],
    ]);
    const restored = await post(c, `/api/notes/${note.id}/restore`, { version: 1 });
    expect(restored.json()).toMatchObject({ body: "one", version: 4 });
    const missing = await post(c, `/api/notes/${note.id}/restore`, { version: 99 });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0]).toMatchObject({ field: "/body/version", rule: "not-found" });
  });

  it("resolves wikilinks to books and notes, shows missing ones, and lists backlinks", async () => {
    const bookId = await book("Cien años de soledad");
    const target = (await post(c, "/api/notes", { title: "Macondo", body: "a town" })).json();
    const linking = (
      await post(c, "/api/notes", {
        title: "Links",
        body: "See [[cien anos de soledad]], [[Macondo|the town]] and [[Nowhere]]. <script>alert(1)</script>",
      })
    ).json();
    const d = (await c.request({ method: "GET", url: `/api/notes/${linking.id}` })).json();
    expect(d.links).toEqual([
      {
        target: "cien anos de soledad",
        alias: null,
        resolved: { kind: "book", id: bookId, title: "Cien años de soledad" },
      },
      { target: "Macondo", alias: "the town", resolved: { kind: "note", id: target.id, title: "Macondo" } },
      { target: "Nowhere", alias: null, resolved: null },
    ]);
    expect(d.html).toContain(`href="/books/${bookId}"`);
    expect(d.html).toContain("wikilink-missing");
    expect(d.html).not.toContain("<script>");
    const back = (await c.request({ method: "GET", url: `/api/notes/${target.id}` })).json();
    expect(back.backlinks).toEqual([{ noteId: linking.id, title: "Links" }]);
  });

  it("answers another user 404, lets a viewer read and an editor save, and refuses a read-only token", async () => {
    const note = (await post(c, "/api/notes", { body: "private" })).json();
    const url = `/api/notes/${note.id}`;
    expect((await other.request({ method: "GET", url })).statusCode).toBe(404);
    expect((await other.request({ method: "PATCH", url, payload: { body: "x" } })).statusCode).toBe(404);
    const grants = new GrantsRepo(t.services.uow, t.clock);
    const share = (relation: string) =>
      grants.grant({
        resourceType: "note",
        resourceId: note.id,
        subjectType: "user",
        subjectId: other.userId,
        relation,
      });
    await share("viewer");
    expect((await other.request({ method: "GET", url })).json().body).toBe("private");
    expect((await other.request({ method: "PATCH", url, payload: { body: "x" } })).statusCode).toBe(403);
    await share("editor");
    const saved = await other.request({ method: "PATCH", url, payload: { body: "edited" } });
    expect(saved.json()).toMatchObject({ body: "edited", version: 2, ownerId: c.userId });
    expect((await other.request({ method: "DELETE", url })).statusCode).toBe(403);
    const tok = await c.request({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "ro", scopes: ["read"] },
    });
    const ro = (o: object) =>
      t.app.inject({ ...o, headers: { authorization: `Bearer ${tok.json().token}` } } as never);
    expect((await ro({ method: "GET", url })).statusCode).toBe(200);
    expect((await ro({ method: "PATCH", url, payload: { body: "y" } })).statusCode).toBe(403);
    expect((await ro({ method: "POST", url: "/api/notes", payload: { body: "y" } })).statusCode).toBe(403);
    expect((await c.request({ method: "DELETE", url })).statusCode).toBe(204);
    expect((await c.request({ method: "GET", url })).statusCode).toBe(404);
  });

  it("takes a note of almost 1 MB, refuses a larger body with 413, and never a 500", async () => {
    const big = "word ".repeat(200_000);
    const ok = await post(c, "/api/notes", { body: big.slice(0, 1_000_000) });
    expect(ok.statusCode).toBe(201);
    const tooBig = await post(c, "/api/notes", { body: "x".repeat(1_100_000) });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.headers["content-type"]).toContain("application/problem+json");
  });

  it("refuses a book that is not the user's, and bad fields by name", async () => {
    const theirs = (await post(other, "/api/books", { title: "Theirs" })).json().id;
    const r = await post(c, "/api/notes", { body: "x", bookId: theirs });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: "/body/bookId", rule: "not-found" });
    const bad = await post(c, "/api/notes", { body: "x", tags: ["a,b"] });
    expect(bad.statusCode).toBe(400);
  });

  it("keeps highlights with their location; editing the note keeps the quote, editing the quote keeps history", async () => {
    const bookId = await book("Meditations");
    const r = await post(c, "/api/highlights", {
      text: "You have power over your mind",
      bookId,
      color: "Yellow",
      tags: ["stoic"],
      location: { page: { start: "12" }, kindle: { start: 100, end: 102 }, chapter: "Book 2" },
    });
    expect(r.statusCode, r.body).toBe(201);
    const h = r.json();
    expect(h).toMatchObject({ color: "yellow", locationLabel: "Book 2 · p. 12 · loc. 100–102", history: [] });
    const url = `/api/highlights/${h.id}`;
    const noted = (await c.request({ method: "PATCH", url, payload: { note: "so true" } })).json();
    expect(noted).toMatchObject({ text: "You have power over your mind", note: "so true" });
    const grown = (
      await c.request({
        method: "PATCH",
        url,
        payload: { text: "You have power over your mind — not outside events." },
      })
    ).json();
    expect(grown.history).toEqual([
      { text: "You have power over your mind", location: h.location, at: h.createdAt },
    ]);
    const list = (
      await c.request({ method: "GET", url: `/api/highlights?bookId=${bookId}&color=YELLOW` })
    ).json();
    expect(list.items.map((x: { id: string }) => x.id)).toEqual([h.id]);
    expect((await other.request({ method: "GET", url })).statusCode).toBe(404);
    expect((await c.request({ method: "DELETE", url })).statusCode).toBe(204);
  });
});
