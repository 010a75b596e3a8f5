// The web app in a real browser (Debian's chromium driven by playwright-core) against the real server on a
// temporary SQLite database and a loopback port: one person's first day, page by page, with axe-core on
// every page (no serious or critical violation) and screenshots at 390 and 1280 px.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Assembly, assemble } from "../../src/app/assemble.js";
import { type Background, startBackground } from "../../src/app/background.js";
import { buildHttpApp } from "../../src/app/http.js";
import { ROLES } from "../../src/app/roles.js";
import { WEB_DIST } from "../../src/app/web-assets.js";
import { testConfig } from "../../src/config.js";
import { FakeClock } from "../../src/platform/clock.js";
import { ArticleSite } from "../fakes/article-site.js";
import { CHROMIUM_ARGS, chromiumPath } from "../support/browser.js";

const chromium = chromiumPath();
const built = existsSync(join(WEB_DIST, "index.html"));
const skip = !chromium
  ? "no Chromium at /usr/bin/chromium (apt-get install chromium; or set CHROMIUM_PATH)"
  : !built
    ? "the web app is not built (npm run build:web)"
    : null;
if (skip) console.log(`web app browser tests skipped: ${skip}`);

// UPDATE_SCREENSHOTS=1 writes the README's screenshots into docs/screenshots/; otherwise a temporary folder.
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(process.cwd(), "docs", "screenshots")
  : mkdtempSync(join(tmpdir(), "readlog-shots-"));
const README_SHOTS = new Set(["today", "stats", "calendar", "book"]);
const PHONE_SHOTS = new Set([
  "library",
  "today",
  "calendar",
  "stats",
  "note",
  "notes",
  "articles",
  "reader",
  "clubs",
]);
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PASSWORD = "a long enough passphrase";
const paragraph = (i: number) =>
  `<p>Paragraph ${i}: the spice must flow through every sentence of this essay, slowly and at length, so that a reader has something to scroll through and to highlight.</p>`;
