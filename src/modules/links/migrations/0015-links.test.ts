import { describe, expect, it } from "vitest";
import { ENGINES, freshDatabase } from "../../../../test/support/engines.js";
import { allMigrations } from "../../../app/migrations.js";
import { openDatabase } from "../../../platform/db/database.js";
import { migrateToLatest } from "../../../platform/db/migrate.js";
import { newId } from "../../../platform/ids.js";

describe.each(ENGINES)("0015-links adopts the links the text module saved (%s)", (engine) => {
  it("keeps every row: canonical URL, site, status pending; same-article rows merged with their comments", async () => {
    const database = openDatabase({ database: await freshDatabase(engine) });
    try {
      const all = allMigrations();
      const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < "0015-links"));
      await migrateToLatest(database, before);
      // biome-ignore lint/suspicious/noExplicitAny: the schema as 0007-text left it
      const db = database.db as any;
      const user = newId();
      await db
        .insertInto("users")
        .values({
          id: user,
          email: "old@example.com",
          name: "Old",
          password_hash: "x",
          role: "member",
          timezone: "UTC",
          created_at: "2025-01-01T00:00:00.000Z",
        })
        .execute();
      const row = (url: string, comment: string | null, at: string) => ({
        id: newId(Date.parse(at)),
        owner_id: user,
        url,
        status: "saved",
        comment,
        source: "telegram",
        created_at: at,
      });
      const rows = [
        row("https://www.Example.com/a?utm_source=x", "first", "2025-01-02T00:00:00.000Z"),
        row("https://www.example.com/a?fbclid=1", "second", "2025-01-03T00:00:00.000Z"),
        row("https://example.org/b#top", null, "2025-01-04T00:00:00.000Z"),
      ];
      await db.insertInto("links").values(rows).execute();

      expect(await migrateToLatest(database, all)).toContain("0015-links");
      const after = await db.selectFrom("links").selectAll().orderBy("id").execute();
      expect(
        after.map((r: Record<string, unknown>) => [r.id, r.canonical_url, r.site, r.status, r.comment]),
      ).toEqual([
        [rows[0]!.id, "https://www.example.com/a", "example.com", "pending", "first · second"],
        [rows[2]!.id, "https://example.org/b", "example.org", "pending", null],
      ]);
      expect(after[0].updated_at).toBe(after[0].created_at);
      expect(after.map((r: Record<string, unknown>) => r.error_code)).toEqual(["adopted", "adopted"]);
    } finally {
      await database.close();
    }
  });
});
