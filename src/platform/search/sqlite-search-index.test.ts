import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/database.js";
import type { SearchDb } from "./search-db.js";
import { up } from "./search-migrations.js";
import { SqliteSearchIndex } from "./sqlite-search-index.js";

async function open(rankWindow: number) {
  const database = openDatabase({ database: { kind: "sqlite", file: ":memory:" } });
  const db: SearchDb = database.db;
  await up(db, "sqlite");
  return { db, index: new SqliteSearchIndex(db, { rankWindow }), close: () => database.close() };
}

describe("SQLite search specifics", () => {
  it("keeps each owner's documents in its own rowid range and records their languages", async () => {
    const { db, index, close } = await open(5000);
    await index.upsert([
      { kind: "n", id: "1", ownerId: "a", body: "x", language: "en-GB" },
      { kind: "n", id: "2", ownerId: "b", body: "y", language: "fr" },
      { kind: "n", id: "3", ownerId: "a", body: "z", language: "de" },
    ]);
    const owners = await sql<{
      owner_id: string;
      num: number;
      languages: string;
    }>`select * from search_owners order by num`.execute(db);
    expect(owners.rows.map((r) => [r.owner_id, r.languages])).toEqual([
      ["a", '["de","en"]'],
      ["b", '["fr"]'],
    ]);
    const seqs = await sql<{
      id: string;
      seq: number;
    }>`select id, seq from search_documents order by id`.execute(db);
    const span = 2 ** 32;
    expect(seqs.rows.map((r) => Math.floor(r.seq / span))).toEqual([
      owners.rows[0]!.num,
      owners.rows[1]!.num,
      owners.rows[0]!.num,
    ]);
    await close();
  });
});
