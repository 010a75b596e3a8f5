import { Type } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { JobRegistry } from "./job-registry.js";
import { backoffDelay, defineJob, dueAt } from "./queue.js";
import { Slots } from "./slots.js";

const policy = { attempts: 5, backoff: { baseMs: 100, maxMs: 1000 }, timeoutMs: 1000 };

describe("defineJob", () => {
  it("accepts a well-formed job and freezes it", () => {
    const j = defineJob({ name: "reminders.send", payload: Type.Object({}), policy });
    expect(j.name).toBe("reminders.send");
    expect(Object.isFrozen(j.policy)).toBe(true);
  });

  it.each([
    [{ name: "Bad Name" }, /name must be lowercase/],
    [{ name: "a:b" }, /name must be lowercase/],
    [{ policy: { ...policy, attempts: 0 } }, /attempts must be ≥ 1/],
    [{ policy: { ...policy, backoff: { baseMs: 10, maxMs: 5 } } }, /1 ≤ baseMs ≤ maxMs/],
    [{ policy: { ...policy, timeoutMs: 0 } }, /timeoutMs must be ≥ 1/],
    [{ policy: { ...policy, concurrency: 1.5 } }, /concurrency must be a whole number/],
  ])("refuses %o", (override, error) => {
    expect(() => defineJob({ name: "x.y", payload: Type.Object({}), policy, ...override })).toThrow(error);
  });
});

describe("backoffDelay", () => {
  it("doubles from baseMs up to maxMs at the top of the jitter range", () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
  });

  it("draws uniformly from zero to the ceiling (full jitter)", () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(policy, 10);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(1000);
    }
  });
});

describe("dueAt", () => {
  const now = new Date("2026-01-15T12:00:00.000Z");
  it("prefers runAt, then delayMs, never the past via a negative delay", () => {
    expect(dueAt(now, { runAt: new Date("2026-01-16T00:00:00Z"), delayMs: 5 }).toISOString()).toBe(
      "2026-01-16T00:00:00.000Z",
    );
    expect(dueAt(now, { delayMs: 1500 }).toISOString()).toBe("2026-01-15T12:00:01.500Z");
    expect(dueAt(now, { delayMs: -10 }).toISOString()).toBe(now.toISOString());
  });
});

describe("JobRegistry", () => {
  const a = defineJob({ name: "t.a", payload: Type.Object({ n: Type.Number() }), policy });

  it("refuses a second handler and a different definition under the same name", () => {
    const r = new JobRegistry();
    r.handle(a, async () => {});
    expect(() => r.handle(a, async () => {})).toThrow(/already has a handler/);
    const clash = defineJob({ name: "t.a", payload: Type.Object({}), policy });
    expect(() => r.declare(clash)).toThrow(/declared twice/);
  });

  it("reports a handler that throws a non-Error and never throws itself", async () => {
    const r = new JobRegistry();
    r.handle(a, async () => {
      throw "plain string";
    });
    expect(await r.run("t.a", { n: 1 }, { id: "1", attempt: 1 })).toEqual({
      kind: "failed",
      error: "plain string",
    });
    expect(await r.run("t.zzz", {}, { id: "1", attempt: 1 })).toMatchObject({ kind: "invalid" });
  });
});

describe("Slots", () => {
  it("grants at most `size` at once, in order, and lets an aborted wait go without a slot", async () => {
    const s = new Slots(1);
    expect(await s.acquire()).toBe(true);
    const ac = new AbortController();
    const abandoned = s.acquire(ac.signal);
    const next = s.acquire();
    ac.abort();
    expect(await abandoned).toBe(false);
    s.release();
    expect(await next).toBe(true);
    let third = false;
    void s.acquire().then(() => {
      third = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBe(false);
    s.release();
    await new Promise((r) => setTimeout(r, 0));
    expect(third).toBe(true);
  });
});
