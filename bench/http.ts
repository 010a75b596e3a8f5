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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 32;

interface Figures {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Figures> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return {
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
  };
}

/** The round with the median throughput (so one disturbed round moves nothing). */
function median(runs: Figures[]): Figures {
  return [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(runs.length / 2)]!;
}

export default async function run(): Promise<Record<string, unknown>> {
  execSync("npm run build", { stdio: "ignore" });

  const helloPort = await freePort();
  const hello = startNode([new URL("./support/hello-server.mjs", import.meta.url).pathname], {
    PORT: String(helloPort),
  });
  await waitFor200(`http://127.0.0.1:${helloPort}/`);

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
  const targets: { url: string; headers: Record<string, string> }[] = [
    { url: `http://127.0.0.1:${helloPort}/`, headers: {} },
    { url: `${base}/api/me`, headers: { authorization: `Bearer ${token}` } },
  ];
  // Warm both up (JIT, caches), then alternate measured rounds, so a change in the machine's load
  // during the run falls on both alike.
  for (const t of targets) await load(t.url, t.headers, 2);
  const rounds: [Figures[], Figures[]] = [[], []];
  for (let i = 0; i < ROUNDS; i++)
    for (const [k, t] of targets.entries()) rounds[k]!.push(await load(t.url, t.headers, DURATION_S));
  const bare = median(rounds[0]);
  const authed = median(rounds[1]);
  const loadedRssMb = rssMb(server.pid!);
  await stop(hello);
  await stop(server);
  rmSync(dataDir, { recursive: true, force: true });

  const ratio = Math.round((authed.reqPerSec / bare.reqPerSec) * 100) / 100;
  const figures = {
    durationSeconds: DURATION_S,
    rounds: ROUNDS,
    perRound: { bare: rounds[0].map((r) => r.reqPerSec), authenticated: rounds[1].map((r) => r.reqPerSec) },
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
