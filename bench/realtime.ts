// `npm run bench -- realtime`: the realtime role under load, against bare Socket.IO in the same run.
// The real server is `readlog serve` (all roles, SQLite file) in a process of its own; the baseline is
// bench/support/raw-socketio-server.mjs (no auth, validation, access checks, limits or persistence). Both
// run side by side to the end and get the same clients from this process (socket.io-client, WebSocket
// transport):
//   1. N sockets (BENCH_SOCKETS, default 2,000) to each server, one server after the other, each its own user
//      with its own token: server RSS and heap per connection (after − before, over N).
//   2. Fan-out: 200 of them in one club room on each server; BENCH_FANOUT messages (default 300, one every
//      25 ms, each from a different member), in blocks of 30 that alternate between the servers so both
//      meet the same machine load: latency from the send to each member's receipt (p50/p99; goal p99 <
//      50 ms), and the server's CPU time per message (/proc, over its own blocks).
//   3. Throughput: every socket in a club of 5; offered rates of 100…1,600 messages/s for 4 s each, spread
//      over all senders (under the per-member rate limit): acknowledgement latency (persisted) and
//      delivery latency to the room; the highest rate whose delivery p99 stays < 100 ms with no refusals.
//      One server after the other; BENCH_REALTIME_THROUGHPUT=0 skips it.
//   4. Then bench/collab.ts (Yjs, 10 editors; two processes over Redis with BENCH_REDIS_URL), unless
//      BENCH_REALTIME_COLLAB=0.
// BENCH_REALTIME_PEERS (other checkouts) and BENCH_REALTIME_VARIANTS (other node flags) add readlog servers
// on the same database to steps 1 and 2.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
/** Fan-out messages sent to one target before the other's turn. */
const FANOUT_BLOCK = 30;
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

