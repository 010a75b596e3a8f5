// `npm run bench -- web`: what the web app costs a person. (1) The JavaScript and CSS a first visit
// downloads, gzip-compressed as served (goal ≤ 150 KB of JS for the first page), from the built files and
// as Chromium counted them on the wire. (2) In headless Chromium, the time from navigation to the Stats
// dashboard's charts drawn, for the readlog bench's big account (2,000 books, 500,000 entries over 5 years;
// goal < 1 s), with each API request's share; in the same run, the same page for a small account
// (20 books, 1,000 entries) as the baseline, and the big account with the assets already cached.
// BENCH_WEB_RUNS (default 7) visits each; UPDATE_SCREENSHOTS=1 also writes docs/screenshots/ of the big
// account's dashboard, calendar and Today.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { assemble } from "../src/app/assemble.js";
import { startBackground } from "../src/app/background.js";
import { buildHttpApp } from "../src/app/http.js";
import { ROLES } from "../src/app/roles.js";
import { WEB_DIST } from "../src/app/web-assets.js";
import { testConfig } from "../src/config.js";
import { hashPassword } from "../src/modules/auth/password.js";
import { FakeClock } from "../src/platform/clock.js";
import { CHROMIUM_ARGS, chromiumPath } from "../test/support/browser.js";
import { END, seed } from "./readlog.js";

const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 7);
const PASSWORD = "bench password, long enough";
const MIN_CHARTS = 4; // pages per day, books per month, pages per month, pages per year (+ books by length)

function gz(file: string): number {
  const compressed = `${file}.gz`;
  return existsSync(compressed) ? statSync(compressed).size : statSync(file).size;
}

