/**
 * A worker process for the crash-safety test: the real container on a SQLite file, plus one test job whose
 * handler queues a message through the outbox and then (with BLOCK=1) never returns, so the test can
 * `kill -9` it mid-job. The job runs on the SQL queue, or on BullMQ when REDIS_URL is set (its keys under
 * QUEUE_PREFIX). Short leases/locks so another worker takes the job back quickly.
 */
import { appendFileSync } from "node:fs";
import { Type } from "@sinclair/typebox";
import { assemble } from "../../src/app/assemble.js";
import { loadConfig } from "../../src/config.js";
import { BullMqQueue } from "../../src/platform/queue/bullmq-queue.js";
import { defineJob, type Queue } from "../../src/platform/queue/queue.js";
import { SqlQueue } from "../../src/platform/queue/sql-queue.js";

export const sendAndBlock = defineJob({
  name: "test.send-and-block",
  payload: Type.Object({ n: Type.Integer() }),
  policy: { attempts: 3, backoff: { baseMs: 10, maxMs: 10 }, timeoutMs: 1_000 },
});

/** Leases run out this long after the job's timeout when its worker is gone. */
export const LEASE_MARGIN_MS = 300;

/** BullMQ: the lock a dead worker stops renewing, and how often live workers look for expired ones. */
export const BULLMQ_TUNING = { lockDurationMs: 1_000, stalledIntervalMs: 300 };

if (process.env.CRASH_WORKER === "1") {
  const config = loadConfig({ ...process.env, LOG_LEVEL: "silent" });
  // The app itself keeps its jobs in the database; the job under test runs on the queue chosen below.
  const app = await assemble({ ...config, redisUrl: null });
  const services = app.services;
  const queue: Queue = config.redisUrl
    ? new BullMqQueue({
        backend: { kind: "redis", url: config.redisUrl, prefix: process.env.QUEUE_PREFIX },
        ...BULLMQ_TUNING,
      })
    : new SqlQueue(app.uow, {
        leaseMarginMs: LEASE_MARGIN_MS,
        reapIntervalMs: 100,
        pollIntervalMs: 50,
      });
  queue.handle(sendAndBlock, async ({ n }) => {
    await services.outbox.enqueue({
      ownerId: null,
      channel: "telegram",
      address: "555",
      idempotencyKey: `crash-test:${n}`,
      content: { type: "text", body: `message ${n}` },
    });
    appendFileSync(process.env.MARKS!, `ran ${n} pid ${process.pid}\n`);
    if (process.env.BLOCK === "1") await new Promise(() => {});
  });
  await queue.start({ concurrency: 1 });
  console.log("ready");
}
