// `npm run bench -- collab`: a note edited together by 10 editors typing 5 operations/s each, on the real
// collab role against bare Hocuspocus in the same run.
// The real server is `readlog serve` (all roles, SQLite file) in a process of its own; the baseline is
// bench/support/raw-hocuspocus-server.mjs (no auth, checks or persistence). Both get the same editors from
// this process (@hocuspocus/provider), one target after the other: each editor inserts a tagged word
// at a random place 5 times a second for BENCH_COLLAB_SECONDS (default 20).
//   - update latency: from an insert to its arrival at each of the 9 other editors (p50/p99);
//   - persistence lag (real server): from an insert to the note's Markdown in the database holding it
//     (the document is stored COLLAB_SAVE_DELAY_MS after the last change, at least every 5× as long).
// With BENCH_REDIS_URL, the same on two `readlog serve` processes sharing the database and Redis, half of
// the editors on each (the Redis extension carries updates between them).
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { HocuspocusProvider } from "@hocuspocus/provider";
import Database from "better-sqlite3";
import WebSocket from "ws";
import * as Y from "yjs";
import { assemble } from "../src/app/assemble.js";
import { loadConfig } from "../src/config.js";
import { actorOf } from "../src/platform/access/actor.js";
import { newId } from "../src/platform/ids.js";
import { freePort, rssMb, stop, waitFor200 } from "./support/processes.js";

const EDITORS = 10;
const OPS_PER_SECOND = 5;
const SECONDS = Number(process.env.BENCH_COLLAB_SECONDS ?? 20);
const SAVE_DELAY_MS = 2_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, i)] ?? 0) * 10) / 10;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seeded {
  tokens: string[];
  noteId: string;
}

