// `npm run bench -- review`: building the day's due lists. BENCH_REVIEW_USERS users (default 100) in a
// spread of time zones, each with BENCH_REVIEW_CARDS review cards (default 5,000) whose due days spread
// from 60 days ago to 120 days ahead, on a SQLite file and (with BENCH_DATABASE_URL or TEST_DATABASE_URL)
// PostgreSQL. For every user it asks ReviewService for today's due list (oldest first, up to 500 cards)
// and the count due, as GET /api/reviews/due and the text `review` do; it reports the time per user and in
// all, and the peak RSS and heap of the process while doing it. Then one more user with
// BENCH_REVIEW_HIGHLIGHTS highlight cards (default 200,000, over 2,000 books) has the day's highlight draw
// made (HighlightReview.today: every active highlight card read, weighted, five drawn and stored) and read
// again (the stored draw), timed against the due lists of the same run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { assemble } from "../src/app/assemble.js";
import { testConfig } from "../src/config.js";
import type { ReviewCardsTable } from "../src/modules/review/review.tables.js";
import { type Actor, actorOf } from "../src/platform/access/actor.js";
import { newId } from "../src/platform/ids.js";
import { addDays, localDateOf } from "../src/platform/local-date.js";

const USERS = Number(process.env.BENCH_REVIEW_USERS ?? 100);
const CARDS = Number(process.env.BENCH_REVIEW_CARDS ?? 5_000);
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kuala_Lumpur", "Pacific/Auckland"];
const DAY = 86_400_000;
const HIGHLIGHTS = Number(process.env.BENCH_REVIEW_HIGHLIGHTS ?? 200_000);
const HIGHLIGHT_BOOKS = 2_000;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, i)] ?? 0) * 100) / 100;
}

