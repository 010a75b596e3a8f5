// `npm run bench -- realtime`: the realtime role under load, against bare Socket.IO in the same run.
// The real server is `readlog serve` (all roles, SQLite file) in a process of its own; the baseline is
// bench/support/raw-socketio-server.mjs (no auth, validation, access checks, limits or persistence). Both
// get the same clients from this process (socket.io-client, WebSocket transport), one target after the
// other:
//   1. N sockets (BENCH_SOCKETS, default 2,000), each its own user with its own token: server RSS per
//      connection (RSS after − before, over N).
//   2. Fan-out: 200 of them in one club room; BENCH_FANOUT messages (default 300, one every 25 ms, each from
//      a different member): latency from the send to each member's receipt (p50/p99; goal p99 < 50 ms).
//   3. Throughput: every socket in a club of 5; offered rates of 100…1,600 messages/s for 4 s each, spread
//      over all senders (under the per-member rate limit): acknowledgement latency (persisted) and
//      delivery latency to the room; the highest rate whose delivery p99 stays < 100 ms with no refusals.
//   4. Then bench/collab.ts (Yjs, 10 editors; two processes over Redis with BENCH_REDIS_URL), unless
//      BENCH_REALTIME_COLLAB=0.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import { assemble } from "../src/app/assemble.js";
import { loadConfig } from "../src/config.js";
import { actorOf } from "../src/platform/access/actor.js";
import { newId } from "../src/platform/ids.js";
import { freePort, rssMb, stop, waitFor200 } from "./support/processes.js";

const N = Number(process.env.BENCH_SOCKETS ?? 2_000);
const FANOUT = 200;
const FANOUT_MESSAGES = Number(process.env.BENCH_FANOUT ?? 300);
const CLUB = 5;
const RATES = [100, 200, 400, 800, 1_600];
const STEP_MS = 4_000;
const METRICS = "bench-metrics-token-0123456789";

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, i)] ?? 0) * 10) / 10;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What differs between the real server and the baseline, as the clients see it. */
interface Target {
  name: string;
  url: string;
  pid: number;
  auth(i: number): Record<string, unknown>;
  /** The V8 heap in use in the server, bytes (no GC forced: garbage included). */
  heapUsed(): Promise<number>;
  /** Resolves once the socket may send (the real server says `ready` after replaying). */
  readyEvent: string;
  join(s: Socket, room: string): Promise<unknown>;
  leave(s: Socket, room: string): Promise<unknown>;
  send(s: Socket, room: string, body: string): Promise<{ ok: boolean }>;
}

interface Seeded {
  tokens: string[];
  fanoutClub: string;
  clubs: string[];
}

/** Users, tokens, the fan-out club (the first 200 users) and clubs of 5 (everyone), straight into the database. */
async function seed(dataDir: string): Promise<Seeded> {
  const app = await assemble(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" }));
  const db = app.database.db;
  const now = new Date().toISOString();
  const users = Array.from({ length: N }, (_, i) => ({
    id: newId(),
    email: `rt${i}@example.com`,
    name: `Reader ${i}`,
    password_hash: "x",
    role: "member" as const,
    timezone: "UTC",
    created_at: now,
    disabled_at: null,
  }));
  for (let i = 0; i < N; i += 500)
    await db
      .insertInto("users")
      .values(users.slice(i, i + 500))
      .execute();
  const tokens: string[] = [];
  for (const u of users)
    tokens.push(
      (await app.services.tokens.create(actorOf(u), { name: "bench", scopes: ["read", "write"] })).secret,
    );
  const club = (name: string) => ({ id: newId(), name, created_at: now, updated_at: now });
  const fanout = club("Fan-out");
  const small = Array.from({ length: Math.ceil(N / CLUB) }, (_, i) => club(`Club ${i}`));
  await db
    .insertInto("clubs")
    .values([fanout, ...small])
    .execute();
  const member = (clubId: string, userId: string, role: "owner" | "member") => ({
    club_id: clubId,
    user_id: userId,
    role,
    share_progress: 0,
    joined_at: now,
  });
  const members = [
    ...users.slice(0, FANOUT).map((u, i) => member(fanout.id, u.id, i === 0 ? "owner" : "member")),
    ...users.map((u, i) =>
      member(small[Math.floor(i / CLUB)]!.id, u.id, i % CLUB === 0 ? "owner" : "member"),
    ),
  ];
  for (let i = 0; i < members.length; i += 500)
    await db
      .insertInto("club_members")
      .values(members.slice(i, i + 500))
      .execute();
  await app.close();
  return { tokens, fanoutClub: fanout.id, clubs: small.map((c) => c.id) };
}

async function startReal(dataDir: string, seeded: Seeded): Promise<{ target: Target; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      "--max-semi-space-size=2",
      // BENCH_CPU_PROF=dir: a CPU profile of the real server, written when it stops.
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      "--import",
      "tsx",
      "src/main.ts",
      "serve",
    ],
    {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "error",
        METRICS_TOKEN: METRICS,
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor200(`${url}/healthz`, 60_000);
  return {
    child,
    target: {
      name: "readlog realtime",
      url,
      pid: child.pid!,
      auth: (i) => ({ token: seeded.tokens[i] }),
      heapUsed: async () => {
        const text = await (
          await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } })
        ).text();
        return Number(/^readlog_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1]);
      },
      readyEvent: "ready",
      join: (s, room) => s.emitWithAck("room:join", { room: `club:${room}` }),
      leave: (s, room) => s.emitWithAck("room:leave", { room: `club:${room}` }),
      send: (s, room, body) => s.emitWithAck("club:send", { clubId: room, body }),
    },
  };
}

