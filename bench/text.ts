// `npm run bench -- text`: signed WhatsApp deliveries at rising rates (open loop) against the real server
// process, on SQLite and (with BENCH_DATABASE_URL or TEST_DATABASE_URL) PostgreSQL, in one run. Each
// delivery is `dune <page>` from a linked number: the webhook answers after the inbound row, the progress
// entry and the queued reply are written, so its response time is "delivery → entry recorded + reply queued".
// Replies go to a loopback fake of the Graph API; the run checks every delivery got exactly one reply.
// The client shares the CPUs with the server, so it does as little as it can while timed: every payload is
// serialised and signed before a rate starts, and posted with node:http on one keep-alive connection per
// number (a conversation's messages arrive in the order they were sent; latency counts the wait). Besides
// latencies it reports CPU per message of the server process (from /proc, replies delivered included) and
// of this process (client and fake Graph API), which depend far less on other load than latencies do.
import { execSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os, { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import {
  FakeWhatsAppGraph,
  metaJson,
  metaSignature,
  WA,
  WhatsAppWebhookSender,
  waEnv,
} from "../test/fakes/whatsapp.js";
import { freePort, npmStartArgs, startNode, stop, waitFor200 } from "./support/processes.js";

const RATES = (process.env.BENCH_RATES ?? "100,250,500").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_DURATION ?? 5);
const USERS = 50;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, i)] ?? 0) * 100) / 100;
}

async function pgSchema(base: string, sql: (schema: string) => string, schema: string): Promise<string> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(sql(schema));
  } finally {
    await c.end();
  }
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

