import { type Compilable, CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, type TestApp } from "../../../test/support/app.js";
import { move, progress, readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";
import type { Database } from "../../platform/db/database.js";

type Db = Database["db"];

import { DaysRepo } from "../days/days.repo.js";
import { ProgressRepo } from "../progress/progress.repo.js";
import { StatsRepo } from "./stats.repo.js";

const WATCHED = ["progress_entries", "daily_pages", "books", "readings"];

interface PgPlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PgPlanNode[];
}

function flatten(node: PgPlanNode): PgPlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

/**
 * The plan of a query, one line per table access. SQLite: EXPLAIN QUERY PLAN. PostgreSQL: EXPLAIN with
 * sequential scans disabled, so a Seq Scan in the plan means no index can serve the query at all (on tiny
 * test tables the planner would otherwise prefer a sequential scan whatever the indexes).
 */
async function plan(db: Db, engine: string, query: Compilable): Promise<string[]> {
  const compiled = query.compile();
  if (engine === "sqlite") {
    const r = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]),
    );
    return r.rows.map((row) => row.detail);
  }
  return db.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn);
    try {
      const r = await conn.executeQuery<{ "QUERY PLAN": [{ Plan: PgPlanNode }] }>(
        CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]),
      );
      const root = r.rows[0]!["QUERY PLAN"][0].Plan;
      return flatten(root)
        .filter((n) => n["Relation Name"])
        .map(
          (n) =>
            `${n["Node Type"]} ${n["Relation Name"]}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}`,
        );
    } finally {
      await sql`set enable_seqscan = on`.execute(conn);
    }
  });
}

/** True when a plan line reads a watched table in full (not a search of an index range). */
function fullScans(engine: string, lines: string[]): string[] {
  if (engine === "sqlite") return lines.filter((l) => /^SCAN /.test(l));
  return lines.filter((l) => l.startsWith("Seq Scan") && WATCHED.some((t) => l.includes(` ${t}`)));
}

describe.each(ENGINES)("query plans of the hot queries (%s)", (engine) => {
  let t: TestApp;
  let c: Client;
  let ownerId: string;
  let bookId: string;
  let readingId: string;

  beforeAll(async () => {
    ({ t, admin: c } = await appWithAdmin(engine));
    ownerId = c.userId;
    t.clock.set("2026-05-20T12:00:00Z");
    for (let i = 0; i < 5; i++) {
      const b = await readingBook(c, { title: `Book ${i}` });
      bookId = b.id;
      readingId = b.currentReadingId;
      for (let p = 1; p <= 5; p++) await progress(c, b.id, { page: p * 10, date: `2026-05-${10 + p}` });
      if (i < 2) await move(c, b.id, "finished");
    }
    if (engine === "postgres") await sql`analyze`.execute(t.services.db);
  });
  afterAll(() => t.close());

  const queries = (kysely: Db): Record<string, Compilable> => {
    const db = { db: kysely, kind: engine };
    return {
      day: new DaysRepo(db).dayQuery(ownerId, "2026-05-12"),
      calendar: new DaysRepo(db).calendarQuery(ownerId, "2025-05-21", "2026-05-20"),
      "stats: 7/30-day pages": new StatsRepo(db).pagesQuery(
        ownerId,
        "2026-04-21",
        "2026-05-14",
        "2026-05-20",
      ),
      "stats: pages per book": new StatsRepo(db).bookPagesQuery(
        ownerId,
        [bookId],
        "2026-05-07",
        "2026-05-20",
      ),
      "stats: streak days": new StatsRepo(db).activeDaysQuery(ownerId),
      "stats: books being read": new StatsRepo(db).readingBooksQuery(ownerId),
      "stats: finished books": new StatsRepo(db).finishedQuery(ownerId),
      "stats: current page": new ProgressRepo(db).lastQuery(readingId, true),
    };
  };

  it("never reads progress_entries, books or readings in full", async () => {
    const db = t.services.db;
    for (const [name, q] of Object.entries(queries(db))) {
      const lines = await plan(db, engine, q);
      expect(lines.length, `${name}: no plan`).toBeGreaterThan(0);
      expect(fullScans(engine, lines), `${name}: ${lines.join(" | ")}`).toEqual([]);
    }
  });

  it("reads a day from the owner/day index and the calendar from the daily_pages key", async () => {
    const db = t.services.db;
    const day = (await plan(db, engine, queries(db).day!)).join(" | ");
    const calendar = (await plan(db, engine, queries(db).calendar!)).join(" | ");
    expect(day).toContain("progress_owner_day_idx");
    expect(calendar).toContain("daily_pages");
    expect(calendar).not.toContain("progress_entries");
    if (engine === "sqlite")
      expect(calendar).toMatch(
        /SEARCH daily_pages USING PRIMARY KEY \(owner_id=\? AND local_date>\? AND local_date<\?\)/,
      );
    else expect(calendar).toContain("daily_pages_pk");
  });

  it("detects a full scan when there is one", async () => {
    const db = t.services.db;
    const unindexed = db.selectFrom("progress_entries").select("id").where("note", "=", "x");
    expect(fullScans(engine, await plan(db, engine, unindexed))).not.toEqual([]);
  });
});
