import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOODREADS_HEADER, generateGoodreadsCsv } from "../../bench/support/goodreads-csv.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../test/support/app.js";
import { runReadlog } from "../../test/support/cli.js";

// An empty config folder, so a developer's own `readlog login` never leaks into these tests.
const configHome = mkdtempSync(join(tmpdir(), "readlog-cli-config-"));

/** The real `readlog` CLI with the empty config folder above. */
const readlog = (args: string[], env: Record<string, string> = {}) =>
  runReadlog(args, { home: configHome, env });

// One engine is enough here: the CLI only speaks HTTP; the import and restore suites cover both engines.
describe("readlog import / export over HTTP", { timeout: 90_000 }, () => {
  let t: TestApp;
  let admin: Client;
  let server: string;
  let dir: string;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin("sqlite"));
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const address = t.app.server.address();
    server = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    dir = mkdtempSync(join(tmpdir(), "readlog-cli-"));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports a Goodreads file (dry run first), exports it, restores it into another account", async () => {
    const user = await newUser(t, { admin });
    const file = join(dir, "goodreads.csv");
    writeFileSync(file, generateGoodreadsCsv(120, 9));
    const creds = ["--server", server, "--token", user.token];

    const dry = await readlog(["import", "goodreads", file, "--dry-run", ...creds]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^120 rows: \d+ would be created, .*\(dry run: nothing written\)/);
    const none = await user.request({ method: "GET", url: "/api/books" });
    expect(none.json().items).toEqual([]);

    const real = await readlog(["import", "goodreads", file], {
      READLOG_SERVER: server,
      READLOG_TOKEN: user.token,
    });
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/^120 rows: \d+ created, \d+ updated, \d+ unchanged, 0 with problems/);
    const again = await readlog(["import", "goodreads", file, "--json", ...creds]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, updated: 0 });

    const exported = await readlog(["export", ...creds]);
    expect(exported.code, exported.stderr).toBe(0);
    const doc = JSON.parse(exported.stdout);
    expect(doc).toMatchObject({ format: "readlog-export", version: 1 });
    expect(doc.books.length).toBeGreaterThan(100);

    const other = await newUser(t, { admin });
    const exportFile = join(dir, "export.json");
    writeFileSync(exportFile, exported.stdout);
    const restored = await readlog([
      "import",
      "readlog",
      exportFile,
      "--server",
      server,
      "--token",
      other.token,
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`restored: ${doc.books.length} books`);
  });

  it("exits 3 when rows had problems, 1 when the server refuses the file, 2 on usage errors, 4 without credentials", async () => {
    const user = await newUser(t, { admin });
    const creds = ["--server", server, "--token", user.token];
    const partial = join(dir, "partial.csv");
    writeFileSync(partial, `${generateGoodreadsCsv(3, 2)}1,"",Nobody,,,,,0,,,,,,,,,,,read,,,,1,0\n`);
    const withProblems = await readlog(["import", "goodreads", partial, ...creds]);
    expect(withProblems.code, withProblems.stderr).toBe(3);
    expect(withProblems.stdout).toContain("line 5 (Title): the title is empty");

    const wrong = join(dir, "wrong.csv");
    writeFileSync(wrong, "Title,Author\nDune,Herbert\n");
    const refused = await readlog(["import", "goodreads", wrong, ...creds]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("400 Unreadable import file: This is not a Goodreads export");

    const badToken = await readlog([
      "import",
      "goodreads",
      partial,
      "--server",
      server,
      "--token",
      "rl_nope",
    ]);
    expect(badToken.code).toBe(4);
    expect(badToken.stderr).toContain("401");

    const noToken = await readlog(["import", "goodreads", partial, "--server", server]);
    expect(noToken.code).toBe(4);
    expect(noToken.stderr).toContain("not logged in");
    const badFormat = await readlog(["import", "pocket", partial, ...creds]);
    expect(badFormat.code).toBe(2);
    const missing = await readlog(["import", "goodreads", join(dir, "absent.csv"), ...creds]);
    expect(missing.code).toBe(1);
    expect(GOODREADS_HEADER).toContain("Book Id");
  });

  it("exits 4 for a read-only token on import, and for no login on export without printing usage", async () => {
    const user = await newUser(t, { admin });
    const created = await user.request({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "read only", scopes: ["read"] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const readOnly = ["--server", server, "--token", created.json().token as string];
    const file = join(dir, "read-only.csv");
    writeFileSync(file, generateGoodreadsCsv(2, 3));
    const imported = await readlog(["import", "goodreads", file, ...readOnly]);
    expect(imported.code, imported.stderr).toBe(4);
    expect(imported.stderr).toContain("403");
    const exported = await readlog(["export", ...readOnly]);
    expect(exported.code, exported.stderr).toBe(0);

    const notLoggedIn = await readlog(["export"]);
    expect(notLoggedIn.code).toBe(4);
    expect(notLoggedIn.stderr.trim().split("\n")).toHaveLength(1);
    expect(notLoggedIn.stderr).toContain("not logged in");
    expect(notLoggedIn.stderr).not.toContain("Usage");
  });

  it("exits 78 naming READLOG_SERVER when it is not an http(s) URL, whatever the command", async () => {
    for (const args of [
      ["export"],
      ["import", "readlog", "x.json"],
      ["today"],
      ["log", "dune 10"],
      ["login"],
    ]) {
      const r = await readlog(args, { READLOG_SERVER: "ftp://x", READLOG_TOKEN: "rl_x" });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(78);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toContain("READLOG_SERVER=ftp://x: must be an http(s) URL");
    }
    const flag = await readlog(["export", "--server", "ftp://x", "--token", "rl_x"]);
    expect(flag.code).toBe(2);
  });
});