/** CPU time (user + system) of process `pid` so far, in µs (Linux /proc; clock ticks of 10 ms). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

const load = () => Math.round(os.loadavg()[0]! * 10) / 10;

/** POSTs `body` on a keep-alive connection; resolves with the status (the body is drained, not kept). */
function post(
  agent: http.Agent,
  port: number,
  url: string,
  body: Buffer,
  signature: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path: url,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": body.length,
          "x-hub-signature-256": signature,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function runEngine(engine: "sqlite" | "postgres", graph: FakeWhatsAppGraph, pgBase?: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "readlog-bench-text-"));
  const port = await freePort();
  const schema = `bench_text_${Date.now()}`;
  // Started as `npm start` starts it (its node flags included).
  const server = startNode(npmStartArgs(), {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "error",
    DATABASE_URL: engine === "postgres" ? await pgSchema(pgBase!, (s) => `create schema ${s}`, schema) : "",
    ...waEnv(graph.url),
  });
  const base = `http://127.0.0.1:${port}`;
  // One keep-alive connection per number, as a provider delivers one conversation's webhooks in turn: a
  // number's next message leaves when the one before it is answered (its latency counts that wait), so
  // the server reads each conversation's messages in the order they were sent. On one shared pool the
  // client itself reordered them under a backlog (a message waiting for a new connection was overtaken
  // by the next one on a freed socket): the later page then came first and the earlier one asked
  // "is this a correction?", as it must (ADR 0020).
  const agents = Array.from({ length: USERS }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    await waitFor200(`${base}/healthz`);
    const sender = new WhatsAppWebhookSender(async (p, body, headers) => {
      const r = await fetch(base + p, { method: "POST", body, headers });
      return { status: r.status, body: await r.text() };
    });
    const api = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const r = await fetch(base + url, {
        method,
        headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: r.status, json: (await r.json().catch(() => null)) as Record<string, unknown>, r };
    };

    // The admin registers; it creates USERS members, each with a token, a book being read and a linked number.
    const creds = { email: "admin@bench.example", password: "bench password 1234" };
    await api("POST", "/api/auth/register", creds);
    const login = await api("POST", "/api/auth/login", creds);
    const cookie = login.r.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const adminToken = (
      await api(
        "POST",
        "/api/tokens",
        { name: "b", scopes: ["read", "write", "admin"] },
        {
          cookie,
          "x-csrf-token": login.json.csrfToken as string,
        },
      )
    ).json.token as string;
    const users: { phone: string; token: string; bookId: string; page: number }[] = [];
    for (let i = 0; i < USERS; i++) {
      const email = `u${i}@bench.example`;
      const auth = { authorization: `Bearer ${adminToken}` };
      await api("POST", "/api/admin/users", { email, password: creds.password }, auth);
      const l = await api("POST", "/api/auth/login", { email, password: creds.password });
      const ck = l.r.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const token = (
        await api(
          "POST",
          "/api/tokens",
          { name: "b", scopes: ["read", "write"] },
          {
            cookie: ck,
            "x-csrf-token": l.json.csrfToken as string,
          },
        )
      ).json.token as string;
      const bearer = { authorization: `Bearer ${token}` };
      const book = await api(
        "POST",
        "/api/books",
        { title: "Dune", totalPages: 100_000, status: "reading" },
        bearer,
      );
      const phone = String(60170000000 + i);
      const code = await api("POST", "/api/channels", { kind: "whatsapp", phone }, bearer);
      const linked = await sender.sendText(phone, code.json.send as string);
      if (linked.res.status !== 200) throw new Error(`link failed: ${linked.res.body}`);
      users.push({ phone, token, bookId: book.json.id as string, page: 0 });
    }

    const stages: Record<string, unknown>[] = [];
    const errors = new Map<string, number>();
    let total = 0;
    let failed = 0;
    for (const rate of RATES) {
      const count = rate * SECONDS;
      // Serialised and signed before the clock starts.
      const payloads = Array.from({ length: count }, (_, n) => {
        const u = users[n % USERS]!;
        u.page += 1;
        const bytes = Buffer.from(metaJson(sender.text(u.phone, `dune ${u.page}`).body));
        return { bytes, signature: metaSignature(WA.appSecret, bytes) };
      });
      const latencies: number[] = [];
      let failures = 0;
      const loadBefore = load();
      const serverCpu0 = processCpuUs(server.pid!);
      const clientCpu0 = process.cpuUsage();
      const repliesBefore = graph.sends.length;
      const started = performance.now();
      const inflight: Promise<void>[] = [];
      for (let n = 0; n < count; n++) {
        // Open loop: message n leaves at n/rate seconds whatever the server's pace.
        const due = started + (n * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const p = payloads[n]!;
        const t0 = performance.now();
        inflight.push(
          post(agents[n % USERS]!, port, "/webhooks/whatsapp", p.bytes, p.signature).then(
            (status) => {
              if (status === 200) latencies.push(performance.now() - t0);
              else {
                failures++;
                errors.set(`HTTP ${status}`, (errors.get(`HTTP ${status}`) ?? 0) + 1);
              }
            },
            (err: Error) => {
              failures++;
              errors.set(err.message, (errors.get(err.message) ?? 0) + 1);
            },
          ),
        );
      }
      await Promise.all(inflight);
      const elapsed = (performance.now() - started) / 1000;
      // CPU per message includes delivering the replies: wait until the fake has them (or 30 s).
      const drainBy = Date.now() + 30_000;
      while (graph.sends.length - repliesBefore < count - failures && Date.now() < drainBy)
        await new Promise((r) => setTimeout(r, 20));
      const serverCpu = processCpuUs(server.pid!) - serverCpu0;
      const clientCpu = process.cpuUsage(clientCpu0);
      total += count;
      failed += failures;
      latencies.sort((a, b) => a - b);
      stages.push({
        offeredPerSec: rate,
        messages: count,
        achievedPerSec: Math.round(latencies.length / elapsed),
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: percentile(latencies, 100),
        failures,
        serverCpuUsPerMsg: Math.round(serverCpu / count),
        clientCpuUsPerMsg: Math.round((clientCpu.user + clientCpu.system) / count),
        load: `${loadBefore}→${load()}`,
      });
    }

    console.table(stages);
    // Every delivery: one entry, one reply at the fake (the outbox drains in the background).
    const expectReplies = total + USERS; // plus the "Linked!" answers
    const deadline = Date.now() + 60_000;
    while (graph.sends.length < expectReplies && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    let entries = 0;
    for (const u of users.slice(0, 5)) {
      const r = await api("GET", `/api/books/${u.bookId}/progress?limit=100`, undefined, {
        authorization: `Bearer ${u.token}`,
      });
      if (r.status !== 200) throw new Error(`progress list: ${r.status} ${JSON.stringify(r.json)}`);
      let items = (r.json.items as unknown[]).length;
      let cursor = r.json.nextCursor as string | null;
      while (cursor) {
        const next = await api(
          "GET",
          `/api/books/${u.bookId}/progress?limit=100&cursor=${cursor}`,
          undefined,
          {
            authorization: `Bearer ${u.token}`,
          },
        );
        items += (next.json.items as unknown[]).length;
        cursor = next.json.nextCursor as string | null;
      }
      entries += items;
      if (failed === 0 && items !== u.page)
        throw new Error(`${u.phone}: ${items} entries for ${u.page} messages`);
    }
    const replies = graph.sends.length;
    // A delivery the client gave up on may still have been handled: then it has its one reply too.
    if (replies > expectReplies || replies < expectReplies - failed)
      throw new Error(`${replies} replies at the fake for ${expectReplies} deliveries (${failed} failed)`);
    if (graph.unexpected.length > 0) throw new Error(`unexpected requests: ${graph.unexpected.join(", ")}`);
    return {
      engine,
      users: USERS,
      secondsPerRate: SECONDS,
      stages,
      repliesAtFake: replies,
      entriesChecked: entries,
      ...(errors.size > 0 ? { clientErrors: Object.fromEntries(errors) } : {}),
    };
  } finally {
    for (const agent of agents) agent.destroy();
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
    if (engine === "postgres") await pgSchema(pgBase!, (s) => `drop schema ${s} cascade`, schema);
  }
}

export default async function run(): Promise<Record<string, unknown>> {
  execSync("npm run build", { stdio: "ignore" });
  const pgBase = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const results: Record<string, unknown> = {};
  for (const engine of pgBase ? (["sqlite", "postgres"] as const) : (["sqlite"] as const)) {
    const graph = await new FakeWhatsAppGraph().start();
    try {
      const r = await runEngine(engine, graph, pgBase);
      results[engine] = r;
      console.log(`== ${engine}: verified ${r.repliesAtFake} replies, ${r.entriesChecked} entries checked`);
    } finally {
      await graph.stop();
    }
  }
  if (!pgBase) console.log("PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL");
  return { ...results, goal: "SQLite p99 < 25 ms at 500 messages/s" };
}
