// `npm run bench -- jobs`: no-op job throughput of every Queue adapter and of two PostgreSQL job libraries
// as peers, at worker concurrency 1 and 16, in one run. SQL queue on SQLite (a WAL file in a temp dir)
// always; on PostgreSQL (BENCH_DATABASE_URL / TEST_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/test
// when it answers) the SQL queue, graphile-worker, pg-boss and BullMQ's PostgreSQL backend, each in a fresh
// schema; BullMQ on Redis when BENCH_REDIS_URL / TEST_REDIS_URL is set or redis://127.0.0.1:6379 answers.
// Jobs are enqueued first in bulk calls of 200 (enqueue/s), then workers start and drain them (jobs/s).
// BENCH_JOBS_ROUNDS (default 2) rounds alternate over all targets; figures are medians over rounds.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { Type } from "@sinclair/typebox";
import { Logger as GraphileLogger, run as runGraphile, runMigrations } from "graphile-worker";
import { Redis } from "ioredis";
import pg from "pg";
import PgBoss from "pg-boss";
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
const ROUNDS = Number(process.env.BENCH_JOBS_ROUNDS ?? 2);
const SQL_ON_POSTGRES = "sql queue / PostgreSQL (SKIP LOCKED)";
const pgBase =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

const noop = defineJob({
  name: "bench.noop",
  payload: Type.Object({ i: Type.Integer() }),
  policy: { attempts: 3, backoff: { baseMs: 100, maxMs: 1000 }, timeoutMs: 10_000 },
});

/** One run's storage: jobs go in first, then workers drain them. */
interface Trial {
  /** Stores `jobs` no-op jobs, `ENQUEUE_BATCH` per bulk call. */
  enqueue(jobs: number): Promise<void>;
  /** Starts workers at `concurrency` and resolves once all `jobs` have run (and the workers stopped). */
  drain(concurrency: number, jobs: number): Promise<void>;
  /** Jobs not yet completed (must be 0 after drain). */
  left(): Promise<number>;
  /** PostgreSQL: the schema whose tables are analyzed between enqueue and drain (see `analyzeSchema`). */
  schema?: string;
  dispose(): Promise<void>;
}

interface Target {
  name: string;
  /** Whether the target runs on the PostgreSQL every peer shares (ratios are taken among those). */
  postgres: boolean;
  /** A fresh, empty queue on fresh storage. */
  open(): Promise<Trial>;
}

interface Row {
  adapter: string;
  concurrency: number;
  jobs: number;
  "enqueue/s": number;
  "jobs/s": number;
}

/** `all` resolves once `tick()` has been called `n` times. */
function countdown(n: number): { tick(): void; all: Promise<void> } {
  let left = n;
  let finish = () => {};
  const all = new Promise<void>((r) => {
    finish = r;
  });
  return {
    tick() {
      if (--left === 0) finish();
    },
    all,
  };
}

/** A Queue adapter of ours, driven through the port like the app drives it. */
function queueTrial(queue: Queue, dispose: () => Promise<void>, schema?: string): Trial {
  let done = { tick() {}, all: Promise.resolve() };
  queue.handle(noop, async () => done.tick());
  return {
    async enqueue(jobs) {
      for (let i = 0; i < jobs; i += ENQUEUE_BATCH) {
        const items = [];
        for (let j = i; j < Math.min(jobs, i + ENQUEUE_BATCH); j++) items.push({ payload: { i: j } });
        await queue.enqueueMany(noop, items);
      }
    },
    async drain(concurrency, jobs) {
      done = countdown(jobs);
      await queue.start({ concurrency });
      await done.all;
      await queue.stop({ graceMs: 5000 });
    },
    async left() {
      const c = await queue.counts();
      return c.waiting + c.delayed + c.running + c.failed + c.dead;
    },
    async dispose() {
      await queue.close();
      await dispose();
    },
    schema,
  };
}

