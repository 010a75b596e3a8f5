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
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os, { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { assemble } from "../src/app/assemble.js";
import { startBackground } from "../src/app/background.js";
import { buildHttpApp } from "../src/app/http.js";
import { ROLES } from "../src/app/roles.js";
import { WEB_CSP, WEB_DIST } from "../src/app/web-assets.js";
import { testConfig } from "../src/config.js";
import { hashPassword } from "../src/modules/auth/password.js";
import { FakeClock } from "../src/platform/clock.js";
import { CHROMIUM_ARGS, chromiumPath } from "../test/support/browser.js";
import { END, seed } from "./readlog.js";

const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 7);
const PASSWORD = "bench password, long enough";
const MIN_CHARTS = 4;
/** "Browser settled": the new page waits this long before navigating, its renderer processes started. */
const SETTLE_MS = 1000; // pages per day, books per month, pages per month, pages per year (+ books by length)

function gz(file: string): number {
  const compressed = `${file}.gz`;
  return existsSync(compressed) ? statSync(compressed).size : statSync(file).size;
}

/** The entry script, its preloaded chunks and the stylesheet named by index.html: what every first visit loads. */
function firstVisitFiles(root: string) {
  const html = readFileSync(path.join(root, "index.html"), "utf8");
  // A file named twice (the boot script is both a script and a modulepreload) is downloaded once.
  const refs = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!))];
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
  /** The main phases of the visit (ms from navigation start). */
  phases: {
    /** The HTML's last byte. */
    htmlAnswered: number;
    /** The first script (the boot script) asked for: the document committed and parsed. */
    firstScriptAsked: number;
    domContentLoaded: number;
    firstApiStart: number;
    statsAnswered: number;
    lastApiAnswered: number;
  };
  api: Record<string, number>;
  wire: { jsKB: number; cssKB: number };
  /**
   * CPU time of the page's renderer process up to the end of the visit (CDP Performance metrics read once
   * the charts were painted): its main thread (`ThreadTime`) and the whole process (`ProcessTime`, with
   * its compile and raster threads). Unlike the times above, these grow little with the machine's load.
   */
  cpu: { mainThreadMs: number; processMs: number };
}

/**
 * Installed in every page before its own scripts: notes when the dashboard's charts are first in the DOM
 * (a MutationObserver's callback runs at the end of the task that inserted them) and when the frame showing
 * them was painted (`done` resolves then). The same for any build, so two builds compare on the same clock.
 */
const DRAWN_PROBE = `(() => {
  let resolve;
  const probe = { drawn: 0, painted: 0, done: new Promise((r) => { resolve = r; }) };
  Object.defineProperty(window, "__readlogBench", { value: probe });
  const seen = () => document.querySelector('[data-stats-ready="true"] svg[data-chart]');
  const observer = new MutationObserver(() => {
    if (probe.drawn || !seen()) return;
    probe.drawn = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { probe.painted = performance.now(); resolve(); }, 0));
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-stats-ready"] });
})()`;

/**
 * The browser's clock set to the server's (the bench's server runs on a fake clock at END, in the past, so
 * that the seeded data ends "today"): on a real machine both read the same clock, and the boot script's
 * guess of the user's today (ADR 0102) is right; with a browser months ahead it is wrong on every visit and
 * the page asks for the days a second time, after the stats. `Date` alone is shifted (timers and
 * `performance` keep the real clock). BENCH_WEB_BROWSER_CLOCK=real leaves the browser's clock alone.
 */
function browserClock(now: Date): string {
  return `(() => {
  const RealDate = Date;
  const offset = ${now.getTime()} - RealDate.now();
  class BenchDate extends RealDate {
    constructor(...args) { if (args.length === 0) super(RealDate.now() + offset); else super(...args); }
    static now() { return RealDate.now() + offset; }
  }
  globalThis.Date = BenchDate;
})()`;
}

/**
 * Read in the page once the probe has seen the charts painted (or after 30 s): the probe's times, the
 * navigation's phases and each API call's time (Resource Timing), and the JS and CSS bytes on the wire
 * (Resource Timing's encoded body size; 0 for what came from the HTTP cache).
 */
