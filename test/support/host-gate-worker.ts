// One worker process taking turns at a site through the SharedHostGate, as the links pipeline does in each
// of several worker processes. Usage: node --import tsx test/support/host-gate-worker.ts with GATE_ENGINE
// (redis | postgres), GATE_URL, GATE_PREFIX (Redis key prefix), GATE_TURNS, GATE_CONCURRENCY,
// GATE_DELAY_MS, GATE_HOLD_MS in the environment. Waits for "go" on stdin, then prints one JSON line:
// the wall-clock [start, end] of each of its turns.
import { createInterface } from "node:readline";
import { SharedHostGate } from "../../src/modules/links/host-gate.js";
import { systemClock } from "../../src/platform/clock.js";
import { openDatabase } from "../../src/platform/db/database.js";
import { UnitOfWork } from "../../src/platform/db/unit-of-work.js";
import type { Leases } from "../../src/platform/leases/leases.js";
import { RedisLeases } from "../../src/platform/leases/redis-leases.js";
import { SqlLeases } from "../../src/platform/leases/sql-leases.js";

const env = process.env;
const url = String(env.GATE_URL);
const database =
  env.GATE_ENGINE === "postgres" ? openDatabase({ database: { kind: "postgres", url } }) : undefined;
const leases: Leases = database
  ? new SqlLeases(new UnitOfWork(database.db, "postgres"), systemClock, "links.host:")
  : new RedisLeases({ url, prefix: env.GATE_PREFIX });
const gate = new SharedHostGate({
  leases,
  concurrency: Number(env.GATE_CONCURRENCY),
  delayMs: Number(env.GATE_DELAY_MS),
  holdMs: Number(env.GATE_HOLD_MS),
});
// Connected before the start, so connecting is not what spaces the turns.
await leases.take("links.host:warm-up", "w", 1);

await new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).once("line", () => resolve());
  console.log("ready");
});
const turns = await Promise.all(
  Array.from({ length: Number(env.GATE_TURNS) }, () =>
    gate.run("Site.example", async () => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 20));
      return [start, Date.now()];
    }),
  ),
);
console.log(JSON.stringify(turns));
await gate.close();
await leases.close();
await database?.close();
process.exit(0);
