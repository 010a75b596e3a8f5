import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { articleText, countWords, readingMinutes } from "./article-text.js";
import { extractArticle } from "./extract-article.js";
import { extract } from "./extractor.js";
import { fallbackContent } from "./fallback.js";

const para = (n: number, word = "reading") =>
  `<p>${Array.from({ length: n }, (_, i) => `${word}${i % 7} word`).join(" ")}.</p>`;

const page = (body: string, head = "") =>
  `<!doctype html><html lang="en"><head><title>Page title | Site</title>${head}</head><body>${body}</body></html>`;

describe("extractArticle", () => {
  it("reads metadata from JSON-LD first, then OpenGraph, Twitter and meta tags", () => {
    const head = `
      <meta property="og:title" content="OG title"><meta name="twitter:title" content="TW title">
      <meta property="og:site_name" content="The Site"><meta property="og:image" content="/lead.jpg">
      <meta name="description" content="A short description."><link rel="canonical" href="https://example.com/a">
      <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
        {"@type":"NewsArticle","headline":"LD headline","author":[{"@type":"Person","name":"Ada Lovelace"}],
         "datePublished":"2026-11-30T08:00:00Z","dateModified":"2026-12-01T09:00:00Z","image":{"url":"https://cdn.example.com/ld.jpg"}}]}</script>`;
    const a = extractArticle(page(`<article><h1>LD headline</h1>${para(80)}${para(80)}</article>`, head), {
      url: "https://example.com/a?x=1",
    });
    expect(a).toMatchObject({
      title: "LD headline",
      byline: "Ada Lovelace",
      siteName: "The Site",
      publishedTime: "2026-11-30T08:00:00Z",
      modifiedTime: "2026-12-01T09:00:00Z",
      lang: "en",
      excerpt: "A short description.",
      leadImage: "https://example.com/lead.jpg",
      canonicalUrl: "https://example.com/a",
      method: "readability",
    });
    expect(a.wordCount).toBe(320);
    expect(a.readingMinutes).toBe(1);
  });

  it("falls back to meta tags when there is no JSON-LD", () => {
    const head =
      '<meta name="twitter:title" content="TW title"><meta name="author" content="Grace Hopper"><meta property="article:published_time" content="2025-01-02">';
    const a = extractArticle(page(`<div>${para(100)}</div>`, head));
    expect(a.byline).toBe("Grace Hopper");
    expect(a.publishedTime).toBe("2025-01-02");
  });

  it("keeps the article's own headings, tables, code blocks, figures and captions, and text direction", () => {
    const body = `<article dir="rtl">
      <h2>First section</h2>${para(60)}
      <table><tr><th>Year</th><th>Pages</th></tr><tr><td>2025</td><td>4,210</td></tr></table>
      <pre><code>const x = 1;\n  return x;</code></pre>
      <figure><img src="/p.jpg" alt="a photo"><figcaption>A caption for the photo</figcaption></figure>
      <h2>Second section</h2>${para(60)}</article>`;
    const a = extractArticle(page(body), { url: "https://example.com/post" });
    expect(a.dir).toBe("rtl");
    expect(a.html).toContain("<table>");
    expect(a.html).toContain("<pre>");
    expect(a.html).toContain("<figcaption>A caption for the photo</figcaption>");
    expect(a.text).toContain("First section\n");
    expect(a.text).toContain("Second section");
    expect(a.text).toContain("Year\tPages");
    expect(a.text).toContain("const x = 1;\n  return x;");
    // The caption is in the HTML, not in the text that is read, searched and timed.
    expect(a.text).not.toContain("A caption for the photo");
  });

  it("prunes comment threads, share bars, related teasers, newsletter boxes and link lists inside the article", () => {
    const body = `<article>${para(80)}${para(80)}
      <div class="sharedaddy">Share this: Twitter Facebook</div>
      <section class="related-posts"><h3>Related</h3><p>Another story worth reading today</p></section>
      <div class="newsletter-box"><p>Sign up for our newsletter today and never miss a thing</p></div>
      <p><a href="/x">Read more: the other article</a></p>
      <div id="comments"><p>First comment: great post, thank you very much indeed</p></div>
      <p>Share this article?</p></article>`;
    const a = extractArticle(page(body));
    for (const gone of [
      "Share this:",
      "Another story",
      "newsletter",
      "Read more",
      "First comment",
      "Share this article?",
    ]) {
      expect(a.text).not.toContain(gone);
    }
    expect(a.text).toContain("reading0 word");
  });

  it("leaves out blocks a class hides, disclosures and licence boxes, and image legends from the text", () => {
    const body = `<article>${para(80)}
      <h2 class="hidden">Navigation schliessen</h2><p class="d-none">Text only a script would show, sometimes</p>
      <div class="legend"><div class="content">A legend under the photo, naming the beetle in it</div></div>
      <section class="editorial-disclosure"><p>This post contains references to products from our advertisers</p></section>
      <div class="licenceInfo"><p>Material protected by copyright.</p><p>Reuse only with written permission.</p></div>
      ${para(80, "closing")}</article>`;
    const a = extractArticle(page(body));
    for (const gone of [
      "Navigation schliessen",
      "only a script",
      "A legend under",
      "references to products",
      "protected by copyright",
    ])
      expect(a.text).not.toContain(gone);
    expect(a.text).toContain("closing0 word");
    // The legend stays in the reader's HTML, beside its image, as captions do.
    expect(a.html).toContain("A legend under the photo");
  });

  it("keeps the hidden pages of a gallery whose first page is shown (a script shows them in turn)", () => {
    const section = (i: number, hidden: boolean) =>
      `<div class="gallery-section${hidden ? " hidden" : ""}"><p>Gallery item ${i}: ${"a long description of the item ".repeat(6)}</p></div>`;
    const body = `<article><h1>Twelve items</h1>${para(60)}<div class="gallery">${[0, 1, 2, 3]
      .map((i) => section(i, i > 0))
      .join("")}</div>${para(40, "after")}</article>`;
    const a = extractArticle(page(body));
    for (const i of [0, 1, 2, 3]) expect(a.text).toContain(`Gallery item ${i}:`);
  });

  it("the block fallback keeps text blocks in order and leaves menus, link lists and boilerplate out", () => {
    const html = page(`<header><a href="/">Home</a></header><nav><a href="/a">A</a> <a href="/b">B</a></nav>
      <table><tr><td>Short post about the garden.</td></tr><tr><td>Planted tomatoes and beans this weekend.</td></tr></table>
      <ul><li><a href="/1">Other post one</a></li><li><a href="/2">Other post two</a></li></ul>
      <div class="comments"><p>A comment that is not the post at all.</p></div>
      <noscript><p>Please enable JavaScript to see the comments.</p></noscript>
      <noscript><p>${"The post as the site sends it to readers without script, in full. ".repeat(4)}</p></noscript>`);
    const content = fallbackContent(parseHTML(html).document);
    expect(content && articleText(content)).toBe(
      `Short post about the garden.\nPlanted tomatoes and beans this weekend.\n${"The post as the site sends it to readers without script, in full. ".repeat(4).trim()}`,
    );
  });

  it("a page with no article, broken HTML and a 50,000-node page do not throw", () => {
    expect(extractArticle("").method).toBe("none");
    expect(extractArticle("<html><body><div><p>unclosed <b>tags <i>everywhere").text).toContain(
      "unclosed tags everywhere",
    );
    const big = page(`<div>${"<span>x</span>".repeat(50_000)}</div>${para(100)}`);
    expect(extractArticle(big).wordCount).toBeGreaterThan(0);
  });

  it("plain mode is Readability as is (the benchmark's baseline)", () => {
    const body = `<article>${para(80)}<div class="sharedaddy"><p>Share this post with your friends on every network</p></div></article>`;
    expect(extractArticle(page(body), { plain: true }).text).toContain("Share this post");
  });
});

