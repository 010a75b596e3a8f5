import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, inject, it } from "vitest";
import { freshDatabase, migratedDatabase } from "../../../test/support/engines.js";
import { allMigrations } from "../../app/migrations.js";
import { systemClock } from "../../platform/clock.js";
import { openDatabase } from "../../platform/db/database.js";
import { migrateToLatest } from "../../platform/db/migrate.js";
import { UnitOfWork } from "../../platform/db/unit-of-work.js";
import type { Leases } from "../../platform/leases/leases.js";
import { RedisLeases } from "../../platform/leases/redis-leases.js";
import { SqlLeases } from "../../platform/leases/sql-leases.js";
import { SharedHostGate } from "./host-gate.js";

const redisUrl = inject("redisUrl");
const pgUrl = inject("pgUrl");
if (!redisUrl || !pgUrl)
  console.log(
    "[readlog] politeness across processes: set TEST_REDIS_URL and TEST_DATABASE_URL to run it on those engines",
  );

const CONCURRENCY = 2;
const DELAY_MS = 150;

/** Where the worker processes meet: a Redis key prefix, or a migrated PostgreSQL schema. */
async function meetingPlace(engine: "redis" | "postgres"): Promise<{ url: string; prefix: string }> {
  const prefix = `t${randomBytes(5).toString("hex")}`;
  if (engine === "redis") return { url: String(redisUrl), prefix };
  const cfg = await freshDatabase("postgres");
  const database = openDatabase({ database: cfg });
  await migrateToLatest(database, allMigrations());
  await database.close();
  return { url: (cfg as { url: string }).url, prefix };
}

function worker(engine: string, place: { url: string; prefix: string }, turns: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/host-gate-worker.ts"], {
    env: {
      ...process.env,
      GATE_ENGINE: engine,
      GATE_URL: place.url,
      GATE_PREFIX: place.prefix,
      GATE_TURNS: String(turns),
      GATE_CONCURRENCY: String(CONCURRENCY),
      GATE_DELAY_MS: String(DELAY_MS),
      GATE_HOLD_MS: "30000",
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const next = () => new Promise<string>((resolve) => lines.once("line", resolve));
  return { child, next };
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill();
});

describe.each([
  ["redis", !redisUrl],
  ["postgres", !pgUrl],
] as const)("politeness towards a site across worker processes on %s", (engine, skip) => {
  it.skipIf(skip)(
    "three processes never exceed the per-site limit together, and their starts keep the delay",
    async () => {
      const place = await meetingPlace(engine);
      const workers = [0, 1, 2].map(() => worker(engine, place, 4));
      for (const w of workers) children.push(w.child);
      // Every process connected and waiting, then all start at once.
      expect(await Promise.all(workers.map((w) => w.next()))).toEqual(["ready", "ready", "ready"]);
      const results = workers.map((w) => w.next());
      for (const w of workers) w.child.stdin?.write("go\n");
      const turns = (await Promise.all(results)).flatMap((line) => JSON.parse(line) as number[][]);
      expect(turns).toHaveLength(12);
      // At no instant more than CONCURRENCY turns at the site (a turn starts after a slot was given back).
      const edges = turns.flatMap(([s, e]) => [
        [s as number, 1],
        [e as number, -1],
      ]);
      edges.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
      let active = 0;
      let most = 0;
      for (const [, d] of edges) {
        active += d as number;
        most = Math.max(most, active);
      }
      expect(most).toBeLessThanOrEqual(CONCURRENCY);
      // Starts are spaced by the delay. A start is recorded when its process hears it got the lease, so a
      // gap may look shorter than the delay by one round trip; three gates of their own would start together.
      const starts = turns.map(([s]) => s as number).sort((a, b) => a - b);
      const gaps = starts.slice(1).map((s, i) => s - (starts[i] as number));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DELAY_MS / 2);
    },
    120_000,
  );
});

/** Leases on every engine this run has: SQLite always, PostgreSQL and Redis when configured. */
async function leaseStores(): Promise<
  Array<[string, () => Promise<{ leases: Leases; close(): Promise<void> }>]>
> {
  const sql = (engine: "sqlite" | "postgres") => async () => {
    const database = await migratedDatabase(engine);
    const leases = new SqlLeases(new UnitOfWork(database.db, engine), systemClock, "links.host:");
    return { leases, close: () => database.close() };
  };
  const out: Array<[string, () => Promise<{ leases: Leases; close(): Promise<void> }>]> = [
    ["sqlite", sql("sqlite")],
  ];
  if (pgUrl) out.push(["postgres", sql("postgres")]);
  if (redisUrl)
    out.push([
      "redis",
      async () => {
        const leases = new RedisLeases({ url: redisUrl, prefix: `t${randomBytes(5).toString("hex")}` });
        return { leases, close: () => leases.close() };
      },
    ]);
  return out;
}

describe.each(await leaseStores())("SharedHostGate on %s leases", (_engine, open) => {
  it("frees the slot of a holder that died once its hold time has passed", async () => {
    const { leases, close } = await open();
    const gate = (holdMs: number) => new SharedHostGate({ leases, concurrency: 1, delayMs: 0, holdMs });
    // The first "process" takes the only slot and never gives it back.
    await gate(300).acquire("dead.example");
    const release = await gate(300).acquire("dead.example");
    release();
    await close();
  });

  it("gives up waiting when the job is aborted, and serves other sites meanwhile", async () => {
    const { leases, close } = await open();
    const a = new SharedHostGate({ leases, concurrency: 1, delayMs: 0, holdMs: 30_000 });
    const b = new SharedHostGate({ leases, concurrency: 1, delayMs: 0, holdMs: 30_000 });
    const held = await a.acquire("busy.example");
    const ac = new AbortController();
    const waiting = b.acquire("busy.example", ac.signal);
    (await b.acquire("other.example"))();
    ac.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
    held();
    // Given back (asynchronously): the other process gets it.
    (await b.acquire("busy.example"))();
    await close();
  });

  it("an undelayed turn (an article's images) in another process does not wait for the start lease", async () => {
    const { leases, close } = await open();
    const a = new SharedHostGate({ leases, concurrency: 2, delayMs: 60_000, holdMs: 30_000 });
    const b = new SharedHostGate({ leases, concurrency: 2, delayMs: 60_000, holdMs: 30_000 });
    const page = await a.acquire("site.example");
    // The start lease is held for a minute: a delayed turn would wait for it; this one takes the free slot.
    const image = await b.acquire("site.example", undefined, { delay: false });
    image();
    page();
    await Promise.all([a.close(), b.close()]);
    await close();
  });
});

describe("SharedHostGate when its lease store fails", () => {
  it("falls back to the process's own limits and says so", async () => {
    const warnings: string[] = [];
    const broken: Leases = {
      take: () => Promise.reject(new Error("connection refused")),
      give: () => Promise.reject(new Error("connection refused")),
      close: async () => {},
    };
    const gate = new SharedHostGate({
      leases: broken,
      concurrency: 1,
      delayMs: 0,
      holdMs: 1000,
      log: { info() {}, error() {}, warn: (_o, msg) => warnings.push(msg) },
    });
    const first = await gate.acquire("x.example");
    let second = false;
    const next = gate.acquire("x.example").then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false);
    first();
    (await next)();
    expect(warnings).toEqual([expect.stringContaining("this process's own limits apply")]);
  });
});
