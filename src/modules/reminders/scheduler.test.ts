import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramApi, TG } from "../../../test/fakes/telegram.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";
import { newId } from "../../platform/ids.js";
import { remindersSend } from "./reminders.jobs.js";
import { Scheduler } from "./scheduler.js";

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

  const scheduler = (holder: string) => {
    const s = new Scheduler(
      { db: t.services.db, repo: t.services.remindersRepo, queue: t.services.queue, clock: t.clock },
      { holder },
    );
    schedulers.push(s);
    return s;
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
    await t.services.queue.start({ concurrency: 1 });
    await waitFor(async () => (await jobs()).length === 0);
    await t.services.queue.enqueue(remindersSend, { scheduleId: s.id, slot });
    await waitFor(async () => (await jobs()).length === 0);
    await t.services.queue.stop();
    await t.services.outbox.flush();
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
});

async function waitFor(ok: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