async function startRaw(): Promise<{ target: Target; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["bench/support/raw-socketio-server.mjs"], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return {
    child,
    target: {
      name: "bare Socket.IO",
      url: `http://127.0.0.1:${port}`,
      pid: child.pid!,
      auth: () => ({}),
      heapUsed: async () => Number(await (await fetch(`http://127.0.0.1:${port}/heap`)).text()),
      readyEvent: "connect",
      join: (s, room) => s.emitWithAck("join", room),
      leave: (s, room) => s.emitWithAck("leave", room),
      send: (s, room, body) => s.emitWithAck("send", { room, body }),
    },
  };
}

/** Sends of this run by body, and each receipt's latency. */
class Clock {
  readonly sentAt = new Map<string, number>();
  readonly delivery: number[] = [];
  listen(s: Socket): void {
    s.on("club:message", (m: { body: string }) => {
      const t = this.sentAt.get(m.body);
      if (t !== undefined) this.delivery.push(performance.now() - t);
    });
  }
}

async function run(t: Target, seeded: Seeded) {
  const clock = new Clock();
  const sockets: Socket[] = [];
  // Warm up (lazy modules, JIT, the first buffers) with 100 sockets opened and closed, then measure.
  const warm = Array.from({ length: 100 }, (_, i) =>
    io(t.url, { auth: t.auth(i), transports: ["websocket"], reconnection: false, forceNew: true }),
  );
  await Promise.all(warm.map((s) => new Promise((r) => s.once(t.readyEvent, r))));
  for (const s of warm) s.close();
  await sleep(2_000);
  const before = rssMb(t.pid);
  const heapBefore = await t.heapUsed();
  const started = performance.now();
  for (let i = 0; i < N; i += 100) {
    const batch = Array.from({ length: Math.min(100, N - i) }, (_, k) => {
      const s = io(t.url, {
        auth: t.auth(i + k),
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
      });
      clock.listen(s);
      sockets.push(s);
      return new Promise<void>((resolve, reject) => {
        s.once(t.readyEvent, () => resolve());
        s.once("connect_error", reject);
      });
    });
    await Promise.all(batch);
  }
  const connectMs = performance.now() - started;
  await sleep(2_000);
  const after = rssMb(t.pid);
  const heapAfter = await t.heapUsed();
  const connections = {
    sockets: N,
    connectSeconds: Math.round(connectMs / 100) / 10,
    rssBeforeMb: before,
    rssAfterMb: after,
    rssKbPerConnection: Math.round(((after - before) * 1024) / N),
    heapKbPerConnection: Math.round((heapAfter - heapBefore) / 1024 / N),
  };
  console.log(
    `${t.name}: ${N} sockets in ${connections.connectSeconds} s, RSS ${connections.rssKbPerConnection} KB, heap ${connections.heapKbPerConnection} KB each`,
  );

  // Fan-out: 200 members in one room, one message every 25 ms from a different member each time.
  await Promise.all(sockets.slice(0, FANOUT).map((s) => t.join(s, seeded.fanoutClub)));
  let refused = 0;
  for (let i = 0; i < FANOUT_MESSAGES; i++) {
    const body = `f${i}`;
    clock.sentAt.set(body, performance.now());
    void t.send(sockets[i % FANOUT]!, seeded.fanoutClub, body).then((a) => {
      if (!a.ok) refused++;
    });
    await sleep(25);
  }
  const expected = FANOUT_MESSAGES * FANOUT;
  const until = performance.now() + 10_000;
  while (clock.delivery.length < expected - refused * FANOUT && performance.now() < until) await sleep(20);
  const fanout = {
    members: FANOUT,
    messages: FANOUT_MESSAGES,
    receipts: clock.delivery.length,
    refused,
    p50Ms: percentile(clock.delivery, 50),
    p99Ms: percentile(clock.delivery, 99),
    maxMs: percentile(clock.delivery, 100),
  };
  console.log(`${t.name}: fan-out to ${FANOUT}: p50 ${fanout.p50Ms} ms, p99 ${fanout.p99Ms} ms`);
  await Promise.all(sockets.slice(0, FANOUT).map((s) => t.leave(s, seeded.fanoutClub)));

  // Throughput: everyone in their club of 5; offered rates spread over all senders.
  await Promise.all(sockets.map((s, i) => t.join(s, seeded.clubs[Math.floor(i / CLUB)]!)));
  const steps = [];
  let next = 0;
  // The first step warms up (JIT, SQLite cache) and is not reported.
  for (const rate of [50, ...RATES]) {
    clock.delivery.length = 0;
    const acks: number[] = [];
    let errors = 0;
    const pending: Promise<void>[] = [];
    const perTick = rate / 100;
    let owed = 0;
    const stepStart = performance.now();
    for (let tick = 0; tick < STEP_MS / 10; tick++) {
      owed += perTick;
      for (; owed >= 1; owed--) {
        const i = next++ % N;
        const body = `t${rate}-${tick}-${owed}-${i}`;
        const sentAt = performance.now();
        clock.sentAt.set(body, sentAt);
        pending.push(
          t.send(sockets[i]!, seeded.clubs[Math.floor(i / CLUB)]!, body).then(
            (a) => {
              if (a.ok) acks.push(performance.now() - sentAt);
              else errors++;
            },
            () => {
              errors++;
            },
          ),
        );
      }
      const due = stepStart + (tick + 1) * 10;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - stepStart) / 1000;
    await sleep(300);
    const step = {
      offeredPerSecond: rate,
      ackedPerSecond: Math.round(acks.length / elapsed),
      refused: errors,
      ackP50Ms: percentile(acks, 50),
      ackP99Ms: percentile(acks, 99),
      deliveryP99Ms: percentile(clock.delivery, 99),
    };
    if (rate === 50) continue;
    steps.push(step);
    console.log(
      `${t.name}: ${rate}/s offered → ${step.ackedPerSecond}/s acked, ack p99 ${step.ackP99Ms} ms, delivery p99 ${step.deliveryP99Ms} ms, refused ${errors}`,
    );
    if (step.deliveryP99Ms > 1_000) break;
  }
  const sustained = steps.filter((s) => s.deliveryP99Ms < 100 && s.refused === 0).at(-1)?.ackedPerSecond ?? 0;
  for (const s of sockets) s.close();
  return { connections, fanout, throughput: { steps, messagesPerSecondAtP99Under100Ms: sustained } };
}

export default async function bench() {
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-realtime-"));
  try {
    const seeded = await seed(dir);
    const load = loadavg()[0];
    const raw = await startRaw();
    const baseline = await run(raw.target, seeded).finally(() => stop(raw.child));
    const real = await startReal(dir, seeded);
    const readlog = await run(real.target, seeded).finally(() => stop(real.child));
    // The bench section goes on with notes edited together (10 editors, then two processes over
    // Redis with BENCH_REDIS_URL): bench/collab.ts, run here too unless BENCH_REALTIME_COLLAB=0.
    const collab =
      process.env.BENCH_REALTIME_COLLAB === "0" ? undefined : await (await import("./collab.js")).default();
    return { loadAverage: load, loadAverageAfter: loadavg()[0], sockets: N, baseline, readlog, collab };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
