import { describe, expect, it } from "vitest";
import { TurnBatcher } from "./turn-batcher.js";

describe("TurnBatcher", () => {
  it("serves the calls of one turn with one run, each with its own output, in call order", async () => {
    const runs: number[][] = [];
    const b = new TurnBatcher(async (xs: number[]) => {
      runs.push(xs);
      return xs.map((x) => x * 10);
    });
    const out = await Promise.all([b.add(1), b.add(2), b.add(3)]);
    expect(out).toEqual([10, 20, 30]);
    expect(runs).toEqual([[1, 2, 3]]);
    expect(await b.add(4)).toBe(40);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it("splits at max, and calls made while a batch runs form the next one (never two runs at once)", async () => {
    const runs: number[][] = [];
    let inRun = 0;
    let peak = 0;
    const b = new TurnBatcher(async (xs: number[]) => {
      peak = Math.max(peak, ++inRun);
      runs.push(xs);
      await new Promise((r) => setTimeout(r, 5));
      inRun--;
      return xs;
    }, 2);
    const first = [b.add(1), b.add(2), b.add(3)];
    await new Promise((r) => setImmediate(r));
    const later = [b.add(4), b.add(5)];
    expect(await Promise.all([...first, ...later])).toEqual([1, 2, 3, 4, 5]);
    expect(runs).toEqual([[1, 2], [3, 4], [5]]);
    expect(peak).toBe(1);
  });

  it("rejects every call of a batch whose run fails (or miscounts), and goes on with the next batch", async () => {
    let calls = 0;
    const b = new TurnBatcher(async (xs: string[]) => {
      calls++;
      if (xs.includes("bad")) throw new Error("statement failed");
      return xs.includes("short") ? [] : xs;
    });
    const batch = [b.add("ok"), b.add("bad")];
    await expect(batch[0]).rejects.toThrow("statement failed");
    await expect(batch[1]).rejects.toThrow("statement failed");
    await expect(b.add("short")).rejects.toThrow("batch returned 0 results for 1 inputs");
    expect(await b.add("fine")).toBe("fine");
    expect(calls).toBe(3);
  });
});