const MEASURE = String.raw`(async () => {
  const probe = window.__readlogBench;
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error("the dashboard was not drawn in 30 s")), 30000));
  await Promise.race([probe.done, late]);
  const nav = performance.getEntriesByType("navigation")[0];
  const all = performance.getEntriesByType("resource");
  const calls = all.filter((e) => new URL(e.name).pathname.startsWith("/api/"));
  const path = (e) => new URL(e.name).pathname.replace(/\d{4}(-\d\d){0,2}/g, ":d");
  const stats = calls.find((e) => path(e) === "/api/stats");
  const bytes = (ext) => all.filter((e) => new URL(e.name).pathname.endsWith(ext) && e.transferSize > 0).reduce((n, e) => n + e.encodedBodySize, 0);
  const scripts = all.filter((e) => new URL(e.name).pathname.endsWith(".js"));
  return {
    charts: document.querySelectorAll("svg[data-chart]").length,
    chartsMs: Math.round(probe.drawn),
    paintedMs: Math.round(probe.painted),
    phases: {
      htmlAnswered: Math.round(nav.responseEnd),
      firstScriptAsked: Math.round(Math.min(...scripts.map((e) => e.startTime))),
      domContentLoaded: Math.round(nav.domContentLoadedEventStart),
      firstApiStart: Math.round(Math.min(...calls.map((e) => e.startTime))),
      statsAnswered: Math.round(stats ? stats.responseEnd : 0),
      lastApiAnswered: Math.round(Math.max(...calls.map((e) => e.responseEnd))),
    },
    api: Object.fromEntries(calls.map((e) => [path(e), Math.round(e.responseEnd - e.startTime)])),
    wire: { js: bytes(".js"), css: bytes(".css") },
  };
})()`;

/**
 * One visit of /stats in a context: when its charts were drawn, the visit's phases and each API call's
 * time. Nothing of Playwright's runs in the page while it loads: `goto` waits for the load event from the
 * browser's side, and the end is awaited over CDP in the page's own world (Playwright's selector engine,
 * injected by a locator's wait, is a large script that ran in the middle of the page's work).
 */
