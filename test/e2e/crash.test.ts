import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createServices } from "../../src/container.js";
import { SqlQueue } from "../../src/platform/queue/sql-queue.js";
import { sendAndBlock } from "../support/crash-worker.js";

const dir = mkdtempSync(path.join(tmpdir(), "readlog-crash-"));
const marks = path.join(dir, "marks.log");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function worker(block: boolean): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/crash-worker.ts"], {
    env: { ...process.env, CRASH_WORKER: "1", BLOCK: block ? "1" : "0", MARKS: marks, DATA_DIR: dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return child;
}

async function waitFor(ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const runs = () => (existsSync(marks) ? readFileSync(marks, "utf8").trim().split("\n").filter(Boolean) : []);

describe("crash safety of workers (SQLite file)", () => {
  it("a job whose worker is killed with -9 mid-job runs again on another worker; its message is recorded once", async () => {
    const env = { DATA_DIR: dir, LOG_LEVEL: "silent" };
    const services = await createServices(loadConfig(env));
    const producer = new SqlQueue(services.database);
    producer.declare(sendAndBlock);
    await producer.enqueue(sendAndBlock, { n: 1 });

    const first = worker(true);
    const firstExit = new Promise((r) => first.on("exit", (_code, signal) => r(signal)));
    await waitFor(() => runs().length === 1);
    first.kill("SIGKILL");
    expect(await firstExit).toBe("SIGKILL");
    const job = await services.db.selectFrom("jobs").select(["status", "attempts"]).executeTakeFirst();
    expect(job).toMatchObject({ status: "running", attempts: 1 }); // held by the dead worker's lease

    worker(false);
    await waitFor(async () => (await services.db.selectFrom("jobs").select("id").execute()).length === 0);
    const [a, b] = runs();
    expect(runs()).toHaveLength(2);
    expect(a!.split(" pid ")[1]).not.toBe(b!.split(" pid ")[1]); // two different processes ran it

    const messages = await services.db
      .selectFrom("messages")
      .select(["idempotency_key", "body"])
      .where("idempotency_key", "like", "crash-test:%")
      .execute();
    expect(messages).toEqual([{ idempotency_key: "crash-test:1", body: "message 1" }]);
    await services.database.close();
  }, 60_000);
});
