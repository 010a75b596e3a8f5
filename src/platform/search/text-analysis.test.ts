import { describe, expect, it } from "vitest";
import { documentTerms } from "./document-terms.js";
import { fts5Match, tsQuery } from "./engine-queries.js";
import { tsvectorLiteral } from "./postgres-search-index.js";
import { parseQuery, planQuery } from "./query-parser.js";
import { analyseField, foldWord, stemTerm, tokenize } from "./text-analysis.js";

describe("text analysis", () => {
  it("folds case, diacritics, ligatures and full-width forms; keeps kana voicing", () => {
    expect(
      ["años", "straße", "œuvre", "ﬁn", "ＡＢＣ", "łódź", "ça"].map((w) => foldWord(w.toLowerCase())),
    ).toEqual(["anos", "strasse", "oeuvre", "fin", "abc", "lodz", "ca"]);
    expect(foldWord("が")).toBe("が");
    expect(foldWord("ｶﾞ")).toBe("ガ");
  });

  it("tokenizes words with their offsets in the original text", () => {
    const text = "L'Œuvre — e-mail: 3.14 İstanbul";
    const toks = tokenize(text);
    expect(toks.map((t) => t.term)).toEqual(["l", "oeuvre", "e", "mail", "3", "14", "istanbul"]);
    for (const t of toks) expect(text.slice(t.start, t.end).length).toBeGreaterThan(0);
    expect(text.slice(toks[1]!.start, toks[1]!.end)).toBe("Œuvre");
    expect(text.slice(toks[6]!.start, toks[6]!.end)).toBe("İstanbul");
  });

  it("cuts no-space scripts into bigrams, with latin words between kept whole", () => {
    const toks = tokenize("東京abc都に");
    expect(toks.map((t) => t.term)).toEqual(["東京", "abc", "都に"]);
    expect(tokenize("猫").map((t) => t.term)).toEqual(["猫"]);
    expect(tokenize("ภาษาไทย").map((t) => t.cjk)).toContain(true);
  });

  it("stems in the document language, only in known languages", () => {
    expect(stemTerm("running", "en")).toBe("run");
    expect(stemTerm("chevaux", "fr-CA")).toBe("cheval");
    expect(stemTerm("running", "xx")).toBeUndefined();
    expect(stemTerm("running", undefined)).toBeUndefined();
  });
});

describe("indexing analysis", () => {
  it("gives what tokenize then stemTerm give, position for position, also for words seen before", () => {
    const texts = [
      "Running dogs RUNNING dogs ran; running.",
      "L'Œuvre — e-mail: 3.14 İstanbul straße Straße STRASSE",
      "東京abc都に 猫 ภาษาไทย がｶﾞ mixed東京words",
      "\u0301accent after a separator, ﬁn ＡＢＣ",
      `${"x".repeat(80)} long`,
      "",
    ];
    for (const language of ["en", "de", "fr-CA", "xx", undefined])
      for (const text of [...texts, ...texts]) {
        const tokens = tokenize(text);
        expect(analyseField(text, language)).toEqual({
          terms: tokens.map((t) => t.term),
          stems: tokens.map((t) => (t.cjk ? undefined : stemTerm(t.word, language))),
          cjk: tokens.filter((t) => t.cjk),
        });
      }
  });
});

describe("query parsing", () => {
  it("reads words, phrases, prefixes and exclusions; the last typed word is a prefix", () => {
    expect(parseQuery('dune "old man" drea* -worm')).toEqual([
      { type: "word", text: "dune", prefix: false, negated: false },
      { type: "phrase", text: "old man", prefix: false, negated: false },
      { type: "word", text: "drea", prefix: true, negated: false },
      { type: "word", text: "worm", prefix: false, negated: true },
    ]);
    expect(parseQuery("spi").at(-1)).toMatchObject({ prefix: true, auto: true });
    expect(parseQuery("spi ").at(-1)).toMatchObject({ prefix: false });
    expect(parseQuery("title:near(x)").map((n) => n.text)).toEqual(["title", "near", "x"]);
  });

  it("never lets query syntax through: every term is quoted for FTS5 and tsquery", () => {
    const plan = planQuery('NEAR("a b") OR col:x ^y "zz*');
    const match = fts5Match(plan.terms, { tags: ["Tag"] });
    expect(match).not.toMatch(/NEAR|\^|col :/);
    expect(match).toContain('{title body} : "near"');
    expect(match.startsWith(`meta : ("t${Buffer.from("tag").toString("hex")}")`)).toBe(true);
    const ts = tsQuery(plan.terms);
    expect(ts).toContain("'zz':*");
    expect(ts).toContain("'~near'");
    expect(ts).not.toMatch(/[()]\s*[()]|:\s*\*\s*\*/);
  });

  it("writes tsvector literals with weights and escaped lexemes", () => {
    const lit = tsvectorLiteral(
      documentTerms({
        kind: "n",
        id: "1",
        ownerId: "o",
        title: "Dream",
        body: "dreams it's",
        language: "en",
      }),
    );
    expect(lit).toBe("'dream':1A 'dreams':3B 'it':4B 's':5B '~dream':1C,3C '~it':4C '~s':5C");
  });
});
