// `npm run bench -- hardening`: what the attack bodies of issue 11 (item 1) cost the server, run as users run
// it (npm start, SQLite): CPU time and RSS growth of the server process per request, answer size, and how
// long /healthz takes meanwhile. In the same run, four peers: the same route with a small ordinary body,
// bare Fastify receiving and parsing the attack body on a route with no schema (bench/support/
// bare-json-server.mjs), plain node:http receiving it unread (bench/support/bare-drain-server.mjs: the
// floor for a body refused early but read to its end), and JSON.parse of the attack body alone here.
import { execSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { BOOKS_EXPORT } from "../src/modules/books/books.export.js";
import { exportDocumentSchema } from "../src/modules/export/export.tables.js";
import { shapeError } from "../src/platform/http/body-shape.js";
import {
  firstUserToken,
  freePort,
  npmStartArgs,
  rssMb,
  startNode,
  stop,
  waitFor200,
} from "./support/processes.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 10);
const TICK_MS = 1000 / Number(execSync("getconf CLK_TCK").toString().trim() || 100);

/** CPU milliseconds (user + system) the process has used so far. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Peak RSS in MB since the last reset (VmHWM; writing 5 to clear_refs resets it to the current RSS). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}
function peakMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Math.round((Number(kb) / 1024) * 10) / 10;
}

const repeated = (item: string, n: number) => `[${`${item},`.repeat(n - 1)}${item}]`;
const USER = `"user":{"id":"u","email":"a@example.com","name":"A","timezone":"UTC","createdAt":"2026-01-01T00:00:00Z"}`;
const DOC = `"format":"readlog-export","version":1,"exportedAt":"2026-01-01T00:00:00Z",${USER}`;

const AT = "2026-01-01T00:00:00.000Z";
const WRONG_BOOK = JSON.stringify({
  id: "01a234f8-637d-72bc-b000-000000000000",
  title: "Book",
  authors: ["Frank Herbert"],
  isbn10: null,
  isbn13: null,
  totalPages: -1,
  coverUrl: null,
  metadataSource: null,
  status: "shelved-sideways",
  currentReadingId: "01a234f8-637d-72bc-r000-000000000000",
  createdAt: AT,
  updatedAt: AT,
});

interface Case {
  name: string;
  url: string;
  auth: boolean;
  attack: string;
  ordinary: string;
}

const CASES: Case[] = [
  {
    name: "600,000 empty books rows → POST /api/import",
    url: "/api/import",
    auth: true,
    attack: `{${DOC},"books":${repeated("{}", 600_000)}}`,
    ordinary: `{${DOC},"books":[{}]}`,
  },
  {
    // Every key of every row, only the values wrong: passes the text shape check (body-shape.ts).
    name: "40,000 books rows, values wrong → POST /api/import",
    url: "/api/import",
    auth: true,
    attack: `{${DOC},"books":${repeated(WRONG_BOOK, 40_000)}}`,
    ordinary: `{${DOC},"books":[${WRONG_BOOK}]}`,
  },
  {
    name: "81,000 unknown keys → POST /api/auth/login",
    url: "/api/auth/login",
    auth: false,
    attack: `{"email":"a@example.com","password":"x",${Array.from({ length: 81_000 }, (_, i) => `"k${i}":0`).join(",")}}`,
    ordinary: `{"email":"a@example.com","password":"x","k0":0}`,
  },
  {
    name: "240,000 empty authors → POST /api/books",
    url: "/api/books",
    auth: true,
    attack: `{"title":"Dune","authors":${repeated('""', 240_000)}}`,
    ordinary: `{"title":"Dune","authors":[""]}`,
  },
];

interface Cost {
  status: number;
  answerBytes: number;
  cpuMsPerRequest: number;
  wallMsPerRequest: number;
  firstRequestRssGrowthMb: number;
  healthzWorstMs: number;
  healthzResets: number;
}

async function measure(
  base: string,
  pid: number,
  c: Case,
  body: string,
  headers: Record<string, string>,
): Promise<Cost> {
  const send = () => fetch(base + c.url, { method: "POST", headers, body });
  // /healthz polled all along: how long a bystander waits while the body is refused.
  let healthzWorstMs = 0;
  let healthzResets = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t0 = performance.now();
      // A pooled keep-alive connection the server closed after refusing a body can reset under a request:
      // counted and asked again, as a client retries an idempotent GET.
      await fetch(`${base}/healthz`).catch(() => {
        healthzResets++;
      });
      healthzWorstMs = Math.max(healthzWorstMs, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  resetPeak(pid);
  const before = rssMb(pid);
  const first = await send();
  const answer = await first.arrayBuffer();
  const firstRequestRssGrowthMb = Math.round((peakMb(pid) - before) * 10) / 10;
  for (let i = 0; i < REPEATS; i++) await (await send()).arrayBuffer();
  polling = false;
  await poller;
  // CPU and wall time per request measured again without the bystander, whose own requests the server
  // would otherwise count (~20 /healthz answers during one 10 MB body).
  const cpu0 = cpuMs(pid);
  const wall0 = performance.now();
  for (let i = 0; i < REPEATS; i++) await (await send()).arrayBuffer();
  const wall = (performance.now() - wall0) / REPEATS;
  const cpu = (cpuMs(pid) - cpu0) / REPEATS;
  return {
    status: first.status,
    answerBytes: answer.byteLength,
    cpuMsPerRequest: Math.round(cpu * 10) / 10,
    wallMsPerRequest: Math.round(wall * 10) / 10,
    firstRequestRssGrowthMb,
    healthzWorstMs: Math.round(healthzWorstMs * 10) / 10,
    healthzResets,
  };
}

/** JSON.parse of the body alone, in this process: milliseconds per parse, and the peak RSS growth of the first. */
function parseOnly(body: string): { ms: number; firstParseRssGrowthMb: number } {
  resetPeak(process.pid);
  const before = rssMb(process.pid);
  JSON.parse(body);
  const firstParseRssGrowthMb = Math.round((peakMb(process.pid) - before) * 10) / 10;
  const t0 = performance.now();
  for (let i = 0; i < REPEATS; i++) JSON.parse(body);
  return { ms: Math.round(((performance.now() - t0) / REPEATS) * 10) / 10, firstParseRssGrowthMb };
}

/**
 * What the shape check (src/platform/http/body-shape.ts) adds to a large valid body: milliseconds to check
 * a restore document of 20,000 books, read-throughs and shelf moves (16 MB) against its schema, beside
 * JSON.parse of the same text, in this process.
 */
function shapeCheckOnValid(): { bodyBytes: number; shapeCheckMs: number; jsonParseMs: number } {
  const text = validDocument(20_000);
  const schema = exportDocumentSchema(BOOKS_EXPORT);
  if (shapeError(text, schema)) throw new Error("the valid document was refused by the shape check");
  const time = (f: () => unknown) => {
    const t0 = performance.now();
    for (let i = 0; i < REPEATS; i++) f();
    return Math.round(((performance.now() - t0) / REPEATS) * 10) / 10;
  };
  return {
    bodyBytes: text.length,
    shapeCheckMs: time(() => shapeError(text, schema)),
    jsonParseMs: time(() => JSON.parse(text)),
  };
}

/** A valid restore document of `n` books, read-throughs and shelf moves (20,000: 16 MB), as JSON text. */
function validDocument(n: number): string {
  const id = (k: string, i: number) => `01a234f8-637d-72bc-${k}-${String(i).padStart(12, "0")}`;
  const at = "2026-01-01T00:00:00.000Z";
  const doc = {
    format: "readlog-export",
    version: 1,
    exportedAt: at,
    user: { id: "u", email: "a@example.com", name: "A", timezone: "UTC", createdAt: at },
    books: Array.from({ length: n }, (_, i) => ({
      id: id("b000", i),
      title: `Book ${i}`,
      authors: ["Frank Herbert"],
      isbn10: null,
      isbn13: null,
      totalPages: 412,
      coverUrl: null,
      metadataSource: null,
      status: "reading",
      currentReadingId: id("r000", i),
      createdAt: at,
      updatedAt: at,
    })),
    readings: Array.from({ length: n }, (_, i) => ({
      id: id("r000", i),
      bookId: id("b000", i),
      status: "reading",
      startedOn: "2026-01-01",
      finishedOn: null,
      rating: null,
      review: null,
      createdAt: at,
      updatedAt: at,
    })),
    statusChanges: Array.from({ length: n }, (_, i) => ({
      id: id("s000", i),
      readingId: id("r000", i),
      fromStatus: null,
      toStatus: "reading",
      localDate: "2026-01-01",
      changedAt: at,
    })),
  };
  return JSON.stringify(doc);
}

/** Logs in a new account made by the admin of `base` and returns a token of it (an empty account to restore into). */
async function newAccountToken(base: string, adminToken: string, email: string): Promise<string> {
  const password = "bench password 1234";
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const made = await post(
    "/api/admin/users",
    { email, password, timezone: "UTC" },
    { authorization: `Bearer ${adminToken}` },
  );
  if (made.status !== 201) throw new Error(`creating ${email}: ${made.status} ${await made.text()}`);
  const login = await post("/api/auth/login", { email, password });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await post(
    "/api/tokens",
    { name: "bench", scopes: ["read", "write"] },
    { cookie, "x-csrf-token": csrfToken },
  );
  return ((await created.json()) as { token: string }).token;
}

interface Server {
  name: string;
  base: string;
  pid: number;
  adminToken: string;
}

/**
 * A valid restore of `text` into a new empty account of each server, the servers taking turns, `rounds`
 * times: milliseconds until the 201 and the server's CPU milliseconds, the median of the rounds.
 */
async function validRestores(servers: Server[], text: string, rounds: number) {
  const times = new Map(servers.map((s) => [s.name, { wallMs: [] as number[], cpuMs: [] as number[] }]));
  // Every part of the document the server exports (an empty account's export), these rows added.
  const skeleton = (await (
    await fetch(`${servers[0]!.base}/api/export`, {
      headers: { authorization: `Bearer ${servers[0]!.adminToken}` },
    })
  ).json()) as Record<string, unknown>;
  const { user: _, ...rows } = JSON.parse(text) as Record<string, unknown>;
  text = JSON.stringify({ ...skeleton, ...rows });
  for (let round = 0; round < rounds; round++)
    for (const s of servers) {
      const token = await newAccountToken(s.base, s.adminToken, `restore-${round}@example.com`);
      const cpu0 = cpuMs(s.pid);
      const t0 = performance.now();
      const r = await fetch(`${s.base}/api/import`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: text,
      });
      const answer = await r.text();
      if (r.status !== 201)
        throw new Error(`${s.name}: restore answered ${r.status} ${answer.slice(0, 300)}`);
      times.get(s.name)!.wallMs.push(performance.now() - t0);
      times.get(s.name)!.cpuMs.push(cpuMs(s.pid) - cpu0);
    }
  const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
  return Object.fromEntries(
    [...times].map(([name, t]) => [
      name,
      {
        bodyBytes: text.length,
        rounds,
        wallMs: median(t.wallMs),
        cpuMs: median(t.cpuMs),
        allWallMs: t.wallMs.map(Math.round),
      },
    ]),
  );
}

