// `npm run bench -- import`: a 10,000-row Goodreads export (bench/support/goodreads-csv.ts) imported through
// ImportService — streamed parse, matching, one transaction — into an empty account on SQLite (a file in a
// temporary folder) and, when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, on PostgreSQL (a fresh schema).
// Then the same file again (every row matched, nothing written). Wall time, and peak memory: process RSS and
// V8 heap sampled every 5 ms, plus the kernel's high-water RSS. Goals: < 5 s and < 200 MB.
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { assemble } from "../src/app/assemble.js";
import { type Config, testConfig } from "../src/config.js";
import { actorOf } from "../src/platform/access/actor.js";
import { newId } from "../src/platform/ids.js";
import { generateGoodreadsCsv } from "./support/goodreads-csv.js";
import {
  firstUserToken,
  freePort,
  npmStartArgs,
  peakRssDuring,
  rssMb,
  startNode,
  stop,
  waitFor200,
} from "./support/processes.js";

const ROWS = 10_000;
const CHUNK = 64 * 1024;
const MB = 1024 * 1024;

async function postgresDatabase(url: string): Promise<Config["database"]> {
  const schema = `bench_import_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return { kind: "postgres", url: u.toString() };
}

async function dropSchema(url: string, database: Config["database"]): Promise<void> {
  if (database.kind !== "postgres") return;
  const schema = new URL(database.url).searchParams.get("options")!.split("=")[1]!;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop schema ${schema} cascade`);
  await client.end();
}

/** Runs `fn` while sampling RSS and heap; returns its result, the wall time and the peaks. */
async function measured<T>(fn: () => Promise<T>) {
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 5);
  const started = performance.now();
  const result = await fn();
  const ms = Math.round(performance.now() - started);
  clearInterval(timer);
  sample();
  return {
    result,
    ms,
    peakRssMb: Math.round(peakRss / MB),
    rssGrowthMb: Math.round((peakRss - before.rss) / MB),
    peakHeapMb: Math.round(peakHeap / MB),
  };
}

async function runOn(database: Config["database"], csv: Buffer) {
  const app = await assemble(testConfig({ database }));
  const services = app.services;
  try {
    const id = newId();
    await app.database.db
      .insertInto("users")
      .values({
        id,
        email: `bench-${id}@example.com`,
        name: "Bench",
        password_hash: "x",
        role: "member",
        timezone: "Europe/Berlin",
        created_at: new Date().toISOString(),
        disabled_at: null,
      })
      .execute();
    const reader = actorOf({ id, role: "member", timezone: "Europe/Berlin" });
    const chunks = () => {
      const out: Buffer[] = [];
      for (let i = 0; i < csv.length; i += CHUNK) out.push(csv.subarray(i, i + CHUNK));
      return Readable.from(out);
    };
    const first = await measured(() => services.imports.importCsv(reader, chunks(), "goodreads"));
    const again = await measured(() => services.imports.importCsv(reader, chunks(), "goodreads"));
    const r = first.result;
    if (again.result.created !== 0 || again.result.updated !== 0)
      throw new Error(`re-import changed rows: ${JSON.stringify(again.result)}`);
    return {
      rows: r.rows,
      created: r.created,
      updated: r.updated,
      unchanged: r.unchanged,
      problems: r.problemCount,
      importMs: first.ms,
      peakRssMb: first.peakRssMb,
      rssGrowthMb: first.rssGrowthMb,
      peakHeapMb: first.peakHeapMb,
      reimportMs: again.ms,
      reimportUnchanged: again.result.unchanged,
    };
  } finally {
    await app.close();
  }
}

/**
 * The production measure of memory: the real server (started as `npm start` starts it, SQLite) receives the
 * file over HTTP (POST /api/imports/goodreads, streamed); its own RSS is sampled while it imports.
 */
async function runOnServer(csv: Buffer) {
  execSync("npm run build", { stdio: "ignore" });
  const dataDir = mkdtempSync(path.join(tmpdir(), "readlog-bench-import-server-"));
  const port = await freePort();
  const server = startNode(npmStartArgs(), {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor200(`${base}/healthz`);
    const token = await firstUserToken(base, ["read", "write"]);
    const idleRssMb = rssMb(server.pid!);
    const t0 = performance.now();
    const { result, peakRssMb } = await peakRssDuring(server.pid!, async () => {
      const res = await fetch(`${base}/api/imports/goodreads`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
        body: csv,
      });
      if (!res.ok) throw new Error(`import over HTTP failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as { created: number };
    });
    return { importMs: Math.round(performance.now() - t0), created: result.created, idleRssMb, peakRssMb };
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<Record<string, unknown>> {
  const csv = Buffer.from(generateGoodreadsCsv(ROWS, 42));
  const figures: Record<string, unknown> = {
    rows: ROWS,
    fileMb: Math.round((csv.length / MB) * 10) / 10,
    goals: { importMs: "< 5000", peakRssMb: "< 200" },
  };
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-import-"));
  try {
    figures.sqlite = await runOn({ kind: "sqlite", file: path.join(dir, "readlog.db") }, csv);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (pgUrl) {
    const database = await postgresDatabase(pgUrl);
    try {
      figures.postgres = await runOn(database, csv);
    } finally {
      await dropSchema(pgUrl, database);
    }
  } else console.log("PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL");
  figures.server = await runOnServer(csv);
  figures.maxRssMb = Math.round((process.resourceUsage().maxRSS * 1024) / MB);
  const table: Record<string, unknown> = { sqlite: figures.sqlite, "server (HTTP, SQLite)": figures.server };
  if (figures.postgres) table.postgres = figures.postgres;
  console.table(table);
  console.log(
    `${ROWS} rows, ${figures.fileMb} MB | goals: import < 5 s, peak RSS < 200 MB | process high-water RSS ${figures.maxRssMb} MB`,
  );
  return figures;
}
