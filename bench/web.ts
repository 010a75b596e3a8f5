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
function firstVisitFiles(root: string) {
  const html = readFileSync(path.join(root, "index.html"), "utf8");
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  const files = refs.map((r) => ({ path: r, gzipBytes: gz(path.join(root, r)) }));
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
  /** ms from navigation start: the charts in the DOM (the React commit that put them there). */
  chartsMs: number;
  /** …and the frame showing them painted (the task after the next animation frame). */
  paintedMs: number;
  /** …when Playwright's polling saw them (what this bench reported before: up to 500 ms late). */
  seenMs: number;
  /** The main phases of the visit (ms from navigation start). */
  phases: { domContentLoaded: number; firstApiStart: number; statsAnswered: number; lastApiAnswered: number };
  api: Record<string, number>;
  wire: { jsKB: number; cssKB: number };
}

/**
 * Installed in every page before its own scripts: notes when the dashboard's charts are first in the DOM
 * (a MutationObserver's callback runs at the end of the task that inserted them) and when the frame showing
 * them was painted. The same for any build, so two builds compare on the same clock.
 */
const DRAWN_PROBE = String.raw`(() => {
  const probe = { drawn: 0, painted: 0 };
  Object.defineProperty(window, "__readlogBench", { value: probe });
  const seen = () => document.querySelector('[data-stats-ready="true"] svg[data-chart]');
  const observer = new MutationObserver(() => {
    if (probe.drawn || !seen()) return;
    probe.drawn = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { probe.painted = performance.now(); }, 0));
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-stats-ready"] });
})()`;

/** One visit of /stats in a context: when its charts were drawn, the visit's phases and each API call's time. */
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
  // Playwright's own selector engine waits (the CSP forbids the eval a string predicate would need); it
  // polls at 0, 20, 50, 100, 100 and then every 500 ms, so the time is the probe's, not this wait's end.
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
  const seenMs = await page.evaluate<number>("performance.now()");
  const charts = await page.locator("svg[data-chart]").count();
  if (charts < MIN_CHARTS) throw new Error(`only ${charts} charts drawn on /stats`);
  const timing = await page.evaluate<Omit<Visit, "seenMs" | "wire">>(String.raw`(async () => {
    const probe = window.__readlogBench;
    while (!probe.painted) await new Promise((r) => setTimeout(r, 5));
    const nav = performance.getEntriesByType("navigation")[0];
    const calls = performance.getEntriesByType("resource").filter((e) => new URL(e.name).pathname.startsWith("/api/"));
    const path = (e) => new URL(e.name).pathname.replace(/\d{4}(-\d\d){0,2}/g, ":d");
    const stats = calls.find((e) => path(e) === "/api/stats");
    return {
      chartsMs: Math.round(probe.drawn),
      paintedMs: Math.round(probe.painted),
      phases: {
        domContentLoaded: Math.round(nav.domContentLoadedEventStart),
        firstApiStart: Math.round(Math.min(...calls.map((e) => e.startTime))),
        statsAnswered: Math.round(stats ? stats.responseEnd : 0),
        lastApiAnswered: Math.round(Math.max(...calls.map((e) => e.responseEnd))),
      },
      api: Object.fromEntries(calls.map((e) => [path(e), Math.round(e.responseEnd - e.startTime)])),
    };
  })()`);
  await page.close();
  return {
    ...timing,
    seenMs: Math.round(seenMs),
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
  await context.addInitScript(DRAWN_PROBE);
  return context;
}

/** A build of the web app under test: its name and the server that serves it. */
interface Build {
  name: string;
  base: string;
}

/**
 * RUNS visits of /stats per build, the builds' visits interleaved (so a change of the machine's load
 * falls on all of them alike). Cold: a new context per visit (empty HTTP cache). Warm: one context per
 * build, its first visit not counted.
 */
async function measure(browser: Browser, builds: Build[], email: string, warm: boolean) {
  const visits = new Map<string, Visit[]>(builds.map((b) => [b.name, []]));
  const shared = new Map<string, BrowserContext>();
  if (warm)
    for (const b of builds) {
      const context = await signedIn(browser, b.base, email);
      await visitStats(context, b.base);
      shared.set(b.name, context);
    }
  for (let i = 0; i < RUNS; i++)
    for (const b of i % 2 ? [...builds].reverse() : builds) {
      const context = shared.get(b.name) ?? (await signedIn(browser, b.base, email));
      visits.get(b.name)!.push(await visitStats(context, b.base));
      if (!warm) await context.close();
    }
  for (const context of shared.values()) await context.close();
  return Object.fromEntries(builds.map((b) => [b.name, summarise(visits.get(b.name)!)]));
}

