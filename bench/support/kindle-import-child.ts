// Child process of the notes bench (its peak RSS is the import's own plus the app's, not the bench's): the
// whole Kindle import as the API runs it (NoteImportService: parse, organise, match or create books, write
// highlights, notes, import keys and search index entries in one transaction) on a fresh database, then the
// same file again. Prints one JSON line. Args: <file> <sqlite-dir | postgres-url>.

import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { assemble } from "../../src/app/assemble.js";
import { type Config, testConfig } from "../../src/config.js";
import { actorOf } from "../../src/platform/access/actor.js";
import { newId } from "../../src/platform/ids.js";

const [file, where] = process.argv.slice(2);
if (!file || !where) throw new Error("usage: kindle-import-child <file> <sqlite-dir|postgres-url>");

async function database(): Promise<{ db: Config["database"]; drop(): Promise<void> }> {
  if (!where!.startsWith("postgres"))
    return { db: { kind: "sqlite", file: path.join(where!, "import.db") }, drop: async () => {} };
  const schema = `bench_kindle_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: where });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  const u = new URL(where!);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return {
    db: { kind: "postgres", url: u.toString() },
    async drop() {
      const c = new pg.Client({ connectionString: where });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

const MB = 1024 * 1024;
const { db, drop } = await database();
const app = await assemble(testConfig({ database: db }));
try {
  const id = newId();
  await app.database.db
    .insertInto("users")
    .values({
      id,
      email: `bench-${id}@example.com`,
      name: "Bench",
      password_hash: "x",
      role: "member",
      timezone: "Europe/Berlin",
      created_at: new Date().toISOString(),
      disabled_at: null,
    })
    .execute();
  const reader = actorOf({ id, role: "member", timezone: "Europe/Berlin" });
  const rows = async () => {
    const out: Record<string, number> = {};
    for (const t of [
      "highlights",
      "notes",
      "note_revisions",
      "note_import_keys",
      "books",
      "search_documents",
      "events",
    ]) {
      const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t)}`.execute(
        app.database.db,
      );
      out[t] = Number(r.rows[0]!.n);
    }
    return out;
  };
  // The peak is the kernel's high-water mark (maxRSS), not a timer's samples: on SQLite the import's
  // statements run synchronously, so a sampling timer does not fire while the memory is at its highest (it
  // saw 182 MB where maxRSS was 242 MB). maxRSS covers the process's life; the import is its largest part.
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const maxRss = () => process.resourceUsage().maxRSS * 1024;
  const rssBeforeMb = Math.round(process.memoryUsage().rss / MB);
  const maxRssBeforeMb = Math.round(maxRss() / MB);
  // CPU time of this process beside the wall time: on a loaded machine the wall time mostly measures the
  // wait for a core (the database server's own CPU is not in it).
  const run = async () => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const report = await app.services.noteImports.importKindle(
      reader,
      createReadStream(file, { highWaterMark: 64 * 1024 }),
    );
    const used = process.cpuUsage(cpu);
    return {
      ms: Math.round(performance.now() - t),
      cpuMs: Math.round((used.user + used.system) / 1000),
      report,
    };
  };
  const first = await run();
  const peakFirstMb = Math.round(maxRss() / MB);
  const sampledPeakFirstMb = Math.round(peak / MB);
  const afterFirst = await rows();
  const again = await run();
  const afterAgain = await rows();
  clearInterval(timer);
  const written = Object.fromEntries(Object.entries(afterAgain).map(([k, v]) => [k, v - afterFirst[k]!]));
  console.log(
    JSON.stringify({
      engine: db.kind,
      importMs: first.ms,
      importCpuMs: first.cpuMs,
      created: first.report.created,
      updated: first.report.updated,
      skipped: first.report.skipped,
      problems: first.report.problemCount,
      booksCreated: first.report.books.created,
      rows: afterFirst,
      rssBeforeMb,
      maxRssBeforeMb,
      peakRssMb: peakFirstMb,
      sampledPeakRssMb: sampledPeakFirstMb,
      reimportMs: again.ms,
      reimportCpuMs: again.cpuMs,
      reimport: {
        created: again.report.created,
        updated: again.report.updated,
        unchanged: again.report.unchanged,
      },
      reimportRowsWritten: written,
    }),
  );
} finally {
  await app.close();
  await drop();
}
