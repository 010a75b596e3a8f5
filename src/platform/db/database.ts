import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";

/** Which database: an SQLite file (":memory:" for tests) or a PostgreSQL URL. */
export type DatabaseOptions = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };
export type DbKind = DatabaseOptions["kind"];

/** The database handle plus the facts about it that repositories may need. */
export interface Database {
  /** Typed per module by its repositories (each knows its own tables). */
  // biome-ignore lint/suspicious/noExplicitAny: every module's tables
  db: Kysely<any>;
  kind: DbKind;
  /** Closes every connection; idempotent. */
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
let pgModule: typeof import("pg") | undefined;

/** The pg driver, loaded on first use (SQLite installs never pay its memory). */
function loadPg(): typeof import("pg") {
  if (pgModule) return pgModule;
  const pg = require("pg") as typeof import("pg");
  // Return instants as ISO-8601 strings, dates as YYYY-MM-DD and bigints as numbers, so rows have the
  // same shape on both engines.
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString());
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => new Date(`${v}Z`).toISOString());
  pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
  pgModule = pg;
  return pg;
}

/** Opens the configured database (SQLite file by default, PostgreSQL when DATABASE_URL says so). */
export function openDatabase(config: { database: DatabaseOptions }): Database {
  const cfg = config.database;
  if (cfg.kind === "postgres") {
    const pool = new (loadPg().Pool)({ connectionString: cfg.url, max: 10 });
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", close: once(() => db.destroy()) };
  }
  if (cfg.file !== ":memory:") mkdirSync(path.dirname(cfg.file), { recursive: true });
  const sqlite = new SQLite(cfg.file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, kind: "sqlite", close: once(() => db.destroy()) };
}

/**
 * Kysely prepares every query anew; preparing costs more than running a small indexed query, so the
 * statements of the (few hundred) distinct SQL texts the app issues are kept, like pg's named statements.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        cache.delete(text);
      } else {
        stmt = sqlite.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}