/** The entry script, its preloaded chunks and the stylesheet named by index.html: what every first visit loads. */
function firstVisitFiles() {
  const html = readFileSync(path.join(WEB_DIST, "index.html"), "utf8");
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  const files = refs.map((r) => ({ path: r, gzipBytes: gz(path.join(WEB_DIST, r)) }));
  const js = files.filter((f) => f.path.endsWith(".js")).reduce((n, f) => n + f.gzipBytes, 0);
  const css = files.filter((f) => f.path.endsWith(".css")).reduce((n, f) => n + f.gzipBytes, 0);
  return { files, jsGzipKB: round(js / 1024), cssGzipKB: round(css / 1024) };
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

interface Visit {
  chartsMs: number;
  api: Record<string, number>;
  wire: { jsKB: number; cssKB: number };
}

/** One visit of /stats in a context: ms from navigation start until every chart is drawn, and each API call's time. */
async function visitStats(context: BrowserContext, base: string): Promise<Visit> {
  const page = await context.newPage();
  const wire = { js: 0, css: 0 };
  page.on("requestfinished", async (request) => {
    const sizes = await request.sizes().catch(() => null);
    const url = request.url();
    if (!sizes) return;
    if (url.endsWith(".js")) wire.js += sizes.responseBodySize;
    else if (url.endsWith(".css")) wire.css += sizes.responseBodySize;
  });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/stats`);
  // Playwright's own selector engine waits (the CSP forbids the eval a string predicate would need).
  // Every query answered and rendered: the charts are in the DOM in that same render.
  try {
    await page.locator('[data-stats-ready="true"] svg[data-chart]').first().waitFor({ timeout: 30_000 });
  } catch (err) {
    const shown = await page
      .locator("body")
      .textContent()
      .catch(() => null);
    throw new Error(
      `the dashboard was not drawn: ${String(err)}\npage errors: ${errors.join("; ")}\npage: ${(shown ?? "").slice(0, 800)}`,
    );
  }
  // Page-side code as a string: this project's TypeScript has no DOM types outside web/.
  const chartsMs = await page.evaluate<number>("performance.now()");
  const charts = await page.locator("svg[data-chart]").count();
  if (charts < MIN_CHARTS) throw new Error(`only ${charts} charts drawn on /stats`);
  const api = await page.evaluate<Record<string, number>>(String.raw`Object.fromEntries(
    performance.getEntriesByType("resource")
      .filter((e) => new URL(e.name).pathname.startsWith("/api/"))
      .map((e) => [new URL(e.name).pathname.replace(/\d{4}(-\d\d){0,2}/g, ":d"), Math.round(e.responseEnd - e.startTime)]))`);
  await page.close();
  return {
    chartsMs: Math.round(chartsMs),
    api,
    // A response from the HTTP cache has no body on the wire (Chromium reports it as negative).
    wire: { jsKB: round(Math.max(0, wire.js) / 1024), cssKB: round(Math.max(0, wire.css) / 1024) },
  };
}

async function signedIn(browser: Browser, base: string, email: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: "Europe/Berlin",
  });
  const r = await context.request.post(`${base}/api/auth/login`, { data: { email, password: PASSWORD } });
  if (!r.ok()) throw new Error(`login ${email}: ${r.status()} ${await r.text()}`);
  // The server's clock is the bench's (the data ends on END, in the past), so its cookies carry an expiry
  // the browser takes as past and drops: set them again as session cookies.
  const cookies = r
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => h.value.split(";")[0]!.split("="))
    .map(([name, ...value]) => ({ name: name!, value: value.join("="), url: base }));
  await context.addCookies(cookies);
  return context;
}

async function measure(browser: Browser, base: string, email: string, warm: boolean) {
  const visits: Visit[] = [];
  // Cold: a new context per visit (empty HTTP cache). Warm: one context, its first visit not counted.
  let shared: BrowserContext | null = warm ? await signedIn(browser, base, email) : null;
  if (shared) await visitStats(shared, base);
  for (let i = 0; i < RUNS; i++) {
    const context = shared ?? (await signedIn(browser, base, email));
    visits.push(await visitStats(context, base));
    if (!shared) await context.close();
  }
  await shared?.close();
  shared = null;
  const chartsMs = median(visits.map((v) => v.chartsMs));
  const apiMs = Object.fromEntries(
    Object.keys(visits[0]!.api).map((k) => [k, median(visits.map((v) => v.api[k] ?? 0))]),
  );
  const statsMs = apiMs["/api/stats"] ?? 0;
  return {
    chartsDrawnMs: { median: chartsMs, runs: visits.map((v) => v.chartsMs) },
    apiMs,
    statsRequestShare: round(statsMs / chartsMs, 2),
    slowestApiShare: round(Math.max(...Object.values(apiMs)) / chartsMs, 2),
    wireKB: visits[0]!.wire,
  };
}

async function screenshots(browser: Browser, base: string, email: string) {
  const out = path.join(process.cwd(), "docs", "screenshots");
  const desktop = await signedIn(browser, base, email);
  const page = await desktop.newPage();
  for (const [route, name] of [
    ["/stats", "stats"],
    ["/calendar?year=2025", "calendar"],
  ] as const) {
    await page.goto(`${base}${route}`);
    await page.locator("main h1").first().waitFor();
    await page.locator(".loading").first().waitFor({ state: "detached" });
    await page.screenshot({ path: path.join(out, `${name}-1280.png`) });
  }
  const dark = await browser.newContext({
    viewport: { width: 390, height: 844 },
    colorScheme: "dark",
    isMobile: true,
    storageState: await desktop.storageState(),
  });
  const phone = await dark.newPage();
  for (const [route, name] of [
    ["/stats", "stats-dark"],
    ["/", "today-dark"],
  ] as const) {
    await phone.goto(`${base}${route}`);
    await phone.locator("main h1").first().waitFor();
    await phone.locator(".loading").first().waitFor({ state: "detached" });
    await phone.screenshot({ path: path.join(out, `${name}-390.png`) });
  }
  await dark.close();
  await desktop.close();
  console.log(`screenshots written to ${out}`);
}

export default async function run(): Promise<Record<string, unknown>> {
  const chromium = chromiumPath();
  if (!chromium)
    throw new Error("no Chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)");
  if (!existsSync(path.join(WEB_DIST, "index.html")))
    throw new Error("the web app is not built: npm run build:web");
  const firstVisit = firstVisitFiles();
  console.log(`first visit: ${firstVisit.jsGzipKB} KB JS + ${firstVisit.cssGzipKB} KB CSS (gzip)`);

  const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-web-"));
  const clock = new FakeClock(END);
  const config = testConfig({
    database: { kind: "sqlite", file: path.join(dir, "bench.db") },
    logLevel: "warn",
  });
  const assembly = await assemble(config, { clock });
  const services = {
    ...assembly.services,
    database: assembly.database,
    db: assembly.database.db,
    app: assembly,
  };
  let browser: Browser | undefined;
  try {
    const t0 = performance.now();
    const bigId = await seed(services);
    const hash = await hashPassword(PASSWORD);
    await services.db.updateTable("users").set({ password_hash: hash }).execute();
    const big = await services.db
      .selectFrom("users")
      .select("email")
      .where("id", "=", bigId)
      .executeTakeFirstOrThrow();
    const small = await services.db
      .selectFrom("users")
      .select("email")
      .where("id", "!=", bigId)
      .where("role", "=", "member")
      .executeTakeFirstOrThrow();
    console.log(`seeded in ${round((performance.now() - t0) / 1000)} s`);
    const app = await buildHttpApp(assembly);
    const background = await startBackground(assembly, ROLES, config);
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    const { chromium: pw } = await import("playwright-core");
    browser = await pw.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
    const load = () => os.loadavg().map((l) => round(l, 2));
    const loadBefore = load();
    const smallCold = await measure(browser, base, small.email, false);
    const bigCold = await measure(browser, base, big.email, false);
    const bigWarm = await measure(browser, base, big.email, true);
    const loadAfter = load();
    if (process.env.UPDATE_SCREENSHOTS) await screenshots(browser, base, big.email);
    await app.close();
    await background.stop(0);
    const rows = [
      { account: "small (20 books, 1,000 entries), cold cache", ...summary(smallCold) },
      { account: "big (2,000 books, 500,000 entries), cold cache", ...summary(bigCold) },
      { account: "big, assets cached", ...summary(bigWarm) },
    ];
    console.table(rows);
    return {
      at: new Date().toISOString(),
      commit: execFileSync("git", ["rev-parse", "--short", "HEAD"]).toString().trim(),
      load: { before: loadBefore, after: loadAfter },
      runs: RUNS,
      firstVisit,
      dashboard: { small: smallCold, big: bigCold, bigWarm },
      goalsMet: {
        firstPageJs: firstVisit.jsGzipKB <= 150,
        chartsUnder1s: bigCold.chartsDrawnMs.median < 1000,
      },
    };
  } finally {
    await browser?.close();
    await assembly.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function summary(m: Awaited<ReturnType<typeof measure>>) {
  return {
    "charts drawn ms (median)": m.chartsDrawnMs.median,
    "GET /api/stats ms": m.apiMs["/api/stats"],
    "stats share": m.statsRequestShare,
    "slowest API share": m.slowestApiShare,
    "JS KB on wire": m.wireKB.jsKB,
  };
}
