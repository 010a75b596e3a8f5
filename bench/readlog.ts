// `npm run bench -- readlog`: the day-wise memory and stats at scale. One user among 100 owns 2,000 books
// and 500,000 progress entries over 5 years (the other 99 own 20 books and 1,000 entries each). Measures
// p50/p99 of GET-equivalent service calls — a day, a one-year calendar, stats — on SQLite and, when
// BENCH_DATABASE_URL or TEST_DATABASE_URL is set, on PostgreSQL in the same run.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { type Assembly, assemble } from "../src/app/assemble.js";
import { type Config, testConfig } from "../src/config.js";
import type { BookRow } from "../src/modules/books/books.repo.js";
import type { ReadingRow } from "../src/modules/books/readings.repo.js";
import { type EntryRow, ProgressRepo } from "../src/modules/progress/progress.repo.js";
import { actorOf } from "../src/platform/access/actor.js";
import { FakeClock } from "../src/platform/clock.js";
import { newId } from "../src/platform/ids.js";
import { addDays, localDateOf } from "../src/platform/local-date.js";

const USERS = 100;
const BOOKS = 2_000;
const ENTRIES = 500_000;
const OTHER_BOOKS = 20;
const OTHER_ENTRIES = 1_000;
const YEARS = 5;
export const ZONE = "Europe/Berlin";
export const END = new Date("2026-05-20T18:00:00Z");
const START = new Date(END.getTime() - YEARS * 365.25 * 86_400_000);
const BATCH = 2_000;
const RUNS = { day: 300, calendar: 200, stats: 200 };

/** Inserts one user's library: books read one after another, entries spread evenly over five years. */
/** The assembled app with its database at hand, for seeding. */
export type Bench = Assembly["services"] & {
  database: Assembly["database"];
  db: Assembly["database"]["db"];
  app: Assembly;
};

async function loadUser(s: Bench, ownerId: string, books: number, entries: number): Promise<void> {
  const perBook = entries / books;
  const step = (END.getTime() - START.getTime()) / entries;
  const bookRows: BookRow[] = [];
  const readingRows: ReadingRow[] = [];
  const at = START.toISOString();
  for (let i = 0; i < books; i++) {
    const id = newId(START.getTime() + i);
    const readingId = newId(START.getTime() + i);
    const lastEntry = new Date(START.getTime() + Math.round((i + 1) * perBook - 1) * step);
    const reading = i >= books - 5; // the last five are still being read
    bookRows.push({
      id,
      owner_id: ownerId,
      title: `Book ${i} of ${ownerId.slice(0, 8)}`,
      authors: JSON.stringify(["Bench Author"]),
      isbn10: null,
      isbn13: null,
      total_pages: perBook * 2 + (reading ? 100 : 0),
      cover_url: null,
      metadata_source: "import",
      status: reading ? "reading" : "finished",
      current_reading_id: readingId,
      created_at: at,
      updated_at: at,
    });
    readingRows.push({
      id: readingId,
      owner_id: ownerId,
      book_id: id,
      status: reading ? "reading" : "finished",
      started_on: localDateOf(new Date(START.getTime() + Math.round(i * perBook) * step), ZONE),
      finished_on: reading ? null : localDateOf(lastEntry, ZONE),
      rating: null,
      review: null,
      created_at: at,
      updated_at: at,
    });
  }
  await s.db.transaction().execute(async (tx: Bench["db"]) => {
    for (let i = 0; i < bookRows.length; i += BATCH) {
      await tx
        .insertInto("books")
        .values(bookRows.slice(i, i + BATCH))
        .execute();
      await tx
        .insertInto("readings")
        .values(readingRows.slice(i, i + BATCH))
        .execute();
    }
  });
  let batch: EntryRow[] = [];
  // Through the repository, so daily_pages is filled exactly as the app fills it.
  const flush = async (tx: Bench["db"]) => {
    await new ProgressRepo({ db: tx, kind: s.database.kind }).insertMany(batch);
    batch = [];
  };
  await s.db.transaction().execute(async (tx: Bench["db"]) => {
    for (let k = 0; k < entries; k++) {
      const b = Math.floor(k / perBook);
      const j = k - Math.round(b * perBook);
      const when = new Date(START.getTime() + Math.round(k * step));
      batch.push({
        id: newId(when.getTime()),
        owner_id: ownerId,
        reading_id: readingRows[b]!.id,
        book_id: bookRows[b]!.id,
        page: (j + 1) * 2,
        percent: null,
        local_date: localDateOf(when, ZONE),
        recorded_at: when.toISOString(),
        source: "import",
        supersedes: null,
        pages_delta: 2,
        note: null,
      });
      if (batch.length === BATCH) await flush(tx);
    }
    await flush(tx);
  });
}

