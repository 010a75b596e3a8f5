import { type RawBuilder, sql } from "kysely";
import type { DbKind } from "./database.js";

/** Column types that differ between the engines; everything else is portable SQL. */
export function columnTypes(kind: DbKind): { instant: RawBuilder<unknown>; date: RawBuilder<unknown> } {
  return kind === "postgres"
    ? { instant: sql`timestamptz`, date: sql`date` }
    : { instant: sql`text`, date: sql`text` };
}
