import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("Markdown export (%s)", (engine) => {
  let t: TestApp;
  let c: Client;

  beforeAll(async () => {
    const started = await appWithAdmin(engine);
    t = started.t;
    c = await newUser(t, { admin: started.admin });
  });
  afterAll(() => t.close());

  it("writes one file per book with front matter, highlights in reading order with block ids, and notes", async () => {
    const post = async (url: string, payload: object) =>
      (await c.request({ method: "POST", url, payload })).json();
    const dune = await post("/api/books", { title: "Dune: Part 1/2", authors: ["Frank Herbert"] });
    await post("/api/books", { title: "Unannotated" });
    const late = await post("/api/highlights", {
      text: "Later passage",
      bookId: dune.id,
      location: { page: { start: "200" } },
    });
    const early = await post("/api/highlights", {
      text: "Fear is the mind-killer.",
      note: "the *litany*",
      bookId: dune.id,
      location: { page: { start: "12" } },
    });
    await post("/api/notes", {
      title: "Thoughts",
      body: "See [[Dune: Part 1/2]] <script>x</script>",
      bookId: dune.id,
    });
    await post("/api/notes", { title: "Loose idea", body: "Nothing to do with a book." });
    const r = await c.request({ method: "GET", url: "/api/export/markdown" });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers["content-type"]).toBe("application/zip");
    expect(r.headers["content-disposition"]).toMatch(/attachment; filename="readlog-notes-.*\.zip"/);
    const files = unzipSync(r.rawPayload);
    const names = Object.keys(files).sort();
    expect(names).toHaveLength(2);
    const bookFile = names.find((n) => n.startsWith("Books/"))!;
    expect(bookFile).not.toContain("/Part 1/2");
    expect(names.find((n) => n.startsWith("Notes/"))).toBe("Notes/Loose idea.md");
    const md = new TextDecoder().decode(files[bookFile]);
    expect(md.startsWith("---\n")).toBe(true);
    expect(md).toContain("Frank Herbert");
    expect(md.indexOf("Fear is the mind-killer.")).toBeLessThan(md.indexOf("Later passage"));
    expect(md).toContain(`^hl-${early.id}`);
    expect(md).toContain("p. 12");
    expect(md).toContain("[[Dune: Part 1/2]]");
    expect(late.id).toBeTruthy();
  });
});
