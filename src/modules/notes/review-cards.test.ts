import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("notes and highlights in review (%s)", (engine) => {
  let t: TestApp;
  let c: Client;

  beforeAll(async () => {
    const started = await appWithAdmin(engine);
    t = started.t;
    c = await newUser(t, { admin: started.admin });
  });
  afterAll(() => t.close());

  const post = async (url: string, payload: object) => c.request({ method: "POST", url, payload });
  /** The book card as the API shows it: its prompt is made when shown. */
  const bookCard = async () => {
    const row = await t.services.db
      .selectFrom("review_cards")
      .select(["id"])
      .where("owner_id", "=", c.userId)
      .where("kind", "=", "book")
      .executeTakeFirstOrThrow();
    return (await c.request({ method: "GET", url: `/api/reviews/${row.id}` })).json() as { prompt: string };
  };

  it("a book card shows the book's real counts, and follows them", async () => {
    const book = (await post("/api/books", { title: "Dune", status: "reading" })).json();
    await post("/api/notes", { body: "one", bookId: book.id });
    await post("/api/highlights", { text: "a", bookId: book.id });
    await post("/api/highlights", { text: "b", bookId: book.id });
    await post(`/api/books/${book.id}/status`, { status: "finished" });
    await t.settle();
    expect((await bookCard()).prompt).toBe("What do you remember of Dune? (1 note, 2 highlights)");
    const h = (await post("/api/highlights", { text: "c", bookId: book.id })).json();
    await post("/api/notes", { body: "two", bookId: book.id });
    await t.settle();
    expect((await bookCard()).prompt).toBe("What do you remember of Dune? (2 notes, 3 highlights)");
    await c.request({ method: "DELETE", url: `/api/highlights/${h.id}` });
    await t.settle();
    expect((await bookCard()).prompt).toBe("What do you remember of Dune? (2 notes, 2 highlights)");
  });

  it("turns a highlight into one review card (asked again: the same card); one on no book is refused", async () => {
    const book = (await post("/api/books", { title: "Meditations" })).json();
    const h = (
      await post("/api/highlights", {
        text: "You have power over your mind.",
        bookId: book.id,
        location: { page: { start: "7" } },
      })
    ).json();
    const r = await post(`/api/highlights/${h.id}/card`, {});
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().prompt).toBe("“You have power over your mind.” — Meditations (p. 7)");
    expect((await post(`/api/highlights/${h.id}/card`, {})).json().cardId).toBe(r.json().cardId);
    const loose = (await post("/api/highlights", { text: "on no book" })).json();
    const refused = await post(`/api/highlights/${loose.id}/card`, {});
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].rule).toBe("no-book");
  });
});
