import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramApi, TG } from "../../../test/fakes/telegram.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";
import { newId } from "../../platform/ids.js";
import { SqlQueue } from "../../platform/queue/sql-queue.js";
import { reminderHandler, remindersSend } from "./reminders.jobs.js";
import type { RemindersRepo } from "./reminders.repo.js";
import { Scheduler } from "./scheduler.js";

type Log = { info(obj: object, msg: string): void; error(obj: object, msg: string): void };

describe.each(ENGINES)("reminder scheduler (%s)", (engine) => {
  let t: TestApp;
  let c: Client;
  let telegram: FakeTelegramApi;
  const schedulers: Scheduler[] = [];

  beforeAll(async () => {
    telegram = await new FakeTelegramApi().start();
    const started = await appWithAdmin(engine, {
      telegram: { apiUrl: telegram.url, botToken: TG.botToken, webhookSecret: TG.webhookSecret },
    });
    t = started.t;
    t.clock.set("2026-03-01T06:00:00.000Z");
    c = await newUser(t, { admin: started.admin, timezone: "UTC" });
    await t.services.db
      .insertInto("channel_links")
      .values({
        id: newId(),
        owner_id: c.userId,
        kind: "telegram",
        address: "4242",
        user_key: null,
        display: null,
        verified_at: t.clock.now().toISOString(),
        last_inbound_at: null,
      })
      .execute();
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
    await t.services.db.deleteFrom("leases").execute();
    await t.services.db.deleteFrom("schedules").execute();
    await t.services.db.deleteFrom("jobs").execute();
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
  });

  const scheduler = (holder: string, opts: { batch?: number; repo?: RemindersRepo; log?: Log } = {}) => {
    const s = new Scheduler(
      {
        uow: t.services.uow,
        repo: opts.repo ?? t.services.remindersRepo,
        queue: t.services.queue,
        clock: t.clock,
        ...(opts.log ? { log: opts.log } : {}),
      },
      { holder, ...(opts.batch ? { batch: opts.batch } : {}) },
    );
    schedulers.push(s);
    return s;
  };
  /** Runs the queued reminders.send jobs and the sends they queue; returns the Telegram sends since. */
  const runJobs = async () => {
    const before = telegram.sends.length;
    await t.settle();
    return telegram.sends.slice(before);
  };
  /** The reminders queued in the outbox for these schedules, by idempotency key. */
  const outboxKeys = async (scheduleIds: string[]) =>
    (
      await t.services.db
        .selectFrom("messages")
        .select("idempotency_key")
        .where("direction", "=", "out")
        .execute()
    )
      .map((m) => m.idempotency_key ?? "")
      .filter((k) => scheduleIds.some((id) => k.startsWith(`reminder:${id}:`)))
      .sort();
  /** The one reading book the prompts ask about (the first test that needs it creates it). */
  const ensureReadingBook = async () => {
    const mine = await t.services.db
      .selectFrom("books")
      .select("id")
      .where("owner_id", "=", c.userId)
      .where("status", "=", "reading")
      .execute();
    if (mine.length === 0) await readingBook(c, { title: "Dune", totalPages: 412 });
  };
  const jobs = () =>
    t.services.db
      .selectFrom("jobs")
      .select(["payload", "run_at"])
      .where("name", "=", remindersSend.name)
      .execute();
  const schedule = async (when: object) => {
    const r = await c.request({ method: "POST", url: "/api/schedules", payload: { when } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };

  it("only one scheduler acts; when the holder stops renewing, the other takes over within 30 s", async () => {
    t.clock.set("2026-03-01T06:59:50.000Z");
    const a = scheduler("a");
    const b = scheduler("b");
    await a.tick();
    await b.tick();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);

    const s = await schedule({ daily: "07:00" });
    t.clock.advance(15_000);
    expect(await b.tick()).toBe(0);
    expect(await a.tick()).toBe(1);
    expect((await jobs()).map((j) => JSON.parse(j.payload))).toEqual([
      { scheduleId: s.id, slot: "2026-03-01T07:00:00.000Z" },
    ]);

    // a renews every 10 s while alive.
    t.clock.advance(10_000);
    await a.tick();
    t.clock.advance(10_000);
    await b.tick();
    expect(b.isLeader).toBe(false);

    // a is killed (stops renewing). b cannot act before the lease expires, and does within 30 s.
    t.clock.advance(15_000);
    await b.tick();
    expect(b.isLeader).toBe(false);
    t.clock.advance(15_000);
    await b.tick();
    expect(b.isLeader).toBe(true);
    // a comes back: it renews against b's lease, loses, and does nothing.
    t.clock.set("2026-03-02T07:00:01.000Z");
    await b.tick();
    expect(await a.tick()).toBe(0);
    expect(a.isLeader).toBe(false);
    expect((await jobs()).length).toBe(2);
  });

  it("after downtime each schedule fires once, for its latest missed slot, then moves on", async () => {
    const s = await schedule({ daily: "07:00" });
    const hourly = await schedule({ rrule: "FREQ=HOURLY;BYMINUTE=15" });
    t.clock.set("2026-03-05T09:30:00.000Z"); // four days down
    const a = scheduler("a");
    expect(await a.tick()).toBe(2);
    const payloads = (await jobs()).map((j) => JSON.parse(j.payload));
    expect(payloads).toContainEqual({ scheduleId: s.id, slot: "2026-03-05T07:00:00.000Z" });
    expect(payloads).toContainEqual({ scheduleId: hourly.id, slot: "2026-03-05T09:15:00.000Z" });
    expect(await a.tick()).toBe(0);
    const after = (await c.request({ method: "GET", url: "/api/schedules" })).json().items;
    expect(after.map((x: { nextFireAt: string }) => x.nextFireAt).sort()).toEqual([
      "2026-03-05T10:15:00.000Z",
      "2026-03-06T07:00:00.000Z",
    ]);
  });

  it("the reminders.send job asks for pages on the linked channel, once per slot, even when retried", async () => {
    const book = await readingBook(c, { title: "Dune", totalPages: 412 });
    await c.request({ method: "POST", url: `/api/books/${book.id}/progress`, payload: { page: 120 } });
    const s = await schedule({ daily: "07:00" });
    const before = telegram.sends.length;
    const slot = "2026-03-06T07:00:00.000Z";
    const handler = async () => {
      // Runs the registered handler the way a worker does, twice (a retry after a crash).
      await t.services.queue.enqueue(remindersSend, { scheduleId: s.id, slot }, { idempotencyKey: "x" });
    };
    await handler();
    await t.settle();
    await t.services.queue.enqueue(remindersSend, { scheduleId: s.id, slot });
    await t.settle();
    const sent = telegram.sends.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chatId).toBe("4242");
    expect(sent[0]!.text).toContain("Dune: p.120 of 412");
    expect(sent[0]!.text).toContain('Reply with the page, e.g. "130"');
    // A bare number in reply now means Dune.
    const conv = await t.services.db
      .selectFrom("conversations")
      .select("last_book_id")
      .where("conversation_key", "=", "telegram:4242")
      .executeTakeFirst();
    expect(conv?.last_book_id).toBe(book.id);
  });

  it("takes due schedules a batch at a time: more than one batch fires in one round, each once", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await schedule({ daily: "07:00" })).id);
    t.clock.set("2026-03-07T07:00:30.000Z");
    const a = scheduler("a", { batch: 3 });
    expect(await a.tick()).toBe(7);
    const payloads = (await jobs()).map((j) => JSON.parse(j.payload));
    expect(payloads.map((p) => p.scheduleId).sort()).toEqual([...ids].sort());
    expect(new Set(payloads.map((p) => p.slot))).toEqual(new Set(["2026-03-07T07:00:00.000Z"]));
    const rows = await t.services.db.selectFrom("schedules").selectAll().execute();
    expect(new Set(rows.map((r) => r.next_fire_at))).toEqual(new Set(["2026-03-08T07:00:00.000Z"]));
    expect(new Set(rows.map((r) => r.last_slot_at))).toEqual(new Set(["2026-03-07T07:00:00.000Z"]));
    expect(await a.tick()).toBe(0);
    expect(await jobs()).toHaveLength(7);
  });

  it("a crash while advancing a batch: its jobs roll back with it, none twice, each reminder sent once", async () => {
    await ensureReadingBook();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await schedule({ daily: "07:00" })).id);
    t.clock.set("2026-03-08T07:00:05.000Z");
    // The process dies while the schedules move on: the batch's jobs were enqueued in the same transaction.
    const crashing = Object.create(t.services.remindersRepo) as RemindersRepo;
    crashing.advanceMany = async () => {
      throw new Error("killed");
    };
    await expect(scheduler("a", { repo: crashing, batch: 2 }).tick()).rejects.toThrow("killed");
    expect(await jobs()).toHaveLength(0);
    // Restarted: the same batch again, then the rest.
    t.clock.advance(40_000);
    expect(await scheduler("b", { batch: 2 }).tick()).toBe(5);
    expect(await jobs()).toHaveLength(5);
    const sent = await runJobs();
    expect(sent).toHaveLength(5);
    expect(await outboxKeys(ids)).toEqual(
      ids.map((id) => `reminder:${id}:2026-03-08T07:00:00.000Z:telegram`).sort(),
    );
  });

  it("after a crash before advancing and downtime past the next slot, only the newest slot is sent", async () => {
    await ensureReadingBook();
    const s = await schedule({ daily: "07:00" });
    t.clock.set("2026-03-09T07:00:05.000Z");
    const crashing = Object.create(t.services.remindersRepo) as RemindersRepo;
    crashing.advanceMany = async () => {
      throw new Error("killed");
    };
    await expect(scheduler("a", { repo: crashing }).tick()).rejects.toThrow("killed");
    // Down for a day: the restarted scheduler fires the newest slot only (the crashed round left no job).
    t.clock.set("2026-03-10T09:30:00.000Z");
    expect(await scheduler("b").tick()).toBe(1);
    expect((await jobs()).map((j) => JSON.parse(j.payload).slot).sort()).toEqual([
      "2026-03-10T07:00:00.000Z",
    ]);
    const sent = await runJobs();
    expect(sent).toHaveLength(1);
    expect(await outboxKeys([s.id])).toEqual([`reminder:${s.id}:2026-03-10T07:00:00.000Z:telegram`]);
  });

  it("the same slot run twice at once (two jobs) queues one message; a pause after enqueueing sends none", async () => {
    await ensureReadingBook();
    const s = await schedule({ daily: "07:00" });
    const paused = await schedule({ daily: "07:00" });
    t.clock.set("2026-03-11T07:00:01.000Z");
    expect(await scheduler("a").tick()).toBe(2);
    // A second job for the same slot (as if enqueued again after the first one's key was freed).
    const slot = "2026-03-11T07:00:00.000Z";
    await t.services.queue.enqueue(remindersSend, { scheduleId: s.id, slot }, { idempotencyKey: "again" });
    const r = await c.request({
      method: "POST",
      url: `/api/schedules/${paused.id}/pause`,
      payload: { days: 1 },
    });
    expect(r.statusCode, r.body).toBe(200);
    const sent = await runJobs();
    expect(sent).toHaveLength(1);
    expect(await outboxKeys([s.id, paused.id])).toEqual([`reminder:${s.id}:${slot}:telegram`]);
  });

  it("a worker killed mid-batch (some messages queued, no job finished): the jobs run again, each sends once", async () => {
    await ensureReadingBook();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await schedule({ daily: "07:00" })).id);
    t.clock.set("2026-03-13T07:00:01.000Z");
    const before = telegram.sends.length;
    expect(await scheduler("a").tick()).toBe(6);
    // Another process takes the jobs; after queueing three messages its handlers hang, then it is killed.
    const doomed = new SqlQueue(t.services.uow, { clock: t.clock, pollIntervalMs: 10 });
    const s = t.services;
    const real = reminderHandler({
      uow: s.uow,
      repo: s.remindersRepo,
      users: s.users,
      channels: s.channels,
      links: s.channelsRepo,
      outbox: s.outbox,
      text: s.text,
      clock: t.clock,
      sent: { inc() {} },
    });
    let handled = 0;
    let queued = 0;
    doomed.handle(remindersSend, async (payload, ctx) => {
      if (handled++ < 3) {
        await real(payload, ctx);
        queued++;
      }
      await new Promise(() => {});
    });
    await doomed.start({ concurrency: 6 });
    await waitFor(async () => handled === 6 && queued === 3);
    await doomed.crash();
    expect(await outboxKeys(ids)).toHaveLength(3);
    await t.settle();
    // Their leases run out (job timeout + margin); this process's workers take the jobs back.
    t.clock.advance(remindersSend.policy.timeoutMs + 31_000);
    await runJobs();
    expect(await outboxKeys(ids)).toEqual(
      ids.map((id) => `reminder:${id}:2026-03-13T07:00:00.000Z:telegram`).sort(),
    );
    // The three queued before the kill went out once (from this process's outbox), the rest once after.
    expect(telegram.sends.length - before).toBe(6);
  });

  it("a schedule that cannot be planned is logged and skipped; the others still fire", async () => {
    const good = await schedule({ daily: "07:00" });
    const broken = await schedule({ daily: "07:00" });
    await t.services.db
      .updateTable("schedules")
      .set({ when_rule: "{not json" })
      .where("id", "=", broken.id)
      .execute();
    t.clock.set("2026-03-15T07:00:01.000Z");
    const errors: object[] = [];
    const a = scheduler("a", { log: { info: () => {}, error: (obj) => errors.push(obj) } });
    expect(await a.tick()).toBe(1);
    expect((await jobs()).map((j) => JSON.parse(j.payload).scheduleId)).toEqual([good.id]);
    expect(errors).toEqual([expect.objectContaining({ scheduleId: broken.id })]);
  });

  it("advancing a batch skips a schedule its owner changed since it was read: the edit wins", async () => {
    const kept = await schedule({ daily: "07:00" });
    const edited = await schedule({ daily: "07:00" });
    t.clock.set("2026-03-16T07:00:30.000Z");
    const rows = await t.services.remindersRepo.due(t.clock.now().toISOString(), 10);
    expect(rows.map((r) => r.id).sort()).toEqual([kept.id, edited.id].sort());
    t.clock.advance(1_000);
    const r = await c.request({
      method: "PATCH",
      url: `/api/schedules/${edited.id}`,
      payload: { when: { daily: "09:00" } },
    });
    expect(r.statusCode, r.body).toBe(200);
    const moved = await t.services.remindersRepo.advanceMany(
      rows.map((row) => ({
        row,
        next_slot_at: "2026-03-17T07:00:00.000Z",
        next_fire_at: "2026-03-17T07:00:00.000Z",
        last_slot_at: "2026-03-16T07:00:00.000Z",
        updated_at: t.clock.now().toISOString(),
      })),
    );
    expect(moved).toBe(1);
    const after = await t.services.db.selectFrom("schedules").selectAll().orderBy("id").execute();
    const byId = new Map(after.map((a) => [a.id, a]));
    expect(byId.get(kept.id)).toMatchObject({
      next_fire_at: "2026-03-17T07:00:00.000Z",
      last_slot_at: "2026-03-16T07:00:00.000Z",
    });
    expect(byId.get(edited.id)).toMatchObject({
      next_fire_at: "2026-03-16T09:00:00.000Z",
      last_slot_at: null,
    });
  });
});

async function waitFor(ok: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
