import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

async function heavyLoadedBy(module: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, [
    "--import",
    "tsx",
    "test/support/loaded-packages.ts",
    module,
  ]);
  return JSON.parse(stdout.trim()).found;
}

// The idle server must stay within its RSS budget (≤ 100 MB): the fetch engine and the extraction
// stack (linkedom, Readability, jsdom, DOMPurify) and the notes' Markdown (markdown-it) load on first use, never at
// start-up.
describe("heavy packages load on first use", () => {
  it("the server's assembly loads none of them", async () => {
    expect(await heavyLoadedBy("src/app/assemble.ts")).toEqual([]);
  });
  it("the extractor's entry point loads none of them until it extracts", async () => {
    expect(await heavyLoadedBy("src/modules/links/extraction/extractor.ts")).toEqual([]);
  });
  it("the probe sees them when they are loaded (it can fail)", async () => {
    expect(await heavyLoadedBy("src/modules/links/extraction/extract-article.ts")).toEqual([
      "@mozilla/readability",
      "linkedom",
    ]);
  });
});