describe("words and reading time", () => {
  it("counts words across scripts", () => {
    expect(countWords("Hello, world — it's 2026!")).toBe(4);
    expect(countWords("中文文本")).toBe(4);
    expect(countWords("Grüße aus Köln")).toBe(3);
  });
  it("reads at 230 words a minute, at least a minute", () => {
    expect(readingMinutes(10)).toBe(1);
    expect(readingMinutes(1610)).toBe(7);
  });
});

describe("extract (the pipeline's entry point)", () => {
  it("decodes bytes, extracts, sanitises and gives the canonical address", async () => {
    const html = page(
      `<article>${para(80)}<p>Caf\xe9 <a href="javascript:alert(1)" onclick="x()">bad link</a><img src="x.jpg" onerror="alert(1)"></p>${para(80)}</article>`,
      '<meta charset="windows-1252"><link rel="canonical" href="https://example.com/a">',
    );
    const a = await extract({
      bytes: Buffer.from(html, "latin1"),
      url: "https://www.example.com/a?utm_source=x",
    });
    expect(a.charset).toBe("windows-1252");
    expect(a.text).toContain("Café");
    expect(a.html).not.toMatch(/onclick|onerror|javascript:/);
    expect(a.html).toContain('<img src="https://www.example.com/x.jpg">');
    expect(a.canonical).toBe("https://example.com/a");
  });
});
