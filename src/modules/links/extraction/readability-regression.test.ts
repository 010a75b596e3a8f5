import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { sharedData } from "../../../../test/support/shared-data.js";
import { extractArticle } from "./extract-article.js";

// Mozilla Readability's own test pages (../shared/data/extraction/readability) as a regression
// suite: our extractor must keep Readability's metadata and its content, except where documented.
const dir = sharedData("extraction/readability");
if (!dir)
  console.log(
    "[readlog] Readability regression suite skipped: ../shared/data/extraction/readability is absent",
  );

const FIELDS = ["title", "byline", "excerpt", "siteName", "publishedTime", "lang", "dir"] as const;
type Field = (typeof FIELDS)[number];

/**
 * Cases where our content keeps under 90 % of Readability's expected text on purpose, with the
 * step responsible (measured by turning each step off in turn).
 */
const CONTENT_DIFFERS: Record<string, string> = {
  mercurial: "boilerplate pruning: blocks inside the article whose class names them as boilerplate",
  "nytimes-5": "link-box pruning: short blocks that are mostly links",
  "firefox-nightly-blog": "link-box pruning: the post's lists of bug links are short, mostly-link items",
  hukumusume: "link-box pruning: the story's navigation lines between parts",
  "mozilla-1": "link-box pruning: short mostly-link product lists",
  qq: "tail trim: the closing short lines (editor, source) are trimmed",
  pixnet: "tail trim: the closing short lines are trimmed",
};

/** Cases where the word-multiset precision is under 0.97 although we add no text, and why. */
const PRECISION_DIFFERS: Record<string, string> = {
  // Checked line by line: every line we keep is in Readability's output; the surplus is words that
  // occur more often in ours (not analysed further).
  "nytimes-5": "no added line; repeated words only",
};

/** Metadata where we differ from the expected value and plain Readability-on-linkedom does not. */
const METADATA_DIFFERS: Partial<Record<string, Partial<Record<Field, string>>>> = {
  // Readability takes the "Follow Author" <button> of a follow form as the byline; buttons are
  // pruned before it looks, and no better byline is on the page.
  "royal-road": { byline: "a button label, not an author" },
  // Measured: with page-level pruning off, Readability finds "Mike Conley"; with it on, it does not
  // (not yet understood which removal changes its walk).
  "firefox-nightly-blog": { byline: "lost to page-level pruning (open)" },
};

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Share of `expected`'s words (as a multiset) that `got` contains, and the other way round. */
function overlap(got: string[], expected: string[]): { recall: number; precision: number } {
  const bag = new Map<string, number>();
  for (const w of expected) bag.set(w, (bag.get(w) ?? 0) + 1);
  let hit = 0;
  for (const w of got) {
    const n = bag.get(w) ?? 0;
    if (n > 0) {
      hit++;
      bag.set(w, n - 1);
    }
  }
  return { recall: hit / Math.max(1, expected.length), precision: hit / Math.max(1, got.length) };
}

const htmlText = (html: string) =>
  parseHTML(`<html><body>${html}</body></html>`).document.body.textContent ?? "";
const norm = (v: unknown) => (v === "" || v === undefined ? null : v);

describe.skipIf(!dir)("extraction: Mozilla Readability's test pages", () => {
  const cases = dir ? readdirSync(dir).filter((c) => !c.includes(".")) : [];
  const read = (c: string, f: string) =>
    gunzipSync(readFileSync(join(dir ?? "", c, `${f}.gz`))).toString("utf8");

  it("has the 130 cases", () => {
    expect(cases.length).toBe(130);
  });

  it.each(cases)("%s", (c) => {
    const source = read(c, "source.html");
    const expectedMeta: Record<Field, unknown> = JSON.parse(read(c, "expected-metadata.json"));
    const expectedText =
      parseHTML(`<html><body>${read(c, "expected.html")}</body></html>`).document.body.textContent ?? "";
    const url = "http://fakehost/test/page.html";
    const ours = extractArticle(source, { url });
    const plainDoc = parseHTML(source).document as unknown as ConstructorParameters<typeof Readability>[0];
    const plain = new Readability(plainDoc).parse();

    for (const field of FIELDS) {
      const want = norm(expectedMeta[field]);
      const got = norm(ours[field]);
      if (got === want) continue;
      // Fields Readability leaves empty that our metadata reader fills (lang, published time, …).
      if (want === null) continue;
      // linkedom is not JSDOMParser: where plain Readability on linkedom differs the same way, so may we.
      if (norm(plain?.[field]) === got) continue;
      const why = METADATA_DIFFERS[c]?.[field];
      expect(why, `${c}.${field}: ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`).toBeDefined();
    }

    // The article's HTML (which keeps captions; its text leaves them out) against Readability's.
    const oursText = htmlText(ours.html);
    const { recall } = overlap(words(oursText), words(expectedText));
    // What we add is the lead paragraph put back from the page's description (restoreLead); the rest is Readability's.
    const lead = (ours.excerpt ?? "").replace(/\s+/g, " ").replace(/\s*(?:\.\.\.|…)$/, "");
    const precision = Math.max(
      overlap(words(oursText), words(expectedText)).precision,
      lead ? overlap(words(oursText.replace(lead, "")), words(expectedText)).precision : 0,
    );
    if (!PRECISION_DIFFERS[c]) expect(precision, `${c}: text we added`).toBeGreaterThanOrEqual(0.97);
    if (recall >= 0.9) return;
    // linkedom is not JSDOMParser: where plain Readability on linkedom loses the same text, so may we.
    const plainRecall = overlap(words(htmlText(plain?.content ?? "")), words(expectedText)).recall;
    if (plainRecall < 0.9) return;
    expect(
      CONTENT_DIFFERS[c],
      `${c}: kept only ${(recall * 100).toFixed(0)} % of Readability's text`,
    ).toBeDefined();
  });

  it("documents only cases that still differ", () => {
    const still = Object.keys(CONTENT_DIFFERS).filter((c) => {
      const expectedText =
        parseHTML(`<html><body>${read(c, "expected.html")}</body></html>`).document.body.textContent ?? "";
      const ours = extractArticle(read(c, "source.html"), { url: "http://fakehost/test/page.html" });
      return overlap(words(htmlText(ours.html)), words(expectedText)).recall < 0.9;
    });
    expect(still.sort()).toEqual(Object.keys(CONTENT_DIFFERS).sort());
  });
});
