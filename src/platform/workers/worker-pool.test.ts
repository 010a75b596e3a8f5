import { afterEach, describe, expect, it } from "vitest";
import { WorkerCrashed, WorkerPool, WorkerTaskError } from "./worker-pool.js";

type Task =
  | { kind: "echo"; value: string }
  | { kind: "fail" }
  | { kind: "hog" }
  | { kind: "thread"; ms: number };

const pools: WorkerPool<Task, unknown>[] = [];
function pool(options: { size?: number; idleMs?: number; heapMb?: number } = {}) {
  const p = new WorkerPool<Task, unknown>({
    file: new URL("./worker-pool.fixture.ts", import.meta.url),
    size: options.size ?? 2,
    idleMs: options.idleMs,
    resourceLimits: options.heapMb ? { maxOldGenerationSizeMb: options.heapMb } : undefined,
  });
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe("WorkerPool", () => {
  it("runs tasks in worker threads and starts none before the first", async () => {
    const p = pool();
    expect(p.threads).toBe(0);
    expect(await p.run({ kind: "echo", value: "abc" })).toBe("ABC");
    expect(p.threads).toBe(1);
  });

  it("runs as many tasks at once as it has workers, the rest wait their turn", async () => {
    const p = pool({ size: 2 });
    const ids = await Promise.all(Array.from({ length: 6 }, () => p.run({ kind: "thread", ms: 50 })));
    expect(new Set(ids).size).toBe(2);
    expect(p.started).toBe(2);
    expect(p.queued).toBe(0);
  });

  it("carries a task's error back and keeps the worker", async () => {
    const p = pool({ size: 1 });
    await expect(p.run({ kind: "fail" })).rejects.toThrow(new WorkerTaskError("the task said no"));
    expect(await p.run({ kind: "echo", value: "ok" })).toBe("OK");
    expect(p.started).toBe(1);
  });

  it("a task that exceeds the heap cap fails alone; the next task gets a new worker", async () => {
    const p = pool({ size: 1, heapMb: 32 });
    const err = await p.run({ kind: "hog" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCrashed);
    expect((err as WorkerCrashed).code).toBe("ERR_WORKER_OUT_OF_MEMORY");
    expect(await p.run({ kind: "echo", value: "after" })).toBe("AFTER");
    expect(p.started).toBe(2);
  });

  it("warm starts one worker ahead of the first task, which then runs on it", async () => {
    const p = pool({ size: 2 });
    p.warm();
    expect(p.threads).toBe(1);
    p.warm(); // a worker is running: nothing more starts
    expect(p.started).toBe(1);
    const warmed = await p.run({ kind: "thread", ms: 0 });
    expect(p.started).toBe(1);
    expect(await p.run({ kind: "thread", ms: 0 })).toBe(warmed);
  });

  it("a worker warmed for nothing stops when idle; a closed pool warms nothing", async () => {
    const p = pool({ size: 1, idleMs: 20 });
    p.warm();
    expect(p.threads).toBe(1);
    await expect.poll(() => p.threads, { timeout: 10_000 }).toBe(0);
    await p.close();
    p.warm();
    expect(p.threads).toBe(0);
  });

  it("stops idle workers", async () => {
    const p = pool({ size: 1, idleMs: 20 });
    await p.run({ kind: "echo", value: "x" });
    expect(p.threads).toBe(1);
    await expect.poll(() => p.threads, { timeout: 10_000 }).toBe(0);
    expect(await p.run({ kind: "echo", value: "y" })).toBe("Y");
    expect(p.started).toBe(2);
  });

  it("closing fails the tasks still waiting and refuses new ones", async () => {
    const p = pool({ size: 1 });
    const running = p.run({ kind: "thread", ms: 5_000 }).catch((e: unknown) => e);
    const waiting = p.run({ kind: "echo", value: "never" }).catch((e: unknown) => e);
    await p.close();
    expect(await waiting).toBeInstanceOf(WorkerCrashed);
    expect(await running).toBeInstanceOf(WorkerCrashed);
    await expect(p.run({ kind: "echo", value: "z" })).rejects.toThrow("closed");
  });
});