/** Ten users with tokens; a note of the first shared as editor with the nine others. */
async function seed(dataDir: string): Promise<Seeded> {
  const app = await assemble(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" }));
  const db = app.database.db;
  const now = new Date().toISOString();
  const users = Array.from({ length: EDITORS }, (_, i) => ({
    id: newId(),
    email: `ed${i}@example.com`,
    name: `Editor ${i}`,
    password_hash: "x",
    role: "member" as const,
    timezone: "UTC",
    created_at: now,
    disabled_at: null,
  }));
  await db.insertInto("users").values(users).execute();
  const tokens: string[] = [];
  for (const u of users)
    tokens.push(
      (await app.services.tokens.create(actorOf(u), { name: "bench", scopes: ["read", "write"] })).secret,
    );
  const note = await app.services.notes.create(actorOf(users[0]!), { body: "# Shared chapter notes\n\n" });
  for (const u of users.slice(1))
    await app.services.noteShares.share(actorOf(users[0]!), note.id, u.email, "editor");
  await app.close();
  return { tokens, noteId: note.id };
}

function serve(dataDir: string, port: number, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/main.ts", "serve"], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "error",
      COLLAB_SAVE_DELAY_MS: String(SAVE_DELAY_MS),
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

interface Figures {
  updates: number;
  deliveries: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  persistenceLagP50Ms?: number;
  persistenceLagP99Ms?: number;
  persistedAll?: boolean;
  converged: boolean;
  serverRssMb: number[];
}

/**
 * The editors on `urls` (editor i on urls[i % n]), typing for SECONDS; `persisted` reads the note's
 * Markdown from the database (real server only).
 */
async function run(
  urls: string[],
  noteId: string,
  tokens: string[] | undefined,
  pids: number[],
  persisted?: () => string,
  seconds = SECONDS,
): Promise<Figures> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const editors: Array<{ provider: HocuspocusProvider; doc: Y.Doc }> = [];
  for (let i = 0; i < EDITORS; i++) {
    const doc = new Y.Doc();
    const text = doc.getText("body");
    text.observe((event, tx) => {
      if (tx.local) return;
      const now = performance.now();
      for (const d of event.delta)
        if (typeof d.insert === "string")
          for (const m of d.insert.matchAll(/⟨(\d+:\d+)⟩/g)) {
            const t0 = sentAt.get(m[1]!);
            if (t0 !== undefined) latencies.push(now - t0);
          }
    });
    const provider = await new Promise<HocuspocusProvider>((resolve, reject) => {
      const p: HocuspocusProvider = new HocuspocusProvider({
        ...({ WebSocketPolyfill: WebSocket } as object),
        url: urls[i % urls.length]!,
        name: noteId,
        document: doc,
        token: tokens?.[i] ?? "bench",
        onSynced: () => resolve(p),
        onAuthenticationFailed: ({ reason }) => reject(new Error(`editor ${i} refused: ${reason}`)),
      });
    });
    editors.push({ provider, doc });
  }
  const lags: number[] = [];
  const unpersisted = new Map<string, number>();
  let polling = true;
  const poller = (async () => {
    while (persisted && (polling || unpersisted.size > 0)) {
      const body = persisted();
      const now = performance.now();
      for (const [tag, t0] of unpersisted)
        if (body.includes(`⟨${tag}⟩`)) {
          lags.push(now - t0);
          unpersisted.delete(tag);
        }
      if (!polling && now - Math.max(...unpersisted.values(), 0) > 30_000) break;
      await sleep(20);
    }
  })();
  const rss: number[] = [];
  const ops = seconds * OPS_PER_SECOND;
  const timers = editors.map(
    (e, i) =>
      new Promise<void>((resolve) => {
        let n = 0;
        const text = e.doc.getText("body");
        const tick = setInterval(() => {
          const tag = `${i}:${n}`;
          // Between two tagged words (never inside one), so each stays whole in the Markdown.
          const p = Math.floor(Math.random() * (text.length + 1));
          const space = text.toString().indexOf(" ", p);
          const at = space === -1 ? text.length : space + 1;
          sentAt.set(tag, performance.now());
          if (persisted) unpersisted.set(tag, performance.now());
          text.insert(at, ` ⟨${tag}⟩ `);
          if (++n >= ops) {
            clearInterval(tick);
            resolve();
          }
        }, 1000 / OPS_PER_SECOND);
      }),
  );
  await sleep((seconds * 1000) / 2);
  for (const pid of pids) rss.push(rssMb(pid));
  await Promise.all(timers);
  // Let the last updates arrive everywhere.
  const texts = () => editors.map((e) => e.doc.getText("body").toString());
  for (let i = 0; i < 500 && new Set(texts()).size > 1; i++) await sleep(20);
  const converged = new Set(texts()).size === 1;
  polling = false;
  await poller;
  for (const e of editors) {
    e.provider.destroy();
    e.provider.configuration.websocketProvider.destroy();
  }
  return {
    updates: EDITORS * ops,
    deliveries: latencies.length,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    ...(persisted
      ? {
          persistenceLagP50Ms: percentile(lags, 50),
          persistenceLagP99Ms: percentile(lags, 99),
          persistedAll: unpersisted.size === 0,
        }
      : {}),
    converged,
    serverRssMb: rss,
  };
}

export default async function collab(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {
    editors: EDITORS,
    opsPerSecondEach: OPS_PER_SECOND,
    seconds: SECONDS,
    saveDelayMs: SAVE_DELAY_MS,
  };
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  try {
    // Baseline: bare Hocuspocus.
    {
      const port = await freePort();
      const child = spawn(process.execPath, ["bench/support/raw-hocuspocus-server.mjs"], {
        env: { ...process.env, PORT: String(port) },
        stdio: ["ignore", "ignore", "inherit"],
      });
      children.push(child);
      await waitFor200(`http://127.0.0.1:${port}/`, 30_000);
      // A short round first, not counted: this process's clients warm up before either target is measured.
      await run([`ws://127.0.0.1:${port}`], `warm-${newId()}`, undefined, [child.pid!], undefined, 3);
      out.bareHocuspocus = await run([`ws://127.0.0.1:${port}`], `bench-${newId()}`, undefined, [child.pid!]);
      console.log("bare Hocuspocus", out.bareHocuspocus);
      await stop(child);
    }
    // The real collab role.
    {
      const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-collab-"));
      dirs.push(dir);
      const seeded = await seed(dir);
      const port = await freePort();
      const child = serve(dir, port);
      children.push(child);
      await waitFor200(`http://127.0.0.1:${port}/healthz`, 60_000);
      const db = new Database(path.join(dir, "readlog.db"), { readonly: true, fileMustExist: true });
      const read = db.prepare("SELECT body FROM notes WHERE id = ?");
      out.readlog = await run(
        [`ws://127.0.0.1:${port}/collab`],
        seeded.noteId,
        seeded.tokens,
        [child.pid!],
        () => String((read.get(seeded.noteId) as { body: string }).body),
      );
      console.log("readlog collab", out.readlog);
      db.close();
      await stop(child);
    }
    const redisUrl = process.env.BENCH_REDIS_URL;
    if (redisUrl) {
      const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-collab2-"));
      dirs.push(dir);
      const seeded = await seed(dir);
      const ports = [await freePort(), await freePort()];
      const urls: string[] = [];
      const pids: number[] = [];
      for (const port of ports) {
        const child = serve(dir, port, { REDIS_URL: redisUrl });
        children.push(child);
        await waitFor200(`http://127.0.0.1:${port}/healthz`, 60_000);
        urls.push(`ws://127.0.0.1:${port}/collab`);
        pids.push(child.pid!);
      }
      const db = new Database(path.join(dir, "readlog.db"), { readonly: true, fileMustExist: true });
      const read = db.prepare("SELECT body FROM notes WHERE id = ?");
      out.readlogTwoProcessesRedis = await run(urls, seeded.noteId, seeded.tokens, pids, () =>
        String((read.get(seeded.noteId) as { body: string }).body),
      );
      console.log("readlog collab, two processes over Redis", out.readlogTwoProcessesRedis);
      db.close();
    } else out.readlogTwoProcessesRedis = "skipped: BENCH_REDIS_URL is not set";
  } finally {
    for (const c of children) await stop(c);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  out.loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
  return out;
}
