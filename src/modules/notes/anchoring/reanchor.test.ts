import { Value } from "@sinclair/typebox/value";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareLocations, describeLocation, HighlightLocation } from "./highlight-location.js";
import { quoteSelector, reanchor } from "./reanchor.js";

const ARTICLE = [
  "The desert planet Arrakis was the only source of the spice melange.",
  "Paul Atreides arrived with his family to take over the governance of the planet.",
  "The spice extends life and expands consciousness, and it is vital to space travel.",
  "Fear is the mind-killer. Fear is the little-death that brings total obliteration.",
  "The Fremen of the deep desert had adapted to the harsh conditions of Arrakis.",
].join(" ");

function selectorOf(text: string, quote: string, nth = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(quote, at + 1);
  if (at === -1) throw new Error(`no ${quote}`);
  return {
    quote: quoteSelector(text, at, at + quote.length),
    position: { start: at, end: at + quote.length },
  };
}

describe("re-anchoring a quote in an edited text", () => {
  it("finds it where it was when nothing changed", () => {
    const { quote, position } = selectorOf(ARTICLE, "Fear is the mind-killer.");
    expect(reanchor(ARTICLE, quote, position)).toMatchObject({
      status: "anchored",
      method: "position",
      ...position,
    });
  });

  it("follows it when text is inserted or removed before it", () => {
    const { quote, position } = selectorOf(ARTICLE, "Fear is the mind-killer.");
    const edited = `A new introduction paragraph, added later. ${ARTICLE.replace("Paul Atreides arrived", "Paul arrived")}`;
    const a = reanchor(edited, quote, position);
    expect(a).toMatchObject({ status: "anchored", method: "exact", exact: "Fear is the mind-killer." });
    if (a.status === "anchored") expect(edited.slice(a.start, a.end)).toBe("Fear is the mind-killer.");
  });

  it("tells repeated quotes apart by their context", () => {
    const { quote, position } = selectorOf(ARTICLE, "the spice", 0);
    const second = selectorOf(ARTICLE, "spice", 1);
    const edited = `Prologue. ${ARTICLE}`;
    const a = reanchor(edited, quote, position);
    expect(a).toMatchObject({ status: "anchored", start: position.start + 10 });
    const b = reanchor(edited, second.quote, second.position);
    expect(b).toMatchObject({ status: "anchored", start: second.position.start + 10 });
  });

  it("anchors a quote whose wording was corrected, returning the new wording", () => {
    const { quote, position } = selectorOf(ARTICLE, "The spice extends life and expands consciousness");
    const edited = ARTICLE.replace(
      "The spice extends life and expands consciousness",
      "The spice extends life and expand consciousness",
    );
    const a = reanchor(edited, quote, position);
    expect(a).toMatchObject({
      status: "anchored",
      method: "fuzzy",
      exact: "The spice extends life and expand consciousness",
      errors: 1,
    });
  });

  it("calls a deleted or rewritten passage an orphan instead of anchoring elsewhere", () => {
    const { quote, position } = selectorOf(ARTICLE, "Fear is the mind-killer. Fear is the little-death");
    const deleted = ARTICLE.replace(
      "Fear is the mind-killer. Fear is the little-death that brings total obliteration.",
      "",
    );
    expect(reanchor(deleted, quote, position)).toMatchObject({ status: "orphan" });
    const rewritten = ARTICLE.replace(
      "Fear is the mind-killer. Fear is the little-death",
      "Dread kills the mind; dread is a small death",
    );
    expect(reanchor(rewritten, quote, position)).toMatchObject({ status: "orphan" });
    // A short quote is never matched approximately.
    const short = selectorOf(ARTICLE, "Arrakis", 0);
    expect(reanchor(ARTICLE.replaceAll("Arrakis", "Dune"), short.quote, short.position)).toMatchObject({
      status: "orphan",
      reason: "not-found",
    });
  });

  it("refuses to choose between two identical passages with identical context", () => {
    const para = "Repeat after me: the same sentence here. ";
    const text = `${para}${para}`;
    const quote = quoteSelector(text, 17, 40, 8);
    expect(reanchor(`xx${para}${para}`, { exact: quote.exact })).toMatchObject({
      status: "orphan",
      reason: "ambiguous",
    });
    // With a position near one of them, that one.
    expect(reanchor(`xx${text}`, quote, { start: 17, end: 40 })).toMatchObject({
      status: "anchored",
      start: 19,
    });
  });

  it("property: edits outside the quote never move the anchor; edits inside give an overlapping anchor or an orphan", () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 30, maxLength: 120 }),
        fc.nat(),
        fc.integer({ min: 2, max: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom("insert", "delete", "replace"), word), { maxLength: 6 }),
        (words, at, len, edits) => {
          const text = words.join(" ");
          const start = [...text.matchAll(/\b/g)].map((m) => m.index)[at % Math.max(1, words.length)] ?? 0;
          const end = Math.min(text.length, start + len * 6);
          if (end - start < 3) return;
          const quote = quoteSelector(text, start, end);
          // Apply edits and track where the quote's range goes (undefined once an edit touches it).
          let edited = text;
          let s = start;
          let e = end;
          let touched = false;
          for (const [p, kind, w] of edits) {
            const pos = p % (edited.length + 1);
            const cut = kind === "insert" ? 0 : Math.min(w.length, edited.length - pos);
            const put = kind === "delete" ? "" : ` ${w} `;
            if (pos + cut > s && pos < e) touched = true;
            else if (pos <= s) {
              s += put.length - cut;
              e += put.length - cut;
            }
            edited = edited.slice(0, pos) + put + edited.slice(pos + cut);
          }
          const a = reanchor(edited, quote, { start, end });
          if (!touched && a.status === "anchored" && a.method !== "fuzzy") {
            // The same text may legitimately exist twice; it must be the quote, and if unique, the place.
            expect(edited.slice(a.start, a.end)).toBe(quote.exact);
          }
          if (
            !touched &&
            a.status === "anchored" &&
            edited.indexOf(quote.exact) === edited.lastIndexOf(quote.exact)
          ) {
            expect([a.start, a.end]).toEqual([s, e]);
          }
          if (!touched) expect(edited.slice(s, e)).toBe(quote.exact);
          if (touched && a.status === "anchored") {
            // Never somewhere unrelated: the anchor overlaps what is left of the quote, or is the quote itself.
            const overlaps = a.start < e + 20 && a.end > s - 20;
            expect(overlaps || a.exact === quote.exact).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("highlight locations", () => {
  it("validate with their schema and keep every facet the source gave", () => {
    const kindle: HighlightLocation = { page: { start: "12" }, kindle: { start: 100, end: 102 } };
    expect(Value.Check(HighlightLocation, kindle)).toBe(true);
    expect(Value.Check(HighlightLocation, { page: { start: "" } })).toBe(false);
    expect(Value.Check(HighlightLocation, { percent: 101 })).toBe(false);
    expect(
      Value.Check(HighlightLocation, { quote: { exact: "x" }, position: { start: 3, end: 4 }, extra: 1 }),
    ).toBe(false);
    expect(describeLocation(kindle)).toBe("p. 12 · loc. 100–102");
    expect(describeLocation({ chapter: "Part One", percent: 33.4 })).toBe("Part One · 33%");
    expect(describeLocation({ external: { type: "order", value: 3 } })).toBe("order 3");
  });

  it("order roman front matter before arabic pages, Kindle locations by start", () => {
    const locs: HighlightLocation[] = [
      { page: { start: "3" } },
      { page: { start: "xii" } },
      { page: { start: "ii" } },
      { page: { start: "1" } },
    ];
    expect([...locs].sort(compareLocations).map((l) => l.page!.start)).toEqual(["ii", "xii", "1", "3"]);
    expect(compareLocations({ kindle: { start: 5, end: 9 } }, { kindle: { start: 7, end: 8 } })).toBeLessThan(
      0,
    );
  });
});