/**
 * Brings the planner statistics of a schema's tables up to date, as autovacuum does within a minute once
 * 50 + 10 % of a table's rows changed. A fresh table holding a 20,000-job backlog has none, and every
 * library's claim is then planned as if the table were nearly empty (for the SQL queue: a bitmap scan that
 * sorts the whole backlog on every claim) — a state a long-lived jobs table is in only right after a burst.
 */
async function analyzeSchema(base: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    const tables = await c.query<{ t: string }>(
      "select format('%I.%I', schemaname, tablename) as t from pg_tables where schemaname = $1",
      [schema],
    );
    for (const { t } of tables.rows) await c.query(`analyze ${t}`);
  } finally {
    await c.end();
  }
}

async function measure(t: Target, concurrency: number): Promise<Row> {
  const jobs = JOBS[concurrency as 1 | 16];
  const trial = await t.open();
  try {
    const e0 = performance.now();
    await trial.enqueue(jobs);
    const enqueueMs = performance.now() - e0;
    if (trial.schema !== undefined) await analyzeSchema(pgBase, trial.schema);
    const r0 = performance.now();
    await trial.drain(concurrency, jobs);
    const runMs = performance.now() - r0;
    const left = await trial.left();
    if (left > 0) throw new Error(`${t.name}: ${left} jobs left after the run`);
    return {
      adapter: t.name,
      concurrency,
      jobs,
      "enqueue/s": Math.round((jobs / enqueueMs) * 1000),
      "jobs/s": Math.round((jobs / runMs) * 1000),
    };
  } finally {
    await trial.dispose();
  }
}

const sqliteTarget: Target = {
  name: "sql queue / SQLite (file, WAL)",
  postgres: false,
  async open() {
    const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-jobs-"));
    const database = openDatabase({ database: { kind: "sqlite", file: path.join(dir, "bench.db") } });
    await migrateToLatest(database, allMigrations());
    return queueTrial(new SqlQueue(new UnitOfWork(database.db, database.kind)), async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    });
  },
};

