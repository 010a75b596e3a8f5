// The article pipeline on the real server (`npm start` of the build): idle RSS with the links module loaded,
// save → readable latency one at a time, and 1,000 links saved at once, against a loopback site serving the
// shared trafilatura pages; each against the same work done by calling the fetcher and extractor directly
// (pipeline-baseline.ts) in the same run.
import { execFile, execSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ArticleSite } from "../../test/fakes/article-site.js";
import { TRAFILATURA_DIR } from "./extraction-corpus.js";
import {
  exitWatch,
  firstUserToken,
  freePort,
  npmStartArgs,
  peakRssDuring,
  rssMb,
  startNode,
  stop,
  waitFor200,
} from "./processes.js";

const run = promisify(execFile);
const PAGES = Number(process.env.BENCH_PAGES ?? 200);
const LATENCY_SAVES = Number(process.env.BENCH_LATENCY_SAVES ?? 100);
const BURST = Number(process.env.BENCH_BURST ?? 1000);
const PER_HOST = 8;
/** Seconds after start over which the idle server's settled RSS is sampled (0: only the 2-s figure). */
const IDLE_SETTLE_S = Number(process.env.BENCH_IDLE_SETTLE_S ?? 45);
const BURST_CONNECTIONS = Number(process.env.BENCH_BURST_CONNECTIONS ?? 64);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(1));
};

async function baseline(mode: "latency" | "burst", site: ArticleSite, count: number) {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "bench/support/pipeline-baseline.ts", mode],
    {
      env: {
        ...process.env,
        SITE_URL: site.url,
        SITE_PATHS: JSON.stringify(site.paths),
        BENCH_COUNT: String(count),
        BENCH_PARALLEL: String(PER_HOST),
      },
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}

