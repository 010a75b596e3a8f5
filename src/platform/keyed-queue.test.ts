import { describe, expect, it } from "vitest";
import { KeyedQueue } from "./keyed-queue.js";

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("KeyedQueue", () => {
  it("runs one key's tasks one at a time, in the order they were added", async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await later(ms);
      log.push(`end ${name}`);
      return name;
    };
    // The first is the slowest: without the queue the later ones would finish first.
    const results = await Promise.all([
      q.run("a", task("1", 30)),
      q.run("a", task("2", 1)),
      q.run("a", task("3", 10)),
    ]);
    expect(results).toEqual(["1", "2", "3"]);
    expect(log).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });

  it("runs different keys at the same time", async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const a = q.run("a", async () => {
      log.push("start a");
      await later(20);
      log.push("end a");
    });
    const b = q.run("b", async () => {
      log.push("start b");
      log.push("end b");
    });
    await Promise.all([a, b]);
    expect(log).toEqual(["start a", "start b", "end b", "end a"]);
  });

  it("rejects only the failing task's caller and goes on with the next", async () => {
    const q = new KeyedQueue();
    const failed = q.run("a", async () => {
      throw new Error("boom");
    });
    const next = q.run("a", async () => "after");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("after");
  });

  it("keeps nothing for a key once its tasks have settled", async () => {
    const q = new KeyedQueue();
    await Promise.all([q.run("a", async () => 1), q.run("b", async () => 2), q.run("a", async () => 3)]);
    await later(0);
    expect(q.size).toBe(0);
  });
});
