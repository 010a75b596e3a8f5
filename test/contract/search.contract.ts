import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SearchQueryError } from "../../src/platform/search/query-parser.js";
import type {
  MarkedText,
  SearchDocument,
  SearchIndex,
  SearchPage,
  SearchQuery,
} from "../../src/platform/search/search-index.js";
import { markedToHtml } from "../../src/platform/search/snippet.js";

/** One adapter on a fresh, migrated database. */
export interface SearchStore {
  index: SearchIndex;
  /** Runs `fn` with an index bound to a transaction that is rolled back afterwards. */
  inRolledBackTransaction(fn: (index: SearchIndex) => Promise<void>): Promise<void>;
  dispose(): Promise<void>;
}

export interface SearchHarness {
  name: string;
  /** `rankWindow`: the adapter's bound on ranked matches (small in the test that checks it). */
  open(options?: { rankWindow?: number }): Promise<SearchStore>;
}

const A = "user-a";
const B = "user-b";

const doc = (id: string, body: string, extra: Partial<SearchDocument> = {}): SearchDocument => ({
  kind: "highlight",
  id,
  ownerId: A,
  body,
  ...extra,
});

const marked = (t: MarkedText | null) => (t ? t.marks.map(([s, e]) => t.text.slice(s, e)) : []);

