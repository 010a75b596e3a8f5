import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runReadlog } from "../../test/support/cli.js";

describe("readlog reextract", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-reextract-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DATA_DIR: dir, LOG_LEVEL: "silent", DATABASE_URL: "" };

  it("opens the server's database, queues nothing when nothing is older, and names an unknown user", async () => {
    const none = await runReadlog(["reextract"], { home: dir, env });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout.trim()).toBe("nothing to re-extract");
    const unknown = await runReadlog(["reextract", "--user", "nobody@example.com"], { home: dir, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no user with the email nobody@example.com");
  });
});
