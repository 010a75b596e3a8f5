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
});
