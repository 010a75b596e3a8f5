import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { sharedData } from "../../../../test/support/shared-data.js";
import { decodeHtml } from "./charset.js";
import { extractArticle } from "./extract-article.js";

// ADR 0205: when Readability keeps under 1,500 characters and the block fallback holds the start of its
// text and over three times more, Readability found one part of the article and the fallback is kept.
const dir = sharedData("extraction/trafilatura");

describe.skipIf(!dir)("the block fallback on real pages", () => {
  const evalData: Record<string, { file: string; with: string[]; without: string[] }> = dir
    ? JSON.parse(readFileSync(`${dir}/evaldata.json`, "utf8"))
    : {};
  const squash = (s: string) => s.replace(/\s+/g, " ").trim();
  const page = (file: string) => {
    const [url, e] = Object.entries(evalData).find(([, v]) => v.file === file) ?? [];
    if (!url || !e) throw new Error(`${file} is not in the set`);
    return { url, e, html: decodeHtml(gunzipSync(readFileSync(`${dir}/html/${file}.gz`))).html };
  };

  it.each([
    // Readability kept 1,039 characters of the recipe (one snippet of six); the fallback the whole recipe.
    ["backenmachtgluecklich.de.zitronenkuchen.html", 5],
    // Readability kept the 805-character lead of a speech split into sections (no snippet).
    ["fdpbt.de-epidemischenLage.html", 3],
    // Readability kept 506 characters of a list article, one item of it.
    ["popsugar.co.uk.halloween.html", 3],
  ] as const)(
    "%s: a Readability pick that is one part of the article gives way to the whole",
    (file, atLeast) => {
      const { url, e, html } = page(file);
      const a = extractArticle(html, { url });
      expect(a.method).toBe("fallback");
      const text = squash(a.text);
      expect(e.with.filter((w) => text.includes(squash(w))).length).toBeGreaterThanOrEqual(atLeast);
      expect(e.without.filter((w) => text.includes(squash(w)))).toEqual([]);
    },
  );

  it("reads a post that only a <noscript> holds (Blogger builds its posts by script)", () => {
    const { url, e, html } = page("security.googleblog.com.protection.html");
    const a = extractArticle(html, { url });
    expect(a.method).toBe("fallback");
    const text = squash(a.text);
    for (const w of e.with) expect(text).toContain(squash(w));
  });
});