const ESSAY = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>On Keeping Things</title>
<meta property="og:site_name" content="Example Essays"></head>
<body><nav><a href="/">Home</a></nav><article><h1>On Keeping Things</h1><p class="byline">By Ada Reader</p>
${Array.from({ length: 40 }, (_, i) => paragraph(i)).join("\n")}</article><footer>Impressum</footer></body></html>`;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describe.skipIf(skip !== null)("the web app in Chromium", () => {
  let dir: string;
  let services: Assembly;
  let background: Background;
  let site: ArticleSite;
  let app: FastifyInstance;
  let clock: FakeClock;
  let base: string;
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;
  let phone: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "readlog-web-e2e-"));
    mkdirSync(SHOTS, { recursive: true });
    // A loopback article site the links pipeline may fetch from (names resolve to nothing in tests).
    site = await new ArticleSite([
      { path: "/essay", body: Buffer.from(ESSAY), contentType: "text/html; charset=utf-8" },
    ]).start();
    const config = testConfig({
      database: { kind: "sqlite", file: join(dir, "readlog.db") },
      fetch: {
        ...testConfig().fetch,
        allowHosts: [`127.0.0.1:${new URL(site.url).port}`],
        timeoutMs: 10_000,
      },
    });
    clock = new FakeClock(new Date());
    services = await assemble(config, { clock });
    app = await buildHttpApp(services);
    // As `readlog serve` runs: Socket.IO (the realtime role) on the same server as the API.
    for (const a of services.modules.flatMap((m) => m.attachments ?? [])) await a.attach(app.server);
    // As `readlog serve` runs: review cards and sends happen in the background.
    background = await startBackground(services, ROLES, config);
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    const { chromium: pw } = await import("playwright-core");
    browser = await pw.launch({
      executablePath: chromium ?? undefined,
      // playwright starts it on a fresh temporary profile of its own.
      args: CHROMIUM_ARGS,
    });
    desktop = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: "Europe/Paris",
      locale: "en-GB",
    });
    page = await desktop.newPage();
    for (const p of [page]) {
      p.on("console", (m) => {
        if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
      });
      p.on("pageerror", (e) => pageErrors.push(e.message));
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await background?.stop(0);
    await services?.close();
    await site?.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(`web app screenshots (1280 and 390 px): ${SHOTS}`);
    if (process.env.WEB_E2E_TIMING) console.log(timings.join("\n"));
  });

  const timings: string[] = [];
  let last = performance.now();
  const lap = (what: string) => {
    const now = performance.now();
    timings.push(`${what} ${Math.round(now - last)}ms`);
    last = now;
  };

  async function axe(p: Page, name: string) {
    lap(`${name} steps`);
    await p.evaluate(axeSource);
    // Page-side code as a string: this project's TypeScript has no DOM types outside web/.
    const violations = await p.evaluate<AxeViolation[]>(
      'axe.run(document, { resultTypes: ["violations"], runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] }).then((r) => r.violations)',
    );
    const bad = violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(bad, `axe on ${name}`).toEqual([]);
    lap(`${name} axe`);
  }

  /** Waits until no loading state is left on the page. */
  async function settled(p: Page) {
    await p.locator("main h1").first().waitFor();
    await expect.poll(() => p.locator(".loading").count()).toBe(0);
  }

  /**
   * A screenshot of the current page at 1280 px and, for the pages in `PHONE_SHOTS` (a phone-sized page
   * with the same session), at 390 px, checking that nothing makes the page scroll sideways.
   */
  async function shoot(name: string) {
    await page.screenshot({ path: join(SHOTS, `${name}-1280.png`), fullPage: !README_SHOTS.has(name) });
    if (!PHONE_SHOTS.has(name)) return;
    if (!phone) {
      const ctx = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 1,
        isMobile: true,
        hasTouch: true,
        timezoneId: "Europe/Paris",
        locale: "en-GB",
        storageState: await desktop.storageState(),
      });
      phone = await ctx.newPage();
      phone.on("pageerror", (e) => pageErrors.push(e.message));
    }
    await phone.goto(page.url());
    await settled(phone);
    // Nothing wider than the phone: the page must not scroll sideways.
    const overflow = await phone.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow, `${name} at 390 px scrolls sideways`).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(SHOTS, `${name}-390.png`) });
    lap(`${name} shots`);
  }

  async function visit(path: string, heading: string | RegExp) {
    await page.goto(`${base}${path}`);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    await settled(page);
  }

  it("registers, onboards, adds a book, logs pages two ways, sees them everywhere, reviews, makes a token, signs out", async () => {
    // Sign up: the first account (it becomes the administrator), then onboarding.
    await page.goto(`${base}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByText(/no account yet/).waitFor();
    await axe(page, "sign-up");
    await page.getByLabel("Email").fill("ann@example.com");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Password again").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/onboarding$/);
    await page.getByRole("heading", { name: "Welcome" }).waitFor();
    await expect.poll(() => page.getByLabel("Time zone").inputValue()).toBe("Europe/Paris");
    await page.getByRole("button", { name: "Confirm time zone" }).click();
    await page.getByText("✓ saved").first().waitFor();
    await page.getByText(/no chat channel set up/).waitFor();
    await page.getByRole("button", { name: "Save reminder" }).click();
    await page.getByText("Reminder saved.").waitFor();
    await axe(page, "onboarding");
    await shoot("onboarding");
    const me = await (await page.request.get(`${base}/api/me`)).json();
    expect(me).toMatchObject({ role: "admin", timezone: "Europe/Paris" });

    // Library: a book with a bad page count first (checked before sending), then right.
    await page.getByRole("link", { name: "Add your first book" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Dune");
    await page.getByLabel("Authors", { exact: true }).fill("Frank Herbert");
    await page.getByLabel("Total pages").fill("0");
    await page.getByRole("button", { name: "Add book" }).click();
    await page.getByText("Total pages must be between 1 and 100000").waitFor();
    await page.getByLabel("Total pages").fill("412");
    await page.getByRole("button", { name: "Add book" }).click();
    await page.getByText("Added").waitFor();
    await page.getByRole("link", { name: "Dune" }).first().waitFor();
    await axe(page, "library");
    await shoot("library");

    // Today: a page through the command bar, then +10 through the controls.
    await visit("/", /Today/);
    await page.getByLabel("Command").fill("dune 42");
    await page.getByLabel("Command").press("Enter");
    await page
      .getByRole("list", { name: "Commands and replies" })
      .getByText(/Dune: p\.42/)
      .waitFor();
    await page.getByText("p. 42 of 412").waitFor();
    await page.getByRole("button", { name: "Add 10 pages to Dune" }).click();
    await page.getByText("p. 52 of 412").waitFor();
    await page.getByText("+52 pages today").waitFor();
    await settled(page);
    await axe(page, "today");
    await shoot("today");

    // Calendar: today's square holds the 52 pages; opening it lists the two entries.
    const today = await page.evaluate(() =>
      new Intl.DateTimeFormat("en-CA", {
        timeZone: "Europe/Paris",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      }).format(new Date()),
    );
    await visit("/calendar", "Calendar");
    const square = page.locator(`rect[data-day="${today}"]`);
    await expect.poll(() => square.getAttribute("aria-label")).toMatch(/52 pages/);
    await square.focus();
    await page.keyboard.press("Enter");
    await page.getByText("52 pages in 1 book").waitFor();
    await axe(page, "calendar");
    await shoot("calendar");

    // Book: the page-by-day chart and history; then finish it (it becomes a review card for tomorrow).
    await page.getByRole("link", { name: "Dune" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Dune" }).waitFor();
    await page.locator('svg[data-chart="line"]').waitFor();
    await axe(page, "book");
    await shoot("book");
    await page.getByLabel("Shelf").selectOption("finished");
    await expect
      .poll(async () => (await (await page.request.get(`${base}/api/stats`)).json()).goal.booksDone)
      .toBe(1);

    // Stats: the charts are drawn with the pages and the finished book.
    await visit("/stats", "Stats");
    await page.locator('[data-stats-ready="true"]').waitFor();
    expect(await page.locator("svg[data-chart]").count()).toBeGreaterThanOrEqual(4);
    await page.getByText("2 books finished").or(page.getByText("1 book finished")).first().waitFor();
    await page
      .getByRole("group", { name: /in numbers/ })
      .or(page.getByLabel(/in numbers/))
      .first()
      .waitFor();
    // With no yearly goal set, the count says "1 book", never "1 books".
    expect(await page.textContent("body")).toMatch(/Books: (1 book|2 books) so far, no goal set/);
    await axe(page, "stats");
    await shoot("stats");

    // Reviews: a day later the finished book is due; grade it with the keyboard (Space, then 3 = Good).
    clock.set(new Date(clock.now().getTime() + 2 * 86_400_000));
    await visit("/reviews", "Reviews");
    await page.getByRole("heading", { name: /Dune/ }).waitFor();
    await axe(page, "reviews");
    await shoot("reviews");
    await page.locator("body").press("Space");
    await page.getByRole("button", { name: /3 Good/ }).waitFor();
    await page.keyboard.press("3");
    await page.getByText("Nothing to review today").waitFor();

    // Settings: a token, shown once.
    await visit("/settings", "Settings");
    await page.getByLabel("Token name").fill("laptop CLI");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = await page.getByTestId("new-token").textContent();
    expect(token).toMatch(/^rl_/);
    const withToken = await page.request.get(`${base}/api/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(withToken.status()).toBe(200);
    await axe(page, "settings");
    await shoot("settings");

    await visit("/admin", "Admin");
    await page.getByText("ann@example.com").first().waitFor();
    await axe(page, "admin");
    await shoot("admin");

    // Sign out: back to sign-in, and the API no longer knows this browser.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
    await axe(page, "sign-in");
    expect((await page.request.get(`${base}/api/me`)).status()).toBe(401);

    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("sends a person whose session expired to sign-in, then back to the page they were on", async () => {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Email").fill("ann@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: /Today/ }).waitFor();
    await page.getByRole("link", { name: "Library" }).click();
    await page.getByRole("heading", { level: 1, name: "Library" }).waitFor();
    // The session ends (as when it expires): the next call answers 401.
    await desktop.clearCookies();
    await page.getByRole("link", { name: "Stats" }).click();
    await page.waitForURL(/\/sign-in\?next=%2Fstats/);
    await page.getByText("Your session ended").waitFor();
    await page.getByLabel("Email").fill("ann@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/stats$/);
    await page.getByRole("heading", { level: 1, name: "Stats" }).waitFor();
  }, 60_000);
  it("writes a note and finds it by search, saves a link and reads it, and two people chat in a club", async () => {
    // The phone-sized page of the first test is signed out by now: the next shot opens one on this session.
    await phone?.context().close();
    phone = undefined as unknown as Page;
    await visit("/notes/new", "New note");
    await page.getByLabel("Title").fill("Spice harvest");
    await page.getByLabel("Note (Markdown)").fill("The [[Dune]] spice must flow; see [[Nowhere yet]].");
    await page.getByRole("button", { name: "Preview" }).click();
    await page
      .getByRole("region", { name: "Preview" })
      .getByText(/spice must flow/)
      .waitFor();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { level: 1, name: "Spice harvest" }).waitFor();
    await expect.poll(() => page.locator(".note-body a.wikilink").getAttribute("href")).toMatch(/^\/books\//);
    await page.locator(".wikilink-missing").getByText("Nowhere yet").waitFor();
    await settled(page);
    await axe(page, "note");
    await shoot("note");
    // The search index follows after the commit: wait for it, then search in the page.
    await expect
      .poll(async () => (await (await page.request.get(`${base}/api/search?q=harvest`)).json()).hits.length)
      .toBeGreaterThan(0);
    await visit("/notes", "Notes");
    await page.getByLabel("Search notes, highlights and books").fill("harvest");
    await page.getByLabel("Search notes, highlights and books").press("Enter");
    await page
      .getByRole("list", { name: "Search results" })
      .getByRole("link", { name: /Spice harvest/ })
      .waitFor();
    await settled(page);
    await axe(page, "notes search");
    await shoot("notes");
    await visit("/notes/import", "Import highlights");
    await axe(page, "import highlights");
    const dune = (await (await page.request.get(`${base}/api/books`)).json()).items[0].id;
    await visit(`/books/${dune}/highlights`, /Highlights in Dune/);
    await page.getByText("No highlights in this book").waitFor();
    await axe(page, "book highlights");

    // Articles: save the loopback essay; the pipeline fetches and extracts it; read it in the app.
    await visit("/articles", "Articles");
    await page.getByLabel("Address").fill(`${site.url}/essay`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const row = page.getByRole("list", { name: "Articles" }).getByRole("link", { name: "On Keeping Things" });
    await row.waitFor({ timeout: 20_000 });
    await page.getByText("Ready to read").first().waitFor({ timeout: 20_000 });
    await settled(page);
    await axe(page, "articles");
    await shoot("articles");
    await row.click();
    await page.getByRole("heading", { level: 1, name: "On Keeping Things" }).waitFor();
    await page.getByText("Paragraph 39").waitFor();
    await page.getByLabel("Text size").selectOption("l");
    await page.getByLabel("Colours").selectOption("dark");
    await settled(page);
    await axe(page, "reader");
    await shoot("reader");
    // Select a few words of the article and keep them as a highlight.
    await page.evaluate(`(() => {
      const p = [...document.querySelectorAll(".reader-body p")].find((e) => e.textContent.startsWith("Paragraph 3:"));
      const t = p.firstChild;
      const r = document.createRange();
      r.setStart(t, 13);
      r.setEnd(t, 26);
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    })()`);
    await page.getByRole("button", { name: "Highlight the selection" }).click();
    await page.getByRole("list", { name: "Highlights in this article" }).getByText("the spice mus").waitFor();

    // Clubs: Ann starts one, makes an invitation link; Bob (another browser) joins with it; they chat live.
    const csrf = (await desktop.cookies()).find((c) => c.name === "readlog_csrf")?.value ?? "";
    const made = await page.request.post(`${base}/api/admin/users`, {
      data: { email: "bob@example.com", password: PASSWORD, name: "Bob" },
      headers: { "x-csrf-token": csrf },
    });
    expect(made.status(), await made.text()).toBe(201);
    await visit("/clubs", "Book clubs");
    await axe(page, "clubs");
    await shoot("clubs");
    await page.getByLabel("Name").fill("Dune readers");
    await page.getByLabel("Book title").fill("Dune");
    await page.getByRole("button", { name: "Create the club" }).click();
    await page.getByRole("heading", { level: 1, name: "Dune readers" }).waitFor();
    await page.getByRole("button", { name: "Make an invitation link" }).click();
    const invite = await page.getByLabel(/Invitation link/).inputValue();
    expect(invite).toMatch(/\/clubs\/join\?token=/);

    const bobContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const bob = await bobContext.newPage();
    bob.on("pageerror", (e) => pageErrors.push(e.message));
    await bob.goto(`${base}/sign-in`);
    await bob.getByLabel("Email").fill("bob@example.com");
    await bob.getByLabel("Password").fill(PASSWORD);
    await bob.getByRole("button", { name: "Sign in" }).click();
    await bob.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
    await bob.goto(invite);
    await bob.getByRole("heading", { level: 1, name: "Dune readers" }).waitFor();
    await bob.getByRole("status").getByText("Live").waitFor();
    await page.getByRole("status").getByText("Live").waitFor();
    await page.getByText("Here now: Bob").waitFor();

    await page.getByLabel("Message", { exact: true }).fill("Hello Bob, p. 40 here");
    await page.getByLabel("Message", { exact: true }).press("Enter");
    await bob.getByRole("list", { name: "Messages" }).getByText("Hello Bob, p. 40 here").waitFor();
    await bob.getByLabel("Message", { exact: true }).fill("Hi Ann!");
    await bob.getByLabel("Message", { exact: true }).press("Enter");
    await page.getByRole("list", { name: "Messages" }).getByText("Hi Ann!").waitFor();
    await settled(page);
    await axe(page, "club");
    await axe(bob, "club at 390 px");
    const overflow = await bob.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow, "club at 390 px scrolls sideways").toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, "club-1280.png"), fullPage: true });
    await bob.screenshot({ path: join(SHOTS, "club-390.png") });
    await bobContext.close();

    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
