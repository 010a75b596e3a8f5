import { type Compilable, CompiledQuery, type Kysely } from "kysely";

const MARK = "\u0000param:";

/**
 * Builds and compiles a query once; each call then only substitutes the parameters. Kysely otherwise
 * rebuilds and recompiles the query tree on every call, which costs more than running a small indexed
 * query. For hot paths only (authentication, per-request lookups). `build` receives placeholders in
 * place of the real values; it must use each one as a plain bound value.
 */
export function precompile<Args extends Record<string, string | number | null>, Row>(
  // biome-ignore lint/suspicious/noExplicitAny: works with any database schema
  db: Kysely<any>,
  build: (params: Args) => Compilable<Row>,
): (args: Args) => Promise<Row[]> {
  let compiled: CompiledQuery<Row> | undefined;
  return async (args) => {
    if (!compiled) {
      const placeholders = new Proxy({} as Args, { get: (_t, key) => `${MARK}${String(key)}` });
      compiled = build(placeholders).compile();
    }
    const parameters = compiled.parameters.map((v) =>
      typeof v === "string" && v.startsWith(MARK) ? args[v.slice(MARK.length)] : v,
    );
    const result = await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters));
    return result.rows;
  };
}

/**
 * Like `precompile`, for repositories that run on the database or on a transaction: the query is built and
 * compiled once per dialect, then run on the handle given at each call. `build` gets that handle (use it
 * only to start the query) and placeholders in place of the real values.
 */
export function precompiledOn<Args extends Record<string, string | number | null>, Row>(
  // biome-ignore lint/suspicious/noExplicitAny: works with any database schema
  build: (db: Kysely<any>, params: Args) => Compilable<Row>,
  // biome-ignore lint/suspicious/noExplicitAny: works with any database schema
): (db: Kysely<any>, args: Args) => Promise<Row[]> {
  const byAdapter = new WeakMap<object, CompiledQuery<Row>>();
  return async (db, args) => {
    const adapter = db.getExecutor().adapter;
    let compiled = byAdapter.get(adapter);
    if (!compiled) {
      const placeholders = new Proxy({} as Args, { get: (_t, key) => `${MARK}${String(key)}` });
      compiled = build(db, placeholders).compile();
      byAdapter.set(adapter, compiled);
    }
    const parameters = compiled.parameters.map((v) =>
      typeof v === "string" && v.startsWith(MARK) ? args[v.slice(MARK.length)] : v,
    );
    const result = await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters));
    return result.rows;
  };
}