/** The benchmark's 100 users; the id of the one with 2,000 books and 500,000 entries (bench/web.ts reuses it). */
export async function seed(s: Bench): Promise<string> {
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: newId(START.getTime() + i),
    email: `bench${i}@example.com`,
    name: `Bench ${i}`,
    password_hash: "x",
    role: (i === 0 ? "admin" : "member") as "admin" | "member",
    timezone: ZONE,
    created_at: START.toISOString(),
    disabled_at: null,
  }));
  await s.db.insertInto("users").values(users).execute();
  const target = users[USERS / 2]!.id;
  for (const u of users) {
    if (u.id === target) await loadUser(s, u.id, BOOKS, ENTRIES);
    else await loadUser(s, u.id, OTHER_BOOKS, OTHER_ENTRIES);
  }
  return target;
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)]! * 100) / 100;
}

async function measure(runs: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await fn(i); // warm up (JIT, page cache, statement cache)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), runs };
}

async function benchEngine(database: Config["database"], label: string) {
  const clock = new FakeClock(END);
  const app = await assemble(testConfig({ database }), { clock });
  const s: Bench = { ...app.services, database: app.database, db: app.database.db, app };
  try {
    const t0 = performance.now();
    const ownerId = await seed(s);
    const loadS = Math.round((performance.now() - t0) / 100) / 10;
    if (s.database.kind === "postgres") await sql`vacuum analyze`.execute(s.db);
    else await sql`analyze`.execute(s.db);
    const reader = actorOf({ id: ownerId, role: "member", timezone: ZONE });
    const today = localDateOf(END, ZONE);
    const spanDays = Math.floor(YEARS * 365.25) - 1;
    // Deterministic spread of days over the five years.
    const dayAt = (i: number) => addDays(today, -((i * 7919) % spanDays));
    const day = await measure(RUNS.day, (i) => s.days.day(reader, dayAt(i)));
    const calendar = await measure(RUNS.calendar, (i) => {
      const to = addDays(today, -((i * 7919) % (spanDays - 366)));
      return s.days.calendar(reader, addDays(to, -365), to);
    });
    const stats = await measure(RUNS.stats, () => s.stats.stats(reader));
    const sample = await s.stats.stats(reader);
    const oneDay = await s.days.day(reader, dayAt(1));
    return {
      engine: label,
      loadSeconds: loadS,
      entriesPerDay: oneDay.entries.length,
      longestStreak: sample.streak.longest,
      day,
      calendar,
      stats,
    };
  } finally {
    await app.close();
  }
}

async function pgSchema(base: string): Promise<{ database: Config["database"]; drop(): Promise<void> }> {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    database: { kind: "postgres", url: url.toString() },
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

export default async function run(): Promise<Record<string, unknown>> {
  const results = [];
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-"));
  try {
    results.push(await benchEngine({ kind: "sqlite", file: path.join(dir, "bench.db") }, "sqlite"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (pgUrl) {
    const target = await pgSchema(pgUrl);
    try {
      results.push(await benchEngine(target.database, "postgres"));
    } finally {
      await target.drop();
    }
  } else console.log("PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL");

  console.table(
    results.flatMap((r) =>
      (["day", "calendar", "stats"] as const).map((q) => ({
        engine: r.engine,
        query: q,
        "p50 ms": r[q].p50Ms,
        "p99 ms": r[q].p99Ms,
        goal: q === "stats" ? "p99 < 50 ms (SQLite)" : "p99 < 20 ms (SQLite)",
      })),
    ),
  );
  const sqlite = results[0]!;
  return {
    setup: {
      users: USERS,
      books: BOOKS,
      entries: ENTRIES,
      years: YEARS,
      otherUsers: { books: OTHER_BOOKS, entries: OTHER_ENTRIES },
    },
    results,
    goalsMet: {
      sqliteDay: sqlite.day.p99Ms < 20,
      sqliteCalendar: sqlite.calendar.p99Ms < 20,
      sqliteStats: sqlite.stats.p99Ms < 50,
    },
  };
}
