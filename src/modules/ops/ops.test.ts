import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { newId } from "../../platform/ids.js";
import { remindersSend } from "../reminders/reminders.jobs.js";

const TOKEN = "scrape-token-0123456789";

describe.each(ENGINES)("job administration and /metrics (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let member: Client;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine, { metricsToken: TOKEN }));
    member = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  const deadJob = async () => {
    const id = newId();
    const now = t.clock.now().toISOString();
    await t.services.db
      .insertInto("jobs")
      .values({
        id,
        name: remindersSend.name,
        payload: JSON.stringify({ scheduleId: "gone", slot: "2026-01-01T00:00:00.000Z" }),
        status: "dead",
        run_at: now,
        attempts: 5,
        max_attempts: 5,
        idempotency_key: null,
        locked_by: null,
        locked_until: null,
        last_error: "boom",
        created_at: now,
        died_at: now,
      })
      .execute();
    return id;
  };

  it("counts, lists, retries and discards dead jobs; members are refused", async () => {
    const a = await deadJob();
    const b = await deadJob();
    await t.services.queue.enqueue(
      remindersSend,
      { scheduleId: "x", slot: "2026-01-01T00:00:00.000Z" },
      { delayMs: 60_000 },
    );
    const counts = await admin.request({ method: "GET", url: "/api/admin/jobs" });
    expect(counts.json()).toEqual({ waiting: 0, delayed: 1, running: 0, failed: 0, dead: 2 });
    const dead = (await admin.request({ method: "GET", url: "/api/admin/jobs/dead" })).json().items;
    expect(dead.map((d: { id: string }) => d.id).sort()).toEqual([a, b].sort());
    expect(dead[0]).toMatchObject({ name: "reminders.send", attempts: 5, error: "boom" });

    expect((await admin.request({ method: "POST", url: `/api/admin/jobs/dead/${a}/retry` })).statusCode).toBe(
      204,
    );
    expect((await admin.request({ method: "POST", url: `/api/admin/jobs/dead/${a}/retry` })).statusCode).toBe(
      404,
    );
    expect((await admin.request({ method: "DELETE", url: `/api/admin/jobs/dead/${b}` })).statusCode).toBe(
      204,
    );
    const after = (await admin.request({ method: "GET", url: "/api/admin/jobs" })).json();
    expect(after).toMatchObject({ waiting: 1, dead: 0 });

    expect((await member.request({ method: "GET", url: "/api/admin/jobs" })).statusCode).toBe(403);
    expect((await member.request({ method: "GET", url: "/api/admin/jobs/dead" })).statusCode).toBe(403);
  });

  it("serves Prometheus metrics to the METRICS_TOKEN and administrators only", async () => {
    expect((await t.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    expect((await member.request({ method: "GET", url: "/metrics" })).statusCode).toBe(403);
    const wrong = await t.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.statusCode).toBe(401);
    const byToken = await t.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(byToken.statusCode).toBe(200);
    expect(byToken.headers["content-type"]).toContain("text/plain");
    const body = (await admin.request({ method: "GET", url: "/metrics" })).body;
    expect(body).toMatch(
      /readlog_http_requests_total\{method="GET",route="\/api\/admin\/jobs",status="200"\} \d+/,
    );
    expect(body).toContain("readlog_http_request_duration_seconds_bucket");
    expect(body).toMatch(/readlog_queue_jobs\{state="waiting"\} \d+/);
    expect(body).toContain("readlog_jobs_processed_total");
    expect(body).toContain("readlog_reminders_sent_total 0");
  });

  it("counts processed and failed job attempts with their duration", async () => {
    await t.services.queue.enqueue(remindersSend, {
      scheduleId: "missing",
      slot: "2026-01-01T00:00:00.000Z",
    });
    await t.services.queue.start({ concurrency: 1 });
    const end = Date.now() + 5_000;
    while ((await t.services.queue.counts()).waiting > 0 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    await t.services.queue.stop();
    const body = await t.services.metrics.registry.metrics();
    expect(body).toMatch(/readlog_jobs_processed_total\{job="reminders.send"\} [1-9]/);
    expect(body).toMatch(/readlog_job_duration_seconds_count\{job="reminders.send"\} [1-9]/);
  });
});
