// `npm run bench -- jobs`: no-op job throughput of every Queue adapter at worker concurrency 1 and 16, in
// one run. SQL queue on SQLite (a WAL file in a temp dir) always; SQL queue and BullMQ's PostgreSQL backend
// on PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL is set or postgres://postgres@127.0.0.1:5432/test
// answers; BullMQ on Redis when BENCH_REDIS_URL / TEST_REDIS_URL is set or redis://127.0.0.1:6379 answers.
// Jobs are enqueued first (enqueue rate measured too), then workers start and drain them.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Type } from "@sinclair/typebox";
import { Redis } from "ioredis";
import pg from "pg";
import { allMigrations } from "../src/app/migrations.js";
import { type Database, openDatabase } from "../src/platform/db/database.js";
import { migrateToLatest } from "../src/platform/db/migrate.js";
import { UnitOfWork } from "../src/platform/db/unit-of-work.js";
import { BullMqQueue } from "../src/platform/queue/bullmq-queue.js";
import { defineJob, type Queue } from "../src/platform/queue/queue.js";
import { SqlQueue } from "../src/platform/queue/sql-queue.js";

const JOBS = { 1: 3_000, 16: 20_000 } as const;
const CONCURRENCY = [1, 16] as const;
const ENQUEUE_BATCH = 200;

const noop = defineJob({
  name: "bench.noop",
  payload: Type.Object({ i: Type.Integer() }),
  policy: { attempts: 3, backoff: { baseMs: 100, maxMs: 1000 }, timeoutMs: 10_000 },
});

interface Target {
  name: string;
  /** A fresh, empty queue on fresh storage. */
  open(): Promise<{ queue: Queue; dispose(): Promise<void> }>;
}

interface Row {
  adapter: string;
  concurrency: number;
  jobs: number;
  "enqueue/s": number;
  "jobs/s": number;
}

async function measure(t: Target, concurrency: number): Promise<Row> {
  const jobs = JOBS[concurrency as 1 | 16];
  const { queue, dispose } = await t.open();
  try {
    let done = 0;
    let finish = () => {};
    const all = new Promise<void>((r) => {
      finish = r;
    });
    queue.handle(noop, async () => {
      if (++done === jobs) finish();
    });
    const e0 = performance.now();
    for (let i = 0; i < jobs; i += ENQUEUE_BATCH) {
      const batch = [];
      for (let j = i; j < Math.min(jobs, i + ENQUEUE_BATCH); j++) batch.push(queue.enqueue(noop, { i: j }));
      await Promise.all(batch);
    }
    const enqueueMs = performance.now() - e0;
    const r0 = performance.now();
    await queue.start({ concurrency });
    await all;
    const runMs = performance.now() - r0;
    await queue.stop({ graceMs: 5000 });
    const left = await queue.counts();
    if (left.waiting + left.running + left.failed + left.dead > 0)
      throw new Error(`${t.name}: jobs left after the run: ${JSON.stringify(left)}`);
    return {
      adapter: t.name,
      concurrency,
      jobs,
      "enqueue/s": Math.round((jobs / enqueueMs) * 1000),
      "jobs/s": Math.round((jobs / runMs) * 1000),
    };
  } finally {
    await queue.close();
    await dispose();
  }
}

const sqliteTarget: Target = {
  name: "sql queue / SQLite (file, WAL)",
  async open() {
    const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-jobs-"));
    const database = openDatabase({ database: { kind: "sqlite", file: path.join(dir, "bench.db") } });
    await migrateToLatest(database, allMigrations());
    return {
      queue: new SqlQueue(new UnitOfWork(database.db, database.kind)),
      async dispose() {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

async function pgSchema(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `bench_jobs_${randomBytes(5).toString("hex")}`;
  const exec = async (q: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await exec(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => exec(`drop schema if exists ${schema} cascade`) };
}

const postgresSqlTarget = (base: string): Target => ({
  name: "sql queue / PostgreSQL (SKIP LOCKED)",
  async open() {
    const s = await pgSchema(base);
    const database: Database = openDatabase({ database: { kind: "postgres", url: s.url } });
    await migrateToLatest(database, allMigrations());
    return {
      queue: new SqlQueue(new UnitOfWork(database.db, database.kind)),
      async dispose() {
        await database.close();
        await s.drop();
      },
    };
  },
});

const postgresBullTarget = (base: string): Target => ({
  name: "BullMQ 6 / PostgreSQL backend",
  async open() {
    const schema = `bench_bq_${randomBytes(5).toString("hex")}`;
    const queue = new BullMqQueue({ backend: { kind: "postgres", url: base, schema } });
    return {
      queue,
      async dispose() {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      },
    };
  },
});

const redisTarget = (url: string): Target => ({
  name: "BullMQ / Redis",
  async open() {
    const prefix = `bench-${randomBytes(5).toString("hex")}`;
    const queue = new BullMqQueue({ backend: { kind: "redis", url, prefix } });
    return {
      queue,
      async dispose() {
        const r = new Redis(url);
        const keys = await r.keys(`${prefix}:*`);
        if (keys.length > 0) await r.del(...keys);
        await r.quit();
      },
    };
  },
});

async function answers(kind: "postgres" | "redis", url: string): Promise<boolean> {
  try {
    if (kind === "postgres") {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      await c.connect();
      await c.end();
    } else {
      const r = new Redis(url, { connectTimeout: 1000, maxRetriesPerRequest: 0, lazyConnect: true });
      await r.connect();
      await r.ping();
      await r.quit();
    }
    return true;
  } catch {
    return false;
  }
}

export default async function run(): Promise<Record<string, unknown>> {
  const targets: Target[] = [sqliteTarget];
  const pgUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/test";
  if (await answers("postgres", pgUrl)) targets.push(postgresSqlTarget(pgUrl), postgresBullTarget(pgUrl));
  else console.log(`PostgreSQL skipped: ${pgUrl.replace(/\/\/[^@/]*@/, "//…@")} does not answer`);
  const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  if (await answers("redis", redisUrl)) targets.push(redisTarget(redisUrl));
  else console.log(`Redis skipped: ${redisUrl} does not answer`);

  const rows: Row[] = [];
  for (const t of targets) for (const c of CONCURRENCY) rows.push(await measure(t, c));
  console.table(rows);
  const sqliteC16 =
    rows.find((r) => r.adapter === sqliteTarget.name && r.concurrency === 16)?.["jobs/s"] ?? 0;
  console.log(
    `goal: SQL queue on SQLite ≥ 2,000 jobs/s at concurrency 16 — ${sqliteC16 >= 2000 ? "met" : "MISSED"}`,
  );
  return { rows, goal: { sqliteJobsPerSecondAtConcurrency16: sqliteC16, met: sqliteC16 >= 2000 } };
}
