import { afterAll, describe, expect, it } from "vitest";
import { type ArticleExtractor, inProcessExtractor, PageTooLarge, pooledExtractor } from "./extractor.js";

const paragraph = (i: number) =>
  `<p>Paragraph ${i} of the article tells a long story about reading, notes and the books one keeps close at hand.</p>`;

const PAGE = `<!doctype html><html lang="en"><head><title>A day of reading</title>
<meta property="og:site_name" content="Example Reader"></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>A day of reading</h1>
${Array.from({ length: 12 }, (_, i) => paragraph(i)).join("\n")}
<figure><img src="/img/a.jpg" onerror="alert(1)" alt="a"><figcaption>The shelf</figcaption></figure>
<p>A <a href="javascript:alert(2)">bad link</a> and a <a href="https://example.org/ok">good one</a> in a paragraph long enough to stay.</p>
<script>alert(3)</script>
</article><footer>© Example</footer></body></html>`;

const extractors: ArticleExtractor[] = [];
afterAll(async () => {
  await Promise.all(extractors.map((e) => e.close()));
});
function pooled(options: Parameters<typeof pooledExtractor>[0] = {}) {
  const e = pooledExtractor(options);
  extractors.push(e);
  return e;
}

// One pool for the tests below (a worker's first task loads the extraction stack).
const shared = pooled();

describe("extraction in worker threads", () => {
  it("gives what extraction on the calling thread gives", async () => {
    const input = { html: PAGE, url: "https://example.com/2026/day" };
    const [here, there] = await Promise.all([inProcessExtractor().extract(input), shared.extract(input)]);
    expect(there).toEqual(here);
    expect(there.title).toBe("A day of reading");
    expect(there.text).toContain("Paragraph 11 of the article");
    expect(there.images).toEqual(["https://example.com/img/a.jpg"]);
  });

  it("sanitises in the worker: no script, handler or javascript: URL survives", async () => {
    const a = await shared.extract({ html: PAGE, url: "https://example.com/2026/day" });
    expect(a.html).not.toMatch(/<script|onerror|javascript:/i);
    expect(a.html).toContain('<a href="https://example.org/ok" rel="noopener noreferrer nofollow">');
  });

  it("rewrites image addresses in the worker", async () => {
    const e = shared;
    const a = await e.extract({ html: PAGE, url: "https://example.com/2026/day" });
    const html = await e.rewriteImages(
      a.html,
      new Map([["https://example.com/img/a.jpg", "/read/images/k1"]]),
      {
        baseUrl: "https://example.com/2026/day",
        dropUnmapped: true,
      },
    );
    expect(html).toContain('src="/read/images/k1"');
    expect(html).not.toContain("example.com/img");
  });

  it("a page that needs more memory than a worker may have fails as too large; the next page is extracted", async () => {
    const e = pooled({ workers: 1, heapMb: 48 });
    const huge = `<html><body><article>${Array.from({ length: 300_000 }, (_, i) => paragraph(i)).join("")}</article></body></html>`;
    await expect(e.extract({ html: huge })).rejects.toBeInstanceOf(PageTooLarge);
    const a = await e.extract({ html: PAGE, url: "https://example.com/2026/day" });
    expect(a.title).toBe("A day of reading");
  });
});
