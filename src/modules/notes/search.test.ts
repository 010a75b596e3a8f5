import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("search API (%s)", (engine) => {
  let t: TestApp;
  let c: Client;
  let other: Client;
  let bookId: string;

  const post = (who: Client, url: string, payload: object) => who.request({ method: "POST", url, payload });
  const search = async (who: Client, query: string) => {
    const r = await who.request({ method: "GET", url: `/api/search?${query}` });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      hits: Array<{ kind: string; id: string; snippet: { text: string; marks: number[][] } }>;
      nextCursor: string | null;
    };
  };
  const q = (s: string) => `q=${encodeURIComponent(s)}`;

  beforeAll(async () => {
    const started = await appWithAdmin(engine);
    t = started.t;
    c = await newUser(t, { admin: started.admin });
    other = await newUser(t, { admin: started.admin });
    bookId = (
      await post(c, "/api/books", { title: "Cien años de soledad", authors: ["Gabriel García Márquez"] })
    ).json().id;
    await t.settle();
    await post(c, "/api/highlights", {
      text: "Muchos años después, frente al pelotón de fusilamiento",
      bookId,
      language: "es",
      tags: ["opening"],
    });
    await post(c, "/api/notes", {
      title: "Dreams",
      body: "She was **dreaming** of running horses.",
      language: "en",
    });
    await post(c, "/api/notes", { body: "吾輩は猫である。名前はまだ無い。" });
    await post(other, "/api/notes", { body: "other people's dreaming" });
  });
  afterAll(() => t.close());

  it("finds books, highlights and notes with folded accents, stems and marked snippets", async () => {
    expect((await search(c, q("cien anos"))).hits.map((h) => h.kind)).toEqual(["book"]);
    expect((await search(c, q("anos "))).hits.map((h) => h.kind).sort()).toEqual(["book", "highlight"]);
    const en = await search(c, q("dreams"));
    expect(en.hits).toHaveLength(1);
    const hit = en.hits[0]!;
    expect(hit.kind).toBe("note");
    const [s, e] = hit.snippet.marks[0]!;
    expect(hit.snippet.text.slice(s, e)).toBe("dreaming");
    expect((await search(c, q("猫"))).hits).toHaveLength(1);
    expect((await search(c, q('"frente al pelotón"'))).hits).toHaveLength(1);
    expect((await search(c, q("fusil*"))).hits).toHaveLength(1);
  });

  it("filters by kind, book and tag, and pages with a cursor", async () => {
    expect((await search(c, `${q("años")}&kind=book`)).hits.map((h) => h.kind)).toEqual(["book"]);
    expect((await search(c, `${q("años")}&kind=highlight&tag=Opening`)).hits).toHaveLength(1);
    expect((await search(c, `${q("años")}&tag=missing`)).hits).toHaveLength(0);
    expect((await search(c, `${q("años")}&bookId=${bookId}`)).hits).toHaveLength(2);
    const first = await search(c, `${q("años")}&limit=1`);
    expect(first.nextCursor).not.toBeNull();
    const second = await search(c, `${q("años")}&limit=1&cursor=${first.nextCursor}`);
    expect(second.hits[0]!.id).not.toBe(first.hits[0]!.id);
  });

  it("never answers 500 or an engine error for syntax characters or long queries", async () => {
    for (const text of [
      '"',
      "*",
      "NEAR(a b)",
      "-",
      ":",
      "a:b",
      '"unclosed',
      "(",
      "^x",
      "AND OR NOT",
      "-dreams",
    ]) {
      const r = await c.request({ method: "GET", url: `/api/search?${q(text)}` });
      expect([200, 400], `${text}: ${r.body}`).toContain(r.statusCode);
      if (r.statusCode === 400) expect(r.json().errors[0].field).toBe("/querystring/q");
    }
    const long = await c.request({ method: "GET", url: `/api/search?${q("word ".repeat(2000))}` });
    expect(long.statusCode).toBe(400);
    const tooLong = await c.request({ method: "GET", url: `/api/search?${q("x".repeat(10_001))}` });
    expect(tooLong.statusCode).toBe(400);
    const badCursor = await c.request({ method: "GET", url: `/api/search?${q("años")}&cursor=nope` });
    expect(badCursor.statusCode).toBe(400);
  });

  it("shows only the user's own documents and forgets deleted ones", async () => {
    expect((await search(other, q("cien"))).hits).toHaveLength(0);
    const h = (await post(c, "/api/highlights", { text: "ephemeral zebra" })).json();
    expect((await search(c, q("zebra"))).hits).toHaveLength(1);
    await c.request({ method: "DELETE", url: `/api/highlights/${h.id}` });
    expect((await search(c, q("zebra"))).hits).toHaveLength(0);
    await c.request({ method: "PATCH", url: `/api/books/${bookId}`, payload: { title: "Hundred Years" } });
    await t.settle();
    expect((await search(c, `${q("hundred")}&kind=book`)).hits).toHaveLength(1);
  });

  it("drops the highlights of a deleted book from the results", async () => {
    const b = (await post(c, "/api/books", { title: "Ephemera" })).json();
    await post(c, "/api/highlights", { text: "a quokka smiles", bookId: b.id });
    expect((await search(c, q("quokka"))).hits).toHaveLength(1);
    await c.request({ method: "DELETE", url: `/api/books/${b.id}` });
    await t.settle();
    expect((await search(c, q("quokka"))).hits).toHaveLength(0);
    expect((await search(c, q("ephemera"))).hits).toHaveLength(0);
  });

  it("rebuilds the user's index from the tables", async () => {
    const r = await post(c, "/api/search/reindex", {});
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().documents).toBeGreaterThanOrEqual(4);
    expect((await search(c, q("dreams"))).hits).toHaveLength(1);
    expect((await search(c, q("hundred"))).hits).toHaveLength(1);
  });
});
