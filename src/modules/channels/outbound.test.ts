import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ENGINES, migratedDatabase } from "../../../test/support/engines.js";
import { type Channel, ChannelSendError } from "../../platform/channels/channel.js";
import { FakeClock } from "../../platform/clock.js";
import type { Database } from "../../platform/db/database.js";
import { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { SqlQueue } from "../../platform/queue/sql-queue.js";
import { channelsSend, OutboundMessages, SEND_BATCH } from "./outbound.js";

const quiet = { warn: () => {}, error: () => {} };

/** A Telegram stand-in: records sends; a send to "slow" waits until released, to "down" fails. */
class FakeChannel implements Channel {
  readonly kind = "telegram" as const;
  sent: string[] = [];
  now = 0;
  peak = 0;
  flaked = false;
  private releaseSlow: (() => void) | undefined;
  async sendText(to: string) {
    this.peak = Math.max(this.peak, ++this.now);
    try {
      if (to === "slow") await new Promise<void>((r) => (this.releaseSlow = r));
      else await new Promise((r) => setImmediate(r));
      if (to === "down") throw new ChannelSendError("503 from provider", false);
      if (to === "gone") throw new ChannelSendError("chat not found", true, "400");
      if (to === "flaky" && !this.flaked) {
        this.flaked = true;
        throw new ChannelSendError("502 from provider", false);
      }
      this.sent.push(to);
      return { providerId: `p-${to}` };
    } finally {
      this.now--;
    }
  }
  async sendTemplate(): Promise<never> {
    throw new Error("no templates here");
  }
  release() {
    this.releaseSlow?.();
  }
}

describe.each(ENGINES)("outbound messages as jobs (%s)", (engine) => {
  let database: Database;
  let uow: UnitOfWork;
  let queue: SqlQueue;
  let clock: FakeClock;
  let channel: FakeChannel;
  let outbox: OutboundMessages;
  beforeEach(async () => {
    database = await migratedDatabase(engine);
    clock = new FakeClock("2026-05-01T10:00:00.000Z");
    uow = new UnitOfWork(database.db, database.kind);
    queue = new SqlQueue(uow, { clock, pollIntervalMs: 10, random: () => 0.5 });
    channel = new FakeChannel();
    outbox = new OutboundMessages({
      uow,
      queue,
      channels: { telegram: channel },
      clock,
      log: quiet,
      random: () => 0.5,
    });
    queue.handle(channelsSend, (payload, ctx) => outbox.send(payload, ctx));
  });
  afterEach(async () => {
    await queue.close();
    await database.close();
  });

  const enqueue = (to: string, n: number) =>
    outbox.enqueue({
      ownerId: null,
      channel: "telegram",
      address: to,
      idempotencyKey: `test:${n}`,
      content: { type: "text", body: `message ${n}` },
    });
  const statuses = async () =>
    Object.fromEntries(
      (await database.db.selectFrom("messages").select(["address", "status"]).execute()).map((r) => [
        r.address,
        r.status,
      ]),
    );
  const sendJobs = () =>
    database.db.selectFrom("jobs").selectAll().where("name", "=", channelsSend.name).execute();

  it("queues each message with its send job in one unit of work: a rollback leaves neither", async () => {
    await expect(
      uow.transaction(async () => {
        await enqueue("a", 1);
        throw new Error("the write that caused it failed");
      }),
    ).rejects.toThrow();
    expect(await statuses()).toEqual({});
    expect(await sendJobs()).toHaveLength(0);
    expect(await enqueue("a", 1)).toEqual(expect.any(String));
    // The same key again: the message and its job exist once.
    expect(await enqueue("a", 1)).toBeNull();
    expect(await sendJobs()).toHaveLength(1);
  });

  it("sends several at once (never more than the worker runs), and a slow send holds up none of the others", async () => {
    await enqueue("slow", 0);
    for (let i = 1; i < 100; i++) await enqueue(`c${i}`, i);
    await queue.start({ concurrency: 8 });
    await waitFor(() => channel.sent.length === 99);
    expect(channel.now).toBe(1); // only the slow one still in flight
    channel.release();
    await waitFor(() => channel.sent.length === 100);
    await queue.stop();
    expect(new Set(channel.sent).size).toBe(100);
    expect(channel.peak).toBeLessThanOrEqual(8); // the worker concurrency
    expect(channel.peak).toBeGreaterThan(1);
    expect(new Set(Object.values(await statuses()))).toEqual(new Set(["sent"]));
  });

  it("a transient failure goes back to queued and its job retries with backoff; a permanent one fails and is reported", async () => {
    const failed: string[] = [];
    outbox.onFailed = async (row, code) => {
      failed.push(`${row.address}:${code}`);
    };
    await enqueue("down", 1);
    await enqueue("gone", 2);
    await enqueue("fine", 3);
    await queue.runDue();
    expect(await statuses()).toEqual({ down: "queued", gone: "failed", fine: "sent" });
    expect(failed).toEqual(["gone:400"]);
    const row = await database.db
      .selectFrom("messages")
      .select(["attempts", "last_error"])
      .where("address", "=", "down")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ attempts: 1, last_error: "503 from provider" });
    const [retry] = await sendJobs();
    expect(Date.parse(retry!.run_at) - clock.now().getTime()).toBeGreaterThan(0);
    // Past the backoff the retry runs; after the last attempt the message is failed for good.
    for (let i = 0; i < channelsSend.policy.attempts; i++) {
      clock.advance(channelsSend.policy.backoff.maxMs);
      await queue.runDue();
    }
    expect((await statuses()).down).toBe("failed");
    expect(failed).toEqual(["gone:400", "down:null"]);
    // The message records the failure; its job is done (not dead): nothing is left to retry.
    expect(await sendJobs()).toEqual([]);
  });

  it("the messages one transaction queues share their send jobs (SEND_BATCH each); a failing one is retried alone after its backoff, the others are sent", async () => {
    const n = SEND_BATCH + 8;
    const ids = await uow.transaction(async () => {
      const out: (string | null)[] = [await enqueue("flaky", 0)];
      for (let i = 1; i < n; i++) out.push(await enqueue(`b${i}`, i));
      return out;
    });
    const jobs = await sendJobs();
    expect(jobs.map((j) => JSON.parse(j.payload).messageIds.length).sort((a, b) => a - b)).toEqual([
      8,
      SEND_BATCH,
    ]);
    expect(jobs.flatMap((j) => JSON.parse(j.payload).messageIds).sort()).toEqual([...ids].sort());
    await queue.runDue();
    expect(channel.sent).toHaveLength(n - 1);
    const flaky = await database.db
      .selectFrom("messages")
      .select(["id", "status", "attempts", "next_attempt_at"])
      .where("address", "=", "flaky")
      .executeTakeFirstOrThrow();
    expect(flaky).toMatchObject({ status: "queued", attempts: 1 });
    // Its own job, due after the backoff for its first attempt (random 0.5 of 2 s), as the message records.
    const [retry, ...rest] = await sendJobs();
    expect(rest).toEqual([]);
    expect(JSON.parse(retry!.payload)).toEqual({ messageIds: [flaky.id] });
    expect(Date.parse(retry!.run_at)).toBe(clock.now().getTime() + 1_000);
    expect(Date.parse(String(flaky.next_attempt_at))).toBe(Date.parse(retry!.run_at));
    // A job of its batch run again before then (e.g. after a lost lease) leaves it alone.
    const ctx = { id: "again", attempt: 2, signal: new AbortController().signal };
    await outbox.send({ messageIds: [flaky.id] }, ctx);
    expect(channel.sent).not.toContain("flaky");
    clock.advance(1_000);
    await queue.runDue();
    expect(channel.sent.filter((to) => to === "flaky")).toEqual(["flaky"]);
    expect(new Set(Object.values(await statuses()))).toEqual(new Set(["sent"]));
    expect(await sendJobs()).toEqual([]);
  });

  it("a send job queued before batching ({ messageId }) still sends its message, once", async () => {
    const id = await enqueue("old", 1);
    await database.db.deleteFrom("jobs").execute();
    await queue.enqueue(channelsSend, { messageId: id! });
    await queue.enqueue(channelsSend, { messageId: id! });
    await queue.runDue();
    expect(channel.sent).toEqual(["old"]);
    expect(await statuses()).toEqual({ old: "sent" });
  });

  it("an attempt that finds its message still sending (its predecessor died mid-send) fails it without resending", async () => {
    const id = await enqueue("x", 1);
    await database.db.updateTable("messages").set({ status: "sending" }).where("id", "=", id!).execute();
    await queue.runDue();
    expect(channel.sent).toEqual([]);
    const row = await database.db
      .selectFrom("messages")
      .selectAll()
      .where("id", "=", id!)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    expect(row.last_error).toMatch(/not resent/);
  });
  it("enqueueMany stores messages and their send job together, each key once; one job sends the call's messages", async () => {
    const m = (to: string, key: string) => ({
      ownerId: null,
      channel: "telegram" as const,
      address: to,
      idempotencyKey: key,
      content: { type: "text" as const, body: `to ${to}` },
    });
    await expect(
      uow.transaction(async () => {
        await outbox.enqueueMany([m("r1", "k:r1"), m("r2", "k:r2")]);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow();
    expect(await sendJobs()).toHaveLength(0);
    const ids = await outbox.enqueueMany([m("a", "k:a"), m("b", "k:b"), m("a2", "k:a"), m("c", "k:c")]);
    expect(ids.map((id) => id !== null)).toEqual([true, true, false, true]);
    const more = await outbox.enqueueMany([m("b", "k:b"), m("d", "k:d")]);
    expect(more).toEqual([null, expect.any(String)]);
    // One job per call, holding the messages that call stored (a repeated key queues nothing).
    const jobs = await sendJobs();
    expect(
      jobs.map((j) => JSON.parse(j.payload)).sort((a, b) => b.messageIds.length - a.messageIds.length),
    ).toEqual([{ messageIds: ids.filter((id) => id !== null) }, { messageIds: [more[1]] }]);
    // One of them was interrupted mid-send earlier: the batched claim fails it and sends the others.
    await database.db.updateTable("messages").set({ status: "sending" }).where("address", "=", "c").execute();
    await queue.runDue();
    expect(channel.sent.sort()).toEqual(["a", "b", "d"]);
    expect(await statuses()).toEqual({ a: "sent", b: "sent", c: "failed", d: "sent" });
    const sent = await database.db
      .selectFrom("messages")
      .select(["provider_id", "attempts"])
      .where("status", "=", "sent")
      .orderBy("address")
      .execute();
    expect(sent).toEqual([
      { provider_id: "p-a", attempts: 1 },
      { provider_id: "p-b", attempts: 1 },
      { provider_id: "p-d", attempts: 1 },
    ]);
  });
});

async function waitFor(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}
