import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TG } from "../../../test/fakes/telegram.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { move, progress, readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("reminder schedules API (%s)", (engine) => {
  let t: TestApp;
  let c: Client;
  let admin: Client;

  beforeAll(async () => {
    // Telegram configured (never reached: nobody here links a chat), WhatsApp not.
    const telegram = { apiUrl: "http://127.0.0.1:9", botToken: TG.botToken, webhookSecret: TG.webhookSecret };
    const started = await appWithAdmin(engine, { telegram });
    t = started.t;
    admin = started.admin;
    t.clock.set("2026-03-07T12:00:00.000Z");
    c = await newUser(t, { admin, timezone: "America/New_York" });
  });
  afterAll(() => t.close());

  const create = (payload: object) => c.request({ method: "POST", url: "/api/schedules", payload });

  it("creates a daily schedule in the user's zone with the next fire time computed DST-correctly", async () => {
    const r = await create({ when: { daily: "02:30" } });
    expect(r.statusCode, r.body).toBe(201);
    const s = r.json();
    expect(s).toMatchObject({
      what: "pages",
      timezone: "America/New_York",
      channels: null,
      quietHours: null,
    });
    // 2026-03-08 is New York's spring-forward day: 02:30 does not exist, so 03:00 EDT.
    expect(s.nextFireAt).toBe("2026-03-08T07:00:00.000Z");
    const list = await c.request({ method: "GET", url: "/api/schedules" });
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(s.id);
  });

  it.each([
    [{ when: { rrule: "FREQ=SOMETIMES" } }, "when.rrule"],
    [{ when: { rrule: "FREQ=MINUTELY" } }, "when.rrule"],
    [{ when: { daily: "24:00" } }, "when.daily"],
    [{ when: { daily: "7:5" } }, "when.daily"],
    [{ when: { weekdays: [], at: "08:00" } }, "when.weekdays"],
    [{ when: { weekdays: [8], at: "08:00" } }, "when.weekdays"],
    [{ when: { weekdays: [1], at: "08:60" } }, "when.at"],
    [{ when: { daily: "08:00" }, timezone: "Mars/Olympus" }, "timezone"],
    [{ when: { daily: "08:00" }, quietHours: { from: "22:00", to: "22:00" } }, "quietHours"],
    [{ when: { daily: "08:00" }, quietHours: { from: "22:00", to: "25:00" } }, "quietHours.to"],
    [{ when: { daily: "08:00" }, excludeBookIds: ["nope"] }, "excludeBookIds"],
  ])("refuses %j naming %s", async (payload, field) => {
    const r = await create(payload);
    expect(r.statusCode, r.body).toBe(400);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect(r.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('accepts what: "review" (the daily review digest)', async () => {
    const r = await create({ when: { daily: "08:00" }, what: "review" });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ what: "review", timezone: "America/New_York" });
    expect((await c.request({ method: "DELETE", url: `/api/schedules/${r.json().id}` })).statusCode).toBe(
      204,
    );
  });

  it("refuses a channel this server has not configured, on create and update", async () => {
    const r = await create({ when: { daily: "08:00" }, channels: ["whatsapp"] });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().errors).toEqual([
      {
        field: "channels",
        rule: "configured",
        message: "whatsapp is not configured on this server (configured: telegram)",
      },
    ]);
    const ok = await create({ when: { daily: "08:00" }, channels: ["telegram"] });
    expect(ok.statusCode, ok.body).toBe(201);
    const patched = await c.request({
      method: "PATCH",
      url: `/api/schedules/${ok.json().id}`,
      payload: { channels: ["telegram", "whatsapp"] },
    });
    expect(patched.statusCode).toBe(400);
    expect((await c.request({ method: "DELETE", url: `/api/schedules/${ok.json().id}` })).statusCode).toBe(
      204,
    );
  });

  it("updates, snoozes, pauses, resumes and deletes", async () => {
    const s = (
      await create({ when: { weekdays: [1, 3, 5], at: "20:00" }, timezone: "Europe/Berlin" })
    ).json();
    // Saturday 7 March 12:00Z → Monday 9 March 20:00 CET.
    expect(s.nextFireAt).toBe("2026-03-09T19:00:00.000Z");
    const patched = await c.request({
      method: "PATCH",
      url: `/api/schedules/${s.id}`,
      payload: { quietHours: { from: "19:30", to: "07:00" }, channels: ["telegram"] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().nextFireAt).toBe("2026-03-10T06:00:00.000Z"); // moved to 07:00 CET
    expect(patched.json().channels).toEqual(["telegram"]);

    const snoozed = await c.request({
      method: "POST",
      url: `/api/schedules/${s.id}/snooze`,
      payload: { minutes: 30 },
    });
    expect(snoozed.json().nextFireAt).toBe("2026-03-07T12:30:00.000Z");

    const paused = await c.request({
      method: "POST",
      url: `/api/schedules/${s.id}/pause`,
      payload: { days: 3 },
    });
    expect(paused.json().pausedUntil).toBe("2026-03-10T12:00:00.000Z");
    expect(paused.json().nextFireAt).toBe("2026-03-12T06:00:00.000Z"); // Wed 20:00 → quiet → Thu 07:00

    const forever = await c.request({ method: "POST", url: `/api/schedules/${s.id}/pause`, payload: {} });
    expect(forever.json().nextFireAt).toBeNull();

    const resumed = await c.request({ method: "POST", url: `/api/schedules/${s.id}/resume` });
    expect(resumed.json()).toMatchObject({ pausedUntil: null, nextFireAt: "2026-03-10T06:00:00.000Z" });

    const bad = await c.request({
      method: "POST",
      url: `/api/schedules/${s.id}/pause`,
      payload: { until: "2020-01-01T00:00:00Z" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("until");

    expect((await c.request({ method: "DELETE", url: `/api/schedules/${s.id}` })).statusCode).toBe(204);
    expect((await c.request({ method: "DELETE", url: `/api/schedules/${s.id}` })).statusCode).toBe(404);
  });

  it("text commands snooze, pause and resume the sender's reminders", async () => {
    const text = async (body: string) =>
      (await c.request({ method: "POST", url: "/api/text", payload: { text: body } })).json().reply as string;
    expect(await text("snooze 1h")).toMatch(/ask again in 1 hour/);
    expect(await text("pause reminders 3d")).toMatch(/paused for 3 days/);
    const all = (await c.request({ method: "GET", url: "/api/schedules" })).json().items;
    expect(all.every((s: { pausedUntil: string }) => s.pausedUntil === "2026-03-10T12:00:00.000Z")).toBe(
      true,
    );
    expect(await text("resume")).toMatch(/back on/);
    const after = (await c.request({ method: "GET", url: "/api/schedules" })).json().items;
    expect(after.every((s: { pausedUntil: string | null }) => s.pausedUntil === null)).toBe(true);
  });
  it("the job's book list: books being read with their last logged page, nobody else's", async () => {
    const other = await newUser(t, { admin });
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    await readingBook(c, { title: "Emma", totalPages: 300 });
    const done = await readingBook(c, { title: "Ulysses" });
    await readingBook(other, { title: "Someone else's" });
    for (const page of [50, 80]) expect((await progress(c, dune.id, { page })).statusCode).toBe(201);
    expect((await move(c, done.id, "finished")).statusCode).toBe(200);
    const books = await t.services.remindersRepo.readingBooks(c.userId);
    expect(books.map((b) => [b.title, b.totalPages, b.lastPage]).sort()).toEqual([
      ["Dune", 412, 80],
      ["Emma", 300, null],
    ]);
  });
});