export default async function run(): Promise<Record<string, unknown>> {
  // BENCH_SKIP_BUILD: dist/ is already built from this tree.
  if (!process.env.BENCH_SKIP_BUILD) execSync("npm run build", { stdio: "ignore" });
  const dataDir = mkdtempSync(path.join(tmpdir(), "readlog-bench-"));
  const port = await freePort();
  const server = startNode(npmStartArgs(), {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  });
  const base = `http://127.0.0.1:${port}`;
  // BENCH_BASELINE_DIR: a checkout of the code before this change, built (`npm run build` there), run the
  // same way beside this one, for the attack bodies and the valid restore.
  const baselineDir = process.env.BENCH_BASELINE_DIR;
  const baselinePort = await freePort();
  const baselineData = mkdtempSync(path.join(tmpdir(), "readlog-bench-base-"));
  const baseline = baselineDir
    ? startNode(
        npmStartArgs().map((a) => (a.endsWith("main.js") ? path.join(baselineDir, a) : a)),
        { DATA_DIR: baselineData, PORT: String(baselinePort), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
      )
    : undefined;
  const baselineBase = `http://127.0.0.1:${baselinePort}`;
  const barePort = await freePort();
  const bare = startNode(["bench/support/bare-json-server.mjs"], { PORT: String(barePort) });
  const bareBase = `http://127.0.0.1:${barePort}`;
  const drainPort = await freePort();
  const drain = startNode(["bench/support/bare-drain-server.mjs"], { PORT: String(drainPort) });
  const drainBase = `http://127.0.0.1:${drainPort}`;
  try {
    await waitFor200(`${base}/healthz`, 120_000);
    const token = await firstUserToken(base, ["read", "write", "admin"]);
    const pid = server.pid!;
    await waitFor200(`${bareBase}/healthz`, 120_000);
    await waitFor200(`${drainBase}/healthz`, 120_000);
    const baselineToken = baseline
      ? await (async () => {
          await waitFor200(`${baselineBase}/healthz`, 120_000);
          return firstUserToken(baselineBase, ["read", "write", "admin"]);
        })()
      : undefined;
    const rows: Record<string, unknown>[] = [];
    // BENCH_ONLY_RESTORE: the valid restore alone.
    for (const c of process.env.BENCH_ONLY_RESTORE ? [] : CASES) {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        ...(c.auth ? { authorization: `Bearer ${token}` } : {}),
      };
      const attack = await measure(base, pid, c, c.attack, headers);
      const ordinary = await measure(base, pid, c, c.ordinary, headers);
      const bareFastify = await measure(bareBase, bare.pid!, c, c.attack, headers);
      const bareDrain = await measure(drainBase, drain.pid!, c, c.attack, headers);
      const before = baseline
        ? await measure(baselineBase, baseline.pid!, c, c.attack, {
            ...headers,
            ...(c.auth ? { authorization: `Bearer ${baselineToken}` } : {}),
          })
        : undefined;
      rows.push({
        case: c.name,
        bodyBytes: c.attack.length,
        attack,
        ordinarySmallBody: ordinary,
        bareFastifyParse: bareFastify,
        bareDrain,
        ...(before ? { baselineAttack: before } : {}),
        jsonParseOnly: parseOnly(c.attack),
      });
    }
    console.table(
      Object.fromEntries(
        rows.map((r) => {
          const a = r.attack as Cost;
          const o = r.ordinarySmallBody as Cost;
          return [
            r.case as string,
            {
              status: a.status,
              answerB: a.answerBytes,
              cpuMs: a.cpuMsPerRequest,
              ...(r.baselineAttack
                ? {
                    baselineCpuMs: (r.baselineAttack as Cost).cpuMsPerRequest,
                    baselineRssMb: (r.baselineAttack as Cost).firstRequestRssGrowthMb,
                    baselineStatus: (r.baselineAttack as Cost).status,
                  }
                : {}),
              bareFastifyCpuMs: (r.bareFastifyParse as Cost).cpuMsPerRequest,
              bareFastifyRssMb: (r.bareFastifyParse as Cost).firstRequestRssGrowthMb,
              bareDrainCpuMs: (r.bareDrain as Cost).cpuMsPerRequest,
              parseOnlyMs: (r.jsonParseOnly as { ms: number }).ms,
              parseOnlyRssMb: (r.jsonParseOnly as { firstParseRssGrowthMb: number }).firstParseRssGrowthMb,
              smallBodyCpuMs: o.cpuMsPerRequest,
              rssGrowthMb: a.firstRequestRssGrowthMb,
              healthzWorstMs: a.healthzWorstMs,
            },
          ];
        }),
      ),
    );
    const validCheck = shapeCheckOnValid();
    console.table({ "valid restore document": validCheck });
    const servers: Server[] = [{ name: "this", base, pid, adminToken: token }];
    if (baseline)
      servers.push({ name: "baseline", base: baselineBase, pid: baseline.pid!, adminToken: baselineToken! });
    const restores = await validRestores(
      servers,
      validDocument(Number(process.env.BENCH_RESTORE_ROWS ?? 20_000)),
      Number(process.env.BENCH_RESTORE_ROUNDS ?? 3),
    );
    console.table(restores);
    return {
      repeats: REPEATS,
      cases: rows,
      shapeCheckOnValidDocument: validCheck,
      validRestore: restores,
      goals: { answerBytes: "<= 65536", cpuMsPerRequest: "<= 50", firstRequestRssGrowthMb: "<= 50" },
    };
  } finally {
    await stop(server);
    await stop(bare);
    await stop(drain);
    if (baseline) await stop(baseline);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(baselineData, { recursive: true, force: true });
  }
}
