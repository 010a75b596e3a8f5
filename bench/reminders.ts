// `npm run bench -- reminders`: 10,000 reminders due at the same instant on a SQLite file. The scheduler,
// 16 job workers and the outbox run in this process as `readlog serve` runs them, and deliver to the
// loopback fake of the WhatsApp Graph API (also in this process, so it shares the one CPU thread). Lag =
// when the fake accepted a message − when it was due. Goal: all sent within 10 s. BENCH_REMINDERS overrides
// the count. (Worker processes of their own on the same SQLite file were slower: writers contend for the lock.)
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { assemble } from "../src/app/assemble.js";
import { loadConfig } from "../src/config.js";
import { Scheduler } from "../src/modules/reminders/scheduler.js";
import { newId } from "../src/platform/ids.js";
import { FakeWhatsAppGraph, waEnv } from "../test/fakes/whatsapp.js";

const N = Number(process.env.BENCH_REMINDERS ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_PROVIDER_LATENCY_MS ?? 0);

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

export default async function bench() {
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-reminders-"));
  const graph = await new FakeWhatsAppGraph().start();
  const accepted = new Map<string, number>();
  const origRoute = (graph as unknown as { route: (...a: unknown[]) => boolean }).route.bind(graph);
  const accept = (...a: unknown[]) => {
    const before = graph.sends.length;
    const r = origRoute(...a);
    const s = graph.sends[before];
    if (s) accepted.set(s.to, Date.now());
    return r;
  };
  // BENCH_PROVIDER_LATENCY_MS: the fake answers this much later, like a provider across the internet.
  (graph as unknown as { route: (...a: unknown[]) => boolean | Promise<boolean> }).route =
    LATENCY_MS > 0
      ? (...a: unknown[]) => new Promise((r) => setTimeout(() => r(accept(...a)), LATENCY_MS))
      : accept;
  const env = {
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    ...waEnv(graph.url),
  };
  const config = loadConfig(env);
  const app = await assemble(config);
  const services = app.services;
  const db = app.database.db;
  const setupStart = Date.now();
  const now = new Date().toISOString();
  const dueAt = new Date(Date.now() + 60_000); // placeholder, moved to "now + 1 s" once set up
  const chunk = 500;
  for (let i = 0; i < N; i += chunk) {
    const ids = Array.from({ length: Math.min(chunk, N - i) }, (_, k) => ({ n: i + k, id: newId() }));
    await db.transaction().execute(async (tx: typeof db) => {
      await tx
        .insertInto("users")
        .values(
          ids.map(({ n, id }) => ({
            id,
            email: `r${n}@example.com`,
            name: `R${n}`,
            password_hash: "x",
            role: "member" as const,
            timezone: "UTC",
            created_at: now,
            disabled_at: null,
          })),
        )
        .execute();
      await tx
        .insertInto("channel_links")
        .values(
          ids.map(({ n, id }) => ({
            id: newId(),
            owner_id: id,
            kind: "whatsapp" as const,
            address: String(60_100_000_000 + n),
            user_key: null,
            display: null,
            verified_at: now,
            last_inbound_at: now,
          })),
        )
        .execute();
      await tx
        .insertInto("books")
        .values(
          ids.map(({ id }) => ({
            id: newId(),
            owner_id: id,
            title: "Dune",
            authors: "[]",
            isbn10: null,
            isbn13: null,
            total_pages: 412,
            cover_url: null,
            metadata_source: null,
            status: "reading" as const,
            current_reading_id: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await tx
        .insertInto("schedules")
        .values(
          ids.map(({ id }) => ({
            id: newId(),
            owner_id: id,
            what: "pages" as const,
            when_rule: JSON.stringify({ daily: "08:00" }),
            timezone: "UTC",
            channels: null,
            quiet_from: null,
            quiet_to: null,
            exclude_book_ids: "[]",
            paused_until: null,
            next_slot_at: dueAt.toISOString(),
            next_fire_at: dueAt.toISOString(),
            last_slot_at: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    });
  }
  const setupMs = Date.now() - setupStart;

  const scheduler = new Scheduler(
    { uow: app.uow, repo: services.remindersRepo, queue: app.queue, clock: app.clock },
    { tickMs: 200 },
  );
  const due = new Date(Math.ceil((Date.now() + 1_000) / 1000) * 1000);
  await db
    .updateTable("schedules")
    .set({ next_slot_at: due.toISOString(), next_fire_at: due.toISOString() })
    .execute();
  const cpuBefore = process.cpuUsage();
  // As `readlog serve` runs it (WORKER_CONCURRENCY).
  await app.queue.start({ concurrency: config.workerConcurrency });
  await app.relay.start();
  scheduler.start();
  const phases: Record<string, number> = {};
  // Phase marks, cheaply (every 250 ms, two count queries) so watching does not slow the run down.
  const watch = setInterval(async () => {
    const c = await app.queue.counts();
    const at = Date.now() - due.getTime();
    if (!phases.scheduled && c.waiting + c.running > 0) phases.scheduled = -1;
    if (phases.scheduled === -1) {
      const left = await db
        .selectFrom("schedules")
        .select("id")
        .where("next_fire_at", "<=", due.toISOString())
        .limit(1)
        .execute();
      if (left.length === 0) phases.scheduled = at;
    }
    if (phases.scheduled && phases.scheduled > 0 && !phases.jobsDone && c.waiting + c.running === 0)
      phases.jobsDone = at;
    if (!phases.queued) {
      const m = await db.selectFrom("messages").select(db.fn.countAll<number>().as("n")).executeTakeFirst();
      if (Number(m?.n ?? 0) >= N) phases.queued = at;
    }
  }, 250);
  const deadline = due.getTime() + 120_000;
  while (accepted.size < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const doneAt = Date.now();
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(watch);
  await scheduler.stop();
  await app.queue.stop();
  const lags = [...accepted.values()].map((t) => t - due.getTime()).sort((a, b) => a - b);
  const messages = await db
    .selectFrom("messages")
    .select(db.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  await app.close();
  await graph.stop();
  rmSync(dir, { recursive: true, force: true });
  const figures = {
    reminders: N,
    providerLatencyMs: LATENCY_MS,
    sent: accepted.size,
    providerCalls: graph.sends.length,
    outboxRows: Number(messages?.n ?? 0),
    setupMs,
    allSentAfterMs: doneAt - due.getTime(),
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
    lagMaxMs: lags.at(-1) ?? null,
    allEnqueuedAfterMs: phases.scheduled ?? null,
    // Marks are seen at the watcher's next 250 ms tick; null: not seen before the last send.
    allJobsDoneAfterMs: phases.jobsDone ?? null,
    allOutboxRowsAfterMs: phases.queued ?? null,
    // CPU time of this process (server side and fake alike) from start to the last send: less sensitive to
    // other load on the machine than the wall-clock figures.
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    goalAllWithin10s: accepted.size === N && (lags.at(-1) ?? Infinity) <= 10_000,
  };
  console.log(figures);
  return figures;
}
