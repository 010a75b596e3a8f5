import { describe, expect, it } from "vitest";
import { listImages, parseSrcset, rewriteImages } from "./article-images.js";

const html =
  '<p>x</p><img src="/i/a.jpg" alt="a"><picture><source srcset="https://cdn.example.com/b.webp 1x, /b@2x.webp 2x"><img src="b.jpg"></picture><img srcset="c-640.jpg 640w, c-1280.jpg 1280w"><img src="data:image/png;base64,AAAA"><img src="/i/a.jpg">';

describe("article images", () => {
  it("parses srcset candidates, commas inside URLs included", () => {
    expect(parseSrcset("a.jpg 1x, b.jpg 2x")).toEqual([
      { url: "a.jpg", descriptor: "1x" },
      { url: "b.jpg", descriptor: "2x" },
    ]);
    expect(parseSrcset("https://x.com/i,w_100.jpg 100w")).toEqual([
      { url: "https://x.com/i,w_100.jpg", descriptor: "100w" },
    ]);
  });

  it("lists each http(s) image once, resolved against the page", () => {
    expect(listImages(html, "https://example.com/post/1")).toEqual([
      "https://example.com/i/a.jpg",
      "https://cdn.example.com/b.webp",
      "https://example.com/b@2x.webp",
      "https://example.com/post/b.jpg",
      "https://example.com/post/c-640.jpg",
      "https://example.com/post/c-1280.jpg",
    ]);
  });

  it("rewrites src and srcset through the mapping, keeping descriptors; unmapped ones made absolute", () => {
    const mapping = new Map([
      ["https://example.com/i/a.jpg", "/blobs/aaa"],
      ["https://cdn.example.com/b.webp", "/blobs/bbb"],
    ]);
    const out = rewriteImages(html, mapping, { baseUrl: "https://example.com/post/1" });
    expect(out).toContain('<img src="/blobs/aaa" alt="a">');
    expect(out).toContain('srcset="/blobs/bbb 1x, https://example.com/b@2x.webp 2x"');
    expect(out).toContain('<img src="https://example.com/post/b.jpg">');
  });

  it("with dropUnmapped, nothing points at the site any more", () => {
    const out = rewriteImages(html, new Map([["https://example.com/i/a.jpg", "/blobs/aaa"]]), {
      baseUrl: "https://example.com/post/1",
      dropUnmapped: true,
    });
    expect(listImages(out, "https://example.com/")).toEqual(["https://example.com/blobs/aaa"]);
    expect(out).not.toContain("example.com");
  });
});
