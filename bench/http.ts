// `npm run bench -- http`: bare Fastify "hello" vs authenticated GET /api/me (Bearer token, SQLite), in one run;
// plus idle RSS after start and the time from process start to the first 200 on /healthz.
import { execSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import {
  firstUserToken,
  freePort,
  npmStartArgs,
  rssMb,
  startNode,
  stop,
  waitFor200,
} from "./support/processes.js";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 32;

async function load(url: string, headers: Record<string, string> = {}) {
  // Warm up (JIT, caches), then measure.
  await autocannon({ url, connections: CONNECTIONS, duration: 2, headers });
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return {
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
  };
}

export default async function run(): Promise<Record<string, unknown>> {
  execSync("npm run build", { stdio: "ignore" });

  const helloPort = await freePort();
  const hello = startNode([new URL("./support/hello-server.mjs", import.meta.url).pathname], {
    PORT: String(helloPort),
  });
  await waitFor200(`http://127.0.0.1:${helloPort}/`);
  const bare = await load(`http://127.0.0.1:${helloPort}/`);
  await stop(hello);

  const dataDir = mkdtempSync(path.join(tmpdir(), "readlog-bench-"));
  const port = await freePort();
  const started = performance.now();
  const server = startNode(npmStartArgs(), {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  });
  await waitFor200(`http://127.0.0.1:${port}/healthz`);
  const startupMs = Math.round(performance.now() - started);
  await new Promise((r) => setTimeout(r, 2000));
  const idleRssMb = rssMb(server.pid!);

  const base = `http://127.0.0.1:${port}`;
  const token = await firstUserToken(base, ["read"]);
  const authed = await load(`${base}/api/me`, { authorization: `Bearer ${token}` });
  const loadedRssMb = rssMb(server.pid!);
  await stop(server);
  rmSync(dataDir, { recursive: true, force: true });

  const ratio = Math.round((authed.reqPerSec / bare.reqPerSec) * 100) / 100;
  const figures = {
    durationSeconds: DURATION_S,
    connections: CONNECTIONS,
    bareFastifyHello: bare,
    authenticatedGetMe: authed,
    throughputRatio: ratio,
    idleRssMb,
    rssAfterLoadMb: loadedRssMb,
    startupToFirstHealthzMs: startupMs,
    goals: { throughputRatio: ">= 0.5", idleRssMb: "<= 100" },
  };
  console.table({
    "bare Fastify hello": bare,
    "GET /api/me (Bearer, SQLite)": authed,
  });
  console.log(
    `ratio ${ratio} (goal >= 0.5) | idle RSS ${idleRssMb} MB (goal <= 100) | start to first /healthz 200: ${startupMs} ms`,
  );
  return figures;
}
