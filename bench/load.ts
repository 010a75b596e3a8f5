// `npm run bench -- load`: 200 connections at once against the real server (npm start's command, SQLite),
// half reading and half writing, as issue 11's probe did. It shows what "no request may crash or stall the
// server" means under load: no 5xx and no socket errors, every acknowledged write present afterwards, and
// how long a bystander's /healthz waits meanwhile. In the same run, the peer: bare Fastify answering
// "hello" at 200 connections (bench/support/hello-server.mjs), for the latency a loaded loopback gives.
import { execSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import {
  exitWatch,
  firstUserToken,
  freePort,
  npmStartArgs,
  rssMb,
  startNode,
  stop,
  waitFor200,
} from "./support/processes.js";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);

interface Outcome {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  status2xx: number;
  status4xx: number;
  status5xx: number;
  errors: number;
  timeouts: number;
}

function outcome(r: autocannon.Result): Outcome {
  return {
    requests: r.requests.total,
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    status2xx: r["2xx"],
    status4xx: r["4xx"],
    status5xx: r["5xx"],
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

/** /healthz polled every 20 ms while `fn` runs: the worst wait and how many polls failed. */
async function bystander<T>(url: string, fn: () => Promise<T>) {
  let worstMs = 0;
  let failed = 0;
  let polls = 0;
  let running = true;
  const poller = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        if ((await fetch(url)).status !== 200) failed++;
      } catch {
        failed++;
      }
      polls++;
      worstMs = Math.max(worstMs, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return { result: await fn(), healthz: { polls, failed, worstMs: Math.round(worstMs) } };
  } finally {
    running = false;
    await poller;
  }
}

export default async function run(): Promise<Record<string, unknown>> {
  execSync("npm run build", { stdio: "ignore" });
  const helloPort = await freePort();
  const hello = startNode([new URL("./support/hello-server.mjs", import.meta.url).pathname], {
    PORT: String(helloPort),
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), "readlog-bench-load-"));
  const logFile = path.join(dataDir, "server.log");
  const port = await freePort();
  const server = startNode(
    npmStartArgs(),
    { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    logFile,
  );
  const watch = exitWatch(server, logFile);
  try {
    await waitFor200(`http://127.0.0.1:${helloPort}/`);
    const base = `http://127.0.0.1:${port}`;
    await waitFor200(`${base}/healthz`);
    const token = await firstUserToken(base, ["read", "write"]);
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };

    const bare = outcome(
      await autocannon({
        url: `http://127.0.0.1:${helloPort}/`,
        connections: CONNECTIONS,
        duration: DURATION_S,
      }),
    );

    // Every connection alternates: add a book (a write with its events, in one unit of work), list books,
    // read the account. Each book's title is unique, so the books present afterwards can be counted.
    let made = 0;
    const rssBefore = rssMb(server.pid!);
    const { result, healthz } = await bystander(`${base}/healthz`, () =>
      Promise.race([
        watch.died,
        autocannon({
          url: base,
          connections: CONNECTIONS,
          duration: DURATION_S,
          headers: auth,
          requests: [
            {
              method: "POST",
              path: "/api/books",
              setupRequest: (req) => ({
                ...req,
                body: JSON.stringify({ title: `Load ${made++}`, authors: ["Bench"], totalPages: 300 }),
              }),
            },
            { method: "GET", path: "/api/books?limit=20" },
            { method: "GET", path: "/api/me" },
          ],
        }),
      ]),
    );
    const readlog = outcome(result);
    const rssAfter = rssMb(server.pid!);

    // Acknowledged writes: every 201 for POST /api/books is a book that can be read back.
    let stored = 0;
    let cursor: string | null = null;
    do {
      const page: Response = await fetch(
        `${base}/api/books?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        { headers: auth },
      );
      const body = (await page.json()) as { items: unknown[]; nextCursor: string | null };
      stored += body.items.length;
      cursor = body.nextCursor;
    } while (cursor);
    // POST /api/books is the only request answered 201.
    const acknowledged =
      (result as autocannon.Result & { statusCodeStats?: Record<string, { count: number }> })
        .statusCodeStats?.["201"]?.count ?? 0;

    const figures = {
      connections: CONNECTIONS,
      durationSeconds: DURATION_S,
      bareFastifyHello: bare,
      readlogMixed: readlog,
      healthzDuringLoad: healthz,
      rssMb: { before: rssBefore, after: rssAfter },
      writes: { acknowledged201: acknowledged, booksStored: stored, lost: acknowledged - stored },
      load: execSync("uptime").toString().trim(),
    };
    console.table({ "bare Fastify hello": bare, "Readlog: add book / list / me": readlog });
    console.log(
      `5xx ${readlog.status5xx}, socket errors ${readlog.errors}, timeouts ${readlog.timeouts} | /healthz worst ${healthz.worstMs} ms, ${healthz.failed}/${healthz.polls} failed | writes acknowledged ${acknowledged}, stored ${stored} | RSS ${rssBefore} → ${rssAfter} MB`,
    );
    return figures;
  } finally {
    watch.off();
    await stop(hello);
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
