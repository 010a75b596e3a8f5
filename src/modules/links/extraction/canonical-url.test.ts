import { describe, expect, it } from "vitest";
import { canonicalUrl, normalizeUrl } from "./canonical-url.js";

describe("normalizeUrl", () => {
  it("drops tracking parameters, keeps the others in order", () => {
    expect(
      normalizeUrl(
        "https://Example.COM:443/a/b?id=7&utm_source=tw&utm_medium=x&fbclid=1&gclid=2&mc_cid=3&mc_eid=4&page=2#comments",
      ),
    ).toBe("https://example.com/a/b?id=7&page=2");
    expect(normalizeUrl("http://example.com:80?utm_campaign=x")).toBe("http://example.com/");
    expect(normalizeUrl("http://example.com:8080/x?msclkid=a&_hsenc=b&igshid=c&ref_src=d&yclid=e")).toBe(
      "http://example.com:8080/x",
    );
  });
  it("drops credentials and a trailing dot of the host", () => {
    expect(normalizeUrl("https://u:p@example.com./x")).toBe("https://example.com/x");
  });
  it("refuses what is not a web address", () => {
    expect(() => normalizeUrl("javascript:alert(1)")).toThrow(RangeError);
    expect(() => normalizeUrl("not a url")).toThrow(TypeError);
  });
});

describe("canonicalUrl", () => {
  it("takes rel=canonical or og:url on the same site (www and scheme aside)", () => {
    expect(
      canonicalUrl("https://www.example.com/a?utm_source=x", { canonical: "https://example.com/articles/a" }),
    ).toBe("https://example.com/articles/a");
    expect(canonicalUrl("https://m.example.co.uk/a", { canonical: "/a-full?utm_medium=y" })).toBe(
      "https://m.example.co.uk/a-full",
    );
    expect(canonicalUrl("https://m.example.co.uk/a", { ogUrl: "https://www.example.co.uk/a" })).toBe(
      "https://www.example.co.uk/a",
    );
  });
  it("ignores a claim to another site's address", () => {
    expect(canonicalUrl("https://evil.example.net/copy", { canonical: "https://example.com/original" })).toBe(
      "https://evil.example.net/copy",
    );
    expect(canonicalUrl("https://a.co.uk/x", { canonical: "https://b.co.uk/x" })).toBe("https://a.co.uk/x");
  });
  it("ignores an unusable claim", () => {
    expect(
      canonicalUrl("https://example.com/a", { canonical: "javascript:void(0)", ogUrl: "http://[bad" }),
    ).toBe("https://example.com/a");
  });
});
