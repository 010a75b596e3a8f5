import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type Assembly, assemble } from "../../src/app/assemble.js";
import { loadConfig } from "../../src/config.js";
import { BullMqQueue } from "../../src/platform/queue/bullmq-queue.js";
import { SqlQueue } from "../../src/platform/queue/sql-queue.js";
import { sendAndBlock } from "../support/crash-worker.js";

const redisUrl = inject("redisUrl");
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** One test's data directory (its SQLite file) and the file where each run of the job leaves a line. */
function scene() {
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-crash-"));
  dirs.push(dir);
  const marks = path.join(dir, "marks.log");
  const runs = () =>
    existsSync(marks) ? readFileSync(marks, "utf8").trim().split("\n").filter(Boolean) : [];
  const worker = (block: boolean, env: Record<string, string> = {}): ChildProcess => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/crash-worker.ts"], {
      env: {
        ...process.env,
        ...env,
        CRASH_WORKER: "1",
        BLOCK: block ? "1" : "0",
        MARKS: marks,
        DATA_DIR: dir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    return child;
  };
  return { dir, runs, worker };
}

async function waitFor(ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const killed = (child: ChildProcess) => new Promise((r) => child.on("exit", (_code, signal) => r(signal)));

/** Two different processes ran the job, and the outbox holds its message once. */
async function expectRanTwiceSentOnce(app: Assembly, runs: string[]): Promise<void> {
  const [a, b] = runs;
  expect(runs).toHaveLength(2);
  expect(a!.split(" pid ")[1]).not.toBe(b!.split(" pid ")[1]);
  const messages = await app.database.db
    .selectFrom("messages")
    .select(["idempotency_key", "body"])
    .where("idempotency_key", "like", "crash-test:%")
    .execute();
  expect(messages).toEqual([{ idempotency_key: "crash-test:1", body: "message 1" }]);
}

describe("crash safety of workers (SQLite file)", () => {
  it("a job whose worker is killed with -9 mid-job runs again on another worker; its message is recorded once", async () => {
    const { dir, runs, worker } = scene();
    const app = await assemble(loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent" }));
    const producer = new SqlQueue(app.uow);
    const testJobs = () =>
      app.database.db.selectFrom("jobs").select(["status", "attempts"]).where("name", "=", sendAndBlock.name);
    producer.declare(sendAndBlock);
    await producer.enqueue(sendAndBlock, { n: 1 });

    const first = worker(true);
    const firstExit = killed(first);
    await waitFor(() => runs().length === 1);
    first.kill("SIGKILL");
    expect(await firstExit).toBe("SIGKILL");
    const job = await testJobs().executeTakeFirst();
    expect(job).toMatchObject({ status: "running", attempts: 1 }); // held by the dead worker's lease

    worker(false);
    await waitFor(async () => (await testJobs().execute()).length === 0);
    await expectRanTwiceSentOnce(app, runs());
    await app.close();
  }, 60_000);
});

// Skipped without TEST_REDIS_URL (said once by the global setup).
describe.skipIf(!redisUrl)("crash safety of workers (BullMQ on Redis)", () => {
  it("a job whose worker is killed with -9 mid-job is found stalled and runs again on another worker; its message is recorded once", async () => {
    const { dir, runs, worker } = scene();
    const prefix = `rlcrash_${process.pid}_${randomBytes(4).toString("hex")}`;
    const env = { REDIS_URL: redisUrl!, QUEUE_PREFIX: prefix };
    // The outbox is in the SQLite file; the job lives in Redis.
    const app = await assemble(loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent" }));
    const producer = new BullMqQueue({ backend: { kind: "redis", url: redisUrl!, prefix } });
    try {
      producer.declare(sendAndBlock);
      await producer.enqueue(sendAndBlock, { n: 1 });

      const first = worker(true, env);
      const firstExit = killed(first);
      await waitFor(() => runs().length === 1);
      first.kill("SIGKILL");
      expect(await firstExit).toBe("SIGKILL");
      // Still active in Redis, under the lock the dead worker no longer renews.
      expect(await producer.counts()).toMatchObject({ running: 1, waiting: 0, dead: 0 });

      // The second worker's stalled-job check finds the expired lock and moves the job back to wait.
      worker(false, env);
      await waitFor(async () => {
        const c = await producer.counts();
        return c.running + c.waiting + c.failed === 0;
      });
      expect(await producer.counts()).toEqual({ waiting: 0, delayed: 0, running: 0, failed: 0, dead: 0 });
      await expectRanTwiceSentOnce(app, runs());
    } finally {
      await producer.close();
      const r = new Redis(redisUrl!);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length > 0) await r.del(...keys);
      await r.quit();
      await app.close();
    }
  }, 60_000);
});
