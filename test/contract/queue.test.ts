import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { inject } from "vitest";
import { FakeClock } from "../../src/platform/clock.js";
import { UnitOfWork } from "../../src/platform/db/unit-of-work.js";
import { BullMqQueue } from "../../src/platform/queue/bullmq-queue.js";
import { SqlQueue } from "../../src/platform/queue/sql-queue.js";
import { migratedDatabase } from "../support/engines.js";
import { type QueueHarness, type QueueStore, queueContract, type TestQueue } from "./queue.contract.js";

const pgUrl = inject("pgUrl");
const redisUrl = inject("redisUrl");
const top = () => 0.999_999; // backoff at the top of its jitter range, so timings are testable

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Time for adapters that read the wall clock (BullMQ's delays and locks live in Redis). */
const wallTime = {
  fakeTime: false,
  now: () => Date.now(),
  advance: (ms: number) => sleep(ms),
} as const;

/** Time for adapters that take a Clock: moves only when the test says so. */
function fakeTime(clock: FakeClock) {
  return {
    fakeTime: true,
    now: () => clock.now().getTime(),
    advance: async (ms: number) => clock.advance(ms),
  } as const;
}

/** Opens queues on one store and closes them all at the end. */
function tracker(
  open: () => TestQueue,
  cleanup: () => Promise<void>,
  time: Pick<QueueStore, "now" | "advance" | "fakeTime">,
): QueueStore {
  const opened: TestQueue[] = [];
  return {
    ...time,
    async open() {
      const q = open();
      opened.push(q);
      return q;
    },
    async dispose() {
      await Promise.all(opened.map((q) => q.close()));
      await cleanup();
    },
  };
}

function sqlHarness(engine: "sqlite" | "postgres"): QueueHarness {
  return {
    name: `sql on ${engine}`,
    leaseSlackMs: 300,
    async newStore() {
      const database = await migratedDatabase(engine);
      const uow = new UnitOfWork(database.db, database.kind);
      const clock = new FakeClock(new Date());
      const opts = { pollIntervalMs: 25, leaseMarginMs: 300, reapIntervalMs: 50, random: top, clock };
      return tracker(
        () => new SqlQueue(uow, opts),
        () => database.close(),
        fakeTime(clock),
      );
    },
  };
}

function bullHarness(kind: "redis" | "postgres", url: string): QueueHarness {
  const tuning = { lockDurationMs: 1000, stalledIntervalMs: 300, random: top };
  return {
    name: `bullmq on ${kind}`,
    leaseSlackMs: 1300,
    async newStore() {
      const ns = `rltest_${process.pid}_${randomBytes(4).toString("hex")}`;
      if (kind === "redis") {
        return tracker(
          () => new BullMqQueue({ backend: { kind, url, prefix: ns }, ...tuning }),
          async () => {
            const r = new Redis(url);
            const keys = await r.keys(`${ns}:*`);
            if (keys.length > 0) await r.del(...keys);
            await r.quit();
          },
          wallTime,
        );
      }
      return tracker(
        () => new BullMqQueue({ backend: { kind, url, schema: ns }, ...tuning }),
        async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(`drop schema if exists ${ns} cascade`);
          await c.end();
        },
        wallTime,
      );
    },
  };
}

queueContract(sqlHarness("sqlite"));
if (pgUrl) queueContract(sqlHarness("postgres"));
if (redisUrl) queueContract(bullHarness("redis", redisUrl));
// BullMQ 6 also ships a PostgreSQL backend; it is measured against the SQL queue in docs/adr/0003.
if (pgUrl) queueContract(bullHarness("postgres", pgUrl));
