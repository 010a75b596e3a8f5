import { openDatabase } from "../../src/platform/db/database.js";
import { PostgresSearchIndex } from "../../src/platform/search/postgres-search-index.js";
import type { SearchDb } from "../../src/platform/search/search-db.js";
import { up } from "../../src/platform/search/search-migrations.js";
import { SqliteSearchIndex } from "../../src/platform/search/sqlite-search-index.js";
import { ENGINES, type EngineName, freshDatabase } from "../support/engines.js";
import { type SearchHarness, searchContract } from "./search.contract.js";

class Rollback extends Error {}

function harness(engine: EngineName): SearchHarness {
  const make = (db: SearchDb, rankWindow?: number) =>
    engine === "sqlite"
      ? new SqliteSearchIndex(db, { rankWindow })
      : new PostgresSearchIndex(db, { rankWindow });
  return {
    name: engine === "sqlite" ? "SQLite FTS5" : "PostgreSQL tsvector",
    async open(options = {}) {
      // The search tables only: the port needs nothing else of the app's schema.
      const database = openDatabase({ database: await freshDatabase(engine) });
      const db: SearchDb = database.db;
      await up(db, database.kind);
      return {
        index: make(db, options.rankWindow),
        async inRolledBackTransaction(fn) {
          await db
            .transaction()
            .execute(async (tx) => {
              await fn(make(tx));
              throw new Rollback();
            })
            .catch((e) => {
              if (!(e instanceof Rollback)) throw e;
            });
        },
        dispose: () => database.close(),
      };
    },
  };
}

for (const engine of ENGINES) searchContract(harness(engine));