async function freshPgSchema(base: string): Promise<string> {
  const schema = `bench_review_${Date.now()}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  await c.query(`create schema ${schema}`);
  await c.end();
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

async function runEngine(engine: "sqlite" | "postgres", pgBase?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-review-"));
  const database =
    engine === "sqlite"
      ? { kind: "sqlite" as const, file: path.join(dir, "bench.db") }
      : { kind: "postgres" as const, url: await freshPgSchema(pgBase!) };
  const app = await assemble(testConfig({ database }));
  const s = { ...app.services, db: app.database.db, database: app.database };
  try {
    const now = new Date();
    const at = now.toISOString();
    const readers: Actor[] = [];
    const t0 = performance.now();
    for (let u = 0; u < USERS; u++) {
      const id = newId();
      const timezone = ZONES[u % ZONES.length]!;
      readers.push(actorOf({ id, role: "member", timezone }));
      await s.db
        .insertInto("users")
        .values({
          id,
          email: `review${u}@bench.example`,
          name: "",
          password_hash: "x",
          role: "member",
          timezone,
          created_at: at,
          disabled_at: null,
        })
        .execute();
      const bookId = newId();
      await s.db
        .insertInto("books")
        .values({
          id: bookId,
          owner_id: id,
          title: "Bench",
          authors: "[]",
          isbn10: null,
          isbn13: null,
          total_pages: null,
          cover_url: null,
          metadata_source: null,
          status: "finished",
          current_reading_id: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const today = localDateOf(now, timezone);
      const rows: ReviewCardsTable[] = [];
      for (let c = 0; c < CARDS; c++) {
        const offset = ((c * 7919) % 181) - 60; // -60 … +120 days, evenly mixed
        const due = new Date(now.getTime() + offset * DAY);
        rows.push({
          id: newId(),
          owner_id: id,
          kind: "book",
          subject_id: newId(),
          book_id: bookId,
          prompt: `What do you remember of book ${c}? (0 notes, 0 highlights)`,
          due_on: addDays(today, offset),
          due_at: due.toISOString(),
          stability: 10,
          difficulty: 5,
          elapsed_days: 3,
          scheduled_days: 10,
          learning_steps: 0,
          reps: 3,
          lapses: 0,
          state: 2,
          last_review: at,
          desired_retention: null,
          suspended_at: c % 50 === 0 ? at : null,
          retired_at: null,
          created_at: at,
          updated_at: at,
          tune: 1,
          shows: 0,
          last_shown_on: null,
        });
      }
      await s.db.transaction().execute(async (tx: typeof s.db) => {
        for (let i = 0; i < rows.length; i += 1000)
          await tx
            .insertInto("review_cards")
            .values(rows.slice(i, i + 1000))
            .execute();
      });
    }
    const seeded = (performance.now() - t0) / 1000;
    if (global.gc) global.gc();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 5);
    const times: number[] = [];
    let listed = 0;
    let dueTotal = 0;
    const start = performance.now();
    for (const reader of readers) {
      const t1 = performance.now();
      const cards = await s.review.due(reader);
      dueTotal += await s.review.countDue(reader);
      times.push(performance.now() - t1);
      listed += cards.length;
    }
    const total = performance.now() - start;
    clearInterval(sampler);
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    times.sort((a, b) => a - b);
    const draw = await highlightDraw(s, now);
    const figures = {
      engine,
      users: USERS,
      cardsPerUser: CARDS,
      seedSeconds: Math.round(seeded * 10) / 10,
      dueListsMs: Math.round(total),
      perUserMsP50: percentile(times, 50),
      perUserMsP95: percentile(times, 95),
      perUserMsMax: percentile(times, 100),
      cardsListed: listed,
      cardsDue: dueTotal,
      baseRssMiB: Math.round(base.rss / 2 ** 20),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
      peakHeapMiB: Math.round(peakHeap / 2 ** 20),
      maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      ...draw,
      drawOverDueP50: Math.round((draw.firstDrawMs / Math.max(0.01, percentile(times, 50))) * 10) / 10,
    };
    console.log(figures);
    return figures;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One user with HIGHLIGHTS highlight cards over HIGHLIGHT_BOOKS books: the day's draw made, then read again. */
// biome-ignore lint/suspicious/noExplicitAny: the bench seeds tables of several modules
async function highlightDraw(s: { db: any; highlightReview: any }, now: Date) {
  const id = newId();
  const at = now.toISOString();
  const reader = actorOf({ id, role: "member", timezone: "UTC" });
  await s.db
    .insertInto("users")
    .values({
      id,
      email: "highlights@bench.example",
      name: "",
      password_hash: "x",
      role: "member",
      timezone: "UTC",
      created_at: at,
      disabled_at: null,
    })
    .execute();
  const books = Array.from({ length: HIGHLIGHT_BOOKS }, (_, b) => ({
    id: newId(),
    owner_id: id,
    title: `Highlighted ${b}`,
    authors: "[]",
    isbn10: null,
    isbn13: null,
    total_pages: null,
    cover_url: null,
    metadata_source: null,
    status: "finished",
    current_reading_id: null,
    created_at: at,
    updated_at: at,
  }));
  const today = localDateOf(now, "UTC");
  await s.db.transaction().execute(async (tx: typeof s.db) => {
    for (let i = 0; i < books.length; i += 500)
      await tx
        .insertInto("books")
        .values(books.slice(i, i + 500))
        .execute();
    let rows: ReviewCardsTable[] = [];
    for (let c = 0; c < HIGHLIGHTS; c++) {
      // Books of very different sizes (a few with thousands of highlights, many with a handful).
      const book = books[Math.floor(HIGHLIGHT_BOOKS * (c / HIGHLIGHTS) ** 2)]!;
      rows.push({
        id: newId(),
        owner_id: id,
        kind: "highlight",
        subject_id: newId(),
        book_id: book.id,
        prompt: `Highlight ${c}`,
        due_on: today,
        due_at: at,
        stability: 0,
        difficulty: 0,
        elapsed_days: 0,
        scheduled_days: 0,
        learning_steps: 0,
        reps: 0,
        lapses: 0,
        state: 0,
        last_review: null,
        desired_retention: null,
        suspended_at: null,
        retired_at: null,
        created_at: at,
        updated_at: at,
        tune: c % 7 === 0 ? 2 : 1,
        shows: c % 5,
        last_shown_on: null,
      });
      if (rows.length === 1000) {
        await tx.insertInto("review_cards").values(rows).execute();
        rows = [];
      }
    }
    if (rows.length > 0) await tx.insertInto("review_cards").values(rows).execute();
  });
  const t1 = performance.now();
  const first = await s.highlightReview.today(reader);
  const firstDrawMs = Math.round((performance.now() - t1) * 10) / 10;
  const t2 = performance.now();
  const again = await s.highlightReview.today(reader);
  const storedDrawMs = Math.round((performance.now() - t2) * 10) / 10;
  if (first.length !== 5 || again.length !== 5) throw new Error("the highlight draw did not draw five cards");
  return { highlightCards: HIGHLIGHTS, firstDrawMs, storedDrawMs };
}

export default async function review() {
  const pgBase = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const results = [await runEngine("sqlite")];
  if (pgBase) results.push(await runEngine("postgres", pgBase));
  return { results };
}
