import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runReadlog } from "../../test/support/cli.js";

const home = mkdtempSync(join(tmpdir(), "readlog-extract-"));
const fixture = "test/fixtures/articles/latin1-post.html";

describe("readlog extract", () => {
  it("prints one JSON line per file with title, text, html and metadata (charset detected)", async () => {
    const r = await runReadlog(
      ["extract", "--format", "jsonl", "--url", "https://garten.example/beitrag?utm_source=x", fixture],
      { home },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const a = JSON.parse(lines[0] ?? "");
    expect(a).toMatchObject({
      file: fixture,
      title: "Ein Beitrag | Blog",
      byline: "Erika Muster",
      siteName: "Gartenblog",
      lang: "de",
      charset: "windows-1252",
      canonicalUrl: "https://garten.example/beitrag",
      method: "readability",
    });
    expect(a.text).toContain("Im Frühjahr haben wir Tomaten");
    expect(a.text).not.toContain("Teilen:");
    expect(a.text).not.toContain("Archiv");
    expect(a.html).toContain("<p>");
    expect(a.wordCount).toBeGreaterThan(60);
  });

  it("--format json prints an array; an unreadable file is reported and the exit code is 1", async () => {
    const r = await runReadlog(["extract", "--format", "json", fixture, "no/such/file.html"], { home });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    expect(r.stderr).toContain("readlog extract: no/such/file.html: ENOENT");
  });

  it("refuses a bad --url and an unknown format as usage errors", async () => {
    expect((await runReadlog(["extract", "--url", "nope", fixture], { home })).code).toBe(2);
    expect((await runReadlog(["extract", "--format", "xml", fixture], { home })).code).toBe(2);
  });
});
