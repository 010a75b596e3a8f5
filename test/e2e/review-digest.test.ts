import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Scheduler } from "../../src/modules/reminders/scheduler.js";
import { addDays, localDateOf } from "../../src/platform/local-date.js";
import { FakeWhatsAppGraph, type Poster, WhatsAppWebhookSender, waConfig } from "../fakes/whatsapp.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../support/app.js";
import { addBook } from "../support/books.js";
import { ENGINES } from "../support/engines.js";

const ZONE = "Europe/Berlin";
const TITLES = ["Dune", "Emma", "Ulysses"];
/** Each book's grades by review number (1-based); unlisted reviews answer 3 (good). */
const AGAIN_AT: Record<string, number> = { Emma: 3 };

describe.each(ENGINES)("daily review digest over WhatsApp, a simulated month (%s)", (engine) => {
  let t: TestApp;
  let graph: FakeWhatsAppGraph;
  let wa: WhatsAppWebhookSender;

  beforeAll(async () => {
    graph = await new FakeWhatsAppGraph().start();
    const started = await appWithAdmin(engine, {
      whatsapp: waConfig(graph.url),
    });
    t = started.t;
    t.clock.set("2026-04-01T10:00:00.000Z");
    const post: Poster = async (url, payload, headers) => {
      const r = await t.app.inject({ method: "POST", url, payload, headers });
      return { status: r.statusCode, body: r.body };
    };
    wa = new WhatsAppWebhookSender(post, () => t.clock.now());
    admin = started.admin;
  });
  let admin: Client;
  afterAll(async () => {
    await t.close();
    await graph.stop();
  });

  const cards = (ownerId: string) =>
    t.services.db.selectFrom("review_cards").selectAll().where("owner_id", "=", ownerId).execute();

  it("sends one digest a day with cards due, none without; grades by reply; intervals follow the grades", async () => {
    const c = await newUser(t, { admin, timezone: ZONE });
    const phone = "60173529999";
    const link = await c.request({
      method: "POST",
      url: "/api/channels",
      payload: { kind: "whatsapp", phone },
    });
    expect(link.statusCode, link.body).toBe(201);
    expect((await wa.sendText(phone, link.json().send)).res.status).toBe(200);
    await t.settle();
    const toPhone = () => graph.sends.filter((s) => s.to === phone);
    expect(toPhone().at(-1)?.text).toMatch(/^Linked!/);

    const books = new Map<string, string>();
    for (const title of TITLES) books.set((await addBook(c, { title, status: "finished" })).id, title);
    await t.settle(); // each finished book's card comes from its reading.finished event
    const titleOf = new Map((await cards(c.userId)).map((k) => [k.id, books.get(k.book_id)!]));
    expect(titleOf.size).toBe(3);

    const s = await c.request({
      method: "POST",
      url: "/api/schedules",
      payload: { what: "review", when: { daily: "08:00" } },
    });
    expect(s.statusCode, s.body).toBe(201);
    expect(s.json()).toMatchObject({ what: "review", timezone: ZONE });

    const scheduler = new Scheduler(
      { uow: t.services.uow, repo: t.services.remindersRepo, queue: t.services.queue, clock: t.clock },
      { holder: "digest-test" },
    );
    const replies: { title: string; grade: number; day: string }[] = [];
    let digestDays = 0;
    let quietDays = 0;
    try {
      for (let d = 1; d <= 30; d++) {
        // 08:00:30 in Berlin on day d (CEST: UTC+2).
        t.clock.set(new Date(Date.parse("2026-04-01T06:00:30.000Z") + d * 86_400_000).toISOString());
        const today = localDateOf(t.clock.now(), ZONE);
        const dueNow = (await cards(c.userId)).filter((k) => k.due_on <= today).length;
        const before = toPhone().length;
        expect(await scheduler.tick(), `day ${d}: one job per day`).toBe(1);
        await t.settle();
        const sent = toPhone().slice(before);
        if (dueNow === 0) {
          expect(sent, `day ${d} (${today}): nothing due, nothing sent`).toEqual([]);
          quietDays++;
          continue;
        }
        expect(sent, `day ${d} (${today}): one digest`).toHaveLength(1);
        digestDays++;
        // Outside WhatsApp's 24-hour window the digest goes as the template with the text as its parameter.
        let text = sent[0]!.text ?? sent[0]!.param ?? "";
        expect(text).toContain(`Review time: ${dueNow} card${dueNow === 1 ? "" : "s"} due today.`);
        expect(text).toMatch(/Reply 1 again, 2 hard, 3 good, 4 easy — or skip, later, stop\./);
        // Grade every card shown until the session ends.
        for (let n = 0; n < dueNow; n++) {
          const title = /What do you remember of (\w+)\?/.exec(text)?.[1];
          expect(title, text).toBeDefined();
          const reviewsSoFar = replies.filter((r) => r.title === title).length;
          const grade = AGAIN_AT[title!] === reviewsSoFar + 1 ? 1 : 3;
          const n0 = toPhone().length;
          const { res } = await wa.sendText(phone, String(grade));
          expect(res.status, res.body).toBe(200);
          await t.settle();
          expect(toPhone()).toHaveLength(n0 + 1);
          replies.push({ title: title!, grade, day: today });
          text = toPhone().at(-1)!.text ?? "";
          expect(text).toMatch(/^(Again|Good) — next review /);
        }
        expect(text).toContain("That was the last card due today.");
      }
    } finally {
      await scheduler.stop();
    }
    expect(digestDays).toBeGreaterThanOrEqual(4);
    expect(quietDays).toBeGreaterThanOrEqual(10);

    // The review log is the replies, in order, from WhatsApp.
    const logs = await t.services.db
      .selectFrom("review_logs")
      .selectAll()
      .where("owner_id", "=", c.userId)
      .orderBy("reviewed_at")
      .orderBy("id")
      .execute();
    expect(logs.map((l) => ({ title: titleOf.get(l.card_id)!, grade: l.grade, day: l.local_date }))).toEqual(
      replies,
    );
    expect(logs.every((l) => l.source === "whatsapp")).toBe(true);

    // Intervals grow with good answers and shrink after again.
    for (const [id, title] of titleOf) {
      const own = logs.filter((l) => l.card_id === id);
      const days = own.map((l) => l.scheduled_days);
      expect(own.length, title).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < own.length; i++) {
        const where = `${title}: review ${i + 1} of ${days.join(",")}`;
        if (own[i]!.grade === 1) expect(days[i]!, where).toBeLessThan(days[i - 1]!);
        else if (own[i - 1]!.grade !== 1) expect(days[i]!, where).toBeGreaterThan(days[i - 1]!);
      }
      // Each review came on the day the previous one set.
      for (let i = 1; i < own.length; i++)
        expect(own[i]!.local_date, title).toBe(addDays(own[i - 1]!.local_date, days[i - 1]!));
    }
    expect(logs.some((l) => l.grade === 1)).toBe(true);
  });
});
