import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, PASSWORD, type TestApp } from "../../test/support/app.js";
import { readingBook } from "../../test/support/books.js";
import { runReadlog } from "../../test/support/cli.js";

/** The real `readlog` entry point with its own config directory. */
const readlog = runReadlog;

// Every test starts `readlog` processes: allow them time on a busy machine.
describe("the readlog client commands against a server on a loopback port", { timeout: 180_000 }, () => {
  let t: TestApp;
  let alice: Client;
  let server: string;
  const dirs: string[] = [];
  const home = () => {
    const d = mkdtempSync(path.join(tmpdir(), "readlog-cli-"));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    let admin: Client;
    ({ t, admin } = await appWithAdmin("sqlite"));
    alice = await newUser(t, { admin });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    server = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("logs in with email and password, keeps the token 0600, then logs pages and summaries", async () => {
    const h = home();
    const login = await readlog(["login", "--server", `${server}/`], {
      home: h,
      stdin: `${alice.email}\n${PASSWORD}\n`,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Logged in to ${server} as ${alice.email}`);
    const file = path.join(h, "readlog", "config.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(h, "readlog")).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(file, "utf8"));
    expect(stored.server).toBe(server);
    expect(stored.token).toMatch(/^rl_/);

    const dune = await readingBook(alice, { title: "Dune", totalPages: 412 });
    const log = await readlog(["log", "dune", "142"], { home: h });
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/^Dune: p\.142 \(\+142 today, 34%\)/);
    const entries = (await alice.request({ method: "GET", url: `/api/books/${dune.id}/progress` })).json();
    expect(entries.items[0].source).toBe("cli");

    const [today, books] = await Promise.all([
      readlog(["today"], { home: h }),
      readlog(["books"], { home: h }),
    ]);
    expect(today.stdout.trim()).toBe("Today: 142 pages — Dune +142.");
    expect(books.stdout.trim()).toBe("Reading: Dune p.142/412 (34%).");
  });

  it("saves a link with readlog save (once: the same article again is the saved entry)", async () => {
    const env = { READLOG_SERVER: server, READLOG_TOKEN: alice.token };
    const first = await readlog(["save", "https://example.com/essay?utm_source=cli", "--tag", "later"], {
      home: home(),
      env,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^saved [0-9a-f-]{36} \(pending\)/);
    const again = await readlog(["save", "https://example.com/essay"], { home: home(), env });
    expect(again.stdout).toMatch(/^already saved: /);
    const bad = await readlog(["save", "javascript:alert(1)"], { home: home(), env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/only http and https/);
    const { items } = (await alice.request({ method: "GET", url: "/api/links" })).json();
    expect(items).toMatchObject([{ canonicalUrl: "https://example.com/essay", tags: ["later"] }]);
  });

  it("stores an existing token with --token, and READLOG_SERVER/READLOG_TOKEN override the file", async () => {
    const h = home();
    const r = await readlog(["login", "--server", server, "--token", alice.token], { home: h });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(path.join(h, "readlog", "config.json")).mode & 0o777).toBe(0o600);
    const [bad, envOnly] = await Promise.all([
      readlog(["today"], { home: h, env: { READLOG_TOKEN: "rl_not_a_token" } }),
      readlog(["log", "help"], { home: home(), env: { READLOG_SERVER: server, READLOG_TOKEN: alice.token } }),
    ]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/^readlog: /);
    expect(envOnly.code, envOnly.stderr).toBe(0);
    expect(envOnly.stdout).toContain("Readlog commands:");
  });

  it("reviews due cards: `readlog review` shows the card, `readlog review good` grades it", async () => {
    const book = await readingBook(alice, { title: "The Left Hand of Darkness", totalPages: 300 });
    const done = await alice.request({
      method: "POST",
      url: `/api/books/${book.id}/status`,
      payload: { status: "finished" },
    });
    expect(done.statusCode, done.body).toBeLessThan(300);
    await t.settle(); // the review card comes from the reading.finished event
    t.clock.advance(2 * 86_400_000); // the first review is due the day after finishing
    const env = { READLOG_SERVER: server, READLOG_TOKEN: alice.token };
    const shown = await readlog(["review"], { home: home(), env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("The Left Hand of Darkness");
    const graded = await readlog(["review", "good"], { home: home(), env });
    expect(graded.code, graded.stderr).toBe(0);
    const stats = await alice.request({ method: "GET", url: "/api/reviews/stats" });
    const perDay = stats.json().reviewsPerDay as { reviews: number }[];
    expect(perDay.reduce((n, d) => n + d.reviews, 0)).toBe(1);
    // With no review running, `readlog review 3` is still an answer to a review: never page 3 of a book.
    const before = (await alice.request({ method: "GET", url: "/api/books?status=reading" })).json().items;
    const [late, banana] = await Promise.all([
      readlog(["review", "3"], { home: home(), env }),
      readlog(["review", "banana"], { home: home(), env }),
    ]);
    expect(late.code, late.stderr).toBe(0);
    expect(late.stdout.trim()).toBe("No review is running: send `review` to start one.");
    expect(banana.code).toBe(2);
    expect(banana.stderr).toMatch(/value 'banana' is invalid.*Allowed choices are 1, 2, 3, 4, again/s);
    const after = (await alice.request({ method: "GET", url: "/api/books?status=reading" })).json().items;
    for (const b of before as { id: string }[]) {
      const progress = await alice.request({ method: "GET", url: `/api/books/${b.id}/progress` });
      expect(progress.json().items.every((e: { page: number }) => e.page !== 3)).toBe(true);
    }
    expect(after).toEqual(before);
  });

  it("exits 4 when not logged in or the login is refused, 2 on usage errors, 1 when the server is unreachable", async () => {
    // Each run starts a process (a fraction of a second each, more on a busy machine): run them side by side.
    const [notLogged, wrong, badToken, usage, noServer, help, down] = await Promise.all([
      readlog(["log", "dune", "1"], { home: home() }),
      readlog(["login", "--server", server, "--email", alice.email], {
        home: home(),
        stdin: "not the password\n",
      }),
      readlog(["login", "--server", server, "--token", "rl_nope"], { home: home() }),
      readlog(["log"], { home: home() }),
      readlog(["login"], { home: home() }),
      readlog(["log", "--help"], { home: home() }),
      readlog(["today"], {
        home: home(),
        env: { READLOG_SERVER: "http://127.0.0.1:9", READLOG_TOKEN: alice.token },
      }),
    ]);
    expect(notLogged.code).toBe(4);
    expect(notLogged.stderr).toContain("not logged in");
    expect(wrong.code, wrong.stderr).toBe(4);
    expect(badToken.code).toBe(4);
    expect(usage.code).toBe(2);
    expect(noServer.code).toBe(2);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: readlog log");
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("cannot reach");
  });
});
