import { type TSchema, Type } from "@sinclair/typebox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineJob, type JobPolicy, type Queue } from "../../src/platform/queue/queue.js";

/** A queue under test plus the hook that makes it vanish like a killed process. */
export type TestQueue = Queue & { crash(): Promise<void> };

/** Shared storage for one test; every `open` is another "process" on it. */
export interface QueueStore {
  /** A new adapter instance on this store, tuned for tests (short polls and leases, fixed jitter). */
  open(): Promise<TestQueue>;
  /** Closes every opened instance and removes the storage. */
  dispose(): Promise<void>;
  /** This store's "now" in ms: the fake clock the adapter reads where it takes one, else the wall clock. */
  now(): number;
  /** Moves this store's time forward by `ms`: the fake clock where there is one, else real waiting. */
  advance(ms: number): Promise<void>;
  /** True when time moves only by `advance`, so "has not run yet" can be asserted exactly. */
  readonly fakeTime: boolean;
}

export interface QueueHarness {
  name: string;
  /** Lease of a job with timeoutMs T is about T + leaseSlackMs before another worker may take it. */
  leaseSlackMs: number;
  newStore(): Promise<QueueStore>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `fn` holds (checked every 10 ms); fails with `what` after `ms`. */
async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

const policy = (p: Partial<JobPolicy> = {}): JobPolicy => ({
  attempts: 1,
  backoff: { baseMs: 10, maxMs: 20 },
  timeoutMs: 5000,
  ...p,
});

const job = <S extends TSchema>(name: string, payload: S, p: Partial<JobPolicy> = {}) =>
  defineJob({ name, payload, policy: policy(p) });

const N = Type.Object({ n: Type.Number() });

/**
 * Declares a job that does nothing on `q` and returns a function that runs one to completion: once it
 * has, the workers have looked at the queue since the call began (what "has not run yet" waits for).
 */
function pinger(q: TestQueue): () => Promise<void> {
  const ping = job("t.ping", N);
  let done = 0;
  q.handle(ping, async () => {
    done++;
  });
  return async () => {
    const before = done;
    await q.enqueue(ping, { n: 0 });
    await until("ping ran", () => done > before);
  };
}

/** The behaviour every Queue adapter must have. */
export function queueContract(h: QueueHarness): void {
  describe(`Queue contract (${h.name})`, () => {
    let store: QueueStore;
    beforeEach(async () => {
      store = await h.newStore();
    });
    afterEach(async () => {
      await store.dispose();
    });

    it("runs an enqueued job once with its payload, then forgets it", async () => {
      const q = await store.open();
      const echo = job("t.echo", N);
      const seen: Array<{ n: number; id: string; attempt: number }> = [];
      q.handle(echo, async (p, ctx) => {
        seen.push({ n: p.n, id: ctx.id, attempt: ctx.attempt });
      });
      const ping = pinger(q);
      const id = await q.enqueue(echo, { n: 7 });
      await q.start({ concurrency: 2 });
      await until("job ran", () => seen.length === 1);
      expect(seen[0]).toEqual({ n: 7, id, attempt: 1 });
      await until("counts back to zero", async () => (await q.counts()).running === 0);
      expect(await q.counts()).toEqual({ waiting: 0, delayed: 0, running: 0, failed: 0, dead: 0 });
      await ping();
      expect(seen).toHaveLength(1);
    });

    it("refuses undeclared jobs, invalid payloads at enqueue, and starting with a handler missing", async () => {
      const q = await store.open();
      const a = job("t.a", N);
      const b = job("t.b", N);
      await expect(q.enqueue(a, { n: 1 })).rejects.toThrow(/not declared/);
      q.handle(a, async () => {});
      // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong payload
      await expect(q.enqueue(a, { n: "x" } as any)).rejects.toThrow(/\/n/);
      q.declare(b);
      await expect(q.start()).rejects.toThrow(/no handler registered for declared job\(s\): t\.b/);
    });

    it("holds delayed jobs until they are due (delayMs and runAt)", async () => {
      const q = await store.open();
      const later = job("t.later", N);
      const ranAt = new Map<number, number>();
      q.handle(later, async (p) => {
        ranAt.set(p.n, store.now());
      });
      const ping = pinger(q);
      await q.start();
      const t0 = store.now();
      await q.enqueue(later, { n: 1 }, { delayMs: 600 });
      await q.enqueue(later, { n: 2 }, { runAt: new Date(t0 + 900) });
      await q.enqueue(later, { n: 3 }, { delayMs: 60_000 });
      expect((await q.counts()).delayed).toBeGreaterThanOrEqual(2);
      if (store.fakeTime) {
        await ping();
        expect(ranAt.size, "nothing runs before it is due").toBe(0);
        await store.advance(600);
        await until("the first is due", () => ranAt.size === 1);
        await ping();
        expect([...ranAt.keys()]).toEqual([1]);
        await store.advance(300);
      } else {
        await store.advance(900);
      }
      await until("both near jobs ran", () => ranAt.size === 2);
      expect(ranAt.get(1)! - t0).toBeGreaterThanOrEqual(600);
      expect(ranAt.get(2)! - t0).toBeGreaterThanOrEqual(900);
      expect(ranAt.has(3)).toBe(false);
      expect(await q.counts()).toMatchObject({ delayed: 1, waiting: 0 });
    });

    it("retries a failing handler with backoff, then keeps it dead with the last error", async () => {
      const q = await store.open();
      const flaky = job("t.flaky", N, { attempts: 3, backoff: { baseMs: 100, maxMs: 150 } });
      const at: number[] = [];
      q.handle(flaky, async (_p, ctx) => {
        at.push(store.now());
        throw new Error(`boom ${ctx.attempt}`);
      });
      const ping = pinger(q);
      const id = await q.enqueue(flaky, { n: 1 });
      await q.start();
      // Test queues use the top of the jitter range: 99 ms, then min(150, 200) - 1 ms.
      for (const [attempt, backoff] of [
        [1, 99],
        [2, 149],
      ] as const) {
        await until(`attempt ${attempt} failed`, () => at.length === attempt);
        if (store.fakeTime) {
          await store.advance(backoff - 1);
          await ping();
          expect(at, "not retried before its backoff has passed").toHaveLength(attempt);
          await store.advance(1);
        } else {
          await store.advance(backoff);
        }
      }
      await until("job dead", async () => (await q.counts()).dead === 1);
      expect(at).toHaveLength(3);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(99);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(149);
      const dead = await q.listDead();
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ id, name: "t.flaky", payload: { n: 1 }, attempts: 3, error: "boom 3" });
      expect(Date.parse(dead[0]!.diedAt)).not.toBeNaN();
      await store.advance(1000);
      await ping();
      expect(at).toHaveLength(3);
    });

    it("deduplicates by idempotency key while the job exists, per job name", async () => {
      const q = await store.open();
      const once = job("t.once", N);
      const other = job("t.other", N);
      const ran: number[] = [];
      q.handle(once, async (p) => {
        ran.push(p.n);
      });
      q.handle(other, async () => {});
      const a = await q.enqueue(once, { n: 1 }, { idempotencyKey: "reminder:u1:2026-01-15T08:00" });
      const b = await q.enqueue(once, { n: 2 }, { idempotencyKey: "reminder:u1:2026-01-15T08:00" });
      const c = await q.enqueue(other, { n: 3 }, { idempotencyKey: "reminder:u1:2026-01-15T08:00" });
      expect(b).toBe(a);
      expect(c).not.toBe(a);
      expect((await q.counts()).waiting).toBe(2);
      await q.start();
      await until("ran", () => ran.length === 1);
      await until("completed", async () => (await q.counts()).running === 0);
      expect(ran).toEqual([1]);
      // Once completed, the key is free again.
      await q.enqueue(once, { n: 4 }, { idempotencyKey: "reminder:u1:2026-01-15T08:00" });
      await until("ran again", () => ran.length === 2);
      expect(ran).toEqual([1, 4]);
    });

    it("enqueues many jobs of one type at once: ids in order, keys deduplicated as enqueue does", async () => {
      const q = await store.open();
      const many = job("t.many", N);
      const ran = new Map<string, number>();
      q.handle(many, async (p, ctx) => {
        ran.set(ctx.id, p.n);
      });
      const first = await q.enqueue(many, { n: 0 }, { idempotencyKey: "k0" });
      const ids = await q.enqueueMany(many, [
        { payload: { n: 1 }, opts: { idempotencyKey: "k0" } }, // already stored: that job's id
        { payload: { n: 2 }, opts: { idempotencyKey: "k2" } },
        { payload: { n: 3 } },
        { payload: { n: 4 }, opts: { idempotencyKey: "k2" } }, // repeated in the list: stored once
        { payload: { n: 5 }, opts: { delayMs: 60_000 } },
      ]);
      expect(ids).toHaveLength(5);
      expect(ids[0]).toBe(first);
      expect(ids[3]).toBe(ids[1]);
      expect(new Set(ids).size).toBe(4);
      expect(await q.enqueueMany(many, [])).toEqual([]);
      // One invalid payload refuses the whole call before anything is stored.
      await expect(
        // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong payload
        q.enqueueMany(many, [{ payload: { n: 6 } }, { payload: { n: "x" } as any }]),
      ).rejects.toThrow(/\/n/);
      expect(await q.counts()).toMatchObject({ waiting: 3, delayed: 1 });
      await q.start({ concurrency: 8 });
      await until("due jobs ran", () => ran.size === 3);
      // The handlers saw the ids enqueueMany returned, each job once with its own payload.
      expect(Object.fromEntries(ran)).toEqual({ [first]: 0, [ids[1]!]: 2, [ids[2]!]: 3 });
      // More jobs than one statement takes, all run once.
      const big = Array.from({ length: 1100 }, (_, i) => ({
        payload: { n: 100 + i },
        opts: { idempotencyKey: `big:${i}` },
      }));
      const bigIds = await q.enqueueMany(many, big);
      expect(new Set(bigIds).size).toBe(1100);
      await until("big batch ran", () => ran.size === 1103, 30_000);
      expect(bigIds.map((id) => ran.get(id))).toEqual(big.map((b) => b.payload.n));
      await until("all completed", async () => (await q.counts()).running === 0);
      expect(await q.counts()).toMatchObject({ waiting: 0, running: 0, delayed: 1, dead: 0 });
    });

    it("never runs more than the worker concurrency, nor more than a job's own limit", async () => {
      const q = await store.open();
      const wide = job("t.wide", N);
      const narrow = job("t.narrow", N, { concurrency: 1 });
      let now = 0;
      let peak = 0;
      let narrowNow = 0;
      let narrowPeak = 0;
      let done = 0;
      q.handle(wide, async () => {
        peak = Math.max(peak, ++now);
        await sleep(40);
        now--;
        done++;
      });
      q.handle(narrow, async () => {
        peak = Math.max(peak, ++now);
        narrowPeak = Math.max(narrowPeak, ++narrowNow);
        await sleep(40);
        narrowNow--;
        now--;
        done++;
      });
      for (let i = 0; i < 12; i++) await q.enqueue(wide, { n: i });
      for (let i = 0; i < 4; i++) await q.enqueue(narrow, { n: i });
      await q.start({ concurrency: 3 });
      await until("all ran", () => done === 16);
      expect(peak).toBe(3);
      expect(narrowPeak).toBe(1);
    });

    it("sends a job whose payload fails the schema when taken to dead, with the reason, without running it", async () => {
      // An older release enqueued the job with a payload the current schema refuses.
      const producer = await store.open();
      const old = job("t.shape", Type.Object({ n: Type.String() }));
      producer.declare(old);
      const id = await producer.enqueue(old, { n: "seven" });
      const q = await store.open();
      const current = job("t.shape", N);
      let calls = 0;
      q.handle(current, async () => {
        calls++;
      });
      const ping = pinger(q);
      await q.start();
      await until("dead", async () => (await q.counts()).dead === 1);
      await ping();
      expect(calls).toBe(0);
      const [dead] = await q.listDead();
      expect(dead?.id).toBe(id);
      expect(dead?.error).toMatch(/payload does not match the schema of job "t\.shape": \/n: /);
    });

    it("counts an attempt past timeoutMs as a failure and aborts the handler's signal", async () => {
      const q = await store.open();
      const slow = job("t.slow", N, { timeoutMs: 150, attempts: 1 });
      let aborted = false;
      q.handle(slow, async (_p, ctx) => {
        await new Promise<void>((resolve) => {
          ctx.signal.addEventListener("abort", () => {
            aborted = true;
            resolve();
          });
        });
        await sleep(5000);
      });
      await q.enqueue(slow, { n: 1 });
      await q.start();
      // The handler would run for 5 s more after the abort; "timed out" as the reason proves the timeout.
      await until("dead", async () => (await q.counts()).dead === 1);
      expect(aborted).toBe(true);
      expect((await q.listDead())[0]?.error).toBe("timed out after 150 ms");
    });

    it("on stop, lets running jobs finish within the grace period", async () => {
      const q = await store.open();
      const work = job("t.work", N);
      let finished = 0;
      let started = 0;
      q.handle(work, async () => {
        started++;
        await sleep(150);
        finished++;
      });
      await q.enqueue(work, { n: 1 });
      await q.start();
      await until("started", () => started === 1);
      await q.stop({ graceMs: 3000 });
      expect(finished).toBe(1);
      expect(await q.counts()).toEqual({ waiting: 0, delayed: 0, running: 0, failed: 0, dead: 0 });
    });

    it("on stop, releases jobs still running after the grace period back to the queue", async () => {
      const q = await store.open();
      const stuck = job("t.stuck", N, { attempts: 1 });
      let started = 0;
      let aborted = false;
      q.handle(stuck, async (_p, ctx) => {
        started++;
        ctx.signal.addEventListener("abort", () => {
          aborted = true;
        });
        await sleep(60_000);
      });
      await q.enqueue(stuck, { n: 1 });
      await q.start();
      await until("started", () => started === 1);
      // The handler sleeps 60 s, past the test's timeout: stop() returning at all proves the release.
      await q.stop({ graceMs: 100 });
      expect(aborted).toBe(true);
      // The stopping worker did not take the released job again (a BullMQ fetch in flight could: issue 5).
      expect(started).toBe(1);
      expect(await q.counts()).toMatchObject({ waiting: 1, running: 0, dead: 0 });
      // Another worker takes it, and the release did not use up its only attempt.
      const next = await store.open();
      let ranAttempt = 0;
      next.handle(stuck, async (_p, ctx) => {
        ranAttempt = ctx.attempt;
      });
      await next.start();
      await until("taken again", () => ranAttempt > 0);
      await until("completed", async () => (await next.counts()).running === 0);
      expect(await next.counts()).toMatchObject({ waiting: 0, dead: 0 });
    });

    it("once stopping, starts no job enqueued meanwhile and leaves it waiting", async () => {
      const q = await store.open();
      const stuck = job("t.late", N, { attempts: 1 });
      const started: number[] = [];
      q.handle(stuck, async (p) => {
        started.push(p.n);
        await sleep(60_000);
      });
      await q.enqueue(stuck, { n: 1 });
      await q.start();
      await until("started", () => started.length === 1);
      const stopped = q.stop({ graceMs: 300 });
      // Enqueued while the worker waits out the grace period (BullMQ: its blocking fetch is still in flight).
      await q.enqueue(stuck, { n: 2 });
      await stopped;
      expect(started).toEqual([1]);
      expect(await q.counts()).toMatchObject({ waiting: 2, running: 0, dead: 0 });
      const next = await store.open();
      const ran: number[] = [];
      next.handle(stuck, async (p) => {
        ran.push(p.n);
      });
      await next.start();
      await until("both ran", () => ran.length === 2);
      expect(ran.sort()).toEqual([1, 2]);
    });

    it("takes a job back from a worker that died once its lease expires", async () => {
      const timeoutMs = 600;
      const doomed = await store.open();
      const work = job("t.lease", N, { timeoutMs, attempts: 3 });
      let startedOnDoomed = 0;
      doomed.handle(work, async () => {
        startedOnDoomed++;
        await sleep(60_000);
      });
      await doomed.enqueue(work, { n: 1 });
      await doomed.start();
      await until("taken by the doomed worker", () => startedOnDoomed === 1);
      await doomed.crash();
      const survivor = await store.open();
      const attempts: number[] = [];
      survivor.handle(work, async (_p, ctx) => {
        attempts.push(ctx.attempt);
      });
      const ping = pinger(survivor);
      await survivor.start();
      expect((await survivor.counts()).running).toBe(1);
      if (store.fakeTime) {
        await store.advance(timeoutMs);
        await ping();
        expect(attempts, "the lease still holds").toHaveLength(0);
      }
      await store.advance(timeoutMs + h.leaseSlackMs);
      await until("taken back", () => attempts.length === 1, timeoutMs + h.leaseSlackMs + 8000);
      expect(attempts[0]).toBeGreaterThanOrEqual(1);
      await until("completed", async () => (await survivor.counts()).running === 0);
      expect(await survivor.counts()).toEqual({ waiting: 0, delayed: 0, running: 0, failed: 0, dead: 0 });
    });

    it("retries or discards dead jobs on request", async () => {
      const q = await store.open();
      const fragile = job("t.fragile", N, { attempts: 1 });
      let healthy = false;
      const ran: number[] = [];
      q.handle(fragile, async (p) => {
        if (!healthy) throw new Error("downstream unavailable");
        ran.push(p.n);
      });
      const a = await q.enqueue(fragile, { n: 1 });
      const b = await q.enqueue(fragile, { n: 2 });
      await q.start();
      await until("both dead", async () => (await q.counts()).dead === 2);
      expect(new Set((await q.listDead()).map((d) => d.id))).toEqual(new Set([a, b]));
      healthy = true;
      expect(await q.retryDead(a)).toBe(true);
      await until("retried job ran", () => ran.length === 1);
      expect(ran).toEqual([1]);
      expect(await q.discardDead(b)).toBe(true);
      await until("nothing left", async () => {
        const c = await q.counts();
        return c.dead === 0 && c.running === 0;
      });
      expect(await q.listDead()).toEqual([]);
      expect(await q.retryDead(b)).toBe(false);
      expect(await q.discardDead(b)).toBe(false);
      expect(await q.retryDead("t.fragile/no-such-job")).toBe(false);
    });

    it("counts jobs in every state", async () => {
      const q = await store.open();
      const hang = job("t.hang", N, { concurrency: 1 });
      const retry = job("t.retry", N, { attempts: 2, backoff: { baseMs: 60_000, maxMs: 60_000 } });
      const die = job("t.die", N, { attempts: 1 });
      q.handle(hang, async (_p, ctx) => {
        await new Promise((r) => ctx.signal.addEventListener("abort", r));
      });
      q.handle(retry, async () => {
        throw new Error("later");
      });
      q.handle(die, async () => {
        throw new Error("never");
      });
      await q.enqueue(hang, { n: 1 });
      await q.enqueue(hang, { n: 2 });
      await q.enqueue(hang, { n: 3 }, { delayMs: 60_000 });
      await q.enqueue(retry, { n: 4 });
      await q.enqueue(die, { n: 5 });
      expect(await q.counts()).toEqual({ waiting: 4, delayed: 1, running: 0, failed: 0, dead: 0 });
      await q.start({ concurrency: 4 });
      const want = { waiting: 1, delayed: 1, running: 1, failed: 1, dead: 1 };
      await until("every state reached", async () => {
        const c = await q.counts();
        return JSON.stringify(c) === JSON.stringify(want);
      });
      expect(await q.counts()).toEqual(want);
    });
  });
}