/** A fresh schema on the shared PostgreSQL, dropped by `drop`. */
async function pgSchema(
  base: string,
  prefix: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const exec = async (q: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await exec(`create schema ${name}`);
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${name}`);
  return { name, url: url.toString(), drop: () => exec(`drop schema if exists ${name} cascade`) };
}

const postgresSqlTarget = (base: string): Target => ({
  name: SQL_ON_POSTGRES,
  postgres: true,
  async open() {
    const s = await pgSchema(base, "bench_jobs");
    const database: Database = openDatabase({ database: { kind: "postgres", url: s.url } });
    await migrateToLatest(database, allMigrations());
    return queueTrial(
      new SqlQueue(new UnitOfWork(database.db, database.kind)),
      async () => {
        await database.close();
        await s.drop();
      },
      s.name,
    );
  },
});

const postgresBullTarget = (base: string): Target => ({
  name: "BullMQ 6.7 / PostgreSQL backend",
  postgres: true,
  async open() {
    const schema = `bench_bq_${randomBytes(5).toString("hex")}`;
    const queue = new BullMqQueue({ backend: { kind: "postgres", url: base, schema } });
    return queueTrial(
      queue,
      async () => {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      },
      schema,
    );
  },
});

/**
 * graphile-worker 0.16 with its defaults (LISTEN/NOTIFY, one `get_job` and one completion per job, per
 * worker), a pool of concurrency + 2 (the LISTEN connection is held from it), silent logger. Bulk
 * enqueue is its `add_jobs(job_spec[])` SQL function (0.16's WorkerUtils has no addJobs).
 */
const graphileTarget = (base: string): Target => ({
  name: "graphile-worker 0.16 / PostgreSQL",
  postgres: true,
  async open() {
    const s = await pgSchema(base, "bench_gw");
    const logger = new GraphileLogger(() => () => {});
    let pool = new pg.Pool({ connectionString: base, max: 3 });
    await runMigrations({ pgPool: pool, schema: s.name, logger });
    const task = "bench_noop";
    return {
      async enqueue(jobs) {
        for (let i = 0; i < jobs; i += ENQUEUE_BATCH) {
          const specs = [];
          for (let j = i; j < Math.min(jobs, i + ENQUEUE_BATCH); j++)
            specs.push({ identifier: task, payload: { i: j }, max_attempts: noop.policy.attempts });
          await pool.query(
            `select count(*) from ${s.name}.add_jobs(array(select json_populate_recordset(null::${s.name}.job_spec, $1::json)))`,
            [JSON.stringify(specs)],
          );
        }
      },
      async drain(concurrency, jobs) {
        await pool.end();
        pool = new pg.Pool({ connectionString: base, max: concurrency + 2 });
        await Promise.all(
          Array.from({ length: concurrency + 2 }, () => pool.connect().then((c) => c.release())),
        );
        const done = countdown(jobs);
        const runner = await runGraphile({
          pgPool: pool,
          schema: s.name,
          concurrency,
          noHandleSignals: true,
          logger,
          taskList: { [task]: async () => done.tick() },
        });
        await done.all;
        await runner.stop();
      },
      async left() {
        const r = await pool.query(`select count(*)::int as n from ${s.name}._private_jobs`);
        return r.rows[0].n as number;
      },
      async dispose() {
        await pool.end();
        await s.drop();
      },
      schema: s.name,
    };
  },
});

/**
 * pg-boss 10 (maintenance and cron off). Its `work()` sleeps out the polling interval (≥ 0.5 s) after each
 * batch it fetches, capping a worker at batchSize / 0.5 s; the bench drives what `work()` does without
 * that sleep: `fetch` up to `concurrency` jobs (one UPDATE … FOR UPDATE SKIP LOCKED), run them together,
 * `complete` them in one statement, repeat. Bulk enqueue is `insert(jobs[])`.
 */
const pgBossTarget = (base: string): Target => ({
  name: "pg-boss 10 / PostgreSQL",
  postgres: true,
  async open() {
    const schema = `bench_pgb_${randomBytes(5).toString("hex")}`;
    const boss = new PgBoss({ connectionString: base, schema, supervise: false, schedule: false });
    boss.on("error", (err) => console.error(`pg-boss: ${err.message}`));
    await boss.start();
    const name = "bench-noop";
    await boss.createQueue(name);
    return {
      async enqueue(jobs) {
        for (let i = 0; i < jobs; i += ENQUEUE_BATCH) {
          const batch = [];
          for (let j = i; j < Math.min(jobs, i + ENQUEUE_BATCH); j++)
            batch.push({ name, data: { i: j }, retryLimit: noop.policy.attempts - 1 });
          await boss.insert(batch);
        }
      },
      async drain(concurrency, jobs) {
        let ran = 0;
        const handler = async (_job: PgBoss.Job<{ i: number }>) => {
          ran++;
        };
        while (ran < jobs) {
          const batch = await boss.fetch<{ i: number }>(name, { batchSize: concurrency });
          if (batch.length === 0) throw new Error(`pg-boss: queue empty after ${ran} of ${jobs} jobs`);
          await Promise.all(batch.map(handler));
          await boss.complete(
            name,
            batch.map((j) => j.id),
          );
        }
      },
      async left() {
        const r = await boss
          .getDb()
          .executeSql(
            `select count(*)::int as n from ${schema}.job where name = $1 and state <> 'completed'`,
            [name],
          );
        return r.rows[0].n as number;
      },
      async dispose() {
        await boss.stop({ graceful: false, wait: true });
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      },
      schema,
    };
  },
});

const redisTarget = (url: string): Target => ({
  name: "BullMQ 6.7 / Redis",
  postgres: false,
  async open() {
    const prefix = `bench-${randomBytes(5).toString("hex")}`;
    const queue = new BullMqQueue({ backend: { kind: "redis", url, prefix } });
    return queueTrial(queue, async () => {
      const r = new Redis(url);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length > 0) await r.del(...keys);
      await r.quit();
    });
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : Math.round(((s[m - 1] as number) + (s[m] as number)) / 2);
};

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

export default async function run(): Promise<Record<string, unknown>> {
  const targets: Target[] = [sqliteTarget];
  if (await answers("postgres", pgBase))
    targets.push(
      postgresSqlTarget(pgBase),
      graphileTarget(pgBase),
      pgBossTarget(pgBase),
      postgresBullTarget(pgBase),
    );
  else console.log(`PostgreSQL skipped: ${pgBase.replace(/\/\/[^@/]*@/, "//…@")} does not answer`);
  const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  if (await answers("redis", redisUrl)) targets.push(redisTarget(redisUrl));
  else console.log(`Redis skipped: ${redisUrl} does not answer`);

  // Rounds alternate over every target (in reverse order every other round), so load on the shared
  // machine falls on all of them alike; each figure is the median over the rounds.
  const loadBefore = load();
  const runs: Row[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const c of CONCURRENCY)
      for (const t of order) {
        const row = await measure(t, c);
        console.log(
          `round ${round + 1}/${ROUNDS}  c=${c}  ${t.name}: ${row["enqueue/s"]} enqueue/s, ${row["jobs/s"]} jobs/s  (load ${load()})`,
        );
        runs.push(row);
      }
  }
  const loadAfter = load();

  const rows = targets.flatMap((t) =>
    CONCURRENCY.map((c) => {
      const mine = runs.filter((r) => r.adapter === t.name && r.concurrency === c);
      return {
        adapter: t.name,
        concurrency: c,
        jobs: JOBS[c],
        "enqueue/s": median(mine.map((r) => r["enqueue/s"])),
        "jobs/s": median(mine.map((r) => r["jobs/s"])),
        "jobs/s per round": mine.map((r) => r["jobs/s"]).join(" / "),
      };
    }),
  );
  // Best PostgreSQL peer: the fastest other library on the same PostgreSQL, per concurrency and figure.
  const peers = (c: number) =>
    rows.filter(
      (r) =>
        r.concurrency === c &&
        r.adapter !== SQL_ON_POSTGRES &&
        targets.find((t) => t.name === r.adapter)?.postgres,
    );
  const best = (c: number, key: "enqueue/s" | "jobs/s") => Math.max(0, ...peers(c).map((r) => r[key]));
  const ratio = (x: number, of: number) => (of > 0 ? Number((x / of).toFixed(2)) : null);
  const table = rows.map((r) => ({
    ...r,
    "enqueue ÷ best pg peer": ratio(r["enqueue/s"], best(r.concurrency, "enqueue/s")),
    "jobs ÷ best pg peer": ratio(r["jobs/s"], best(r.concurrency, "jobs/s")),
  }));
  console.table(table);
  console.log(`load average (1/5/15 min): ${loadBefore} before, ${loadAfter} after; ${ROUNDS} rounds`);

  const at16 = (name: string) =>
    rows.find((r) => r.adapter === name && r.concurrency === 16)?.["jobs/s"] ?? 0;
  const sqliteC16 = at16(sqliteTarget.name);
  console.log(
    `goal: SQL queue on SQLite ≥ 2,000 jobs/s at concurrency 16 — ${sqliteC16 >= 2000 ? "met" : "MISSED"}`,
  );
  const pgC16 = at16(SQL_ON_POSTGRES);
  const peerC16 = best(16, "jobs/s");
  const pgMet = peerC16 === 0 ? null : pgC16 * 2 >= peerC16;
  if (pgMet !== null)
    console.log(
      `goal: SQL queue on PostgreSQL within 2× of the best PostgreSQL peer at concurrency 16 (${pgC16} vs ${peerC16} jobs/s) — ${pgMet ? "met" : "MISSED"}`,
    );
  return {
    rows: table,
    runs,
    load: { before: loadBefore, after: loadAfter },
    goal: {
      sqliteJobsPerSecondAtConcurrency16: sqliteC16,
      met: sqliteC16 >= 2000,
      postgresWithin2xOfBestPeerAtConcurrency16: pgMet,
    },
  };
}
