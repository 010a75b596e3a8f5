import { describe, expect, it } from "vitest";
import { ENGINES, freshDatabase } from "../../test/support/engines.js";
import { openDatabase } from "../platform/db/database.js";
import { migrateToLatest } from "../platform/db/migrate.js";
import { allMigrations } from "./migrations.js";

/** Migrations already released: their names are recorded in users' databases and must never change. */
const RELEASED = [
  "0001-accounts",
  "0002-readlog",
  "0003-jobs",
  "0004-daily-pages",
  "0005-imports",
  "0006-channels",
  "0007-text",
  "0008-reminders",
  "0009-review",
];

describe("the migrations gathered from the platform and the modules", () => {
  it("keep every released name, each once", () => {
    const names = Object.keys(allMigrations());
    for (const n of RELEASED) expect(names).toContain(n);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(ENGINES)(
    "upgrade a database of the last release in place: only the new ones run, once (%s)",
    async (engine) => {
      const database = openDatabase({ database: await freshDatabase(engine) });
      try {
        const all = allMigrations();
        const released = Object.fromEntries(RELEASED.map((n) => [n, all[n]!]));
        expect(await migrateToLatest(database, released)).toEqual(RELEASED);
        const newer = Object.keys(all)
          .filter((n) => !RELEASED.includes(n))
          .sort();
        expect(await migrateToLatest(database, all)).toEqual(newer);
        expect(await migrateToLatest(database, all)).toEqual([]);
      } finally {
        await database.close();
      }
    },
  );
});