async function startReal(
  dataDir: string,
  seeded: Seeded,
  flags = "--max-semi-space-size=2",
  name = "readlog realtime",
  checkout = process.cwd(),
): Promise<{ target: Target; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...flags.split(" ").filter(Boolean),
      // BENCH_CPU_PROF=dir: a CPU profile of the real server, written when it stops.
      ...(process.env.BENCH_TRACE_GC ? ["--trace-gc"] : []),
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
      cwd: checkout,
      stdio: ["ignore", process.env.BENCH_TRACE_GC ? "inherit" : "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor200(`${url}/healthz`, 60_000);
  return {
    child,
    target: {
      name,
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

/** Opens N sockets to `t` (after a warm-up of 100 opened and closed): the server's memory per connection. */
async function connect(t: Target, clock: Clock) {
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
  return { sockets, connections };
}

/** One side of the fan-out: its target, its sockets, and the receipts of its messages. */
interface FanoutSide {
  t: Target;
  sockets: Socket[];
  clock: Clock;
  refused: number;
  sent: number;
  /** CPU time of the server process during its blocks, ms. */
  cpuMs?: number;
}

/** CPU time (user + system) a process has used, ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

/**
 * Fan-out: 200 members of each target in one club room; one message every 25 ms, each from a different
 * member, in blocks of FANOUT_BLOCK messages that alternate between the targets (both servers up, their
 * sockets open), so a change in the machine's load falls on both alike.
 */
async function fanout(sides: FanoutSide[], seeded: Seeded) {
  for (const side of sides)
    await Promise.all(side.sockets.slice(0, FANOUT).map((s) => side.t.join(s, seeded.fanoutClub)));
  for (const side of sides) side.clock.delivery.length = 0;
  const blocks = Math.ceil(FANOUT_MESSAGES / FANOUT_BLOCK);
  for (let b = 0; b < blocks; b++)
    for (const side of sides) {
      const cpuBefore = cpuMs(side.t.pid);
      for (let k = 0; k < FANOUT_BLOCK && side.sent < FANOUT_MESSAGES; k++) {
        const i = side.sent++;
        const body = `f${i}`;
        side.clock.sentAt.set(body, performance.now());
        void side.t.send(side.sockets[i % FANOUT]!, seeded.fanoutClub, body).then((a) => {
          if (!a.ok) side.refused++;
        });
        await sleep(25);
      }
      // Let the block's last receipts arrive before the other target starts.
      await sleep(100);
      side.cpuMs = (side.cpuMs ?? 0) + cpuMs(side.t.pid) - cpuBefore;
    }
  const results = [];
  for (const side of sides) {
    const expected = FANOUT_MESSAGES * FANOUT;
    const until = performance.now() + 10_000;
    while (side.clock.delivery.length < expected - side.refused * FANOUT && performance.now() < until)
      await sleep(20);
    const d = side.clock.delivery;
    const r = {
      members: FANOUT,
      messages: FANOUT_MESSAGES,
      receipts: d.length,
      refused: side.refused,
      p50Ms: percentile(d, 50),
      p99Ms: percentile(d, 99),
      maxMs: percentile(d, 100),
      serverCpuMsPerMessage: Math.round(((side.cpuMs ?? 0) / FANOUT_MESSAGES) * 100) / 100,
    };
    console.log(
      `${side.t.name}: fan-out to ${FANOUT}: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms, server CPU ${r.serverCpuMsPerMessage} ms a message`,
    );
    results.push(r);
    await Promise.all(side.sockets.slice(0, FANOUT).map((s) => side.t.leave(s, seeded.fanoutClub)));
  }
  return results;
}

async function throughput(t: Target, sockets: Socket[], clock: Clock, seeded: Seeded) {
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
  return { steps, messagesPerSecondAtP99Under100Ms: sustained };
}

export default async function bench() {
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-realtime-"));
  try {
    const seeded = await seed(dir);
    const load = loadavg()[0];
    // Both servers stay up to the end: connections are measured one server after the other, the fan-out
    // alternates between them in blocks, then throughput runs on one and then the other
    // (BENCH_REALTIME_THROUGHPUT=0 skips it).
    const raw = await startRaw();
    const real = await startReal(dir, seeded).catch(async (err) => {
      await stop(raw.child);
      throw err;
    });
    // More readlog servers on the same database, measured alongside (connections and fan-out):
    // BENCH_REALTIME_VARIANTS="<node flags>;<node flags>" starts this checkout with other node flags (to
    // try runtime options), BENCH_REALTIME_PEERS="<dir>;<dir>" another checkout of readlog (e.g. main, for a
    // before/after pair in one run; it must have the same migrations).
    const variants = [];
    for (const flags of (process.env.BENCH_REALTIME_VARIANTS ?? "").split(";").filter(Boolean))
      variants.push(await startReal(dir, seeded, flags, `readlog ${flags}`));
    for (const checkout of (process.env.BENCH_REALTIME_PEERS ?? "").split(";").filter(Boolean))
      variants.push(await startReal(dir, seeded, undefined, `readlog @ ${checkout}`, checkout));
    let baseline: Record<string, unknown>;
    let readlog: Record<string, unknown>;
    try {
      const sides: FanoutSide[] = [];
      const connections: Awaited<ReturnType<typeof connect>>["connections"][] = [];
      for (const t of [raw.target, real.target, ...variants.map((v) => v.target)]) {
        const clock = new Clock();
        const c = await connect(t, clock);
        connections.push(c.connections);
        sides.push({ t, sockets: c.sockets, clock, refused: 0, sent: 0 });
      }
      const fanouts = await fanout(sides, seeded);
      const through = [];
      for (const side of sides.slice(0, 2))
        through.push(
          process.env.BENCH_REALTIME_THROUGHPUT === "0"
            ? undefined
            : await throughput(side.t, side.sockets, side.clock, seeded),
        );
      for (const side of sides) for (const s of side.sockets) s.close();
      baseline = { connections: connections[0], fanout: fanouts[0], throughput: through[0] };
      readlog = { connections: connections[1], fanout: fanouts[1], throughput: through[1] };
      if (variants.length > 0)
        readlog.variants = variants.map((v, i) => ({
          name: v.target.name,
          connections: connections[2 + i],
          fanout: fanouts[2 + i],
        }));
    } finally {
      await stop(raw.child);
      await stop(real.child);
      for (const v of variants) await stop(v.child);
    }
    // The bench section goes on with notes edited together (10 editors, then two processes over
    // Redis with BENCH_REDIS_URL): bench/collab.ts, run here too unless BENCH_REALTIME_COLLAB=0.
    const collab =
      process.env.BENCH_REALTIME_COLLAB === "0" ? undefined : await (await import("./collab.js")).default();
    return { loadAverage: load, loadAverageAfter: loadavg()[0], sockets: N, baseline, readlog, collab };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