function summarise(visits: Visit[]) {
  const med = (f: (v: Visit) => number) => median(visits.map(f));
  const chartsMs = med((v) => v.chartsMs);
  const apiMs = Object.fromEntries(
    Object.keys(visits[0]!.api).map((k) => [k, median(visits.map((v) => v.api[k] ?? 0))]),
  );
  const statsMs = apiMs["/api/stats"] ?? 0;
  return {
    chartsDrawnMs: { median: chartsMs, runs: visits.map((v) => v.chartsMs) },
    paintedMs: med((v) => v.paintedMs),
    playwrightSawMs: med((v) => v.seenMs),
    phasesMs: {
      domContentLoaded: med((v) => v.phases.domContentLoaded),
      firstApiStart: med((v) => v.phases.firstApiStart),
      statsAnswered: med((v) => v.phases.statsAnswered),
      lastApiAnswered: med((v) => v.phases.lastApiAnswered),
    },
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
  const roots = [{ name: "this build", root: WEB_DIST }];
  if (process.env.BENCH_WEB_BASELINE)
    roots.push({ name: "baseline", root: path.resolve(process.env.BENCH_WEB_BASELINE) });
  for (const { root } of roots)
    if (!existsSync(path.join(root, "index.html")))
      throw new Error(`the web app is not built in ${root}: npm run build:web`);
  const firstVisit = Object.fromEntries(roots.map((r) => [r.name, firstVisitFiles(r.root)]));
  for (const [name, f] of Object.entries(firstVisit))
    console.log(
      `first visit, ${name}: ${f.jsGzipKB} KB JS + ${f.cssGzipKB} KB CSS (gzip, ${f.files.length} files)`,
    );

  // BENCH_WEB_DB keeps the seeded database between runs (seeding takes a minute); by default a new one.
  const keep = process.env.BENCH_WEB_DB;
  const dir = keep ? null : mkdtempSync(path.join(tmpdir(), "readlog-bench-web-"));
  const file = keep ? path.resolve(keep) : path.join(dir!, "bench.db");
  const seeded = existsSync(file);
  const clock = new FakeClock(END);
  const config = testConfig({ database: { kind: "sqlite", file }, logLevel: "warn" });
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
    if (!seeded) {
      await seed(services);
      const hash = await hashPassword(PASSWORD);
      await services.db.updateTable("users").set({ password_hash: hash }).execute();
      console.log(`seeded in ${round((performance.now() - t0) / 1000)} s`);
    }
    // The big account is the one with the most books.
    const owners = await services.db
      .selectFrom("books")
      .innerJoin("users", "users.id", "books.owner_id")
      .select(["users.email", "users.role", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["users.email", "users.role"])
      .orderBy("n", "desc")
      .execute();
    const big = owners[0]!;
    const small = owners.find((o) => o.role === "member" && o.email !== big.email)!;
    const apps = await Promise.all(roots.map((r) => buildHttpApp(assembly, { webRoot: r.root })));
    const background = await startBackground(assembly, ROLES, config);
    const builds = await Promise.all(
      apps.map(async (app, i) => ({
        name: roots[i]!.name,
        base: await app.listen({ port: 0, host: "127.0.0.1" }),
      })),
    );
    const { chromium: pw } = await import("playwright-core");
    browser = await pw.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
    const load = () => os.loadavg().map((l) => round(l, 2));
    const loadBefore = load();
    const smallCold = await measure(browser, builds, small.email, false);
    const bigCold = await measure(browser, builds, big.email, false);
    const bigWarm = await measure(browser, builds, big.email, true);
    const loadAfter = load();
    if (process.env.UPDATE_SCREENSHOTS) await screenshots(browser, builds[0]!.base, big.email);
    for (const app of apps) await app.close();
    await background.stop(0);
    const rows = builds.flatMap((b) => [
      { build: b.name, account: "small (20 books, 1,000 entries), cold", ...summary(smallCold[b.name]!) },
      { build: b.name, account: "big (2,000 books, 500,000 entries), cold", ...summary(bigCold[b.name]!) },
      { build: b.name, account: "big, assets cached", ...summary(bigWarm[b.name]!) },
    ]);
    console.table(rows);
    console.log(`load average before ${loadBefore.join(", ")}, after ${loadAfter.join(", ")}`);
    const mine = roots[0]!.name;
    return {
      at: new Date().toISOString(),
      commit: execFileSync("git", ["rev-parse", "--short", "HEAD"]).toString().trim(),
      load: { before: loadBefore, after: loadAfter },
      runs: RUNS,
      firstVisit,
      dashboard: { small: smallCold, big: bigCold, bigWarm },
      goalsMet: {
        firstPageJs: firstVisit[mine]!.jsGzipKB <= 150,
        chartsUnder1s: bigCold[mine]!.chartsDrawnMs.median < 1000,
      },
    };
  } finally {
    await browser?.close();
    await assembly.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

function summary(m: ReturnType<typeof summarise>) {
  return {
    "charts drawn ms": m.chartsDrawnMs.median,
    "painted ms": m.paintedMs,
    "Playwright saw ms": m.playwrightSawMs,
    "DOMContentLoaded ms": m.phasesMs.domContentLoaded,
    "first API call ms": m.phasesMs.firstApiStart,
    "last API answer ms": m.phasesMs.lastApiAnswered,
    "GET /api/stats ms": m.apiMs["/api/stats"],
    "stats share": m.statsRequestShare,
    "JS KB on wire": m.wireKB.jsKB,
  };
}