/** The behaviour every SearchIndex adapter must have. */
export function searchContract(h: SearchHarness): void {
  describe(`SearchIndex contract (${h.name})`, () => {
    let store: SearchStore;
    let index: SearchIndex;
    beforeEach(async () => {
      store = await h.open();
      index = store.index;
    });
    afterEach(async () => {
      await store.dispose();
    });

    const ids = async (q: string | Omit<SearchQuery, "ownerId">, ownerId = A) => {
      const query = typeof q === "string" ? { q } : q;
      const page = await index.search({ ownerId, ...query });
      return page.hits.map((hit) => hit.id).sort();
    };

    it("finds what was indexed, only for its owner; removeOwner forgets one owner", async () => {
      await index.upsert([
        doc("a1", "The spice must flow."),
        doc("b1", "The spice must flow for B too.", { ownerId: B }),
      ]);
      expect(await ids("spice")).toEqual(["a1"]);
      expect(await ids("spice", B)).toEqual(["b1"]);
      expect(await ids("spice", "nobody")).toEqual([]);
      expect(await index.count(A)).toBe(1);
      await index.removeOwner(B);
      expect(await ids("spice", B)).toEqual([]);
      expect(await ids("spice")).toEqual(["a1"]);
    });

    it("an owner never sees another's documents, whatever the query and filters say", async () => {
      await index.upsert([
        doc("a1", "shared words here", { tags: ["t"], bookId: "book-1", date: "2026-01-01" }),
        doc("b1", "shared words here", { ownerId: B, tags: ["t"], bookId: "book-1", date: "2026-01-01" }),
        doc("b2", "user-a shared", { ownerId: B }),
      ]);
      for (const q of ["shared", '"shared words"', "shar*", "user-a", "shared -nothing"]) {
        const page = await index.search({
          ownerId: A,
          q,
          tags: ["t"],
          bookId: "book-1",
          kinds: ["highlight"],
        });
        expect(page.hits.map((x) => x.id)).not.toContain("b1");
        expect(page.hits.map((x) => x.id)).not.toContain("b2");
      }
    });

    it("upsert replaces a document; remove deletes it; removing twice is no error", async () => {
      await index.upsert(doc("a1", "first version about whales"));
      await index.upsert(doc("a1", "second version about dolphins"));
      expect(await ids("whales")).toEqual([]);
      expect(await ids("dolphins")).toEqual(["a1"]);
      expect(await index.count(A)).toBe(1);
      await index.remove("highlight", "a1");
      await index.remove("highlight", "a1");
      expect(await ids("dolphins")).toEqual([]);
      // The same id under another kind is another document.
      await index.upsert([doc("x", "kind one", { kind: "note" }), doc("x", "kind two", { kind: "book" })]);
      expect(await ids("kind")).toEqual(["x", "x"]);
    });

    it("removeMany removes documents by kind + id across batches; absent ones and repeats are no error", async () => {
      await index.upsert([
        ...Array.from({ length: 450 }, (_, i) => doc(`r${i}`, `removable number${i}`)),
        doc("r1", "the same id as a note", { kind: "note" }),
        doc("b1", "removable words of another owner", { ownerId: B }),
      ]);
      await index.removeMany([]);
      // Every even highlight (225, over two batches), one twice, one absent, the note of r1 kept.
      const even = Array.from({ length: 225 }, (_, i) => ({ kind: "highlight", id: `r${i * 2}` }));
      await index.removeMany([...even, { kind: "highlight", id: "r0" }, { kind: "highlight", id: "nope" }]);
      expect(await index.count(A)).toBe(226);
      expect(await ids("number2 ")).toEqual([]);
      expect(await ids("number3 ")).toEqual(["r3"]);
      expect(await ids({ q: "note", kinds: ["note"] })).toEqual(["r1"]);
      await index.removeMany([
        { kind: "note", id: "r1" },
        { kind: "note", id: "b1" },
      ]);
      expect(await ids("note")).toEqual([]);
      expect(await ids("number1 ")).toEqual(["r1"]); // the highlight r1 stays
      expect(await ids("removable", B)).toEqual(["b1"]); // B's b1 is a highlight, not a note
      await index.removeMany([{ kind: "highlight", id: "b1" }]);
      expect(await index.count(B)).toBe(0);
      // In the caller's transaction: rolled back with it.
      await store.inRolledBackTransaction((tx) => tx.removeMany([{ kind: "highlight", id: "r3" }]));
      expect(await ids("number3 ")).toEqual(["r3"]);
    });

    it("a document upserted under another owner moves to that owner", async () => {
      await index.upsert([doc("m1", "moving words"), doc("m2", "staying words")]);
      await index.upsert(doc("m1", "moving words", { ownerId: B }));
      expect(await ids("moving")).toEqual([]);
      expect(await ids("moving", B)).toEqual(["m1"]);
      expect(await ids("words")).toEqual(["m2"]);
      expect([await index.count(A), await index.count(B)]).toEqual([1, 1]);
      await index.removeOwner(A);
      expect(await ids("moving", B)).toEqual(["m1"]);
    });

    it("upserts many documents at once: new, replaced, given twice and moved owner, across batches", async () => {
      const many = (n: number, word: string, extra: Partial<SearchDocument> = {}) =>
        Array.from({ length: n }, (_, i) =>
          doc(`bulk${i}`, `${word} number${i} shared`, { tags: [`t${i % 3}`], ...extra }),
        );
      await index.upsert(many(450, "alpha"));
      expect(await index.count(A)).toBe(450);
      // One call: the first 300 replaced (two batches), 300 new, one given twice (the last wins), one moved to B.
      await index.upsert([
        ...many(300, "beta"),
        ...Array.from({ length: 300 }, (_, i) => doc(`fresh${i}`, `gamma fresh${i}`)),
        doc("bulk7", "first of two"),
        doc("bulk7", "second of two", { bookId: "book-9" }),
        doc("bulk8", "moved away", { ownerId: B }),
      ]);
      expect(await index.count(A)).toBe(749);
      expect(await index.count(B)).toBe(1);
      expect(await ids("number5 ")).toEqual(["bulk5"]); // (a trailing space: not also a prefix)
      expect(await ids('"beta number5"')).toEqual(["bulk5"]);
      expect(await ids('"alpha number5"')).toEqual([]);
      expect(await ids('"alpha number400"')).toEqual(["bulk400"]);
      expect(await ids("gamma fresh299")).toEqual(["fresh299"]);
      expect(await ids("first")).toEqual([]);
      expect(await ids({ q: "second", bookId: "book-9" })).toEqual(["bulk7"]);
      expect(await ids("moved")).toEqual([]);
      expect(await ids("moved", B)).toEqual(["bulk8"]);
      expect(await ids({ q: "number1 ", tags: ["T1"] })).toEqual(["bulk1"]);
      // Every document of the owner is found once by a word they all share, page after page.
      const seen = new Set<string>();
      let cursor: string | undefined;
      do {
        const page: SearchPage = await index.search({ ownerId: A, q: "shared", limit: 100, cursor });
        for (const hit of page.hits) seen.add(hit.id);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen.size).toBe(448); // 450 bulk, less bulk7 (its new text) and bulk8 (moved)
    });

    it("ranks a title match above a body mention, and many mentions above one", async () => {
      await index.upsert([
        doc("body-once", "A long passage that mentions Dune once among other things entirely."),
        doc("title", "A book about deserts.", { kind: "book", title: "Dune" }),
        doc("body-many", "Dune, Dune and Dune again."),
      ]);
      const page = await index.search({ ownerId: A, q: "dune" });
      expect(page.hits.map((x) => x.id)).toEqual(["title", "body-many", "body-once"]);
      expect(page.hits[0]!.score).toBeGreaterThan(page.hits[2]!.score);
      expect(marked(page.hits[0]!.title)).toEqual(["Dune"]);
    });

    it("snippets mark the matches in the original text and never return HTML to inject", async () => {
      const body = `${"filler words ".repeat(40)}the <b>Bene Gesserit</b> <script>alert(1)</script> sisterhood ${"more filler ".repeat(40)}`;
      await index.upsert(doc("h", body));
      const hit = (await index.search({ ownerId: A, q: "gesserit sisterhood" })).hits[0]!;
      expect(marked(hit.snippet)).toEqual(["Gesserit", "sisterhood"]);
      expect(hit.snippet.cutStart).toBe(true);
      expect(hit.snippet.cutEnd).toBe(true);
      expect(hit.snippet.text.length).toBeLessThanOrEqual(260);
      const html = markedToHtml(hit.snippet);
      expect(html).toContain("<mark>Gesserit</mark>");
      expect(html).toContain("&lt;script&gt;");
      expect(html).not.toMatch(/<script|<b>/);
      expect(html.startsWith("…")).toBe(true);
    });

    it("filters by kind, book, tag (any case and accents) and inclusive date range", async () => {
      await index.upsert([
        doc("h1", "rain on the plain", { bookId: "b1", tags: ["Weather", "Spain"], date: "2026-03-01" }),
        doc("h2", "rain in the city", { bookId: "b2", tags: ["weather"], date: "2026-03-02T23:30:00Z" }),
        doc("n1", "rain notes", { kind: "note", tags: ["Café"], date: "2026-03-05" }),
        doc("a1", "rain article", { kind: "article" }),
      ]);
      expect(await ids({ q: "rain", kinds: ["note", "article"] })).toEqual(["a1", "n1"]);
      expect(await ids({ q: "rain", bookId: "b1" })).toEqual(["h1"]);
      expect(await ids({ q: "rain", tags: ["WEATHER"] })).toEqual(["h1", "h2"]);
      expect(await ids({ q: "rain", tags: ["weather", "spain"] })).toEqual(["h1"]);
      expect(await ids({ q: "rain", tags: ["cafe"] })).toEqual(["n1"]);
      expect(await ids({ q: "rain", from: "2026-03-02", to: "2026-03-02" })).toEqual(["h2"]);
      expect(await ids({ q: "rain", from: "2026-03-01", to: "2026-03-04" })).toEqual(["h1", "h2"]);
      expect(await ids({ q: "rain", from: "2026-03-03" })).toEqual(["n1"]);
      expect(await ids({ q: "rain", to: "2026-03-01" })).toEqual(["h1"]);
      await expect(index.search({ ownerId: A, q: "rain", from: "2026-02-30" })).rejects.toThrow(
        SearchQueryError,
      );
      await expect(
        index.search({ ownerId: A, q: "rain", from: "2026-03-05", to: "2026-03-01" }),
      ).rejects.toThrow(/before/);
    });

    it("pages through every hit once with cursors; a cursor of another search is refused", async () => {
      await index.upsert(
        Array.from({ length: 45 }, (_, i) =>
          doc(`d${String(i).padStart(2, "0")}`, `ocean ${"wave ".repeat(i % 7)}`),
        ),
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page: SearchPage = await index.search({
          ownerId: A,
          q: "ocean",
          limit: 20,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...page.hits.map((x) => x.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(45);
      const first = await index.search({ ownerId: A, q: "ocean", limit: 20 });
      await expect(index.search({ ownerId: A, q: "wave", cursor: first.nextCursor! })).rejects.toMatchObject({
        field: "cursor",
        rule: "mismatch",
      });
      await expect(index.search({ ownerId: B, q: "ocean", cursor: first.nextCursor! })).rejects.toMatchObject(
        {
          field: "cursor",
        },
      );
      await expect(index.search({ ownerId: A, q: "ocean", cursor: "!!" })).rejects.toMatchObject({
        rule: "format",
      });
      await expect(index.search({ ownerId: A, q: "ocean", limit: 0 })).rejects.toMatchObject({
        field: "limit",
      });
    });

    it("phrases match words in order; prefixes (typed or the last word) match word beginnings", async () => {
      await index.upsert([
        doc("p1", "The old man and the sea."),
        doc("p2", "The man was old."),
        doc("p3", "Dreamers dream of dreaming.", { language: "en" }),
        doc("p4", "A dreadful day."),
      ]);
      expect(await ids('"old man"')).toEqual(["p1"]);
      expect(await ids('"man old"')).toEqual([]);
      expect(await ids("old man")).toEqual(["p1", "p2"]);
      expect(await ids("drea*")).toEqual(["p3", "p4"]);
      expect(await ids("dreamer")).toEqual(["p3"]); // last word typed so far: a prefix of "dreamers"
      expect(await ids("dreamer ")).toEqual(["p3"]); // whole word: stems (dreamer ~ dreamers) still match
      expect(await ids('"the sea"')).toEqual(["p1"]);
      expect(await ids('"old ma*"')).toEqual(["p1"]);
      const hit = (await index.search({ ownerId: A, q: "drea*" })).hits.find((x) => x.id === "p3")!;
      expect(marked(hit.snippet)).toEqual(["Dreamers", "dream", "dreaming"]);
    });

    it('excludes -words and -"phrases"', async () => {
      await index.upsert([
        doc("e1", "sand and worms"),
        doc("e2", "sand and spice"),
        doc("e3", "sand dunes of spice"),
      ]);
      expect(await ids("sand -worms")).toEqual(["e2", "e3"]);
      expect(await ids('sand -"and spice"')).toEqual(["e1", "e3"]);
      await expect(index.search({ ownerId: A, q: "-sand" })).rejects.toMatchObject({
        field: "q",
        rule: "onlyExclusions",
      });
    });

    it("folds diacritics both ways (Cien años ↔ cien anos, Straße ↔ strasse, Œuvre ↔ oeuvre)", async () => {
      await index.upsert([
        doc("es", "Cien anos de soledad", { language: "es" }),
        doc("es2", "Cien años de soledad", { language: "es" }),
        doc("de", "Die Straße ist über dem Fluss", { language: "de" }),
        doc("fr", "L'Œuvre complète", { language: "fr" }),
        doc("none", "Ελληνικά κείμενα with tónos"),
      ]);
      expect(await ids("Cien años")).toEqual(["es", "es2"]);
      expect(await ids("cien anos")).toEqual(["es", "es2"]);
      expect(await ids("strasse uber")).toEqual(["de"]);
      expect(await ids("oeuvre complete")).toEqual(["fr"]);
      expect(await ids("ελληνικα")).toEqual(["none"]);
      expect(await ids("TONOS")).toEqual(["none"]);
      const hit = (await index.search({ ownerId: A, q: "anos" })).hits.find((x) => x.id === "es2")!;
      expect(marked(hit.snippet)).toEqual(["años"]);
    });

    it("stems English, Spanish, French and German per document language (and not without one)", async () => {
      await index.upsert([
        doc("en", "She runs every morning, dreaming of cities.", { language: "en" }),
        doc("es", "Las ciudades antiguas y los caminos.", { language: "es-MX" }),
        doc("fr", "Les chevaux mangeaient dans les prés.", { language: "fr" }),
        doc("de", "Die Häuser der Bücher.", { language: "de" }),
        doc("plain", "runs of the mill", { language: null }),
      ]);
      expect(await ids("running ")).toEqual(["en"]); // runs ~ running in English; "runs" alone in `plain`
      expect(await ids("runs ")).toEqual(["en", "plain"]);
      expect(await ids("antigua camino ")).toEqual(["es"]);
      expect(await ids("cheval ")).toEqual(["fr"]);
      expect(await ids("haus buch ")).toEqual(["de"]);
      // Only the English stem is looked for when the query says it is English.
      expect((await index.search({ ownerId: A, q: "antigua ", languages: ["en"] })).hits).toHaveLength(0);
      const hit = (await index.search({ ownerId: A, q: "dream city " })).hits[0]!;
      expect(marked(hit.snippet)).toEqual(["dreaming", "cities"]);
    });

    it("finds Chinese and Japanese text without spaces, by any run of characters", async () => {
      await index.upsert([
        doc("zh", "我在北京大学读书，研究历史。", { language: "zh" }),
        doc("ja", "東京都に住んでいます。カタカナもＯＫ", { language: "ja" }),
        doc("en", "Peking University in English"),
      ]);
      expect(await ids("北京大学")).toEqual(["zh"]);
      expect(await ids("大学 历史")).toEqual(["zh"]);
      expect(await ids("京")).toEqual(["ja", "zh"]);
      expect(await ids("住んで")).toEqual(["ja"]);
      expect(await ids("かたかな")).toEqual([]); // hiragana is not katakana
      expect(await ids("カタカナ ok")).toEqual(["ja"]); // full-width ＯＫ folds to ok
      expect(await ids('"研究历史"')).toEqual(["zh"]);
      expect(await ids('"历史研究"')).toEqual([]);
      const zh = (await index.search({ ownerId: A, q: "北京" })).hits[0]!;
      expect(marked(zh.snippet)).toEqual(["北京"]);
      const one = (await index.search({ ownerId: A, q: "史" })).hits[0]!;
      expect(marked(one.snippet)).toEqual(["史"]);
    });

    it("answers hostile queries with a result or a SearchQueryError, never an engine error", async () => {
      await index.upsert([
        doc("h1", 'near the "quoted" title: (parens) ^caret a-b c*d'),
        doc("h2", "NEAR AND OR NOT"),
      ]);
      const queries = [
        '"',
        '""',
        '"""',
        "*",
        "***",
        "-",
        "--",
        "- -",
        ":",
        "(",
        ")",
        "^",
        "NEAR",
        "NEAR(near title)",
        "near/3 title",
        "title:near",
        "{title body}:near",
        "AND",
        "OR OR",
        "NOT near",
        "near AND",
        '"near',
        'near"',
        "near*the",
        "c*d",
        "a-b",
        "-near",
        "+near",
        "near^2",
        "col : near",
        "'quoted'",
        "\\near",
        "near\u0000title",
        "\u0007\u001b[31mnear",
        "near\u202etitle",
        "\ud800near",
        "🙂 near",
        "x".repeat(5000),
        "near ".repeat(2000),
        `${"a ".repeat(40)}near`,
      ];
      for (const q of queries) {
        try {
          const page = await index.search({ ownerId: A, q });
          expect(Array.isArray(page.hits)).toBe(true);
        } catch (e) {
          expect(e, `query ${JSON.stringify(q.slice(0, 40))}`).toBeInstanceOf(SearchQueryError);
        }
      }
      expect(await ids("NEAR(near title)")).toEqual(["h1"]);
      expect(await ids("title:near")).toEqual(["h1"]);
      expect(await ids("NOT near")).toEqual(["h2"]);
      expect(await ids("near\u0000title")).toEqual(["h1"]);
      await expect(index.search({ ownerId: A, q: "x".repeat(10_240) })).rejects.toMatchObject({
        rule: "maxLength",
      });
      await expect(index.search({ ownerId: A, q: "*** ---" })).rejects.toMatchObject({ rule: "noWords" });
      await expect(index.search({ ownerId: A, q: "w ".repeat(40) })).rejects.toMatchObject({
        rule: "maxTerms",
      });
    });

    it("any text as a query gives a page or a SearchQueryError (property)", async () => {
      await index.upsert([doc("h1", "one two three"), doc("h2", "日本語 テキスト")]);
      const alphabet = fc.constantFrom(..."ab *\"-:()^+{}[]~!NEARORT'\\\u0000\u3000日本éÉ");
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ unit: alphabet, maxLength: 30 }), fc.string({ maxLength: 30 })),
          async (q) => {
            try {
              await index.search({ ownerId: A, q });
            } catch (e) {
              if (!(e instanceof SearchQueryError)) throw e;
            }
          },
        ),
        { numRuns: 150 },
      );
    });

    it("indexes documents with awkward text: 1 MB notes, NUL bytes, HTML, marker characters", async () => {
      const big = `${"lorem ipsum dolor ".repeat(60_000)}needle-at-the-end`;
      await index.upsert([
        doc("big", `haystack start ${big}`, { kind: "note" }),
        doc("nul", "before\u0000after text"),
        doc("html", "<img src=x onerror=alert(1)> harmless words"),
      ]);
      expect(await ids("haystack")).toEqual(["big"]);
      expect(await ids("before")).toEqual(["nul"]);
      const html = (await index.search({ ownerId: A, q: "harmless" })).hits[0]!;
      expect(html.snippet.text).toContain("<img src=x onerror=alert(1)>");
      expect(markedToHtml(html.snippet)).not.toContain("<img");
    });

    it("rebuild replaces everything, or one owner's documents, atomically", async () => {
      await index.upsert([doc("old-a", "stale text"), doc("old-b", "stale text", { ownerId: B })]);
      async function* batches(docs: SearchDocument[]) {
        yield docs.slice(0, 1);
        yield docs.slice(1);
      }
      const n = await index.rebuild(batches([doc("new-a1", "fresh text"), doc("new-a2", "fresh words")]), {
        ownerId: A,
      });
      expect(n).toBe(2);
      expect(await ids("stale")).toEqual([]);
      expect(await ids("stale", B)).toEqual(["old-b"]);
      expect(await ids("fresh")).toEqual(["new-a1", "new-a2"]);
      await expect(
        index.rebuild(batches([doc("x", "ok"), doc("y", "wrong owner", { ownerId: B })]), { ownerId: A }),
      ).rejects.toThrow(/another owner/);
      expect(await ids("fresh")).toEqual(["new-a1", "new-a2"]); // the failed rebuild changed nothing
      await index.rebuild(
        batches([doc("all", "everything new"), doc("allb", "everything new", { ownerId: B })]),
      );
      expect(await ids("stale", B)).toEqual([]);
      expect(await ids("everything", B)).toEqual(["allb"]);
      expect(await ids("fresh")).toEqual([]);
    });

    it("ranks only the newest rankWindow matches of a very common query; filters still reach older ones", async () => {
      const small = await h.open({ rankWindow: 20 });
      try {
        await small.index.upsert(
          Array.from({ length: 60 }, (_, i) => ({
            kind: "highlight",
            id: `d${i}`,
            ownerId: A,
            body: i === 0 ? "common common common common" : `common word number ${i}`,
            date: i === 0 ? "2020-01-01" : "2026-01-01",
          })),
        );
        const page = await small.index.search({ ownerId: A, q: "common ", limit: 50 });
        // 20 ranked, all among the newest 20: the oldest (the best match by score) is outside the window.
        expect(page.hits).toHaveLength(20);
        expect(page.hits.every((x) => Number(x.id.slice(1)) >= 40)).toBe(true);
        expect(page.nextCursor).toBeNull();
        const dated = await small.index.search({ ownerId: A, q: "common ", to: "2020-12-31" });
        expect(dated.hits.map((x) => x.id)).toEqual(["d0"]);
      } finally {
        await small.dispose();
      }
    });

    it("writes in the caller's transaction: a rollback leaves nothing indexed", async () => {
      await store.inRolledBackTransaction(async (tx) => {
        await tx.upsert(doc("t1", "transient words"));
        expect((await tx.search({ ownerId: A, q: "transient" })).hits).toHaveLength(1);
      });
      expect(await ids("transient")).toEqual([]);
    });

    it("refuses malformed documents before writing any", async () => {
      await expect(index.upsert([doc("ok", "fine"), doc("bad", "x", { date: "yesterday" })])).rejects.toThrow(
        /date/,
      );
      await expect(index.upsert(doc("", "x"))).rejects.toThrow(/id/);
      expect(await ids("fine")).toEqual([]);
      expect((await index.capabilities()).stemmedLanguages).toEqual(
        expect.arrayContaining(["en", "es", "fr", "de"]),
      );
    });
  });
}