async function visitStats(context: BrowserContext, base: string, settleMs = 0): Promise<Visit> {
  const page = await context.newPage();
  // Chromium starts its renderer processes for a new page (three here, 0.5 s of CPU); settleMs lets them
  // finish before the navigation, to tell that cost from the page's own.
  if (settleMs) await new Promise((resolve) => setTimeout(resolve, settleMs));
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  await page.goto(`${base}/stats`);
  const answer = await cdp.send("Runtime.evaluate", {
    expression: MEASURE,
    awaitPromise: true,
    returnByValue: true,
  });
  const metrics = new Map((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  if (answer.exceptionDetails) {
    const shown = await page
      .locator("body")
      .textContent()
      .catch(() => null);
    throw new Error(
      `the dashboard was not drawn: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}\npage errors: ${errors.join("; ")}\npage: ${(shown ?? "").slice(0, 800)}`,
    );
  }
  const { charts, wire, ...timing } = answer.result.value as Omit<Visit, "wire"> & {
    charts: number;
    wire: { js: number; css: number };
  };
  if (charts < MIN_CHARTS) throw new Error(`only ${charts} charts drawn on /stats`);
  await cdp.detach();
  await page.close();
  return {
    ...timing,
    wire: { jsKB: round(wire.js / 1024), cssKB: round(wire.css / 1024) },
    cpu: {
      mainThreadMs: Math.round((metrics.get("ThreadTime") ?? 0) * 1000),
      processMs: Math.round((metrics.get("ProcessTime") ?? 0) * 1000),
    },
  };
}

/** A static page with one paragraph: the browser's own cost of a visit in a new context (same harness). */
const BLANK_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Blank</title><p>A blank page.</p></html>`;

/** One visit of the blank page in a new context: its first contentful paint (ms from navigation start). */
async function visitBlank(browser: Browser, base: string): Promise<number> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: "Europe/Berlin",
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(base);
  const answer = await cdp.send("Runtime.evaluate", {
    expression: `(async () => {
      for (let i = 0; i < 600; i++) {
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        if (fcp) return Math.round(fcp.startTime);
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error("the blank page was not painted in 3 s");
    })()`,
    awaitPromise: true,
    returnByValue: true,
  });
  await context.close();
  if (answer.exceptionDetails) throw new Error(`blank page: ${answer.exceptionDetails.text}`);
  return answer.result.value as number;
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
  if (process.env.BENCH_WEB_BROWSER_CLOCK !== "real") await context.addInitScript(browserClock(END));
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
 * falls on all of them alike). Cold: a new context per visit (empty HTTP cache, no V8 code cache, a new
 * renderer process; the browser process is the same). Warm: one context per build, its first visit not
 * counted. With `blank`, each round also visits the blank page in a new context: the same-run baseline of
 * what any page costs in this harness.
 */
async function measure(
  browser: Browser,
  builds: Build[],
  email: string,
  warm: boolean,
  blank?: string,
  settleMs = 0,
) {
  const visits = new Map<string, Visit[]>(builds.map((b) => [b.name, []]));
  const blankMs: number[] = [];
  const shared = new Map<string, BrowserContext>();
  if (warm)
    for (const b of builds) {
      const context = await signedIn(browser, b.base, email);
      await visitStats(context, b.base);
      shared.set(b.name, context);
    }
  for (let i = 0; i < RUNS; i++) {
    if (blank) blankMs.push(await visitBlank(browser, blank));
    for (const b of i % 2 ? [...builds].reverse() : builds) {
      const context = shared.get(b.name) ?? (await signedIn(browser, b.base, email));
      visits.get(b.name)!.push(await visitStats(context, b.base, settleMs));
      if (!warm) await context.close();
    }
  }
  for (const context of shared.values()) await context.close();
  const blankPaintMs = blank ? median(blankMs) : undefined;
  return Object.fromEntries(builds.map((b) => [b.name, { ...summarise(visits.get(b.name)!), blankPaintMs }]));
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
    phasesMs: {
      htmlAnswered: med((v) => v.phases.htmlAnswered),
      firstScriptAsked: med((v) => v.phases.firstScriptAsked),
      domContentLoaded: med((v) => v.phases.domContentLoaded),
      firstApiStart: med((v) => v.phases.firstApiStart),
      statsAnswered: med((v) => v.phases.statsAnswered),
      lastApiAnswered: med((v) => v.phases.lastApiAnswered),
    },
    apiMs,
    rendererCpuMs: {
      mainThread: med((v) => v.cpu.mainThreadMs),
      process: med((v) => v.cpu.processMs),
    },
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
    // The blank page from a server of its own on the same process and loopback, with the app's headers
    // (its cross-origin-opener-policy makes Chromium start one more renderer process on navigation).
    const blankServer = createServer((_request, response) => {
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-security-policy": WEB_CSP,
        "cross-origin-opener-policy": "same-origin",
      });
      response.end(BLANK_PAGE);
    });
    await new Promise<void>((resolve) => blankServer.listen(0, "127.0.0.1", resolve));
    const blank = `http://127.0.0.1:${(blankServer.address() as AddressInfo).port}/`;
    const loadBefore = load();
    const smallCold = await measure(browser, builds, small.email, false, blank);
    const bigCold = await measure(browser, builds, big.email, false, blank);
    const bigWarm = await measure(browser, builds, big.email, true);
    const bigSettled = await measure(browser, builds, big.email, false, blank, SETTLE_MS);
    const loadAfter = load();
    if (process.env.UPDATE_SCREENSHOTS) await screenshots(browser, builds[0]!.base, big.email);
    for (const app of apps) await app.close();
    blankServer.close();
    await background.stop(0);
    const rows = builds.flatMap((b) => [
      { build: b.name, account: "small (20 books, 1,000 entries), cold", ...summary(smallCold[b.name]!) },
      { build: b.name, account: "big (2,000 books, 500,000 entries), cold", ...summary(bigCold[b.name]!) },
      { build: b.name, account: "big, assets cached", ...summary(bigWarm[b.name]!) },
      { build: b.name, account: "big, cold, browser settled", ...summary(bigSettled[b.name]!) },
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
      dashboard: { small: smallCold, big: bigCold, bigWarm, bigSettled },
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

function summary(m: ReturnType<typeof summarise> & { blankPaintMs?: number }) {
  return {
    "charts drawn ms": m.chartsDrawnMs.median,
    "painted ms": m.paintedMs,
    "blank page painted ms": m.blankPaintMs ?? "",
    "HTML ms": m.phasesMs.htmlAnswered,
    "first script asked ms": m.phasesMs.firstScriptAsked,
    "DOMContentLoaded ms": m.phasesMs.domContentLoaded,
    "renderer main-thread CPU ms": m.rendererCpuMs.mainThread,
    "renderer CPU ms": m.rendererCpuMs.process,
    "first API call ms": m.phasesMs.firstApiStart,
    "last API answer ms": m.phasesMs.lastApiAnswered,
    "GET /api/stats ms": m.apiMs["/api/stats"],
    "stats share": m.statsRequestShare,
    "JS KB on wire": m.wireKB.jsKB,
  };
}