export async function pipelineFigures(): Promise<Record<string, unknown>> {
  execSync("npm run build", { stdio: "ignore" });
  const site = await ArticleSite.fromTrafilatura(TRAFILATURA_DIR, PAGES).start();
  const paths = site.paths;
  const dataDir = mkdtempSync(path.join(tmpdir(), "readlog-bench-links-"));
  const port = await freePort();
  // The server's log is kept (bench/results/links-server.log), and the bench stops with the exit code or
  // signal if the server dies (an earlier run lost it mid-burst with nothing to say why).
  mkdirSync("bench/results", { recursive: true });
  const logFile = "bench/results/links-server.log";
  writeFileSync(logFile, "");
  const server = startNode(
    npmStartArgs(),
    {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      FETCH_ALLOW_HOSTS: new URL(site.url).host,
      // No politeness delay against our own loopback site; the per-host limit still applies.
      LINKS_HOST_DELAY_MS: "0",
      LINKS_HOST_CONCURRENCY: String(PER_HOST),
    },
    logFile,
  );
  const watch = exitWatch(server, logFile);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(`${base}/healthz`);
    await sleep(2000);
    const idleRssMb = rssMb(server.pid as number);
    // 2 s after start the heap still holds start-up's garbage: V8 gives it back only when its memory reducer
    // runs (~30 s into an idle process). The settled figure is the lowest RSS sampled each second until then.
    let idleRssSettledMb = idleRssMb;
    for (let s = 3; s <= IDLE_SETTLE_S; s++) {
      await sleep(1000);
      idleRssSettledMb = Math.min(idleRssSettledMb, rssMb(server.pid as number));
    }
    const token = await firstUserToken(base, ["read", "write"]);
    const api = async (method: string, url: string, body?: unknown) => {
      const r = await Promise.race([
        watch.died,
        fetch(base + url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body ? { "content-type": "application/json" } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        }),
      ]);
      if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
      return r.json() as Promise<Record<string, unknown>>;
    };
    // Nothing in the pipeline any more (a light query: counts by status; the article's HTML is not sent).
    const settled = async (every: number) => {
      for (;;) {
        const st = await api("GET", "/api/links/status");
        if (!st.pending && !st.fetching && !st.extracting) return st;
        await sleep(every);
      }
    };
    const untilReadable = async (id: string) => {
      await settled(2);
      return String((await api("GET", `/api/links/${id}`)).status);
    };

    // Latency: one link at a time, POST until GET says it is readable (the first loads the extractor).
    const firstT0 = performance.now();
    const first = await api("POST", "/api/links", { url: `${site.url}${paths[0]}?warm=1` });
    await untilReadable(String(first.id));
    // The first save starts an extraction worker (as does every save after the pool stopped when idle).
    const firstSaveMs = Math.round(performance.now() - firstT0);
    const afterFirstRssMb = rssMb(server.pid as number);
    const ms: number[] = [];
    const statuses: Record<string, number> = {};
    for (let i = 1; i <= LATENCY_SAVES; i++) {
      const t0 = performance.now();
      const saved = await api("POST", "/api/links", { url: `${site.url}${paths[i % paths.length]}?n=${i}` });
      const status = await untilReadable(String(saved.id));
      ms.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    console.log(`pipeline latency p50 ${pct(ms, 50)} ms, p99 ${pct(ms, 99)} ms`);
    const latencyBaseline = await baseline("latency", site, LATENCY_SAVES);

    // Burst: BURST links saved at once (distinct URLs), then wait until none is in the pipeline.
    let retries = 0;
    const burst = await peakRssDuring(server.pid as number, async () => {
      const t0 = performance.now();
      // BURST_CONNECTIONS clients saving at once (every save of the burst is sent at once without a bound:
      // 1,000 sockets, and on a loaded machine connects time out in the client before the server accepts).
      // A save whose connection failed is sent again, as a client would (saving a URL twice gives one
      // entry); the retries are counted.
      const ids: string[] = new Array(BURST);
      let next = 0;
      await Promise.all(
        Array.from({ length: BURST_CONNECTIONS }, async () => {
          for (let i = next++; i < BURST; i = next++) {
            const url = `${site.url}${paths[i % paths.length]}?burst=${i}`;
            for (let attempt = 1; ; attempt++) {
              try {
                ids[i] = String((await api("POST", "/api/links", { url })).id);
                break;
              } catch (err) {
                const connection = err instanceof TypeError && /fetch failed/.test(err.message);
                if (!connection || attempt === 3) throw err;
                retries++;
              }
            }
          }
        }),
      );
      const savedMs = performance.now() - t0;
      for (;;) {
        const s = await api("GET", "/api/links/status");
        if (!s.pending && !s.fetching && !s.extracting) {
          return { ids, savedMs, totalMs: performance.now() - t0, status: s };
        }
        await sleep(200);
      }
    });
    console.log(
      `pipeline burst: ${JSON.stringify({ ...burst, result: { ...burst.result, ids: undefined } })}`,
    );
    const burstBaseline = await baseline("burst", site, BURST);
    const seconds = burst.result.totalMs / 1000;
    return {
      pages: paths.length,
      idleRssMb,
      idleRssSettledMb,
      rssAfterFirstExtractionMb: afterFirstRssMb,
      latency: {
        saves: LATENCY_SAVES,
        firstSaveColdWorkerMs: firstSaveMs,
        statuses,
        p50Ms: pct(ms, 50),
        p99Ms: pct(ms, 99),
        baselineDirectP50Ms: latencyBaseline.p50Ms,
        baselineDirectP99Ms: latencyBaseline.p99Ms,
      },
      burst: {
        links: BURST,
        connections: BURST_CONNECTIONS,
        saveRetries: retries,
        distinctIds: new Set(burst.result.ids).size,
        // Every status over the account: the latency run's links included (LATENCY_SAVES + 1 of them).
        statusAfter: burst.result.status,
        saveAllMs: Math.round(burst.result.savedMs),
        allDoneS: Number(seconds.toFixed(1)),
        perSecond: Number((BURST / seconds).toFixed(1)),
        serverPeakRssMb: burst.peakRssMb,
        baselineDirect: burstBaseline,
      },
      goals: { p50Ms: "< 300", idleRssMb: "<= 100" },
    };
  } finally {
    watch.off();
    await stop(server);
    await site.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
