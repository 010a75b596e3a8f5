import type { Kysely } from "kysely";

/**
 * The handle the search adapters run their SQL on. Their tables are not part of the app's typed schema
 * (they come with the module that attaches the migration), so the handle is untyped here.
 */
// biome-ignore lint/suspicious/noExplicitAny: the index runs its own SQL on whichever schema holds its tables
export type SearchDb = Kysely<any>;

/** A handle, or a function giving the handle to use now (the caller's unit-of-work transaction, say). */
export type SearchDbSource = SearchDb | (() => SearchDb);

export const resolveDb = (source: SearchDbSource): SearchDb =>
  typeof source === "function" ? source() : source;

/** Runs `fn` in `db` when it already is a transaction (the caller's), else in a new one. */
export function inSearchTransaction<T>(db: SearchDb, fn: (tx: SearchDb) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
